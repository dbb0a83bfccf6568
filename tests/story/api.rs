//! The JSON API: personal access tokens, the session cookie with CSRF, errors as JSON, and the
//! OpenAPI document.

use carespace_tests::{new_client, spawn_app};
use serde_json::{Value, json};

pub async fn create_token(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    name: &str,
) -> String {
    let token = app.token_with(client, "/account/tokens").await;
    let page = app
        .post_with(
            client,
            "/account/tokens",
            &[("csrf_token", &token), ("name", name), ("days", "30")],
        )
        .await;
    assert_eq!(page.status(), 201);
    let html = page.text().await.unwrap();
    let start = html.find("csp_").expect("the new token is shown once");
    html[start..start + 4 + 64].to_owned()
}

#[tokio::test]
async fn a_personal_access_token_reads_and_changes_the_account_until_revoked() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let secret = create_token(&app, &browser, "My script").await;
    let program = new_client();

    let me: Value = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], anna.email);
    assert_eq!(me["birth_date"], "1990-05-31");

    // No CSRF token needed: no browser sends a bearer token on its own.
    let changed = program
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .json(&json!({ "full_name": "Anna de Vries" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(
        changed.json::<Value>().await.unwrap()["full_name"],
        "Anna de Vries"
    );

    // A token cannot make more tokens.
    let mint = program
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&secret)
        .json(&json!({ "name": "more", "days": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(mint.status(), 403);

    let page = app
        .get_with(&browser, "/account/tokens")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("My script"));
    assert!(!page.contains(&secret), "shown once only");
    let tokens: Value = program
        .get(app.url("/api/v1/tokens"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens[0]["last_used_at"].is_i64());
    let id = tokens[0]["id"].as_str().unwrap().to_owned();
    let csrf = app.token_with(&browser, "/account/tokens").await;
    let revoked = app
        .post_with(
            &browser,
            &format!("/account/tokens/{id}/revoke"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    let after = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert_eq!(
        after.json::<Value>().await.unwrap()["error"]["code"],
        "unauthorized"
    );
}

#[tokio::test]
async fn the_sites_own_scripts_use_the_session_cookie_with_the_csrf_header() {
    let app = spawn_app().await;
    let (_, browser) = app.signed_up("Anna").await;
    assert_eq!(
        browser
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let without = browser
        .patch(app.url("/api/v1/me"))
        .json(&json!({ "language": "en" }))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 403);
    let csrf = app.token_with(&browser, "/account").await;
    let with = browser
        .patch(app.url("/api/v1/me"))
        .header("x-csrf-token", csrf)
        .json(&json!({ "language": "en" }))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
    let sessions: Value = browser
        .get(app.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["current"], true);
}

#[tokio::test]
async fn api_errors_are_json_in_the_users_language() {
    let app = spawn_app().await;
    let anonymous = new_client()
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap()["error"]["code"],
        "unauthorized"
    );

    let client = new_client();
    let csrf = app.token_with(&client, "/register").await;
    let invalid = client
        .post(app.url("/api/v1/accounts"))
        .header("x-csrf-token", csrf)
        .header("accept-language", "en")
        .json(&json!({ "email": "nope", "full_name": "Anna", "birth_date": "1990-01-01", "password": "short" }))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json().await.unwrap();
    assert_eq!(body["error"]["problems"][0]["field"], "email");
    assert_eq!(body["error"]["problems"][0]["code"], "email_invalid");
    assert!(
        body["error"]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Enter an email address")
    );
    assert_eq!(body["error"]["problems"][1]["code"], "password_too_short");
}

#[tokio::test]
async fn the_openapi_document_is_published() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
}
