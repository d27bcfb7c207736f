//! The catalog store contract: every test runs once per adapter (embedded SQLite, and MongoDB
//! on the test server), through the store the app builds from its settings.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use shared::catalog_query::{
    DiscoverQuery, DiscoverSort, MovieSearch, SearchText, Year, MAX_SEARCH_RESULTS,
};
use shared::domain::{
    AppSettings, Movie, MovieSource, Person, RatingSummary, SeedCounts, SeedRun, SeedStatus,
    UpsertOutcome,
};
use shared::http::{PageRequest, COUNTED_RESULTS, MAX_PAGE_SIZE};
use shared::recommend::CandidateProbe;
use shared::stores::{CatalogStore, StoreError};

use movieverse_tests::TestApp;

use crate::catalog_fixtures::discover_query as query;
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
    the_whole_catalog_is_counted_as_it_is_written,
    upsert_movie_reports_what_it_did,
    upsert_movie_keeps_the_rating_and_user_movies,
    summaries_keep_the_order_asked_and_skip_unknown_ids,
    whole_movies_in_bulk_keep_the_order_asked_and_skip_unknown_ids,
    existence_and_genres,
    people_upserts_report_what_they_did,
    seed_runs_are_replaced_by_id_and_the_latest_is_found,
    emptiness,
    fill_empty_writes_a_whole_catalog_once,
    movies_read_back_whole_with_their_rating,
    discover_filters_combine_and_count_exactly,
    discover_sorts_and_pages,
    discover_pages_every_shape_in_order,
    search_is_ranked_and_folds_case_and_accents,
    search_rows_follow_popularity_changes_and_deletions,
    top_rated_prefers_reviews_then_tmdb_votes,
    genres_are_counted,
    people_read_back_and_rank,
    settings_round_trip,
    admin_writes_create_update_delete,
    concurrent_upserts_all_land,
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

async fn whole_movies_in_bulk_keep_the_order_asked_and_skip_unknown_ids(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let rating = RatingSummary {
        average: 9.0,
        count: 3,
    };
    store.set_movie_rating(movie_id(3), rating).await.unwrap();
    let asked = [movie_id(3), movie_id(404), movie_id(1), movie_id(3)];
    let movies = store.movies(&asked).await.unwrap();
    let ids: Vec<i64> = movies.iter().map(|m| m.id.get()).collect();
    assert_eq!(ids, [3, 1]);
    // Whole documents, as `movie` reads them one at a time (the rating included).
    assert_eq!(
        Some(&movies[0]),
        store.movie(movie_id(3)).await.unwrap().as_ref()
    );
    assert_eq!(movies[0].rating, rating);
    assert_eq!(movies[0].title, "Amélie");
    assert!(store.movies(&[]).await.unwrap().is_empty());
    let many: Vec<_> = (1..=100).rev().map(movie_id).collect();
    let ids: Vec<i64> = store
        .movies(&many)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.get())
        .collect();
    assert_eq!(ids, [8, 7, 6, 5, 4, 3, 2, 1]);
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

async fn fill_empty_writes_a_whole_catalog_once(store: &dyn CatalogStore) {
    let movies = sample();
    let mut keanu = person(101, "Keanu Reeves");
    keanu.also_known_as = vec!["Киану Ривз".into()];
    keanu.popularity = 50.0;
    let people = vec![keanu, person(201, "Lana Wachowski")];
    assert!(store
        .fill_empty(&all_genres(), &movies, &people)
        .await
        .unwrap());
    // Everything reads back as the upserts would have stored it.
    for movie in &movies {
        assert_eq!(store.movie(movie.id).await.unwrap().as_ref(), Some(movie));
    }
    for person in &people {
        assert_eq!(
            store.person(person.id).await.unwrap().as_ref(),
            Some(person)
        );
    }
    // Relations, search rows and genre counts were written too.
    let action = ACTION.to_string();
    let upserted_app = TestApp::embedded().await;
    let upserted = upserted_app.state.catalog().unwrap();
    load(upserted, &movies).await;
    let by_genre = discover_ids(store, &[("genres", &action)]).await;
    assert!(by_genre.1 > 0);
    assert_eq!(
        by_genre,
        discover_ids(upserted, &[("genres", &action)]).await
    );
    assert_eq!(search(store, "matrix", None).await, (vec![1, 2], 2));
    let named = store
        .search_people(&SearchText::parse("keanu").unwrap(), first_page())
        .await
        .unwrap();
    assert_eq!(named.total_results, 1);
    assert_eq!(
        store.genres_with_counts().await.unwrap(),
        upserted.genres_with_counts().await.unwrap()
    );
    // The same content again is unchanged, as after an import.
    assert_eq!(
        store.upsert_movie(&movies[0]).await.unwrap(),
        UpsertOutcome::Unchanged
    );
    assert_eq!(
        store.upsert_person(&people[0]).await.unwrap(),
        UpsertOutcome::Unchanged
    );
    // A catalog holding movies is left alone.
    assert!(!store
        .fill_empty(&all_genres(), &[movie(99, "Another")], &[])
        .await
        .unwrap());
    assert_eq!(store.movie(movie_id(99)).await.unwrap(), None);
}

