//! The ProfileStore contract: each test is written once against `&dyn ProfileStore` and run on
//! the embedded adapter and on the Firebase adapter (over the in-memory fake database).

use chrono::{DateTime, Duration, TimeZone, Utc};
use shared::config::{FirebaseAuth, FirebaseSettings, Secret};
use shared::domain::{GenreId, MovieId, UserId};
use shared::http::PageRequest;
use shared::stores::profiles::{
    AvatarUrl, Bio, DisplayName, EmbeddedProfiles, FavoriteGenres, FirebaseProfiles, FollowEdge,
    Location, ProfilePatch, ProfileStore,
};
use wiremock::MockServer;

use super::profiles_fake_rtdb::{FakeRtdb, FAKE_AUTH};

/// A store under test and whatever must outlive it.
pub struct Subject {
    pub store: Box<dyn ProfileStore>,
    _dir: Option<tempfile::TempDir>,
    _server: Option<MockServer>,
}

pub async fn embedded() -> Subject {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = shared::stores::embedded::open(dir.path())
        .await
        .expect("embedded database");
    Subject {
        store: Box::new(EmbeddedProfiles::new(pool)),
        _dir: Some(dir),
        _server: None,
    }
}

pub fn firebase_settings(uri: &str, auth: FirebaseAuth) -> FirebaseSettings {
    FirebaseSettings {
        database_url: url::Url::parse(uri).expect("url"),
        auth,
        emulator_host: None,
    }
}

pub async fn firebase() -> Subject {
    let (server, _fake) = FakeRtdb::start().await;
    let settings = firebase_settings(&server.uri(), FirebaseAuth::Token(Secret::new(FAKE_AUTH)));
    let store = FirebaseProfiles::new(reqwest::Client::new(), &settings).expect("adapter");
    Subject {
        store: Box::new(store),
        _dir: None,
        _server: Some(server),
    }
}

pub fn user() -> UserId {
    UserId(uuid::Uuid::now_v7())
}

pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_760_000_000 + seconds, 0)
        .single()
        .expect("time")
}

fn page(page: u32, size: u32) -> PageRequest {
    PageRequest::new(page, size).expect("page")
}

fn edge(a: UserId, b: UserId) -> FollowEdge {
    FollowEdge::new(a, b).expect("two users")
}

fn movie(id: i64) -> MovieId {
    MovieId::new(id).expect("id")
}

macro_rules! on_both_adapters {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn embedded() {
                    super::$name(super::embedded().await.store.as_ref()).await;
                }

                #[tokio::test]
                async fn firebase() {
                    super::$name(super::firebase().await.store.as_ref()).await;
                }
            }
        )*
    };
}

on_both_adapters!(
    profiles_are_patched_field_by_field,
    follows_are_idempotent_counted_and_listed_newest_first,
    watchlists_keep_the_first_time_and_page,
    deleting_a_user_removes_every_trace_and_nothing_else,
);

