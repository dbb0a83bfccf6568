//! Error pages: in the user's language, with the right status, never with internals.

use axum::Router;
use axum::routing::{get, post};
use carespace_tests::{heading, spawn_app, spawn_app_with};
use carespace_web::WebState;

#[tokio::test]
async fn page_not_found_in_dutch_and_english() {
    let app = spawn_app().await;
    let response = app.get_in("/no/such/page", "nl").await;
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert_eq!(heading(&html), "Pagina niet gevonden");

    let html = app
        .get_in("/no/such/page", "en-US")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(heading(&html), "Page not found");
    // The error page is a full page: it has the language switch with a token.
    assert!(carespace_tests::csrf_token_in(&html).is_some());
}

#[tokio::test]
async fn a_wrong_method_gets_a_page_and_keeps_the_allow_header() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let response = app
        .post_form_with_header(
            "/",
            ("accept-language", "en"),
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(response.status(), 405);
    assert!(response.headers().contains_key("allow"));
    assert_eq!(
        heading(&response.text().await.unwrap()),
        "Not possible here"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let big = "x".repeat(app.config.web.max_body_bytes + 1);
    let response = app
        .post_form_with_header(
            "/language",
            ("accept-language", "en"),
            &[("csrf_token", token.as_str()), ("lang", big.as_str())],
        )
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(heading(&response.text().await.unwrap()), "Too much data");
}

async fn explode() -> &'static str {
    panic!("secret internal detail: table xyz")
}

#[tokio::test]
async fn a_crash_shows_a_reference_and_no_internals() {
    let extra: Router<WebState> = Router::new()
        .route("/test/explode", get(explode))
        .route("/api/v1/test/explode", post(explode));
    let app = spawn_app_with(|_| {}, extra).await;
    let response = app.get_in("/test/explode", "en").await;
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert_eq!(heading(&html), "Something went wrong");
    assert!(
        html.contains(&request_id),
        "the reference matches the logged request id"
    );
    assert!(!html.contains("secret internal detail") && !html.contains("panicked"));
    // The server keeps serving.
    assert_eq!(app.get("/").await.status(), 200);
}

#[tokio::test]
async fn api_errors_are_json_in_the_users_language() {
    let app = spawn_app().await;
    let response = app.get_in("/api/v1/nothing", "nl").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Op dit adres")
    );
}