fn first_page() -> PageRequest {
    PageRequest::new(1, 100).unwrap()
}

async fn discover_ids(store: &dyn CatalogStore, pairs: &[(&str, &str)]) -> (Vec<i64>, u64) {
    let page = store.discover(&query(pairs), first_page()).await.unwrap();
    (ids_of(&page.results), page.total_results)
}

async fn movies_read_back_whole_with_their_rating(store: &dyn CatalogStore) {
    let movies = sample();
    load(store, &movies).await;
    let rating = RatingSummary {
        average: 9.0,
        count: 2,
    };
    store.set_movie_rating(movie_id(1), rating).await.unwrap();
    let stored = store.movie(movie_id(1)).await.unwrap().unwrap();
    let mut expected = movies[0].clone();
    expected.rating = rating;
    assert_eq!(stored, expected);
    assert_eq!(store.movie(movie_id(4040)).await.unwrap(), None);
}

async fn discover_filters_combine_and_count_exactly(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    // Default: everything, most popular first.
    assert_eq!(
        discover_ids(store, &[]).await,
        (vec![1, 2, 3, 4, 5, 8, 6, 7], 8)
    );
    // `,` = all of; `|` = any of.
    assert_eq!(
        discover_ids(store, &[("genres", "28,12")]).await,
        (vec![2, 4], 2)
    );
    assert_eq!(
        discover_ids(store, &[("genres", "35|12")]).await,
        (vec![2, 3, 4], 3)
    );
    assert_eq!(
        discover_ids(store, &[("year", "1999")]).await,
        (vec![1, 8], 2)
    );
    assert_eq!(
        discover_ids(
            store,
            &[
                ("release_date_gte", "2001-04-25"),
                ("release_date_lte", "2010-01-20")
            ]
        )
        .await,
        (vec![2, 3, 6], 3)
    );
    assert_eq!(
        discover_ids(store, &[("min_rating", "7.5")]).await,
        (vec![1, 3], 2)
    );
    assert_eq!(
        discover_ids(store, &[("min_votes", "9000")]).await,
        (vec![1, 2, 3], 3)
    );
    assert_eq!(
        discover_ids(store, &[("language", "fr")]).await,
        (vec![3, 8], 2)
    );
    assert_eq!(
        discover_ids(store, &[("with_people", "101")]).await,
        (vec![1, 2, 4], 3)
    );
    assert_eq!(
        discover_ids(store, &[("with_people", "101,201")]).await,
        (vec![1, 2], 2)
    );
    assert_eq!(
        discover_ids(store, &[("with_people", "102|201")]).await,
        (vec![1, 2], 2)
    );
    // Everything together.
    assert_eq!(
        discover_ids(
            store,
            &[
                ("genres", "28|878"),
                ("release_date_gte", "1995-01-01"),
                ("min_rating", "7"),
                ("min_votes", "100"),
                ("language", "en"),
                ("with_people", "101"),
                ("sort", "release_date.asc"),
            ],
        )
        .await,
        (vec![1, 2], 2)
    );
    assert_eq!(
        discover_ids(store, &[("genres", "28"), ("year", "1980")]).await,
        (vec![], 0)
    );
}

async fn discover_sorts_and_pages(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    // Release-date orders list dated movies only.
    assert_eq!(
        discover_ids(store, &[("sort", "release_date.desc")]).await,
        (vec![5, 6, 2, 3, 8, 1, 4], 7)
    );
    assert_eq!(
        discover_ids(store, &[("sort", "release_date.asc")]).await,
        (vec![4, 1, 8, 3, 2, 6, 5], 7)
    );
    assert_eq!(
        discover_ids(store, &[("sort", "rating.desc")]).await.0,
        [1, 3, 4, 2, 8, 5, 6, 7]
    );
    // Titles sort without case or accents: Amélie, Éclair, Quiet, Speed, The Matrix…
    assert_eq!(
        discover_ids(store, &[("sort", "title.asc")]).await.0,
        [3, 8, 5, 4, 1, 2, 7, 6]
    );
    let query = query(&[("genres", "28|878")]);
    let first = store
        .discover(&query, PageRequest::new(1, 2).unwrap())
        .await
        .unwrap();
    let second = store
        .discover(&query, PageRequest::new(2, 2).unwrap())
        .await
        .unwrap();
    let third = store
        .discover(&query, PageRequest::new(3, 2).unwrap())
        .await
        .unwrap();
    assert_eq!((first.total_results, first.total_pages), (5, 3));
    assert_eq!(ids_of(&first.results), [1, 2]);
    assert_eq!(ids_of(&second.results), [4, 6]);
    assert_eq!(ids_of(&third.results), [7]);
    let beyond = store
        .discover(&query, PageRequest::new(9, 2).unwrap())
        .await
        .unwrap();
    assert!(beyond.results.is_empty());
    assert_eq!(beyond.total_results, 5);
    // A page read with a count made earlier (the movies function's cached one) reports that
    // count, and reads nothing past it.
    let stale = store
        .discover_page(&query, PageRequest::new(2, 2).unwrap(), 4)
        .await
        .unwrap();
    assert_eq!((stale.total_results, stale.total_pages), (4, 2));
    assert_eq!(ids_of(&stale.results), [4, 6]);
    let past_the_count = store
        .discover_page(&query, PageRequest::new(3, 2).unwrap(), 4)
        .await
        .unwrap();
    assert!(past_the_count.results.is_empty());
    assert_eq!(past_the_count.total_results, 4);
}

