//! A shutdown (SIGTERM, Ctrl-C) stops accepting connections but finishes requests in flight.

use axum::Router;
use axum::routing::get;
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
