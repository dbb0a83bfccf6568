//! Messages: a client writes with the staff connected to them and nobody else reads it; unread
//! counts show in the navigation and the inbox; a staff member whose connection ends loses the
//! conversation while the client keeps it to read; a message is removed within five minutes
//! only; attachments go through the file pipeline; nothing of a message is stored in clear; and
//! every read by staff is in the client's "Who viewed my record".

use crate::practice::{account_id, connect, healthspace, join};
use carespace_tests::{Person, TestApp};
use reqwest::multipart::{Form, Part};
use sqlx::Row;

pub(crate) async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let response = app.get_with(browser, path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Starts a conversation from `/messages/new`; returns the status and where it led.
pub(crate) async fn start(
    app: &TestApp,
    browser: &reqwest::Client,
    to: &[String],
    text: &str,
) -> (u16, String) {
    let token = app.token_with(browser, "/messages/new").await;
    let mut fields = vec![("csrf_token", token.clone()), ("text", text.to_owned())];
    fields.extend(to.iter().map(|to| ("to", to.clone())));
    let response = browser
        .post(app.url("/messages/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    match location {
        Some(location) => (status, location),
        None => (status, response.text().await.unwrap()),
    }
}

/// Sends a message (with attachments) to the conversation at `path`.
pub(crate) async fn send(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    text: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> (u16, String) {
    let token = app.token_with(browser, "/messages").await;
    let mut form = Form::new()
        .text("csrf_token", token)
        .text("text", text.to_owned());
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_owned()));
    }
    let response = browser
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The number in the navigation's unread badge.
fn badge(html: &str) -> u32 {
    let (_, rest) = html.split_once("data-unread-total").expect("a badge");
    let (_, rest) = rest.split_once('>').unwrap();
    rest.split('<').next().unwrap().trim().parse().unwrap()
}

/// The number a `SELECT COUNT(*) AS n …` with these text parameters answers.
async fn count(pool: &sqlx::AnyPool, sql: &str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(pool).await.unwrap().get("n")
}

pub(crate) async fn raw(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.database_url()).await.unwrap()
}

/// De Linde: Bram (staff) connected to Cleo (client), Eva staff there but not connected;
/// returns (owner, Bram, Cleo, Eva) browsers.
pub(crate) async fn practice(app: &TestApp, cleo: &Person, bram: &Person) -> [reqwest::Client; 4] {
    practice_with(app, cleo, bram, &Person::new("Eva")).await
}

async fn practice_with(
    app: &TestApp,
    cleo: &Person,
    bram: &Person,
    eva: &Person,
) -> [reqwest::Client; 4] {
    let owner = healthspace(app, "de-linde").await;
    let bram_browser = join(app, &owner, "de-linde", bram, "staff").await;
    let eva_browser = join(app, &owner, "de-linde", eva, "staff").await;
    let cleo_browser = join(app, &owner, "de-linde", cleo, "client").await;
    let made = connect(app, &owner, "de-linde", &bram.email, &cleo.email).await;
    assert_eq!(made.status(), 303);
    [owner, bram_browser, cleo_browser, eva_browser]
}