/// A catalog of 160 movies whose keys tie often (popularity, rating, votes, titles), in three
/// languages and four genres from very common to rare, with some undated; 30 of them are then
/// rewritten (new popularity, dates, genres), as a re-import would.
fn varied_catalog() -> Vec<Movie> {
    let genre_sets: [&[i64]; 8] = [
        &[DRAMA],
        &[DRAMA, COMEDY],
        &[COMEDY],
        &[DRAMA, ACTION],
        &[ACTION, COMEDY],
        &[DRAMA],
        &[DRAMA, COMEDY, ACTION],
        &[],
    ];
    (1..=160)
        .map(|id: i64| {
            let n = id * 7919 % 1009;
            let mut genres = genre_sets[(n % 8) as usize].to_vec();
            if id % 40 == 0 {
                genres.push(ROMANCE);
            }
            let title = format!("{} {}", ["Alpha", "beta", "Gamma"][n as usize % 3], n % 11);
            let mut movie = with_genres(movie(id, &title), &genres);
            movie.popularity = (n % 17) as f64;
            movie.vote_average = (n % 21) as f64 / 2.0;
            movie.vote_count = (n % 9) as u64 * 100;
            movie.original_language = Some(["en", "en", "fr", "ja"][(n % 4) as usize].into());
            if n % 3 != 0 {
                movie.credits.cast.push(cast(900, "Prolific", "Lead", 0));
            }
            if n % 7 == 0 {
                movie
                    .credits
                    .crew
                    .push(crew(901, "Seldom", "Director", "Directing"));
            }
            movie.release_date = (n % 11 != 0)
                .then(|| NaiveDate::from_ymd_opt(1990 + (n % 25) as i32, 1 + (n % 12) as u32, 1))
                .flatten();
            movie
        })
        .collect()
}

/// The movies matching `query`, in its order: what every adapter must list, worked out here.
fn expected_discover(movies: &[Movie], query: &DiscoverQuery) -> Vec<i64> {
    let (low, high) = query.release_bounds();
    let mut matches: Vec<&Movie> = movies
        .iter()
        .filter(|m| {
            let genres: Vec<i64> = m.genres.iter().map(|g| g.id.get()).collect();
            let date = m.release_date.map(|d| d.to_string());
            let dated_only = matches!(
                query.sort,
                DiscoverSort::ReleaseDateAsc | DiscoverSort::ReleaseDateDesc
            );
            let people: Vec<i64> = (m.credits.cast.iter().map(|c| c.person_id.get()))
                .chain(m.credits.crew.iter().map(|c| c.person_id.get()))
                .collect();
            query.with_people.as_ref().is_none_or(|set| {
                let mut wanted = set.ids().iter().map(|p| people.contains(&p.get()));
                if set.is_all() {
                    wanted.all(|hit| hit)
                } else {
                    wanted.any(|hit| hit)
                }
            }) && query.genres.as_ref().is_none_or(|set| {
                let mut wanted = set.ids().iter().map(|g| genres.contains(&g.get()));
                if set.is_all() {
                    wanted.all(|hit| hit)
                } else {
                    wanted.any(|hit| hit)
                }
            }) && (!dated_only || date.is_some())
                && low
                    .as_ref()
                    .is_none_or(|low| date.as_ref().is_some_and(|d| d >= low))
                && high
                    .as_ref()
                    .is_none_or(|high| date.as_ref().is_some_and(|d| d <= high))
                && query
                    .min_rating
                    .is_none_or(|min| m.vote_average >= min.get())
                && query.min_votes.is_none_or(|min| m.vote_count >= min)
                && query
                    .language
                    .as_ref()
                    .is_none_or(|l| m.original_language.as_deref() == Some(l.as_str()))
        })
        .collect();
    matches.sort_by(|a, b| {
        let keys = match query.sort {
            DiscoverSort::PopularityDesc => b.popularity.total_cmp(&a.popularity),
            DiscoverSort::ReleaseDateDesc => b.release_date.cmp(&a.release_date),
            DiscoverSort::ReleaseDateAsc => a.release_date.cmp(&b.release_date),
            DiscoverSort::RatingDesc => b
                .vote_average
                .total_cmp(&a.vote_average)
                .then(b.vote_count.cmp(&a.vote_count)),
            DiscoverSort::TitleAsc => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
        };
        keys.then(a.id.get().cmp(&b.id.get()))
    });
    matches.iter().map(|m| m.id.get()).collect()
}

