//! Passkeys: registered after the password (a discoverable credential with user verification
//! required), used as the login's second step or to log in alone, renamed, and removed with
//! the password and a current factor; every step audit-logged, adding and removing emailed.
//! A software passkey plays the browser's authenticator.

use carespace_app::audit::Origin;
use carespace_core::passkeys::CEREMONY_MS;
use carespace_tests::{Person, TestApp, new_client};
use serde_json::Value;
use sqlx::Row;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::{
    Base64UrlSafeData, CreationChallengeResponse, RequestChallengeResponse, Url,
};

/// The address the installation is reached at in these tests: a name, as WebAuthn requires.
const PUBLIC_URL: &str = "http://localhost:7000";

type Authenticator = WebauthnAuthenticator<SoftPasskey>;

async fn app_with_passkeys() -> TestApp {
    carespace_tests::spawn_app_with(
        |config| config.web.public_url = PUBLIC_URL.to_owned(),
        axum::Router::new(),
    )
    .await
}

/// A software passkey that reports the person verified (as a fingerprint would).
fn authenticator() -> Authenticator {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

fn origin() -> Url {
    Url::parse(PUBLIC_URL).unwrap()
}

/// Asks for registration options with a name and a password: the response.
async fn registration_options(
    app: &TestApp,
    browser: &reqwest::Client,
    name: &str,
    password: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, "/account/passkeys/new").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("name", name),
        ("password", password),
    ];
    app.post_with(browser, "/account/passkeys/options", &fields)
        .await
}

/// The browser's answer to registration options, made by `key`.
fn created(key: &mut Authenticator, options: &Value) -> String {
    let mut options = options.clone();
    // The software passkey cannot keep a resident key; the server only asks for one.
    options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = false.into();
    let ccr: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    serde_json::to_string(&key.do_registration(origin(), ccr).unwrap()).unwrap()
}

async fn finish_registration(
    app: &TestApp,
    browser: &reqwest::Client,
    ceremony: &str,
    credential: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, "/account/passkeys/new").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("ceremony", ceremony),
        ("credential", credential),
    ];
    app.post_with(browser, "/account/passkeys", &fields).await
}

/// Registers a passkey called `name` with `key`; the recovery codes shown when it is the
/// account's first second factor.
async fn register(
    app: &TestApp,
    browser: &reqwest::Client,
    person: &Person,
    key: &mut Authenticator,
    name: &str,
) -> Option<Vec<String>> {
    let options = registration_options(app, browser, name, &person.password).await;
    assert_eq!(options.status(), 200);
    let options: Value = options.json().await.unwrap();
    let credential = created(key, &options);
    let ceremony = options["ceremony"].as_str().unwrap();
    let done = finish_registration(app, browser, ceremony, &credential).await;
    if done.status() == 303 {
        assert_eq!(
            done.headers()["location"],
            "/account/two-step?done=passkey-added"
        );
        return None;
    }
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(
        html.contains("De passkey is toegevoegd, en daarmee staat inloggen in twee stappen aan")
    );
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|part| part.split('<').next().unwrap().to_owned())
        .collect();
    Some(codes)
}

/// The browser's answer to authentication options, made by `key`; for a discoverable login
/// (no credential named) the software passkey is told its credential and answers with the
/// user handle, as a passkey that keeps it would.
fn asserted(
    key: &mut Authenticator,
    options: &Value,
    discoverable: Option<(&str, &str)>,
) -> String {
    let mut options = options.clone();
    if let Some((credential_id, _)) = discoverable {
        options["publicKey"]["allowCredentials"] =
            serde_json::json!([{ "type": "public-key", "id": credential_id }]);
    }
    let rcr: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let mut answer = key.do_authentication(origin(), rcr).unwrap();
    if let Some((_, account_id)) = discoverable {
        let uuid = webauthn_rs::prelude::Uuid::parse_str(account_id).unwrap();
        answer.response.user_handle = Some(Base64UrlSafeData::from(uuid.as_bytes().to_vec()));
    }
    serde_json::to_string(&answer).unwrap()
}

