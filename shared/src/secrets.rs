//! Reads the MovieVerse secret from AWS Secrets Manager: a JSON object with the keys of
//! [`crate::config::keys`]. Read once per container, at start-up.

use std::collections::HashMap;

use aws_sdk_secretsmanager::Client;

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

/// A Secrets Manager client from the standard AWS configuration chain (region, credentials and
/// `AWS_ENDPOINT_URL` all come from the environment, as in Lambda).
pub async fn client() -> Client {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Client::new(&config)
}

/// Fetches and parses the secret `id` with a client from the environment.
pub async fn fetch(id: &str) -> SecretSource {
    fetch_with(&client().await, id).await
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
