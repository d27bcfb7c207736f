//! The operator's `admin` binary, run as an operator runs it, against the embedded store and
//! (when the test services are there) PostgreSQL.

use std::collections::HashMap;
use std::process::Command;

use shared::auth::credentials::{Email, Username};
use shared::auth::password::PasswordHash;
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::config::{keys, RawSettings};
use shared::domain::UserId;
use shared::secrets::SecretSource;
use shared::stores::accounts::{AccountState, NewAccount, NewRefreshToken};
use shared::AppState;

/// A state over `settings`, and a fresh account in its accounts store.
async fn state_with_account(settings: &[(&str, String)]) -> (AppState, UserId) {
    let env: HashMap<String, String> = settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let state =
        AppState::from_settings(RawSettings::merge(&env, SecretSource::None).into_settings()).await;
    let id = UserId(uuid::Uuid::now_v7());
    let account = NewAccount {
        id,
        username: Username::parse("first_admin").unwrap(),
        email: Email::parse("first_admin@example.org").unwrap(),
        password_hash: PasswordHash::from_stored("$argon2id$not-checked-here".into()),
        role: Role::User,
    };
    state
        .accounts()
        .unwrap()
        .create(
            &account,
            &NewRefreshToken::first(RefreshToken::generate().hash()),
        )
        .await
        .unwrap();
    (state, id)
}

/// Runs `admin <args>` with exactly `settings` as its environment.
fn admin(settings: &[(&str, String)], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_admin"))
        .args(args)
        .env_clear()
        .envs(settings.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .output()
        .unwrap()
}

async fn promote_then_demote(settings: &[(&str, String)]) {
    let (state, id) = state_with_account(settings).await;
    let accounts = state.accounts().unwrap();

    let promoted = admin(settings, &["promote", &id.to_string()]);
    assert!(promoted.status.success(), "{promoted:?}");
    assert_eq!(
        accounts.status(id).await.unwrap(),
        AccountState::Active(Role::Admin)
    );

    let demoted = admin(settings, &["demote", &id.to_string()]);
    assert!(demoted.status.success(), "{demoted:?}");
    assert_eq!(
        accounts.status(id).await.unwrap(),
        AccountState::Active(Role::User)
    );

    // A name is refused as usage (exit 2); an unknown id fails and changes nothing.
    let by_name = admin(settings, &["promote", "first_admin"]);
    assert_eq!(by_name.status.code(), Some(2), "{by_name:?}");
    let unknown = admin(settings, &["promote", &uuid::Uuid::now_v7().to_string()]);
    assert_eq!(unknown.status.code(), Some(1), "{unknown:?}");
    assert_eq!(
        accounts.status(id).await.unwrap(),
        AccountState::Active(Role::User)
    );
}

#[tokio::test]
async fn the_admin_command_sets_the_role_in_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [(
        keys::MOVIEVERSE_DATA_DIR,
        dir.path().to_string_lossy().to_string(),
    )];
    promote_then_demote(&settings).await;
}

#[tokio::test]
async fn the_admin_command_sets_the_role_in_postgres() {
    let Ok(admin_url) = std::env::var("MV_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "MV_TEST_POSTGRES_URL is not set"
        );
        eprintln!("SKIPPED: MV_TEST_POSTGRES_URL is not set");
        return;
    };
    let name = format!("mvt_admin_{}", uuid::Uuid::new_v4().simple());
    let server = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&server)
        .await
        .unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        (keys::POSTGRES_URL, url.to_string()),
        (keys::MOVIEVERSE_RUN_MIGRATIONS, "true".to_string()),
        (
            keys::MOVIEVERSE_DATA_DIR,
            dir.path().to_string_lossy().to_string(),
        ),
    ];
    promote_then_demote(&settings).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&server)
        .await
        .unwrap();
}