/// Every filter shape the walks distinguish (the whole catalog, one genre, all or any of several,
/// a language, ranges on their own and on top of those, a prolific person), with every sort,
/// read page by page: each page holds exactly the next matches in order, and each counts them
/// all; the first pages of one read the first matches.
async fn discover_pages_every_shape_in_order(store: &dyn CatalogStore) {
    let mut movies = varied_catalog();
    load(store, &movies).await;
    for movie in movies.iter_mut().filter(|m| m.id.get() % 5 == 0).take(30) {
        movie.popularity = 100.0 - movie.popularity;
        movie.release_date = movie.release_date.map(|d| d + Duration::days(4000));
        let genres: Vec<i64> = match movie.genres.split_first() {
            None => vec![ROMANCE, DRAMA],
            Some((_, rest)) => rest.iter().map(|g| g.id.get()).collect(),
        };
        *movie = with_genres(movie.clone(), &genres);
        store.upsert_movie(movie).await.unwrap();
    }
    let (drama, comedy, action, romance) = (
        DRAMA.to_string(),
        COMEDY.to_string(),
        ACTION.to_string(),
        ROMANCE.to_string(),
    );
    let drama_comedy = format!("{drama},{comedy}");
    let three_of = format!("{comedy},{action},{drama}");
    let comedy_or_romance = format!("{comedy}|{romance}");
    let any_of_three = format!("{action}|{comedy}|{drama}");
    let drama_or_action = format!("{drama}|{action}");
    let shapes: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("genres", &drama)],
        vec![("genres", &romance)],
        vec![("genres", &drama_comedy)],
        vec![("genres", &three_of)],
        vec![("genres", &comedy_or_romance)],
        vec![("genres", &any_of_three)],
        vec![("language", "fr")],
        vec![("language", "ja"), ("genres", &drama)],
        vec![("year", "2003")],
        vec![
            ("release_date_gte", "1995-03-01"),
            ("release_date_lte", "2012-06-30"),
        ],
        vec![("min_rating", "6.5")],
        vec![("min_votes", "400")],
        vec![
            ("genres", &drama_or_action),
            ("min_rating", "3"),
            ("min_votes", "200"),
            ("release_date_gte", "1996-01-01"),
        ],
        vec![
            ("language", "en"),
            ("min_votes", "300"),
            ("release_date_lte", "2020-12-31"),
        ],
        vec![("with_people", "900")],
        vec![("with_people", "900,901")],
        vec![
            ("with_people", "900"),
            ("genres", &drama),
            ("min_votes", "100"),
        ],
    ];
    for shape in &shapes {
        for sort in DiscoverSort::NAMES {
            let mut pairs = shape.clone();
            pairs.push(("sort", sort));
            let query = query(&pairs);
            let expected = expected_discover(&movies, &query);
            // Counted once, as the movies function keeps a filter's count for all its pages.
            let total = store.count_discover(&query).await.unwrap();
            assert_eq!(total, expected.len() as u64, "{pairs:?}");
            let mut listed = Vec::new();
            for number in 1..=20 {
                let page = store
                    .discover_page(&query, PageRequest::new(number, 11).unwrap(), total)
                    .await
                    .unwrap();
                assert_eq!(page.total_results, total, "{pairs:?}");
                if page.results.is_empty() {
                    break;
                }
                listed.extend(ids_of(&page.results));
            }
            assert_eq!(listed, expected, "{pairs:?}");
            // Pages of one: the first of many matches are found by walking the sort's index.
            for number in 1..=3 {
                let page = store
                    .discover_page(&query, PageRequest::new(number, 1).unwrap(), total)
                    .await
                    .unwrap();
                let at = number as usize - 1;
                assert_eq!(
                    ids_of(&page.results),
                    expected.get(at..=at).unwrap_or(&[]),
                    "{pairs:?}"
                );
            }
        }
    }
}

async fn search(store: &dyn CatalogStore, text: &str, year: Option<&str>) -> (Vec<i64>, u64) {
    let search = MovieSearch {
        text: SearchText::parse(text).unwrap(),
        year: year.map(|y| Year::parse(y).unwrap()),
    };
    let page = store.search_movies(&search, first_page()).await.unwrap();
    (ids_of(&page.results), page.total_results)
}

