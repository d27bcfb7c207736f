//! Awards and external ids in the MongoDB catalog. Awards are nested in the movie and person
//! documents (a movie's entry is repeated on each of its people); movies also carry the derived
//! `award_keys` and `award_won_keys` that discover's award filters use (indexed, see
//! `mongo.rs`). Counts and ceremonies read the entries of both collections and take each
//! distinct entry once.

use std::collections::{BTreeMap, HashSet};

use mongodb::bson::{self, doc, Bson, Document};

use super::awards::{AwardRecord, AwardStore, FoundByExternalId};
use super::mongo::{
    award_keys, collect, integer, mongo_error, person_summary_from_document,
    person_summary_projection, summary_from_document, summary_projection, MongoCatalog, MOVIES,
    PEOPLE,
};
use crate::domain::{
    AwardCounts, AwardEntry, AwardId, AwardYear, ExternalId, MovieId, PersonId, PersonSummary,
    UpsertOutcome, WikidataId,
};
use crate::stores::StoreError;

/// The Wikidata part of a stored document (projected `awards` and `wikidata_id`).
pub(super) fn stored_record(document: &Document) -> Result<AwardRecord, StoreError> {
    let awards = match document.get("awards") {
        Some(Bson::Array(_)) => {
            bson::from_bson(document.get("awards").cloned().unwrap_or_default())
                .map_err(|e| StoreError::Internal(format!("stored awards are malformed: {e}")))?
        }
        _ => Vec::new(),
    };
    let wikidata_id = match document.get_str("wikidata_id") {
        Ok(id) => Some(WikidataId::parse(id).map_err(StoreError::Internal)?),
        Err(_) => None,
    };
    Ok(AwardRecord {
        wikidata_id,
        awards,
    })
}

/// The `$set` of a record: the entries, the movie's filter keys, the Wikidata id.
fn record_fields(record: &AwardRecord, movie: bool) -> Result<Document, StoreError> {
    let awards = bson::to_bson(&record.awards)
        .map_err(|e| StoreError::Internal(format!("award entries: {e}")))?;
    let mut fields = doc! {
        "awards": awards,
        "wikidata_id": record.wikidata_id.as_ref().map(|id| id.as_str()),
    };
    if movie {
        let (keys, won) = award_keys(&record.awards);
        fields.insert("award_keys", keys);
        fields.insert("award_won_keys", won);
    }
    Ok(fields)
}

impl MongoCatalog {
    /// The distinct entries of both collections among documents matching `filter`, keeping
    /// those `keep` accepts. One query per collection.
    async fn distinct_entries(
        &self,
        filter: Document,
        keep: impl Fn(&AwardEntry) -> bool,
    ) -> Result<Vec<AwardEntry>, StoreError> {
        let mut seen = HashSet::new();
        let mut entries = Vec::new();
        for collection in [MOVIES, PEOPLE] {
            let documents = collect(
                self.collection(collection)
                    .await?
                    .find(filter.clone())
                    .projection(doc! { "_id": 0, "awards": 1, "wikidata_id": 1 })
                    .await,
            )
            .await?;
            for document in &documents {
                for entry in stored_record(document)?.awards {
                    if keep(&entry) && seen.insert(entry.clone()) {
                        entries.push(entry);
                    }
                }
            }
        }
        Ok(entries)
    }

    async fn set_record(
        &self,
        collection: &str,
        id: i64,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError> {
        let documents = self.collection(collection).await?;
        let Some(stored) = documents
            .find_one(doc! { "_id": id })
            .projection(doc! { "awards": 1, "wikidata_id": 1 })
            .await
            .map_err(mongo_error)?
        else {
            return Ok(None);
        };
        if stored_record(&stored)? == *record {
            return Ok(Some(UpsertOutcome::Unchanged));
        }
        let result = documents
            .update_one(
                doc! { "_id": id },
                doc! { "$set": record_fields(record, collection == MOVIES)? },
            )
            .await
            .map_err(mongo_error)?;
        Ok((result.matched_count > 0).then_some(UpsertOutcome::Updated))
    }

    async fn ids_after(
        &self,
        collection: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        // Movies added on MovieVerse keep the awards an admin gave them.
        let filter = if collection == MOVIES {
            doc! { "_id": { "$gt": after }, "source": { "$ne": "user" } }
        } else {
            doc! { "_id": { "$gt": after } }
        };
        let documents = collect(
            self.collection(collection)
                .await?
                .find(filter)
                .projection(doc! { "_id": 1 })
                .sort(doc! { "_id": 1 })
                .limit(i64::from(limit))
                .await,
        )
        .await?;
        Ok(documents.iter().map(|d| integer(d, "_id")).collect())
    }
}

#[async_trait::async_trait]
impl AwardStore for MongoCatalog {
    async fn award_counts(&self) -> Result<Vec<(AwardId, AwardCounts)>, StoreError> {
        // Read whole, then counted here: the answer is cached, and grouping on whole entries is
        // not something every MongoDB-compatible server does.
        // One equality per body: the shape the ceremony index serves on every server.
        let held: Vec<Document> = AwardId::all()
            .map(|id| doc! { "awards": { "$elemMatch": { "award.id": id.as_str() } } })
            .collect();
        let held = doc! { "$or": held };
        let entries = self.distinct_entries(held, |_| true).await?;
        let mut counts: BTreeMap<AwardId, AwardCounts> = BTreeMap::new();
        for entry in &entries {
            let count = counts.entry(entry.award.id.clone()).or_default();
            count.nominations += 1;
            count.wins += u64::from(entry.won());
        }
        Ok(counts.into_iter().collect())
    }

