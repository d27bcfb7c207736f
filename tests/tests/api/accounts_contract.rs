//! The AccountStore contract, written once and run against the embedded adapter and the
//! PostgreSQL adapter (on the real server).

use std::future::Future;
use std::sync::Arc;

use movieverse_tests::services::TestPostgres;
use movieverse_tests::TestApp;
use shared::auth::credentials::{Email, Username};
use shared::auth::password::PasswordHash;
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::domain::UserId;
use shared::stores::accounts::{
    AccountState, AccountStatus, NewAccount, NewRefreshToken, NextRefreshToken, Rotation,
};
use shared::stores::{AccountStore, StoreError};
use uuid::Uuid;

fn new_account(username: &str, email: &str) -> NewAccount {
    NewAccount {
        id: UserId(Uuid::now_v7()),
        username: Username::parse(username).unwrap(),
        email: Email::parse(email).unwrap(),
        // The store keeps whatever PHC string it is given; hashing is tested elsewhere.
        password_hash: PasswordHash::from_stored(format!("$argon2id$fake${username}")),
        role: Role::User,
    }
}

async fn create(store: &dyn AccountStore, username: &str) -> (NewAccount, RefreshToken) {
    let account = new_account(username, &format!("{username}@example.org"));
    let token = RefreshToken::generate();
    store
        .create(&account, &NewRefreshToken::first(token.hash()))
        .await
        .unwrap();
    (account, token)
}

async fn rotate(store: &dyn AccountStore, token: &RefreshToken) -> (Rotation, RefreshToken) {
    let next = RefreshToken::generate();
    let outcome = store
        .rotate(&token.hash(), &NextRefreshToken::new(next.hash()))
        .await
        .unwrap();
    (outcome, next)
}

async fn created_accounts_are_found_by_id_username_or_email_in_any_case(store: &dyn AccountStore) {
    let (account, _) = create(store, "alice").await;
    let found = store.find(account.id).await.unwrap().unwrap();
    assert_eq!(found.username, "alice");
    assert_eq!(found.email, "alice@example.org");
    assert_eq!(found.role, Role::User);
    assert_eq!(found.status, AccountStatus::Active);
    assert_eq!(found.password_hash, account.password_hash);
    for login in ["alice", "ALICE", "Alice@Example.ORG"] {
        let by_login = store.find_by_login(login).await.unwrap();
        assert_eq!(by_login.map(|a| a.id), Some(account.id), "{login}");
    }
    for unknown in ["bob", "' OR '1'='1", "alice%", "alice@example.org' --"] {
        assert!(
            store.find_by_login(unknown).await.unwrap().is_none(),
            "{unknown}"
        );
    }
    assert_eq!(
        store.status(account.id).await.unwrap(),
        AccountState::Active(Role::User)
    );
    assert_eq!(
        store.status(UserId(Uuid::now_v7())).await.unwrap(),
        AccountState::Unknown
    );
}

async fn usernames_and_emails_are_unique_without_case(store: &dyn AccountStore) {
    create(store, "carol").await;
    let same_name = new_account("carol", "other@example.org");
    let first = NewRefreshToken::first(RefreshToken::generate().hash());
    match store.create(&same_name, &first).await {
        Err(StoreError::Conflict(field)) => assert_eq!(field, "username"),
        other => panic!("{other:?}"),
    }
    let same_email = new_account("carol2", "CAROL@example.org");
    let first = NewRefreshToken::first(RefreshToken::generate().hash());
    match store.create(&same_email, &first).await {
        Err(StoreError::Conflict(field)) => assert_eq!(field, "email"),
        other => panic!("{other:?}"),
    }
    // Nothing of the refused accounts was stored.
    assert!(store.find(same_name.id).await.unwrap().is_none());
    assert!(store.find_by_login("carol2").await.unwrap().is_none());
}

async fn usernames_lists_only_existing_active_accounts_in_one_call(store: &dyn AccountStore) {
    let (ann, _) = create(store, "ann").await;
    let (ben, _) = create(store, "ben").await;
    let (cid, _) = create(store, "cid").await;
    store.mark_deleting(cid.id).await.unwrap();
    let ghost = UserId(Uuid::now_v7());
    let names = store
        .usernames(&[ann.id, ben.id, cid.id, ghost])
        .await
        .unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(names[&ann.id], "ann");
    assert_eq!(names[&ben.id], "ben");
    assert!(store.usernames(&[]).await.unwrap().is_empty());
    // Many ids at once (more than one page of ids) still answer.
    let many: Vec<UserId> = (0..700)
        .map(|_| UserId(Uuid::now_v7()))
        .chain([ann.id])
        .collect();
    assert_eq!(store.usernames(&many).await.unwrap().len(), 1);
}

