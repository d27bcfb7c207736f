//! The words titles, overviews and names are made of: a few very common English title words (as
//! in TMDB, where "the", "love" and "man" each match tens of thousands of titles) and a long
//! tail of made-up words drawn with a Zipf-like skew. Only lower-case ASCII letters, so the
//! generated text never needs escaping.

use crate::rng::Rng;

/// Common title words and how often (per mille) a title carries each.
pub const COMMON_TITLE_WORDS: [(&str, u64); 10] = [
    ("the", 250),
    ("love", 30),
    ("man", 25),
    ("night", 20),
    ("last", 15),
    ("story", 15),
    ("life", 12),
    ("dead", 10),
    ("world", 10),
    ("girl", 10),
];

/// A word planted in exactly [`RARE_TITLE_COUNT`] titles, for search with a rare word.
pub const RARE_TITLE_WORD: &str = "zyzzyva";
pub const RARE_TITLE_COUNT: u64 = 3;
/// A surname planted in exactly two people's names.
pub const RARE_NAME: &str = "quillifer";

/// Distinct made-up words.
pub const VOCABULARY: u64 = 50_000;

const SYLLABLES: [&str; 40] = [
    "ka", "ro", "mi", "tel", "an", "vos", "li", "dur", "se", "pha", "no", "gri", "ul", "ben",
    "tra", "os", "chi", "mer", "la", "vin", "do", "sta", "ri", "qua", "el", "fen", "go", "ish",
    "po", "zan", "ne", "bru", "ta", "kor", "ve", "lum", "sa", "dri", "mo", "yel",
];

/// Made-up word number `index` (distinct for every index below 40³).
pub fn word(index: u64) -> String {
    let syllable = |i: u64| SYLLABLES[usize::try_from(i % 40).unwrap_or(0)];
    let mut text = String::with_capacity(12);
    text.push_str(syllable(index));
    text.push_str(syllable(index / 40));
    if index >= 40 * 40 {
        text.push_str(syllable(index / 1600));
    }
    text
}

/// A word of running text: common words first, then the tail, skewed.
pub fn tail_word(rng: &mut Rng) -> String {
    word(rng.skewed(VOCABULARY, 3.0))
}

/// First names, the first ones far more common (about 16% of people are named the first).
pub const FIRST_NAMES: [&str; 40] = [
    "john", "mary", "david", "anna", "michael", "maria", "james", "sarah", "robert", "laura",
    "peter", "emma", "paul", "julia", "mark", "lisa", "thomas", "kate", "daniel", "sofia", "jean",
    "marie", "hans", "yuki", "hiroshi", "ana", "carlos", "lucia", "ivan", "olga", "ali", "fatima",
    "chen", "mei", "raj", "priya", "kim", "min", "omar", "leila",
];

pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_lower_case_ascii() {
        let words: std::collections::HashSet<String> = (0..VOCABULARY).map(word).collect();
        assert_eq!(words.len() as u64, VOCABULARY);
        assert!(words
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_lowercase())));
        assert!(!words.contains(RARE_TITLE_WORD) && !words.contains(RARE_NAME));
    }
}
