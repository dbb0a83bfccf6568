//! Translations: one Fluent file per language, embedded in the binary, and the choice of
//! language for a request.

use carespace_core::language::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use http::HeaderMap;
use http::header::{ACCEPT_LANGUAGE, COOKIE};

/// The cookie set by the language switch.
pub const LANGUAGE_COOKIE: &str = "lang";

const SOURCES: [(Language, &str); 2] = [
    (Language::Nl, include_str!("../locales/nl.ftl")),
    (Language::En, include_str!("../locales/en.ftl")),
];

pub struct Translations {
    nl: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl Translations {
    /// Parses the embedded message files. Fails only when a file is broken, which the tests
    /// catch long before a release.
    pub fn load() -> Result<Self, String> {
        let [nl, en] = SOURCES.map(|(language, source)| bundle(language, source));
        Ok(Self { nl: nl?, en: en? })
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::Nl => &self.nl,
            Language::En => &self.en,
        }
    }

    /// The message `key` in `language`. A missing key shows as the key itself (and is logged),
    /// never as an error page; a test makes sure no used key is missing.
    pub fn message(&self, language: Language, key: &str) -> String {
        self.format(language, key, None)
    }

    pub fn message_with(&self, language: Language, key: &str, args: &[(&str, &str)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            // Numbers go in as numbers, so plural variants (`[one]`, `*[other]`) are chosen.
            fluent_args.set(*name, FluentValue::try_number(value));
        }
        self.format(language, key, Some(&fluent_args))
    }

    /// Like [`Self::message_with`], with every value kept as text (a code's leading zeros).
    pub fn message_with_text(
        &self,
        language: Language,
        key: &str,
        args: &[(&str, &str)],
    ) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        self.format(language, key, Some(&fluent_args))
    }

    fn format(&self, language: Language, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle(language);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(%language, key, "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(%language, key, ?errors, "translation could not be formatted");
        }
        text.into_owned()
    }

    /// Every message id of a language, for the completeness tests.
    pub fn keys(language: Language) -> Vec<String> {
        let source = SOURCES
            .iter()
            .find(|(l, _)| *l == language)
            .map_or("", |(_, s)| s);
        source
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_owned()))
            .collect()
    }
}

fn bundle(language: Language, source: &str) -> Result<FluentBundle<FluentResource>, String> {
    let resource = FluentResource::try_new(source.to_owned())
        .map_err(|(_, errors)| format!("{language}.ftl does not parse: {errors:?}"))?;
    let langid = language
        .code()
        .parse()
        .map_err(|e| format!("language id {language}: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Direction marks around placeables would end up inside HTML attributes and e-mails;
    // both languages are left-to-right.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("{language}.ftl has duplicate messages: {errors:?}"))?;
    Ok(bundle)
}

/// The language for a request: the language switch's cookie, else the browser's
/// `Accept-Language`, else the installation's default. For someone logged in, their account's
/// language comes before all of these (see `Page::from_parts`).
pub fn negotiate(headers: &HeaderMap, default: Language) -> Language {
    cookie_value(headers, LANGUAGE_COOKIE)
        .and_then(|value| value.parse().ok())
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or(default)
}

/// The value of the cookie `name` sent with a request.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_message_exists_in_both_languages() {
        let nl: BTreeSet<_> = Translations::keys(Language::Nl).into_iter().collect();
        let en: BTreeSet<_> = Translations::keys(Language::En).into_iter().collect();
        assert!(!nl.is_empty());
        assert_eq!(
            nl.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys missing in one language"
        );
    }

    #[test]
    fn language_comes_from_cookie_then_accept_language_then_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(negotiate(&headers, Language::Nl), Language::Nl);
        headers.insert(ACCEPT_LANGUAGE, "en-GB,en;q=0.8".parse().unwrap());
        assert_eq!(negotiate(&headers, Language::Nl), Language::En);
        headers.insert(COOKIE, "other=1; lang=nl".parse().unwrap());
        assert_eq!(negotiate(&headers, Language::En), Language::Nl);
        headers.insert(COOKIE, "lang=xx".parse().unwrap());
        assert_eq!(negotiate(&headers, Language::Nl), Language::En);
    }

    #[test]
    fn counts_choose_the_plural_form() {
        let translations = Translations::load().unwrap();
        let one = translations.message_with(Language::Nl, "sessions-ended", &[("count", "1")]);
        let two = translations.message_with(Language::En, "sessions-ended", &[("count", "2")]);
        assert_eq!(one, "Er is één sessie beëindigd.");
        assert_eq!(two, "2 sessions have been ended.");
    }

    #[test]
    fn formats_arguments() {
        let translations = Translations::load().unwrap();
        let text = translations.message_with(Language::En, "error-reference", &[("id", "abc")]);
        assert!(text.contains("abc"), "{text}");
    }
}
