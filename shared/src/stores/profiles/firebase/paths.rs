//! Database paths built only from typed ids.
//!
//! Firebase forbids `. $ # [ ] /` and control characters in keys. A [`DbPath`] can only be made of
//! fixed segments written in this file and of [`UserId`]s (UUIDs: hex digits and `-`) and
//! [`MovieId`]s (positive integers), so no user text can ever become a key or escape its node.
//! User text only ever travels as JSON *values*.

use std::fmt;

use crate::domain::{MovieId, UserId};

/// A fixed top-level node of the database layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Profiles,
    Following,
    Followers,
    Watchlists,
}

impl Node {
    fn as_str(self) -> &'static str {
        match self {
            Self::Profiles => "profiles",
            Self::Following => "following",
            Self::Followers => "followers",
            Self::Watchlists => "watchlists",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Node(Node),
    User(UserId),
    Movie(MovieId),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Node(node) => f.write_str(node.as_str()),
            // Hyphenated lower-case UUID: `[0-9a-f-]` only.
            Self::User(user) => write!(f, "{}", user.0.hyphenated()),
            Self::Movie(movie) => write!(f, "{}", movie.get()),
        }
    }
}

/// A path in the database, without leading or trailing `/`. The empty path is the root.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbPath(Vec<Segment>);

impl DbPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// `/profiles/{user}`
    pub fn profile(user: UserId) -> Self {
        Self(vec![Segment::Node(Node::Profiles), Segment::User(user)])
    }

    /// `/{node}/{user}`: a user's following, followers or watchlist node.
    pub fn user_node(node: Node, user: UserId) -> Self {
        Self(vec![Segment::Node(node), Segment::User(user)])
    }

    /// `/{node}/{user}/{other}`: one side of a follow.
    pub fn follow_side(node: Node, user: UserId, other: UserId) -> Self {
        Self(vec![
            Segment::Node(node),
            Segment::User(user),
            Segment::User(other),
        ])
    }

    /// `/watchlists/{user}/{movie}`
    pub fn watchlist_item(user: UserId, movie: MovieId) -> Self {
        Self(vec![
            Segment::Node(Node::Watchlists),
            Segment::User(user),
            Segment::Movie(movie),
        ])
    }

    /// The path as a key of a multi-path update at the root (`following/a/b`).
    pub fn as_key(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for DbPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{segment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORBIDDEN: [char; 6] = ['.', '$', '#', '[', ']', '/'];

    #[test]
    fn segments_never_hold_a_forbidden_character() {
        let user = UserId(uuid::Uuid::now_v7());
        let movie = MovieId::new(i64::MAX).unwrap();
        let path = DbPath::watchlist_item(user, movie);
        for segment in path.to_string().split('/') {
            assert!(!segment.is_empty());
            assert!(!segment.contains(FORBIDDEN), "{segment}");
            assert!(segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'));
        }
        assert_eq!(
            DbPath::follow_side(Node::Followers, user, user).to_string(),
            format!("followers/{user}/{user}")
        );
        assert_eq!(DbPath::root().to_string(), "");
    }
}