async fn a_refresh_token_is_spent_once_and_its_reuse_revokes_the_family(store: &dyn AccountStore) {
    let (account, first) = create(store, "dora").await;
    let (outcome, second) = rotate(store, &first).await;
    assert_eq!(
        outcome,
        Rotation::Rotated {
            user: account.id,
            role: Role::User
        }
    );
    let (outcome, third) = rotate(store, &second).await;
    assert!(matches!(outcome, Rotation::Rotated { .. }));

    // The first token again: reuse. The family, including the live third token, is revoked.
    let (outcome, _) = rotate(store, &first).await;
    match outcome {
        Rotation::Reused { user, .. } => assert_eq!(user, account.id),
        other => panic!("{other:?}"),
    }
    assert_eq!(rotate(store, &third).await.0, Rotation::Invalid);
    // A token never issued.
    assert_eq!(
        rotate(store, &RefreshToken::generate()).await.0,
        Rotation::Invalid
    );
}

async fn another_session_survives_the_reuse_of_a_token_of_another_family(store: &dyn AccountStore) {
    let (account, first) = create(store, "eve").await;
    let other = RefreshToken::generate();
    store
        .start_session(account.id, &NewRefreshToken::first(other.hash()))
        .await
        .unwrap();
    let (_, _second) = rotate(store, &first).await;
    assert!(matches!(
        rotate(store, &first).await.0,
        Rotation::Reused { .. }
    ));
    assert!(matches!(
        rotate(store, &other).await.0,
        Rotation::Rotated { .. }
    ));
}

async fn expired_tokens_do_not_rotate(store: &dyn AccountStore) {
    let (account, _) = create(store, "fay").await;
    let old = RefreshToken::generate();
    let mut expired = NewRefreshToken::first(old.hash());
    expired.expires_at = chrono::Utc::now() - chrono::Duration::seconds(5);
    store.start_session(account.id, &expired).await.unwrap();
    assert_eq!(rotate(store, &old).await.0, Rotation::Invalid);
}

async fn revoking_is_limited_to_the_owner(store: &dyn AccountStore) {
    let (gus, gus_token) = create(store, "gus").await;
    let (hal, _) = create(store, "hal").await;
    assert_eq!(
        store
            .revoke_family(hal.id, &gus_token.hash())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        rotate(store, &gus_token).await.0,
        Rotation::Rotated {
            user: gus.id,
            role: Role::User
        }
    );
    let (gus2, gus_token2) = create(store, "gus2").await;
    let revoked = store
        .revoke_family(gus2.id, &gus_token2.hash())
        .await
        .unwrap()
        .unwrap();
    assert!(!revoked.was_spent);
    // A revoked (not rotated) token is simply invalid: no family revocation event.
    assert_eq!(rotate(store, &gus_token2).await.0, Rotation::Invalid);
}

async fn revoking_with_a_spent_token_ends_the_whole_session(store: &dyn AccountStore) {
    let (ola, first) = create(store, "ola").await;
    let (_, second) = rotate(store, &first).await;
    let (_, third) = rotate(store, &second).await;
    // The spent first token (say, a stale copy on another device) ends the session: the live
    // third token goes with it, and the answer says a spent token was presented.
    let revoked = store
        .revoke_family(ola.id, &first.hash())
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.was_spent);
    assert_eq!(rotate(store, &third).await.0, Rotation::Invalid);
}

async fn rotating_never_extends_a_session_past_its_first_expiry(store: &dyn AccountStore) {
    let (pia, _) = create(store, "pia").await;
    let first = RefreshToken::generate();
    let mut short = NewRefreshToken::first(first.hash());
    short.expires_at = chrono::Utc::now() + chrono::Duration::seconds(2);
    store.start_session(pia.id, &short).await.unwrap();
    let (outcome, second) = rotate(store, &first).await;
    assert!(matches!(outcome, Rotation::Rotated { .. }));
    let (outcome, third) = rotate(store, &second).await;
    assert!(matches!(outcome, Rotation::Rotated { .. }));
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Each rotation asked for 30 more days; the family still ends with its first token.
    assert_eq!(rotate(store, &third).await.0, Rotation::Invalid);
}

