//! Award and external-id reads and writes of the catalog, beside [`super::CatalogStore`]: the
//! award bodies with their counts, one ceremony, `/find`, and the writes of the Wikidata import
//! and of admins.

use crate::domain::{
    AwardCounts, AwardEntry, AwardId, AwardYear, ExternalId, MovieId, MovieSummary, PersonId,
    PersonSummary, UpsertOutcome, WikidataId,
};
use crate::stores::StoreError;

/// What the Wikidata import (or an admin) owns of a movie or person: its Wikidata id and awards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwardRecord {
    pub wikidata_id: Option<WikidataId>,
    /// Stored in [`AwardEntry::listing_order`], whatever order they come in.
    pub awards: Vec<AwardEntry>,
}

impl AwardRecord {
    pub fn new(wikidata_id: Option<WikidataId>, mut awards: Vec<AwardEntry>) -> Self {
        awards.sort_by(AwardEntry::listing_order);
        awards.dedup();
        Self {
            wikidata_id,
            awards,
        }
    }
}

/// Movies and people found by an external id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FoundByExternalId {
    pub movies: Vec<MovieSummary>,
    pub people: Vec<PersonSummary>,
}

#[async_trait::async_trait]
pub trait AwardStore: Send + Sync {
    /// Wins and nominations the catalog holds per award body (bodies without any left out).
    /// Each entry counts once, however many of its people also hold it.
    async fn award_counts(&self) -> Result<Vec<(AwardId, AwardCounts)>, StoreError>;

    /// Every entry of one ceremony, each once (the movie's copy, or a person's when the entry
    /// names no movie). One query.
    async fn ceremony_entries(
        &self,
        award: &AwardId,
        year: AwardYear,
    ) -> Result<Vec<AwardEntry>, StoreError>;

    /// Summaries of those of `ids` that exist, in no particular order. One query.
    async fn person_summaries(&self, ids: &[PersonId]) -> Result<Vec<PersonSummary>, StoreError>;

    /// Movies and people carrying `id`.
    async fn find_by_external_id(&self, id: &ExternalId) -> Result<FoundByExternalId, StoreError>;

    /// Replaces a movie's Wikidata id and awards; `None` when the movie does not exist,
    /// `Unchanged` when it already held exactly these.
    async fn set_movie_awards(
        &self,
        id: MovieId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError>;

    /// Like [`AwardStore::set_movie_awards`], for a person.
    async fn set_person_awards(
        &self,
        id: PersonId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError>;

    /// The distinct entries held by movies that name any of `people` (the awards import gives
    /// each person the very entries of their films). One query.
    async fn movie_entries_naming(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<AwardEntry>, StoreError>;

    /// Up to `limit` ids above `after` of imported movies (not `source: user`, whose awards an
    /// admin owns), in id order: the Wikidata import's pages.
    async fn imported_movie_ids_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<MovieId>, StoreError>;

    /// Up to `limit` person ids above `after`, in id order.
    async fn person_ids_after(&self, after: i64, limit: u32) -> Result<Vec<PersonId>, StoreError>;
}
