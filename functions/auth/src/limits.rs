//! Login throttling: attempts are counted per account and failures per client IP (Redis
//! counters in production, in-process on the embedded default). After 5 failures in 15 minutes
//! the next attempts are refused with 429 before any password is checked.
//!
//! The account counter is taken *before* the password is checked and cleared by a success, so
//! even a burst of parallel guesses gets at most 5 through. The IP counter only counts failures
//! (many people can share one address, and their successful logins must not lock each other
//! out); it is checked first, then bumped after each failure.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::domain::UserId;
use shared::rate_limit::RateLimit;
use shared::{ApiError, AppState};

pub const MAX_FAILURES: u64 = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

const PER_ACCOUNT: RateLimit = RateLimit::new("login-account", MAX_FAILURES, FAILURE_WINDOW);
const PER_IP: RateLimit = RateLimit::new("login-ip", MAX_FAILURES, FAILURE_WINDOW);

/// The counters one password check touches.
pub struct LoginLimits {
    account: String,
    ip: String,
}

impl LoginLimits {
    /// For an existing account the subject is its id, so logging in by username or by email
    /// shares one counter; for a login that matches no account it is the normalised text, so
    /// guesses against accounts that do not exist are throttled the same way.
    pub fn new(account: Option<UserId>, login: &str, ip: &ClientIp) -> Self {
        let account = match account {
            Some(id) => format!("id:{id}"),
            None => format!("login:{}", login.trim().to_lowercase()),
        };
        Self {
            account,
            ip: ip.0.clone(),
        }
    }

    /// Counts the attempt against the account; 429 if the IP or the account is over the limit.
    pub async fn begin(&self, state: &AppState) -> Result<(), ApiError> {
        PER_IP.is_exceeded(state.cache(), &self.ip).await?;
        PER_ACCOUNT
            .hit(state.cache(), &self.account)
            .await
            .map(|_| ())
    }

    /// Counts a failure against the IP (the account counted it in `begin`).
    pub async fn failed(&self, state: &AppState) {
        // Only the count matters here: the next attempt's `begin` refuses.
        let _ = PER_IP.hit(state.cache(), &self.ip).await;
    }

    /// A success clears the account's count (not the IP's: one success must not wash away the
    /// failures of a password-spraying client).
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
    use lambda_http::request::RequestContext;

    async fn client_ip(request: Request<()>) -> String {
        let (mut parts, ()) = request.into_parts();
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &()).await;
        ip
    }

    #[tokio::test]
    async fn the_gateway_source_ip_wins_over_a_forwarded_header() {
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some("198.51.100.23".into());
        let request = Request::builder()
            .header("x-forwarded-for", "10.9.8.7")
            .extension(RequestContext::ApiGatewayV2(context))
            .body(())
            .unwrap();
        assert_eq!(client_ip(request).await, "198.51.100.23");
    }

    #[tokio::test]
    async fn without_a_gateway_the_first_forwarded_entry_is_used_if_it_is_an_ip() {
        let forwarded = |value: &str| {
            Request::builder()
                .header("x-forwarded-for", value)
                .body(())
                .unwrap()
        };
        assert_eq!(
            client_ip(forwarded("203.0.113.9, 10.0.0.1")).await,
            "203.0.113.9"
        );
        assert_eq!(client_ip(forwarded(" 2001:db8::1 ")).await, "2001:db8::1");
        for junk in ["", "not-an-ip", "' OR 1=1 --, 10.0.0.1"] {
            assert_eq!(client_ip(forwarded(junk)).await, "unknown", "{junk}");
        }
        assert_eq!(client_ip(Request::new(())).await, "unknown");
    }
}
