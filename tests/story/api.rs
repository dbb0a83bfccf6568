//! The JSON API: personal access tokens, the session cookie with CSRF, errors as JSON, and the
//! OpenAPI document.

use carespace_tests::{new_client, spawn_app};
use serde_json::{Value, json};

/// A read-write token for every Healthspace, made on the tokens page by someone with the
/// password every test person has.
pub async fn create_token(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    name: &str,
) -> String {
    create_scoped_token(app, client, name, "read_write", "").await
}

/// A token with `access` (`read_only`, `read_write`) for the Healthspace `healthspace` (an
/// alias), or for all of them when that is empty.
pub async fn create_scoped_token(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    name: &str,
    access: &str,
    healthspace: &str,
) -> String {
    let token = app.token_with(client, "/account/tokens").await;
    let password = carespace_tests::Person::new("Any").password;
    let page = app
        .post_with(
            client,
            "/account/tokens",
            &[
                ("csrf_token", &token),
                ("name", name),
                ("days", "30"),
                ("access", access),
                ("healthspace", healthspace),
                ("password", &password),
            ],
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
    app.enrol_app(&browser, &anna).await;
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

#[tokio::test]
async fn making_a_token_asks_for_the_password_and_tells_the_owner() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    app.enrol_app(&browser, &anna).await;
    let csrf = app.token_with(&browser, "/account/tokens").await;
    let wrong = app
        .post_with(
            &browser,
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "Backup"),
                ("days", "30"),
                ("access", "read_only"),
                ("healthspace", ""),
                ("password", "not my password at all"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Het huidige wachtwoord klopt niet."));
    assert!(page.contains("value=\"Backup\""), "the input is kept");
    assert!(!page.contains("csp_"));
    let id = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let stored = carespace_store::api_tokens::list_for_account(&app.ctx.db, &id)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing stored");

    crate::api::create_scoped_token(&app, &browser, "Backup", "read_only", "").await;
    let mail = app.last_mail_to(&anna.email).await;
    assert_eq!(
        mail.subject,
        "Er is een persoonlijk toegangstoken voor je account gemaakt"
    );
    assert!(mail.text.contains("\"Backup\""));
    assert!(mail.text.contains("/account/tokens"));
    let stored = carespace_store::api_tokens::list_for_account(&app.ctx.db, &id)
        .await
        .unwrap();
    assert_eq!(
        stored[0].token.scope.access,
        carespace_core::policy::TokenAccess::ReadOnly
    );
}

#[tokio::test]
async fn a_token_keeps_to_its_scope_and_never_makes_or_ends_tokens() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    app.enrol_app(&browser, &anna).await;
    let program = new_client();

    // Read only: reads, and every change is refused.
    let reader = create_scoped_token(&app, &browser, "Reader", "read_only", "").await;
    let me = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let change = program
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&reader)
        .json(&json!({ "full_name": "Mallory" }))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 403);
    assert_eq!(
        change.json::<Value>().await.unwrap()["error"]["code"],
        "forbidden"
    );
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.full_name, "Anna Jansen", "nothing changed");

    // Read-write, yet no token makes or ends a token.
    let writer = create_token(&app, &browser, "Writer").await;
    let listed: Value = program
        .get(app.url("/api/v1/tokens"))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let named = |name: &str| listed.iter().find(|t| t["name"] == name).unwrap().clone();
    assert_eq!(named("Writer")["access"], "read_write");
    assert_eq!(named("Reader")["access"], "read_only");
    assert!(named("Reader")["healthspace"].is_null());
    let reader_id = named("Reader")["id"].as_str().unwrap().to_owned();
    let end = program
        .delete(app.url(&format!("/api/v1/tokens/{reader_id}")))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap();
    assert_eq!(end.status(), 403);
    let mint = program
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&writer)
        .json(&json!({
            "name": "more",
            "days": 10,
            "access": "read_write",
            "password": anna.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(mint.status(), 403);
    let still: Value = program
        .get(app.url("/api/v1/tokens"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(still.as_array().unwrap().len(), 2, "none made, none ended");
}

#[tokio::test]
async fn a_token_for_one_healthspace_reaches_that_one_only() {
    let app = spawn_app().await;
    let owner = crate::practice::healthspace(&app, "de-linde").await;
    let olga = crate::practice::account_id(&app, "olga@example.nl").await;
    let org = carespace_app::organisations::owned(&app.ctx, &olga)
        .await
        .unwrap()
        .remove(0);
    carespace_app::healthspaces::create(
        &app.ctx,
        &olga,
        &org.id,
        "De Eik",
        "de-eik",
        &carespace_app::audit::Origin::default(),
    )
    .await
    .unwrap();
    let csrf = app.token_with(&owner, "/account/tokens").await;
    let unknown = app
        .post_with(
            &owner,
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "Elsewhere"),
                ("days", "30"),
                ("access", "read_write"),
                ("healthspace", "not-mine"),
                ("password", &carespace_tests::Person::new("Olga").password),
            ],
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("Kies een van je Healthspaces, of allemaal.")
    );

    let linde = create_scoped_token(&app, &owner, "Linde", "read_write", "de-linde").await;
    let program = new_client();
    let get = |path: &str| program.get(app.url(path)).bearer_auth(&linde).send();
    assert_eq!(
        get("/api/v1/healthspaces/de-linde/members")
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        get("/api/v1/healthspaces/de-eik/members")
            .await
            .unwrap()
            .status(),
        404,
        "another Healthspace is not found"
    );
    assert_eq!(get("/api/v1/me").await.unwrap().status(), 403);
    let stored = carespace_store::api_tokens::list_for_account(&app.ctx.db, &olga)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].healthspace.as_ref().unwrap().alias, "de-linde");
}

#[tokio::test]
async fn a_session_without_two_step_verification_makes_no_token() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let page = app
        .get_with(&browser, "/account/tokens")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tokens maak je alleen na inloggen in twee stappen"));
    assert!(
        !page.contains("action=\"/account/tokens\""),
        "no form to make one"
    );
    let csrf = app.token_with(&browser, "/account").await;
    let refused = app
        .post_with(
            &browser,
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "Backup"),
                ("days", "30"),
                ("access", "read_only"),
                ("healthspace", ""),
                ("password", &anna.password),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Inloggen in twee stappen nodig")
    );
    let id = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let stored = carespace_store::api_tokens::list_for_account(&app.ctx.db, &id)
        .await
        .unwrap();
    assert!(stored.is_empty(), "nothing stored");
}
