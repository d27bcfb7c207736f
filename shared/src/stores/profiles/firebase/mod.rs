//! Firebase Realtime Database adapter of [`ProfileStore`], over its REST API.
//!
//! Layout (see DESIGN.md): `/profiles/{user}`, `/following/{user}/{other}` and
//! `/followers/{other}/{user}` (the follow time), `/watchlists/{user}/{movie}` (the added time).
//! Times are Unix milliseconds. Both sides of a follow are written by one multi-path `PATCH` at
//! the root, which Firebase applies atomically, so they never disagree.

mod client;
mod oauth;
mod paths;
mod records;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

pub use client::Depth;
pub use oauth::{JWT_BEARER_GRANT, SCOPES};
pub use paths::{DbPath, Node};

use self::client::RtdbClient;
use super::{
    page_of, FollowCounts, FollowEdge, FollowEntry, Listing, Profile, ProfilePatch, ProfileStore,
    WatchlistEntry,
};
use crate::config::FirebaseSettings;
use crate::domain::{MovieId, UserId};
use crate::http::PageRequest;
use crate::stores::StoreError;

/// Each Firebase call (and token exchange) gives up after this long with a 503, well inside the
/// API Gateway and Lambda limits.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct FirebaseProfiles {
    client: RtdbClient,
}

impl FirebaseProfiles {
    /// Fails only on a malformed service-account key or emulator host.
    pub fn new(http: reqwest::Client, settings: &FirebaseSettings) -> Result<Self, String> {
        Self::with_timeout(http, settings, DEFAULT_TIMEOUT)
    }

    pub fn with_timeout(
        http: reqwest::Client,
        settings: &FirebaseSettings,
        timeout: Duration,
    ) -> Result<Self, String> {
        Ok(Self {
            client: RtdbClient::new(http, settings, timeout)?,
        })
    }

