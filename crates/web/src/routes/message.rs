//! A page that only says something, with at most one link onward.

use crate::errors::WebError;
use crate::page::{Page, render};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    page: &'a Page,
    title: String,
    text: String,
    link: Option<(&'static str, String)>,
}

/// Renders the message with translation keys `title` and `text`, and a link `(href, label key)`.
pub fn message(
    page: &Page,
    title: &str,
    text: &str,
    link: Option<(&'static str, &str)>,
) -> Result<Html<String>, WebError> {
    render(&MessagePage {
        page,
        title: page.t(title),
        text: page.t(text),
        link: link.map(|(href, label)| (href, page.t(label))),
    })
}