async fn availability_is_checked_without_case_in_one_call(store: &dyn AccountStore) {
    create(store, "quin").await;
    let name = |text: &str| Username::parse(text).unwrap();
    let email = |text: &str| Email::parse(text).unwrap();
    assert!(store
        .is_taken(&name("QUIN"), &email("new@example.org"))
        .await
        .unwrap());
    assert!(store
        .is_taken(&name("other"), &email("Quin@Example.org"))
        .await
        .unwrap());
    assert!(!store
        .is_taken(&name("other"), &email("other@example.org"))
        .await
        .unwrap());
}

async fn a_password_change_revokes_every_refresh_token(store: &dyn AccountStore) {
    let (ida, first) = create(store, "ida").await;
    let second = RefreshToken::generate();
    store
        .start_session(ida.id, &NewRefreshToken::first(second.hash()))
        .await
        .unwrap();
    let new_hash = PasswordHash::from_stored("$argon2id$new".into());
    store.set_password(ida.id, &new_hash).await.unwrap();
    assert_eq!(
        store.find(ida.id).await.unwrap().unwrap().password_hash,
        new_hash
    );
    assert_eq!(rotate(store, &first).await.0, Rotation::Invalid);
    assert_eq!(rotate(store, &second).await.0, Rotation::Invalid);
    assert!(matches!(
        store.set_password(UserId(Uuid::now_v7()), &new_hash).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn deletion_marks_then_removes_and_leaves_a_tombstone(store: &dyn AccountStore) {
    let (jo, token) = create(store, "joe").await;
    store.mark_deleting(jo.id).await.unwrap();
    store.mark_deleting(jo.id).await.unwrap();
    assert_eq!(store.status(jo.id).await.unwrap(), AccountState::Deleting);
    assert_eq!(rotate(store, &token).await.0, Rotation::Invalid);
    let session = NewRefreshToken::first(RefreshToken::generate().hash());
    assert!(matches!(
        store.start_session(jo.id, &session).await,
        Err(StoreError::NotFound(_))
    ));
    // Still readable by the deletion itself (its password authorises a retry).
    assert_eq!(
        store.find(jo.id).await.unwrap().unwrap().status,
        AccountStatus::Deleting
    );

    store.delete(jo.id).await.unwrap();
    store.delete(jo.id).await.unwrap();
    assert!(store.find(jo.id).await.unwrap().is_none());
    assert!(store.find_by_login("joe").await.unwrap().is_none());
    assert_eq!(store.status(jo.id).await.unwrap(), AccountState::Deleted);
    // The name is free again.
    create(store, "joe").await;
}

async fn an_active_account_is_never_deleted_without_being_marked(store: &dyn AccountStore) {
    let (kim, _) = create(store, "kim").await;
    store.delete(kim.id).await.unwrap();
    assert_eq!(
        store.status(kim.id).await.unwrap(),
        AccountState::Active(Role::User)
    );
}

async fn roles_are_set_by_account_id_and_read_back_at_once(store: &dyn AccountStore) {
    let (lea, token) = create(store, "lea").await;
    store.set_role(lea.id, Role::Admin).await.unwrap();
    assert_eq!(store.find(lea.id).await.unwrap().unwrap().role, Role::Admin);
    assert_eq!(
        store.status(lea.id).await.unwrap(),
        AccountState::Active(Role::Admin)
    );
    let (outcome, _) = rotate(store, &token).await;
    assert_eq!(
        outcome,
        Rotation::Rotated {
            user: lea.id,
            role: Role::Admin
        }
    );
    store.set_role(lea.id, Role::User).await.unwrap();
    assert_eq!(
        store.status(lea.id).await.unwrap(),
        AccountState::Active(Role::User)
    );
    assert!(matches!(
        store.set_role(UserId(Uuid::now_v7()), Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
    store.mark_deleting(lea.id).await.unwrap();
    assert!(matches!(
        store.set_role(lea.id, Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
}

/// A password change racing a refresh of a stolen token, many times over: whichever comes
/// first, no token of the account may be usable afterwards.
async fn a_password_change_racing_a_rotation_leaves_no_usable_token(store: Arc<dyn AccountStore>) {
    for round in 0..60 {
        let (account, token) = create(store.as_ref(), &format!("racer_{round}")).await;
        let next = RefreshToken::generate();
        let rotating = {
            let store = Arc::clone(&store);
            let token = token.clone();
            let next = next.hash();
            tokio::spawn(async move {
                store
                    .rotate(&token.hash(), &NextRefreshToken::new(next))
                    .await
            })
        };
        let changing = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let hash = PasswordHash::from_stored("$argon2id$changed".into());
                store.set_password(account.id, &hash).await
            })
        };
        rotating.await.expect("task").expect("rotate");
        changing.await.expect("task").expect("set_password");
        let (after, _) = rotate(store.as_ref(), &next).await;
        assert_eq!(
            after,
            Rotation::Invalid,
            "round {round}: the rotated token survived"
        );
    }
}

async fn concurrent_registrations_of_one_name_store_exactly_one(store: Arc<dyn AccountStore>) {
    let attempts = (0..20).map(|i| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let account = new_account("race", &format!("race{i}@example.org"));
            let first = NewRefreshToken::first(RefreshToken::generate().hash());
            store.create(&account, &first).await.map(|_| ())
        })
    });
    let results: Vec<_> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|joined| joined.expect("task"))
        .collect();
    let created = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict(f)) if f == "username"))
        .count();
    assert_eq!((created, conflicts), (1, 19), "{results:?}");
}

