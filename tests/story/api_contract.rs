//! The API keeps the promises of its OpenAPI document where a script first meets them: a bad
//! token is "unauthorized" (not a CSRF refusal), a script logs in and learns its CSRF token
//! from the API alone, and a body that is not the documented JSON gets the documented
//! `invalid_input` answer.

use crate::api::create_token;
use carespace_core::ids::AccountId;
use carespace_tests::{new_client, spawn_app};
use reqwest::Response;
use serde_json::{Value, json};

/// The value of the cookie `name` that `response` sets.
fn cookie_set_by(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

fn is_documented(doc: &Value, method: &str, path: &str, status: u16) -> bool {
    doc["paths"][path][method]["responses"]
        .get(status.to_string())
        .is_some()
}

#[tokio::test]
async fn a_bad_bearer_token_is_unauthorized_even_next_to_a_session_cookie() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;

    let program = new_client();
    let refused = program
        .patch(app.url("/api/v1/me"))
        .bearer_auth("csp_not-a-token")
        .json(&json!({ "full_name": "Mallory" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"]["code"],
        "unauthorized"
    );

    // A bad token with a logged-in browser's cookie and no CSRF token does not act as the
    // session: the token is what the request authenticates with.
    let mixed = browser
        .patch(app.url("/api/v1/me"))
        .bearer_auth(format!("csp_{}", "0".repeat(64)))
        .json(&json!({ "full_name": "Mallory" }))
        .send()
        .await
        .unwrap();
    assert_eq!(mixed.status(), 401);
    let me: Value = browser
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["full_name"], anna.name, "nothing changed");

    let delete = program
        .delete(app.url("/api/v1/tokens/0190f5a2-7c3e-7b1a-9c4d-2e5f6a7b8c9d"))
        .bearer_auth("csp_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 401);
}

#[tokio::test]
async fn a_script_logs_in_over_the_api_and_uses_the_csrf_token_it_is_given() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    let script = new_client();

    // Before login, the token is the `csrf` cookie that any answer sets.
    let first = script
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    let anonymous_csrf = cookie_set_by(&first, "csrf").expect("a CSRF cookie is set");
    // Something that is not an address is bad input, before any account is looked up.
    let not_an_address = script
        .post(app.url("/api/v1/session"))
        .header("x-csrf-token", &anonymous_csrf)
        .json(&json!({ "email": "anna\u{0}", "password": anna.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(not_an_address.status(), 422);
    let login = script
        .post(app.url("/api/v1/session"))
        .header("x-csrf-token", &anonymous_csrf)
        .json(&json!({ "email": anna.email, "password": anna.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let answer: Value = login.json().await.unwrap();
    assert_eq!(answer["verified"], true);
    let csrf = answer["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(csrf.len(), 64);
    assert_ne!(csrf, anonymous_csrf, "a new token at login");

    let without = script
        .patch(app.url("/api/v1/me"))
        .json(&json!({ "language": "en" }))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 403);
    assert_eq!(
        without.json::<Value>().await.unwrap()["error"]["code"],
        "csrf_rejected"
    );
    let with = script
        .patch(app.url("/api/v1/me"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "language": "en", "phone": "06 12345678", "phone_password": anna.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
    let body = with.json::<Value>().await.unwrap();
    let id = AccountId::parse(body["id"].as_str().unwrap()).unwrap();
    let stored = carespace_app::accounts::find(&app.ctx, &id).await.unwrap();
    assert_eq!(stored.language.code(), "en");
    assert_eq!(stored.phone.as_deref(), Some("+31612345678"));

    // A name with a control character is bad input (PostgreSQL could not even store a NUL).
    let refused = script
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({
            "name": "back\u{0}up",
            "days": 7,
            "access": "read_write",
            "password": anna.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"]["problems"][0]["code"],
        "token_name_invalid"
    );

    // A session opened with the password alone makes no personal access token (a login with
    // two-step verification does: `two_step`).
    let created = script
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({
            "name": "backup script",
            "days": 7,
            "access": "read_write",
            "password": anna.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 403);
    assert_eq!(
        created.json::<Value>().await.unwrap()["error"]["code"],
        "second_factor_required"
    );
}

#[tokio::test]
async fn a_body_that_is_not_the_documented_json_gets_the_documented_invalid_input() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let (anna, browser) = app.signed_up("Anna").await;
    app.enrol_app(&browser, &anna).await;
    let secret = create_token(&app, &browser, "script").await;
    let program = new_client();

    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "application/json",
            r#"{"full_name": "Anna"#,
            "body",
            "body_malformed",
        ),
        (
            "text/plain",
            r#"{"full_name": "Anna"}"#,
            "body",
            "body_not_json",
        ),
        ("application/json", r#"["Anna"]"#, "body", "body_not_object"),
        (
            "application/json",
            r#"{"language": 5}"#,
            "language",
            "value_invalid",
        ),
    ];
    for (content_type, body, field, code) in cases {
        let response = program
            .patch(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .header("content-type", content_type)
            .header("accept-language", "en")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_eq!(status, 422, "{body}");
        assert!(is_documented(&doc, "patch", "/api/v1/me", status));
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], "invalid_input", "{body}");
        assert_eq!(answer["error"]["problems"][0]["field"], field, "{body}");
        assert_eq!(answer["error"]["problems"][0]["code"], code, "{body}");
        let message = answer["error"]["problems"][0]["message"].as_str().unwrap();
        assert!(!message.starts_with("problem-"), "translated: {message}");
    }

    // A missing field names itself, in the language the visitor asks for.
    let visitor = new_client();
    let first = visitor
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    let csrf = cookie_set_by(&first, "csrf").unwrap();
    let response = visitor
        .post(app.url("/api/v1/accounts"))
        .header("x-csrf-token", csrf)
        .header("accept-language", "en")
        .json(&json!({ "email": "bob@example.nl", "full_name": "Bob", "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["problems"][0]["field"], "birth_date");
    assert_eq!(answer["error"]["problems"][0]["code"], "required");
    assert_eq!(
        answer["error"]["problems"][0]["message"],
        "This field is required."
    );

    let me: Value = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["full_name"], anna.name, "nothing stored");
}
