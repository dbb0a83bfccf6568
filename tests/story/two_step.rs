//! Two-step verification with an authenticator app: set up with a first code, logins then take
//! a second step (a code accepted once, one step of drift either way), recovery codes work once,
//! a password reset does not skip the step, removing it takes the password and a code, and the
//! operator can reset it.

use carespace_app::audit::Origin;
use carespace_core::second_factors::totp_code;
use carespace_tests::{TestApp, link_in, new_client, secret_in};

const STEP_MS: i64 = 30_000;

/// Sets up the app for a logged-in browser; the secret and the recovery codes.
async fn set_up(app: &TestApp, browser: &reqwest::Client) -> (Vec<u8>, Vec<String>) {
    let token = app.token_with(browser, "/account/two-step").await;
    let start = |password: &'static str| {
        let fields = [
            ("csrf_token", token.clone()),
            ("password", password.to_owned()),
        ];
        async move {
            app.post_with(browser, "/account/two-step/app", &fields_of(&fields))
                .await
        }
    };
    let without = start("").await;
    assert_eq!(
        without.status(),
        422,
        "a session alone does not set up an app"
    );
    let setup = start("lantern orbit meadow quietly").await;
    assert_eq!(setup.status(), 200);
    let html = setup.text().await.unwrap();
    assert!(html.contains("<svg"), "the QR code is drawn on the page");
    let secret = secret_in(&html);

    let wrong = app
        .post_with(
            browser,
            "/account/two-step/app/confirm",
            &[("csrf_token", &token), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let again = wrong.text().await.unwrap();
    assert!(again.contains("Die code klopt niet"));
    assert_eq!(secret_in(&again), secret, "the same secret, to try again");

    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let confirmed = app
        .post_with(
            browser,
            "/account/two-step/app/confirm",
            &[("csrf_token", &token), ("code", &code)],
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    let html = confirmed.text().await.unwrap();
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|part| part.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

fn fields_of<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn logged(app: &TestApp, action: &str) -> usize {
    carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == action)
        .count()
}

#[tokio::test]
async fn with_an_authenticator_app_a_login_takes_a_code_accepted_once_within_one_step() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let elsewhere = app.logged_in(&anna).await;
    let (secret, _) = set_up(&app, &browser).await;
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Inloggen in twee stappen staat aan"
    );
    assert_eq!(
        app.get_with(&elsewhere, "/account").await.status(),
        303,
        "a session opened with the password alone ended"
    );
    assert_eq!(app.get_with(&browser, "/account").await.status(), 200);
    assert_eq!(logged(&app, "second_factor_enrolled").await, 1);

    let (next, location) = app.first_step(&anna, &anna.password).await;
    assert!(location.starts_with("/login/second-step"), "{location}");
    assert_eq!(
        app.get_with(&next, "/account").await.status(),
        303,
        "no session before the second step"
    );
    let page = app.get_with(&next, "/login/second-step").await;
    assert_eq!(page.status(), 200);

    // The code that set the app up was used: the same one is refused.
    let used = totp_code(&secret, app.ctx.now()).unwrap();
    let replay = app.type_code(&next, &used).await;
    assert_eq!(replay.status(), 422);
    assert!(replay.text().await.unwrap().contains("of is al gebruikt"));
    assert_eq!(
        logged(&app, "second_step_failed").await,
        2,
        "setup's wrong code and this"
    );

    // Two steps ahead is too far; one step behind (a slow typist) is fine, once.
    app.advance(10 * STEP_MS);
    let now = app.ctx.now();
    let far = totp_code(&secret, now.plus_millis(2 * STEP_MS)).unwrap();
    assert_eq!(app.type_code(&next, &far).await.status(), 422);
    let behind = totp_code(&secret, now.plus_millis(-STEP_MS)).unwrap();
    let done = app.type_code(&next, &behind).await;
    assert_eq!(done.status(), 303);
    assert_eq!(app.get_with(&next, "/account").await.status(), 200);

    let (other, _) = app.first_step(&anna, &anna.password).await;
    let ahead = totp_code(&secret, now.plus_millis(STEP_MS)).unwrap();
    assert_eq!(app.type_code(&other, &behind).await.status(), 422);
    assert_eq!(app.type_code(&other, &ahead).await.status(), 303);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_its_owner_is_emailed() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let (_, codes) = set_up(&app, &browser).await;

    let (next, _) = app.first_step(&anna, &anna.password).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(app.type_code(&next, &typed).await.status(), 303);
    let mail = app.last_mail_to(&anna.email).await;
    assert_eq!(mail.subject, "Er is een herstelcode gebruikt");
    assert!(mail.text.contains("Herstelcodes over: 9"), "{}", mail.text);
    assert_eq!(logged(&app, "recovery_code_used").await, 1);

    let (again, _) = app.first_step(&anna, &anna.password).await;
    assert_eq!(app.type_code(&again, &codes[3]).await.status(), 422);
}

#[tokio::test]
async fn new_recovery_codes_take_the_password_and_a_current_code() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let (secret, old) = set_up(&app, &browser).await;
    app.advance(STEP_MS);
    let token = app.token_with(&browser, "/account/two-step").await;
    let renew = |code: String| {
        let fields = [
            ("csrf_token", token.clone()),
            ("password", anna.password.clone()),
            ("code", code),
        ];
        let (app, browser) = (&app, &browser);
        async move {
            app.post_with(
                browser,
                "/account/two-step/recovery-codes",
                &fields_of(&fields),
            )
            .await
        }
    };
    let wrong = renew("123456".into()).await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        logged(&app, "second_step_failed").await,
        2,
        "setup's wrong code and this"
    );
    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let renewed = renew(code).await;
    assert_eq!(renewed.status(), 200);
    assert!(renewed.text().await.unwrap().contains("<li><code>"));
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Er zijn nieuwe herstelcodes gemaakt"
    );
    let (next, _) = app.first_step(&anna, &anna.password).await;
    assert_eq!(
        app.type_code(&next, &old[0]).await.status(),
        422,
        "the old codes no longer work"
    );
}