async fn search_is_ranked_and_folds_case_and_accents(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    assert_eq!(search(store, "matrix", None).await, (vec![1, 2], 2));
    assert_eq!(search(store, "MATRIX reloaded", None).await.0[0], 2);
    // Every word is required: "matrix" alone is in two titles, "reloaded" in one of them.
    assert_eq!(search(store, "matrix reloaded", None).await, (vec![2], 1));
    assert_eq!(
        search(store, "reloaded nothing-like-this", None).await,
        (vec![], 0)
    );
    // A page carries the number of matches, and so does a page past the last of them.
    let matrix = MovieSearch {
        text: SearchText::parse("matrix").unwrap(),
        year: None,
    };
    for (number, expected) in [(1, vec![1]), (2, vec![2]), (3, vec![])] {
        let page = store
            .search_movies(&matrix, PageRequest::new(number, 1).unwrap())
            .await
            .unwrap();
        assert_eq!((ids_of(&page.results), page.total_results), (expected, 2));
    }
    assert_eq!(search(store, "amelie", None).await, (vec![3], 1));
    assert_eq!(search(store, "Amélie", None).await, (vec![3], 1));
    assert_eq!(search(store, "eclair", None).await, (vec![8], 1));
    // The original title counts too.
    assert_eq!(search(store, "poulain", None).await, (vec![3], 1));
    assert_eq!(search(store, "matrix", Some("2003")).await, (vec![2], 1));
    assert_eq!(search(store, "matrix", Some("1980")).await, (vec![], 0));
    assert_eq!(
        search(store, "matrix reloaded", Some("2003")).await,
        (vec![2], 1)
    );
    assert_eq!(
        search(store, "the matrix", Some("1999")).await,
        (vec![1], 1)
    );
    assert_eq!(search(store, "nothing-like-this", None).await, (vec![], 0));
    // Punctuation and search syntax are words or nothing, never operators.
    assert_eq!(search(store, "\"matrix\" -reloaded", None).await.0[0], 2);
    assert_eq!(search(store, "$where", None).await, (vec![], 0));
    assert_eq!(search(store, "!!!", None).await, (vec![], 0));
}

/// A search row is keyed by where its movie or person stands in popularity (embedded): a new
/// popularity moves it, a deletion removes it, and neither leaves a stale or a second match.
async fn search_rows_follow_popularity_changes_and_deletions(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let mut rare = movie(50, "Zyzzyva Nights");
    rare.popularity = 1.0;
    store.upsert_movie(&rare).await.unwrap();
    rare.popularity = 500.0;
    store.upsert_movie(&rare).await.unwrap();
    assert_eq!(search(store, "zyzzyva", None).await, (vec![50], 1));
    assert!(store.delete_movie(movie_id(50)).await.unwrap());
    assert_eq!(search(store, "zyzzyva", None).await, (vec![], 0));

    let mut quillifer = person(70, "Quillifer Jones");
    quillifer.popularity = 1.0;
    store.upsert_person(&quillifer).await.unwrap();
    quillifer.popularity = 300.0;
    store.upsert_person(&quillifer).await.unwrap();
    let found = store
        .search_people(&SearchText::parse("quillifer").unwrap(), first_page())
        .await
        .unwrap();
    let ids: Vec<i64> = found.results.iter().map(|p| p.id.get()).collect();
    assert_eq!((ids, found.total_results), (vec![70], 1));
    let past_the_last = store
        .search_people(
            &SearchText::parse("quillifer").unwrap(),
            PageRequest::new(2, 1).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        (past_the_last.results.len(), past_the_last.total_results),
        (0, 1)
    );
}

/// A word in more titles than a client can page through ranks only its most popular matches
/// (embedded: the search rows are read in popularity order and the rest never are): pages hold
/// the 1,000 most popular by relevance, then popularity, and a better-matching but unpopular
/// movie past them is not listed. A rare word still finds anything (the search tests above).
#[tokio::test]
async fn a_common_word_ranks_its_most_popular_matches() {
    let app = Adapter::Embedded.app().await.expect("embedded app");
    let store = app.state.catalog().expect("catalog");
    let bound = MAX_SEARCH_RESULTS as i64;
    let movies: Vec<Movie> = (1..=bound + 100)
        .map(|id| {
            // Movie 1 matches best (its title is the word alone) and is the least popular.
            let title = if id == 1 {
                "Common".to_string()
            } else {
                format!("Common {id}")
            };
            let mut movie = movie(id, &title);
            movie.popularity = id as f64;
            movie
        })
        .collect();
    let people: Vec<Person> = (1..=bound + 100)
        .map(|id| {
            let mut person = person(id, &format!("Common {id}"));
            person.popularity = id as f64;
            person
        })
        .collect();
    assert!(store
        .fill_empty(&all_genres(), &movies, &people)
        .await
        .unwrap());
    let most_popular_first: Vec<i64> = (101..=bound + 100).rev().collect();

    let search = MovieSearch {
        text: SearchText::parse("common").unwrap(),
        year: None,
    };
    let mut listed = Vec::new();
    for number in 1..=11 {
        let page = store
            .search_movies(&search, PageRequest::new(number, MAX_PAGE_SIZE).unwrap())
            .await
            .unwrap();
        assert_eq!(page.total_results, MAX_SEARCH_RESULTS);
        listed.extend(ids_of(&page.results));
    }
    assert_eq!(listed, most_popular_first);

    let text = SearchText::parse("common").unwrap();
    let mut listed = Vec::new();
    for number in 1..=11 {
        let page = store
            .search_people(&text, PageRequest::new(number, MAX_PAGE_SIZE).unwrap())
            .await
            .unwrap();
        assert_eq!(page.total_results, MAX_SEARCH_RESULTS);
        listed.extend(page.results.iter().map(|p| p.id.get()));
    }
    assert_eq!(listed, most_popular_first);
}

