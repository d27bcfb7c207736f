//! The body of `PATCH /profiles/me`, parsed into a [`ProfilePatch`].
//!
//! Shape errors (unknown field, wrong type) are answered by the `Json` extractor; this module
//! checks values, reporting every bad field at once, then asks the catalog about the ids.

use serde::{Deserialize, Deserializer};
use shared::domain::{GenreId, MovieId};
use shared::error::FieldError;
use shared::stores::profiles::{
    AvatarUrl, Bio, DisplayName, FavoriteGenres, Location, ProfilePatch,
};
use shared::stores::CatalogStore;
use shared::ApiError;

/// A partial update: omit a field to keep it, send `null` to clear it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    /// At most 50 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
    /// At most 500 characters; stored and returned as plain text.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    /// An `https` URL of at most 2048 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    /// At most 100 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    /// At most 10 ids of existing genres; `[]` or `null` clears them.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub favorite_genres: Option<Option<Vec<GenreId>>>,
    /// The id of an existing movie.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub favorite_movie_id: Option<Option<MovieId>>,
}

/// Tells "absent" (`None`, via `default`) from "null" (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Parses one optional text field, recording its error.
fn text<T>(
    field: &str,
    value: Option<Option<String>>,
    parse: impl Fn(&str) -> Result<T, String>,
    errors: &mut Vec<FieldError>,
) -> Option<Option<T>> {
    match value? {
        None => Some(None),
        // An empty (or all-blank) string clears the field, like null.
        Some(text) if text.trim().is_empty() => Some(None),
        Some(text) => match parse(&text) {
            Ok(value) => Some(Some(value)),
            Err(message) => {
                errors.push(FieldError::new(field, message));
                None
            }
        },
    }
}

impl ProfileUpdate {
    /// Checks every value (422 listing every bad one), then that the named genres and movie
    /// exist (404; one catalog call each).
    pub async fn into_patch(self, catalog: &dyn CatalogStore) -> Result<ProfilePatch, ApiError> {
        let mut errors = Vec::new();
        let display_name = text(
            "display_name",
            self.display_name,
            DisplayName::parse,
            &mut errors,
        );
        let bio = text("bio", self.bio, Bio::parse, &mut errors);
        let avatar_url = text("avatar_url", self.avatar_url, AvatarUrl::parse, &mut errors);
        let location = text("location", self.location, Location::parse, &mut errors);
        let favorite_genres = match self.favorite_genres {
            None => None,
            Some(ids) => match FavoriteGenres::new(ids.unwrap_or_default()) {
                Ok(genres) => Some(genres),
                Err(message) => {
                    errors.push(FieldError::new("favorite_genres", message));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        // Well-formed ids of nothing are a missing resource, as in a path: 404.
        if let Some(genres) = favorite_genres.as_ref().filter(|g| !g.is_empty()) {
            let existing = catalog.existing_genres(genres.ids()).await?;
            let missing: Vec<String> = genres
                .ids()
                .iter()
                .filter(|id| !existing.contains(id))
                .map(ToString::to_string)
                .collect();
            if !missing.is_empty() {
                return Err(ApiError::NotFound(format!("genre {}", missing.join(", "))));
            }
        }
        if let Some(Some(movie)) = self.favorite_movie_id {
            if !catalog.movie_exists(movie).await? {
                return Err(ApiError::NotFound(format!("movie {movie}")));
            }
        }
        Ok(ProfilePatch {
            display_name,
            bio,
            avatar_url,
            location,
            favorite_genres,
            favorite_movie_id: self.favorite_movie_id,
        })
    }
}
