//! "Remember this browser for 30 days" at a login's second step: that browser's logins then
//! ask the password only, for 30 days; the login throttle's trust in a browser alone never
//! skips the step; the person sees and forgets remembered browsers on "Active sessions", and a
//! password reset forgets them all.

use carespace_tests::{Person, TestApp, csrf_token_in, link_in, new_client};

const DAY_MS: i64 = 24 * 60 * 60_000;

/// The password step of a login in `browser`: where it leads.
async fn password_step(app: &TestApp, browser: &reqwest::Client, person: &Person) -> String {
    let answer = app
        .login_with(browser, &person.email, &person.password)
        .await;
    assert_eq!(answer.status(), 303);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// The second step with the app's code, ticking "remember this browser" or not.
async fn second_step(
    app: &TestApp,
    browser: &reqwest::Client,
    person: &Person,
    remember: bool,
) -> reqwest::Response {
    let html = app
        .get_with(browser, "/login/second-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Deze browser 30 dagen onthouden"));
    assert!(!html.contains("checked"), "not ticked unless asked");
    let token = csrf_token_in(&html).unwrap();
    let code = app.app_code(&person.email);
    let mut form = vec![("csrf_token", token.as_str()), ("code", code.as_str())];
    if remember {
        form.push(("remember", "on"));
    }
    app.post_with(browser, "/login/second-step", &form).await
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
async fn a_remembered_browser_skips_the_second_step_for_30_days_and_is_forgotten_on_request() {
    let app = carespace_tests::spawn_app().await;
    let (anna, first) = app.signed_up("Anna").await;
    app.enrol_app(&first, &anna).await;

    // A login without ticking the box: the browser is trusted by the throttle, yet its next
    // login still takes the second step.
    let laptop = new_client();
    assert!(
        password_step(&app, &laptop, &anna)
            .await
            .starts_with("/login/second-step")
    );
    assert_eq!(second_step(&app, &laptop, &anna, false).await.status(), 303);
    app.get_with(&laptop, "/account/sessions").await;
    let csrf = app.token_with(&laptop, "/account").await;
    app.post_with(&laptop, "/logout", &[("csrf_token", &csrf)])
        .await;
    assert!(
        password_step(&app, &laptop, &anna)
            .await
            .starts_with("/login/second-step")
    );

    // Ticked: the next logins of this browser ask the password only.
    assert_eq!(second_step(&app, &laptop, &anna, true).await.status(), 303);
    assert_eq!(logged(&app, "browser_remembered").await, 1);
    let csrf = app.token_with(&laptop, "/account").await;
    app.post_with(&laptop, "/logout", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(password_step(&app, &laptop, &anna).await, "/account");
    // Another browser still takes the second step.
    let phone = new_client();
    assert!(
        password_step(&app, &phone, &anna)
            .await
            .starts_with("/login/second-step")
    );

    // Active sessions lists it, until 30 days after.
    let sessions = app
        .get_with(&laptop, "/account/sessions")
        .await
        .text()
        .await
        .unwrap();
    assert!(sessions.contains("Onthouden browsers"));
    assert!(sessions.contains("Onthouden tot"));
    app.advance(30 * DAY_MS + 1);
    // The laptop's cookies are still there (the session has ended by now).
    let location = password_step(&app, &laptop, &anna).await;
    assert!(
        location.starts_with("/login/second-step"),
        "after 30 days: {location}"
    );
    assert_eq!(second_step(&app, &laptop, &anna, true).await.status(), 303);

    // Forgotten on request: the next login takes the step again.
    let sessions = app
        .get_with(&laptop, "/account/sessions")
        .await
        .text()
        .await
        .unwrap();
    let start = sessions
        .find("/account/sessions/remembered/")
        .expect("a remembered browser");
    let action = &sessions[start..start + sessions[start..].find('"').unwrap()];
    let csrf = csrf_token_in(&sessions).unwrap();
    let forgotten = app
        .post_with(&laptop, action, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(
        forgotten.headers()["location"],
        "/account/sessions?forgotten=1"
    );
    assert_eq!(logged(&app, "browser_forgotten").await, 1);
    let again = app
        .post_with(&laptop, action, &[("csrf_token", &csrf)])
        .await;
    assert_eq!(again.status(), 404, "forgotten once");
    let csrf = app.token_with(&laptop, "/account").await;
    app.post_with(&laptop, "/logout", &[("csrf_token", &csrf)])
        .await;
    assert!(
        password_step(&app, &laptop, &anna)
            .await
            .starts_with("/login/second-step")
    );
}

#[tokio::test]
async fn a_password_reset_forgets_every_remembered_browser() {
    let app = carespace_tests::spawn_app().await;
    let (anna, first) = app.signed_up("Anna").await;
    app.enrol_app(&first, &anna).await;
    let laptop = new_client();
    password_step(&app, &laptop, &anna).await;
    assert_eq!(second_step(&app, &laptop, &anna, true).await.status(), 303);

    let asker = new_client();
    crate::password_reset::ask_reset(&app, &asker, &anna.email).await;
    let link = link_in(&app.last_mail_to(&anna.email).await, "/password/reset");
    let new_password = "an entirely new lantern phrase";
    let reset = crate::password_reset::set_password(&app, &asker, &link, new_password).await;
    assert_eq!(reset.status(), 200);
    let renamed = Person {
        password: new_password.into(),
        ..anna
    };
    let location = password_step(&app, &laptop, &renamed).await;
    assert!(location.starts_with("/login/second-step"), "{location}");
}
