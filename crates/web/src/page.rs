//! What every HTML page needs besides its own content: the language, the CSRF token for its
//! forms (the footer's language switch included), asset URLs and translated text.

use crate::assets::Assets;
use crate::auth::Auth;
use crate::csrf::CsrfToken;
use crate::errors::WebError;
use crate::i18n;
use crate::state::WebState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::response::Html;
use carespace_app::healthspaces::Healthspace;
use carespace_app::sessions::HealthspaceLink;
use carespace_core::language::Language;
use http::Uri;
use http::request::Parts;

pub const PRODUCT_NAME: &str = "Carespace";

#[derive(Clone)]
pub struct Page {
    pub lang: Language,
    /// The name of the person logged in, for the navigation.
    pub signed_in: Option<String>,
    /// Whether "My organisation" is in the menu (owners only).
    pub is_owner: bool,
    pub csrf_token: String,
    /// The path of this request, so the language switch can return to it.
    pub path: String,
    /// The Healthspaces the person can enter, for the switcher in the navigation.
    pub healthspaces: Vec<HealthspaceLink>,
    /// The Healthspace whose look this page takes, when it has its own colours.
    pub brand: Option<Brand>,
    /// Messages waiting unread, for the navigation's badge.
    pub unread_messages: i64,
    state: WebState,
}

/// What a page needs to know of its request, noted cheaply (shared, not copied) so that the
/// error-page middleware can build a page only when there is an error to show.
pub struct PageRequest {
    lang: Language,
    auth: Option<Auth>,
    csrf_token: Option<CsrfToken>,
    uri: Uri,
}

impl PageRequest {
    pub fn of(parts: &Parts, state: &WebState) -> PageRequest {
        let auth = parts.extensions.get::<Auth>().cloned();
        PageRequest {
            lang: auth.as_ref().map_or_else(
                || i18n::negotiate(&parts.headers, state.settings.default_language),
                |auth| auth.account().language,
            ),
            auth,
            csrf_token: parts.extensions.get::<CsrfToken>().cloned(),
            uri: parts.uri.clone(),
        }
    }
}

/// A Healthspace's own stylesheet, versioned so it can be cached for ever.
#[derive(Clone, Debug)]
pub struct Brand {
    pub stylesheet: String,
}

impl Page {
    pub fn from_parts(parts: &Parts, state: &WebState) -> Page {
        let seen = PageRequest::of(parts, state);
        Page::for_request(&seen, state)
    }

    /// The page for what was noted of a request.
    pub fn for_request(seen: &PageRequest, state: &WebState) -> Page {
        let account = seen.auth.as_ref().map(Auth::account);
        Page {
            lang: seen.lang,
            signed_in: account.map(|a| a.full_name.clone()),
            is_owner: matches!(&seen.auth, Some(Auth::Session(s)) if s.is_owner),
            csrf_token: seen.csrf_token.clone().map(|t| t.0).unwrap_or_default(),
            path: seen.uri.path().to_owned(),
            healthspaces: match &seen.auth {
                Some(Auth::Session(s)) => s.healthspaces.clone(),
                _ => Vec::new(),
            },
            brand: None,
            unread_messages: match &seen.auth {
                Some(Auth::Session(s)) => s.unread_messages,
                _ => 0,
            },
            state: state.clone(),
        }
    }

    /// This page in the colours of `healthspace`, when it has its own.
    pub fn branded(mut self, healthspace: &Healthspace) -> Self {
        if !healthspace.settings.brand_primary.is_empty() {
            self.brand = Some(Brand {
                stylesheet: format!(
                    "/h/{}/brand.css?v={}",
                    healthspace.alias, healthspace.version
                ),
            });
        }
        self
    }

    /// Whether this page belongs to the Healthspace at `alias`, for the switcher.
    pub fn is_in(&self, alias: &str) -> bool {
        self.path
            .strip_prefix("/h/")
            .is_some_and(|rest| rest == alias || rest.starts_with(&format!("{alias}/")))
    }

    /// The translated message `key`.
    pub fn t(&self, key: &str) -> String {
        self.state.translations.message(self.lang, key)
    }

    /// The translated message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.state
            .translations
            .message_with(self.lang, key, &[(name, value)])
    }

    /// A message with two arguments, both kept as text.
    pub fn t2(&self, key: &str, first: (&str, &str), second: (&str, &str)) -> String {
        self.state
            .translations
            .message_with_text(self.lang, key, &[first, second])
    }

    /// Like [`Self::t1`], the argument kept as text even when it looks like a number (a phone
    /// number's `+`).
    pub fn t1_text(&self, key: &str, name: &str, value: &str) -> String {
        self.state
            .translations
            .message_with_text(self.lang, key, &[(name, value)])
    }

    /// The user-facing message for a problem code such as `email_invalid`.
    pub fn problem(&self, code: &str) -> String {
        let key = format!("problem-{}", code.replace('_', "-"));
        // The one problem that states a limit of the configuration: the documents' size.
        if code == carespace_app::files::problems::TOO_LARGE {
            let megabytes = self.state.app.document_max_bytes / 1_000_000;
            return self.t1(&key, "max_mb", &megabytes.to_string());
        }
        self.t(&key)
    }

    /// A moment as UTC date and time, e.g. `2026-11-24 14:03 UTC`.
    pub fn datetime(&self, at: &carespace_core::time::Timestamp) -> String {
        let date = at.utc_date();
        let minutes = at.millis().rem_euclid(86_400_000) / 60_000;
        format!("{date} {:02}:{:02} UTC", minutes / 60, minutes % 60)
    }

    pub fn product_name(&self) -> &'static str {
        PRODUCT_NAME
    }

    pub fn css_url(&self) -> String {
        Assets::url(&self.state.assets.css)
    }

    pub fn js_url(&self) -> String {
        Assets::url(&self.state.assets.js)
    }

    pub fn passkeys_js_url(&self) -> String {
        Assets::url(&self.state.assets.passkeys_js)
    }

    pub fn icon_url(&self) -> String {
        Assets::url(&self.state.assets.icon)
    }

    pub fn languages(&self) -> [Language; 2] {
        Language::ALL
    }
}

impl FromRequestParts<WebState> for Page {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        Ok(Page::from_parts(parts, state))
    }
}

/// Renders a page template; a template that fails to render is a 500, never a blank page.
pub fn render(template: &impl Template) -> Result<Html<String>, WebError> {
    template.render().map(Html).map_err(|error| {
        tracing::error!(%error, "template failed to render");
        WebError::Internal
    })
}
