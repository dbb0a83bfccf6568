//! Messages over the API: a client's program starts a conversation with the staff connected to
//! her, staff answer with an attachment, each side reads the unread counts and the messages
//! (marked read by opening or by the read marker alone), downloads the file whole or in part,
//! and removes their own message within five minutes. Bad input is 422 with each problem and
//! stores nothing; anyone outside the conversation gets 404; a read-only token reads and sends
//! nothing; a token for one Healthspace reaches that Healthspace's conversations only.

use crate::api::{create_scoped_token, create_token};
use crate::practice::{accept, account_id, connect, healthspace, invite, join};
use carespace_app::audit::Origin;
use carespace_core::healthspaces::HealthspaceState;
use carespace_tests::{Person, TestApp, new_client};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::{AnyPool, Row};

/// De Linde: Cleo, a client, connected to Bram (staff); Eva is staff there too, not connected.
/// Each has a read-write token and a browser.
struct Practice {
    owner: reqwest::Client,
    bram: Person,
    eva: Person,
    bram_browser: reqwest::Client,
    cleo_browser: reqwest::Client,
    eva_browser: reqwest::Client,
    bram_id: String,
    eva_id: String,
    cleo_token: String,
    bram_token: String,
    eva_token: String,
}

async fn practice(app: &TestApp) -> Practice {
    let owner = healthspace(app, "de-linde").await;
    let (bram, cleo, eva) = (Person::new("Bram"), Person::new("Cleo"), Person::new("Eva"));
    let bram_browser = join(app, &owner, "de-linde", &bram, "staff").await;
    let eva_browser = join(app, &owner, "de-linde", &eva, "staff").await;
    let cleo_browser = join(app, &owner, "de-linde", &cleo, "client").await;
    app.enrol_app(&cleo_browser, &cleo).await;
    let made = connect(app, &owner, "de-linde", &bram.email, &cleo.email).await;
    assert_eq!(made.status(), 303);
    Practice {
        bram_id: account_id(app, &bram.email).await.to_string(),
        eva_id: account_id(app, &eva.email).await.to_string(),
        cleo_token: create_token(app, &cleo_browser, "Cleo's script").await,
        bram_token: create_token(app, &bram_browser, "Bram's script").await,
        eva_token: create_token(app, &eva_browser, "Eva's script").await,
        owner,
        bram,
        eva,
        bram_browser,
        cleo_browser,
        eva_browser,
    }
}

/// Sends a request with `token`, with `body` as JSON when there is one.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let request = new_client()
        .request(method, app.url(path))
        .bearer_auth(token);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    json_of(call(app, token, Method::GET, path, None).await, 200).await
}

async fn json_of(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

/// Each problem of a 422 answer as (field, code), each with a message.
fn problems(answer: &Value) -> Vec<(String, String)> {
    assert_eq!(answer["error"]["code"], "invalid_input");
    answer["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()));
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (text(&p["field"]), text(&p["code"]))
        })
        .collect()
}

fn problem(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

/// Starts a conversation in `alias`; the answer.
async fn start(app: &TestApp, token: &str, alias: &str, with: &[&str], text: &str) -> Response {
    let body = json!({ "healthspace": alias, "with": with, "text": text });
    call(
        app,
        token,
        Method::POST,
        "/api/v1/conversations",
        Some(body),
    )
    .await
}

/// Sends `text` with `files` as `multipart/form-data` to the conversation `id`.
async fn send(
    app: &TestApp,
    token: &str,
    id: &str,
    text: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> Response {
    let mut form = Form::new().text("text", text.to_owned());
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_owned()));
    }
    new_client()
        .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    let n = sqlx::query(sql)
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    pool.close().await;
    n
}

async fn messages_stored(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM messages").await
}

/// The inbox entry of the conversation `id`.
fn entry<'a>(inbox: &'a Value, id: &str) -> &'a Value {
    inbox["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .expect("the conversation in the inbox")
}

