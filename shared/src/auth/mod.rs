//! Access tokens: HS256 JWTs signed with `JWT_SECRET`, and the extractors that check them.
//!
//! Verification accepts exactly one algorithm, so `alg: none` and algorithm-confusion tokens are
//! refused, and requires `exp`, `iat`, `sub`, `role`, `jti` and this API's `iss` and `aud` (a token
//! minted for another service that happens to share the key is refused). A valid signature is
//! not enough: the extractors also require the token's account to exist and be active, and take
//! the role from that account, never from the token. Passwords, credentials, refresh tokens and
//! the signing key's strength live in the submodules.

pub mod credentials;
pub mod key_strength;
pub mod password;
pub mod refresh;

use std::path::Path;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Access tokens live 15 minutes.
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
const ALGORITHM: Algorithm = Algorithm::HS256;
/// A signing key shorter than this is refused: HS256 is only as strong as its key.
pub const MIN_SECRET_BYTES: usize = 32;
const KEY_FILE: &str = "jwt.key";
/// Who issues access tokens, and who they are for (`iss` and `aud`).
pub const ISSUER: &str = "movieverse";
pub const AUDIENCE: &str = "movieverse-api";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    /// The role stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Self::User),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The role when the token was issued, for the client's display only: the server reads the
    /// account's current role.
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: Uuid,
}

/// The signing and verification keys of this container.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Keys from a configured `JWT_SECRET`: refused unless it is long and random enough
    /// ([`key_strength::check`]), so a copied example or a guessable word never signs tokens.
    pub fn from_configured_secret(secret: &[u8]) -> Result<Self, String> {
        key_strength::check(secret)?;
        Self::from_secret(secret)
    }

    pub fn from_secret(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        })
    }

    /// The local key: read from, or generated into, `data_dir/jwt.key` so that every local
    /// function (one process each) signs and verifies with the same key.
    pub fn embedded(data_dir: &Path) -> Result<Self, String> {
        use rand::RngCore;
        let path = data_dir.join(KEY_FILE);
        if let Ok(existing) = std::fs::read(&path) {
            if existing.len() >= MIN_SECRET_BYTES {
                return Self::from_secret(&existing);
            }
        }
        std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create data dir: {e}"))?;
        let mut key = vec![0u8; 64];
        rand::rng().fill_bytes(&mut key);
        let encoded = hex::encode(&key).into_bytes();
        // Write then rename, so two functions starting together never read half a key.
        let temp = data_dir.join(format!("{KEY_FILE}.{}", Uuid::new_v4()));
        std::fs::write(&temp, &encoded).map_err(|e| format!("cannot write key: {e}"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600));
        }
        // If another process won the race, keep its key.
        if path.exists() {
            let _ = std::fs::remove_file(&temp);
        } else {
            std::fs::rename(&temp, &path).map_err(|e| format!("cannot store key: {e}"))?;
        }
        let stored = std::fs::read(&path).map_err(|e| format!("cannot read key: {e}"))?;
        Self::from_secret(&stored)
    }

    /// Signs an access token for `user` with `role`.
    pub fn issue(&self, user: Uuid, role: Role) -> Result<(String, Claims), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            role,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + ACCESS_TOKEN_TTL.as_secs() as i64,
            jti: Uuid::new_v4(),
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("cannot sign a token: {e}")))?;
        Ok((token, claims))
    }

    /// Checks signature, algorithm, expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                let detail = match error.kind() {
                    ErrorKind::ExpiredSignature => "the access token has expired",
                    _ => "the access token is invalid",
                };
                ApiError::Unauthorized(detail.into())
            })
    }
}

/// The caller, from a valid `Authorization: Bearer` access token whose account is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: Uuid,
    /// The account's role as stored when the request arrived.
    pub role: Role,
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// The bearer token of a request, or the 401 for a missing or malformed header.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized("send an access token as Authorization: Bearer".into())
    })?;
    header
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header is not a Bearer token".into())
        })
}

/// The account id of a request's token, checked for signature, algorithm, expiry, issuer and
/// audience only.
fn token_subject(parts: &Parts, state: &AppState) -> Result<Uuid, ApiError> {
    Ok(state.jwt()?.verify(bearer(parts)?)?.sub)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let id = token_subject(parts, state)?;
        let role = state.check_account_active(id).await?;
        Ok(AuthUser { id, role })
    }
}

