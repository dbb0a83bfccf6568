//! The live stream (`GET /events`) on one instance: each account gets its own events, a
//! reconnect resumes (or is told to reload), the stream ends with its session and does not
//! keep it alive, and an API token may use it.

use axum::Router;
use carespace_app::live::{Delivery, LiveEvent};
use carespace_core::ids::{AccountId, ConversationId, MessageId};
use carespace_tests::events::EventStream;
use carespace_tests::{Person, TestApp, spawn_app, spawn_app_with};
use std::time::Duration;

const SOON: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

/// A stream of `client`'s; subscribed once the response's head has come.
async fn open(app: &TestApp, client: &reqwest::Client, last: Option<&str>) -> EventStream {
    EventStream::open(client, &app.url("/events"), last).await
}

async fn id_of(app: &TestApp, email: &str) -> AccountId {
    crate::practice::account_id(app, email).await
}

fn unread(to: &AccountId, total: i64) -> Delivery {
    Delivery {
        to: to.clone(),
        event: LiveEvent::Unread {
            unread_total: total,
        },
    }
}

#[tokio::test]
async fn live_events_reach_only_their_own_accounts_streams() {
    let app = spawn_app().await;
    let (anna, anna_browser) = app.signed_up("Anna").await;
    let (bram, bram_browser) = app.signed_up("Bram").await;
    let (anna_id, bram_id) = (
        id_of(&app, &anna.email).await,
        id_of(&app, &bram.email).await,
    );
    let mut annas = open(&app, &anna_browser, None).await;
    let mut annas_phone = open(&app, &anna_browser, None).await;
    let mut brams = open(&app, &bram_browser, None).await;

    let conversation = ConversationId::generate();
    let message = MessageId::generate();
    let to_anna = LiveEvent::Message {
        conversation: conversation.clone(),
        message: message.clone(),
        unread_here: 1,
        unread_total: 4,
    };
    app.ctx
        .live
        .publish(vec![
            Delivery {
                to: anna_id.clone(),
                event: to_anna,
            },
            unread(&bram_id, 0),
        ])
        .await;

    for stream in [&mut annas, &mut annas_phone] {
        let frame = stream.next_within(SOON).await.unwrap();
        assert_eq!(frame.event, "message");
        assert_eq!(frame.data["conversation"], conversation.as_str());
        assert_eq!(frame.data["message"], message.as_str());
        assert_eq!(frame.data["unread_here"], 1);
        assert_eq!(frame.data["unread_total"], 4);
        assert!(frame.id.unwrap().ends_with(".1"));
        assert!(stream.next_within(QUIET).await.is_none(), "nothing else");
    }
    let frame = brams.next_within(SOON).await.unwrap();
    assert_eq!(frame.event, "unread");
    assert_eq!(frame.data, serde_json::json!({ "unread_total": 0 }));
    assert!(
        brams.next_within(QUIET).await.is_none(),
        "not Anna's message"
    );

    drop((annas, annas_phone, brams));
    for _ in 0..50 {
        if app.ctx.live.open_streams() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.ctx.live.open_streams(),
        0,
        "closed streams leave the hub"
    );
}

#[tokio::test]
async fn a_live_stream_resumes_after_its_last_event_id_or_is_told_to_reload() {
    let app = spawn_app_with(|c| c.live.replay_events = 2, Router::new()).await;
    let (anna, browser) = app.signed_up("Anna").await;
    let anna_id = id_of(&app, &anna.email).await;
    let mut stream = open(&app, &browser, None).await;
    app.ctx.live.publish(vec![unread(&anna_id, 1)]).await;
    let first = stream.next_within(SOON).await.unwrap().id.unwrap();
    app.ctx.live.publish(vec![unread(&anna_id, 2)]).await;
    let second = stream.next_within(SOON).await.unwrap().id.unwrap();
    drop(stream);
    // Published while Anna's browser reconnects.
    app.ctx.live.publish(vec![unread(&anna_id, 3)]).await;

    let mut resumed = open(&app, &browser, Some(&second)).await;
    let missed = resumed.next_within(SOON).await.unwrap();
    assert_eq!(missed.data["unread_total"], 3);
    assert!(resumed.next_within(QUIET).await.is_none());
    drop(resumed);

    let instance = first.split('.').next().unwrap();
    for last in [
        "0123456789ab.1".to_owned(),
        format!("{instance}.999"),
        "garbage".to_owned(),
    ] {
        let mut stream = open(&app, &browser, Some(&last)).await;
        let frame = stream.next_within(SOON).await.unwrap();
        assert_eq!(frame.event, "reload", "after {last}");
        assert_eq!(frame.id.unwrap(), format!("{instance}.3"));
        assert!(stream.next_within(QUIET).await.is_none());
    }

    // Two are kept: after the first, the second is no longer known.
    app.ctx.live.publish(vec![unread(&anna_id, 4)]).await;
    let mut stream = open(&app, &browser, Some(&first)).await;
    assert_eq!(stream.next_within(SOON).await.unwrap().event, "reload");
    let mut stream = open(&app, &browser, Some(&second)).await;
    assert_eq!(
        stream.next_within(SOON).await.unwrap().data["unread_total"],
        3
    );
    assert_eq!(
        stream.next_within(SOON).await.unwrap().data["unread_total"],
        4
    );
}