#[tokio::test]
async fn a_client_writes_with_connected_staff_and_nobody_else_reads_it() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [owner, bram_browser, cleo_browser, eva] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    let cleo_id = account_id(&app, &cleo.email).await;

    // Cleo is offered Bram (connected), not Eva.
    let (_, new) = page(&app, &cleo_browser, "/messages/new").await;
    assert!(new.contains("Bram"), "{new}");
    assert!(!new.contains("Eva"), "{new}");

    let marker = "Slaapdagboek-7c1f";
    let text = format!(
        "Hoi Bram,\n{marker} <script>alert(1)</script> zie https://www.thuisarts.nl/slapen."
    );
    let (status, conversation) =
        start(&app, &cleo_browser, &[format!("de-linde:{bram_id}")], &text).await;
    assert_eq!(status, 303, "{conversation}");
    assert!(conversation.starts_with("/messages/"), "{conversation}");

    // Bram sees it waiting: in the navigation on every page, and in the inbox.
    let (_, home) = page(&app, &bram_browser, "/").await;
    assert_eq!(badge(&home), 1, "{home}");
    let (_, inbox) = page(&app, &bram_browser, "/messages").await;
    assert!(inbox.contains("Cleo"), "{inbox}");
    assert!(
        inbox.contains(&format!("href=\"{conversation}\"")),
        "{inbox}"
    );
    let (status, read) = page(&app, &bram_browser, &conversation).await;
    assert_eq!(status, 200);
    assert!(read.contains(marker), "{read}");
    assert!(read.contains("Hoi Bram,<br>"), "line breaks kept: {read}");
    assert!(read.contains("&#60;script&#62;"), "escaped: {read}");
    assert!(!read.contains("<script>alert"), "{read}");
    assert!(
        read.contains("<a href=\"https://www.thuisarts.nl/slapen\""),
        "links made clickable, the full stop left out: {read}"
    );
    let (_, home) = page(&app, &bram_browser, "/").await;
    assert_eq!(badge(&home), 0, "read now");
    // Cleo sees that Bram read it.
    let (_, own) = page(&app, &cleo_browser, &conversation).await;
    assert!(own.contains("Gelezen door Bram"), "{own}");

    // Eva (not connected) and the owner get "not found", reading, answering or starting.
    assert_eq!(page(&app, &eva, &conversation).await.0, 404);
    assert_eq!(page(&app, &owner, &conversation).await.0, 404);
    assert_eq!(
        send(&app, &eva, &conversation, "Ik lees mee", vec![])
            .await
            .0,
        404
    );
    let (status, _) = start(&app, &eva, &[format!("de-linde:{cleo_id}")], "Hallo").await;
    assert_eq!(status, 404);
    let (status, _) = start(
        &app,
        &cleo_browser,
        &[format!(
            "de-linde:{}",
            account_id(&app, &owner_email(&app).await).await
        )],
        "Hallo",
    )
    .await;
    assert_eq!(status, 404, "the owner is nobody Cleo may write to");

    // Bram answers; Cleo's badge counts it.
    assert_eq!(
        send(
            &app,
            &bram_browser,
            &conversation,
            "Dank je, tot dinsdag.",
            vec![]
        )
        .await
        .0,
        303
    );
    let (_, home) = page(&app, &cleo_browser, "/record").await;
    assert_eq!(badge(&home), 1);

    // Nothing of the texts is in the database in clear.
    let pool = raw(&app).await;
    let bodies = sqlx::query("SELECT body FROM messages")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(bodies.len(), 2);
    for row in bodies {
        let body: Vec<u8> = row.get("body");
        assert!(!String::from_utf8_lossy(&body).contains(marker));
    }
    let audit_text = count(
        &pool,
        "SELECT COUNT(*) AS n FROM audit_log WHERE object_id LIKE $1 OR object_type LIKE $1",
        &[&format!("%{marker}%")],
    )
    .await;
    assert_eq!(audit_text, 0);

    // Bram's reading and Eva's refused try are in Cleo's "Who viewed my record".
    app.ctx.audit.flush().await;
    let (_, log) = page(&app, &cleo_browser, "/record/access-log").await;
    assert!(log.contains("Gesprek gelezen"), "{log}");
    assert!(log.contains("Eva"), "{log}");
    let opened = count(
        &pool,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'conversation_opened'
           AND client_account_id = $1 AND actor_account_id = $2",
        &[cleo_id.as_str(), bram_id.as_str()],
    )
    .await;
    assert_eq!(opened, 1);
}

async fn owner_email(app: &TestApp) -> String {
    let pool = raw(app).await;
    sqlx::query("SELECT a.email FROM organisation_owners o JOIN accounts a ON a.id = o.account_id")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("email")
}

