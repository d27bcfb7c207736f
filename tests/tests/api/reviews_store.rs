//! The `ReviewStore` contract: every test runs against the embedded adapter (SQLite) and the
//! MySQL adapter on the real MariaDB test server.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::join_all;
use movieverse_tests::services::TestMySql;
use shared::domain::{MovieId, UserId};
use shared::http::PageRequest;
use shared::recommend::trending::Window;
use shared::stores::reviews::{
    CreateOutcome, Deleter, EmbeddedReviews, MySqlReviews, NewReview, Rating, RatingAggregate,
    Review, ReviewBody, ReviewCursor, ReviewId, ReviewPatch, ReviewSort, ReviewTitle, Written,
};
use shared::stores::{ReviewStore, StoreError};
use uuid::Uuid;

/// A body mixing emoji (4-byte UTF-8), Hebrew and Arabic (right to left) and combining marks.
pub const UNICODE_BODY: &str =
    "Loved it 🎬🍿👩‍👩‍👧 — שלום עולם, مرحبا بالعالم! e\u{301}\u{200f}\u{202e}end 𝄞";

fn movie(id: i64) -> MovieId {
    MovieId::new(id).unwrap()
}

fn user() -> UserId {
    UserId(Uuid::now_v7())
}

fn rating(value: i64) -> Rating {
    Rating::new(value).unwrap()
}

fn new_review(movie_id: MovieId, user_id: UserId, stars: i64) -> NewReview {
    NewReview {
        movie_id,
        user_id,
        rating: rating(stars),
        title: None,
        body: ReviewBody::parse(format!("{stars} stars")).unwrap(),
        contains_spoilers: false,
    }
}

async fn create(store: &dyn ReviewStore, review: &NewReview) -> Written {
    match store.create_review(review).await.unwrap() {
        CreateOutcome::Created(written) => written,
        CreateOutcome::Duplicate(id) => panic!("unexpected duplicate of {id}"),
    }
}

fn page(page: u32, size: u32) -> PageRequest {
    PageRequest::new(page, size).unwrap()
}

/// Every review of a movie, through the public listing.
async fn all_reviews(store: &dyn ReviewStore, movie_id: MovieId) -> Vec<Review> {
    let mut all = Vec::new();
    for number in 1.. {
        let found = store
            .movie_reviews(movie_id, ReviewSort::Oldest, page(number, 100))
            .await
            .unwrap();
        if found.reviews.is_empty() {
            break;
        }
        all.extend(found.reviews);
    }
    all
}

/// Asserts that the stored aggregate is exactly what the rows say.
pub async fn assert_aggregate_matches_rows(store: &dyn ReviewStore, movie_id: MovieId) {
    let rows = all_reviews(store, movie_id).await;
    let aggregate = store.movie_rating(movie_id).await.unwrap();
    let mut histogram = [0u64; 10];
    for review in &rows {
        histogram[review.rating.index()] += 1;
    }
    let sum: u64 = rows.iter().map(|r| u64::from(r.rating.get())).sum();
    assert_eq!(aggregate.count, rows.len() as u64, "count");
    assert_eq!(aggregate.sum, sum, "sum");
    assert_eq!(aggregate.histogram, histogram, "histogram");
}

pub async fn creates_reads_and_counts(store: &dyn ReviewStore) {
    let (film, author) = (movie(550), user());
    let review = NewReview {
        title: Some(ReviewTitle::parse("Ünïcödé 标题 ✨".into()).unwrap()),
        body: ReviewBody::parse(UNICODE_BODY.into()).unwrap(),
        contains_spoilers: true,
        ..new_review(film, author, 8)
    };
    let written = create(store, &review).await;
    assert_eq!(written.review.version, 1);
    assert_eq!(written.review.user_id, Some(author));
    assert_eq!(written.rating.count, 1);
    assert_eq!(written.rating.sum, 8);
    assert_eq!(written.rating.histogram[7], 1);

    let stored = store.review(written.review.id).await.unwrap().unwrap();
    assert_eq!(
        stored, written.review,
        "what a write returns is what a read returns"
    );
    assert_eq!(stored.body.as_bytes(), UNICODE_BODY.as_bytes());
    assert_eq!(stored.title.as_deref(), Some("Ünïcödé 标题 ✨"));
    assert!(stored.contains_spoilers);

    let aggregate = store.movie_rating(film).await.unwrap();
    assert_eq!((aggregate.count, aggregate.sum), (1, 8));
    assert!((aggregate.average() - 8.0).abs() < f64::EPSILON);
    assert!(aggregate.revision >= 1);

    let nobody = store.movie_rating(movie(551)).await.unwrap();
    assert_eq!(nobody, RatingAggregate::empty(movie(551)));
    assert!(store
        .review(shared::stores::reviews::ReviewId::new(999_999).unwrap())
        .await
        .unwrap()
        .is_none());
}

pub async fn a_second_review_reports_the_first(store: &dyn ReviewStore) {
    let (film, author) = (movie(600), user());
    let first = create(store, &new_review(film, author, 6)).await;
    let again = store
        .create_review(&new_review(film, author, 2))
        .await
        .unwrap();
    assert_eq!(again, CreateOutcome::Duplicate(first.review.id));
    let aggregate = store.movie_rating(film).await.unwrap();
    assert_eq!(
        (aggregate.count, aggregate.sum),
        (1, 6),
        "nothing was written"
    );
    // The same user may review another movie.
    create(store, &new_review(movie(601), author, 2)).await;
}

