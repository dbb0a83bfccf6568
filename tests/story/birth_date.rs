//! A date of birth registered wrongly is corrected by its owner: with the password, emailed,
//! audit-logged, at most once in 30 days.

use carespace_store::audit::entries_after;
use carespace_tests::TestApp;

const DAY_MS: i64 = 24 * 3_600_000;

async fn correct(
    app: &TestApp,
    browser: &reqwest::Client,
    date: &str,
    password: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, "/account").await;
    app.post_with(
        browser,
        "/account/birth-date",
        &[
            ("csrf_token", token.as_str()),
            ("birth_date", date),
            ("birth_date_password", password),
        ],
    )
    .await
}

async fn stored(app: &TestApp, email: &str) -> String {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .unwrap()
        .birth_date
}

async fn corrections(app: &TestApp) -> usize {
    entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "birth_date_corrected")
        .count()
}

#[tokio::test]
async fn a_wrong_date_of_birth_is_corrected_with_the_password_once_in_30_days() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let page = app
        .get_with(&browser, "/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&anna.birth_date) && page.contains("Geboortedatum corrigeren"));

    // Without the password, or with a wrong one: refused, the date typed kept, nothing stored.
    let without = correct(&app, &browser, "1990-05-13", "").await;
    assert_eq!(without.status(), 422);
    let page = without.text().await.unwrap();
    assert!(page.contains("Vul je wachtwoord in om je geboortedatum te corrigeren"));
    assert!(
        page.contains("value=\"1990-05-13\""),
        "the date typed is kept"
    );
    let wrong = correct(&app, &browser, "1990-05-13", "not the password").await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Het huidige wachtwoord klopt niet")
    );
    let future = correct(&app, &browser, "2999-01-01", &anna.password).await;
    assert_eq!(future.status(), 422);
    assert_eq!(stored(&app, &anna.email).await, anna.birth_date);
    assert_eq!(corrections(&app).await, 0);

    let done = correct(&app, &browser, "1990-05-13", &anna.password).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/account?done=birth-date");
    assert_eq!(stored(&app, &anna.email).await, "1990-05-13");
    let mail = app.last_mail_to(&anna.email).await;
    assert_eq!(mail.subject, "Je geboortedatum is gecorrigeerd");
    assert!(
        !mail.text.contains("1990-05-13"),
        "the date is not in the email"
    );
    assert_eq!(corrections(&app).await, 1);
    let entry = entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.record.action == "birth_date_corrected")
        .unwrap();
    assert_eq!(entry.record.actor_role.as_deref(), Some("self"));
    assert!(
        !format!("{entry:?}").contains("1990-05-13"),
        "no date in the log"
    );

    // A second correction within 30 days is refused, before the password is even checked.
    let again = correct(&app, &browser, "1990-05-31", &anna.password).await;
    assert_eq!(again.status(), 422);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("minder dan 30 dagen geleden")
    );
    assert_eq!(stored(&app, &anna.email).await, "1990-05-13");
    app.advance(30 * DAY_MS + 1_000);
    // A month on, the session has long ended: Anna logs in again.
    let browser = app.logged_in(&anna).await;
    let later = correct(&app, &browser, "1990-05-31", &anna.password).await;
    assert_eq!(later.status(), 303);
    assert_eq!(stored(&app, &anna.email).await, "1990-05-31");
    assert_eq!(corrections(&app).await, 2);
}

#[tokio::test]
async fn over_the_api_the_date_of_birth_is_corrected_with_the_password_once_in_30_days() {
    let app = carespace_tests::spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let token = app.token_with(&browser, "/account").await;
    let correct = |date: &'static str, password: &'static str| {
        browser
            .post(app.url("/api/v1/me/birth-date"))
            .header("x-csrf-token", token.as_str())
            .json(&serde_json::json!({ "birth_date": date, "password": password }))
            .send()
    };

    let wrong = correct("1990-05-13", "not my password").await.unwrap();
    assert_eq!(wrong.status(), 422);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(
        body["error"]["problems"][0]["code"],
        "current_password_wrong"
    );
    assert_eq!(stored(&app, &anna.email).await, anna.birth_date);

    let done = correct("1990-05-13", "lantern orbit meadow quietly")
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["birth_date"], "1990-05-13");
    assert_eq!(stored(&app, &anna.email).await, "1990-05-13");
    assert_eq!(corrections(&app).await, 1);
    assert!(
        !app.last_mail_to(&anna.email)
            .await
            .text
            .contains("1990-05-13"),
        "the email does not carry the date"
    );

    let again = correct("1990-05-14", "lantern orbit meadow quietly")
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(
        body["error"]["problems"][0]["code"],
        "birth_date_corrected_recently"
    );
    app.advance(31 * DAY_MS);
    let later = app.logged_in(&anna).await;
    let token = app.token_with(&later, "/account").await;
    let after = later
        .post(app.url("/api/v1/me/birth-date"))
        .header("x-csrf-token", token.as_str())
        .json(&serde_json::json!({ "birth_date": "1990-05-14", "password": anna.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        200,
        "a month later it may be corrected again"
    );
}