async fn options_at(
    app: &TestApp,
    browser: &reqwest::Client,
    page: &str,
    path: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, page).await;
    app.post_with(browser, path, &[("csrf_token", token.as_str())])
        .await
}

async fn post_answer(
    app: &TestApp,
    browser: &reqwest::Client,
    page: &str,
    path: &str,
    ceremony: &str,
    credential: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, page).await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("ceremony", ceremony),
        ("credential", credential),
    ];
    app.post_with(browser, path, &fields).await
}

async fn logged(app: &TestApp, action: &str) -> usize {
    carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == action)
        .count()
}

async fn pool(app: &TestApp) -> sqlx::AnyPool {
    sqlx::AnyPool::connect(&app.database_url()).await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = sqlx::query(&sql).fetch_one(&pool(app).await).await.unwrap();
    row.try_get("n").unwrap()
}

async fn account_id(app: &TestApp, person: &Person) -> carespace_core::ids::AccountId {
    carespace_store::accounts::find_by_email(&app.ctx.db, &person.email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn registering_asks_the_password_and_keeps_the_ceremony_server_side_until_it_expires() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;

    let page = app.get_with(&browser, "/account/passkeys/new").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Passkeys hebben JavaScript nodig"),
        "said without the script"
    );
    assert!(
        html.contains("/static/passkeys."),
        "the page loads the passkey script"
    );

    let unnamed = registration_options(&app, &browser, " ", &anna.password).await;
    assert_eq!(unnamed.status(), 422);
    let body: Value = unnamed.json().await.unwrap();
    assert_eq!(body["message"], "Geef de passkey een naam.");
    let without = registration_options(&app, &browser, "Laptop", "not my password").await;
    assert_eq!(
        without.status(),
        422,
        "a session alone does not add a passkey"
    );
    assert_eq!(count(&app, "passkey_ceremonies").await, 0);

    let options = registration_options(&app, &browser, "Laptop", &anna.password).await;
    assert_eq!(options.status(), 200);
    let options: Value = options.json().await.unwrap();
    let selection = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["userVerification"], "required");
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    let row = sqlx::query("SELECT kind, expires_at, state FROM passkey_ceremonies")
        .fetch_one(&pool(&app).await)
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("kind").unwrap(), "register");
    let expires: i64 = row.try_get("expires_at").unwrap();
    assert_eq!(expires, app.ctx.now().millis() + CEREMONY_MS);
    let state: String = row.try_get("state").unwrap();
    let ceremony = options["ceremony"].as_str().unwrap();
    assert!(
        !state.contains(ceremony),
        "the browser holds only the token"
    );

    // Another account cannot answer Anna's ceremony, even with a real passkey.
    let (_, bea) = app.signed_up("Bea").await;
    let mut key = authenticator();
    let theirs = finish_registration(&app, &bea, ceremony, &created(&mut key, &options)).await;
    assert_eq!(theirs.status(), 422);
    assert_eq!(count(&app, "passkeys").await, 0);
    let options: Value = registration_options(&app, &browser, "Laptop", &anna.password)
        .await
        .json()
        .await
        .unwrap();
    let ceremony = options["ceremony"].as_str().unwrap();

    // A forged answer: refused, logged, nothing stored; the ceremony is spent.
    let forged = finish_registration(&app, &browser, ceremony, "{\"id\":\"forged\"}").await;
    assert_eq!(forged.status(), 422);
    let html = forged.text().await.unwrap();
    assert!(html.contains("Die passkey is niet geaccepteerd"), "{html}");
    assert!(
        html.contains("value=\"\""),
        "the page is there to try again"
    );
    assert_eq!(logged(&app, "passkey_enrolment_failed").await, 1);
    assert_eq!(count(&app, "passkeys").await, 0);
    let late = finish_registration(&app, &browser, ceremony, &created(&mut key, &options)).await;
    assert_eq!(late.status(), 422, "a ceremony is answered once");
    assert!(
        late.text()
            .await
            .unwrap()
            .contains("verlopen of al gebruikt")
    );

    // An answer after the ceremony expired is refused, even a real one.
    let options: Value = registration_options(&app, &browser, "Laptop", &anna.password)
        .await
        .json()
        .await
        .unwrap();
    app.advance(CEREMONY_MS + 1);
    let credential = created(&mut key, &options);
    let ceremony = options["ceremony"].as_str().unwrap();
    let expired = finish_registration(&app, &browser, ceremony, &credential).await;
    assert_eq!(expired.status(), 422);
    assert!(
        expired
            .text()
            .await
            .unwrap()
            .contains("verlopen of al gebruikt")
    );
    assert_eq!(count(&app, "passkeys").await, 0);

    // The retention purge removes ceremonies nobody answered.
    registration_options(&app, &browser, "Laptop", &anna.password).await;
    app.advance(CEREMONY_MS + 1);
    let purged = carespace_app::retention::purge(&app.ctx).await.unwrap();
    assert_eq!(purged.passkey_ceremonies, 1);
    assert_eq!(count(&app, "passkey_ceremonies").await, 0);
}