pub async fn edits_check_author_and_version(store: &dyn ReviewStore) {
    let (film, author) = (movie(700), user());
    let written = create(store, &new_review(film, author, 3)).await;
    let id = written.review.id;
    let patch = ReviewPatch {
        rating: Some(rating(9)),
        title: Some(Some(ReviewTitle::parse("Changed my mind".into()).unwrap())),
        ..ReviewPatch::default()
    };

    let updated = store
        .update_review(id, author, Some(1), &patch)
        .await
        .unwrap();
    assert_eq!(updated.review.version, 2);
    assert_eq!(updated.review.rating, rating(9));
    assert_eq!(
        updated.review.body, "3 stars",
        "fields not in the patch stay"
    );
    assert_eq!(updated.rating.histogram[2], 0);
    assert_eq!(updated.rating.histogram[8], 1);
    assert_eq!((updated.rating.count, updated.rating.sum), (1, 9));
    assert_eq!(store.review(id).await.unwrap().unwrap(), updated.review);

    // Stale version: nothing changes.
    let stale = store.update_review(id, author, Some(1), &patch).await;
    assert!(
        matches!(stale, Err(StoreError::VersionMismatch)),
        "{stale:?}"
    );
    // Someone else's review, or none at all.
    let other = store.update_review(id, user(), Some(2), &patch).await;
    assert!(matches!(other, Err(StoreError::NotFound(_))), "{other:?}");
    let missing = shared::stores::reviews::ReviewId::new(987_654).unwrap();
    let none = store.update_review(missing, author, None, &patch).await;
    assert!(matches!(none, Err(StoreError::NotFound(_))), "{none:?}");

    // Removing the title, without a version check.
    let cleared = store
        .update_review(
            id,
            author,
            None,
            &ReviewPatch {
                title: Some(None),
                ..ReviewPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.review.title, None);
    assert_eq!(cleared.review.version, 3);
    assert_eq!(
        cleared.rating.sum, 9,
        "a text edit leaves the aggregate alone"
    );
    assert_aggregate_matches_rows(store, film).await;
}

pub async fn deletes_uncount_the_rating(store: &dyn ReviewStore) {
    let film = movie(800);
    let (alice, bob) = (user(), user());
    let a = create(store, &new_review(film, alice, 10)).await;
    let b = create(store, &new_review(film, bob, 4)).await;

    let refused = store.delete_review(a.review.id, Deleter::Author(bob)).await;
    assert!(
        matches!(refused, Err(StoreError::NotFound(_))),
        "{refused:?}"
    );

    let deleted = store
        .delete_review(a.review.id, Deleter::Author(alice))
        .await
        .unwrap();
    assert_eq!(deleted.review.id, a.review.id);
    assert_eq!((deleted.rating.count, deleted.rating.sum), (1, 4));
    assert!(store.review(a.review.id).await.unwrap().is_none());

    let by_admin = store
        .delete_review(b.review.id, Deleter::Admin)
        .await
        .unwrap();
    assert_eq!((by_admin.rating.count, by_admin.rating.sum), (0, 0));
    assert_eq!(by_admin.rating.histogram, [0; 10]);
    let again = store.delete_review(b.review.id, Deleter::Admin).await;
    assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");

    // Alice may review the movie again after deleting her review.
    create(store, &new_review(film, alice, 7)).await;
    assert_aggregate_matches_rows(store, film).await;
}

pub async fn lists_sort_and_page(store: &dyn ReviewStore) {
    let film = movie(900);
    let mut ids = Vec::new();
    for stars in [5, 9, 1, 9, 3] {
        ids.push(
            create(store, &new_review(film, user(), stars))
                .await
                .review
                .id,
        );
    }
    let order = |reviews: &[Review]| reviews.iter().map(|r| r.id).collect::<Vec<_>>();
    let list = |sort| store.movie_reviews(film, sort, page(1, 20));

    let newest = list(ReviewSort::Newest).await.unwrap();
    assert_eq!(newest.total, 5);
    assert_eq!(
        order(&newest.reviews),
        ids.iter().rev().copied().collect::<Vec<_>>()
    );
    let oldest = list(ReviewSort::Oldest).await.unwrap();
    assert_eq!(order(&oldest.reviews), ids);
    let best = list(ReviewSort::RatingDesc).await.unwrap();
    assert_eq!(
        order(&best.reviews),
        vec![ids[3], ids[1], ids[0], ids[4], ids[2]],
        "highest first, ties newest first"
    );
    let worst = list(ReviewSort::RatingAsc).await.unwrap();
    assert_eq!(
        order(&worst.reviews),
        vec![ids[2], ids[4], ids[0], ids[1], ids[3]]
    );

    let second = store
        .movie_reviews(film, ReviewSort::Newest, page(2, 2))
        .await
        .unwrap();
    assert_eq!(second.total, 5);
    assert_eq!(order(&second.reviews), vec![ids[2], ids[1]]);
    let beyond = store
        .movie_reviews(film, ReviewSort::Newest, page(4, 2))
        .await
        .unwrap();
    assert!(beyond.reviews.is_empty());
    assert_eq!(beyond.total, 5);
    let other = store
        .movie_reviews(movie(901), ReviewSort::Newest, page(1, 20))
        .await
        .unwrap();
    assert_eq!((other.total, other.reviews.len()), (0, 0));
}

pub async fn cursors_walk_every_order_to_its_end(store: &dyn ReviewStore) {
    let film = movie(902);
    // Repeated ratings: the orders by rating have ties a cursor must step through.
    for stars in [5, 9, 1, 9, 3, 5, 5, 10, 1, 7, 9] {
        create(store, &new_review(film, user(), stars)).await;
    }
    create(store, &new_review(movie(903), user(), 5)).await;
    let order = |reviews: &[Review]| reviews.iter().map(|r| r.id).collect::<Vec<_>>();
    for sort in [
        ReviewSort::Newest,
        ReviewSort::Oldest,
        ReviewSort::RatingDesc,
        ReviewSort::RatingAsc,
    ] {
        let whole = store.movie_reviews(film, sort, page(1, 100)).await.unwrap();
        assert!(!whole.more, "{sort:?}: one page holds all");
        let first = store.movie_reviews(film, sort, page(1, 3)).await.unwrap();
        assert!(first.more, "{sort:?}");
        let mut walked = order(&first.reviews);
        let mut last = first.reviews.last().cloned().unwrap();
        loop {
            let cursor = ReviewCursor::after(sort, &last);
            let next = store.movie_reviews_after(film, cursor, 3).await.unwrap();
            assert_eq!(next.total, 11, "{sort:?}");
            walked.extend(order(&next.reviews));
            if !next.more {
                break;
            }
            last = next.reviews.last().cloned().unwrap();
        }
        assert_eq!(walked, order(&whole.reviews), "{sort:?}");
    }
    // A cursor stays valid when the review it names is deleted.
    let newest = store
        .movie_reviews(film, ReviewSort::Newest, page(1, 2))
        .await
        .unwrap();
    let named = newest.reviews[1].clone();
    store.delete_review(named.id, Deleter::Admin).await.unwrap();
    let after = store
        .movie_reviews_after(film, ReviewCursor::after(ReviewSort::Newest, &named), 100)
        .await
        .unwrap();
    assert_eq!(
        after.reviews.len(),
        9,
        "the nine older than the deleted one"
    );
    assert!(after
        .reviews
        .iter()
        .all(|r| r.id < named.id && r.movie_id == film));
    assert!(!after.more);
}

pub async fn user_reviews_are_newest_first(store: &dyn ReviewStore) {
    let author = user();
    let mut ids = Vec::new();
    for film in [1000, 1001, 1002] {
        ids.push(
            create(store, &new_review(movie(film), author, 6))
                .await
                .review
                .id,
        );
    }
    create(store, &new_review(movie(1000), user(), 6)).await;
    let mine = store.user_reviews(author, page(1, 2)).await.unwrap();
    assert_eq!(mine.total, 3);
    assert_eq!(
        mine.reviews.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let nobody = store.user_reviews(user(), page(1, 20)).await.unwrap();
    assert_eq!((nobody.total, nobody.reviews.len()), (0, 0));
}

pub async fn anonymising_keeps_reviews_and_aggregates(store: &dyn ReviewStore) {
    let (film, leaving, staying) = (movie(1100), user(), user());
    let gone = create(store, &new_review(film, leaving, 2)).await;
    create(store, &new_review(movie(1101), leaving, 10)).await;
    let kept = create(store, &new_review(film, staying, 8)).await;
    let before = store.movie_rating(film).await.unwrap();

    store.anonymise_user(leaving).await.unwrap();
    store.anonymise_user(leaving).await.unwrap(); // idempotent

    let detached = store.review(gone.review.id).await.unwrap().unwrap();
    assert_eq!(detached.user_id, None);
    assert_eq!(detached.body, gone.review.body);
    assert!(detached.version > gone.review.version, "the ETag changes");
    assert_eq!(
        store.review(kept.review.id).await.unwrap().unwrap(),
        kept.review,
        "other authors' reviews are untouched"
    );
    let after = store.movie_rating(film).await.unwrap();
    assert_eq!(
        (after.count, after.sum, after.histogram),
        (before.count, before.sum, before.histogram)
    );
    assert_eq!(
        store
            .user_reviews(leaving, page(1, 20))
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(all_reviews(store, film).await.len(), 2);
    // The detached review can no longer be edited as the old account.
    let edit = store
        .update_review(gone.review.id, leaving, None, &ReviewPatch::default())
        .await;
    assert!(matches!(edit, Err(StoreError::NotFound(_))), "{edit:?}");
}

/// What events at `times` weigh at `now` when they halve every `half_life_hours`: the sum
/// trending's scores must give, computed here from the times alone.
fn decayed_sum(times: &[DateTime<Utc>], now: DateTime<Utc>, half_life_hours: f64) -> f64 {
    let half_life_micros = half_life_hours * 3_600_000_000.0;
    times
        .iter()
        .map(|at| ((*at - now).num_microseconds().unwrap() as f64 / half_life_micros).exp2())
        .sum()
}

const DAY_HALF_LIFE_HOURS: f64 = 6.0;
const WEEK_HALF_LIFE_HOURS: f64 = 42.0;

/// The store's trending activity at `now`, as (movie, weight) pairs, most active first.
async fn trending(
    store: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
    limit: u32,
) -> Vec<(i64, f64)> {
    store
        .trending_activity(window, now, limit)
        .await
        .unwrap()
        .iter()
        .map(|a| (a.movie_id.get(), a.weight))
        .collect()
}

fn assert_weights(found: &[(i64, f64)], expected: &[(i64, f64)]) {
    let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let wanted: Vec<i64> = expected.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, wanted, "{found:?}");
    for ((_, got), (id, want)) in found.iter().zip(expected) {
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "movie {id}: weight {got}, expected {want}"
        );
    }
}

/// Trending activity: each review event (creation, rating change) weighs 1 when written and
/// halves every quarter of the window; a deleted review takes its event back; text edits move
/// nothing; a movie counts while its activity is at least 1/16.
pub async fn trending_activity_weighs_review_events(store: &dyn ReviewStore) {
    let (day, week) = (DAY_HALF_LIFE_HOURS, WEEK_HALF_LIFE_HOURS);
    let mut busy = Vec::new();
    for stars in [10, 7, 4] {
        busy.push(create(store, &new_review(movie(1600), user(), stars)).await);
    }
    let quiet = create(store, &new_review(movie(1601), user(), 9)).await;
    let gone = create(store, &new_review(movie(1602), user(), 2)).await;
    store
        .delete_review(gone.review.id, Deleter::Admin)
        .await
        .unwrap();
    let mut busy_times: Vec<DateTime<Utc>> = busy.iter().map(|w| w.review.created_at).collect();
    let quiet_times = [quiet.review.created_at];

    let now = Utc::now();
    for (window, half_life) in [(Window::Day, day), (Window::Week, week)] {
        assert_weights(
            &trending(store, window, now, 10).await,
            &[
                (1600, decayed_sum(&busy_times, now, half_life)),
                (1601, decayed_sum(&quiet_times, now, half_life)),
            ],
        );
    }
    assert_eq!(trending(store, Window::Day, now, 1).await.len(), 1);
    // The deleted review's movie has no score left at all: not even a read a month earlier
    // (where any leftover would weigh thousands) finds it.
    let month_before = now - chrono::Duration::days(30);
    let ids: Vec<i64> = trending(store, Window::Week, month_before, 10)
        .await
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids, [1600, 1601]);

    // A rating change re-times its event: it now happened at the change. (A pause first, so the
    // change is measurably later than the creation.)
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let rerated = store
        .update_review(
            busy[0].review.id,
            busy[0].review.user_id.unwrap(),
            None,
            &ReviewPatch {
                rating: Some(rating(3)),
                ..ReviewPatch::default()
            },
        )
        .await
        .unwrap();
    let unmoved = busy_times.clone();
    busy_times[0] = rerated.review.updated_at;
    let now = Utc::now();
    let busy_weight = decayed_sum(&busy_times, now, day);
    // What the assertions below tell apart: the re-timed sum and the sum without re-timing.
    assert!(busy_weight - decayed_sum(&unmoved, now, day) > 1e-7 * busy_weight);
    let quiet_weight = decayed_sum(&quiet_times, now, day);
    let expected = [(1600, busy_weight), (1601, quiet_weight)];
    assert_weights(&trending(store, Window::Day, now, 10).await, &expected);

    // A text-only edit moves no event.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    store
        .update_review(
            busy[1].review.id,
            busy[1].review.user_id.unwrap(),
            None,
            &ReviewPatch {
                body: Some(ReviewBody::parse("second thoughts, same stars".into()).unwrap()),
                ..ReviewPatch::default()
            },
        )
        .await
        .unwrap();
    assert_weights(&trending(store, Window::Day, now, 10).await, &expected);

    // Deleting the re-rated review takes its event (at its new time) back.
    store
        .delete_review(rerated.review.id, Deleter::Admin)
        .await
        .unwrap();
    let left = &busy_times[1..];
    assert_weights(
        &trending(store, Window::Day, now, 10).await,
        &[(1600, decayed_sum(left, now, day)), (1601, quiet_weight)],
    );

    // Scores decay: a half-life later every weight has halved.
    let later = now + chrono::Duration::hours(6);
    assert_weights(
        &trending(store, Window::Day, later, 10).await,
        &[
            (1600, decayed_sum(left, now, day) / 2.0),
            (1601, quiet_weight / 2.0),
        ],
    );
    let later = now + chrono::Duration::hours(42);
    let found = trending(store, Window::Week, later, 10).await;
    assert_weights(
        &found,
        &[
            (1600, decayed_sum(left, now, week) / 2.0),
            (1601, decayed_sum(&quiet_times, now, week) / 2.0),
        ],
    );
    // And fall below the floor (1/16): 26 h on, 1601's one event weighs 2^(-26/6) ≈ 0.05 and is
    // gone, 1600's two weigh ≈ 0.1 and stay; the same a week (and 4 h) on in the week window.
    let floor = 1.0 / 16.0;
    for (window, half_life, hours) in [(Window::Day, day, 26), (Window::Week, week, 7 * 24 + 4)] {
        let past = now + chrono::Duration::hours(hours);
        assert!(decayed_sum(&quiet_times, past, half_life) < floor);
        assert!(decayed_sum(left, past, half_life) > floor);
        let ids: Vec<i64> = trending(store, window, past, 10)
            .await
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(ids, [1600], "{window:?}");
    }
}