async fn top_rated_prefers_reviews_then_tmdb_votes(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let ranked = |page: shared::http::Page<shared::domain::MovieSummary>| ids_of(&page.results);
    // TMDB averages only (movies with fewer than 50 votes are left out: 5 and 7).
    let page = store.top_rated(first_page()).await.unwrap();
    assert_eq!(page.total_results, 6);
    assert_eq!(ranked(page), [1, 3, 4, 2, 8, 6]);
    // Three MovieVerse reviews make Speed a 9.5; two are not enough for Zero Hour.
    store
        .set_movie_rating(
            movie_id(4),
            RatingSummary {
                average: 9.5,
                count: 3,
            },
        )
        .await
        .unwrap();
    store
        .set_movie_rating(
            movie_id(6),
            RatingSummary {
                average: 10.0,
                count: 2,
            },
        )
        .await
        .unwrap();
    store
        .set_movie_rating(
            movie_id(5),
            RatingSummary {
                average: 8.0,
                count: 3,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        ranked(store.top_rated(first_page()).await.unwrap()),
        [4, 1, 5, 3, 2, 8, 6]
    );
}

/// The whole catalog's lists report how many movies and people there are without counting them
/// (a kept count on SQLite, the collection's metadata on MongoDB): an update is not a new movie,
/// a deletion is one fewer.
async fn the_whole_catalog_is_counted_as_it_is_written(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let movies = u64::try_from(sample().len()).unwrap();
    let everything = || async {
        store
            .discover(&query(&[]), first_page())
            .await
            .unwrap()
            .total_results
    };
    assert_eq!(everything().await, movies);
    let mut again = sample()[0].clone();
    again.title = "Retitled".into();
    store.upsert_movie(&again).await.unwrap();
    assert_eq!(everything().await, movies);
    store
        .upsert_movie(&movie(77_001, "One more"))
        .await
        .unwrap();
    assert_eq!(everything().await, movies + 1);
    assert!(store.delete_movie(movie_id(77_001)).await.unwrap());
    assert!(store.delete_movie(again.id).await.unwrap());
    assert_eq!(everything().await, movies - 1);
    let people = || async {
        store
            .popular_people(first_page())
            .await
            .unwrap()
            .total_results
    };
    let before = people().await;
    store
        .upsert_person(&person(88_001, "New Face"))
        .await
        .unwrap();
    store
        .upsert_person(&person(88_001, "New Face, renamed"))
        .await
        .unwrap();
    assert_eq!(people().await, before + 1);
}

async fn genres_are_counted(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let genres = store.genres_with_counts().await.unwrap();
    let counts: Vec<(i64, &str, u64)> = genres
        .iter()
        .map(|g| (g.id.get(), g.name.as_str(), g.movie_count))
        .collect();
    assert_eq!(
        counts,
        [
            (ACTION, "Action", 4),
            (ADVENTURE, "Adventure", 2),
            (COMEDY, "Comedy", 1),
            (DRAMA, "Drama", 2),
            (ROMANCE, "Romance", 2),
            (SCIFI, "Science Fiction", 3),
        ]
    );
    // The admin writes of one movie keep the counts themselves.
    let count = async |genre: i64| {
        let genres = store.genres_with_counts().await.unwrap();
        genres
            .iter()
            .find(|g| g.id.get() == genre)
            .unwrap()
            .movie_count
    };
    let added = with_genres(movie(50, "Added"), &[COMEDY]);
    store.create_movie(&added).await.unwrap();
    assert_eq!(count(COMEDY).await, 2);
    let moved = with_genres(movie(50, "Added"), &[DRAMA]);
    store.update_movie(&moved).await.unwrap();
    assert_eq!((count(COMEDY).await, count(DRAMA).await), (1, 3));
    assert!(store.delete_movie(movie_id(50)).await.unwrap());
    assert_eq!(count(DRAMA).await, 2);
}

async fn people_read_back_and_rank(store: &dyn CatalogStore) {
    let mut keanu = person(101, "Keanu Reeves");
    keanu.popularity = 50.0;
    keanu.also_known_as = vec!["Киану Ривз".into()];
    keanu.credits = vec![
        person_credit(1, "The Matrix", 1999, Some("Neo"), None),
        person_credit(4, "Speed", 1994, Some("Jack Traven"), None),
    ];
    let mut lana = person(201, "Lana Wachowski");
    lana.known_for_department = Some("Directing".into());
    lana.popularity = 20.0;
    let mut zoe = person(301, "Zoë Saldaña");
    zoe.popularity = 30.0;
    for person in [&keanu, &lana, &zoe] {
        store.upsert_person(person).await.unwrap();
    }
    assert_eq!(store.person(person_id(101)).await.unwrap(), Some(keanu));
    assert_eq!(store.person(person_id(999)).await.unwrap(), None);

    let popular = store.popular_people(first_page()).await.unwrap();
    let ids: Vec<i64> = popular.results.iter().map(|p| p.id.get()).collect();
    assert_eq!((ids, popular.total_results), (vec![101, 301, 201], 3));
    assert_eq!(
        popular.results[2].known_for_department.as_deref(),
        Some("Directing")
    );

    let found = |text: &'static str| async move {
        let page = store
            .search_people(&SearchText::parse(text).unwrap(), first_page())
            .await
            .unwrap();
        page.results.iter().map(|p| p.id.get()).collect::<Vec<_>>()
    };
    assert_eq!(found("zoe saldana").await, [301]);
    assert_eq!(found("KEANU").await, [101]);
    assert_eq!(found("wachowski").await, [201]);
    assert!(found("nobody").await.is_empty());
}

