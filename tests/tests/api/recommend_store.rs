//! Contract of `CandidateStore` (the bulk reads the rankings score), once, against both catalog
//! adapters.

use shared::recommend::CandidateProbe;
use shared::stores::CatalogStore;

use super::catalog_fixtures::{genre_id, load, movie_id, person_id, Adapter, ACTION, COMEDY};

async fn on_both(contract: impl AsyncFn(&dyn CatalogStore)) {
    for adapter in [Adapter::Embedded, Adapter::MongoDb] {
        if let Some(app) = adapter.app().await {
            let store = app.state.catalog().expect("catalog");
            load(store, &super::recommend::fixture()).await;
            contract(store).await;
        }
    }
}

fn ids(found: &[shared::recommend::MovieFeatures]) -> Vec<i64> {
    found.iter().map(|f| f.id().get()).collect()
}

#[tokio::test]
async fn features_hold_directors_top_billed_cast_keywords_and_genres() {
    on_both(async |store: &dyn CatalogStore| {
        let mut found = store
            .movie_features(&[movie_id(1), movie_id(7), movie_id(4040)])
            .await
            .expect("features");
        found.sort_by_key(|f| f.id());
        assert_eq!(ids(&found), [1, 7]);
        let seed = &found[0];
        assert_eq!(seed.directors, [person_id(900)]);
        assert_eq!(seed.top_cast, [person_id(800), person_id(801)]);
        assert_eq!(seed.keywords, [1, 2]);
        assert_eq!(seed.genres.len(), 2);
        assert_eq!(seed.summary.title, "Seed");
        // Billed tenth: not top-billed.
        assert!(found[1].top_cast.is_empty());
        assert!(store.movie_features(&[]).await.expect("none").is_empty());
    })
    .await;
}

#[tokio::test]
async fn candidates_come_specific_first_then_by_genre_within_the_limit() {
    on_both(async |store: &dyn CatalogStore| {
        let probe = CandidateProbe {
            genres: vec![genre_id(ACTION)],
            keywords: vec![1],
            people: vec![person_id(900)],
            exclude: vec![movie_id(1)],
        };
        // Specific (keyword 1 or person 900) by popularity: 3 (6.0), 2 (5.0); then the other
        // action movies by popularity: 5 (80), 9 (15).
        let found = store
            .candidate_features(&probe, 10)
            .await
            .expect("candidates");
        assert_eq!(ids(&found), [3, 2, 5, 9]);
        let limited = store.candidate_features(&probe, 3).await.expect("limited");
        assert_eq!(ids(&limited), [3, 2, 5]);
        // The specific movies fill a limit of one: no genre match is taken.
        let one = store.candidate_features(&probe, 1).await.expect("one");
        assert_eq!(ids(&one), [3]);
        let excluding = CandidateProbe {
            exclude: vec![movie_id(1), movie_id(3), movie_id(5)],
            ..probe.clone()
        };
        assert_eq!(
            ids(&store
                .candidate_features(&excluding, 10)
                .await
                .expect("excluding")),
            [2, 9]
        );
        let genre_only = CandidateProbe {
            genres: vec![genre_id(COMEDY)],
            ..CandidateProbe::default()
        };
        assert_eq!(
            ids(&store
                .candidate_features(&genre_only, 10)
                .await
                .expect("genre")),
            [4, 8, 9]
        );
        assert!(store
            .candidate_features(&CandidateProbe::default(), 10)
            .await
            .expect("empty probe")
            .is_empty());
        assert!(store
            .candidate_features(&probe, 0)
            .await
            .expect("zero")
            .is_empty());
    })
    .await;
}
