//! Embedded (SQLite) adapter of [`ProfileStore`].

use chrono::{DateTime, Utc};
use sqlx::{Row, SqlitePool};

use super::model::{from_millis, truncate_to_millis};
use super::{
    AvatarUrl, Bio, DisplayName, FavoriteGenres, FollowCounts, FollowEdge, FollowEntry, Listing,
    Location, Profile, ProfilePatch, ProfileStore, WatchlistEntry,
};
use crate::domain::{GenreId, MovieId, UserId};
use crate::http::PageRequest;
use crate::stores::StoreError;

const STORE: &str = "profiles";

pub struct EmbeddedProfiles {
    pool: SqlitePool,
}

impl EmbeddedProfiles {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    async fn read_profile<'e, E>(executor: E, user: UserId) -> Result<Option<Profile>, StoreError>
    where
        E: sqlx::SqliteExecutor<'e>,
    {
        let row = sqlx::query(
            "SELECT display_name, bio, avatar_url, location, favorite_genres, favorite_movie_id, \
             updated_at FROM profiles WHERE user_id = ?",
        )
        .bind(user.to_string())
        .fetch_optional(executor)
        .await
        .map_err(db)?;
        row.map(|row| profile_from_row(&row)).transpose()
    }

    async fn follow_page(
        &self,
        user: UserId,
        page: PageRequest,
        // Which column is `user` and which one is listed.
        (mine, theirs): (&str, &str),
    ) -> Result<Listing<FollowEntry>, StoreError> {
        let user = user.to_string();
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM follows WHERE {mine} = ?"))
                .bind(&user)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        let rows = sqlx::query(&format!(
            "SELECT {theirs} AS other, created_at FROM follows WHERE {mine} = ? \
             ORDER BY created_at DESC, {theirs} ASC LIMIT ? OFFSET ?"
        ))
        .bind(&user)
        .bind(limit(page))
        .bind(offset(page))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(FollowEntry {
                    user_id: parse_user(row.try_get("other").map_err(db)?)?,
                    since: from_millis(row.try_get("created_at").map_err(db)?),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Listing {
            total: u64::try_from(total).unwrap_or(0),
            items,
        })
    }
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

fn limit(page: PageRequest) -> i64 {
    i64::try_from(page.limit()).unwrap_or(i64::MAX)
}

fn offset(page: PageRequest) -> i64 {
    i64::try_from(page.offset()).unwrap_or(i64::MAX)
}

fn parse_user(text: String) -> Result<UserId, StoreError> {
    uuid::Uuid::parse_str(&text)
        .map(UserId)
        .map_err(|_| StoreError::Internal(format!("stored user id is not a UUID: {text}")))
}

fn corrupt(field: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("stored profile field {field} is invalid: {reason}"))
}

/// A stored optional text column parsed back into its domain type.
fn text_column<T>(
    row: &sqlx::sqlite::SqliteRow,
    field: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, StoreError> {
    let value: Option<String> = row.try_get(field).map_err(db)?;
    value
        .map(|text| parse(&text).map_err(|e| corrupt(field, e)))
        .transpose()
}

fn profile_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Profile, StoreError> {
    let genres: String = row.try_get("favorite_genres").map_err(db)?;
    let genres: Vec<GenreId> =
        serde_json::from_str(&genres).map_err(|e| corrupt("favorite_genres", e))?;
    let movie: Option<i64> = row.try_get("favorite_movie_id").map_err(db)?;
    let updated_at: i64 = row.try_get("updated_at").map_err(db)?;
    Ok(Profile {
        display_name: text_column(row, "display_name", super::DisplayName::parse)?,
        bio: text_column(row, "bio", super::Bio::parse)?,
        avatar_url: text_column(row, "avatar_url", super::AvatarUrl::stored)?,
        location: text_column(row, "location", super::Location::parse)?,
        favorite_genres: FavoriteGenres::new(genres).map_err(|e| corrupt("favorite_genres", e))?,
        favorite_movie_id: movie
            .map(|id| MovieId::new(id).ok_or_else(|| corrupt("favorite_movie_id", id)))
            .transpose()?,
        updated_at: Some(from_millis(updated_at)),
    })
}

#[async_trait::async_trait]
impl ProfileStore for EmbeddedProfiles {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        Self::read_profile(&self.pool, user).await
    }

    async fn update_profile(
        &self,
        user: UserId,
        patch: &ProfilePatch,
        at: DateTime<Utc>,
    ) -> Result<Profile, StoreError> {
        // One statement that only touches the fields the patch names (a flag per field), so
        // concurrent updates of different fields both survive, as with Firebase's PATCH; no
        // read-modify-write that a second writer could interleave with.
        fn text<'a, T>(
            change: &'a Option<Option<T>>,
            as_str: impl Fn(&'a T) -> &'a str,
        ) -> (bool, Option<&'a str>) {
            match change {
                Some(value) => (true, value.as_ref().map(as_str)),
                None => (false, None),
            }
        }
        let (set_name, name) = text(&patch.display_name, DisplayName::as_str);
        let (set_bio, bio) = text(&patch.bio, Bio::as_str);
        let (set_avatar, avatar) = text(&patch.avatar_url, AvatarUrl::as_str);
        let (set_location, location) = text(&patch.location, Location::as_str);
        let genres = patch
            .favorite_genres
            .as_ref()
            .map(|g| serde_json::to_string(g.ids()))
            .transpose()
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let (set_movie, movie) = match patch.favorite_movie_id {
            Some(value) => (true, value.map(MovieId::get)),
            None => (false, None),
        };
        sqlx::query(
            "INSERT INTO profiles (user_id, display_name, bio, avatar_url, location, \
             favorite_genres, favorite_movie_id, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(?6, '[]'), ?7, ?8) \
             ON CONFLICT (user_id) DO UPDATE SET \
             display_name = CASE WHEN ?9 THEN excluded.display_name ELSE display_name END, \
             bio = CASE WHEN ?10 THEN excluded.bio ELSE bio END, \
             avatar_url = CASE WHEN ?11 THEN excluded.avatar_url ELSE avatar_url END, \
             location = CASE WHEN ?12 THEN excluded.location ELSE location END, \
             favorite_genres = CASE WHEN ?6 IS NOT NULL THEN excluded.favorite_genres \
                                    ELSE favorite_genres END, \
             favorite_movie_id = CASE WHEN ?13 THEN excluded.favorite_movie_id \
                                      ELSE favorite_movie_id END, \
             updated_at = excluded.updated_at",
        )
        .bind(user.to_string())
        .bind(name)
        .bind(bio)
        .bind(avatar)
        .bind(location)
        .bind(genres)
        .bind(movie)
        .bind(truncate_to_millis(at).timestamp_millis())
        .bind(set_name)
        .bind(set_bio)
        .bind(set_avatar)
        .bind(set_location)
        .bind(set_movie)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Self::read_profile(&self.pool, user)
            .await?
            .ok_or_else(|| StoreError::Internal("the profile vanished after its update".into()))
    }

    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, StoreError> {
        let user = user.to_string();
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM follows WHERE followee_id = ?1) AS followers, \
                    (SELECT COUNT(*) FROM follows WHERE follower_id = ?1) AS following",
        )
        .bind(&user)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let count = |name: &str| -> Result<u64, StoreError> {
            let value: i64 = row.try_get(name).map_err(db)?;
            Ok(u64::try_from(value).unwrap_or(0))
        };
        Ok(FollowCounts {
            followers: count("followers")?,
            following: count("following")?,
        })
    }

    async fn follow(&self, edge: FollowEdge, at: DateTime<Utc>) -> Result<bool, StoreError> {
        // One row holds both sides, so they can never disagree.
        let done = sqlx::query(
            "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(edge.follower().to_string())
        .bind(edge.followee().to_string())
        .bind(at.timestamp_millis())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unfollow(&self, edge: FollowEdge) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?")
            .bind(edge.follower().to_string())
            .bind(edge.followee().to_string())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn followers(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError> {
        self.follow_page(user, page, ("followee_id", "follower_id"))
            .await
    }

    async fn following(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError> {
        self.follow_page(user, page, ("follower_id", "followee_id"))
            .await
    }

    async fn add_to_watchlist(
        &self,
        user: UserId,
        movie: MovieId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO watchlist_items (user_id, movie_id, added_at) VALUES (?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user.to_string())
        .bind(movie.get())
        .bind(at.timestamp_millis())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn remove_from_watchlist(
        &self,
        user: UserId,
        movie: MovieId,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM watchlist_items WHERE user_id = ? AND movie_id = ?")
            .bind(user.to_string())
            .bind(movie.get())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn watchlist(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<WatchlistEntry>, StoreError> {
        let user = user.to_string();
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM watchlist_items WHERE user_id = ?")
                .bind(&user)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        let rows = sqlx::query(
            "SELECT movie_id, added_at FROM watchlist_items WHERE user_id = ? \
             ORDER BY added_at DESC, movie_id ASC LIMIT ? OFFSET ?",
        )
        .bind(&user)
        .bind(limit(page))
        .bind(offset(page))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let items = rows
            .iter()
            .map(|row| {
                let id: i64 = row.try_get("movie_id").map_err(db)?;
                Ok(WatchlistEntry {
                    movie_id: MovieId::new(id).ok_or_else(|| corrupt("movie_id", id))?,
                    added_at: from_millis(row.try_get("added_at").map_err(db)?),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Listing {
            total: u64::try_from(total).unwrap_or(0),
            items,
        })
    }

    async fn delete_user_data(&self, user: UserId) -> Result<(), StoreError> {
        // All or nothing: a failure half-way leaves the user's data as it was.
        let user = user.to_string();
        let mut tx = self.pool.begin().await.map_err(db)?;
        for statement in [
            "DELETE FROM profiles WHERE user_id = ?1",
            "DELETE FROM follows WHERE follower_id = ?1 OR followee_id = ?1",
            "DELETE FROM watchlist_items WHERE user_id = ?1",
        ] {
            sqlx::query(statement)
                .bind(&user)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }
}
