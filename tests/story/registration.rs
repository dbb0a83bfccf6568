//! Registering and confirming the email address.

use axum::Router;
use carespace_tests::{Person, heading, link_in, new_client, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_new_person_registers_confirms_the_link_and_logs_in() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    let client = new_client();
    let response = app.register_with(&client, &anna).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/register/done");

    let mail = app.last_mail_to(&anna.email).await;
    assert_eq!(mail.subject, "Bevestig je e-mailadres");
    assert!(mail.text.contains("Hallo Anna Jansen"), "{}", mail.text);
    let link = link_in(&mail, "/verify-email?token=");
    assert_eq!(
        link.len(),
        "/verify-email?token=".len() + 64,
        "a 256-bit token"
    );

    // Opening the link only shows a button: a mail scanner cannot use it up.
    let page = app.get_with(&client, &link).await;
    assert_eq!(page.status(), 200);
    let account = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert!(account.email_verified_at.is_none());
    assert_eq!(account.full_name, "Anna Jansen");
    assert_eq!(account.birth_date, "1990-05-31");
    assert!(account.password_hash.starts_with("$argon2id$"));

    // Only the registrant can confirm: the page asks for the account's password, and a
    // wrong one leaves the link usable.
    let wrong = app
        .verify_with(&client, &link, "not the password at all")
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("Dit is niet het wachtwoord van dit account"));
    assert!(wrong.contains(&format!(
        "value=\"{}\"",
        &link["/verify-email?token=".len()..]
    )));
    let account = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert!(account.email_verified_at.is_none());

    let confirmed = app.verify_with(&client, &link, &anna.password).await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(
        heading(&confirmed.text().await.unwrap()),
        "E-mailadres bevestigd"
    );
    let account = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert!(account.email_verified_at.is_some());

    // The link works once.
    let again = app.verify_with(&client, &link, &anna.password).await;
    assert_eq!(again.status(), 400);
    assert_eq!(
        heading(&again.text().await.unwrap()),
        "Deze link werkt niet meer"
    );

    let login = app.login_with(&client, &anna.email, &anna.password).await;
    assert_eq!(login.status(), 303);
    assert_eq!(login.headers()["location"], "/account");
    let account_page = app.get_with(&client, "/account").await;
    assert_eq!(account_page.status(), 200);
}

#[tokio::test]
async fn the_verification_link_expires_after_24_hours() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    let client = new_client();
    app.register_with(&client, &anna).await;
    let link = link_in(&app.last_mail_to(&anna.email).await, "/verify-email");
    app.advance(24 * 3_600_000 + 1);
    assert_eq!(
        app.verify_with(&client, &link, &anna.password)
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn registering_a_known_address_answers_the_same_and_emails_the_owner() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    let new = app.register_with(&client, &Person::new("Bram")).await;
    let mut impostor = Person::new("Someone");
    impostor.email = anna.email.to_uppercase();
    let known = app.register_with(&client, &impostor).await;
    assert_eq!(new.status(), known.status());
    assert_eq!(new.headers()["location"], known.headers()["location"]);
    let done_new = app
        .get_with(&client, "/register/done")
        .await
        .text()
        .await
        .unwrap();
    assert!(done_new.contains("Kijk in je e-mail"));

    let to_anna = app.mails_to(&anna.email).await;
    assert_eq!(to_anna.len(), 2, "verification, then the warning");
    assert_eq!(
        to_anna[1].subject,
        "Iemand probeerde een account te maken met jouw adres"
    );
    assert!(!to_anna[1].text.contains("/verify-email"));
    // Nothing about the impostor was stored.
    let account = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.full_name, "Anna Jansen");
}