/// 50 users review one movie at once: every rating counts, exactly once.
pub async fn concurrent_creates_are_all_counted(store: Arc<dyn ReviewStore>) {
    let film = movie(1200);
    let ratings: Vec<i64> = (0..50).map(|i| i % 10 + 1).collect();
    let tasks = ratings.iter().map(|&stars| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.create_review(&new_review(film, user(), stars)).await })
    });
    for outcome in join_all(tasks).await {
        assert!(matches!(outcome.unwrap(), Ok(CreateOutcome::Created(_))));
    }
    let aggregate = store.movie_rating(film).await.unwrap();
    assert_eq!(aggregate.count, 50);
    assert_eq!(aggregate.sum, ratings.iter().sum::<i64>() as u64);
    assert_eq!(aggregate.histogram, [5; 10]);
    assert!((aggregate.average() - 5.5).abs() < f64::EPSILON);
    assert_aggregate_matches_rows(store.as_ref(), film).await;
}

/// One user racing themselves: exactly one review is created, the rest see the duplicate.
pub async fn concurrent_duplicates_create_one(store: Arc<dyn ReviewStore>) {
    let (film, author) = (movie(1300), user());
    let tasks = (0..10).map(|i| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            store
                .create_review(&new_review(film, author, i % 10 + 1))
                .await
        })
    });
    let outcomes: Vec<_> = join_all(tasks)
        .await
        .into_iter()
        .map(|o| o.unwrap().unwrap())
        .collect();
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, CreateOutcome::Created(_)))
        .count();
    assert_eq!(created, 1);
    let ids: HashSet<_> = outcomes
        .iter()
        .map(|o| match o {
            CreateOutcome::Created(w) => w.review.id,
            CreateOutcome::Duplicate(id) => *id,
        })
        .collect();
    assert_eq!(ids.len(), 1, "every duplicate points at the one review");
    assert_eq!(store.movie_rating(film).await.unwrap().count, 1);
}

