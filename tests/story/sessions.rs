//! Active sessions (ASVS V7): what is kept, ending them, timeouts.

use axum::Router;
use carespace_tests::{Person, spawn_app, spawn_app_with};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

fn browser(user_agent: &str, language: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("accept-language", language.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .default_headers(headers)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_user_sees_each_session_with_its_browser_and_ends_another_one() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let laptop = browser(FIREFOX, "nl-NL,nl;q=0.9");
    let phone = browser(IPHONE, "en-GB");
    assert_eq!(
        app.login_with(&laptop, &anna.email, &anna.password)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.login_with(&phone, &anna.email, &anna.password)
            .await
            .status(),
        303
    );

    let page = app
        .get_with(&laptop, "/account/sessions")
        .await
        .text()
        .await
        .unwrap();
    for shown in [
        "Firefox 128.0",
        "Linux",
        "Safari",
        "iPhone",
        "Telefoon",
        "Computer",
        "127.0.0.1",
        "nl-NL,nl;q=0.9",
        "en-GB",
        "Deze browser",
    ] {
        assert!(page.contains(shown), "sessions page lacks {shown}");
    }
    assert_eq!(page.matches("Deze browser").count(), 1);

    let sessions = carespace_store::sessions::list_for_account(
        &app.ctx.db,
        &carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
            .await
            .unwrap()
            .unwrap()
            .id,
    )
    .await
    .unwrap();
    let phone_session = sessions.iter().find(|s| s.os == "iPhone").unwrap();
    assert_eq!(phone_session.device_type, "phone");

    let token = app.token_with(&laptop, "/account/sessions").await;
    let end = app
        .post_with(
            &laptop,
            &format!("/account/sessions/{}/end", phone_session.id),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(end.status(), 303);
    // The phone is logged out at its next request; the laptop is not.
    assert_eq!(app.get_with(&phone, "/account").await.status(), 303);
    assert_eq!(app.get_with(&laptop, "/account").await.status(), 200);
}

#[tokio::test]
async fn someone_elses_session_cannot_be_ended() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    let bram = Person::new("Bram");
    app.sign_up(&anna).await;
    app.sign_up(&bram).await;
    let annas = app.logged_in(&anna).await;
    let brams = app.logged_in(&bram).await;
    let bram_id = carespace_store::accounts::find_by_email(&app.ctx.db, &bram.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let brams_session = &carespace_store::sessions::list_for_account(&app.ctx.db, &bram_id)
        .await
        .unwrap()[0];
    let token = app.token_with(&annas, "/account/sessions").await;
    let attempt = app
        .post_with(
            &annas,
            &format!("/account/sessions/{}/end", brams_session.id),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(attempt.status(), 404);
    assert_eq!(app.get_with(&brams, "/account").await.status(), 200);
}

#[tokio::test]
async fn ending_all_other_sessions_keeps_this_one() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let here = app.logged_in(&anna).await;
    let others = [app.logged_in(&anna).await, app.logged_in(&anna).await];
    let token = app.token_with(&here, "/account/sessions").await;
    let response = app
        .post_with(
            &here,
            "/account/sessions/end-others",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.headers()["location"], "/account/sessions?ended=2");
    let page = app
        .get_with(&here, "/account/sessions?ended=2")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Er zijn 2 sessies beëindigd."));
    for other in &others {
        assert_eq!(app.get_with(other, "/account").await.status(), 303);
    }
    assert_eq!(app.get_with(&here, "/account").await.status(), 200);
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout() {
    let app = spawn_app_with(|c| c.accounts.session_idle_minutes = 30, Router::new()).await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = app.logged_in(&anna).await;
    app.advance(29 * 60_000);
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    app.advance(29 * 60_000);
    assert_eq!(
        app.get_with(&client, "/account").await.status(),
        200,
        "activity kept it alive"
    );
    app.advance(30 * 60_000);
    let expired = app.get_with(&client, "/account").await;
    assert_eq!(expired.status(), 303);
    assert!(
        expired
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("session=;")),
        "the dead cookie is removed"
    );
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_however_active() {
    let app = spawn_app_with(|c| c.accounts.session_absolute_hours = 2, Router::new()).await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = app.logged_in(&anna).await;
    for _ in 0..5 {
        app.advance(20 * 60_000);
        assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    }
    app.advance(20 * 60_000);
    assert_eq!(app.get_with(&client, "/account").await.status(), 303);
}

#[tokio::test]
async fn ending_all_sessions_of_an_account_is_one_use_case() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let clients = [app.logged_in(&anna).await, app.logged_in(&anna).await];
    let id = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let event = carespace_app::audit::Event {
        actor: None,
        role: carespace_core::audit::ActorRole::Operator,
        action: carespace_core::audit::AuditAction::AccountDeactivated,
        object_type: "account",
        object_id: Some(id.as_str()),
        outcome: carespace_core::audit::Outcome::Success,
    };
    let origin = carespace_app::audit::Origin::default();
    let ended = carespace_app::sessions::end_all(&app.ctx, &id, &origin, event).await;
    assert_eq!(ended.unwrap(), 2);
    for client in &clients {
        assert_eq!(app.get_with(client, "/account").await.status(), 303);
    }
}

#[tokio::test]
async fn reading_pages_records_activity_at_most_once_a_minute() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = app.logged_in(&anna).await;
    let id = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let last_seen = || async {
        let sessions = carespace_store::sessions::list_for_account(&app.ctx.db, &id)
            .await
            .unwrap();
        assert_eq!(sessions.len(), 1);
        sessions[0].last_seen_at.millis()
    };
    let at_login = last_seen().await;

    app.advance(59_000);
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    assert_eq!(
        last_seen().await,
        at_login,
        "a page within the minute writes nothing"
    );

    app.advance(1_000);
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    assert_eq!(
        last_seen().await,
        at_login + 60_000,
        "a minute on, it is recorded"
    );
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    assert_eq!(last_seen().await, at_login + 60_000);
}
