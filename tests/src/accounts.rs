//! Accounts made directly in a test's accounts store, for tests about other routes: an access
//! token is only accepted for an active account, and only an operator makes admins.

use shared::auth::credentials::{Email, Username};
use shared::auth::password::PasswordHash;
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::domain::UserId;
use shared::stores::accounts::{NewAccount, NewRefreshToken};
use uuid::Uuid;

use crate::TestApp;

impl TestApp {
    /// A new active account with `role` (no password anyone knows), and an access token for it.
    pub async fn account_token(&self, role: Role) -> (Uuid, String) {
        let id = Uuid::now_v7();
        let name = format!("u{}", &id.simple().to_string()[20..]);
        let account = NewAccount {
            id: UserId(id),
            username: Username::parse(&name).expect("a valid username"),
            email: Email::parse(&format!("{name}@example.org")).expect("a valid email"),
            password_hash: PasswordHash::from_stored("$argon2id$unusable".into()),
            role: Role::User,
        };
        let store = self.state.accounts().expect("accounts store");
        store
            .create(
                &account,
                &NewRefreshToken::first(RefreshToken::generate().hash()),
            )
            .await
            .expect("account created");
        if role != Role::User {
            store.set_role(UserId(id), role).await.expect("role set");
        }
        (id, self.token(id, role))
    }
}

/// A client address of its own for `name` (a documentation-range IPv6 address derived from it),
/// so that tests creating many accounts look like many clients, as real sign-ups are, and stay
/// clear of the per-address registration and login limits.
pub fn own_address(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.as_bytes());
    format!(
        "2001:db8:{:x}:{:x}::1",
        u16::from_be_bytes([digest[0], digest[1]]),
        u16::from_be_bytes([digest[2], digest[3]])
    )
}

impl TestApp {
    /// A JSON POST from the client address `address` (sent as `X-Forwarded-For`, which the auth
    /// function reads outside API Gateway).
    pub async fn post_from(
        &self,
        address: &str,
        path: &str,
        body: serde_json::Value,
    ) -> crate::TestResponse {
        use axum::http::{header, Method, Request};
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", address)
            .body(axum::body::Body::from(body.to_string()))
            .expect("request");
        self.send(request).await
    }
}