/// Two edits from the same version: one wins, one is refused, nothing is lost.
pub async fn concurrent_edits_of_one_version(store: Arc<dyn ReviewStore>) {
    let (film, author) = (movie(1400), user());
    let id = create(store.as_ref(), &new_review(film, author, 5))
        .await
        .review
        .id;
    let tasks = [2, 9].map(|stars| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let patch = ReviewPatch {
                rating: Some(rating(stars)),
                ..ReviewPatch::default()
            };
            store.update_review(id, author, Some(1), &patch).await
        })
    });
    let outcomes: Vec<_> = join_all(tasks)
        .await
        .into_iter()
        .map(|o| o.unwrap())
        .collect();
    let winners: Vec<&Written> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    assert!(outcomes
        .iter()
        .any(|o| matches!(o, Err(StoreError::VersionMismatch))));
    let stored = store.review(id).await.unwrap().unwrap();
    assert_eq!(stored, winners[0].review);
    assert_eq!(stored.version, 2);
    assert_aggregate_matches_rows(store.as_ref(), film).await;
}

/// A burst of creates, edits and deletes on one movie, then the aggregate against the rows.
pub async fn mixed_burst_keeps_the_aggregate_exact(store: Arc<dyn ReviewStore>) {
    let film = movie(1500);
    let authors: Vec<UserId> = (0..24).map(|_| user()).collect();
    let mut seeded = Vec::new();
    for (i, author) in authors.iter().enumerate().take(12) {
        seeded.push(
            create(
                store.as_ref(),
                &new_review(film, *author, (i % 10 + 1) as i64),
            )
            .await,
        );
    }
    let mut tasks = Vec::new();
    for (i, written) in seeded.into_iter().enumerate() {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let (id, author) = (written.review.id, written.review.user_id.unwrap());
            if i % 3 == 0 {
                store
                    .delete_review(id, Deleter::Author(author))
                    .await
                    .map(|_| ())
            } else {
                let patch = ReviewPatch {
                    rating: Some(rating(((i * 7) % 10 + 1) as i64)),
                    ..ReviewPatch::default()
                };
                store
                    .update_review(id, author, None, &patch)
                    .await
                    .map(|_| ())
            }
        }));
    }
    for (i, author) in authors.iter().enumerate().skip(12) {
        let (store, author) = (Arc::clone(&store), *author);
        tasks.push(tokio::spawn(async move {
            store
                .create_review(&new_review(film, author, (i % 10 + 1) as i64))
                .await
                .map(|_| ())
        }));
    }
    for outcome in join_all(tasks).await {
        outcome.unwrap().unwrap();
    }
    assert_eq!(store.movie_rating(film).await.unwrap().count, 12 - 4 + 12);
    assert_aggregate_matches_rows(store.as_ref(), film).await;
    // The trend scores too: one event per remaining review, at its creation or, when the burst
    // changed its rating, at that change (the review's last update).
    let events: Vec<DateTime<Utc>> = all_reviews(store.as_ref(), film)
        .await
        .iter()
        .map(|review| {
            let author = authors.iter().position(|a| Some(*a) == review.user_id);
            let first_stars = (author.unwrap() % 10 + 1) as u8;
            if review.rating.get() == first_stars {
                review.created_at
            } else {
                review.updated_at
            }
        })
        .collect();
    let now = Utc::now();
    assert_weights(
        &trending(store.as_ref(), Window::Day, now, 10).await,
        &[(film.get(), decayed_sum(&events, now, DAY_HALF_LIFE_HOURS))],
    );
}

