//! The languages Carespace speaks. Every user-facing text exists in each of them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nl,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    /// The BCP 47 code, as used in `lang` attributes, cookies and the database.
    pub const fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// The language's own name for itself, shown in the language switch.
    pub const fn native_name(self) -> &'static str {
        match self {
            Language::Nl => "Nederlands",
            Language::En => "English",
        }
    }

    /// Picks the best supported language from an HTTP `Accept-Language` header value:
    /// the highest quality first, ties in the order given; region subtags are ignored.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Ok(language) = primary.parse::<Language>() else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map(|(_, language)| language)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unsupported language {0:?}; use \"nl\" or \"en\"")]
pub struct UnsupportedLanguage(pub String);

impl FromStr for Language {
    type Err = UnsupportedLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Ok(Language::Nl),
            "en" => Ok(Language::En),
            other => Err(UnsupportedLanguage(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_takes_the_highest_quality_supported_language() {
        assert_eq!(
            Language::from_accept_language("de-DE, en;q=0.5, nl-BE;q=0.8"),
            Some(Language::Nl)
        );
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("fr, de"), None);
        assert_eq!(
            Language::from_accept_language("nl;q=0, en;q=0.1"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language(""), None);
    }

    #[test]
    fn parses_codes_case_insensitively_and_rejects_others() {
        assert_eq!("NL".parse::<Language>(), Ok(Language::Nl));
        assert_eq!(" en ".parse::<Language>(), Ok(Language::En));
        assert!("de".parse::<Language>().is_err());
    }
}
