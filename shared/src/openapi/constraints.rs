//! The constraints of parameters and body fields, from the limits the parsers enforce: a value
//! the document allows is one the API takes, and one it forbids is refused. The handlers'
//! annotations name parameters and fields; their bounds, lengths, patterns and enumerations are
//! set here, by name, from the parsers' constants.

use serde_json::{json, Value};

use crate::auth::credentials::{
    MAX_EMAIL_CHARS, MAX_LOCAL_PART_CHARS, MAX_LOGIN_CHARS, MAX_USERNAME_CHARS, MIN_USERNAME_CHARS,
};
use crate::auth::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::auth::refresh::TOKEN_BYTES;
use crate::catalog_query::{
    DiscoverSort, MinRating, Year, MAX_AWARD_FILTERS, MAX_FILTER_IDS, MAX_SEARCH_CHARS,
};
use crate::domain::{AwardYear, AWARD_BODIES, MAX_SLUG};
use crate::http::{MAX_PAGE, MAX_PAGE_SIZE};
use crate::stores::profiles::{AvatarUrl, Bio, DisplayName, FavoriteGenres, Location};
use crate::stores::reviews::{
    Rating, ReviewSort, MAX_BODY_CHARS, MAX_CURSOR_ID_DIGITS, MAX_RATING, MAX_TITLE_CHARS,
    MIN_RATING,
};

/// Rust's whitespace (`char::is_whitespace`, what `str::trim` takes off) as a regex class,
/// spelled out: `\s` differs between regex dialects (ECMA's has U+FEFF and not U+0085).
/// `whitespace_class!("^")` is its complement.
macro_rules! whitespace_class {
    ($negation:literal) => {
        concat!(
            "[",
            $negation,
            r" \t\n\x0b\x0c\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
        )
    };
}

/// The whitespace the parsers trim around a value.
const SPACE: &str = concat!(whitespace_class!(""), "*");

/// Text with something besides whitespace (which the parsers trim away).
const NOT_BLANK: &str = whitespace_class!("^");

/// The schema of a parameter of the operation on `path`, constrained as its parser reads it.
pub(super) fn constrain_parameters(path: &str, operation: &mut Value) {
    let Some(parameters) = operation["parameters"].as_array_mut() else {
        return;
    };
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or_default().to_string();
        let place = parameter["in"].as_str().unwrap_or_default().to_string();
        if let Some(schema) = parameter_schema(path, &place, &name) {
            parameter["schema"] = schema;
        }
        // Optional in the query structs (so their absence is a listed 422, not a bare parse
        // error), required by the parsers.
        if place == "query" && matches!(name.as_str(), "external_source" | "q") {
            parameter["required"] = json!(true);
        }
    }
}

fn parameter_schema(path: &str, place: &str, name: &str) -> Option<Value> {
    Some(match (place, name) {
        ("path", "id" | "movie_id") => positive_id(),
        ("path", "user_id") => json!({ "type": "string", "format": "uuid" }),
        ("path", "award_id") => json!({ "type": "string", "enum": award_ids() }),
        ("path", "year") => integer(AwardYear::FIRST.into(), AwardYear::LAST.into()),
        ("path", "external_id") => json!({
            "type": "string",
            "pattern": format!("^{SPACE}(?:(?:tt|nm)[0-9]{{7,10}}|Q[1-9][0-9]{{0,11}}){SPACE}$"),
        }),
        ("query", "page") => integer(1, MAX_PAGE.into()),
        ("query", "page_size") => integer(1, MAX_PAGE_SIZE.into()),
        ("query", "q") => json!({
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_SEARCH_CHARS,
            "pattern": NOT_BLANK,
        }),
        ("query", "year") => integer(Year::FIRST.into(), Year::LAST.into()),
        ("query", "window") => json!({ "type": "string", "enum": ["day", "week"] }),
        ("query", "sort") if path == "/movies" => {
            json!({ "type": "string", "enum": DiscoverSort::NAMES })
        }
        ("query", "sort") => json!({
            "type": "string",
            "enum": ReviewSort::NAMES.split(", ").collect::<Vec<_>>(),
        }),
        ("query", "cursor") => review_cursor(),
        ("query", "append") if path == "/people/{id}" => list_of_words(&["credits"]),
        ("query", "append") => {
            list_of_words(&["credits", "keywords", "rating", "awards", "similar"])
        }
        ("query", "genres" | "with_people") => json!({
            "type": "string",
            "pattern": id_set(ID, MAX_FILTER_IDS),
        }),
        ("query", "ids") => json!({
            "type": "string",
            "pattern": format!("^{}$", separated(ID, ",", 1, MAX_FILTER_IDS)),
        }),
        ("query", "awards_won" | "awards_nominated") => json!({
            "type": "string",
            "pattern": id_set(&award_key(), MAX_AWARD_FILTERS),
        }),
        ("query", "release_date_gte" | "release_date_lte") => {
            json!({ "type": "string", "format": "date" })
        }
        ("query", "min_rating") => json!({
            "type": "number",
            "minimum": 0,
            "maximum": MinRating::MAX,
        }),
        ("query", "min_votes") => integer(0, i64::MAX),
        ("query", "language") => json!({
            "type": "string",
            "pattern": format!("^{SPACE}[a-z]{{2}}{SPACE}$"),
        }),
        ("query", "external_source") => {
            json!({ "type": "string", "enum": ["imdb_id", "wikidata_id"] })
        }
        _ => return None,
    })
}