async fn embedded_store() -> (tempfile::TempDir, Arc<dyn ReviewStore>) {
    let dir = tempfile::tempdir().unwrap();
    let pool = shared::stores::embedded::open(dir.path()).await.unwrap();
    (dir, Arc::new(EmbeddedReviews::new(pool)))
}

/// The MySQL adapter on a fresh MariaDB database, with a pool wide enough to race in.
async fn mysql_store() -> Option<(TestMySql, Arc<dyn ReviewStore>)> {
    let my = TestMySql::create().await?;
    let pool = sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(16)
        .connect(&my.url)
        .await
        .unwrap();
    shared::migrate::mysql(&pool).await.unwrap();
    Some((my, Arc::new(MySqlReviews::new(pool))))
}

macro_rules! contract {
    (refs: $($by_ref:ident),*; shared: $($by_arc:ident),*) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $by_ref() {
                    let (_dir, store) = super::embedded_store().await;
                    super::$by_ref(store.as_ref()).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $by_arc() {
                    let (_dir, store) = super::embedded_store().await;
                    super::$by_arc(store).await;
                }
            )*
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $by_ref() {
                    let Some((_db, store)) = super::mysql_store().await else { return };
                    super::$by_ref(store.as_ref()).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $by_arc() {
                    let Some((_db, store)) = super::mysql_store().await else { return };
                    super::$by_arc(store).await;
                }
            )*
        }
    };
}

contract!(
    refs: creates_reads_and_counts, a_second_review_reports_the_first,
        edits_check_author_and_version, deletes_uncount_the_rating, lists_sort_and_page,
        cursors_walk_every_order_to_its_end,
        user_reviews_are_newest_first, anonymising_keeps_reviews_and_aggregates,
        trending_activity_weighs_review_events;
    shared: concurrent_creates_are_all_counted, concurrent_duplicates_create_one,
        concurrent_edits_of_one_version, mixed_burst_keeps_the_aggregate_exact
);

/// Where the next review id starts, per adapter: the numbered pages below must cross blocks of
/// 65 536 ids, which a test's handful of reviews never would by itself.
enum IdCounter {
    Sqlite(sqlx::SqlitePool),
    MySql(sqlx::MySqlPool),
}

impl IdCounter {
    async fn next_id_at_least(&self, id: i64) {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'reviews'")
                    .bind(id - 1)
                    .execute(pool)
                    .await
                    .unwrap();
            }
            Self::MySql(pool) => {
                sqlx::raw_sql(&format!("ALTER TABLE reviews AUTO_INCREMENT = {id}"))
                    .execute(pool)
                    .await
                    .unwrap();
            }
        }
    }
}

