//! The values the profile store holds. Every text field is a newtype that can only be built from
//! valid input, so a handler that has one no longer needs to check it, and an adapter can store it
//! as it is.

use std::sync::LazyLock;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{GenreId, MovieId, UserId};

/// Which characters a free-text field accepts besides printable ones.
#[derive(Clone, Copy)]
enum Lines {
    Single,
    /// Newlines and tabs are kept (a bio has paragraphs).
    Multi,
}

/// Checks length (in characters, not bytes) and control characters. HTML is ordinary text here:
/// the API stores and returns it as a JSON string and never renders it. The length is that of
/// the text as sent, before trimming: the limit the OpenAPI document states (`maxLength`) is on
/// what the client sends, so a value the document calls too long is refused, not trimmed in.
fn check_text(text: &str, max_chars: usize, lines: Lines) -> Result<String, String> {
    let count = text.chars().count();
    if count > max_chars {
        return Err(format!(
            "must be at most {max_chars} characters (got {count})"
        ));
    }
    let text = text.trim();
    let allowed = |c: char| match lines {
        Lines::Single => !c.is_control(),
        Lines::Multi => !c.is_control() || c == '\n' || c == '\t',
    };
    if !text.chars().all(allowed) {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_string())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schema(value_type = String)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            /// Trims surrounding whitespace, then checks length and characters.
            pub fn parse(text: &str) -> Result<Self, String> {
                check_text(text, $max, $lines).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

bounded_text!(
    /// A display name: at most 50 characters on one line.
    DisplayName,
    50,
    Lines::Single
);
bounded_text!(
    /// A bio: at most 500 characters, newlines allowed.
    Bio,
    500,
    Lines::Multi
);
bounded_text!(
    /// A free-text location ("Lisbon, Portugal"): at most 100 characters on one line.
    Location,
    100,
    Lines::Single
);

/// An avatar image address: an `https` URL of a host name and a path, with an optional query,
/// ≤ 2048 characters, in the form the OpenAPI document states ([`AvatarUrl::FORM`]): characters
/// outside a URL's grammar (spaces, quotes, angle brackets) must come percent-encoded, as a
/// browser sends them. Kept in its normalised form (host lower-cased, `.` and `..` segments
/// resolved), so what is stored and shown is always one well-formed URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct AvatarUrl(String);

/// [`AvatarUrl::FORM`], anchored. `None` only if the constant were not a regular expression,
/// which the unit tests rule out.
static AVATAR_URL_FORM: LazyLock<Option<regex_lite::Regex>> =
    LazyLock::new(|| regex_lite::Regex::new(&format!("^(?:{})$", AvatarUrl::FORM)).ok());

impl AvatarUrl {
    pub const MAX_CHARS: usize = 2048;

    /// The addresses taken, once trimmed; the document's pattern is built from it, so a value
    /// one allows the other takes. No port, no credentials, no IP address (the last label of
    /// the host starts with a letter); `'` only in the path, where normalising keeps it as it
    /// is (in a query it would be percent-encoded, and the stored form could outgrow the limit).
    pub const FORM: &'static str = concat!(
        "https://",
        "(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\\.)*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*",
        "/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*",
        "(?:\\?(?:[A-Za-z0-9._~!$&()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?",
    );

    pub fn parse(text: &str) -> Result<Self, String> {
        // As sent, like the profile texts (`check_text`).
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let text = text.trim();
        let in_form = AVATAR_URL_FORM
            .as_ref()
            .is_some_and(|form| form.is_match(text));
        if !in_form {
            return Err(
                "must be an https URL of a host name and a path, with characters \
                        outside a URL percent-encoded"
                    .into(),
            );
        }
        // Normalising only lower-cases the host and drops dot segments: never longer.
        let url = url::Url::parse(text).map_err(|_| "must be an absolute URL".to_string())?;
        Ok(Self(String::from(url)))
    }

    /// An address read back from a store, kept as it is. Checked as an absolute `https` URL with
    /// a host, not against [`Self::FORM`]: an address stored before the form was enforced (a
    /// port, an IP address, an internationalised host) still reads.
    pub fn stored(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text).map_err(|_| "must be an absolute URL".to_string())?;
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
            return Err("must be an https URL with a host".into());
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AvatarUrl {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<AvatarUrl> for String {
    fn from(value: AvatarUrl) -> String {
        value.0
    }
}

/// Up to 10 distinct genre ids, in the order the user gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(value_type = Vec<i64>)]
pub struct FavoriteGenres(Vec<GenreId>);

impl FavoriteGenres {
    pub const MAX: usize = 10;

    /// Checks the count of ids sent (as the document's `maxItems` does), then drops repeats
    /// (keeping the first).
    pub fn new(ids: Vec<GenreId>) -> Result<Self, String> {
        if ids.len() > Self::MAX {
            return Err(format!("at most {} genres", Self::MAX));
        }
        let mut distinct: Vec<GenreId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !distinct.contains(&id) {
                distinct.push(id);
            }
        }
        Ok(Self(distinct))
    }

    pub fn ids(&self) -> &[GenreId] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for FavoriteGenres {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ids = Vec::<GenreId>::deserialize(deserializer)?;
        Self::new(ids).map_err(serde::de::Error::custom)
    }
}

/// A user's profile. Every field is optional: a user who never edited it has the empty profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub display_name: Option<DisplayName>,
    pub bio: Option<Bio>,
    pub avatar_url: Option<AvatarUrl>,
    pub location: Option<Location>,
    pub favorite_genres: FavoriteGenres,
    pub favorite_movie_id: Option<MovieId>,
    /// When the profile was last changed; `None` for a profile never written.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it, `Some(Some(v))` sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilePatch {
    pub display_name: Option<Option<DisplayName>>,
    pub bio: Option<Option<Bio>>,
    pub avatar_url: Option<Option<AvatarUrl>>,
    pub location: Option<Option<Location>>,
    /// An empty list clears the favorites.
    pub favorite_genres: Option<FavoriteGenres>,
    pub favorite_movie_id: Option<Option<MovieId>>,
}

impl ProfilePatch {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// "`follower` follows `followee`", for two different users: a self-follow can't be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowEdge {
    follower: UserId,
    followee: UserId,
}

impl FollowEdge {
    pub fn new(follower: UserId, followee: UserId) -> Option<Self> {
        (follower != followee).then_some(Self { follower, followee })
    }

    pub fn follower(&self) -> UserId {
        self.follower
    }

    pub fn followee(&self) -> UserId {
        self.followee
    }
}

/// How many users follow someone and how many they follow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowCounts {
    pub followers: u64,
    pub following: u64,
}

