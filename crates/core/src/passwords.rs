//! The password policy of OWASP ASVS 5.0 (6.2.1–6.2.9): at least 8 characters (15 recommended),
//! up to 128 allowed, no composition rules, and refused when it is easily guessed — a common
//! password, a keyboard walk, a date — or built from the person's own email or name. Guessability
//! is zxcvbn's estimate, which carries the lists of common passwords and words.

use zxcvbn::Score;

pub const MIN_CHARS: usize = 8;
pub const RECOMMENDED_CHARS: usize = 15;
pub const MAX_CHARS: usize = 128;

/// Checks a new password; the error is a stable code.
pub fn check(password: &str, email: &str, name: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_CHARS {
        return Err("password_too_short");
    }
    if length > MAX_CHARS {
        return Err("password_too_long");
    }
    let lowered = password.to_lowercase();
    let local_part = email.rsplit_once('@').map_or(email, |(local, _)| local);
    let personal = std::iter::once(local_part)
        .chain(name.split_whitespace())
        .map(str::to_lowercase)
        .filter(|part| part.chars().count() >= 3);
    for part in personal {
        if lowered.contains(&part) {
            return Err("password_personal");
        }
    }
    let inputs: Vec<&str> = std::iter::once(email)
        .chain(name.split_whitespace())
        .collect();
    if zxcvbn::zxcvbn(password, &inputs).score() < Score::Three {
        return Err("password_guessable");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "anna.devries@example.nl";
    const NAME: &str = "Anna de Vries";

    #[test]
    fn length_is_at_least_8_and_64_is_allowed() {
        assert_eq!(check("a1!Zq", EMAIL, NAME), Err("password_too_short"));
        let long = "lantern orbit meadow ".repeat(3) + "quietly";
        assert!(long.chars().count() >= 64);
        assert_eq!(check(&long, EMAIL, NAME), Ok(()));
        assert_eq!(
            check(&"x".repeat(129), EMAIL, NAME),
            Err("password_too_long")
        );
    }

    #[test]
    fn common_and_guessable_passwords_are_refused() {
        for weak in [
            "password",
            "password123",
            "qwertyuiop",
            "12345678",
            "iloveyou1",
        ] {
            assert_eq!(
                check(weak, EMAIL, NAME),
                Err("password_guessable"),
                "{weak}"
            );
        }
    }

    #[test]
    fn no_composition_rules_a_long_lowercase_phrase_is_fine() {
        assert_eq!(check("violet tram under the dunes", EMAIL, NAME), Ok(()));
    }

    #[test]
    fn the_users_own_email_or_name_is_refused() {
        assert_eq!(
            check("anna.devries-2026!x", EMAIL, NAME),
            Err("password_personal")
        );
        assert_eq!(
            check("VRIES violet tram", EMAIL, NAME),
            Err("password_personal")
        );
    }
}