/// Every numbered page, in every order and at any depth, holds exactly the reviews an offset
/// into the whole list would: the page is found through the movie's per-block counts, which
/// creates, rating changes and deletions keep, across blocks of ids and ratings.
async fn numbered_pages_match_the_whole_list_across_id_blocks(
    store: &dyn ReviewStore,
    ids: &IdCounter,
) {
    let film = movie(904);
    // (id, rating, author) of the film's reviews, as the test expects them.
    let mut expected: Vec<(i64, i64, UserId)> = Vec::new();
    for block in 0..4i64 {
        // Each group straddles a block boundary.
        ids.next_id_at_least(block * 65_536 + 65_533).await;
        for n in 0..6i64 {
            let stars = 1 + (block * 3 + n * 7) % 10;
            let author = user();
            let written = create(store, &new_review(film, author, stars)).await;
            expected.push((written.review.id.get(), stars, author));
        }
        create(store, &new_review(movie(905), user(), 4)).await;
    }
    // Ratings move between counts; deletions leave them.
    for at in [2, 9, 15] {
        let (id, stars, author) = expected[at];
        let new_stars = 11 - stars;
        let patch = ReviewPatch {
            rating: Some(rating(new_stars)),
            ..ReviewPatch::default()
        };
        store
            .update_review(
                shared::stores::reviews::ReviewId::new(id).unwrap(),
                author,
                None,
                &patch,
            )
            .await
            .unwrap();
        expected[at].1 = new_stars;
    }
    for at in [20, 7, 0] {
        let (id, _, _) = expected.remove(at);
        store
            .delete_review(
                shared::stores::reviews::ReviewId::new(id).unwrap(),
                Deleter::Admin,
            )
            .await
            .unwrap();
    }
    for sort in [
        ReviewSort::Newest,
        ReviewSort::Oldest,
        ReviewSort::RatingDesc,
        ReviewSort::RatingAsc,
    ] {
        let mut whole: Vec<(i64, i64)> = expected.iter().map(|&(id, r, _)| (id, r)).collect();
        whole.sort_by_key(|&(id, stars)| match sort {
            ReviewSort::Newest => (0, -id),
            ReviewSort::Oldest => (0, id),
            ReviewSort::RatingDesc => (-stars, -id),
            ReviewSort::RatingAsc => (stars, id),
        });
        let whole: Vec<i64> = whole.into_iter().map(|(id, _)| id).collect();
        for size in [1u32, 4] {
            let pages = whole.len().div_ceil(size as usize) + 1;
            for number in 1..=u32::try_from(pages).unwrap() {
                let found = store
                    .movie_reviews(film, sort, page(number, size))
                    .await
                    .unwrap();
                let start = ((number - 1) * size) as usize;
                let end = (start + size as usize).min(whole.len());
                let want = whole.get(start..end).unwrap_or(&[]);
                let got: Vec<i64> = found.reviews.iter().map(|r| r.id.get()).collect();
                assert_eq!(got, want, "{sort:?} page {number} of {size}");
                assert_eq!(found.total, whole.len() as u64);
            }
        }
    }
}

#[tokio::test]
async fn numbered_pages_cross_id_blocks_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let pool = shared::stores::embedded::open(dir.path()).await.unwrap();
    let store = EmbeddedReviews::new(pool.clone());
    numbered_pages_match_the_whole_list_across_id_blocks(&store, &IdCounter::Sqlite(pool)).await;
}

#[tokio::test]
async fn numbered_pages_cross_id_blocks_mariadb() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&my.url).unwrap();
    shared::migrate::mysql(&pool).await.unwrap();
    let store = MySqlReviews::new(pool.clone());
    numbered_pages_match_the_whole_list_across_id_blocks(&store, &IdCounter::MySql(pool)).await;
}