    /// The keys directly under `/{node}/{user}` (a shallow read: values are not downloaded).
    async fn child_keys(&self, node: Node, user: UserId) -> Result<Vec<String>, StoreError> {
        let value = self
            .client
            .get(&DbPath::user_node(node, user), Depth::Shallow)
            .await?;
        Ok(records::children(value)
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }

    async fn follow_list(
        &self,
        node: Node,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError> {
        // A user's list is read whole and paged here: ordered queries would need an
        // `.indexOn` rule in the database, and follow lists are small next to a REST call.
        let value = self
            .client
            .get(&DbPath::user_node(node, user), Depth::Full)
            .await?;
        let mut entries = records::follow_entries(value);
        super::model::sort_newest_first(
            &mut entries,
            |e| e.since.timestamp_millis(),
            |e| e.user_id,
        );
        Ok(page_of(entries, page))
    }

    async fn exists(&self, path: &DbPath) -> Result<bool, StoreError> {
        Ok(!self.client.get(path, Depth::Shallow).await?.is_null())
    }
}

#[async_trait::async_trait]
impl ProfileStore for FirebaseProfiles {
    async fn ping(&self) -> Result<(), StoreError> {
        // A shallow read of the root is the cheapest authenticated call Firebase offers.
        self.client
            .get(&DbPath::root(), Depth::Shallow)
            .await
            .map(|_| ())
    }

    async fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError> {
        let value = self.client.get(&DbPath::profile(user), Depth::Full).await?;
        records::profile(value)
    }

    async fn update_profile(
        &self,
        user: UserId,
        patch: &ProfilePatch,
        at: DateTime<Utc>,
    ) -> Result<Profile, StoreError> {
        // PATCH writes only the named fields, so concurrent updates of different fields both
        // survive; the read after it answers the whole profile as stored.
        let path = DbPath::profile(user);
        self.client
            .patch(&path, &records::patch_body(patch, at))
            .await?;
        let value = self.client.get(&path, Depth::Full).await?;
        records::profile(value)?
            .ok_or_else(|| StoreError::Internal("the profile vanished after its update".into()))
    }

    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, StoreError> {
        let (followers, following) = futures::try_join!(
            self.child_keys(Node::Followers, user),
            self.child_keys(Node::Following, user),
        )?;
        Ok(FollowCounts {
            followers: followers.len() as u64,
            following: following.len() as u64,
        })
    }

    async fn follow(&self, edge: FollowEdge, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let (a, b) = (edge.follower(), edge.followee());
        if self
            .exists(&DbPath::follow_side(Node::Following, a, b))
            .await?
        {
            // Already following: keep the original time.
            return Ok(false);
        }
        let millis = at.timestamp_millis();
        let body = multi_path([
            (DbPath::follow_side(Node::Following, a, b), json!(millis)),
            (DbPath::follow_side(Node::Followers, b, a), json!(millis)),
        ]);
        self.client.patch(&DbPath::root(), &body).await?;
        Ok(true)
    }

    async fn unfollow(&self, edge: FollowEdge) -> Result<bool, StoreError> {
        let (a, b) = (edge.follower(), edge.followee());
        let existed = self
            .exists(&DbPath::follow_side(Node::Following, a, b))
            .await?;
        // Both sides are cleared even when one looked absent, so a half-written follow from
        // outside this adapter is repaired rather than left behind.
        let body = multi_path([
            (DbPath::follow_side(Node::Following, a, b), Value::Null),
            (DbPath::follow_side(Node::Followers, b, a), Value::Null),
        ]);
        self.client.patch(&DbPath::root(), &body).await?;
        Ok(existed)
    }

    async fn followers(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError> {
        self.follow_list(Node::Followers, user, page).await
    }

    async fn following(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError> {
        self.follow_list(Node::Following, user, page).await
    }

    async fn add_to_watchlist(
        &self,
        user: UserId,
        movie: MovieId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let path = DbPath::watchlist_item(user, movie);
        if self.exists(&path).await? {
            return Ok(false);
        }
        self.client
            .put(&path, &json!(at.timestamp_millis()))
            .await?;
        Ok(true)
    }

    async fn remove_from_watchlist(
        &self,
        user: UserId,
        movie: MovieId,
    ) -> Result<bool, StoreError> {
        let path = DbPath::watchlist_item(user, movie);
        if !self.exists(&path).await? {
            return Ok(false);
        }
        self.client.delete(&path).await?;
        Ok(true)
    }

    async fn watchlist(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<WatchlistEntry>, StoreError> {
        let value = self
            .client
            .get(&DbPath::user_node(Node::Watchlists, user), Depth::Full)
            .await?;
        let mut entries = records::watchlist_entries(value);
        super::model::sort_newest_first(
            &mut entries,
            |e| e.added_at.timestamp_millis(),
            |e| e.movie_id,
        );
        Ok(page_of(entries, page))
    }

    async fn delete_user_data(&self, user: UserId) -> Result<(), StoreError> {
        // Find the other side of every follow (keys only), then remove everything in one atomic
        // multi-path PATCH: either all of the user's data goes, or none of it.
        let (following, followers) = futures::try_join!(
            self.child_keys(Node::Following, user),
            self.child_keys(Node::Followers, user),
        )?;
        let mut paths = vec![
            DbPath::profile(user),
            DbPath::user_node(Node::Following, user),
            DbPath::user_node(Node::Followers, user),
            DbPath::user_node(Node::Watchlists, user),
        ];
        // Keys are parsed back into ids, so a stray key can't widen the delete; the user's own
        // id is skipped because its path would overlap the ones above (Firebase refuses that).
        let others = |keys: Vec<String>| {
            keys.into_iter()
                .filter_map(|k| records::user_key(&k))
                .filter(move |other| *other != user)
        };
        paths.extend(others(following).map(|b| DbPath::follow_side(Node::Followers, b, user)));
        paths.extend(others(followers).map(|a| DbPath::follow_side(Node::Following, a, user)));
        let body = multi_path(paths.into_iter().map(|p| (p, Value::Null)));
        self.client.patch(&DbPath::root(), &body).await.map(|_| ())
    }
}

/// The body of a multi-path update at the root: `{"a/b/c": value, ...}`.
fn multi_path(entries: impl IntoIterator<Item = (DbPath, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(path, value)| (path.as_key(), value))
            .collect::<Map<String, Value>>(),
    )
}
