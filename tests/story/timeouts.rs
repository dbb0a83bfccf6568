//! A slow client cannot hold a connection: headers must arrive within
//! `web.header_timeout_seconds`, and a request, its body included, within
//! `web.request_timeout_seconds`.

use axum::Router;
use carespace_tests::{TestApp, spawn_app_with};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn impatient_app() -> TestApp {
    spawn_app_with(
        |config| {
            config.web.header_timeout_seconds = 1;
            config.web.request_timeout_seconds = 2;
        },
        Router::new(),
    )
    .await
}

/// Sends `start` and then nothing more; returns what the server answered before it closed the
/// connection, and how long that took.
async fn send_and_stall(app: &TestApp, start: &[u8]) -> (String, Duration) {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(start).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .unwrap();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_body_that_comes_too_slowly_is_answered_408_and_the_connection_closed() {
    let app = impatient_app().await;
    let (answer, took) = send_and_stall(
        &app,
        b"POST /register HTTP/1.1\r\nHost: localhost\r\nAccept-Language: nl\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8000000\r\n\r\n\
          email=anna%40example.nl&full_name=Anna",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("Te traag"), "{answer}");
    assert!(took < Duration::from_secs(6), "{took:?}");
    // Nothing was stored.
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, "anna@example.nl")
        .await
        .unwrap();
    assert!(stored.is_none());
}

#[tokio::test]
async fn headers_that_never_end_do_not_hold_the_connection() {
    let app = impatient_app().await;
    let (answer, took) = send_and_stall(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: a",
    )
    .await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    // Other requests are served all the while.
    assert_eq!(app.get("/healthz").await.status(), 200);
}
