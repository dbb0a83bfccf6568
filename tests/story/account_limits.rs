//! Changes that check the current password or send email are limited: the current password is
//! checked at most 10 times an hour per account, and email-change links go out at most 5 times
//! an hour per account and 3 times an hour to one address.

use carespace_tests::{Person, TestApp, spawn_app};

async fn change_email(
    app: &TestApp,
    client: &reqwest::Client,
    person: &Person,
    new_email: &str,
) -> reqwest::Response {
    let token = app.token_with(client, "/account").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("new_email", new_email),
        ("password", person.password.as_str()),
    ];
    app.post_with(client, "/account/email", &fields).await
}

#[tokio::test]
async fn current_password_checks_are_limited_per_account() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    // Confirming her address asked her password: that was the first check of the hour.
    for n in 2..=10 {
        let token = app.token_with(&client, "/account").await;
        let guess = format!("guessing her password {n}");
        let fields = [
            ("csrf_token", token.as_str()),
            ("current_password", guess.as_str()),
            ("new_password", "copper kettle winter harbour"),
        ];
        let wrong = app.post_with(&client, "/account/password", &fields).await;
        assert_eq!(wrong.status(), 422, "guess {n}");
    }
    let token = app.token_with(&client, "/account").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("current_password", anna.password.as_str()),
        ("new_password", "copper kettle winter harbour"),
    ];
    let refused = app.post_with(&client, "/account/password", &fields).await;
    assert_eq!(refused.status(), 429, "even the right password waits");
    // A new phone number is checked under the same limit.
    let token = app.token_with(&client, "/account").await;
    let phone = [
        ("csrf_token", token.as_str()),
        ("full_name", "Anna Jansen"),
        ("phone", "06 12345678"),
        ("phone_password", anna.password.as_str()),
    ];
    let phone_refused = app.post_with(&client, "/account/profile", &phone).await;
    assert_eq!(phone_refused.status(), 429);
    // The refusals wrote nothing; the summary counts them by kind.
    let summary = carespace_app::throttle::summarise_refusals(&app.ctx)
        .await
        .unwrap();
    assert_eq!(summary.as_deref(), Some("current_password=2"));
    let log = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap();
    let last = &log.last().unwrap().record;
    assert_eq!(last.action, "throttled_requests_summarised");
    assert_eq!(last.object_id.as_deref(), Some("current_password=2"));
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert!(
        carespace_app::passwords::verify(
            &app.ctx.hashing,
            carespace_app::passwords::HashUse::Other,
            carespace_core::secret::Secret::new(anna.password.clone()),
            Some(stored.password_hash),
        )
        .await
        .unwrap(),
        "the password is unchanged"
    );
    assert_eq!(stored.phone, None);
}

#[tokio::test]
async fn email_change_links_are_limited_per_account_and_per_address() {
    let app = spawn_app().await;
    let (anna, annas) = app.signed_up("Anna").await;
    let (bert, berts) = app.signed_up("Bert").await;
    let target = "inbox@victim.example.nl";
    for _ in 0..3 {
        assert_eq!(
            change_email(&app, &annas, &anna, target).await.status(),
            303
        );
    }
    // A fourth link to that address, from anyone, is refused.
    assert_eq!(
        change_email(&app, &berts, &bert, target).await.status(),
        429
    );
    assert_eq!(app.mails_to(target).await.len(), 3);

    // Anna has two requests left this hour.
    for n in 0..2 {
        let other = format!("anna{n}@new.example.nl");
        assert_eq!(
            change_email(&app, &annas, &anna, &other).await.status(),
            303
        );
    }
    let refused = change_email(&app, &annas, &anna, "anna9@new.example.nl").await;
    assert_eq!(refused.status(), 429);
    assert!(app.mails_to("anna9@new.example.nl").await.is_empty());
}