/// The caller of `DELETE /auth/me`: like [`AuthUser`], but an account whose deletion started and
/// did not finish is still accepted, so that the same request can be retried until the deletion
/// is complete. Every other route refuses such an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletionCaller(pub AuthUser);

impl FromRequestParts<AppState> for DeletionCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        use crate::stores::accounts::AccountState;
        let id = token_subject(parts, state)?;
        let role = match state.accounts()?.status(crate::domain::UserId(id)).await? {
            AccountState::Active(role) => role,
            // Its deletion started and did not finish: the same request may finish it.
            AccountState::Deleting => Role::User,
            AccountState::Deleted | AccountState::Unknown => {
                return Err(ApiError::Unauthorized(
                    "the account of this token does not exist".into(),
                ))
            }
        };
        Ok(DeletionCaller(AuthUser { id, role }))
    }
}

/// The caller, who must be an admin now (401 without a token, 403 for other users): the role is
/// the account's stored one, so a demotion takes effect on the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminUser(pub AuthUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.is_admin() {
            Ok(AdminUser(user))
        } else {
            Err(ApiError::Forbidden(
                "this action needs the admin role".into(),
            ))
        }
    }
}

/// The caller if a valid token was sent; anonymous otherwise. A present but invalid token is
/// still a 401, so a client never silently loses its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(AUTHORIZATION) {
            AuthUser::from_request_parts(parts, state)
                .await
                .map(|u| MaybeUser(Some(u)))
        } else {
            Ok(MaybeUser(None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::from_secret(&[7u8; 32]).unwrap()
    }

    #[test]
    fn tokens_for_another_issuer_or_audience_are_refused() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let claims = |iss: &str, aud: &str| Claims {
            sub: Uuid::now_v7(),
            role: Role::User,
            iss: iss.into(),
            aud: aud.into(),
            iat: now,
            exp: now + 60,
            jti: Uuid::new_v4(),
        };
        let sign = |claims: &Claims| {
            jsonwebtoken::encode(&Header::new(ALGORITHM), claims, &keys.encoding).unwrap()
        };
        assert!(keys.verify(&sign(&claims(ISSUER, AUDIENCE))).is_ok());
        assert!(keys.verify(&sign(&claims("other", AUDIENCE))).is_err());
        assert!(keys.verify(&sign(&claims(ISSUER, "other-api"))).is_err());
        let without = serde_json::json!({"sub": Uuid::now_v7(), "role": "user", "exp": now + 60, "iat": now, "jti": Uuid::new_v4()});
        let token =
            jsonwebtoken::encode(&Header::new(ALGORITHM), &without, &keys.encoding).unwrap();
        assert!(keys.verify(&token).is_err());
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys();
        let user = Uuid::now_v7();
        let (token, _) = keys.issue(user, Role::Admin).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.role), (user, Role::Admin));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(JwtKeys::from_secret(b"short").is_err());
    }

    #[test]
    fn tokens_signed_with_another_key_or_alg_none_are_refused() {
        let (token, _) = JwtKeys::from_secret(&[8u8; 32])
            .unwrap()
            .issue(Uuid::now_v7(), Role::User)
            .unwrap();
        assert!(keys().verify(&token).is_err());

        // alg: none, with the same claims and no signature.
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = chrono::Utc::now().timestamp();
        let claims = serde_json::json!({"sub": Uuid::now_v7(), "role": "admin", "exp": now + 60, "iat": now, "jti": Uuid::new_v4()});
        let unsigned = format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(claims.to_string())
        );
        assert!(keys().verify(&unsigned).is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: Uuid::now_v7(),
            role: Role::User,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now - 3600,
            exp: now - 600,
            jti: Uuid::new_v4(),
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &keys.encoding).unwrap();
        match keys.verify(&token) {
            Err(ApiError::Unauthorized(detail)) => assert!(detail.contains("expired")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_embedded_key_is_shared_through_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let first = JwtKeys::embedded(dir.path()).unwrap();
        let second = JwtKeys::embedded(dir.path()).unwrap();
        let (token, _) = first.issue(Uuid::now_v7(), Role::User).unwrap();
        assert!(second.verify(&token).is_ok());
    }
}