#[tokio::test]
async fn staff_lose_the_conversation_with_their_connection_and_the_client_keeps_it_to_read() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [owner, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let cleo_id = account_id(&app, &cleo.email).await;
    let (status, conversation) = start(
        &app,
        &bram_browser,
        &[format!("de-linde:{cleo_id}")],
        "Welkom bij De Linde",
    )
    .await;
    assert_eq!(status, 303, "{conversation}");
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Dank u", vec![])
            .await
            .0,
        303
    );

    let pool = raw(&app).await;
    let connection: String = sqlx::query("SELECT id FROM connections WHERE ended_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("id");
    let token = app.token_with(&owner, "/h/de-linde/connections").await;
    let ended = app
        .post_with(
            &owner,
            &format!("/h/de-linde/connections/{connection}/end"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(ended.status(), 303);

    // Bram: gone from his inbox and badge, "not found" to open.
    let (_, inbox) = page(&app, &bram_browser, "/messages").await;
    assert!(!inbox.contains(&conversation), "{inbox}");
    assert_eq!(badge(&inbox), 0, "the unread message no longer counts");
    assert_eq!(page(&app, &bram_browser, &conversation).await.0, 404);

    // Cleo keeps it, to read: nobody can answer her.
    let (status, kept) = page(&app, &cleo_browser, &conversation).await;
    assert_eq!(status, 200);
    assert!(kept.contains("Welkom bij De Linde"), "{kept}");
    assert!(
        kept.contains("niemand in het gesprek kan nog antwoorden"),
        "{kept}"
    );
    let (status, refused) = send(&app, &cleo_browser, &conversation, "Hallo?", vec![]).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("er kan niet meer in geschreven worden"),
        "{refused}"
    );
    let stored = count(&pool, "SELECT COUNT(*) AS n FROM messages", &[]).await;
    assert_eq!(stored, 2, "nothing was stored");
}

#[tokio::test]
async fn a_message_is_removed_by_its_sender_within_five_minutes_only() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    let (_, conversation) = start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Verkeerd bericht",
    )
    .await;
    let pool = raw(&app).await;
    let first: String = sqlx::query("SELECT id FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("id");
    let remove = format!("{conversation}/messages/{first}/remove");

    // Bram cannot remove Cleo's message.
    let token = app.token_with(&bram_browser, &conversation).await;
    let response = app
        .post_with(&bram_browser, &remove, &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 404);

    let token = app.token_with(&cleo_browser, &conversation).await;
    let response = app
        .post_with(&cleo_browser, &remove, &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 303);
    let (_, seen) = page(&app, &bram_browser, &conversation).await;
    assert!(seen.contains("Bericht verwijderd"), "{seen}");
    assert!(!seen.contains("Verkeerd bericht"), "{seen}");
    let removed: Option<Vec<u8>> = sqlx::query("SELECT body FROM messages WHERE id = $1")
        .bind(&first)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("body");
    assert_eq!(removed, None, "its text is gone from the database");

    assert_eq!(
        send(
            &app,
            &cleo_browser,
            &conversation,
            "Dit blijft staan",
            vec![]
        )
        .await
        .0,
        303
    );
    let second: String = sqlx::query("SELECT id FROM messages WHERE removed_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("id");
    app.advance(5 * 60 * 1000);
    let token = app.token_with(&cleo_browser, &conversation).await;
    let late = app
        .post_with(
            &cleo_browser,
            &format!("{conversation}/messages/{second}/remove"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(late.status(), 422);
    assert!(late.text().await.unwrap().contains("binnen 5 minuten"));
    let (_, seen) = page(&app, &bram_browser, &conversation).await;
    assert!(seen.contains("Dit blijft staan"));
    app.ctx.audit.flush().await;
    let removals: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'message_removed'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
    assert_eq!(removals, 1);
}

/// A PDF of about `len` bytes whose body repeats `marker`.
fn pdf(marker: &str, len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < len {
        bytes.extend_from_slice(marker.as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

#[tokio::test]
async fn attachments_go_through_the_file_pipeline_and_only_participants_open_them() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, eva] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    let (_, conversation) = start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Mijn verwijsbrief volgt",
    )
    .await;
    let letter = pdf("Verwijsbrief-marker-91", 200_000);
    let scan = pdf("Tweede-bijlage", 5_000);
    let files = vec![("verwijsbrief.pdf", letter.clone()), ("scan.pdf", scan)];
    let (status, body) = send(&app, &cleo_browser, &conversation, "", files).await;
    assert_eq!(
        status, 303,
        "an attachment without text is a message: {body}"
    );

    let (_, seen) = page(&app, &bram_browser, &conversation).await;
    assert!(seen.contains("verwijsbrief.pdf"), "{seen}");
    assert!(seen.contains("scan.pdf"));
    let pool = raw(&app).await;
    let message: String = sqlx::query("SELECT message_id FROM message_attachments LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("message_id");
    let file = format!("{conversation}/messages/{message}/files/0");
    let response = app.get_with(&bram_browser, &file).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("verwijsbrief.pdf")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), letter.as_slice());
    assert_eq!(app.get_with(&eva, &file).await.status(), 404);
    assert_eq!(
        app.get_with(
            &bram_browser,
            &format!("{conversation}/messages/{message}/files/7")
        )
        .await
        .status(),
        404
    );

    // A type not allowed is refused with a clear message, and nothing is kept.
    let files = vec![("program.exe", b"MZ\x90\x00\x03\x00\x00\x00".repeat(64))];
    let (status, refused) = send(&app, &cleo_browser, &conversation, "Nog iets", files).await;
    assert_eq!(status, 422);
    assert!(refused.contains("Nog iets"), "the text is kept: {refused}");
    let messages = count(&pool, "SELECT COUNT(*) AS n FROM messages", &[]).await;
    assert_eq!(messages, 2);
    let stored = count(&pool, "SELECT COUNT(*) AS n FROM stored_files", &[]).await;
    assert_eq!(stored, 2);

    // Bram's opening of Cleo's file is in her access log.
    app.ctx.audit.flush().await;
    let opened = count(
        &pool,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'message_file_opened'
           AND actor_account_id = $1",
        &[bram_id.as_str()],
    )
    .await;
    assert_eq!(opened, 1);
}

#[tokio::test]
async fn staff_write_with_each_other_and_the_inbox_finds_people_by_name() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram, eva_person) = (Person::new("Cleo"), Person::new("Bram"), Person::new("Eva"));
    let [_, bram_browser, cleo_browser, eva] = practice_with(&app, &cleo, &bram, &eva_person).await;
    let eva_id = account_id(&app, &eva_person.email).await;
    let (status, conversation) = start(
        &app,
        &bram_browser,
        &[format!("de-linde:{eva_id}")],
        "Intervisie donderdag?",
    )
    .await;
    assert_eq!(status, 303, "{conversation}");
    let (status, seen) = page(&app, &eva, &conversation).await;
    assert_eq!(status, 200);
    assert!(seen.contains("Intervisie donderdag?"));
    assert_eq!(page(&app, &cleo_browser, &conversation).await.0, 404);

    // Choosing nobody is told as such, the text kept.
    let (status, refused) = start(&app, &bram_browser, &[], "Hallo").await;
    assert_eq!(status, 422);
    assert!(refused.contains("Kies aan wie je schrijft"), "{refused}");
    assert!(refused.contains("Hallo"), "the text is kept");

    let cleo_id = account_id(&app, &cleo.email).await;
    let (_, with_cleo) = start(
        &app,
        &bram_browser,
        &[format!("de-linde:{cleo_id}")],
        "Hoe gaat het?",
    )
    .await;
    let (_, found) = page(&app, &bram_browser, "/messages?q=cle").await;
    assert!(found.contains(&with_cleo), "{found}");
    assert!(!found.contains(&conversation), "{found}");
    let (_, found) = page(&app, &bram_browser, "/messages?q=%25").await;
    assert!(
        !found.contains(&with_cleo),
        "a wildcard is taken literally: {found}"
    );
}