#[tokio::test]
async fn a_registered_passkey_logs_in_as_the_second_step_and_alone() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let elsewhere = app.logged_in(&anna).await;
    let mut key = authenticator();
    let codes = register(&app, &browser, &anna, &mut key, "Laptop").await;
    assert_eq!(
        codes.map(|c| c.len()),
        Some(10),
        "the first factor comes with recovery codes"
    );
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Er is een passkey toegevoegd"
    );
    assert!(
        app.last_mail_to(&anna.email)
            .await
            .text
            .contains("\"Laptop\"")
    );
    assert_eq!(logged(&app, "passkey_enrolled").await, 1);
    assert_eq!(
        app.get_with(&elsewhere, "/account").await.status(),
        303,
        "a session opened with the password alone ended"
    );
    let page = app.get_with(&browser, "/account/two-step").await;
    assert!(page.text().await.unwrap().contains(">Laptop</a>"));

    // The password, then the passkey.
    let next = new_client();
    let answer = app.login_with(&next, &anna.email, &anna.password).await;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/login/second-step"), "{location}");
    let html = app
        .get_with(&next, "/login/second-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Passkey gebruiken"),
        "the second step offers the passkey"
    );
    let second_page = "/login/second-step";
    let options = options_at(
        &app,
        &next,
        second_page,
        "/login/second-step/passkey/options",
    )
    .await;
    assert_eq!(options.status(), 200);
    let options: Value = options.json().await.unwrap();
    assert_eq!(options["publicKey"]["userVerification"], "required");
    assert_eq!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let ceremony = options["ceremony"].as_str().unwrap().to_owned();
    let forged = post_answer(
        &app,
        &next,
        second_page,
        "/login/second-step/passkey",
        &ceremony,
        "{}",
    )
    .await;
    assert_eq!(forged.status(), 422);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("Die passkey is niet geaccepteerd")
    );
    assert_eq!(logged(&app, "passkey_failed").await, 1);
    assert_eq!(
        app.get_with(&next, "/account").await.status(),
        303,
        "no session yet"
    );

    let options: Value = options_at(
        &app,
        &next,
        second_page,
        "/login/second-step/passkey/options",
    )
    .await
    .json()
    .await
    .unwrap();
    let credential = asserted(&mut key, &options, None);
    let ceremony = options["ceremony"].as_str().unwrap();
    let logins = logged(&app, "login").await;
    let done = post_answer(
        &app,
        &next,
        second_page,
        "/login/second-step/passkey",
        ceremony,
        &credential,
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(app.get_with(&next, "/account").await.status(), 200);
    assert_eq!(logged(&app, "passkey_used").await, 1);
    assert_eq!(
        logged(&app, "login").await,
        logins + 1,
        "a login like any other"
    );
    let anna_id = account_id(&app, &anna).await;
    let used = carespace_store::passkeys::of_account(&app.ctx.db, &anna_id)
        .await
        .unwrap();
    assert_eq!(used[0].last_used_at, Some(app.ctx.now()));

    // The passkey alone, from the login page: no credential is named, the answer names the
    // account.
    let alone = new_client();
    let html = app.get_with(&alone, "/login").await.text().await.unwrap();
    assert!(html.contains("Inloggen met een passkey"));
    let options = options_at(&app, &alone, "/login", "/login/passkey/options").await;
    assert_eq!(options.status(), 200);
    let options: Value = options.json().await.unwrap();
    assert_eq!(options["publicKey"]["userVerification"], "required");
    let allowed = options["publicKey"]["allowCredentials"].as_array();
    assert!(allowed.is_none_or(Vec::is_empty), "{options}");
    let credential_id = used[0].credential_id.clone();
    let credential = asserted(&mut key, &options, Some((&credential_id, anna_id.as_str())));
    let ceremony = options["ceremony"].as_str().unwrap();
    let done = post_answer(
        &app,
        &alone,
        "/login",
        "/login/passkey",
        ceremony,
        &credential,
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(app.get_with(&alone, "/account").await.status(), 200);
    assert_eq!(logged(&app, "passkey_used").await, 2);

    // An answer naming another account (or none) is refused and logged.
    let stranger = new_client();
    let options: Value = options_at(&app, &stranger, "/login", "/login/passkey/options")
        .await
        .json()
        .await
        .unwrap();
    let other = carespace_core::ids::AccountId::generate();
    let credential = asserted(&mut key, &options, Some((&credential_id, other.as_str())));
    let ceremony = options["ceremony"].as_str().unwrap();
    let refused = post_answer(
        &app,
        &stranger,
        "/login",
        "/login/passkey",
        ceremony,
        &credential,
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Die passkey is niet geaccepteerd")
    );
    assert_eq!(app.get_with(&stranger, "/account").await.status(), 303);
    assert_eq!(logged(&app, "passkey_failed").await, 2);
}

#[tokio::test]
async fn renaming_and_removing_a_passkey_take_what_they_should() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let mut key = authenticator();
    let codes = register(&app, &browser, &anna, &mut key, "Laptop")
        .await
        .unwrap();
    let mut phone = authenticator();
    let more = register(&app, &browser, &anna, &mut phone, "Telefoon").await;
    assert_eq!(more, None, "a second passkey makes no new codes");
    let anna_id = account_id(&app, &anna).await;
    let keys = carespace_store::passkeys::of_account(&app.ctx.db, &anna_id)
        .await
        .unwrap();
    let (id, phone_id) = (keys[0].id.clone(), keys[1].id.clone());

    // The phone's passkey goes with the password and a recovery code.
    let phone_page = format!("/account/passkeys/{phone_id}");
    let token = app.token_with(&browser, &phone_page).await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("password", anna.password.as_str()),
        ("code", codes[0].as_str()),
    ];
    let removed = app
        .post_with(&browser, &format!("{phone_page}/remove"), &fields)
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(logged(&app, "recovery_code_used").await, 1);
    assert_eq!(count(&app, "passkeys").await, 1);

    let page = format!("/account/passkeys/{id}");
    assert_eq!(app.get_with(&browser, &page).await.status(), 200);
    let (bea, bea_browser) = app.signed_up("Bea").await;
    let _ = bea;
    assert_eq!(
        app.get_with(&bea_browser, &page).await.status(),
        404,
        "another's passkey is not found"
    );

    let token = app.token_with(&browser, &page).await;
    let rename_path = format!("{page}/rename");
    let long = "x".repeat(61);
    let too_long = app
        .post_with(
            &browser,
            &rename_path,
            &[("csrf_token", &token), ("name", &long)],
        )
        .await;
    assert_eq!(too_long.status(), 422);
    let html = too_long.text().await.unwrap();
    assert!(html.contains("hoogstens 60 tekens"));
    assert!(html.contains(&long), "the name typed is kept");
    let renamed = app
        .post_with(
            &browser,
            &rename_path,
            &[("csrf_token", &token), ("name", "Werklaptop")],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    assert_eq!(logged(&app, "passkey_renamed").await, 1);
    let html = app
        .get_with(&browser, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(">Werklaptop</a>"));

    let remove_path = format!("{page}/remove");
    let remove = |password: String, code: &'static str, ceremony: String, credential: String| {
        let (app, browser, token, path) = (&app, &browser, token.clone(), remove_path.clone());
        async move {
            let fields = [
                ("csrf_token", token.as_str()),
                ("password", password.as_str()),
                ("code", code),
                ("ceremony", ceremony.as_str()),
                ("credential", credential.as_str()),
            ];
            app.post_with(browser, &path, &fields).await
        }
    };
    let wrong_password = remove(
        "not my password".into(),
        "123456",
        String::new(),
        String::new(),
    )
    .await;
    assert_eq!(wrong_password.status(), 422);
    let wrong_code = remove(
        anna.password.clone(),
        "123456",
        String::new(),
        String::new(),
    )
    .await;
    assert_eq!(wrong_code.status(), 422);
    assert!(
        wrong_code
            .text()
            .await
            .unwrap()
            .contains("Die code klopt niet")
    );
    assert_eq!(logged(&app, "second_step_failed").await, 1);
    let forged = {
        let options: Value = options_at(&app, &browser, &page, "/account/passkeys/confirm-options")
            .await
            .json()
            .await
            .unwrap();
        let ceremony = options["ceremony"].as_str().unwrap().to_owned();
        remove(anna.password.clone(), "", ceremony, "{}".into()).await
    };
    assert_eq!(forged.status(), 422);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("Die passkey is niet geaccepteerd")
    );
    assert_eq!(logged(&app, "passkey_failed").await, 1);
    assert_eq!(count(&app, "passkeys").await, 1, "nothing removed yet");

    let elsewhere = app
        .login_with(&new_client(), &anna.email, &anna.password)
        .await;
    assert!(
        elsewhere.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login/second-step")
    );
    let options: Value = options_at(&app, &browser, &page, "/account/passkeys/confirm-options")
        .await
        .json()
        .await
        .unwrap();
    let credential = asserted(&mut key, &options, None);
    let ceremony = options["ceremony"].as_str().unwrap().to_owned();
    let waiting = count(&app, "login_challenges").await;
    assert_eq!(waiting, 1, "a login waits for its second step");
    let removed = remove(anna.password.clone(), "", ceremony, credential).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        removed.headers()["location"],
        "/account/two-step?done=passkey-removed"
    );
    let mail = app.last_mail_to(&anna.email).await;
    assert_eq!(mail.subject, "Er is een passkey verwijderd");
    assert!(mail.text.contains("\"Werklaptop\""));
    assert_eq!(logged(&app, "passkey_removed").await, 2);
    assert_eq!(
        count(&app, "login_challenges").await,
        0,
        "removing ends waiting logins"
    );
    assert_eq!(count(&app, "passkeys").await, 0);
    let answer = app
        .login_with(&new_client(), &anna.email, &anna.password)
        .await;
    let location = answer.headers()["location"].to_str().unwrap();
    assert!(
        !location.starts_with("/login/second-step"),
        "one step again: {location}"
    );
}

