//! The award part of the catalog store contract, on both adapters, over the bundled sample (its
//! real award facts) and small fixtures.

use std::collections::BTreeSet;

use shared::catalog_query::{DiscoverParams, DiscoverQuery, DiscoverRequest};
use shared::domain::{
    AwardBody, AwardEntry, AwardFor, AwardId, AwardSource, AwardYear, ExternalId, ImdbId, Outcome,
    UpsertOutcome, WikidataId,
};
use shared::http::PageRequest;
use shared::import::SampleSource;
use shared::stores::{AwardRecord, CatalogStore};

use crate::catalog_fixtures::*;

/// The sample's Best Picture winners (Casablanca … Oppenheimer).
pub const BEST_PICTURE_WINNERS: [i64; 20] = [
    13, 14, 33, 98, 122, 238, 240, 274, 289, 424, 510, 597, 947, 1366, 1422, 6977, 15121, 496243,
    545611, 872585,
];
pub const PARASITE: i64 = 496_243;
pub const BONG_JOON_HO: i64 = 21_684;

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
    best_picture_winners_and_nothing_else,
    award_filters_combine_with_all_any_and_other_filters,
    award_writes_report_what_they_did_and_imports_keep_them,
    ceremonies_and_counts_take_each_entry_once,
    external_ids_find_movies_and_people,
);

/// The bundled sample, loaded as the embedded default's first start loads it.
pub async fn load_bundled_sample(store: &dyn CatalogStore) {
    let sample = SampleSource::bundled().expect("sample");
    assert!(store
        .fill_empty(
            sample.genre_list(),
            &sample.movie_list(),
            &sample.person_list()
        )
        .await
        .expect("fill"));
}

fn query(pairs: &[(&str, &str)]) -> DiscoverQuery {
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    let params: DiscoverParams = serde_json::from_value(object.into()).expect("params");
    match params.parse().expect("valid") {
        DiscoverRequest::Filtered(query) => query,
        DiscoverRequest::Ids(_) => panic!("ids"),
    }
}

async fn discovered(store: &dyn CatalogStore, pairs: &[(&str, &str)]) -> BTreeSet<i64> {
    let page = store
        .discover(&query(pairs), PageRequest::new(1, 100).expect("page"))
        .await
        .expect("discover");
    let ids: BTreeSet<i64> = ids_of(&page.results).into_iter().collect();
    assert_eq!(page.total_results, ids.len() as u64, "{pairs:?}");
    ids
}

async fn best_picture_winners_and_nothing_else(store: &dyn CatalogStore) {
    load_bundled_sample(store).await;
    let winners = discovered(store, &[("awards_won", "academy-awards:best-picture")]).await;
    assert_eq!(winners, BEST_PICTURE_WINNERS.into_iter().collect());

    // Nominees include the winners, plus the sample's other Best Picture nominees.
    let nominated = discovered(
        store,
        &[("awards_nominated", "academy-awards:best-picture")],
    )
    .await;
    assert!(nominated.is_superset(&winners));
    for nominee in [15, 680, 278] {
        assert!(nominated.contains(&nominee), "{nominee}");
    }
    assert!(
        !nominated.contains(&155),
        "The Dark Knight was not nominated"
    );
    assert_eq!(nominated.len(), 61);
}

async fn award_filters_combine_with_all_any_and_other_filters(store: &dyn CatalogStore) {
    load_bundled_sample(store).await;
    let both = discovered(
        store,
        &[(
            "awards_won",
            "academy-awards:best-picture,cannes-film-festival",
        )],
    )
    .await;
    assert_eq!(both, [PARASITE].into_iter().collect());
    let either = discovered(
        store,
        &[(
            "awards_won",
            "academy-awards:best-picture|cannes-film-festival:palme-d-or",
        )],
    )
    .await;
    // Taxi Driver, Apocalypse Now and Pulp Fiction won the Palme d'Or, not Best Picture.
    assert_eq!(either.len(), 23);
    assert!(either.is_superset(&[103, 28, 680].into_iter().collect()));
    let recent = discovered(
        store,
        &[
            ("awards_won", "academy-awards:best-picture"),
            ("release_date_gte", "2000-01-01"),
            ("genres", "18"),
        ],
    )
    .await;
    assert!(recent.is_subset(&BEST_PICTURE_WINNERS.into_iter().collect()));
    assert!(recent.contains(&PARASITE) && !recent.contains(&289));
    // A body alone matches any of its categories.
    let any_oscar = discovered(store, &[("awards_won", "academy-awards")]).await;
    assert!(any_oscar.contains(&62), "2001 won Best Visual Effects");
    assert!(!any_oscar.contains(&550), "Fight Club won nothing");
}

fn entry(award: &str, category: &str, year: i32, outcome: Outcome, movie: i64) -> AwardEntry {
    AwardEntry {
        award: AwardBody::from(AwardId::parse(award).expect("award")),
        category: category.into(),
        year: AwardYear::new(year).expect("year"),
        ceremony: format!("{year} ceremony"),
        outcome,
        recipients: AwardFor {
            movie_id: Some(movie_id(movie)),
            person_ids: vec![person_id(10)],
        },
        source: AwardSource::Wikidata,
    }
}

fn wikidata(id: &str) -> Option<WikidataId> {
    Some(WikidataId::parse(id).expect("qid"))
}

