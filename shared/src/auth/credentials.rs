//! Usernames and email addresses, parsed once at the edge so a value that exists is valid.

use std::fmt;

pub const MIN_USERNAME_CHARS: usize = 3;
pub const MAX_USERNAME_CHARS: usize = 30;
/// RFC 5321 limits a forward path to 254 characters and a local part to 64.
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_LOCAL_PART_CHARS: usize = 64;
/// The longest login (a username or an email) looked up.
pub const MAX_LOGIN_CHARS: usize = MAX_EMAIL_CHARS;

/// A username: 3–30 of `a-z 0-9 _`. Usernames are case-insensitive, so the canonical form is
/// lower case (`Alice` and `alice` are one username); the stores also compare without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, String> {
        let lower = text.to_ascii_lowercase();
        let len = lower.chars().count();
        if !(MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&len) {
            return Err(format!(
                "must be {MIN_USERNAME_CHARS}–{MAX_USERNAME_CHARS} characters"
            ));
        }
        if !lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err("may only contain letters a-z, digits and _".into());
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address: one `@`, a local part of 1–64 characters, a dotted domain, no spaces or
/// control characters, at most 254 characters. Deliverability is not checked here. Addresses
/// compare without case in the stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, String> {
        const INVALID: &str = "must be an email address like name@example.com";
        // The length as sent, which is what the OpenAPI document's `maxLength` bounds.
        if text.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
        }
        let text = text.trim();
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(INVALID.into());
        }
        let Some((local, domain)) = text.split_once('@') else {
            return Err(INVALID.into());
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.chars().count() > MAX_LOCAL_PART_CHARS || !domain_ok {
            return Err(INVALID.into());
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_case_word_characters() {
        assert_eq!(Username::parse("Alice_99").unwrap().as_str(), "alice_99");
        for bad in [
            "ab",
            &"a".repeat(31),
            "al ice",
            "alice!",
            "ālice",
            "a-b-c",
            "' OR 1=1 --",
            "",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
        assert!(Username::parse(&"a".repeat(30)).is_ok());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(
            Email::parse(" Ann@Example.org ").unwrap().as_str(),
            "Ann@Example.org"
        );
        for bad in [
            "ann",
            "ann@",
            "@example.org",
            "ann@example",
            "ann@@example.org",
            "a b@example.org",
            "ann@example..org",
            "ann@-example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
        // 254 characters once trimmed, 255 as sent: the limit is on what was sent.
        let longest = format!("ann@{}.org", "e".repeat(MAX_EMAIL_CHARS - 8));
        assert!(Email::parse(&longest).is_ok());
        assert!(Email::parse(&format!(" {longest}")).is_err());
    }
}