async fn concurrent_rotations_of_one_token_spend_it_once(store: Arc<dyn AccountStore>) {
    let (_, token) = create(store.as_ref(), "racer").await;
    let attempts = (0..10).map(|_| {
        let store = Arc::clone(&store);
        let token = token.clone();
        tokio::spawn(async move {
            let next = RefreshToken::generate();
            store
                .rotate(&token.hash(), &NextRefreshToken::new(next.hash()))
                .await
        })
    });
    let results: Vec<_> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|joined| joined.expect("task"))
        .collect();
    let rotated = results
        .iter()
        .filter(|r| matches!(r, Ok(Rotation::Rotated { .. })))
        .count();
    assert_eq!(rotated, 1, "{results:?}");
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
}

/// Runs every contract check on a fresh store of one adapter.
async fn contract<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<TestApp>>,
{
    macro_rules! check {
        ($check:ident) => {{
            let Some(app) = fresh().await else { return };
            let store = app.state.accounts_slot().arc().expect("accounts store");
            $check(store.as_ref()).await;
        }};
    }
    check!(created_accounts_are_found_by_id_username_or_email_in_any_case);
    check!(usernames_and_emails_are_unique_without_case);
    check!(usernames_lists_only_existing_active_accounts_in_one_call);
    check!(a_refresh_token_is_spent_once_and_its_reuse_revokes_the_family);
    check!(another_session_survives_the_reuse_of_a_token_of_another_family);
    check!(expired_tokens_do_not_rotate);
    check!(revoking_is_limited_to_the_owner);
    check!(a_password_change_revokes_every_refresh_token);
    check!(deletion_marks_then_removes_and_leaves_a_tombstone);
    check!(an_active_account_is_never_deleted_without_being_marked);
    check!(roles_are_set_by_account_id_and_read_back_at_once);
    check!(revoking_with_a_spent_token_ends_the_whole_session);
    check!(rotating_never_extends_a_session_past_its_first_expiry);
    check!(availability_is_checked_without_case_in_one_call);
    for _ in 0..2 {
        let Some(app) = fresh().await else { return };
        let store = app.state.accounts_slot().arc().expect("accounts store");
        concurrent_registrations_of_one_name_store_exactly_one(Arc::clone(&store)).await;
        concurrent_rotations_of_one_token_spend_it_once(store).await;
    }
    let Some(app) = fresh().await else { return };
    let store = app.state.accounts_slot().arc().expect("accounts store");
    a_password_change_racing_a_rotation_leaves_no_usable_token(store).await;
}

async fn postgres_app() -> Option<TestApp> {
    let postgres = TestPostgres::create().await?;
    Some(TestApp::build(&[], Some(postgres), None, None, None).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_embedded_adapter_meets_the_contract() {
    contract(|| async { Some(TestApp::embedded().await) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_adapter_meets_the_contract() {
    contract(postgres_app).await;
}