#[tokio::test]
async fn the_operator_reset_removes_passkeys_and_ending_access_ends_ceremonies() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let mut key = authenticator();
    register(&app, &browser, &anna, &mut key, "Laptop").await;

    // A new password ends every way in, the ceremonies waiting included.
    registration_options(&app, &browser, "Phone", &anna.password).await;
    assert_eq!(count(&app, "passkey_ceremonies").await, 1);
    let token = app.token_with(&browser, "/account").await;
    let new_password = "harbour violet engine slowly";
    let fields = [
        ("csrf_token", token.as_str()),
        ("current_password", anna.password.as_str()),
        ("new_password", new_password),
    ];
    let changed = app.post_with(&browser, "/account/password", &fields).await;
    assert!(changed.status().is_redirection() || changed.status().is_success());
    assert_eq!(count(&app, "passkey_ceremonies").await, 0);
    assert_eq!(count(&app, "passkeys").await, 1, "the passkey itself stays");

    carespace_app::second_factors::reset_by_operator(
        &app.ctx,
        &anna.email,
        "lost her laptop",
        &Origin::default(),
    )
    .await
    .unwrap();
    assert_eq!(count(&app, "passkeys").await, 0);
    let answer = app
        .login_with(&new_client(), &anna.email, new_password)
        .await;
    let location = answer.headers()["location"].to_str().unwrap();
    assert!(!location.starts_with("/login/second-step"), "{location}");
}