/// One user in a followers or following list, with when the follow started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowEntry {
    pub user_id: UserId,
    pub since: DateTime<Utc>,
}

/// One movie on a watchlist, with when it was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchlistEntry {
    pub movie_id: MovieId,
    pub added_at: DateTime<Utc>,
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// Both adapters keep times as Unix milliseconds (Firebase's convention), so a time read back
/// equals the time written only once it is cut to milliseconds.
pub fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    from_millis(at.timestamp_millis())
}

/// A stored millisecond time; out-of-range values (never written by us) become the epoch.
pub fn from_millis(millis: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// Newest first, then by id, so pages are stable when times tie.
pub fn sort_newest_first<T, K: Ord>(
    items: &mut [T],
    time: impl Fn(&T) -> i64,
    id: impl Fn(&T) -> K,
) {
    items.sort_by(|a, b| time(b).cmp(&time(a)).then_with(|| id(a).cmp(&id(b))));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(Bio::parse(&"é".repeat(500)).is_ok());
        assert!(Bio::parse(&"é".repeat(501)).is_err());
        assert!(DisplayName::parse(&"🎬".repeat(50)).is_ok());
        assert!(DisplayName::parse(&"a".repeat(51)).is_err());
    }

    #[test]
    fn lengths_are_of_the_text_as_sent_not_as_trimmed() {
        // The OpenAPI document's `maxLength` bounds what the client sends: surrounding
        // whitespace counts, even though it is not stored.
        let padded = format!("\u{2003}\u{2029}\t{}", "*".repeat(498));
        assert!(Bio::parse(&padded).is_err());
        assert_eq!(
            Bio::parse(&format!(" {} ", "*".repeat(498)))
                .unwrap()
                .as_str()
                .len(),
            498
        );
        let url = format!(" https://example.com/{}", "a".repeat(2048 - 20));
        assert!(AvatarUrl::parse(&url).is_err());
        assert!(AvatarUrl::parse(url.trim_start()).is_ok());
    }

    #[test]
    fn html_is_kept_as_text() {
        let bio = Bio::parse("<script>alert(1)</script>").unwrap();
        assert_eq!(bio.as_str(), "<script>alert(1)</script>");
    }

    #[test]
    fn control_characters_are_refused_except_newlines_in_a_bio() {
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse("a\nb").is_err());
        assert!(Bio::parse("line one\nline two").is_ok());
    }

    #[test]
    fn avatar_urls_must_be_https_with_a_host_name_and_a_path() {
        for good in [
            "https://img.example.com/a.png",
            "https://www.gravatar.com/avatar/0bc83cb5?s=200&d=identicon",
            "https://img.example.com/a%20b.png",
            "https://localhost/",
        ] {
            assert!(AvatarUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "http://img.example.com/a.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "//img.example.com/a.png",
            "https://user:pw@img.example.com/a.png",
            "https://img.example.com:8443/a.png",
            "https://127.0.0.1/a.png",
            "https://img.example.com",
            "https://img.example.com/a b.png",
            "https://img.example.com/a\"b\".png",
            "https://img.example.com/<a>.png",
            "https://img.example.com/a\u{2001}*",
            "https://img.example.com/a.png#top",
            "https://img.example.com/a.png?who='me'",
            "not a url",
        ] {
            assert!(AvatarUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(AvatarUrl::parse(&long).is_err());
    }

    #[test]
    fn an_avatar_url_stored_under_the_wider_rule_still_reads() {
        for stored in [
            "https://img.example.com:8443/a.png",
            "https://10.0.0.1/a.png",
            "https://xn--bcher-kva.example/a.png",
        ] {
            assert!(AvatarUrl::parse(stored).is_err(), "{stored}");
            assert_eq!(AvatarUrl::stored(stored).unwrap().as_str(), stored);
        }
        assert!(AvatarUrl::stored("http://img.example.com/a.png").is_err());
    }

    #[test]
    fn avatar_urls_are_kept_in_their_normalised_form() {
        let typed = AvatarUrl::parse(" https://IMG.Example.com/x/../a%20b'.png?s=2 ").unwrap();
        assert_eq!(typed.as_str(), "https://img.example.com/a%20b'.png?s=2");
    }

    #[test]
    fn favorite_genres_are_distinct_and_at_most_ten() {
        let ids = |n: i64| {
            (1..=n)
                .map(|i| GenreId::new(i).unwrap())
                .collect::<Vec<_>>()
        };
        assert!(FavoriteGenres::new(ids(10)).is_ok());
        assert!(FavoriteGenres::new(ids(11)).is_err());
        // Repeats are dropped, but count toward the ids sent (the document's `maxItems`).
        let mut repeated = ids(7);
        repeated.extend(ids(3));
        assert_eq!(FavoriteGenres::new(repeated).unwrap().ids().len(), 7);
        let mut too_many = ids(10);
        too_many.extend(ids(1));
        assert!(FavoriteGenres::new(too_many).is_err());
    }

    #[test]
    fn nobody_follows_themselves() {
        let me = UserId(uuid::Uuid::now_v7());
        assert!(FollowEdge::new(me, me).is_none());
    }
}
