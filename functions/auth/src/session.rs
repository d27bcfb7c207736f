//! Starting and continuing sessions: register, login, refresh, logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use shared::auth::credentials::{Email, Username};
use shared::auth::password::{self, Password};
use shared::auth::refresh::RefreshToken;
use shared::auth::{AuthUser, Role};
use shared::domain::UserId;
use shared::error::FieldError;
use shared::http::{private_no_store, Json};
use shared::stores::accounts::{
    AccountStatus, NewAccount, NewRefreshToken, NextRefreshToken, Rotation,
};
use shared::stores::StoreError;
use shared::{ApiError, AppState};
use uuid::Uuid;

use crate::body::{LoginRequest, RefreshRequest, RegisterRequest, Session, TokenPair};
use crate::limits::{ClientIp, LoginLimits};
use crate::{deletion, tokens};

/// Longest text accepted as a login (an email can be 254 characters).
const MAX_LOGIN_CHARS: usize = 254;

/// Create an account and start its first session.
#[utoipa::path(
    post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The account and its first tokens", body = Session),
        (status = 409, description = "The username or the email is taken (the problem names the field)"),
        (status = 422, description = "Invalid fields, e.g. a common password"),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegisterRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (username, email, password) = parse_registration(body)?;
    let store = state.accounts()?;
    state.jwt()?;
    let role = if is_configured_admin(&state, &username, &email) {
        Role::Admin
    } else {
        Role::User
    };
    let account = NewAccount {
        id: UserId(Uuid::now_v7()),
        username,
        email,
        password_hash: password::hash(&password).await?,
        role,
    };
    let refresh = RefreshToken::generate();
    let created = store
        .create(&account, &NewRefreshToken::first(refresh.hash()))
        .await
        .map_err(taken)?;
    let tokens = tokens::pair(&state, created.id, created.role, &refresh)?;
    Ok((
        StatusCode::CREATED,
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

/// `MOVIEVERSE_ADMIN_USERS` names usernames or emails (lower-cased by the settings).
fn is_configured_admin(state: &AppState, username: &Username, email: &Email) -> bool {
    let admins = &state.settings().admin_users;
    let email = email.as_str().to_lowercase();
    admins
        .iter()
        .any(|login| login == username.as_str() || *login == email)
}

/// A taken username or email: 409 naming only the field.
fn taken(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict(field) if field == "username" || field == "email" => {
            let mut conflict = ApiError::conflict(format!("this {field} is already taken"));
            if let ApiError::Conflict { extra, .. } = &mut conflict {
                extra.insert("field".into(), field.into());
            }
            conflict
        }
        other => other.into(),
    }
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
        (status = 429, description = "Too many failures for this account or IP; see Retry-After"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let login = body.login.trim();
    if login.is_empty() || login.chars().count() > MAX_LOGIN_CHARS {
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
    let limits = LoginLimits::new(account.as_ref().map(|a| a.id), login, &ip);
    limits.begin(&state).await?;
    // An unknown login verifies against a dummy hash: both failures take the same time.
    let matches =
        password::verify(&body.password, account.as_ref().map(|a| &a.password_hash)).await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            limits.failed(&state).await;
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

/// Revoke one of the caller's refresh tokens (log out of that session).
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked (also when it already was, or is not the caller's)"),
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
    // Only the caller's own token is revoked; anything else changes nothing and says nothing.
    state
        .accounts()?
        .revoke(UserId(user.id), &token.hash())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