#[tokio::test]
async fn at_an_ip_address_passkeys_are_not_offered_and_the_page_says_why() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let html = app
        .get_with(&browser, "/account/passkeys/new")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("via een IP-adres bereikt"), "{html}");
    let options = registration_options(&app, &browser, "Laptop", &anna.password).await;
    assert_eq!(options.status(), 422);
    let login = app
        .get_with(&new_client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    assert!(!login.contains("Inloggen met een passkey"));
    assert!(!login.contains("/static/passkeys."));
}

#[tokio::test]
async fn over_the_api_a_passkey_logs_in_alone_or_as_the_second_step_and_is_listed() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let mut key = authenticator();
    register(&app, &browser, &anna, &mut key, "Laptop").await;
    let listed: Value = app
        .get_with(&browser, "/api/v1/me/passkeys")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["name"], "Laptop");
    assert_eq!(listed[0]["last_used_at"], Value::Null);
    let anna_id = account_id(&app, &anna).await;

    let script = new_client();
    let csrf = app.token_with(&script, "/login").await;
    let post = |path: &'static str, body: Value| {
        script
            .post(app.url(path))
            .header("x-csrf-token", csrf.as_str())
            .json(&body)
            .send()
    };
    let first = post(
        "/api/v1/session",
        serde_json::json!({ "email": anna.email, "password": anna.password }),
    )
    .await
    .unwrap();
    assert_eq!(
        first.status(),
        202,
        "a passkey makes the login take a second step"
    );
    let challenge = first.json::<Value>().await.unwrap()["challenge"].clone();
    let expired = post(
        "/api/v1/session/second-step/passkey/options",
        serde_json::json!({ "challenge": "no such challenge" }),
    )
    .await
    .unwrap();
    assert_eq!(expired.status(), 422);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["problems"][0]["code"], "second_step_expired");
    let options: Value = post(
        "/api/v1/session/second-step/passkey/options",
        serde_json::json!({ "challenge": challenge }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let credential: Value = serde_json::from_str(&asserted(&mut key, &options, None)).unwrap();
    let answer = serde_json::json!({
        "challenge": challenge,
        "ceremony": options["ceremony"],
        "credential": credential,
    });
    let done = post("/api/v1/session/second-step/passkey", answer)
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.json::<Value>().await.unwrap()["csrf_token"].is_string());
    assert_eq!(app.get_with(&script, "/api/v1/me").await.status(), 200);

    // Alone, in another program.
    let other = new_client();
    let csrf = app.token_with(&other, "/login").await;
    let post = |path: &'static str, body: Value| {
        other
            .post(app.url(path))
            .header("x-csrf-token", csrf.as_str())
            .json(&body)
            .send()
    };
    let options: Value = post("/api/v1/session/passkey/options", Value::Null)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let credential_id = listed_credential_id(&app, &anna_id).await;
    let made = asserted(&mut key, &options, Some((&credential_id, anna_id.as_str())));
    let forged = post(
        "/api/v1/session/passkey",
        serde_json::json!({ "ceremony": options["ceremony"], "credential": { "id": "x" } }),
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), 422);
    let body: Value = forged.json().await.unwrap();
    assert_eq!(body["error"]["problems"][0]["code"], "passkey_refused");
    let options: Value = post("/api/v1/session/passkey/options", Value::Null)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let spent = post(
        "/api/v1/session/passkey",
        serde_json::json!({ "ceremony": "spent", "credential": serde_json::from_str::<Value>(&made).unwrap() }),
    )
    .await
    .unwrap();
    assert_eq!(spent.status(), 422, "an answer needs its ceremony");
    let made = asserted(&mut key, &options, Some((&credential_id, anna_id.as_str())));
    let answer = serde_json::json!({
        "ceremony": options["ceremony"],
        "credential": serde_json::from_str::<Value>(&made).unwrap(),
    });
    let done = post("/api/v1/session/passkey", answer).await.unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(app.get_with(&other, "/api/v1/me").await.status(), 200);
    let listed: Value = app
        .get_with(&other, "/api/v1/me/passkeys")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0]["last_used_at"].is_i64(), "{listed}");
}

