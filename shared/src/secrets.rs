//! Reads the MovieVerse secret from AWS Secrets Manager: a JSON object with the keys of
//! [`crate::config::keys`]. Read once per container, at start-up.

use std::collections::HashMap;

use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_secretsmanager::{Client, Config};

/// What the secret contributed to the settings.
#[derive(Debug, Clone)]
pub enum SecretSource {
    /// No secret was named.
    None,
    /// The secret's keys and values.
    Loaded(HashMap<String, String>),
    /// A secret was named but could not be read or parsed (the reason never holds a value).
    Failed(String),
}

/// A Secrets Manager client configured as Lambda configures a function: the region from
/// `AWS_REGION` (or `AWS_DEFAULT_REGION`), the execution role's credentials from
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, and `AWS_ENDPOINT_URL`
/// for a local stand-in. A missing setting surfaces as a failed read, never a panic.
///
/// Why not aws-config's provider chain: Lambda only ever uses these variables, and the rest of
/// the chain (profiles, SSO, IMDS, ECS, web identity through its own STS client) was 0.27 MB of
/// machine code in every function binary (`cargo bloat`, at opt-level z). A local run against
/// real AWS exports its credentials first (`aws configure export-credentials --format env`).
pub fn client() -> Client {
    client_from(|name| std::env::var(name).ok())
}

/// [`client`] with the environment given as a lookup, so tests need not touch the process's.
pub fn client_from(var: impl Fn(&str) -> Option<String>) -> Client {
    let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let mut config = Config::builder().behavior_version(BehaviorVersion::latest());
    if let Some(region) = set("AWS_REGION").or_else(|| set("AWS_DEFAULT_REGION")) {
        config = config.region(Region::new(region));
    }
    if let (Some(key_id), Some(secret)) = (set("AWS_ACCESS_KEY_ID"), set("AWS_SECRET_ACCESS_KEY")) {
        config = config.credentials_provider(Credentials::new(
            key_id,
            secret,
            set("AWS_SESSION_TOKEN"),
            None,
            "environment",
        ));
    }
    if let Some(endpoint) =
        set("AWS_ENDPOINT_URL_SECRETS_MANAGER").or_else(|| set("AWS_ENDPOINT_URL"))
    {
        config = config.endpoint_url(endpoint);
    }
    Client::from_conf(config.build())
}

/// Fetches and parses the secret `id` with a client from the environment.
pub async fn fetch(id: &str) -> SecretSource {
    fetch_with(&client(), id).await
}

/// Fetches and parses the secret `id`. Never panics: failures become [`SecretSource::Failed`].
pub async fn fetch_with(client: &Client, id: &str) -> SecretSource {
    let output = match client.get_secret_value().secret_id(id).send().await {
        Ok(output) => output,
        Err(error) => {
            let reason = aws_sdk_secretsmanager::error::DisplayErrorContext(&error).to_string();
            tracing::error!(secret_id = id, error = %reason, "could not read the secret");
            return SecretSource::Failed("Secrets Manager did not return the secret".into());
        }
    };
    let Some(text) = output.secret_string() else {
        tracing::error!(secret_id = id, "the secret has no string value");
        return SecretSource::Failed("the secret has no string value".into());
    };
    match parse(text) {
        Ok(values) => SecretSource::Loaded(values),
        Err(reason) => {
            tracing::error!(secret_id = id, reason = %reason, "the secret is malformed");
            SecretSource::Failed(reason)
        }
    }
}

/// Parses the secret's JSON object. Non-string values (numbers, booleans, nested objects such as
/// a Firebase service account) are kept as their JSON text.
pub fn parse(text: &str) -> Result<HashMap<String, String>, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| "the secret is not a JSON object".to_string())?;
    Ok(object
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strings_and_keeps_nested_json_as_text() {
        let values = parse(r#"{"JWT_SECRET":"k","FIREBASE_SERVICE_ACCOUNT":{"a":1}}"#).unwrap();
        assert_eq!(values["JWT_SECRET"], "k");
        assert_eq!(values["FIREBASE_SERVICE_ACCOUNT"], r#"{"a":1}"#);
    }

    #[test]
    fn rejects_a_secret_that_is_not_an_object_without_echoing_it() {
        let error = parse("hunter2").unwrap_err();
        assert!(!error.contains("hunter2"));
    }
}