#[tokio::test]
async fn five_wrong_codes_end_the_login_and_a_password_reset_does_not_skip_the_step() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let (secret, _) = set_up(&app, &browser).await;
    app.advance(STEP_MS);

    let (next, _) = app.first_step(&anna, &anna.password).await;
    for _ in 0..4 {
        assert_eq!(app.type_code(&next, "111111").await.status(), 422);
    }
    let fifth = app.type_code(&next, "111111").await;
    assert_eq!(fifth.status(), 422);
    assert!(
        fifth
            .text()
            .await
            .unwrap()
            .contains("Log opnieuw in met je wachtwoord")
    );
    let right = totp_code(&secret, app.ctx.now()).unwrap();
    let late = app.type_code(&next, &right).await;
    assert_eq!(
        late.status(),
        422,
        "the challenge is gone, even for the right code"
    );
    assert!(late.text().await.unwrap().contains("href=\"/login\""));
    assert_eq!(app.get_with(&next, "/account").await.status(), 303);

    // A new password by the reset link: the next login still asks for the code.
    let forgot = new_client();
    let token = app.token_with(&forgot, "/password/forgot").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("email", anna.email.as_str()),
    ];
    app.post_with(&forgot, "/password/forgot", &fields).await;
    let link = link_in(&app.last_mail_to(&anna.email).await, "/password/reset");
    let html = app.get_with(&forgot, &link).await.text().await.unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let reset_token = link.split_once("?token=").unwrap().1;
    let new_password = "harbour violet engine slowly";
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("token", reset_token),
        ("password", new_password),
    ];
    let reset = app.post_with(&forgot, "/password/reset", &fields).await;
    assert!(reset.status().is_success() || reset.status().is_redirection());
    assert_eq!(app.get_with(&forgot, "/account").await.status(), 303);
    let (_, location) = app.first_step(&anna, new_password).await;
    assert!(location.starts_with("/login/second-step"), "{location}");
}

#[tokio::test]
async fn removing_the_app_takes_the_password_and_a_code_and_the_operator_can_reset_it() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let (secret, _) = set_up(&app, &browser).await;
    app.advance(STEP_MS);
    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let token = app.token_with(&browser, "/account/two-step").await;
    let remove = |password: &'static str, code: String| {
        let token = token.clone();
        let browser = browser.clone();
        let app = &app;
        async move {
            let fields = [
                ("csrf_token", token.as_str()),
                ("password", password),
                ("code", code.as_str()),
            ];
            app.post_with(&browser, "/account/two-step/remove", &fields)
                .await
        }
    };

    let wrong = remove("not my password", code.clone()).await;
    assert_eq!(wrong.status(), 422);
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(location.starts_with("/login/second-step"), "still on");

    let removed = remove("lantern orbit meadow quietly", code).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Inloggen in twee stappen staat uit"
    );
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(!location.starts_with("/login/second-step"), "{location}");
    let anna_id = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let left = carespace_store::second_factors::unused_recovery_codes(&app.ctx.db, &anna_id);
    assert_eq!(left.await.unwrap(), 0, "the recovery codes went with it");

    // Set up again, lost, and reset by the operator with a reason.
    set_up(&app, &browser).await;
    let origin = Origin::default();
    let none =
        carespace_app::second_factors::reset_by_operator(&app.ctx, &anna.email, " ", &origin);
    assert!(none.await.is_err(), "a reason is required");
    carespace_app::second_factors::reset_by_operator(
        &app.ctx,
        &anna.email,
        "phone lost; identity checked by phone",
        &origin,
    )
    .await
    .unwrap();
    let (_, location) = app.first_step(&anna, &anna.password).await;
    assert!(!location.starts_with("/login/second-step"), "{location}");
    let reasons: Vec<_> = carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "second_factor_reset")
        .map(|e| e.record.object_id)
        .collect();
    assert_eq!(
        reasons,
        vec![Some("phone lost; identity checked by phone".to_owned())]
    );
    let removals: Vec<_> = carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "second_factor_removed")
        .map(|e| e.record.actor_role)
        .collect();
    assert_eq!(
        removals,
        vec![Some("self".to_owned()), Some("operator".to_owned())],
        "the owner removed it once, the operator reset it once"
    );
}

#[tokio::test]
async fn over_the_api_a_login_with_a_second_factor_answers_a_challenge_for_the_code() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let (secret, _) = set_up(&app, &browser).await;
    app.advance(STEP_MS);

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
    assert_eq!(
        app.get_with(&script, "/api/v1/me").await.status(),
        401,
        "no session yet"
    );

    let send = |code: String| {
        script
            .post(app.url("/api/v1/session/second-step"))
            .header("x-csrf-token", csrf.as_str())
            .json(&serde_json::json!({ "challenge": challenge, "code": code }))
            .send()
    };
    let wrong = send("123456".into()).await.unwrap();
    assert_eq!(wrong.status(), 422);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(
        body["error"]["problems"][0]["code"],
        "second_factor_code_wrong"
    );
    let code = totp_code(&secret, app.ctx.now()).unwrap();
    let done = send(code).await.unwrap();
    assert_eq!(done.status(), 200);
    let body: serde_json::Value = done.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_with(&script, "/api/v1/me").await.status(), 200);

    // A session that passed the second step makes a personal access token, which then works
    // on its own.
    let created = script
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({
            "name": "backup script",
            "days": 7,
            "access": "read_write",
            "password": anna.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let secret = created.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = new_client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
}
