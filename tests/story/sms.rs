//! Codes by text message (SMS) as a second factor, sent through a small gateway of the test's
//! own that records what it receives: adding a number takes the password and a first code sent
//! to it; codes are six digits, work ten minutes and five tries, and a few are sent an hour; a
//! login of an account with only SMS gets its code at once and accepts it once; changing or
//! removing the number takes the password and a current code and emails the owner; a gateway
//! that fails leaves nothing usable; every step is audit-logged.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use carespace_app::sms::http::HttpSmsSender;
use carespace_app::sms::{SmsError, SmsSender};
use carespace_core::second_factors::{decode_secret, totp_code};
use carespace_core::secret::Secret;
use carespace_core::sms::{PhoneNumber, SmsPurpose};
use carespace_tests::{Person, TestApp, new_client, spawn_app, spawn_app_with};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "gateway-token-of-the-test";
const TEMPLATE: &str = r#"{"to": "{to}", "message": "{text}", "from": "Carespace"}"#;
const MINUTE: i64 = 60_000;

#[derive(Debug, Clone)]
struct Received {
    authorization: String,
    content_type: String,
    body: String,
}

/// A gateway on a free loopback port: records every request, answers `status` after `delay`.
#[derive(Clone, Default)]
struct Gateway {
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
}

async fn record(State(gateway): State<Gateway>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    gateway.received.lock().unwrap().push(Received {
        authorization: header("authorization"),
        content_type: header("content-type"),
        body,
    });
    let delay = gateway.delay_ms.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    StatusCode::from_u16(gateway.status.load(Ordering::SeqCst)).unwrap()
}

