//! Login throttling: failures are counted per account and per client IP (Redis counters in
//! production, in-process on the embedded default). After 5 failures in 15 minutes the next
//! attempts are refused with 429 before any password is checked.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::rate_limit::RateLimit;
use shared::{ApiError, AppState};

pub const MAX_FAILURES: u64 = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

const PER_ACCOUNT: RateLimit = RateLimit::new("login-account", MAX_FAILURES, FAILURE_WINDOW);
const PER_IP: RateLimit = RateLimit::new("login-ip", MAX_FAILURES, FAILURE_WINDOW);

/// The counters one login attempt touches. The account subject is the normalised login text,
/// so guesses against an account that does not exist are throttled the same way.
pub struct LoginLimits {
    account: String,
    ip: String,
}

impl LoginLimits {
    pub fn new(login: &str, ip: &ClientIp) -> Self {
        Self {
            account: login.trim().to_lowercase(),
            ip: ip.0.clone(),
        }
    }

    /// 429 if either counter is already at the limit.
    pub async fn check(&self, state: &AppState) -> Result<(), ApiError> {
        PER_ACCOUNT
            .is_exceeded(state.cache(), &self.account)
            .await?;
        PER_IP.is_exceeded(state.cache(), &self.ip).await
    }

    /// Counts a failure on both counters.
    pub async fn failed(&self, state: &AppState) {
        // The counts matter, not the answers: the next attempt's `check` refuses.
        let _ = PER_ACCOUNT.hit(state.cache(), &self.account).await;
        let _ = PER_IP.hit(state.cache(), &self.ip).await;
    }

    /// A successful login clears the account's failures (not the IP's: one success must not
    /// wash the failures of a password-spraying client).
    pub async fn succeeded(&self, state: &AppState) {
        PER_ACCOUNT.reset(state.cache(), &self.account).await;
    }
}

/// The client's IP: API Gateway's own `sourceIp` when running in Lambda, else the first entry
/// of `X-Forwarded-For` (local `cargo lambda watch`, tests), else `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_gateway = parts
            .extensions
            .get::<lambda_http::request::RequestContext>()
            .and_then(|context| match context {
                lambda_http::request::RequestContext::ApiGatewayV2(v2) => v2.http.source_ip.clone(),
                #[allow(unreachable_patterns)]
                _ => None,
            });
        let from_header = || {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|list| list.split(',').next())
                .map(|first| first.trim().to_string())
        };
        let ip = from_gateway
            .or_else(from_header)
            .and_then(|text| text.parse::<IpAddr>().ok())
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(Self(ip))
    }
}
