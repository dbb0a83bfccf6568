//! "Forgot your password?": the same answer for every address, single-use links that expire
//! in an hour, and every session ended by the new password.

use carespace_tests::{Person, heading, link_in, new_client, spawn_app};

pub async fn ask_reset(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    email: &str,
) -> reqwest::Response {
    let token = app.token_with(client, "/password/forgot").await;
    app.post_with(
        client,
        "/password/forgot",
        &[("csrf_token", &token), ("email", email)],
    )
    .await
}

pub async fn set_password(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    link: &str,
    password: &str,
) -> reqwest::Response {
    let html = app.get_with(client, link).await.text().await.unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let token = link.split_once("?token=").unwrap().1;
    app.post_with(
        client,
        "/password/reset",
        &[
            ("csrf_token", &csrf),
            ("token", token),
            ("password", password),
        ],
    )
    .await
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    let known = ask_reset(&app, &client, &anna.email).await;
    let unknown = ask_reset(&app, &client, "nobody@example.nl").await;
    assert_eq!(known.status(), 200);
    assert_eq!(unknown.status(), 200);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let mails = app.mails_when_sent().await;
    assert!(mails.iter().all(|m| m.to != "nobody@example.nl"));
    assert_eq!(
        app.mails_to(&anna.email).await.last().unwrap().subject,
        "Kies een nieuw wachtwoord"
    );
}

#[tokio::test]
async fn a_new_password_through_the_link_ends_every_session_and_the_link_works_once() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let elsewhere = app.logged_in(&anna).await;
    let client = new_client();
    ask_reset(&app, &client, &anna.email).await;
    let link = link_in(
        &app.last_mail_to(&anna.email).await,
        "/password/reset?token=",
    );

    let weak = set_password(&app, &client, &link, "12345678").await;
    assert_eq!(weak.status(), 422, "the policy applies to resets too");

    let done = set_password(&app, &client, &link, "copper kettle winter harbour").await;
    assert_eq!(done.status(), 200);
    assert_eq!(heading(&done.text().await.unwrap()), "Wachtwoord gewijzigd");
    assert_eq!(app.get_with(&elsewhere, "/account").await.status(), 303);
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Je wachtwoord is gewijzigd"
    );

    assert_eq!(
        app.login_with(&new_client(), &anna.email, &anna.password)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.login_with(&new_client(), &anna.email, "copper kettle winter harbour")
            .await
            .status(),
        303
    );

    let again = app.get_with(&client, &link).await;
    assert_eq!(again.status(), 400, "the link is used up");
}

#[tokio::test]
async fn the_reset_link_expires_after_an_hour() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    ask_reset(&app, &client, &anna.email).await;
    let link = link_in(&app.last_mail_to(&anna.email).await, "/password/reset");
    app.advance(59 * 60_000);
    assert_eq!(app.get_with(&client, &link).await.status(), 200);
    app.advance(60_000 + 1);
    assert_eq!(app.get_with(&client, &link).await.status(), 400);
}

/// Asks to change Anna's address to `new_email`; returns the confirmation link sent there.
async fn email_change_link(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    anna: &Person,
    new_email: &str,
) -> String {
    let csrf = app.token_with(client, "/account").await;
    let asked = app
        .post_with(
            client,
            "/account/email",
            &[
                ("csrf_token", &csrf),
                ("new_email", new_email),
                ("password", &anna.password),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    link_in(&app.last_mail_to(new_email).await, "/email/confirm?token=")
}

#[tokio::test]
async fn a_reset_ends_tokens_trusted_devices_and_open_links_too() {
    let app = spawn_app().await;
    let (anna, annas_browser) = app.signed_up("Anna").await;
    app.enrol_app(&annas_browser, &anna).await;
    // What someone who had her password could have left behind: a token, a trusted browser,
    // an email change to their own address.
    let secret = crate::api::create_token(&app, &annas_browser, "Left behind").await;
    let program = new_client();
    let me = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let takeover = email_change_link(&app, &annas_browser, &anna, "mallory@example.nl").await;

    let client = new_client();
    ask_reset(&app, &client, &anna.email).await;
    let link = link_in(
        &app.last_mail_to(&anna.email).await,
        "/password/reset?token=",
    );
    let new_password = "copper kettle winter harbour";
    assert_eq!(
        set_password(&app, &client, &link, new_password)
            .await
            .status(),
        200
    );

    let me = program
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the token ended with the reset");
    let live =
        carespace_store::api_tokens::list_for_account(&app.ctx.db, &me_id(&app, &anna).await)
            .await
            .unwrap();
    assert!(live.is_empty(), "the token is stored as revoked");

    assert_eq!(
        app.confirm_link(&annas_browser, &takeover).await.status(),
        400,
        "the email-change link ended with the reset"
    );
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap();
    assert!(stored.is_some(), "the address did not change");

    // Twenty failed logins from this address hold back every browser that is not trusted.
    for n in 1..=20 {
        let stranger = format!("stranger{n}@example.nl");
        let response = app
            .login_with(&new_client(), &stranger, "some guess here")
            .await;
        assert_eq!(response.status(), 401);
    }
    // Anna's old browser kept its trusted-device cookie, but the reset forgot that device.
    let old_browser = app
        .login_with(&annas_browser, &anna.email, new_password)
        .await;
    assert_eq!(old_browser.status(), 429);
}

async fn me_id(app: &carespace_tests::TestApp, person: &Person) -> carespace_core::ids::AccountId {
    carespace_store::accounts::find_by_email(&app.ctx.db, &person.email)
        .await
        .unwrap()
        .unwrap()
        .id
}