impl Gateway {
    /// Starts one; its URL.
    async fn start() -> (Gateway, String) {
        let gateway = Gateway::default();
        gateway.status.store(200, Ordering::SeqCst);
        let router = Router::new()
            .route("/send", post(record))
            .with_state(gateway.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (gateway, format!("http://{addr}/send"))
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    fn last(&self) -> Received {
        self.received
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a message")
    }

    /// The number and text of the last message, from the JSON body.
    fn last_message(&self) -> (String, String) {
        let body: serde_json::Value = serde_json::from_str(&self.last().body).unwrap();
        (
            body["to"].as_str().unwrap().to_owned(),
            body["message"].as_str().unwrap().to_owned(),
        )
    }

    /// The six-digit code in the last message.
    fn last_code(&self) -> String {
        let (_, text) = self.last_message();
        text.split(|c: char| !c.is_ascii_digit())
            .find(|word| word.len() == 6)
            .unwrap_or_else(|| panic!("no code in {text:?}"))
            .to_owned()
    }
}

/// The app, sending its text messages to a recording gateway.
async fn app_with_gateway(
    configure: impl FnOnce(&mut carespace_cli::config::Config),
) -> (TestApp, Gateway) {
    let (gateway, url) = Gateway::start().await;
    let app = spawn_app_with(
        |config| {
            config.sms.url = Some(url);
            config.sms.token = Some(Secret::new(TOKEN));
            config.sms.body_template = TEMPLATE.into();
            configure(config);
        },
        Router::new(),
    )
    .await;
    (app, gateway)
}

async fn send_form(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.token_with(browser, "/account/two-step").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    app.post_with(browser, path, &all).await
}

/// Adds `phone` as the number of a logged-in browser with no number yet: its first code typed.
/// Returns the page it led to (the recovery codes for a first factor).
async fn add_number(
    app: &TestApp,
    gateway: &Gateway,
    browser: &reqwest::Client,
    phone: &str,
) -> String {
    let person = Person::new("x");
    let sent = send_form(
        app,
        browser,
        "/account/two-step/sms",
        &[("phone", phone), ("password", &person.password)],
    )
    .await;
    assert_eq!(sent.status(), 200);
    let confirmed = send_form(
        app,
        browser,
        "/account/two-step/sms/confirm",
        &[("code", &gateway.last_code())],
    )
    .await;
    // The recovery codes' page for a first factor, else back to the two-step page.
    assert!([200, 303].contains(&confirmed.status().as_u16()));
    confirmed.text().await.unwrap()
}

async fn logged(app: &TestApp, action: &str) -> usize {
    app.ctx.audit.flush().await;
    carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == action)
        .count()
}

async fn account_id(app: &TestApp, person: &Person) -> carespace_core::ids::AccountId {
    carespace_store::accounts::find_by_email(&app.ctx.db, &person.email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn adding_a_number_sends_a_first_code_to_it_with_the_configured_body_and_token() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let elsewhere = app.logged_in(&anna).await;
    let page = app
        .get_with(&browser, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sms"), "the section is there");
    assert!(page.contains("De zwakste keuze"), "labelled the weakest");

    // A number that is not one: said so, the input kept, nothing sent.
    let bad = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[("phone", "06 123"), ("password", &anna.password)],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Vul een mobiel nummer in"), "{html}");
    assert!(
        html.contains("value=\"06 123\""),
        "the number typed is kept"
    );
    let no_password = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[("phone", "06 12345678"), ("password", "")],
    )
    .await;
    assert_eq!(
        no_password.status(),
        422,
        "a session alone does not add a number"
    );
    assert_eq!(gateway.count(), 0);

    let sent = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[("phone", "06 12345678"), ("password", &anna.password)],
    )
    .await;
    assert_eq!(sent.status(), 200);
    let html = sent.text().await.unwrap();
    assert!(html.contains("+31612345678"), "{html}");
    let request = gateway.last();
    assert_eq!(request.authorization, format!("Bearer {TOKEN}"));
    assert_eq!(request.content_type, "application/json");
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["to"], "+31612345678");
    assert_eq!(
        body["from"], "Carespace",
        "the rest of the template as configured"
    );
    let (_, text) = gateway.last_message();
    let code = gateway.last_code();
    assert!(
        text.starts_with(&format!(
            "{code} is je code om dit nummer toe te voegen aan 127.0.0.1:"
        )),
        "in the person's language, with the site: {text}"
    );
    let me = account_id(&app, &anna).await;
    let stored = carespace_store::sms::factor_of(&app.ctx.db, &me, true);
    assert!(
        stored.await.unwrap().is_none(),
        "not in use before its code"
    );

    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let wrong = send_form(
        &app,
        &browser,
        "/account/two-step/sms/confirm",
        &[("code", wrong_code)],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Die code klopt niet"), "{html}");
    assert!(
        html.contains("+31612345678"),
        "the same number, to try again"
    );

    let confirmed = send_form(
        &app,
        &browser,
        "/account/two-step/sms/confirm",
        &[("code", &code)],
    )
    .await;
    assert_eq!(confirmed.status(), 200);
    let html = confirmed.text().await.unwrap();
    assert_eq!(
        html.matches("<li><code>").count(),
        10,
        "recovery codes for a first factor"
    );
    assert!(html.contains("Codes per sms staan aan"));
    let stored = carespace_store::sms::factor_of(&app.ctx.db, &me, true)
        .await
        .unwrap();
    assert_eq!(stored.unwrap().phone, "+31612345678");
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Codes per sms staan aan"
    );
    assert_eq!(
        app.get_with(&elsewhere, "/account").await.status(),
        303,
        "a session opened with the password alone ended"
    );
    let page = app
        .get_with(&browser, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("+31612345678"), "the number in use is shown");
    assert_eq!(logged(&app, "second_factor_enrolled").await, 1);
    assert_eq!(
        logged(&app, "second_step_failed").await,
        1,
        "the wrong code"
    );
}

#[tokio::test]
async fn five_wrong_tries_kill_a_code_and_a_code_works_until_ten_minutes_after_it_was_sent() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let fields = [
        ("phone", "+31 6 12345678"),
        ("password", anna.password.as_str()),
    ];
    let start = || send_form(&app, &browser, "/account/two-step/sms", &fields);
    let confirm = |code: String| {
        let browser = browser.clone();
        let app = &app;
        async move {
            send_form(
                app,
                &browser,
                "/account/two-step/sms/confirm",
                &[("code", &code)],
            )
            .await
        }
    };
    assert_eq!(start().await.status(), 200);
    let code = gateway.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(confirm(wrong.into()).await.status(), 422);
    }
    let dead = confirm(code).await;
    assert_eq!(
        dead.status(),
        422,
        "five wrong tries end the code, even for the right one"
    );
    assert!(
        dead.text()
            .await
            .unwrap()
            .contains("te vaak verkeerd ingevuld")
    );

    assert_eq!(start().await.status(), 200);
    let code = gateway.last_code();
    app.advance(10 * MINUTE);
    let late = confirm(code).await;
    assert_eq!(late.status(), 422, "ten minutes after it was sent");
    assert!(late.text().await.unwrap().contains("verlopen"));

    assert_eq!(start().await.status(), 200);
    let code = gateway.last_code();
    app.advance(10 * MINUTE - 1_000);
    assert_eq!(confirm(code).await.status(), 200, "at 9:59 it still works");
    let me = account_id(&app, &anna).await;
    let stored = carespace_store::sms::factor_of(&app.ctx.db, &me, true)
        .await
        .unwrap();
    assert!(stored.is_some());
}