#[tokio::test]
async fn a_live_stream_ends_at_logout_and_when_its_session_is_ended_elsewhere() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let mut stream = open(&app, &browser, None).await;
    let token = app.token_with(&browser, "/account").await;
    let out = app
        .post_with(&browser, "/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(out.status(), 303);
    assert!(stream.ends_within(SOON).await, "logout ends the stream");

    let laptop = app.logged_in(&anna).await;
    let phone = app.logged_in(&anna).await;
    let mut on_laptop = open(&app, &laptop, None).await;
    let mut on_phone = open(&app, &phone, None).await;
    let token = app.token_with(&phone, "/account/sessions").await;
    let ended = app
        .post_with(
            &phone,
            "/account/sessions/end-others",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(ended.status(), 303);
    assert!(
        on_laptop.ends_within(SOON).await,
        "the ended session's stream"
    );
    assert!(
        !on_phone.ends_within(QUIET).await,
        "the session that ended the others keeps its stream"
    );
}

#[tokio::test]
async fn an_open_live_stream_does_not_keep_an_idle_session_alive() {
    let app = spawn_app_with(
        |c| {
            c.accounts.session_idle_minutes = 30;
            c.live.keep_alive_seconds = 1;
        },
        Router::new(),
    )
    .await;
    let (_, browser) = app.signed_up("Anna").await;
    app.advance(29 * 60_000);
    let mut stream = open(&app, &browser, None).await;
    assert!(
        !stream.ends_within(Duration::from_millis(2_500)).await,
        "alive while the session is"
    );
    app.advance(2 * 60_000);
    assert!(
        stream.ends_within(Duration::from_secs(3)).await,
        "ends at the keep-alive after the idle timeout"
    );
    assert_eq!(
        app.get_with(&browser, "/account").await.status(),
        303,
        "the stream was no activity: the session timed out"
    );
}

#[tokio::test]
async fn an_api_token_may_use_the_live_stream_and_no_one_unauthenticated() {
    let app = spawn_app().await;
    let (anna, browser) = app.signed_up("Anna").await;
    let anna_id = id_of(&app, &anna.email).await;
    app.enrol_app(&browser, &anna).await;
    let secret = crate::api::create_token(&app, &browser, "Live").await;
    let program = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {secret}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let mut stream = open(&app, &program, None).await;
    app.ctx.live.publish(vec![unread(&anna_id, 2)]).await;
    assert_eq!(stream.next_within(SOON).await.unwrap().event, "unread");

    let stranger = carespace_tests::new_client();
    let refused = stranger.get(app.url("/events")).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let forged = stranger
        .get(app.url("/events"))
        .bearer_auth(format!("csp_{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    let tokens: serde_json::Value = program
        .get(app.url("/api/v1/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = tokens[0]["id"].as_str().unwrap();
    let csrf = app.token_with(&browser, "/account/tokens").await;
    let revoked = app
        .post_with(
            &browser,
            &format!("/account/tokens/{id}/revoke"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    assert!(
        stream.ends_within(SOON).await,
        "a revoked token's stream ends"
    );
}

#[tokio::test]
async fn live_events_follow_a_conversation_sent_read_and_removed() {
    use crate::practice::{connect, healthspace, join};
    let app = spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let owner = healthspace(&app, "de-linde").await;
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    let cleo_browser = join(&app, &owner, "de-linde", &cleo, "client").await;
    connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;
    let bram_id = id_of(&app, &bram.email).await;
    let mut brams = open(&app, &bram_browser, None).await;
    let mut cleos = open(&app, &cleo_browser, None).await;

    let token = app.token_with(&cleo_browser, "/messages/new").await;
    let to = format!("de-linde:{bram_id}");
    let started = app
        .post_with(
            &cleo_browser,
            "/messages/new",
            &[("csrf_token", &token), ("to", &to), ("text", "Hoi Bram")],
        )
        .await;
    assert_eq!(started.status(), 303);
    let path = started.headers()["location"].to_str().unwrap().to_owned();
    let new = brams.next_within(SOON).await.unwrap();
    assert_eq!(new.event, "message");
    assert_eq!(new.data["unread_here"], 1);
    assert_eq!(new.data["unread_total"], 1);
    assert!(!new.data.to_string().contains("Hoi"), "never the text");
    let conversation = new.data["conversation"].as_str().unwrap().to_owned();
    let message = new.data["message"].as_str().unwrap().to_owned();
    assert_eq!(path, format!("/messages/{conversation}"));
    assert!(
        cleos.next_within(QUIET).await.is_none(),
        "not to its sender"
    );

    assert_eq!(app.get_with(&bram_browser, &path).await.status(), 200);
    let receipt = cleos.next_within(SOON).await.unwrap();
    assert_eq!(receipt.event, "read");
    assert_eq!(receipt.data["conversation"], conversation.as_str());
    assert_eq!(receipt.data["reader"], bram_id.as_str());
    let unread = brams.next_within(SOON).await.unwrap();
    assert_eq!(
        (unread.event.as_str(), &unread.data["unread_total"]),
        ("unread", &0.into())
    );

    let token = app.token_with(&cleo_browser, &path).await;
    let removed = app
        .post_with(
            &cleo_browser,
            &format!("{path}/messages/{message}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(removed.status(), 303);
    let gone = brams.next_within(SOON).await.unwrap();
    assert_eq!(gone.event, "message_removed");
    assert_eq!(gone.data["message"], message.as_str());
}
