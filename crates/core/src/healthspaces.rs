//! Healthspaces: the alias that is their address, and their state.

/// Words an alias can never be, because the site uses them or they would mislead.
pub const RESERVED: [&str; 24] = [
    "admin",
    "api",
    "static",
    "login",
    "logout",
    "register",
    "account",
    "accounts",
    "organisation",
    "organisations",
    "healthspace",
    "healthspaces",
    "dev",
    "metrics",
    "healthz",
    "help",
    "support",
    "carespace",
    "www",
    "mail",
    "email",
    "password",
    "verify",
    "settings",
];

/// A Healthspace's alias, its part of the URL (`/h/<alias>`): 3 to 40 lowercase letters,
/// digits and single hyphens, starting and ending with a letter or digit, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alias(String);

impl Alias {
    pub fn parse(text: &str) -> Result<Alias, &'static str> {
        let alias = text.trim();
        if alias.len() < 3 || alias.len() > 40 {
            return Err("alias_length");
        }
        let allowed = alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !allowed || alias.starts_with('-') || alias.ends_with('-') || alias.contains("--") {
            return Err("alias_characters");
        }
        if RESERVED.contains(&alias) {
            return Err("alias_reserved");
        }
        Ok(Alias(alias.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new Healthspace is inactive until an owner activates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthspaceState {
    Inactive,
    Active,
}

impl HealthspaceState {
    pub const fn code(self) -> &'static str {
        match self {
            HealthspaceState::Inactive => "inactive",
            HealthspaceState::Active => "active",
        }
    }

    pub fn parse(code: &str) -> Option<HealthspaceState> {
        match code {
            "inactive" => Some(HealthspaceState::Inactive),
            "active" => Some(HealthspaceState::Active),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_follow_the_rules() {
        for good in ["abc", "de-linde", "praktijk-2", "a1b", &"x".repeat(40)] {
            assert!(Alias::parse(good).is_ok(), "{good}");
        }
        assert_eq!(Alias::parse("ab"), Err("alias_length"));
        assert_eq!(Alias::parse(&"x".repeat(41)), Err("alias_length"));
        for bad in [
            "De-Linde",
            "de_linde",
            "de linde",
            "-linde",
            "linde-",
            "de--linde",
            "café",
        ] {
            assert_eq!(Alias::parse(bad), Err("alias_characters"), "{bad}");
        }
        for reserved in ["api", "admin", "static"] {
            assert_eq!(Alias::parse(reserved), Err("alias_reserved"));
        }
    }

    #[test]
    fn any_ascii_input_is_either_a_valid_alias_or_refused_with_a_code() {
        // A cheap exhaustive check over short strings of the interesting characters.
        let chars = ['a', 'z', '0', '-', 'A', '_', ' '];
        for a in chars {
            for b in chars {
                for c in chars {
                    let text: String = [a, b, c].iter().collect();
                    if let Ok(alias) = Alias::parse(&text) {
                        assert_eq!(alias.as_str(), text);
                        assert!(!text.starts_with('-') && !text.ends_with('-'));
                        assert!(
                            text.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        );
                    }
                }
            }
        }
    }
}

/// What admins and owners set on the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthspaceSettings {
    /// Sanitised HTML.
    pub welcome_html: String,
    pub opening_hours: String,
    pub logo_id: Option<String>,
    /// `#rrggbb`, or empty for the product's colours.
    pub brand_primary: String,
    pub brand_primary_text: String,
    pub staff_connect_self: bool,
    /// Clients need a second factor too before they reach anything beyond their own account.
    pub clients_two_step: bool,
}

/// A Healthspace someone can enter, for the navigation's switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthspaceLink {
    pub name: String,
    pub alias: String,
}