fn pdf(marker: &str) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    for _ in 0..50 {
        bytes.extend_from_slice(marker.as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

#[tokio::test]
async fn a_program_starts_a_conversation_answers_with_a_file_reads_and_removes() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;

    // Bad input: told per field, nothing stored.
    let refused = json_of(start(&app, &p.cleo_token, "de-linde", &[], " ").await, 422).await;
    assert_eq!(
        problems(&refused),
        [
            problem("with", "recipients_missing"),
            problem("text", "message_empty")
        ]
    );
    let body = json!({ "with": [p.bram_id], "text": "Hoi" });
    let missing = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/conversations",
        Some(body),
    )
    .await;
    let missing = json_of(missing, 422).await;
    assert_eq!(problems(&missing), [problem("healthspace", "required")]);
    // Eva (not connected to her) is nobody Cleo may write to.
    let stranger = start(&app, &p.cleo_token, "de-linde", &[&p.eva_id], "Hoi").await;
    assert_eq!(stranger.status(), 404);
    assert_eq!(messages_stored(&app).await, 0);

    let started = start(
        &app,
        &p.cleo_token,
        "de-linde",
        &[&p.bram_id],
        "Hoi Bram,\nmijn verwijzing volgt.",
    )
    .await;
    assert_eq!(started.status(), 201);
    let location = started.headers()["location"].to_str().unwrap().to_owned();
    let sent = started.json::<Value>().await.unwrap();
    let id = sent["conversation_id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/conversations/{id}"));
    assert!(sent["message_id"].is_string());

    // Bram's inbox counts it unread.
    let inbox = get(&app, &p.bram_token, "/api/v1/conversations").await;
    let waiting = entry(&inbox, &id);
    assert_eq!(waiting["unread"], 1);
    assert_eq!(waiting["kind"], "care");
    assert_eq!(waiting["healthspace_alias"], "de-linde");
    assert_eq!(waiting["others"][0]["name"], "Cleo Jansen");
    assert_eq!(waiting["others"][0]["is_client"], true);
    assert!(inbox.get("next").is_none(), "one page");
    let found = get(&app, &p.bram_token, "/api/v1/conversations?q=cleo").await;
    assert_eq!(found["conversations"].as_array().unwrap().len(), 1);
    let none = get(&app, &p.bram_token, "/api/v1/conversations?q=nobody").await;
    assert_eq!(none["conversations"], json!([]));
    let nul = get(&app, &p.bram_token, "/api/v1/conversations?q=Cle%00o").await;
    assert_eq!(nul["conversations"], json!([]), "a NUL byte names nobody");
    let bad = call(
        &app,
        &p.bram_token,
        Method::GET,
        "/api/v1/conversations?before=yesterday",
        None,
    )
    .await;
    assert_eq!(
        problems(&json_of(bad, 422).await),
        [problem("before", "cursor_invalid")]
    );

    // Bram opens it: read now.
    let path = format!("/api/v1/conversations/{id}");
    let opened = get(&app, &p.bram_token, &path).await;
    assert_eq!(opened["conversation"]["unread"], 0);
    assert_eq!(
        opened["messages"][0]["text"],
        "Hoi Bram,\nmijn verwijzing volgt."
    );
    let inbox = get(&app, &p.bram_token, "/api/v1/conversations").await;
    assert_eq!(entry(&inbox, &id)["unread"], 0);

    // Bram answers with a letter; a file of a type not allowed is told and nothing is stored.
    let exe = send(
        &app,
        &p.bram_token,
        &id,
        "Zie bijlage",
        vec![("x.exe", b"MZ\x90\x00".to_vec())],
    )
    .await;
    assert_eq!(
        problems(&json_of(exe, 422).await),
        [problem("files", "file_type")]
    );
    let letter = pdf("Verwijzing-4b2e");
    let answered = send(
        &app,
        &p.bram_token,
        &id,
        "Dank je, zie de brief.",
        vec![("verwijzing.pdf", letter.clone())],
    )
    .await;
    let answered = json_of(answered, 201).await;
    let answer = answered["message_id"].as_str().unwrap().to_owned();
    assert_eq!(answered["conversation_id"], id.as_str());
    assert_eq!(messages_stored(&app).await, 2);

    let cleo_inbox = get(&app, &p.cleo_token, "/api/v1/conversations").await;
    assert_eq!(entry(&cleo_inbox, &id)["unread"], 1);
    // Cleo's read marker alone clears it, without fetching anything.
    let marked = call(
        &app,
        &p.cleo_token,
        Method::POST,
        &format!("/api/v1/conversations/{id}/read"),
        None,
    )
    .await;
    assert_eq!(marked.status(), 204);
    let cleo_inbox = get(&app, &p.cleo_token, "/api/v1/conversations").await;
    assert_eq!(entry(&cleo_inbox, &id)["unread"], 0);

    let read = get(&app, &p.cleo_token, &path).await;
    assert_eq!(read["may_write"], true);
    assert_eq!(read["conversation"]["id"], id.as_str());
    assert!(read.get("next").is_none());
    let messages = read["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    let newest = &messages[0];
    assert_eq!(newest["id"], answer.as_str());
    assert_eq!(newest["sender_name"], "Bram Jansen");
    assert_eq!(newest["mine"], false);
    assert_eq!(newest["text"], "Dank je, zie de brief.");
    let file = &newest["attachments"][0];
    assert_eq!(file["position"], 0);
    assert_eq!(file["name"], "verwijzing.pdf");
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(file["size"], letter.len());
    assert_eq!(messages[1]["text"], "Hoi Bram,\nmijn verwijzing volgt.");
    assert_eq!(messages[1]["mine"], true);
    assert_eq!(messages[1]["read_by"], json!(["Bram Jansen"]));
    // Bram sees that Cleo read his answer.
    let seen = get(&app, &p.bram_token, &path).await;
    assert_eq!(seen["messages"][0]["read_by"], json!(["Cleo Jansen"]));
    assert_eq!(seen["messages"][0]["removable"], true);

    // The letter, whole and in part.
    let file_path = format!("/api/v1/conversations/{id}/messages/{answer}/files/0");
    let whole = call(&app, &p.cleo_token, Method::GET, &file_path, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "application/pdf");
    assert_eq!(whole.bytes().await.unwrap().to_vec(), letter);
    let part = new_client()
        .get(app.url(&file_path))
        .bearer_auth(&p.cleo_token)
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"%PDF");
    let other = file_path.replace("/files/0", "/files/1");
    assert_eq!(
        call(&app, &p.cleo_token, Method::GET, &other, None)
            .await
            .status(),
        404
    );

    // Eva, not in it, learns nothing: not reading, writing, marking, removing, downloading.
    let eva_inbox = get(&app, &p.eva_token, "/api/v1/conversations").await;
    assert_eq!(eva_inbox["conversations"], json!([]));
    let message_path = format!("/api/v1/conversations/{id}/messages/{answer}");
    for (method, path) in [
        (Method::GET, path.clone()),
        (Method::POST, format!("{path}/read")),
        (Method::DELETE, message_path.clone()),
        (Method::GET, file_path.clone()),
    ] {
        let status = call(&app, &p.eva_token, method.clone(), &path, None)
            .await
            .status();
        assert_eq!(status, 404, "{method} {path}");
    }
    let intruding = send(&app, &p.eva_token, &id, "Ik lees mee", vec![]).await;
    assert_eq!(intruding.status(), 404);
    assert_eq!(messages_stored(&app).await, 2);

    // Cleo cannot remove Bram's message; Bram removes it within five minutes.
    let not_hers = call(&app, &p.cleo_token, Method::DELETE, &message_path, None).await;
    assert_eq!(not_hers.status(), 404);
    let removed = call(&app, &p.bram_token, Method::DELETE, &message_path, None).await;
    assert_eq!(removed.status(), 204);
    let again = call(&app, &p.bram_token, Method::DELETE, &message_path, None).await;
    assert_eq!(again.status(), 204, "removing again changes nothing");
    let read = get(&app, &p.cleo_token, &path).await;
    assert_eq!(read["messages"][0]["text"], Value::Null);
    assert_eq!(read["messages"][0]["attachments"], json!([]));
    assert_eq!(
        call(&app, &p.cleo_token, Method::GET, &file_path, None)
            .await
            .status(),
        404,
        "its file is gone"
    );

    // Later than five minutes: told so, in the person's language.
    let kept = json_of(
        send(&app, &p.cleo_token, &id, "Dit blijft", vec![]).await,
        201,
    )
    .await;
    app.advance(5 * 60 * 1000);
    let late_path = format!(
        "/api/v1/conversations/{id}/messages/{}",
        kept["message_id"].as_str().unwrap()
    );
    let late = call(&app, &p.cleo_token, Method::DELETE, &late_path, None).await;
    let late = json_of(late, 422).await;
    assert_eq!(
        problems(&late),
        [problem("message", "message_removal_too_late")]
    );
    let told = late["error"]["problems"][0]["message"].as_str().unwrap();
    assert!(told.contains("5 minuten"), "{told}");
}

