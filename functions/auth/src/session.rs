//! Starting and continuing sessions: register, login, refresh, logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use shared::auth::credentials::{Email, Username, MAX_LOGIN_CHARS};
use shared::auth::password::{self, Password};
use shared::auth::refresh::RefreshToken;
use shared::auth::{AuthUser, Role};
use shared::domain::UserId;
use shared::error::FieldError;
use shared::http::{private_no_store, Json};
use shared::rate_limit;
use shared::stores::accounts::{
    AccountStatus, FamilyRevoked, NewAccount, NewRefreshToken, NextRefreshToken, Rotation,
};
use shared::stores::StoreError;
use shared::{ApiError, AppState};
use uuid::Uuid;

use crate::body::{LoginRequest, RefreshRequest, RegisterRequest, Session, TokenPair};
use crate::client_ip::ClientIp;
use crate::limits::{self, LoginLimits};
use crate::{deletion, tokens};

/// Create an account and start its first session.
#[utoipa::path(
    post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The account and its first tokens (with RateLimit-* headers)", body = Session),
        (status = 409, description = "The username or the email is taken (the answer does not say which)"),
        (status = 422, description = "Invalid fields, e.g. a common password"),
        (status = 429, description = "Too many registrations from this address; see Retry-After"),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<RegisterRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (username, email, password) = parse_registration(body)?;
    let store = state.accounts()?;
    state.jwt()?;
    let limit = limits::registration(&state, &ip).await?;
    // Before the (deliberately slow) hash, so a taken name costs the server nothing.
    if store.is_taken(&username, &email).await? {
        return Err(taken());
    }
    // Every account starts as a user: the admin role is only given by an operator (README,
    // "Accounts and the first admin"), never by anything a registration says.
    let account = NewAccount {
        id: UserId(Uuid::now_v7()),
        username,
        email,
        password_hash: password::hash(&password).await?,
        role: Role::User,
    };
    let refresh = RefreshToken::generate();
    let created = store
        .create(&account, &NewRefreshToken::first(refresh.hash()))
        .await
        .map_err(|error| match error {
            // Taken between the check and the insert by a concurrent registration.
            StoreError::Conflict(_) => taken(),
            other => other.into(),
        })?;
    let tokens = tokens::pair(&state, created.id, created.role, &refresh)?;
    Ok((
        StatusCode::CREATED,
        rate_limit::headers(&limit),
        private_no_store(),
        axum::Json(Session {
            user: created.into(),
            tokens,
        }),
    ))
}

/// Every invalid field at once, so a form can show them together.
fn parse_registration(body: RegisterRequest) -> Result<(Username, Email, Password), ApiError> {
    let username = Username::parse(&body.username);
    let email = Email::parse(&body.email);
    let password = Password::parse(body.password);
    match (username, email, password) {
        (Ok(username), Ok(email), Ok(password)) => Ok((username, email, password)),
        (username, email, password) => {
            let errors = [
                ("username", username.err()),
                ("email", email.err()),
                ("password", password.err()),
            ]
            .into_iter()
            .filter_map(|(field, error)| error.map(|message| FieldError::new(field, message)))
            .collect();
            Err(ApiError::Validation(errors))
        }
    }
}

/// A taken username or email. Which one is not said: that would tell anybody whether an
/// address has an account here.
fn taken() -> ApiError {
    ApiError::conflict("the username or the email is already taken")
}

/// The one answer for an unknown login and a wrong password.
fn bad_credentials() -> ApiError {
    ApiError::Unauthorized("the login or the password is wrong".into())
}

