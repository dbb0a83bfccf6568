use crate::errors::WebError;
use crate::page::{Page, render};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    page: Page,
}

/// The login entry point. The forms arrive with accounts; until then the page says so.
pub async fn show(page: Page) -> Result<Html<String>, WebError> {
    render(&LoginTemplate { page })
}