async fn profiles_are_patched_field_by_field(store: &dyn ProfileStore) {
    let me = user();
    assert_eq!(store.profile(me).await.unwrap(), None);

    let first = ProfilePatch {
        display_name: Some(Some(DisplayName::parse("Ana").unwrap())),
        bio: Some(Some(
            Bio::parse("<b>likes</b> noir\nand \"quotes\"").unwrap(),
        )),
        avatar_url: Some(Some(AvatarUrl::parse("https://img.example/a.png").unwrap())),
        favorite_genres: Some(
            FavoriteGenres::new(vec![GenreId::new(18).unwrap(), GenreId::new(28).unwrap()])
                .unwrap(),
        ),
        favorite_movie_id: Some(Some(movie(550))),
        ..Default::default()
    };
    let written = store.update_profile(me, &first, at(1)).await.unwrap();
    let stored = store.profile(me).await.unwrap().expect("written");
    assert_eq!(written, stored);
    assert_eq!(stored.display_name.as_ref().unwrap().as_str(), "Ana");
    assert_eq!(
        stored.bio.as_ref().unwrap().as_str(),
        "<b>likes</b> noir\nand \"quotes\""
    );
    let genres: Vec<i64> = stored
        .favorite_genres
        .ids()
        .iter()
        .map(|g| g.get())
        .collect();
    assert_eq!(genres, vec![18, 28], "order kept");
    assert_eq!(stored.favorite_movie_id, Some(movie(550)));
    assert_eq!(stored.updated_at, Some(at(1)));

    // A second update names other fields: the first ones survive; null clears.
    let second = ProfilePatch {
        location: Some(Some(Location::parse("Porto").unwrap())),
        avatar_url: Some(None),
        favorite_genres: Some(FavoriteGenres::default()),
        ..Default::default()
    };
    let after = store.update_profile(me, &second, at(2)).await.unwrap();
    assert_eq!(after.display_name, stored.display_name);
    assert_eq!(after.bio, stored.bio);
    assert_eq!(after.location.as_ref().unwrap().as_str(), "Porto");
    assert_eq!(after.avatar_url, None);
    assert!(after.favorite_genres.is_empty());
    assert_eq!(after.favorite_movie_id, Some(movie(550)));
    assert_eq!(after.updated_at, Some(at(2)));
    assert_eq!(store.profile(me).await.unwrap(), Some(after));

    // Concurrent updates of different fields both survive.
    let name = ProfilePatch {
        display_name: Some(Some(DisplayName::parse("Ana B.").unwrap())),
        ..Default::default()
    };
    let place = ProfilePatch {
        location: Some(Some(Location::parse("Braga").unwrap())),
        ..Default::default()
    };
    let (x, y) = tokio::join!(
        store.update_profile(me, &name, at(3)),
        store.update_profile(me, &place, at(3))
    );
    x.unwrap();
    y.unwrap();
    let both = store.profile(me).await.unwrap().unwrap();
    assert_eq!(both.display_name.unwrap().as_str(), "Ana B.");
    assert_eq!(both.location.unwrap().as_str(), "Braga");
    assert_eq!(both.bio, stored.bio);

    // Somebody else's profile is untouched.
    assert_eq!(store.profile(user()).await.unwrap(), None);
}

async fn follows_are_idempotent_counted_and_listed_newest_first(store: &dyn ProfileStore) {
    let (a, b, c, d) = (user(), user(), user(), user());
    assert!(store.follow(edge(a, b), at(1)).await.unwrap());
    assert!(!store.follow(edge(a, b), at(9)).await.unwrap(), "again");
    assert!(store.follow(edge(c, b), at(2)).await.unwrap());
    assert!(store.follow(edge(d, b), at(3)).await.unwrap());
    assert!(store.follow(edge(a, c), at(4)).await.unwrap());

    let counts = store.follow_counts(b).await.unwrap();
    assert_eq!((counts.followers, counts.following), (3, 0));
    let counts = store.follow_counts(a).await.unwrap();
    assert_eq!((counts.followers, counts.following), (0, 2));

    let followers = store.followers(b, page(1, 2)).await.unwrap();
    assert_eq!(followers.total, 3);
    let ids: Vec<UserId> = followers.items.iter().map(|e| e.user_id).collect();
    assert_eq!(ids, vec![d, c], "newest first");
    let rest = store.followers(b, page(2, 2)).await.unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].user_id, a);
    assert_eq!(
        rest.items[0].since,
        at(1),
        "following again kept the first time"
    );
    assert!(store
        .followers(b, page(3, 2))
        .await
        .unwrap()
        .items
        .is_empty());

    let following = store.following(a, page(1, 10)).await.unwrap();
    let ids: Vec<UserId> = following.items.iter().map(|e| e.user_id).collect();
    assert_eq!(ids, vec![c, b]);

    assert!(store.unfollow(edge(a, b)).await.unwrap());
    assert!(!store.unfollow(edge(a, b)).await.unwrap(), "again");
    assert_eq!(store.follow_counts(b).await.unwrap().followers, 2);
    assert_eq!(store.follow_counts(a).await.unwrap().following, 1);
    let ids: Vec<UserId> = store
        .followers(b, page(1, 10))
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.user_id)
        .collect();
    assert_eq!(ids, vec![d, c]);
}

