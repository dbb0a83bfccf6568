//! Account value types that validate on parse: what a person types at registration and in
//! "My account". A parse error is a stable code, which is also the stem of its translation key.

use crate::time::Date;
use std::fmt;

/// Something wrong with one field of a form, as a stable code (`email_invalid`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
}

impl FieldProblem {
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

/// An email address, trimmed and lower-cased, so one address is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, &'static str> {
        let email = text.trim().to_lowercase();
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("email_invalid");
        };
        let plausible = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && email
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>');
        if plausible {
            Ok(Email(email))
        } else {
            Err("email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, which a password must not contain.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(&self.0, |(local, _)| local)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's full name as they write it: 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(text: &str) -> Result<PersonName, &'static str> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            Err("name_required")
        } else if name.chars().count() > Self::MAX_CHARS {
            Err("name_too_long")
        } else if name.chars().any(char::is_control) {
            Err("name_invalid")
        } else {
            Ok(PersonName(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A date of birth: a real date, not in the future, and old enough for `minimum_age`.
pub fn parse_birth_date(text: &str, today: Date, minimum_age: u8) -> Result<Date, &'static str> {
    if text.trim().is_empty() {
        return Err("birth_date_required");
    }
    let date = Date::parse_iso(text).ok_or("birth_date_invalid")?;
    if date > today || date.year < today.year - 130 {
        return Err("birth_date_invalid");
    }
    if date.years_until(today) < i32::from(minimum_age) {
        return Err("too_young");
    }
    Ok(date)
}

/// An optional phone number for SMS codes, stored in international form (`+31612345678`).
/// Dutch numbers written as `06…` are accepted and converted ([`crate::sms::PhoneNumber`]).
pub fn parse_phone(text: &str) -> Result<Option<String>, &'static str> {
    match crate::sms::PhoneNumber::parse(text) {
        Ok(number) => Ok(Some(number.as_str().to_owned())),
        Err("phone_required") => Ok(None),
        Err(problem) => Err(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Anna@Example.NL ").unwrap().as_str(),
            "anna@example.nl"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.nl",
            "anna@example",
            "an na@example.nl",
            "a@b..nl",
        ] {
            assert_eq!(Email::parse(bad), Err("email_invalid"), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(
            PersonName::parse("  Anna   de Vries ").unwrap().as_str(),
            "Anna de Vries"
        );
        assert_eq!(PersonName::parse("   "), Err("name_required"));
        assert_eq!(PersonName::parse(&"x".repeat(101)), Err("name_too_long"));
    }

    #[test]
    fn birth_date_checks_age_against_the_minimum() {
        let today = Date::new(2026, 11, 24).unwrap();
        assert!(parse_birth_date("2010-11-24", today, 16).is_ok());
        assert_eq!(parse_birth_date("2010-11-25", today, 16), Err("too_young"));
        assert_eq!(
            parse_birth_date("2027-01-01", today, 16),
            Err("birth_date_invalid")
        );
        assert_eq!(
            parse_birth_date("2001-02-30", today, 16),
            Err("birth_date_invalid")
        );
        assert_eq!(parse_birth_date("", today, 16), Err("birth_date_required"));
    }

    #[test]
    fn phone_numbers_become_international() {
        assert_eq!(parse_phone("06 1234 5678"), Ok(Some("+31612345678".into())));
        assert_eq!(
            parse_phone("+44 20 7946 0958"),
            Ok(Some("+442079460958".into()))
        );
        assert_eq!(parse_phone(""), Ok(None));
        assert_eq!(parse_phone("call me"), Err("phone_invalid"));
    }
}
