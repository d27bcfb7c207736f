//! The catalog store contract: every test runs once per adapter (embedded SQLite, and MongoDB
//! on the test server), through the store the app builds from its settings.

use chrono::{Duration, TimeZone, Utc};
use shared::domain::{MovieSource, RatingSummary, SeedCounts, SeedRun, SeedStatus, UpsertOutcome};
use shared::stores::{CatalogStore, StoreError};

use crate::catalog_fixtures::*;

/// Runs `$name(store)` against each adapter, as `$name::embedded` and `$name::mongodb`.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn embedded() {
                let app = Adapter::Embedded.app().await.expect("embedded app");
                super::$name(app.state.catalog().expect("catalog")).await;
            }

            #[tokio::test]
            async fn mongodb() {
                let Some(app) = Adapter::MongoDb.app().await else { return };
                super::$name(app.state.catalog().expect("catalog")).await;
            }
        }
    )*};
}

contract!(
    upsert_movie_reports_what_it_did,
    upsert_movie_keeps_the_rating_and_user_movies,
    summaries_keep_the_order_asked_and_skip_unknown_ids,
    existence_and_genres,
    people_upserts_report_what_they_did,
    seed_runs_are_replaced_by_id_and_the_latest_is_found,
    emptiness,
);

async fn upsert_movie_reports_what_it_did(store: &dyn CatalogStore) {
    let original = movie(1, "The Matrix");
    assert_eq!(
        store.upsert_movie(&original).await.unwrap(),
        UpsertOutcome::Inserted
    );
    assert_eq!(
        store.upsert_movie(&original).await.unwrap(),
        UpsertOutcome::Unchanged
    );

    // Only updated_at differs: nothing to write.
    let mut later = original.clone();
    later.updated_at += Duration::days(3);
    assert_eq!(
        store.upsert_movie(&later).await.unwrap(),
        UpsertOutcome::Unchanged
    );

    let mut renamed = later.clone();
    renamed.title = "The Matrix (Remastered)".into();
    renamed.popularity = 99.5;
    assert_eq!(
        store.upsert_movie(&renamed).await.unwrap(),
        UpsertOutcome::Updated
    );
    let summaries = store.movie_summaries(&[movie_id(1)]).await.unwrap();
    assert_eq!(summaries[0].title, "The Matrix (Remastered)");
    assert_eq!(summaries[0].popularity, 99.5);
    assert_eq!(
        store.upsert_movie(&renamed).await.unwrap(),
        UpsertOutcome::Unchanged
    );
}

async fn upsert_movie_keeps_the_rating_and_user_movies(store: &dyn CatalogStore) {
    store.upsert_movie(&movie(1, "Rated")).await.unwrap();
    let rating = RatingSummary {
        average: 8.5,
        count: 4,
    };
    store.set_movie_rating(movie_id(1), rating).await.unwrap();
    // A re-import with new data keeps MovieVerse's rating.
    let mut reimport = movie(1, "Rated, again");
    reimport.rating = RatingSummary::default();
    assert_eq!(
        store.upsert_movie(&reimport).await.unwrap(),
        UpsertOutcome::Updated
    );
    let summary = &store.movie_summaries(&[movie_id(1)]).await.unwrap()[0];
    assert_eq!(
        (summary.title.as_str(), summary.rating),
        ("Rated, again", rating)
    );

    // A movie added by MovieVerse is never overwritten by an import.
    let mut own = movie(2, "Our Own Film");
    own.source = MovieSource::User;
    assert_eq!(
        store.upsert_movie(&own).await.unwrap(),
        UpsertOutcome::Inserted
    );
    let import = movie(2, "Imported Title");
    assert_eq!(
        store.upsert_movie(&import).await.unwrap(),
        UpsertOutcome::Unchanged
    );
    let summary = &store.movie_summaries(&[movie_id(2)]).await.unwrap()[0];
    assert_eq!(summary.title, "Our Own Film");

    // A rating for a movie that does not exist is a no-op, not an error.
    store
        .set_movie_rating(movie_id(999), rating)
        .await
        .expect("unknown movie");
}