async fn watchlists_keep_the_first_time_and_page(store: &dyn ProfileStore) {
    let (me, other) = (user(), user());
    // Small ids on purpose: Firebase answers such a node as an array.
    for (i, id) in [1, 2, 3, 5].into_iter().enumerate() {
        assert!(store
            .add_to_watchlist(me, movie(id), at(i as i64))
            .await
            .unwrap());
    }
    assert!(!store.add_to_watchlist(me, movie(1), at(99)).await.unwrap());
    store
        .add_to_watchlist(other, movie(7), at(0))
        .await
        .unwrap();

    let first = store.watchlist(me, page(1, 3)).await.unwrap();
    assert_eq!(first.total, 4);
    let ids: Vec<i64> = first.items.iter().map(|e| e.movie_id.get()).collect();
    assert_eq!(ids, vec![5, 3, 2]);
    let second = store.watchlist(me, page(2, 3)).await.unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].movie_id, movie(1));
    assert_eq!(
        second.items[0].added_at,
        at(0),
        "adding again kept the first time"
    );

    assert!(store.remove_from_watchlist(me, movie(3)).await.unwrap());
    assert!(!store.remove_from_watchlist(me, movie(3)).await.unwrap());
    assert_eq!(store.watchlist(me, page(1, 10)).await.unwrap().total, 3);
    assert_eq!(store.watchlist(other, page(1, 10)).await.unwrap().total, 1);
}

async fn deleting_a_user_removes_every_trace_and_nothing_else(store: &dyn ProfileStore) {
    let (gone, fan, idol, bystander) = (user(), user(), user(), user());
    let patch = ProfilePatch {
        display_name: Some(Some(DisplayName::parse("Leaving").unwrap())),
        ..Default::default()
    };
    store.update_profile(gone, &patch, at(0)).await.unwrap();
    store.update_profile(fan, &patch, at(0)).await.unwrap();
    store.follow(edge(fan, gone), at(1)).await.unwrap();
    store.follow(edge(gone, idol), at(2)).await.unwrap();
    store.follow(edge(fan, idol), at(3)).await.unwrap();
    store.follow(edge(bystander, fan), at(4)).await.unwrap();
    store.add_to_watchlist(gone, movie(1), at(5)).await.unwrap();
    store.add_to_watchlist(fan, movie(1), at(5)).await.unwrap();

    store.delete_user_data(gone).await.unwrap();

    assert_eq!(store.profile(gone).await.unwrap(), None);
    assert_eq!(store.follow_counts(gone).await.unwrap().followers, 0);
    assert_eq!(store.follow_counts(gone).await.unwrap().following, 0);
    assert_eq!(store.watchlist(gone, page(1, 10)).await.unwrap().total, 0);
    // The other side of each follow went too.
    let fan_follows: Vec<UserId> = store
        .following(fan, page(1, 10))
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.user_id)
        .collect();
    assert_eq!(fan_follows, vec![idol]);
    let idol_fans: Vec<UserId> = store
        .followers(idol, page(1, 10))
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.user_id)
        .collect();
    assert_eq!(idol_fans, vec![fan]);
    // Everyone else's data is intact.
    assert!(store.profile(fan).await.unwrap().is_some());
    assert_eq!(store.watchlist(fan, page(1, 10)).await.unwrap().total, 1);
    assert_eq!(store.follow_counts(fan).await.unwrap().followers, 1);

    // Idempotent.
    store.delete_user_data(gone).await.unwrap();
    store.delete_user_data(user()).await.unwrap();
}

/// Dates far apart still order right (millisecond precision is what both adapters keep).
#[tokio::test]
async fn times_are_kept_to_the_millisecond() {
    for subject in [embedded().await, firebase().await] {
        let store = subject.store.as_ref();
        let me = user();
        let precise = at(0) + Duration::microseconds(1_234_567);
        store.add_to_watchlist(me, movie(1), precise).await.unwrap();
        let listed = store.watchlist(me, page(1, 1)).await.unwrap();
        assert_eq!(
            listed.items[0].added_at,
            at(0) + Duration::milliseconds(1_234)
        );
    }
}

/// An avatar address stored while the API took a wider form (a port, here) still reads: the
/// stricter input form applies to what a client sends, not to what is already stored.
#[tokio::test]
async fn an_avatar_stored_under_the_older_wider_form_still_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = shared::stores::embedded::open(dir.path())
        .await
        .expect("embedded database");
    let me = user();
    let stored = "https://img.example.org:8443/me.png";
    sqlx::query("INSERT INTO profiles (user_id, avatar_url, updated_at) VALUES (?, ?, 0)")
        .bind(me.to_string())
        .bind(stored)
        .execute(&pool)
        .await
        .expect("a stored profile");
    let profile = EmbeddedProfiles::new(pool)
        .profile(me)
        .await
        .expect("the profile reads")
        .expect("a profile");
    assert_eq!(
        profile.avatar_url.map(|a| a.as_str().to_string()),
        Some(stored.into())
    );
}
