//! Domain types shared by the stores and the functions. Ids and values are parsed into these
//! types at the edge, so a value that exists is a valid one.

mod awards;
mod catalog;
mod ids;
mod movie;

pub use awards::{
    slugify, AwardBody, AwardCounts, AwardEntry, AwardFor, AwardId, AwardSource, AwardYear,
    CategorySlug, ExternalId, ExternalIds, ImdbId, Outcome, WikidataId, AWARD_BODIES,
    MAX_AWARD_NAME, MAX_SLUG,
};
pub use catalog::{
    AppSettings, CastMember, Credits, CrewMember, Genre, GenreCount, Keyword, Movie, MovieSource,
    Person, PersonCredit, PersonSummary, SeedCounts, SeedRun, SeedStatus, UpsertOutcome,
};
pub use ids::{GenreId, MovieId, PersonId, UserId, WholeNumber};
pub use movie::{MovieSummary, RatingSummary};