/// Log in with a username or an email.
#[utoipa::path(
    post, path = "/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "The account and new tokens", body = Session),
        (status = 401, description = "Unknown login or wrong password (one answer for both)"),
        (status = 429, description = "Too many failures from this address, for this account or for any; see Retry-After"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    // The length as sent, which the OpenAPI document's `maxLength` bounds.
    let login = body.login.trim();
    if login.is_empty() || body.login.chars().count() > MAX_LOGIN_CHARS {
        return Err(ApiError::validation(
            "login",
            format!("must be a username or an email of 1–{MAX_LOGIN_CHARS} characters"),
        ));
    }
    if body.password.is_empty() {
        return Err(ApiError::validation("password", "must not be empty"));
    }
    let store = state.accounts()?;
    state.jwt()?;
    // Text no account can have (control characters, which some databases refuse outright)
    // skips the lookup and takes the unknown-account path.
    let account = if login.chars().any(char::is_control) {
        None
    } else {
        store.find_by_login(login).await?
    };
    let limits = LoginLimits::new(&state, account.as_ref().map(|a| a.id), login, &ip);
    let attempt = limits.begin(&state).await?;
    // An unknown login verifies against a dummy hash: both failures take the same time.
    let matches =
        password::verify(&body.password, account.as_ref().map(|a| &a.password_hash)).await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            limits.failed(&state, attempt).await;
            return Err(bad_credentials());
        }
    };
    if account.status == AccountStatus::Deleting {
        // Its owner asked for deletion and it did not finish: finish it now.
        deletion::finish(&state, account.id).await?;
        return Err(bad_credentials());
    }
    let refresh = RefreshToken::generate();
    limits.succeeded(&state).await;
    store
        .start_session(account.id, &NewRefreshToken::first(refresh.hash()))
        .await
        .map_err(|error| match error {
            StoreError::NotFound(_) => bad_credentials(),
            other => other.into(),
        })?;
    let tokens = tokens::pair(&state, account.id, account.role, &refresh)?;
    Ok((
        private_no_store(),
        axum::Json(Session {
            user: account.into(),
            tokens,
        }),
    ))
}

/// Exchange a refresh token for a new pair; the presented token is spent.
#[utoipa::path(
    post, path = "/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and the refresh token that replaces the spent one", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or already spent (a spent token revokes its whole family)"),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let presented = tokens::presented(&body.refresh_token)?;
    let store = state.accounts()?;
    state.jwt()?;
    let next = RefreshToken::generate();
    match store
        .rotate(&presented.hash(), &NextRefreshToken::new(next.hash()))
        .await?
    {
        Rotation::Rotated { user, role } => Ok((
            private_no_store(),
            axum::Json(tokens::pair(&state, user, role, &next)?),
        )),
        Rotation::Reused { user, family } => {
            tracing::warn!(
                security_event = "refresh_token_reuse",
                user_id = %user,
                family_id = %family,
                "a spent refresh token was presented again; every token of its family is revoked"
            );
            Err(tokens::invalid_refresh())
        }
        Rotation::Invalid => Err(tokens::invalid_refresh()),
    }
}

/// Log out of a session: every refresh token of its family is revoked.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session is over, whichever of its refresh tokens was sent (also when it already was, or the token is not the caller's)"),
        (status = 401, description = "No valid access token"),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
    Json(body): Json<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    let Some(token) = RefreshToken::parse(&body.refresh_token) else {
        return Err(ApiError::validation(
            "refresh_token",
            "is not a refresh token",
        ));
    };
    // Only the caller's own sessions are touched; anything else changes nothing and says nothing.
    let revoked = state
        .accounts()?
        .revoke_family(UserId(user.id), &token.hash())
        .await?;
    if let Some(FamilyRevoked {
        family,
        was_spent: true,
    }) = revoked
    {
        // A spent token is only ever presented by someone replaying it; the family is revoked
        // either way, but the event is worth the same alarm as at a refresh.
        tracing::warn!(
            security_event = "refresh_token_reuse",
            user_id = %user.id,
            family_id = %family,
            "a spent refresh token was presented at logout; every token of its family is revoked"
        );
    }
    Ok(StatusCode::NO_CONTENT)
}
