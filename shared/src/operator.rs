//! The operator's account commands (`cargo run -p movieverse-shared --bin admin -- …`): the only
//! way an account becomes an admin. Nothing reachable over HTTP can grant the role, and an
//! account is named by its immutable id, never by a username or an email that someone else
//! could register first or take over after a deletion.

use std::fmt;

use crate::auth::Role;
use crate::domain::UserId;
use crate::state::AppState;
use crate::stores::StoreError;

pub const USAGE: &str = "usage: admin promote <account-id> | admin demote <account-id>";

/// One parsed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    pub role: Role,
    pub account: UserId,
}

impl Command {
    /// `promote <uuid>` or `demote <uuid>`.
    pub fn parse(args: &[String]) -> Result<Self, CommandError> {
        let [verb, id] = args else {
            return Err(CommandError::Usage);
        };
        let role = match verb.as_str() {
            "promote" => Role::Admin,
            "demote" => Role::User,
            _ => return Err(CommandError::Usage),
        };
        let account = id
            .trim()
            .parse()
            .map(UserId)
            .map_err(|_| CommandError::NotAnId(id.clone()))?;
        Ok(Self { role, account })
    }

    /// Applies the command to the accounts store of `state`.
    pub async fn run(self, state: &AppState) -> Result<(), CommandError> {
        state
            .accounts()
            .map_err(CommandError::Store)?
            .set_role(self.account, self.role)
            .await
            .map_err(|error| match error {
                StoreError::NotFound(_) => CommandError::NoSuchAccount(self.account),
                other => CommandError::Store(other),
            })?;
        tracing::info!(
            security_event = "role_changed",
            user_id = %self.account,
            role = self.role.as_str(),
            "account role set by the operator"
        );
        Ok(())
    }
}

#[derive(Debug)]
pub enum CommandError {
    Usage,
    NotAnId(String),
    NoSuchAccount(UserId),
    Store(StoreError),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage => f.write_str(USAGE),
            Self::NotAnId(text) => write!(
                f,
                "{text:?} is not an account id (a UUID, as GET /auth/me answers it)"
            ),
            Self::NoSuchAccount(id) => write!(f, "no active account has the id {id}"),
            Self::Store(error) => write!(f, "the accounts store failed: {error}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn commands_name_an_account_by_its_id_only() {
        let id = uuid::Uuid::now_v7();
        let promote = Command::parse(&args(&["promote", &id.to_string()])).unwrap();
        assert_eq!((promote.role, promote.account), (Role::Admin, UserId(id)));
        let demote = Command::parse(&args(&["demote", &id.to_string()])).unwrap();
        assert_eq!(demote.role, Role::User);
        for bad in [
            args(&["promote", "alice"]),
            args(&["promote", "alice@example.org"]),
            args(&["promote"]),
            args(&["grant", &id.to_string()]),
            args(&["promote", &id.to_string(), "extra"]),
        ] {
            assert!(Command::parse(&bad).is_err(), "{bad:?}");
        }
    }
}
