//! The languages `/3/configuration/languages` lists and `spoken_languages` names: ISO 639-1 code,
//! English name, and the name in the language itself. The catalog keeps codes only; this table
//! covers the codes the catalog uses (TMDB's `cn` is its own code for Cantonese).

/// `(iso_639_1, english_name, name)`, by code.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("ar", "Arabic", "العربية"),
    ("be", "Belarusian", "беларуская мова"),
    ("cn", "Cantonese", "广州话 / 廣州話"),
    ("cs", "Czech", "Český"),
    ("da", "Danish", "Dansk"),
    ("de", "German", "Deutsch"),
    ("el", "Greek", "ελληνικά"),
    ("en", "English", "English"),
    ("es", "Spanish", "Español"),
    ("fa", "Persian", "فارسی"),
    ("fi", "Finnish", "suomi"),
    ("fr", "French", "Français"),
    ("he", "Hebrew", "עִבְרִית"),
    ("hi", "Hindi", "हिन्दी"),
    ("hu", "Hungarian", "Magyar"),
    ("it", "Italian", "Italiano"),
    ("ja", "Japanese", "日本語"),
    ("ko", "Korean", "한국어/조선말"),
    ("la", "Latin", "Latin"),
    ("nl", "Dutch", "Nederlands"),
    ("no", "Norwegian", "Norsk"),
    ("pl", "Polish", "Polski"),
    ("pt", "Portuguese", "Português"),
    ("ru", "Russian", "Pусский"),
    ("sv", "Swedish", "svenska"),
    ("sw", "Swahili", "Kiswahili"),
    ("te", "Telugu", "తెలుగు"),
    ("tr", "Turkish", "Türkçe"),
    ("ur", "Urdu", "اردو"),
    ("vi", "Vietnamese", "Tiếng Việt"),
    ("xh", "Xhosa", "isiXhosa"),
    ("zh", "Mandarin", "普通话"),
];

/// The English and native names of `code`; an unknown code names itself, so a language added
/// to the catalog later still reads as something rather than nothing.
pub fn language_name(code: &str) -> (String, String) {
    match LANGUAGES.binary_search_by(|(c, _, _)| (*c).cmp(code)) {
        Ok(index) => (
            LANGUAGES[index].1.to_string(),
            LANGUAGES[index].2.to_string(),
        ),
        Err(_) => (code.to_string(), code.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(language_name("fr").0, "French");
        assert_eq!(language_name("qq").0, "qq");
    }
}
