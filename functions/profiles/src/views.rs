//! The JSON shapes the profiles function answers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::domain::{MovieId, MovieSummary, UserId};
use shared::stores::profiles::{FollowCounts, Profile};

/// A user's public profile.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    pub user_id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    /// Stored and returned as plain text; clients must escape it (the API never renders HTML).
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub location: Option<String>,
    pub favorite_genres: Vec<i64>,
    pub favorite_movie_id: Option<MovieId>,
    /// Number of users following this user.
    pub followers: u64,
    /// Number of users this user follows.
    pub following: u64,
    /// `null` until the profile is first edited.
    pub updated_at: Option<DateTime<Utc>>,
}

impl ProfileView {
    pub fn new(user_id: UserId, username: String, profile: Profile, counts: FollowCounts) -> Self {
        Self {
            user_id,
            username,
            display_name: profile.display_name.map(String::from),
            bio: profile.bio.map(String::from),
            avatar_url: profile.avatar_url.map(String::from),
            location: profile.location.map(String::from),
            favorite_genres: profile
                .favorite_genres
                .ids()
                .iter()
                .map(|g| g.get())
                .collect(),
            favorite_movie_id: profile.favorite_movie_id,
            followers: counts.followers,
            following: counts.following,
            updated_at: profile.updated_at,
        }
    }
}

/// One user in a followers or following list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowView {
    pub user_id: UserId,
    /// `null` if the account disappeared while the list was read.
    pub username: Option<String>,
    /// When the follow started.
    pub since: DateTime<Utc>,
}

/// One movie on the caller's watchlist.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WatchlistItemView {
    pub movie_id: MovieId,
    pub added_at: DateTime<Utc>,
    /// Title, poster and the rest of the summary; `null` if the movie left the catalog.
    pub movie: Option<MovieSummary>,
}
