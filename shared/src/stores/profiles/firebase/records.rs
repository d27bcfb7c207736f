//! JSON as the Realtime Database stores it, to and from the store's types.
//!
//! Firebase has no arrays: it stores them as objects keyed `"0"`, `"1"`, … and gives back an
//! array for any object whose keys are mostly small integers (a watchlist of movies 2, 3 and 5
//! comes back as `[null, null, t, t, null, t]`). Readers here accept both forms.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::model::{from_millis, truncate_to_millis};
use super::super::{
    AvatarUrl, Bio, DisplayName, FavoriteGenres, FollowEntry, Location, Profile, ProfilePatch,
    WatchlistEntry,
};
use crate::domain::{GenreId, MovieId, UserId};
use crate::stores::StoreError;

/// The non-null children of a node, as `(key, value)`, whichever form Firebase answered in.
pub fn children(value: Value) -> Vec<(String, Value)> {
    match value {
        Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    }
}

pub fn user_key(key: &str) -> Option<UserId> {
    uuid::Uuid::parse_str(key).ok().map(UserId)
}

fn millis(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_f64().map(|f| f as i64))
}

/// `{other_user: millis}` → entries. Keys or values this adapter never writes are skipped (and
/// logged) rather than failing the whole list.
pub fn follow_entries(value: Value) -> Vec<FollowEntry> {
    children(value)
        .into_iter()
        .filter_map(|(key, time)| match (user_key(&key), millis(&time)) {
            (Some(user_id), Some(at)) => Some(FollowEntry {
                user_id,
                since: from_millis(at),
            }),
            _ => {
                tracing::warn!(key = %key, "skipping a malformed follow entry");
                None
            }
        })
        .collect()
}

/// `{movie_id: millis}` → entries, skipping malformed ones.
pub fn watchlist_entries(value: Value) -> Vec<WatchlistEntry> {
    children(value)
        .into_iter()
        .filter_map(|(key, time)| {
            let movie = key.parse::<i64>().ok().and_then(MovieId::new);
            match (movie, millis(&time)) {
                (Some(movie_id), Some(at)) => Some(WatchlistEntry {
                    movie_id,
                    added_at: from_millis(at),
                }),
                _ => {
                    tracing::warn!(key = %key, "skipping a malformed watchlist entry");
                    None
                }
            }
        })
        .collect()
}

/// `/profiles/{user}` as stored.
#[derive(Deserialize)]
struct ProfileRecord {
    display_name: Option<String>,
    bio: Option<String>,
    avatar_url: Option<String>,
    location: Option<String>,
    #[serde(default)]
    favorite_genres: Value,
    favorite_movie_id: Option<i64>,
    updated_at: Option<Value>,
}

fn corrupt(field: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("stored profile field {field} is invalid: {reason}"))
}

fn parse_text<T>(
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, StoreError> {
    value
        .map(|text| parse(&text).map_err(|e| corrupt(field, e)))
        .transpose()
}

/// A stored profile; `null` (never written, or deleted) is `None`.
pub fn profile(value: Value) -> Result<Option<Profile>, StoreError> {
    if value.is_null() {
        return Ok(None);
    }
    let record: ProfileRecord =
        serde_json::from_value(value).map_err(|e| corrupt("(record)", e))?;
    let genres = children(record.favorite_genres)
        .into_iter()
        .map(|(_, id)| {
            id.as_i64()
                .and_then(GenreId::new)
                .ok_or_else(|| corrupt("favorite_genres", id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Profile {
        display_name: parse_text("display_name", record.display_name, DisplayName::parse)?,
        bio: parse_text("bio", record.bio, Bio::parse)?,
        avatar_url: parse_text("avatar_url", record.avatar_url, AvatarUrl::stored)?,
        location: parse_text("location", record.location, Location::parse)?,
        favorite_genres: FavoriteGenres::new(genres).map_err(|e| corrupt("favorite_genres", e))?,
        favorite_movie_id: record
            .favorite_movie_id
            .map(|id| MovieId::new(id).ok_or_else(|| corrupt("favorite_movie_id", id)))
            .transpose()?,
        updated_at: record.updated_at.as_ref().and_then(millis).map(from_millis),
    }))
}

/// The body of the `PATCH /profiles/{user}` for `patch`: only the fields it names, `null` for a
/// cleared one (Firebase deletes a child set to null), and the update time.
pub fn patch_body(patch: &ProfilePatch, at: DateTime<Utc>) -> Value {
    fn text<T: AsRef<str>>(value: &Option<T>) -> Value {
        value
            .as_ref()
            .map_or(Value::Null, |v| Value::String(v.as_ref().to_string()))
    }
    let mut body = Map::new();
    if let Some(v) = &patch.display_name {
        body.insert(
            "display_name".into(),
            text(&v.as_ref().map(DisplayName::as_str)),
        );
    }
    if let Some(v) = &patch.bio {
        body.insert("bio".into(), text(&v.as_ref().map(Bio::as_str)));
    }
    if let Some(v) = &patch.avatar_url {
        body.insert(
            "avatar_url".into(),
            text(&v.as_ref().map(AvatarUrl::as_str)),
        );
    }
    if let Some(v) = &patch.location {
        body.insert("location".into(), text(&v.as_ref().map(Location::as_str)));
    }
    if let Some(genres) = &patch.favorite_genres {
        let ids: Vec<i64> = genres.ids().iter().map(|g| g.get()).collect();
        // An empty array would be stored as nothing anyway; say so explicitly.
        let value = if ids.is_empty() {
            Value::Null
        } else {
            json!(ids)
        };
        body.insert("favorite_genres".into(), value);
    }
    if let Some(v) = &patch.favorite_movie_id {
        body.insert(
            "favorite_movie_id".into(),
            v.map_or(Value::Null, |id| json!(id.get())),
        );
    }
    body.insert(
        "updated_at".into(),
        json!(truncate_to_millis(at).timestamp_millis()),
    );
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_shaped_watchlists_are_read_like_objects() {
        let entries = watchlist_entries(json!([null, null, 1000, 2000, null, 3000]));
        let ids: Vec<i64> = entries.iter().map(|e| e.movie_id.get()).collect();
        assert_eq!(ids, vec![2, 3, 5]);
    }

    #[test]
    fn favorite_genres_may_come_back_as_an_object() {
        let stored = profile(json!({"favorite_genres": {"0": 28, "1": 12}, "updated_at": 5}))
            .unwrap()
            .unwrap();
        let ids: Vec<i64> = stored
            .favorite_genres
            .ids()
            .iter()
            .map(|g| g.get())
            .collect();
        assert_eq!(ids, vec![28, 12]);
    }

    #[test]
    fn malformed_entries_are_skipped() {
        let entries =
            follow_entries(json!({"not-a-uuid": 1, "0190f6a0-0000-7000-8000-000000000001": "x"}));
        assert!(entries.is_empty());
    }
}