#[tokio::test]
async fn a_client_who_leaves_keeps_her_conversations_to_read_and_staff_lose_them() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    let (_, conversation) = start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Tot volgende week",
    )
    .await;

    let pool = raw(&app).await;
    let membership: String = sqlx::query(
        "SELECT m.id FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE a.email = $1 AND m.state = 'active'",
    )
    .bind(&cleo.email)
    .fetch_one(&pool)
    .await
    .unwrap()
    .get("id");
    let token = app.token_with(&cleo_browser, "/account/memberships").await;
    let cancelled = app
        .post_with(
            &cleo_browser,
            &format!("/account/memberships/{membership}/cancel"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(cancelled.status(), 303);

    let (status, kept) = page(&app, &cleo_browser, &conversation).await;
    assert_eq!(status, 200);
    assert!(kept.contains("Tot volgende week"));
    assert!(kept.contains("Je kunt dit gesprek lezen"), "{kept}");
    let (_, inbox) = page(&app, &cleo_browser, "/messages").await;
    assert!(inbox.contains(&conversation), "still in her inbox: {inbox}");
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Nog één ding", vec![])
            .await
            .0,
        422
    );
    assert_eq!(page(&app, &bram_browser, &conversation).await.0, 404);
}

#[tokio::test]
async fn the_badge_stops_counting_at_99_so_every_page_stays_cheap() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, _, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let cleo_id = account_id(&app, &cleo.email).await;
    let bram_id = account_id(&app, &bram.email).await;
    let hs = crate::practice::healthspace_id(&app, "de-linde").await;
    let pool = raw(&app).await;
    for n in 0..120 {
        let id = format!("many-{n}");
        sqlx::query(
            "INSERT INTO conversations (id, healthspace_id, kind, client_account_id, started_by,
                                        created_at, last_message_at)
             VALUES ($1, $2, 'care', $3, $4, 1, 1)",
        )
        .bind(&id)
        .bind(hs.as_str())
        .bind(cleo_id.as_str())
        .bind(bram_id.as_str())
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO conversation_participants (conversation_id, account_id, last_message_at,
                                                    unread)
             VALUES ($1, $2, 1, 1)",
        )
        .bind(&id)
        .bind(cleo_id.as_str())
        .execute(&pool)
        .await
        .unwrap();
    }
    let (_, home) = page(&app, &cleo_browser, "/record").await;
    let (_, rest) = home.split_once("data-unread-total").unwrap();
    assert!(rest.starts_with(">99+<"), "{rest}");
}