/// The schema refuses what the code refuses, and stores utf8mb4 byte for byte.
#[tokio::test]
async fn mariadb_schema_enforces_the_rules() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&my.url).unwrap();
    shared::migrate::mysql(&pool).await.unwrap();
    let insert = |stars: i64, body: &'static str| {
        sqlx::query(
            "INSERT INTO reviews (movie_id, user_id, rating, body, created_at, updated_at) \
             VALUES (1, ?, ?, ?, NOW(6), NOW(6))",
        )
        .bind(Uuid::now_v7())
        .bind(stars)
        .bind(body)
        .execute(&pool)
    };
    for stars in [0, 11, -1] {
        assert!(
            insert(stars, "x").await.is_err(),
            "rating {stars} must be refused"
        );
    }
    assert!(insert(5, "").await.is_err(), "empty bodies are refused");
    insert(5, UNICODE_BODY).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT CAST(body AS BINARY) FROM reviews")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, UNICODE_BODY.as_bytes());
    let (charset,): (String,) = sqlx::query_as(
        "SELECT CCSA.character_set_name FROM information_schema.TABLES T \
         JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY CCSA \
         ON CCSA.collation_name = T.table_collation \
         WHERE T.table_schema = DATABASE() AND T.table_name = 'reviews'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(charset, "utf8mb4");
    let user = Uuid::now_v7();
    for _ in 0..2 {
        let _ = sqlx::query(
            "INSERT INTO reviews (movie_id, user_id, rating, body, created_at, updated_at) \
             VALUES (2, ?, 5, 'x', NOW(6), NOW(6))",
        )
        .bind(user)
        .execute(&pool)
        .await;
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE movie_id = 2")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "one review per user and movie");
    // An aggregate that disagrees with itself is refused too.
    let bad =
        sqlx::query("INSERT INTO movie_ratings (movie_id, rating_count, r1) VALUES (3, 2, 1)")
            .execute(&pool)
            .await;
    assert!(bad.is_err());
}

/// Every list query of the MySQL adapter is answered from an index, without sorting rows.
#[tokio::test]
async fn mariadb_list_queries_use_their_indexes() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&my.url).unwrap();
    shared::migrate::mysql(&pool).await.unwrap();
    // Enough rows over enough movies and users that the optimiser prefers the indexes.
    let store = MySqlReviews::new(pool.clone());
    for i in 0..200i64 {
        create(&store, &new_review(movie(1 + i % 20), user(), i % 10 + 1)).await;
    }
    sqlx::query("ANALYZE TABLE reviews")
        .execute(&pool)
        .await
        .unwrap();
    let cases = [
        (
            "movie_id = 5",
            ReviewSort::Newest.order_by(),
            "reviews_movie_newest",
        ),
        (
            "movie_id = 5",
            ReviewSort::Oldest.order_by(),
            "reviews_movie_newest",
        ),
        (
            "movie_id = 5",
            ReviewSort::RatingDesc.order_by(),
            "reviews_movie_rating",
        ),
        (
            "movie_id = 5",
            ReviewSort::RatingAsc.order_by(),
            "reviews_movie_rating",
        ),
        (
            "user_id = UNHEX(REPEAT('ab', 16))",
            ReviewSort::Newest.order_by(),
            "reviews_user_newest",
        ),
    ];
    for (filter, order, index) in cases {
        let sql = format!("EXPLAIN SELECT * FROM reviews WHERE {filter} ORDER BY {order} LIMIT 20");
        let row = sqlx::query(&sql).fetch_one(&pool).await.unwrap();
        use sqlx::Row;
        let key: Option<String> = row.try_get("key").unwrap();
        let extra: Option<String> = row.try_get("Extra").unwrap();
        assert_eq!(key.as_deref(), Some(index), "{sql}");
        assert!(
            !extra.unwrap_or_default().contains("filesort"),
            "{sql} sorts rows"
        );
    }
    // Numbered pages pick their ids from the index alone (the deferred join's inner query), so
    // an offset skips index entries rather than whole rows.
    for (filter, order, index) in cases {
        let sql = format!(
            "EXPLAIN SELECT id FROM reviews WHERE {filter} ORDER BY {order} LIMIT 20 OFFSET 100"
        );
        let row = sqlx::query(&sql).fetch_one(&pool).await.unwrap();
        use sqlx::Row;
        let key: Option<String> = row.try_get("key").unwrap();
        let extra: Option<String> = row.try_get("Extra").unwrap();
        assert_eq!(key.as_deref(), Some(index), "{sql}");
        assert!(
            extra.unwrap_or_default().contains("Using index"),
            "{sql} reads rows, not only the index"
        );
    }
    // Keyset pages (the adapter's form of "after this review") start inside the index: a range
    // read, not a walk from the movie's first review.
    let keysets = [
        (
            "movie_id = 5 AND id < 150",
            ReviewSort::Newest,
            "reviews_movie_newest",
        ),
        (
            "movie_id = 5 AND id > 50",
            ReviewSort::Oldest,
            "reviews_movie_newest",
        ),
        (
            "movie_id = 5 AND (rating < 6 OR (rating = 6 AND id < 150))",
            ReviewSort::RatingDesc,
            "reviews_movie_rating",
        ),
        (
            "movie_id = 5 AND (rating > 6 OR (rating = 6 AND id > 50))",
            ReviewSort::RatingAsc,
            "reviews_movie_rating",
        ),
    ];
    for (filter, sort, index) in keysets {
        let order = sort.order_by();
        let sql = format!("EXPLAIN SELECT * FROM reviews WHERE {filter} ORDER BY {order} LIMIT 20");
        let row = sqlx::query(&sql).fetch_one(&pool).await.unwrap();
        use sqlx::Row;
        let key: Option<String> = row.try_get("key").unwrap();
        let access: Option<String> = row.try_get("type").unwrap();
        let extra: Option<String> = row.try_get("Extra").unwrap();
        assert_eq!(
            (key.as_deref(), access.as_deref()),
            (Some(index), Some("range")),
            "{sql}"
        );
        assert!(
            !extra.unwrap_or_default().contains("filesort"),
            "{sql} sorts rows"
        );
    }
}

/// The steps of SQLite's plan for `sql`, after checking that none of them sorts rows.
async fn unsorted_plan(pool: &sqlx::SqlitePool, sql: &str) -> Vec<String> {
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(pool)
        .await
        .unwrap();
    let details: Vec<String> = plan.into_iter().map(|row| row.3).collect();
    assert!(
        !details.iter().any(|d| d.contains("TEMP B-TREE")),
        "{sql} sorts rows: {details:?}"
    );
    details
}

#[tokio::test]
async fn sqlite_first_and_keyset_pages_read_their_index_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let pool = shared::stores::embedded::open(dir.path()).await.unwrap();
    // A page with nothing to skip is read without the deferred join: it must walk its index
    // in the page's order, not collect the movie's (or user's) reviews and sort them.
    let firsts = [
        ("movie_id = 5", ReviewSort::Newest, "reviews_movie_newest"),
        ("movie_id = 5", ReviewSort::Oldest, "reviews_movie_newest"),
        (
            "movie_id = 5",
            ReviewSort::RatingDesc,
            "reviews_movie_rating",
        ),
        (
            "movie_id = 5",
            ReviewSort::RatingAsc,
            "reviews_movie_rating",
        ),
        ("user_id = 'u'", ReviewSort::Newest, "reviews_user_newest"),
    ];
    for (filter, sort, index) in firsts {
        let order = sort.order_by();
        let sql =
            format!("SELECT * FROM reviews WHERE {filter} ORDER BY {order} LIMIT 21 OFFSET 0");
        let details = unsorted_plan(&pool, &sql).await;
        let searched = format!("SEARCH reviews USING INDEX {index} (");
        assert!(
            details.iter().any(|d| d.starts_with(&searched)),
            "{sql}: {details:?}"
        );
    }
    // The adapter's form of "after this review": SQLite starts the walk at the cursor (a
    // `SEARCH … (movie_id=? AND …>?)` or `<?`), instead of scanning the movie's reviews.
    let keysets = [
        ("id < 150", ReviewSort::Newest, "reviews_movie_newest"),
        ("id > 50", ReviewSort::Oldest, "reviews_movie_newest"),
        (
            "(rating, id) < (6, 150)",
            ReviewSort::RatingDesc,
            "reviews_movie_rating",
        ),
        (
            "(rating, id) > (6, 50)",
            ReviewSort::RatingAsc,
            "reviews_movie_rating",
        ),
    ];
    for (range, sort, index) in keysets {
        let order = sort.order_by();
        let sql = format!(
            "SELECT * FROM reviews WHERE movie_id = 5 AND {range} ORDER BY {order} LIMIT 21"
        );
        let details = unsorted_plan(&pool, &sql).await;
        let searched = format!("SEARCH reviews USING INDEX {index} (movie_id=? AND");
        assert!(
            details
                .iter()
                .any(|d| d.starts_with(&searched) && (d.contains('<') || d.contains('>'))),
            "{sql}: {details:?}"
        );
    }
}