#[tokio::test]
async fn bad_input_is_explained_in_the_chosen_language_and_what_was_typed_is_kept() {
    let app = spawn_app().await;
    let client = new_client();
    let token = app.token_with(&client, "/register").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("email", "anna-at-example.nl"),
        ("full_name", "Anna Jansen"),
        ("birth_date", "2031-02-30"),
        ("password", "password123"),
    ];
    for (language, expected) in [
        (
            "nl",
            [
                "Vul een e-mailadres in",
                "Vul een echte geboortedatum in",
                "te makkelijk te raden",
            ],
        ),
        (
            "en",
            [
                "Enter an email address",
                "Enter a real date of birth",
                "too easy to guess",
            ],
        ),
    ] {
        let response = client
            .post(app.url("/register"))
            .header("accept-language", language)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        for text in expected {
            assert!(html.contains(text), "{language}: {text}");
        }
        assert!(html.contains("value=\"anna-at-example.nl\""));
        assert!(html.contains("value=\"Anna Jansen\""));
        assert!(
            !html.contains("password123"),
            "a password is never shown again"
        );
    }
    assert!(app.mails_when_sent().await.is_empty());
    assert!(
        carespace_store::accounts::find_by_email(&app.ctx.db, "anna-at-example.nl")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn people_under_the_minimum_age_cannot_register() {
    let app = spawn_app_with(|c| c.accounts.minimum_age = 18, Router::new()).await;
    let today = app.ctx.clock.now().utc_date();
    let mut young = Person::new("Jonas");
    young.birth_date = format!("{:04}-01-01", today.year - 17);
    let client = new_client();
    let response = client
        .post(app.url("/register"))
        .header("accept-language", "en")
        .form(&[
            (
                "csrf_token",
                app.token_with(&client, "/register").await.as_str(),
            ),
            ("email", young.email.as_str()),
            ("full_name", young.name.as_str()),
            ("birth_date", young.birth_date.as_str()),
            ("password", young.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("younger than the minimum age")
    );
    let mut adult = young.clone();
    adult.birth_date = format!("{:04}-01-01", today.year - 19);
    assert_eq!(app.register_with(&client, &adult).await.status(), 303);
}

#[tokio::test]
async fn passwords_with_the_persons_own_name_are_refused() {
    let app = spawn_app().await;
    let mut anna = Person::new("Anna");
    anna.password = "jansen forever and ever".into();
    let response = app.register_with(&new_client(), &anna).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("je naam of e-mailadres")
    );
}

#[tokio::test]
async fn an_unverified_account_only_sees_check_your_email_and_may_resend_once_a_minute() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    let client = new_client();
    app.register_with(&client, &anna).await;
    let login = app.login_with(&client, &anna.email, &anna.password).await;
    assert_eq!(login.status(), 303);
    assert_eq!(login.headers()["location"], "/verify-pending");
    let account = app.get_with(&client, "/account").await;
    assert_eq!(account.status(), 303);
    assert_eq!(account.headers()["location"], "/verify-pending");
    let pending = app
        .get_with(&client, "/verify-pending")
        .await
        .text()
        .await
        .unwrap();
    assert!(pending.contains(&anna.email));

    let token = app.token_with(&client, "/verify-pending").await;
    let too_soon = app
        .post_with(&client, "/verify-pending", &[("csrf_token", &token)])
        .await;
    assert_eq!(too_soon.status(), 429);
    app.advance(61_000);
    let resent = app
        .post_with(&client, "/verify-pending", &[("csrf_token", &token)])
        .await;
    assert_eq!(resent.status(), 200);
    let mails = app.mails_to(&anna.email).await;
    assert_eq!(mails.len(), 2);
    // The newest link works and the first no longer does.
    let first = link_in(&mails[0], "/verify-email");
    let second = link_in(&mails[1], "/verify-email");
    let password = &anna.password;
    assert_eq!(
        app.verify_with(&client, &first, password).await.status(),
        400
    );
    assert_eq!(
        app.verify_with(&client, &second, password).await.status(),
        200
    );
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
}

#[tokio::test]
async fn the_dev_inbox_shows_the_emails_with_clickable_links_only_when_turned_on() {
    let app = spawn_app_with(|c| c.mail.dev_inbox = true, Router::new()).await;
    let anna = Person::new("Anna");
    app.register_with(&new_client(), &anna).await;
    app.mails_when_sent().await;
    let inbox = app.get("/dev/inbox").await.text().await.unwrap();
    assert!(inbox.contains("Bevestig je e-mailadres"));
    assert!(inbox.contains(&anna.email));
    let mail_page = inbox.split("href=\"/dev/inbox/").nth(1).unwrap();
    let name = &mail_page[..mail_page.find('"').unwrap()];
    let shown = app
        .get(&format!("/dev/inbox/{name}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("<a href=\"http://"));
    assert!(shown.contains("/verify-email?token="));

    let off = spawn_app().await;
    assert_eq!(off.get("/dev/inbox").await.status(), 404);
}

#[tokio::test]
async fn registering_an_owners_address_first_does_not_take_the_organisation() {
    let app = spawn_app().await;
    // Mallory registers the boss's address with a password of her own.
    let boss = Person {
        email: "boss@clinic.nl".into(),
        ..Person::new("Bea")
    };
    let mallory = Person {
        password: "mallory knows this one".into(),
        ..boss.clone()
    };
    let mallory_browser = new_client();
    assert_eq!(
        app.register_with(&mallory_browser, &mallory).await.status(),
        303
    );
    // The operator makes the address owner of an organisation.
    let org = carespace_app::organisations::create(
        &app.ctx,
        "Clinic",
        &boss.email,
        &carespace_app::audit::Origin::default(),
    )
    .await
    .unwrap();
    // The real boss clicks the verification link in her mailbox; she does not know
    // Mallory's password, so the address is not confirmed for Mallory's account.
    let boss_browser = new_client();
    let link = link_in(
        &app.mails_to(&boss.email)
            .await
            .into_iter()
            .find(|m| m.text.contains("/verify-email"))
            .unwrap(),
        "/verify-email",
    );
    let refused = app.verify_with(&boss_browser, &link, &boss.password).await;
    assert_eq!(refused.status(), 422);
    let account = carespace_store::accounts::find_by_email(&app.ctx.db, &boss.email)
        .await
        .unwrap()
        .unwrap();
    assert!(account.email_verified_at.is_none());
    let audit = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap();
    let denied = audit
        .iter()
        .find(|e| e.record.action == "email_verification_refused")
        .expect("the refusal is logged");
    assert_eq!(
        denied.record.object_id.as_deref(),
        Some(account.id.as_str())
    );
    assert_eq!(
        denied.record.outcome,
        carespace_core::audit::Outcome::Denied
    );
    let owners = carespace_store::organisations::owners_of(&app.ctx.db, &org.id)
        .await
        .unwrap();
    assert!(owners.iter().all(|o| o.account_id.is_none()), "{owners:?}");

    // Mallory's unverified login does not make her owner either.
    let login = app
        .login_with(&mallory_browser, &boss.email, &mallory.password)
        .await;
    assert_eq!(login.status(), 303);
    assert_ne!(
        app.get_with(&mallory_browser, &format!("/organisation/{}", org.id))
            .await
            .status(),
        200
    );

    // The boss takes the address back with a password reset: that proves the address, ends
    // Mallory's session, and the ownership attaches when the boss logs in.
    let csrf = app.token_with(&boss_browser, "/password/forgot").await;
    app.post_with(
        &boss_browser,
        "/password/forgot",
        &[("csrf_token", &csrf), ("email", &boss.email)],
    )
    .await;
    let reset = link_in(
        &app.last_mail_to(&boss.email).await,
        "/password/reset?token=",
    );
    let html = app
        .get_with(&boss_browser, &reset)
        .await
        .text()
        .await
        .unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let done = app
        .post_with(
            &boss_browser,
            "/password/reset",
            &[
                ("csrf_token", &csrf),
                ("token", reset.split_once("?token=").unwrap().1),
                ("password", &boss.password),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);
    let owners = carespace_store::organisations::owners_of(&app.ctx.db, &org.id)
        .await
        .unwrap();
    assert!(
        owners.iter().all(|o| o.account_id.is_none()),
        "not before the boss logs in"
    );
    assert_eq!(
        app.get_with(&mallory_browser, "/account").await.status(),
        303,
        "Mallory's session ended"
    );
    app.login_with(&boss_browser, &boss.email, &boss.password)
        .await;
    let owners = carespace_store::organisations::owners_of(&app.ctx.db, &org.id)
        .await
        .unwrap();
    assert_eq!(owners[0].account_id.as_ref(), Some(&account.id));
    app.enrol_app(&boss_browser, &boss).await;
    assert_eq!(
        app.get_with(&boss_browser, &format!("/organisation/{}", org.id))
            .await
            .status(),
        200
    );
}
