//! A shutdown (SIGTERM, Ctrl-C) stops accepting connections but finishes requests in flight, and
//! writes the audit entries still queued; what the start refuses on a public address.

use axum::Router;
use axum::routing::get;
use carespace_core::secret::Secret;
use carespace_tests::spawn_app_with;
use carespace_web::WebState;
use std::time::Duration;

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    "finished"
}

#[tokio::test]
async fn a_request_in_flight_is_finished_during_shutdown() {
    let extra: Router<WebState> = Router::new().route("/test/slow", get(slow));
    let mut app = spawn_app_with(|_| {}, extra).await;
    let client = app.client.clone();
    let url = app.url("/test/slow");
    let in_flight = tokio::spawn(async move { client.get(url).send().await });
    // Let the request reach the handler before the shutdown begins.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let server = app.begin_stop();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let fresh = carespace_tests::new_client().get(app.url("/")).send().await;
    assert!(
        fresh.is_err(),
        "no new connections are accepted during shutdown"
    );

    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");
    server.stopped().await.unwrap();
}

#[tokio::test]
async fn read_entries_still_queued_at_shutdown_are_written() {
    let mut app = spawn_app_with(|_| {}, Router::new()).await;
    let owner = crate::practice::healthspace(&app, "de-linde").await;
    let page = app.get_with(&owner, "/h/de-linde/members").await;
    assert_eq!(page.status(), 200);
    app.stop().await;

    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let (listed,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'members_listed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(listed, 1);
}

#[tokio::test]
async fn on_a_public_address_the_dev_inbox_is_refused_and_metrics_need_a_token() {
    let app = spawn_app_with(|_| {}, Router::new()).await;
    let start = |config: carespace_cli::config::Config| {
        let ctx = app.ctx.clone();
        async move {
            let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
            carespace_cli::server::start(&config, ctx, listener, Router::new()).await
        }
    };
    let mut config = app.config.clone();
    config.web.metrics_token = Some(Secret::new("a-long-random-string"));
    config.mail.dev_inbox = true;
    let error = start(config.clone()).await.err().unwrap().to_string();
    assert!(error.contains("dev inbox"), "{error}");

    config.mail.dev_inbox = false;
    config.web.metrics_token = None;
    let error = start(config.clone()).await.err().unwrap().to_string();
    assert!(error.contains("web.metrics_token"), "{error}");

    config.web.metrics_token = Some(Secret::new("a-long-random-string"));
    let running = start(config).await.unwrap();
    running.stop();
}