#[tokio::test]
async fn an_account_gets_so_many_codes_an_hour() {
    let (app, gateway) = app_with_gateway(|config| config.sms.sends_per_hour = 3).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let fields = [
        ("phone", "06 12345678"),
        ("password", anna.password.as_str()),
    ];
    let start = || send_form(&app, &browser, "/account/two-step/sms", &fields);
    for _ in 0..3 {
        assert_eq!(start().await.status(), 200);
    }
    let refused = start().await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("te veel codes"), "{html}");
    assert!(
        html.contains("value=\"06 12345678\""),
        "the number typed is kept"
    );
    assert_eq!(gateway.count(), 3, "nothing sent beyond the limit");
    // An hour later (the session kept alive meanwhile).
    for _ in 0..4 {
        app.advance(15 * MINUTE);
        assert_eq!(app.get_with(&browser, "/account").await.status(), 200);
    }
    assert_eq!(start().await.status(), 200, "an hour later");
    app.advance(1_000);
    let purged = carespace_app::retention::purge(&app.ctx).await.unwrap();
    assert_eq!(
        purged.sms_codes, 3,
        "codes sent over an hour ago are purged"
    );
    assert_eq!(gateway.count(), 4);
}

#[tokio::test]
async fn a_login_with_only_sms_gets_its_code_at_once_and_a_code_is_accepted_once() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    add_number(&app, &gateway, &browser, "06 12345678").await;
    let before = gateway.count();

    let (next, location) = app.first_step(&anna, &anna.password).await;
    assert!(location.starts_with("/login/second-step"), "{location}");
    assert_eq!(gateway.count(), before + 1, "the code was sent at once");
    let (to, text) = gateway.last_message();
    assert_eq!(to, "+31612345678");
    assert!(text.contains("is je inlogcode voor"), "{text}");
    let page = app.get_with(&next, &location).await.text().await.unwrap();
    assert!(
        page.contains("We hebben een code naar je telefoon gestuurd"),
        "{page}"
    );
    assert!(
        page.contains("/login/second-step/sms"),
        "a new code is one click away"
    );
    let code = gateway.last_code();

    app.advance(10 * MINUTE - 1_000);
    let done = app.type_code(&next, &code).await;
    assert_eq!(done.status(), 303, "at 9:59 the code works");
    assert_eq!(app.get_with(&next, "/account").await.status(), 200);
    assert_eq!(logged(&app, "sms_code_used").await, 1);

    let (again, _) = app.first_step(&anna, &anna.password).await;
    let replay = app.type_code(&again, &code).await;
    assert_eq!(replay.status(), 422, "a code is accepted once");
    assert_eq!(logged(&app, "second_step_failed").await, 1);
    let fresh = gateway.last_code();
    assert_eq!(app.type_code(&again, &fresh).await.status(), 303);

    // Over the API: the challenge, a code sent for it, and the code.
    let script = new_client();
    let csrf = app.token_with(&script, "/login").await;
    let first = script
        .post(app.url("/api/v1/session"))
        .header("x-csrf-token", csrf.as_str())
        .json(&serde_json::json!({ "email": anna.email, "password": anna.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 202);
    let body: serde_json::Value = first.json().await.unwrap();
    let challenge = body["challenge"].as_str().unwrap().to_owned();
    let sent = script
        .post(app.url("/api/v1/session/second-step/sms"))
        .header("x-csrf-token", csrf.as_str())
        .json(&serde_json::json!({ "challenge": challenge }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    let body: serde_json::Value = sent.json().await.unwrap();
    assert_eq!(body["sent_to"], "••• 678");
    let done = script
        .post(app.url("/api/v1/session/second-step"))
        .header("x-csrf-token", csrf.as_str())
        .json(&serde_json::json!({ "challenge": challenge, "code": gateway.last_code() }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let other = new_client();
    let csrf = app.token_with(&other, "/login").await;
    let unknown = other
        .post(app.url("/api/v1/session/second-step/sms"))
        .header("x-csrf-token", csrf.as_str())
        .json(&serde_json::json!({ "challenge": "nothing" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 422);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["problems"][0]["code"], "second_step_expired");
}

/// Sets up an authenticator app for a logged-in browser; its secret.
async fn set_up_app(app: &TestApp, browser: &reqwest::Client, password: &str) -> Vec<u8> {
    let setup = send_form(
        app,
        browser,
        "/account/two-step/app",
        &[("password", password)],
    )
    .await;
    let html = setup.text().await.unwrap();
    let marker = "<code class=\"secret\">";
    let start = html.find(marker).unwrap() + marker.len();
    let text = &html[start..start + html[start..].find('<').unwrap()];
    let secret = decode_secret(&text.replace(' ', "")).unwrap();
    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let done = send_form(
        app,
        browser,
        "/account/two-step/app/confirm",
        &[("code", &code)],
    )
    .await;
    assert_eq!(done.status(), 200);
    secret
}

#[tokio::test]
async fn with_an_app_too_the_login_offers_sms_one_click_away() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let secret = set_up_app(&app, &browser, &anna.password).await;
    let html = add_number(&app, &gateway, &browser, "06 12345678").await;
    assert!(
        !html.contains("<li><code>"),
        "the recovery codes of the app stay"
    );
    let before = gateway.count();

    let (next, location) = app.first_step(&anna, &anna.password).await;
    assert_eq!(
        gateway.count(),
        before,
        "nothing sent before it is asked for"
    );
    let page = app.get_with(&next, &location).await.text().await.unwrap();
    assert!(page.contains("Stuur een code per sms"));
    let token = app.token_with(&next, "/login").await;
    let sent = app
        .post_with(&next, "/login/second-step/sms", &[("csrf_token", &token)])
        .await;
    assert_eq!(sent.status(), 200);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("We hebben een code naar je telefoon gestuurd")
    );
    assert_eq!(gateway.count(), before + 1);
    assert_eq!(
        app.type_code(&next, &gateway.last_code()).await.status(),
        303
    );

    // Removing the app leaves the number, and the recovery codes, in use.
    app.advance(60_000);
    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let fields = [
        ("password", anna.password.as_str()),
        ("code", code.as_str()),
    ];
    let removed = send_form(&app, &next, "/account/two-step/remove", &fields).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "De authenticator-app is verwijderd"
    );
    let me = account_id(&app, &anna).await;
    let left = carespace_store::second_factors::unused_recovery_codes(&app.ctx.db, &me);
    assert_eq!(left.await.unwrap(), 10);
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(
        location.contains("sms=sent"),
        "SMS is now the only factor: {location}"
    );
}

#[tokio::test]
async fn changing_or_removing_the_number_takes_the_password_and_a_current_code() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let html = add_number(&app, &gateway, &browser, "06 12345678").await;
    let recovery: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|part| part.split('<').next().unwrap().to_owned())
        .collect();
    let me = account_id(&app, &anna).await;

    // A new number needs a current code besides the password.
    let without = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[
            ("phone", "06 87654321"),
            ("password", &anna.password),
            ("code", ""),
        ],
    )
    .await;
    assert_eq!(without.status(), 422);
    let sent = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[
            ("phone", "06 87654321"),
            ("password", &anna.password),
            ("code", &recovery[0]),
        ],
    )
    .await;
    assert_eq!(sent.status(), 200);
    assert_eq!(gateway.last_message().0, "+31687654321");
    let confirmed = send_form(
        &app,
        &browser,
        "/account/two-step/sms/confirm",
        &[("code", &gateway.last_code())],
    )
    .await;
    assert_eq!(confirmed.status(), 303);
    let number = carespace_store::sms::factor_of(&app.ctx.db, &me, true)
        .await
        .unwrap();
    assert_eq!(
        number.unwrap().phone,
        "+31687654321",
        "the old number is gone"
    );
    assert_eq!(logged(&app, "sms_number_changed").await, 1);

    // Removing: the password, and a code just sent to the number.
    let remove = |password: String, code: String| {
        let browser = browser.clone();
        let app = &app;
        async move {
            let fields = [("password", password.as_str()), ("code", code.as_str())];
            send_form(app, &browser, "/account/two-step/sms/remove", &fields).await
        }
    };
    let asked = send_form(&app, &browser, "/account/two-step/sms/code", &[]).await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("eindigt op ••• 321"));
    let code = gateway.last_code();
    assert!(gateway.last_message().1.contains("te bevestigen"));
    assert_eq!(
        remove("not my password".into(), code.clone())
            .await
            .status(),
        422
    );
    assert_eq!(remove(anna.password.clone(), "".into()).await.status(), 422);
    let removed = remove(anna.password.clone(), code).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Codes per sms staan uit"
    );
    assert!(
        carespace_store::sms::factor_of(&app.ctx.db, &me, true)
            .await
            .unwrap()
            .is_none()
    );
    let left = carespace_store::second_factors::unused_recovery_codes(&app.ctx.db, &me);
    assert_eq!(
        left.await.unwrap(),
        0,
        "the recovery codes went with the last factor"
    );
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(!location.starts_with("/login/second-step"), "{location}");
    assert_eq!(logged(&app, "second_factor_removed").await, 1);

    // The operator's reset removes a number too.
    add_number(&app, &gateway, &browser, "06 12345678").await;
    let origin = carespace_app::audit::Origin::default();
    carespace_app::second_factors::reset_by_operator(&app.ctx, &anna.email, "phone lost", &origin)
        .await
        .unwrap();
    assert!(
        carespace_store::sms::factor_of(&app.ctx.db, &me, true)
            .await
            .unwrap()
            .is_none()
    );
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(!location.starts_with("/login/second-step"), "{location}");
}

