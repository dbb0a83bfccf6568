//! The dev inbox: the mail folder shown in the browser, so someone trying Carespace without a
//! mail server can follow the links in its emails. Only there when `mail.dev_inbox` is on.

use crate::errors::WebError;
use crate::page::{Page, render};
use crate::state::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use mail_parser::MessageParser;
use std::path::PathBuf;

pub struct InboxEntry {
    pub name: String,
    pub to: String,
    pub subject: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxTemplate {
    page: Page,
    mails: Vec<InboxEntry>,
}

#[derive(Template)]
#[template(path = "inbox_mail.html")]
struct MailTemplate {
    page: Page,
    entry: InboxEntry,
    /// The plain-text body, cut into text and links.
    parts: Vec<(bool, String)>,
}

fn folder(state: &WebState) -> Result<PathBuf, WebError> {
    state.dev_inbox.clone().ok_or(WebError::NotFound)
}

/// File names are ids made by the folder transport; nothing else is opened.
fn is_mail_name(name: &str) -> bool {
    name.strip_suffix(".eml")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
}

fn entry(name: String, raw: &[u8]) -> (InboxEntry, String) {
    let parsed = MessageParser::default().parse(raw);
    let to = parsed
        .as_ref()
        .and_then(|m| m.to())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or_default()
        .to_owned();
    let text = parsed
        .as_ref()
        .and_then(|m| m.body_text(0))
        .map(|t| t.into_owned())
        .unwrap_or_default();
    (InboxEntry { name, to, subject }, text)
}

/// Newest first; at most the last 200.
pub async fn list(State(state): State<WebState>, page: Page) -> Result<Html<String>, WebError> {
    let dir = folder(&state)?;
    let mut names = Vec::new();
    if let Ok(mut entries) = tokio::fs::read_dir(&dir).await {
        while let Ok(Some(item)) = entries.next_entry().await {
            let name = item.file_name().to_string_lossy().into_owned();
            if is_mail_name(&name) {
                names.push(name);
            }
        }
    }
    // Names are UUIDv7: sorting them sorts by time.
    names.sort_unstable_by(|a, b| b.cmp(a));
    names.truncate(200);
    let mut mails = Vec::new();
    for name in names {
        let raw = tokio::fs::read(dir.join(&name)).await.unwrap_or_default();
        mails.push(entry(name, &raw).0);
    }
    render(&InboxTemplate { page, mails })
}

pub async fn show(
    State(state): State<WebState>,
    page: Page,
    Path(name): Path<String>,
) -> Result<Html<String>, WebError> {
    let dir = folder(&state)?;
    if !is_mail_name(&name) {
        return Err(WebError::NotFound);
    }
    let raw = tokio::fs::read(dir.join(&name))
        .await
        .map_err(|_| WebError::NotFound)?;
    let (entry, text) = entry(name, &raw);
    render(&MailTemplate {
        page,
        entry,
        parts: split_links(&text),
    })
}

/// Cuts text into plain pieces and `http(s)://` links, so the page can make the links clickable
/// without trusting any markup.
fn split_links(text: &str) -> Vec<(bool, String)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("http://").or_else(|| rest.find("https://")) {
        let start = [rest.find("http://"), rest.find("https://")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(start);
        parts.push((false, rest[..start].to_owned()));
        let end = rest[start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |i| start + i);
        parts.push((true, rest[start..end].to_owned()));
        rest = &rest[end..];
    }
    parts.push((false, rest.to_owned()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_cut_out_of_the_text() {
        let parts = split_links("Open https://a.example/x?t=1 now\nor http://b.example");
        assert_eq!(
            parts,
            vec![
                (false, "Open ".to_owned()),
                (true, "https://a.example/x?t=1".to_owned()),
                (false, " now\nor ".to_owned()),
                (true, "http://b.example".to_owned()),
                (false, String::new()),
            ]
        );
    }

    #[test]
    fn only_mail_file_names_are_opened() {
        assert!(is_mail_name("0193a1b2-0000-7000-8000-000000000000.eml"));
        assert!(!is_mail_name("../carespace.db"));
        assert!(!is_mail_name(".x.eml.partial"));
    }
}
