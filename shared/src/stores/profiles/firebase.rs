//! Firebase Realtime Database adapter of [`ProfileStore`], over its REST API.

use crate::domain::UserId;

use super::ProfileStore;
use crate::config::FirebaseSettings;
use crate::stores::StoreError;

const STORE: &str = "profiles";

pub struct FirebaseProfiles {
    http: reqwest::Client,
    settings: FirebaseSettings,
}

impl FirebaseProfiles {
    pub fn new(http: reqwest::Client, settings: FirebaseSettings) -> Self {
        Self { http, settings }
    }
}

#[async_trait::async_trait]
impl ProfileStore for FirebaseProfiles {
    async fn ping(&self) -> Result<(), StoreError> {
        // A shallow read of the root is the cheapest authenticated call Firebase offers.
        let mut url = self.settings.database_url.clone();
        url.set_path("/.json");
        url.query_pairs_mut().append_pair("shallow", "true");
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| StoreError::unavailable(STORE, e))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(StoreError::unavailable(STORE, response.status()))
        }
    }

    async fn delete_user_data(&self, _user: UserId) -> Result<(), StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the profiles feature".into())
}