/// A `next_cursor` (`ReviewCursor`): the order, the rating for the orders by rating, the id.
fn review_cursor() -> Value {
    let id = format!("[1-9][0-9]{{0,{}}}", MAX_CURSOR_ID_DIGITS - 1);
    let ratings: Vec<String> = Rating::all().map(|r| r.get().to_string()).collect();
    let rating = ratings.join("|");
    json!({
        "type": "string",
        "pattern": format!(
            r"^(?:(?:newest|oldest)\.{id}|rating\.(?:desc|asc)\.(?:{rating})\.{id})$"
        ),
    })
}

/// A positive TMDB id, as the id newtypes parse it.
const ID: &str = "[1-9][0-9]{0,17}";

fn positive_id() -> Value {
    integer(1, i64::MAX)
}

fn integer(minimum: i64, maximum: i64) -> Value {
    json!({ "type": "integer", "format": "int64", "minimum": minimum, "maximum": maximum })
}

fn award_ids() -> Vec<&'static str> {
    AWARD_BODIES.iter().map(|(id, _, _)| *id).collect()
}

/// `academy-awards` or `academy-awards:best-picture`.
fn award_key() -> String {
    let slug = format!("(?=[a-z0-9-]{{1,{MAX_SLUG}}}(?![a-z0-9-]))[a-z0-9]+(?:-[a-z0-9]+)*");
    format!("(?:{})(?::{slug})?", award_ids().join("|"))
}

/// `item` once, then up to `max - 1` more after `separator`, each with optional spaces around.
fn separated(item: &str, separator: &str, min: usize, max: usize) -> String {
    let one = format!("{SPACE}{item}{SPACE}");
    format!(
        "{one}(?:{separator}{one}){{{},{}}}",
        min.saturating_sub(1),
        max.saturating_sub(1)
    )
}

/// Items all of which must match (`a,b`) or any of which may (`a|b`).
fn id_set(item: &str, max: usize) -> String {
    format!(
        "^(?:{}|{})$",
        separated(item, ",", 1, max),
        separated(item, r"\|", 2, max)
    )
}

/// A comma-separated list of `words`, blanks allowed.
fn list_of_words(words: &[&str]) -> Value {
    let word = format!("(?:{})?", words.join("|"));
    json!({
        "type": "string",
        "pattern": format!("^{SPACE}{word}{SPACE}(?:,{SPACE}{word}{SPACE})*$"),
    })
}