async fn award_writes_report_what_they_did_and_imports_keep_them(store: &dyn CatalogStore) {
    load(store, &[movie(1, "The Matrix")]).await;
    store
        .upsert_person(&person(10, "Lana Wachowski"))
        .await
        .expect("person");
    let record = AwardRecord::new(
        wikidata("Q83495"),
        vec![entry(
            "academy-awards",
            "Best Film Editing",
            2000,
            Outcome::Won,
            1,
        )],
    );
    assert_eq!(
        store.set_movie_awards(movie_id(1), &record).await.unwrap(),
        Some(UpsertOutcome::Updated)
    );
    assert_eq!(
        store.set_movie_awards(movie_id(1), &record).await.unwrap(),
        Some(UpsertOutcome::Unchanged)
    );
    assert_eq!(
        store
            .set_person_awards(person_id(10), &record)
            .await
            .unwrap(),
        Some(UpsertOutcome::Updated)
    );
    assert_eq!(
        store
            .set_person_awards(person_id(10), &record)
            .await
            .unwrap(),
        Some(UpsertOutcome::Unchanged)
    );
    assert_eq!(
        store
            .set_movie_awards(movie_id(404), &record)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .set_person_awards(person_id(404), &record)
            .await
            .unwrap(),
        None
    );

    // A TMDB re-import changes the movie and the person but keeps the Wikidata part.
    let renamed = shared::domain::Movie {
        title: "The Matrix (1999)".into(),
        ..movie(1, "The Matrix")
    };
    assert_eq!(
        store.upsert_movie(&renamed).await.unwrap(),
        UpsertOutcome::Updated
    );
    let stored = store.movie(movie_id(1)).await.unwrap().expect("movie");
    assert_eq!(stored.title, "The Matrix (1999)");
    assert_eq!(stored.awards, record.awards);
    assert_eq!(stored.wikidata_id, record.wikidata_id);
    let renamed_person = shared::domain::Person {
        popularity: 99.0,
        ..person(10, "Lana Wachowski")
    };
    assert_eq!(
        store.upsert_person(&renamed_person).await.unwrap(),
        UpsertOutcome::Updated
    );
    let stored = store.person(person_id(10)).await.unwrap().expect("person");
    assert_eq!(stored.popularity, 99.0);
    assert_eq!(stored.awards, record.awards);

    // And the filters follow a changed record.
    let won = discovered(store, &[("awards_won", "academy-awards:best-film-editing")]).await;
    assert_eq!(won, [1].into_iter().collect());
    store
        .set_movie_awards(movie_id(1), &AwardRecord::default())
        .await
        .unwrap();
    assert!(discovered(store, &[("awards_won", "academy-awards")])
        .await
        .is_empty());
}

async fn ceremonies_and_counts_take_each_entry_once(store: &dyn CatalogStore) {
    load_bundled_sample(store).await;
    let oscars = AwardId::parse("academy-awards").expect("id");
    let entries = store
        .ceremony_entries(&oscars, AwardYear::new(2020).expect("year"))
        .await
        .unwrap();
    // Parasite's four wins (held by the movie and by Bong Joon-ho) and Joker's two wins and
    // Best Picture nomination, each once.
    assert_eq!(entries.len(), 7, "{entries:#?}");
    let best_picture: Vec<&AwardEntry> = entries
        .iter()
        .filter(|e| e.category == "Best Picture")
        .collect();
    assert_eq!(best_picture.len(), 2);

    let sample = SampleSource::bundled().expect("sample");
    let all: Vec<AwardEntry> = sample
        .movie_list()
        .into_iter()
        .flat_map(|m| m.awards)
        .collect();
    let counts = store.award_counts().await.unwrap();
    let of = |body: &str| {
        counts
            .iter()
            .find(|(id, _)| id.as_str() == body)
            .map(|(_, c)| (c.wins, c.nominations))
    };
    let expected = |body: &str| {
        let held: Vec<&AwardEntry> = all.iter().filter(|e| e.award.id.as_str() == body).collect();
        (
            held.iter().filter(|e| e.won()).count() as u64,
            held.len() as u64,
        )
    };
    assert_eq!(of("academy-awards"), Some(expected("academy-awards")));
    assert_eq!(of("cannes-film-festival"), Some((4, 4)));
    assert_eq!(of("golden-globe-awards"), None);
}

async fn external_ids_find_movies_and_people(store: &dyn CatalogStore) {
    load_bundled_sample(store).await;
    let imdb = ExternalId::Imdb(ImdbId::parse("tt6751668").expect("imdb"));
    let found = store.find_by_external_id(&imdb).await.unwrap();
    assert_eq!(ids_of(&found.movies), [PARASITE]);
    assert!(found.people.is_empty());

    let qid = WikidataId::parse("Q61448040").expect("qid");
    let nothing = store
        .find_by_external_id(&ExternalId::Wikidata(qid.clone()))
        .await
        .unwrap();
    assert!(nothing.movies.is_empty() && nothing.people.is_empty());
    store
        .set_movie_awards(
            movie_id(PARASITE),
            &AwardRecord::new(Some(qid.clone()), vec![]),
        )
        .await
        .unwrap();
    store
        .set_person_awards(
            person_id(BONG_JOON_HO),
            &AwardRecord::new(wikidata("Q495980"), vec![]),
        )
        .await
        .unwrap();
    let found = store
        .find_by_external_id(&ExternalId::Wikidata(qid))
        .await
        .unwrap();
    assert_eq!(ids_of(&found.movies), [PARASITE]);
    let person = store
        .find_by_external_id(&ExternalId::Wikidata(
            WikidataId::parse("Q495980").expect("qid"),
        ))
        .await
        .unwrap();
    assert_eq!(
        person.people.iter().map(|p| p.id.get()).collect::<Vec<_>>(),
        [BONG_JOON_HO]
    );
    assert_eq!(person.people[0].name, "Bong Joon-ho");
}
