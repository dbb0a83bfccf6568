//! Behind a reverse proxy (`web.trusted_proxies`) each client counts as its own address: one
//! guesser at the shared proxy address does not lock out every new browser. From any other
//! peer, forwarding headers are ignored.

use crate::practice::account_id;
use axum::Router;
use carespace_tests::{Person, TestApp, spawn_app, spawn_app_with};

/// A browser whose requests reach the server through a proxy that says it forwards for `ip`.
fn browser_at(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn session_ips(app: &TestApp, email: &str) -> Vec<String> {
    let id = account_id(app, email).await;
    carespace_store::sessions::list_for_account(&app.ctx.db, &id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.ip)
        .collect()
}

#[tokio::test]
async fn behind_a_trusted_proxy_a_guesser_does_not_lock_out_other_clients() {
    let app = spawn_app_with(
        |c| c.web.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()],
        Router::new(),
    )
    .await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;

    // A guesser tries 20 addresses (five tries each would be the per-account limit).
    let guesser = browser_at("198.51.100.9");
    for n in 1..=20 {
        let email = format!("someone{n}@example.nl");
        let response = app
            .login_with(&guesser, &email, "a guess at a password")
            .await;
        assert_eq!(response.status(), 401, "guess {n}");
    }
    let slowed = app
        .login_with(&guesser, "someone21@example.nl", "a guess at a password")
        .await;
    assert_eq!(
        slowed.status(),
        429,
        "the guesser's own address is slowed down"
    );

    // Anna, behind the same proxy on a browser she never used here, logs in at once.
    let annas = browser_at("203.0.113.5");
    let response = app.login_with(&annas, &anna.email, &anna.password).await;
    assert_eq!(response.status(), 303);
    assert!(
        session_ips(&app, &anna.email)
            .await
            .contains(&"203.0.113.5".to_owned())
    );
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let browser = browser_at("203.0.113.5");
    let response = app.login_with(&browser, &anna.email, &anna.password).await;
    assert_eq!(response.status(), 303);
    assert_eq!(session_ips(&app, &anna.email).await, ["127.0.0.1"]);
}