/// De Eik, a second Healthspace of Olga's, with Bram and Eva as staff there too; a staff
/// conversation there between them, started with Bram's full token. Its id.
async fn second_healthspace(app: &TestApp, p: &Practice) -> String {
    let olga = account_id(app, "olga@example.nl").await;
    let org = carespace_app::organisations::owned(&app.ctx, &olga)
        .await
        .unwrap()
        .remove(0);
    let origin = Origin::default();
    let eik =
        carespace_app::healthspaces::create(&app.ctx, &olga, &org.id, "De Eik", "de-eik", &origin)
            .await
            .unwrap();
    let active = HealthspaceState::Active;
    carespace_app::healthspaces::set_state(&app.ctx, &olga, eik.id.as_str(), active, &origin)
        .await
        .unwrap();
    for (person, browser) in [(&p.bram, &p.bram_browser), (&p.eva, &p.eva_browser)] {
        let invited = invite(
            app,
            &p.owner,
            "de-eik",
            &person.email,
            "staff",
            &person.birth_date,
        )
        .await;
        assert_eq!(invited.status(), 303);
        let accepted = accept(app, browser, person, &person.birth_date).await;
        assert_eq!(accepted.status(), 303);
    }
    let started = start(
        app,
        &p.bram_token,
        "de-eik",
        &[&p.eva_id],
        "Overleg in De Eik",
    )
    .await;
    let started = json_of(started, 201).await;
    started["conversation_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_read_only_token_sends_nothing_and_a_token_for_one_healthspace_sees_its_own() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let started = start(&app, &p.cleo_token, "de-linde", &[&p.bram_id], "Hallo Bram").await;
    let linde = json_of(started, 201).await["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let message = get(
        &app,
        &p.cleo_token,
        &format!("/api/v1/conversations/{linde}"),
    )
    .await["messages"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Cleo's read-only token reads her conversation, and changes nothing.
    let reader = create_scoped_token(&app, &p.cleo_browser, "Lezer", "read_only", "").await;
    let inbox = get(&app, &reader, "/api/v1/conversations").await;
    assert_eq!(inbox["conversations"][0]["id"], linde.as_str());
    get(&app, &reader, &format!("/api/v1/conversations/{linde}")).await;
    assert_eq!(
        send(&app, &reader, &linde, "Nog iets", vec![])
            .await
            .status(),
        403
    );
    let again = start(&app, &reader, "de-linde", &[&p.bram_id], "Nog een gesprek").await;
    assert_eq!(again.status(), 403);
    let path = format!("/api/v1/conversations/{linde}/messages/{message}");
    let refused = call(&app, &reader, Method::DELETE, &path, None).await;
    let body = json_of(refused, 403).await;
    assert_eq!(body["error"]["code"], "forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(messages_stored(&app).await, 1);
    let text = get(&app, &reader, &format!("/api/v1/conversations/{linde}")).await;
    assert_eq!(text["messages"][0]["text"], "Hallo Bram", "still there");

    // Bram's token for De Linde sees De Linde's conversation only; De Eik's is "not found",
    // to read, answer, mark or start there.
    let eik = second_healthspace(&app, &p).await;
    let all = get(&app, &p.bram_token, "/api/v1/conversations").await;
    assert_eq!(all["conversations"].as_array().unwrap().len(), 2);
    let linde_token =
        create_scoped_token(&app, &p.bram_browser, "Linde", "read_write", "de-linde").await;
    let inbox = get(&app, &linde_token, "/api/v1/conversations").await;
    let ids: Vec<&str> = inbox["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [linde.as_str()]);
    get(
        &app,
        &linde_token,
        &format!("/api/v1/conversations/{linde}"),
    )
    .await;
    let answered = send(&app, &linde_token, &linde, "Tot dinsdag", vec![]).await;
    assert_eq!(answered.status(), 201);
    for (method, path) in [
        (Method::GET, format!("/api/v1/conversations/{eik}")),
        (Method::POST, format!("/api/v1/conversations/{eik}/read")),
    ] {
        let status = call(&app, &linde_token, method.clone(), &path, None)
            .await
            .status();
        assert_eq!(status, 404, "{method} {path}");
    }
    assert_eq!(
        send(&app, &linde_token, &eik, "Hier?", vec![])
            .await
            .status(),
        404
    );
    let elsewhere = start(&app, &linde_token, "de-eik", &[&p.eva_id], "Hier?").await;
    assert_eq!(elsewhere.status(), 404);
    assert_eq!(messages_stored(&app).await, 3);

    // Eva's token for De Eik sees De Eik's conversation, waiting for her.
    let eik_token = create_scoped_token(&app, &p.eva_browser, "Eik", "read_write", "de-eik").await;
    let inbox = get(&app, &eik_token, "/api/v1/conversations").await;
    assert_eq!(entry(&inbox, &eik)["unread"], 1);
    assert_eq!(inbox["conversations"].as_array().unwrap().len(), 1);
}
