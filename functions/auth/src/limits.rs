//! Which throttles a password check and a registration go through.
//!
//! A password check is throttled per (account, address) and per address ([`Throttle`]): a
//! guesser at one address is slowed down on that account quickly and on all accounts a little
//! later, while the account's owner at another address is never refused because of them (a
//! per-account lock would let anybody lock anybody out). Registrations are limited per address.
//! The numbers are settings ([`shared::config::CredentialLimits`]).

use shared::cache::Cache;
use shared::config::CredentialLimits;
use shared::domain::UserId;
use shared::error::RateLimitState;
use shared::rate_limit::RateLimit;
use shared::{ApiError, AppState};

use crate::client_ip::ClientIp;
use crate::throttle::{Attempt, Throttle};

/// The two throttles of one password check.
pub struct LoginLimits {
    pair: Throttle,
    address: Throttle,
    pair_subject: String,
    address_subject: String,
}

/// A password check that both throttles let through.
pub struct LoginAttempt {
    pair: Attempt,
    address: Attempt,
}

impl LoginLimits {
    /// For an existing account the pair's account is its id, so logging in by username or by
    /// email shares one count; for a login that matches no account it is the normalised text,
    /// so guesses at accounts that do not exist are throttled the same way.
    pub fn new(state: &AppState, account: Option<UserId>, login: &str, ip: &ClientIp) -> Self {
        let limits = &state.settings().credential_limits;
        let account = match account {
            Some(id) => format!("id:{id}"),
            None => format!("login:{}", login.trim().to_lowercase()),
        };
        Self {
            pair: throttle("login-pair", limits.failures_per_account_address, limits),
            address: throttle("login-address", limits.failures_per_address, limits),
            pair_subject: format!("{account}|{}", ip.0),
            address_subject: ip.0.clone(),
        }
    }

    /// Counts the attempt before the password is checked; 429 while either throttle makes the
    /// caller wait.
    pub async fn begin(&self, state: &AppState) -> Result<LoginAttempt, ApiError> {
        let cache = state.cache();
        let address = self.address.begin(cache, &self.address_subject).await?;
        match self.pair.begin(cache, &self.pair_subject).await {
            Ok(pair) => Ok(LoginAttempt { pair, address }),
            Err(refused) => {
                // Not checked, so not an attempt of this address either.
                self.address.give_back(cache, &self.address_subject).await;
                Err(refused)
            }
        }
    }

    pub async fn failed(&self, state: &AppState, attempt: LoginAttempt) {
        let cache = state.cache();
        self.pair
            .failed(cache, &self.pair_subject, attempt.pair)
            .await;
        self.address
            .failed(cache, &self.address_subject, attempt.address)
            .await;
    }

    /// The right password: the pair's record is cleared; the address only gets this attempt
    /// back (one success must not wash away the failures of a password-spraying client).
    pub async fn succeeded(&self, state: &AppState) {
        let cache: &Cache = state.cache();
        self.pair.clear(cache, &self.pair_subject).await;
        self.address.give_back(cache, &self.address_subject).await;
    }
}

fn throttle(name: &'static str, max: u64, limits: &CredentialLimits) -> Throttle {
    Throttle {
        name,
        max,
        window: limits.failure_window,
        first_delay: limits.first_delay,
        max_delay: limits.max_delay,
    }
}

/// Counts a registration from `ip`; 429 past the limit. The state is for the answer's
/// `RateLimit-*` headers.
pub async fn registration(state: &AppState, ip: &ClientIp) -> Result<RateLimitState, ApiError> {
    let limits = &state.settings().credential_limits;
    RateLimit::new(
        "register-address",
        limits.registrations_per_address,
        limits.registration_window,
    )
    .hit(state.cache(), &shared::cache::key_digest(&ip.0))
    .await
}