async fn listed_credential_id(app: &TestApp, account: &carespace_core::ids::AccountId) -> String {
    carespace_store::passkeys::of_account(&app.ctx.db, account)
        .await
        .unwrap()[0]
        .credential_id
        .clone()
}

#[tokio::test]
async fn removing_the_app_leaves_a_passkey_and_the_recovery_codes_and_the_last_factor_takes_them() {
    let app = app_with_passkeys().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let codes = app.enrol_app(&browser, &anna).await;
    let mut key = authenticator();
    assert_eq!(
        register(&app, &browser, &anna, &mut key, "Laptop").await,
        None
    );
    let anna_id = account_id(&app, &anna).await;
    let left = || carespace_store::second_factors::unused_recovery_codes(&app.ctx.db, &anna_id);

    let token = app.token_with(&browser, "/account/two-step").await;
    let code = app.app_code(&anna.email);
    let removed = app
        .post_with(
            &browser,
            "/account/two-step/remove",
            &[
                ("csrf_token", token.as_str()),
                ("password", anna.password.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    assert_eq!(
        removed.headers()["location"],
        "/account/two-step?done=app-removed"
    );
    let page = app
        .get_with(&browser, "/account/two-step?done=app-removed")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Je andere tweede factor beschermt je logins nog"));
    assert_eq!(
        left().await.unwrap(),
        10,
        "the passkey still has its stand-ins"
    );
    assert!(
        carespace_store::second_factors::has_confirmed(&app.ctx.db, &anna_id)
            .await
            .unwrap()
    );

    // The passkey was the last factor: the recovery codes go with it.
    let id = carespace_store::passkeys::of_account(&app.ctx.db, &anna_id)
        .await
        .unwrap()[0]
        .id
        .clone();
    let passkey_page = format!("/account/passkeys/{id}");
    let token = app.token_with(&browser, &passkey_page).await;
    let gone = app
        .post_with(
            &browser,
            &format!("{passkey_page}/remove"),
            &[
                ("csrf_token", token.as_str()),
                ("password", anna.password.as_str()),
                ("code", codes[0].as_str()),
            ],
        )
        .await;
    assert_eq!(gone.status(), 303);
    assert_eq!(left().await.unwrap(), 0, "no factor, no recovery codes");
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert_eq!(location, "/account", "logins take one step again");
}