async fn settings_round_trip(store: &dyn CatalogStore) {
    assert_eq!(store.settings().await.unwrap(), None);
    let mut settings = AppSettings {
        image_base_url: "https://images.example/t/p/".into(),
        languages: vec!["en".into(), "fr".into()],
        feature_flags: Default::default(),
        version: "1.2.3".into(),
    };
    settings
        .feature_flags
        .insert("recommendations".into(), true);
    store.put_settings(&settings).await.unwrap();
    assert_eq!(store.settings().await.unwrap(), Some(settings.clone()));
    settings.languages = vec!["de".into()];
    store.put_settings(&settings).await.unwrap();
    assert_eq!(store.settings().await.unwrap(), Some(settings));
}

async fn admin_writes_create_update_delete(store: &dyn CatalogStore) {
    load(store, &sample()).await;
    let id = store.next_user_movie_id().await.unwrap();
    assert_eq!(id.get(), shared::catalog_query::FIRST_USER_MOVIE_ID);
    let mut own = movie(id.get(), "Made Here");
    own.source = MovieSource::User;
    store.create_movie(&own).await.unwrap();
    assert!(matches!(
        store.create_movie(&own).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.next_user_movie_id().await.unwrap().get(),
        id.get() + 1
    );

    // An update keeps the rating a review wrote.
    let rating = RatingSummary {
        average: 7.0,
        count: 1,
    };
    store.set_movie_rating(id, rating).await.unwrap();
    let mut edited = own.clone();
    edited.title = "Made Here, Again".into();
    edited.genres = vec![genre(COMEDY, "Comedy")];
    store.update_movie(&edited).await.unwrap();
    let stored = store.movie(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.rating),
        ("Made Here, Again", rating)
    );
    assert_eq!(search(store, "again", None).await.0, [id.get()]);
    assert_eq!(
        discover_ids(store, &[("genres", "35")]).await.0,
        [3, id.get()]
    );

    let missing = movie(4040, "Missing");
    assert!(matches!(
        store.update_movie(&missing).await,
        Err(StoreError::NotFound(_))
    ));

    assert!(store.delete_movie(id).await.unwrap());
    assert!(!store.delete_movie(id).await.unwrap());
    assert_eq!(store.movie(id).await.unwrap(), None);
    assert!(search(store, "again", None).await.0.is_empty());
    assert_eq!(discover_ids(store, &[("genres", "35")]).await.0, [3]);
}

/// The importer upserts with bounded concurrency: parallel writes queue, none fails.
async fn concurrent_upserts_all_land(store: &dyn CatalogStore) {
    let movies: Vec<_> = (1..=24)
        .map(|id| movie(id, &format!("Parallel {id}")))
        .collect();
    let writes = movies.iter().map(|m| store.upsert_movie(m));
    let outcomes = futures::future::join_all(writes).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(UpsertOutcome::Inserted))),
        "{outcomes:?}"
    );
    // The same movie from several writers at once: one insert, the rest see it.
    let same = movie(100, "Contended");
    let outcomes = futures::future::join_all((0..6).map(|_| store.upsert_movie(&same))).await;
    let inserted = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(UpsertOutcome::Inserted)))
        .count();
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert!(inserted >= 1);
    let page = store
        .discover(&DiscoverQuery::default(), first_page())
        .await
        .unwrap();
    assert_eq!(page.total_results, 25);
}

/// Two containers on one database: each creates the indexes once, neither fails on the other's.
#[tokio::test]
async fn mongodb_indexes_are_created_idempotently() {
    let Some(mongo) = movieverse_tests::services::TestMongo::create() else {
        return;
    };
    let settings = |mongo: &movieverse_tests::services::TestMongo| {
        movieverse_tests::app::settings_from(&[
            (shared::config::keys::MONGODB_URI, &mongo.uri),
            (shared::config::keys::MONGODB_DATABASE, &mongo.database),
        ])
    };
    let first = shared::AppState::from_settings(settings(&mongo)).await;
    let second = shared::AppState::from_settings(settings(&mongo)).await;
    load(first.catalog().unwrap(), &sample()).await;
    assert!(second
        .catalog()
        .unwrap()
        .movie_exists(movie_id(1))
        .await
        .unwrap());
    second
        .catalog()
        .unwrap()
        .upsert_movie(&movie(50, "Second Container"))
        .await
        .unwrap();
    let client = mongodb::Client::with_uri_str(&mongo.uri).await.unwrap();
    let names = client
        .database(&mongo.database)
        .collection::<mongodb::bson::Document>("movies")
        .list_index_names()
        .await
        .unwrap();
    // (The test server names indexes after their keys, not the names it is given.)
    for name in ["popularity", "genre_ids", "people_ids", "top_score"] {
        assert!(
            names.iter().any(|n| n.contains(name)),
            "{name} in {names:?}"
        );
    }
}