/// A MariaDB database written before trend scores existed gains them when migrated: the reviews
/// of the last four weeks are summed into their movies' scores and count as events, older ones
/// are in no score (deleting one subtracts nothing).
#[tokio::test]
async fn mariadb_migration_sums_recent_reviews_into_trend_scores() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&my.url).unwrap();
    let mut before_scores = sqlx::migrate!("../migrations/mysql");
    before_scores.migrations = before_scores
        .migrations
        .iter()
        .filter(|m| m.version < 3)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before_scores.run(&pool).await.unwrap();
    let now = shared::stores::reviews::now_micros();
    // Movie 1: reviewed 1 h and 7 h ago, and 40 days ago; movie 2: 60 days ago only.
    let reviews = [(1, 1), (1, 7), (1, 40 * 24), (2, 60 * 24)];
    let mut ids = Vec::new();
    for (movie_id, hours_ago) in reviews {
        let at = (now - chrono::Duration::hours(hours_ago)).naive_utc();
        let inserted = sqlx::query(
            "INSERT INTO reviews (movie_id, user_id, rating, body, created_at, updated_at) \
             VALUES (?, ?, 8, 'then', ?, ?)",
        )
        .bind(movie_id)
        .bind(Uuid::now_v7())
        .bind(at)
        .bind(at)
        .execute(&pool)
        .await
        .unwrap();
        ids.push(ReviewId::new(inserted.last_insert_id() as i64).unwrap());
    }
    sqlx::query(
        "INSERT INTO movie_ratings (movie_id, rating_count, rating_sum, r8) \
         VALUES (1, 3, 24, 3), (2, 1, 8, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    shared::migrate::mysql(&pool).await.unwrap();
    let store = MySqlReviews::new(pool);

    let recent = [
        now - chrono::Duration::hours(1),
        now - chrono::Duration::hours(7),
    ];
    let at = Utc::now();
    assert_weights(
        &trending(&store, Window::Week, at, 10).await,
        &[(1, decayed_sum(&recent, at, WEEK_HALF_LIFE_HOURS))],
    );
    assert_weights(
        &trending(&store, Window::Day, at, 10).await,
        &[(1, decayed_sum(&recent, at, DAY_HALF_LIFE_HOURS))],
    );
    // The 40-day-old review is in no score (had it been, the week's weight above would be
    // larger by 2^-22.9 ≈ 1.3e-7, past the tolerance): deleting it leaves movie 1's as it was.
    store.delete_review(ids[2], Deleter::Admin).await.unwrap();
    assert_weights(
        &trending(&store, Window::Week, at, 10).await,
        &[(1, decayed_sum(&recent, at, WEEK_HALF_LIFE_HOURS))],
    );
    // A counted one is taken back.
    store.delete_review(ids[1], Deleter::Admin).await.unwrap();
    assert_weights(
        &trending(&store, Window::Day, at, 10).await,
        &[(1, decayed_sum(&recent[..1], at, DAY_HALF_LIFE_HOURS))],
    );
}

/// An embedded data directory written before trend scores existed: its reviews are in no score
/// (the bundled SQLite cannot sum them), new ones are, and deleting an old one subtracts nothing.
#[tokio::test]
async fn embedded_reviews_from_before_trend_scores_are_in_none() {
    let dir = tempfile::tempdir().unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("old.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let mut before_scores = sqlx::migrate!("../migrations/sqlite");
    before_scores.migrations = before_scores
        .migrations
        .iter()
        .filter(|m| m.version < 12)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before_scores.run(&pool).await.unwrap();
    let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
    let old: i64 = sqlx::query_scalar(
        "INSERT INTO reviews (movie_id, user_id, rating, body, created_at, updated_at) \
         VALUES (1, ?, 8, 'then', ?, ?) RETURNING id",
    )
    .bind(Uuid::now_v7().hyphenated().to_string())
    .bind(an_hour_ago)
    .bind(an_hour_ago)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO movie_ratings (movie_id, rating_count, rating_sum, r8) VALUES (1, 1, 8, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    shared::stores::embedded::migrate(&pool).await.unwrap();
    let store = EmbeddedReviews::new(pool);

    let now = Utc::now();
    assert!(trending(&store, Window::Week, now, 10).await.is_empty());
    let new = create(&store, &new_review(movie(1), user(), 6)).await;
    let only_new = [(
        1,
        decayed_sum(&[new.review.created_at], now, DAY_HALF_LIFE_HOURS),
    )];
    assert_weights(&trending(&store, Window::Day, now, 10).await, &only_new);
    let deleted = store
        .delete_review(ReviewId::new(old).unwrap(), Deleter::Admin)
        .await
        .unwrap();
    assert_eq!(deleted.rating.count, 1);
    assert_weights(&trending(&store, Window::Day, now, 10).await, &only_new);
}