    async fn ceremony_entries(
        &self,
        award: &AwardId,
        year: AwardYear,
    ) -> Result<Vec<AwardEntry>, StoreError> {
        let filter = doc! { "awards": { "$elemMatch": {
            "award.id": award.as_str(), "year": year.get(),
        } } };
        self.distinct_entries(filter, |entry| {
            entry.award.id == *award && entry.year == year
        })
        .await
    }

    async fn person_summaries(&self, ids: &[PersonId]) -> Result<Vec<PersonSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let documents = collect(
            self.collection(PEOPLE)
                .await?
                .find(doc! { "_id": { "$in": ids } })
                .projection(person_summary_projection())
                .await,
        )
        .await?;
        documents
            .into_iter()
            .map(person_summary_from_document)
            .collect()
    }

    async fn find_by_external_id(&self, id: &ExternalId) -> Result<FoundByExternalId, StoreError> {
        let filter = match id {
            ExternalId::Imdb(id) => doc! { "imdb_id": id.as_str() },
            ExternalId::Wikidata(id) => doc! { "wikidata_id": id.as_str() },
        };
        let movies = collect(
            self.collection(MOVIES)
                .await?
                .find(filter.clone())
                .projection(summary_projection())
                .sort(doc! { "_id": 1 })
                .await,
        )
        .await?;
        let people = collect(
            self.collection(PEOPLE)
                .await?
                .find(filter)
                .projection(person_summary_projection())
                .sort(doc! { "_id": 1 })
                .await,
        )
        .await?;
        Ok(FoundByExternalId {
            movies: movies
                .into_iter()
                .map(summary_from_document)
                .collect::<Result<_, _>>()?,
            people: people
                .into_iter()
                .map(person_summary_from_document)
                .collect::<Result<_, _>>()?,
        })
    }

    async fn set_movie_awards(
        &self,
        id: MovieId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError> {
        self.set_record(MOVIES, id.get(), record).await
    }

    async fn set_person_awards(
        &self,
        id: PersonId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError> {
        self.set_record(PEOPLE, id.get(), record).await
    }

    async fn movie_entries_naming(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<AwardEntry>, StoreError> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        // One equality per person, each within one entry: the form every MongoDB-compatible
        // server matches inside arrays of documents.
        let naming: Vec<Document> = people
            .iter()
            .map(|id| doc! { "awards": { "$elemMatch": { "for.person_ids": id.get() } } })
            .collect();
        let documents = collect(
            self.collection(MOVIES)
                .await?
                .find(doc! { "$or": naming })
                .projection(doc! { "_id": 0, "awards": 1 })
                .await,
        )
        .await?;
        let mut seen = HashSet::new();
        let mut entries = Vec::new();
        for document in &documents {
            for entry in stored_record(document)?.awards {
                let names = entry
                    .recipients
                    .person_ids
                    .iter()
                    .any(|id| people.contains(id));
                if names && seen.insert(entry.clone()) {
                    entries.push(entry);
                }
            }
        }
        Ok(entries)
    }

    async fn imported_movie_ids_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<MovieId>, StoreError> {
        let ids = self.ids_after(MOVIES, after, limit).await?;
        Ok(ids.into_iter().filter_map(MovieId::new).collect())
    }

    async fn person_ids_after(&self, after: i64, limit: u32) -> Result<Vec<PersonId>, StoreError> {
        let ids = self.ids_after(PEOPLE, after, limit).await?;
        Ok(ids.into_iter().filter_map(PersonId::new).collect())
    }
}