#[tokio::test]
async fn a_gateway_that_fails_is_said_so_and_leaves_no_code_that_works() {
    let (app, gateway) = app_with_gateway(|_| {}).await;
    let (anna, browser) = app.signed_up("Anna").await;
    gateway.status.store(500, Ordering::SeqCst);
    let failed = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[("phone", "06 12345678"), ("password", &anna.password)],
    )
    .await;
    assert_eq!(failed.status(), 422);
    let html = failed.text().await.unwrap();
    assert!(html.contains("De sms kon niet worden verstuurd"), "{html}");
    assert!(html.contains("value=\"06 12345678\""));
    assert_eq!(logged(&app, "sms_send_failed").await, 1);

    // The gateway received the code but did not send it: it does not work.
    let me = account_id(&app, &anna).await;
    let live = carespace_store::sms::live_code(
        &app.ctx.db,
        &me,
        SmsPurpose::ConfirmNumber,
        5,
        app.ctx.now(),
    );
    assert!(live.await.unwrap().is_none());
    let typed = send_form(
        &app,
        &browser,
        "/account/two-step/sms/confirm",
        &[("code", &gateway.last_code())],
    )
    .await;
    assert_eq!(typed.status(), 422);
    assert!(
        carespace_store::sms::factor_of(&app.ctx.db, &me, true)
            .await
            .unwrap()
            .is_none()
    );
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(
        !location.starts_with("/login/second-step"),
        "no factor in use"
    );
}

