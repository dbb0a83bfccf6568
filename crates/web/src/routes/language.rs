use crate::auth::Auth;
use crate::errors::WebError;
use crate::i18n::LANGUAGE_COOKIE;
use crate::state::WebState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use carespace_app::accounts;
use carespace_core::language::Language;
use cookie::{Cookie, SameSite};
use http::HeaderValue;
use http::header::SET_COOKIE;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    return_to: String,
}

/// The footer's language switch: remembers the choice in a cookie (and, for someone logged
/// in, in their account, so emails follow it too) and returns to the page.
pub async fn switch(
    State(state): State<WebState>,
    auth: Option<Extension<Auth>>,
    Form(form): Form<LanguageForm>,
) -> Result<Response, WebError> {
    let mut response = Redirect::to(local_path_or_root(&form.return_to)).into_response();
    if let Ok(language) = form.lang.parse::<Language>() {
        if let Some(Extension(Auth::Session(session))) = auth {
            accounts::set_language(&state.app, &session.account.id, language).await?;
        }
        let cookie = Cookie::build((LANGUAGE_COOKIE, language.code()))
            .path("/")
            .max_age(cookie::time::Duration::days(365))
            .secure(state.settings.is_https())
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// Only paths on this site: never `//other.host` or `https://…`, so the switch cannot be used
/// to send someone elsewhere.
pub fn local_path_or_root(path: &str) -> &str {
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    if safe { path } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::local_path_or_root;

    #[test]
    fn returns_only_to_local_paths() {
        assert_eq!(local_path_or_root("/login"), "/login");
        assert_eq!(local_path_or_root("//evil.example"), "/");
        assert_eq!(local_path_or_root("/\\evil.example"), "/");
        assert_eq!(local_path_or_root("https://evil.example"), "/");
        assert_eq!(local_path_or_root(""), "/");
    }
}
