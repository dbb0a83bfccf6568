//! Two-step verification before care: staff, admins and owners without a second factor reach
//! only their own account until they set one up (the authorisation matrix has them as an
//! actor of their own); a Healthspace can ask the same of its clients.

use crate::practice::{healthspace, invite};
use carespace_tests::{Person, TestApp, csrf_token_in};

/// Turns "clients must log in with two-step verification" on or off for `de-linde`.
async fn ask_clients(app: &TestApp, admin: &reqwest::Client, on: bool) {
    let page = app
        .get_with(admin, "/h/de-linde/settings")
        .await
        .text()
        .await
        .unwrap();
    let token = csrf_token_in(&page).unwrap();
    let mut form = vec![
        ("csrf_token", token.as_str()),
        ("name", "De Linde"),
        ("address", ""),
        ("welcome_text", ""),
        ("opening_hours", ""),
    ];
    if on {
        form.push(("clients_two_step", "on"));
    }
    let saved = app.post_with(admin, "/h/de-linde/settings", &form).await;
    assert_eq!(saved.status(), 303);
    let stored = crate::practice::healthspace_id(app, "de-linde").await;
    let row = carespace_store::healthspaces::find(&app.ctx.db, &stored)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.settings.clients_two_step, on);
}

#[tokio::test]
async fn staff_without_a_second_factor_are_sent_to_set_one_up_and_then_reach_the_healthspace() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    app.sign_up(&bram).await;
    invite(&app, &owner, "de-linde", &bram.email, "staff", "").await;
    let browser = app.logged_in(&bram).await;
    assert_eq!(
        crate::practice::accept(&app, &browser, &bram, "")
            .await
            .status(),
        303
    );

    let dashboard = app.get_with(&browser, "/h/de-linde").await;
    assert_eq!(dashboard.headers()["location"], "/account/two-step");
    let setup = app
        .get_with(&browser, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(setup.contains("stel inloggen in twee stappen in om verder te gaan"));
    let api = app
        .get_with(&browser, "/api/v1/healthspaces/de-linde/members")
        .await;
    assert_eq!(api.status(), 403);
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "second_factor_required"
    );
    // The next login lands on the setup too.
    let again = carespace_tests::new_client();
    let login = app.login_with(&again, &bram.email, &bram.password).await;
    assert_eq!(login.headers()["location"], "/account/two-step");

    app.enrol_app(&again, &bram).await;
    assert_eq!(app.get_with(&again, "/h/de-linde").await.status(), 200);
    let setup = app
        .get_with(&again, "/account/two-step")
        .await
        .text()
        .await
        .unwrap();
    assert!(!setup.contains("om verder te gaan"), "no longer asked");
}

#[tokio::test]
async fn a_healthspace_can_ask_its_clients_for_two_step_verification_too() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    let browser = crate::practice::join(&app, &owner, "de-linde", &cleo, "client").await;
    assert_eq!(
        app.get_with(&browser, "/h/de-linde").await.status(),
        200,
        "off by default"
    );

    ask_clients(&app, &owner, true).await;
    let dashboard = app.get_with(&browser, "/h/de-linde").await;
    assert_eq!(dashboard.headers()["location"], "/account/two-step");
    assert_eq!(
        app.get_with(&browser, "/account/memberships")
            .await
            .status(),
        200,
        "the client's own account stays open"
    );
    app.enrol_app(&browser, &cleo).await;
    assert_eq!(app.get_with(&browser, "/h/de-linde").await.status(), 200);

    let dana = Person::new("Dana");
    let other = crate::practice::join(&app, &owner, "de-linde", &dana, "client").await;
    assert_eq!(
        app.get_with(&other, "/h/de-linde").await.headers()["location"],
        "/account/two-step"
    );
    ask_clients(&app, &owner, false).await;
    assert_eq!(app.get_with(&other, "/h/de-linde").await.status(), 200);
}
