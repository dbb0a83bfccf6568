//! Language: the switch's cookie, else the browser's preference, else the default.

use axum::Router;
use carespace_tests::{heading, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_browser_language_is_used_and_the_default_otherwise() {
    let app = spawn_app_with(
        |c| c.web.default_language = carespace_core::language::Language::En,
        Router::new(),
    )
    .await;
    let dutch = app
        .get_in("/login", "nl-NL,nl;q=0.9")
        .await
        .text()
        .await
        .unwrap();
    assert!(dutch.contains("<html lang=\"nl\">"));
    assert_eq!(heading(&dutch), "Inloggen");
    let default = app.get_in("/login", "de-DE").await.text().await.unwrap();
    assert!(default.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn the_language_switch_changes_the_text_and_returns_to_the_page() {
    let app = spawn_app().await;
    let html = app.get_in("/login", "nl").await.text().await.unwrap();
    assert_eq!(heading(&html), "Inloggen");
    let token = carespace_tests::csrf_token_in(&html).unwrap();
    let response = app
        .post_form(
            "/language",
            &[
                ("lang", "en"),
                ("return_to", "/login"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // The choice beats the browser's Accept-Language from now on.
    let html = app.get_in("/login", "nl").await.text().await.unwrap();
    assert_eq!(heading(&html), "Log in");
    assert!(html.contains("aria-pressed=\"true\">English"));
}

#[tokio::test]
async fn the_switch_never_redirects_to_another_site() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    for target in [
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
    ] {
        let response = app
            .post_form(
                "/language",
                &[
                    ("lang", "en"),
                    ("return_to", target),
                    ("csrf_token", &token),
                ],
            )
            .await;
        assert_eq!(response.headers()["location"], "/", "{target}");
    }
}

#[tokio::test]
async fn an_unknown_language_changes_nothing() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let response = app
        .post_form(
            "/language",
            &[("lang", "xx"), ("return_to", "/"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(response.headers().get("set-cookie").is_none());
}