/// A catalog larger than any client can page through: a filter's list counts up to the last
/// result of the deepest page and stops there, the whole catalog's reports every movie (a kept
/// count, not a count), and the deepest page still reads. (Embedded only: filling the MongoDB
/// test server with 50 001 movies one upsert at a time would take minutes; the MongoDB adapter
/// passes the same cap to the server's count.)
#[tokio::test]
async fn counts_stop_past_the_deepest_page() {
    let app = Adapter::Embedded.app().await.expect("embedded app");
    let store = app.state.catalog().expect("catalog");
    let size = i64::try_from(COUNTED_RESULTS).unwrap() + 1;
    let movies: Vec<_> = (1..=size)
        .map(|id| {
            let mut film = movie(id, "Extra");
            film.overview = None;
            film
        })
        .collect();
    assert!(store.fill_empty(&all_genres(), &movies, &[]).await.unwrap());
    let deepest = PageRequest::new(500, MAX_PAGE_SIZE).unwrap();
    let drama = DRAMA.to_string();
    for (pairs, total) in [
        (vec![], COUNTED_RESULTS + 1),
        (vec![("genres", drama.as_str())], COUNTED_RESULTS),
    ] {
        let page = store.discover(&query(&pairs), deepest).await.unwrap();
        assert_eq!(page.total_results, total, "{pairs:?}");
        assert_eq!(page.total_pages, 500, "{pairs:?}");
        assert_eq!(page.results.len(), 100, "{pairs:?}");
    }
    // At the default size the walk still ends at the deepest page a client may ask for.
    let first = store
        .discover(&query(&[]), PageRequest::new(1, 20).unwrap())
        .await
        .unwrap();
    assert_eq!(first.total_pages, 500);
}

/// A MongoDB catalog written before genre counts were kept has genres without a count: the
/// first read counts them instead of showing every genre empty.
#[tokio::test]
async fn genres_without_a_kept_count_are_counted_on_first_read() {
    let Some(app) = Adapter::MongoDb.app().await else {
        return;
    };
    let store = app.state.catalog().expect("catalog");
    store.upsert_genres(&all_genres()).await.unwrap();
    for movie in sample() {
        store.upsert_movie(&movie).await.unwrap();
    }
    let genres = store.genres_with_counts().await.unwrap();
    let action = genres.iter().find(|g| g.id.get() == ACTION).unwrap();
    assert_eq!(action.movie_count, 4);
}

/// At TMDB's size a movie shares its genre with most of the catalog and a common keyword with
/// thousands: similar movies and recommendations take the movies of its rarest keywords and
/// people, then the most popular of the genre matches, not every movie that shares something.
#[tokio::test]
async fn candidates_probe_the_rarest_features_then_the_most_popular_genre_matches() {
    let app = Adapter::Embedded.app().await.expect("embedded app");
    let store = app.state.catalog().expect("catalog");
    let common = keyword(1, "based on novel");
    let rare = keyword(2, "time loop");
    let crowd = 5000;
    // Drama and the common keyword, most popular first.
    let mut movies: Vec<Movie> = (2..=crowd + 1)
        .map(|id| Movie {
            keywords: vec![common.clone()],
            popularity: 40.0 - f64::from(u32::try_from(id).unwrap()) / 1000.0,
            ..movie(id, "Crowd")
        })
        .collect();
    // The least popular movie, another genre, both keywords.
    let loop_id = crowd + 2;
    movies.push(Movie {
        keywords: vec![common, rare],
        genres: vec![genre(COMEDY, "Comedy")],
        popularity: 0.1,
        ..movie(loop_id, "Loop")
    });
    assert!(store.fill_empty(&all_genres(), &movies, &[]).await.unwrap());
    let probe = CandidateProbe {
        genres: vec![genre_id(DRAMA)],
        keywords: vec![1, 2],
        ..CandidateProbe::default()
    };
    let found = store.candidate_features(&probe, 5).await.unwrap();
    let ids: Vec<i64> = found.iter().map(|f| f.id().get()).collect();
    // The rare keyword's movie first; the common keyword's 5 001 movies are not "specific"
    // (had they been, the more popular crowd would have pushed Loop out): they come as the
    // most popular genre matches.
    assert_eq!(ids, [loop_id, 2, 3, 4, 5]);
}