/// The fields of the request bodies: their lengths, forms and which are required.
pub(super) fn constrain_components(schemas: &mut Value) {
    let username = json!({
        "type": "string",
        "pattern": format!("^[A-Za-z0-9_]{{{MIN_USERNAME_CHARS},{MAX_USERNAME_CHARS}}}$"),
    });
    let password = json!({
        "type": "string",
        "minLength": MIN_PASSWORD_CHARS,
        "maxLength": MAX_PASSWORD_CHARS,
    });
    let login = json!({ "type": "string", "maxLength": MAX_LOGIN_CHARS, "pattern": NOT_BLANK });
    let email = json!({
        "type": "string",
        "maxLength": MAX_EMAIL_CHARS,
        "pattern": email_pattern(),
    });
    let rating = json!({
        "type": "integer",
        "minimum": MIN_RATING,
        "maximum": MAX_RATING,
    });
    let title = json!({ "minLength": 1, "maxLength": MAX_TITLE_CHARS, "pattern": NOT_BLANK });
    let body = json!({
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_BODY_CHARS,
        "pattern": NOT_BLANK,
    });
    for (schema, field, constraint) in [
        ("RegisterRequest", "username", username),
        ("RegisterRequest", "email", email),
        ("RegisterRequest", "password", password.clone()),
        ("PasswordChangeRequest", "new_password", password),
        ("LoginRequest", "login", login),
        (
            "LoginRequest",
            "password",
            json!({ "type": "string", "minLength": 1 }),
        ),
        ("RefreshRequest", "refresh_token", refresh_token()),
        (
            "CreateReviewRequest",
            "",
            json!({ "required": ["rating", "body"] }),
        ),
        ("CreateReviewRequest", "rating", rating.clone()),
        ("CreateReviewRequest", "title", title.clone()),
        ("CreateReviewRequest", "body", body.clone()),
        // An edit sends at least one field; only the title can be removed with null.
        ("UpdateReviewRequest", "", json!({ "minProperties": 1 })),
        ("UpdateReviewRequest", "rating", rating),
        ("UpdateReviewRequest", "title", title),
        ("UpdateReviewRequest", "body", body),
        (
            "UpdateReviewRequest",
            "contains_spoilers",
            json!({ "type": "boolean" }),
        ),
        (
            "ProfileUpdate",
            "display_name",
            one_line(DisplayName::MAX_CHARS),
        ),
        ("ProfileUpdate", "bio", lines(Bio::MAX_CHARS)),
        ("ProfileUpdate", "location", one_line(Location::MAX_CHARS)),
        ("ProfileUpdate", "avatar_url", avatar_url()),
        (
            "ProfileUpdate",
            "favorite_genres",
            json!({ "items": positive_id(), "maxItems": FavoriteGenres::MAX }),
        ),
        ("ProfileUpdate", "favorite_movie_id", positive_id_bounds()),
        ("MovieId", "", positive_id()),
        ("PersonId", "", positive_id()),
        ("GenreId", "", positive_id()),
    ] {
        let target = if field.is_empty() {
            &mut schemas[schema]
        } else {
            &mut schemas[schema]["properties"][field]
        };
        if let (Some(target), Some(constraint)) = (target.as_object_mut(), constraint.as_object()) {
            for (key, value) in constraint {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn positive_id_bounds() -> Value {
    json!({ "minimum": 1, "maximum": i64::MAX })
}

/// A profile text on one line (`check_text`): no control characters once trimmed; blank
/// clears the field.
fn one_line(max: usize) -> Value {
    json!({
        "maxLength": max,
        "pattern": format!(r"^{SPACE}[^\x00-\x1f\x7f-\x9f]*{SPACE}$"),
    })
}

/// A profile text of several lines: newlines and tabs allowed, other control characters not.
fn lines(max: usize) -> Value {
    json!({
        "maxLength": max,
        "pattern": format!(r"^{SPACE}[^\x00-\x08\x0b-\x1f\x7f-\x9f]*{SPACE}$"),
    })
}

/// An avatar address in the form `AvatarUrl::parse` takes (`AvatarUrl::FORM`, the same
/// expression), or blank to clear it.
fn avatar_url() -> Value {
    json!({
        "maxLength": AvatarUrl::MAX_CHARS,
        "pattern": format!("^{SPACE}(?:{})?{SPACE}$", AvatarUrl::FORM),
    })
}

/// A refresh token as `RefreshToken::parse` takes it: `TOKEN_BYTES` bytes in unpadded
/// base64url. 32 bytes are 43 characters, the last of which carries 2 bits of padding.
fn refresh_token() -> Value {
    let chars = (TOKEN_BYTES * 4).div_ceil(3);
    json!({
        "type": "string",
        "pattern": format!("^{SPACE}[A-Za-z0-9_-]{{{}}}[AEIMQUYcgkosw048]{SPACE}$", chars - 1),
    })
}

/// An address as `Email::parse` takes it: a local part of 1–64 characters and a dotted domain
/// of labels not starting or ending with `-`, no whitespace or control characters, spaces
/// around trimmed.
fn email_pattern() -> String {
    let visible = r"[^\s@\x00-\x1f\x7f-\x9f]";
    let label_char = r"[^\s@.\x00-\x1f\x7f-\x9f]";
    let label_edge = r"[^\s@.\-\x00-\x1f\x7f-\x9f]";
    let label = format!("{label_edge}(?:{label_char}*{label_edge})?");
    format!("^{SPACE}{visible}{{1,{MAX_LOCAL_PART_CHARS}}}@{label}(?:\\.{label})+{SPACE}$")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_query::{AwardKey, IdSet};
    use crate::domain::GenreId;

    #[test]
    fn enumerations_are_what_the_parsers_take() {
        for name in DiscoverSort::NAMES {
            assert!(DiscoverSort::parse(name).is_ok(), "{name}");
        }
        for name in ReviewSort::NAMES.split(", ") {
            assert!(ReviewSort::parse(name).is_some(), "{name}");
        }
        for id in award_ids() {
            assert!(crate::domain::AwardId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn refresh_tokens_are_what_the_pattern_describes() {
        // Two bytes after the last whole group of three: the last character holds 2 zero bits.
        assert_eq!(TOKEN_BYTES % 3, 2);
        let token = crate::auth::refresh::RefreshToken::generate();
        assert_eq!(token.expose().len(), (TOKEN_BYTES * 4).div_ceil(3));
        let last = token.expose().chars().last().unwrap();
        assert!("AEIMQUYcgkosw048".contains(last), "{last}");
    }

    #[test]
    fn bounds_are_the_parsers_bounds() {
        assert!(Year::parse(&Year::FIRST.to_string()).is_ok());
        assert!(Year::parse(&(Year::LAST + 1).to_string()).is_err());
        assert!(IdSet::<GenreId>::parse(&vec!["1"; MAX_FILTER_IDS].join(",")).is_ok());
        assert!(AwardKey::parse("academy-awards:best-picture").is_ok());
    }
}