#[tokio::test]
async fn without_a_gateway_sms_is_not_offered() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let page = app
        .get_with(&browser, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Deze site kan geen sms versturen"));
    assert!(!page.contains("action=\"/account/two-step/sms\""));
    let refused = send_form(
        &app,
        &browser,
        "/account/two-step/sms",
        &[("phone", "06 12345678"), ("password", &anna.password)],
    )
    .await;
    assert_eq!(refused.status(), 422);
}

#[tokio::test]
async fn the_gateway_adapter_posts_the_template_escaped_with_the_token_and_gives_up_in_time() {
    let (gateway, url) = Gateway::start().await;
    let to = PhoneNumber::parse("06 12345678").unwrap();
    let text = "123456 is \"je\" code\nvoor {to} \\ zorg — ok";
    let json =
        HttpSmsSender::new(&url, Secret::new("t0k"), TEMPLATE, Duration::from_secs(1)).unwrap();
    json.send(&to, text).await.unwrap();
    let request = gateway.last();
    assert_eq!(request.authorization, "Bearer t0k");
    assert_eq!(request.content_type, "application/json");
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(
        body["message"], text,
        "quotes, newline, backslash escaped; {{to}} in the text kept"
    );
    assert_eq!(body["to"], "+31612345678");

    let form_template = "to={to}&body={text}";
    let form = HttpSmsSender::new(
        &url,
        Secret::new("t0k"),
        form_template,
        Duration::from_secs(1),
    )
    .unwrap();
    form.send(&to, "a&b=c d").await.unwrap();
    let request = gateway.last();
    assert_eq!(request.content_type, "application/x-www-form-urlencoded");
    assert_eq!(request.body, "to=%2B31612345678&body=a%26b%3Dc+d");

    gateway.status.store(500, Ordering::SeqCst);
    assert!(matches!(
        json.send(&to, "x").await,
        Err(SmsError::Refused(500))
    ));

    gateway.status.store(200, Ordering::SeqCst);
    gateway.delay_ms.store(5_000, Ordering::SeqCst);
    let started = Instant::now();
    assert!(matches!(
        json.send(&to, "x").await,
        Err(SmsError::Unreachable(_))
    ));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the timeout holds"
    );
}
