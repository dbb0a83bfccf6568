use crate::errors::WebError;
use crate::page::{Page, render};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "start.html")]
struct StartTemplate {
    page: Page,
}

/// The public start page: what Carespace is, and the way in.
pub async fn show(page: Page) -> Result<Html<String>, WebError> {
    render(&StartTemplate { page })
}
