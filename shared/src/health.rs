//! `GET /health`: pings every store at once and says which one is down.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;

use crate::state::AppState;
use futures::future::BoxFuture;

use crate::stores::{Backend, StoreError};

/// A ping that takes longer than this counts as down.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Up,
    Down,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoreHealth {
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<Backend>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Stores {
    pub catalog: StoreHealth,
    pub accounts: StoreHealth,
    pub reviews: StoreHealth,
    pub profiles: StoreHealth,
    /// The cache is optional: when it is down the API is slower, not broken.
    pub cache: StoreHealth,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, `degraded` (only the cache is down) or `down` (a required store is down).
    pub status: &'static str,
    pub stores: Stores,
}

async fn check(
    backend: Option<Backend>,
    ping: Result<BoxFuture<'_, Result<(), StoreError>>, StoreError>,
) -> StoreHealth {
    let result = match ping {
        Ok(ping) => match tokio::time::timeout(PING_TIMEOUT, ping).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::unavailable("store", "ping timed out")),
        },
        Err(error) => Err(error),
    };
    if let Err(error) = &result {
        tracing::warn!(error = %error, "health: store down");
    }
    StoreHealth {
        status: if result.is_ok() {
            Status::Up
        } else {
            Status::Down
        },
        backend,
    }
}

pub async fn report(state: &AppState) -> Health {
    let (catalog, accounts, reviews, profiles, cache) = tokio::join!(
        check(
            state.catalog_slot().backend(),
            state.catalog().map(|s| s.ping())
        ),
        check(
            state.accounts_slot().backend(),
            state.accounts().map(|s| s.ping())
        ),
        check(
            state.reviews_slot().backend(),
            state.reviews().map(|s| s.ping())
        ),
        check(
            state.profiles_slot().backend(),
            state.profiles().map(|s| s.ping())
        ),
        async {
            let up = matches!(
                tokio::time::timeout(PING_TIMEOUT, state.cache().ping()).await,
                Ok(Ok(()))
            );
            StoreHealth {
                status: if up { Status::Up } else { Status::Down },
                backend: Some(state.cache().backend()),
            }
        },
    );
    let required_up = [&catalog, &accounts, &reviews, &profiles]
        .iter()
        .all(|s| s.status == Status::Up);
    let status = match (required_up, cache.status) {
        (false, _) => "down",
        (true, Status::Down) => "degraded",
        (true, Status::Up) => "ok",
    };
    Health {
        status,
        stores: Stores {
            catalog,
            accounts,
            reviews,
            profiles,
            cache,
        },
    }
}

/// Health of every store; 503 when a required store is down.
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let report = report(&state).await;
    let status = if report.status == "down" {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, crate::http::private_no_store(), axum::Json(report))
}
