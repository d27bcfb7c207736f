//! The numbers behind login and registration throttling, as settings (README, "Configuration").

use std::time::Duration;

use crate::config::{keys, RawSettings};

/// How logins and registrations are throttled. Every value is a positive whole number; a
/// malformed one is logged (naming the key) and its default is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialLimits {
    /// Failed logins from one address to one account before that pair must wait.
    pub failures_per_account_address: u64,
    /// Failed logins from one address, to any accounts, before that address must wait. Higher
    /// than the per-pair limit: many people can share an address (an office, a carrier NAT).
    pub failures_per_address: u64,
    /// A count of failures lasts this long from its first failure.
    pub failure_window: Duration,
    /// The first wait once a limit is reached; it doubles with every further failure.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// Registrations from one address per `registration_window`.
    pub registrations_per_address: u64,
    pub registration_window: Duration,
}

impl Default for CredentialLimits {
    fn default() -> Self {
        Self {
            failures_per_account_address: 5,
            failures_per_address: 30,
            failure_window: Duration::from_secs(15 * 60),
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(15 * 60),
            registrations_per_address: 10,
            registration_window: Duration::from_secs(60 * 60),
        }
    }
}

impl CredentialLimits {
    pub fn from_raw(raw: &RawSettings) -> Self {
        let defaults = Self::default();
        let count = |key: &'static str, default: u64| positive(raw, key).unwrap_or(default);
        let secs = |key: &'static str, default: Duration| {
            positive(raw, key).map_or(default, Duration::from_secs)
        };
        Self {
            failures_per_account_address: count(
                keys::LOGIN_FAILURES_PER_ACCOUNT_ADDRESS,
                defaults.failures_per_account_address,
            ),
            failures_per_address: count(
                keys::LOGIN_FAILURES_PER_ADDRESS,
                defaults.failures_per_address,
            ),
            failure_window: secs(keys::LOGIN_FAILURE_WINDOW_SECS, defaults.failure_window),
            first_delay: secs(keys::LOGIN_DELAY_SECS, defaults.first_delay),
            max_delay: secs(keys::LOGIN_MAX_DELAY_SECS, defaults.max_delay),
            registrations_per_address: count(
                keys::REGISTRATIONS_PER_ADDRESS,
                defaults.registrations_per_address,
            ),
            registration_window: secs(keys::REGISTRATION_WINDOW_SECS, defaults.registration_window),
        }
    }
}

/// The setting `key` as a positive integer, `None` when absent or malformed (logged).
fn positive(raw: &RawSettings, key: &'static str) -> Option<u64> {
    let value = raw.get(key)?;
    match value.parse::<u64>() {
        Ok(number) if number > 0 => Some(number),
        _ => {
            tracing::warn!(
                key,
                "malformed setting: expected a positive whole number; the default applies"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::secrets::SecretSource;

    #[test]
    fn settings_override_the_defaults_and_junk_keeps_them() {
        let env = HashMap::from([
            (
                keys::LOGIN_FAILURES_PER_ADDRESS.to_string(),
                "7".to_string(),
            ),
            (keys::LOGIN_DELAY_SECS.to_string(), "0".to_string()),
            (
                keys::REGISTRATIONS_PER_ADDRESS.to_string(),
                "many".to_string(),
            ),
        ]);
        let limits = CredentialLimits::from_raw(&RawSettings::merge(&env, SecretSource::None));
        let defaults = CredentialLimits::default();
        assert_eq!(limits.failures_per_address, 7);
        assert_eq!(limits.first_delay, defaults.first_delay);
        assert_eq!(
            limits.registrations_per_address,
            defaults.registrations_per_address
        );
    }
}