async fn summaries_keep_the_order_asked_and_skip_unknown_ids(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let asked = [
        movie_id(3),
        movie_id(404),
        movie_id(1),
        movie_id(8),
        movie_id(2),
    ];
    let summaries = store.movie_summaries(&asked).await.unwrap();
    assert_eq!(ids_of(&summaries), [3, 1, 8, 2]);
    let amelie = &summaries[0];
    assert_eq!(amelie.title, "Amélie");
    assert_eq!(amelie.genre_ids, [COMEDY, ROMANCE]);
    assert_eq!(amelie.release_date.unwrap().to_string(), "2001-04-25");
    assert_eq!(amelie.poster_path.as_deref(), Some("/poster3.jpg"));
    assert_eq!((amelie.vote_average, amelie.vote_count), (7.9, 11_000));
    assert!(store.movie_summaries(&[]).await.unwrap().is_empty());

    // A hundred ids are one query and come back in order.
    let many: Vec<_> = (1..=100).rev().map(movie_id).collect();
    assert_eq!(
        ids_of(&store.movie_summaries(&many).await.unwrap()),
        [8, 7, 6, 5, 4, 3, 2, 1]
    );
}

async fn existence_and_genres(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    assert!(store.movie_exists(movie_id(1)).await.unwrap());
    assert!(!store.movie_exists(movie_id(4040)).await.unwrap());
    let existing = store
        .existing_genres(&[genre_id(ACTION), genre_id(99_999), genre_id(COMEDY)])
        .await
        .unwrap();
    assert_eq!(existing, [genre_id(ACTION), genre_id(COMEDY)]);
    assert!(store.existing_genres(&[]).await.unwrap().is_empty());
    // Upserting genres renames by id and never duplicates.
    store
        .upsert_genres(&[genre(ACTION, "Action & Adventure"), genre(42, "New")])
        .await
        .unwrap();
    let existing = store
        .existing_genres(&[genre_id(42), genre_id(ACTION)])
        .await
        .unwrap();
    assert_eq!(existing, [genre_id(ACTION), genre_id(42)]);
}

async fn people_upserts_report_what_they_did(store: &dyn CatalogStore) {
    let keanu = person(101, "Keanu Reeves");
    assert_eq!(
        store.upsert_person(&keanu).await.unwrap(),
        UpsertOutcome::Inserted
    );
    let mut later = keanu.clone();
    later.updated_at += Duration::hours(1);
    assert_eq!(
        store.upsert_person(&later).await.unwrap(),
        UpsertOutcome::Unchanged
    );
    later.biography = Some("An actor.".into());
    assert_eq!(
        store.upsert_person(&later).await.unwrap(),
        UpsertOutcome::Updated
    );
    assert_eq!(
        store.upsert_person(&later).await.unwrap(),
        UpsertOutcome::Unchanged
    );
}

async fn seed_runs_are_replaced_by_id_and_the_latest_is_found(store: &dyn CatalogStore) {
    assert_eq!(store.latest_seed_run().await.unwrap(), None);
    let started = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single().unwrap();
    let mut first = SeedRun {
        id: "run-1".into(),
        source: "sample".into(),
        started_at: started,
        finished_at: None,
        status: SeedStatus::Running,
        counts: SeedCounts::default(),
        last_error: None,
        cursor: serde_json::json!({"list": "popular", "page": 3}),
    };
    store.save_seed_run(&first).await.unwrap();
    // Same second, later by half a second: text order of RFC 3339 would get this wrong.
    let second = SeedRun {
        id: "run-2".into(),
        started_at: started + Duration::milliseconds(500),
        ..first.clone()
    };
    store.save_seed_run(&second).await.unwrap();
    assert_eq!(store.latest_seed_run().await.unwrap().unwrap().id, "run-2");

    first.started_at = started + Duration::days(1);
    first.status = SeedStatus::Completed;
    first.finished_at = Some(first.started_at + Duration::minutes(2));
    first.counts.inserted = 120;
    first.last_error = Some("one movie failed".into());
    store.save_seed_run(&first).await.unwrap();
    assert_eq!(store.latest_seed_run().await.unwrap(), Some(first));
}

async fn emptiness(store: &dyn CatalogStore) {
    assert!(store.is_empty().await.unwrap());
    store.upsert_genres(&all_genres()).await.unwrap();
    assert!(
        store.is_empty().await.unwrap(),
        "genres alone are not a catalog"
    );
    store.upsert_movie(&movie(5, "One")).await.unwrap();
    assert!(!store.is_empty().await.unwrap());
}

#[allow(dead_code)]
fn _uses(_: StoreError) {}
