//! Email notices of unread messages: someone who has not read a new message within the delay
//! gets one email per conversation per period, saying only that a message waits in the
//! Healthspace, with a link to the conversation; none when read in time, when turned off in My
//! account, or once the conversation is out of their reach; and two instances never both send
//! one.

use crate::messages::{page, practice, raw, send, start};
use crate::practice::account_id;
use carespace_app::messages::notices;
use carespace_store::messages::notices as store;
use carespace_tests::{Mail, Person, TestApp, link_in};
use sqlx::Row;

const DELAY_MS: i64 = 10 * 60_000;

/// The notices emailed to `email` so far (both languages' subjects).
async fn notices_to(app: &TestApp, email: &str) -> Vec<Mail> {
    app.mails_to(email)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("nieuw bericht") || m.subject.contains("new message"))
        .collect()
}

/// Moves the clock and runs one round of notices, as an instance does every minute.
async fn after(app: &TestApp, ms: i64) {
    app.advance(ms);
    notices::send_due(&app.ctx).await.unwrap();
}

/// The whole email as a reader could see it.
fn everything(mail: &Mail) -> String {
    format!("{}\n{}\n{}", mail.subject, mail.text, mail.html)
}

async fn set_notices(app: &TestApp, browser: &reqwest::Client, on: bool) -> String {
    let token = app.token_with(browser, "/account").await;
    let mut fields = vec![("csrf_token", token.as_str())];
    if on {
        fields.push(("message_notices", "on"));
    }
    let saved = app
        .post_with(browser, "/account/message-notices", &fields)
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], "/account?done=message-notices");
    page(app, browser, "/account?done=message-notices").await.1
}

#[tokio::test]
async fn a_notice_comes_after_the_delay_and_names_only_the_healthspace() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;

    let marker = "Slaapdagboek-91ab";
    let (status, conversation) = start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        &format!("Ik slaap slecht, {marker}"),
    )
    .await;
    assert_eq!(status, 303, "{conversation}");
    after(&app, 0).await;
    after(&app, DELAY_MS - 1_000).await;
    assert!(notices_to(&app, &bram.email).await.is_empty(), "not before");

    after(&app, 1_000).await;
    let mails = notices_to(&app, &bram.email).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.subject, "Je hebt een nieuw bericht in De Linde");
    assert!(
        mail.text.contains("nieuw bericht in De Linde"),
        "{}",
        mail.text
    );
    let all = everything(mail);
    assert!(!all.contains(marker), "no message text: {all}");
    assert!(!all.contains("slaap"), "no message text: {all}");
    assert!(!all.contains("Cleo"), "no client's name: {all}");
    // The link leads to the conversation, through the login.
    let link = link_in(mail, "/messages/");
    assert_eq!(link, conversation, "a link to the conversation");
    let anonymous = app.get(&link).await;
    assert_eq!(anonymous.status(), 303);
    assert!(
        anonymous.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );

    // Bram answers; Cleo, the client, is told without his name or his words.
    let (status, _) = send(
        &app,
        &bram_browser,
        &conversation,
        "Bel me morgen, Cleo",
        vec![],
    )
    .await;
    assert_eq!(status, 303);
    after(&app, DELAY_MS).await;
    let mails = notices_to(&app, &cleo.email).await;
    assert_eq!(mails.len(), 1);
    let all = everything(&mails[0]);
    assert!(all.contains("De Linde"), "{all}");
    assert!(!all.contains("Bram") && !all.contains("Bel me"), "{all}");
    assert_eq!(link_in(&mails[0], "/messages/"), conversation);
}

#[tokio::test]
async fn one_notice_per_conversation_per_period_and_none_when_read_in_time() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    let (_, conversation) =
        start(&app, &cleo_browser, &[format!("de-linde:{bram_id}")], "Een").await;
    for text in ["Twee", "Drie"] {
        assert_eq!(
            send(&app, &cleo_browser, &conversation, text, vec![])
                .await
                .0,
            303
        );
    }
    after(&app, DELAY_MS + 1_000).await;
    after(&app, 60_000).await;
    assert_eq!(
        notices_to(&app, &bram.email).await.len(),
        1,
        "three messages, one email"
    );

    // More while he still has not read: the next email no sooner than a period after the last.
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Vier", vec![])
            .await
            .0,
        303
    );
    after(&app, DELAY_MS - 120_000).await;
    assert_eq!(
        notices_to(&app, &bram.email).await.len(),
        1,
        "within the period"
    );
    after(&app, 120_000).await;
    assert_eq!(
        notices_to(&app, &bram.email).await.len(),
        2,
        "the next period"
    );

    // Read in time: no email.
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Vijf", vec![])
            .await
            .0,
        303
    );
    app.advance(DELAY_MS / 2);
    assert_eq!(page(&app, &bram_browser, &conversation).await.0, 200);
    after(&app, 3 * DELAY_MS).await;
    assert_eq!(notices_to(&app, &bram.email).await.len(), 2, "read in time");
    // The sender is never told about their own message.
    assert!(notices_to(&app, &cleo.email).await.is_empty());
}

#[tokio::test]
async fn none_when_turned_off_in_my_account_and_again_when_turned_on() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, bram_browser, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;

    let (_, account) = page(&app, &bram_browser, "/account").await;
    assert!(
        account.contains("E-mails over nieuwe berichten"),
        "{account}"
    );
    assert!(account.contains("name=\"message_notices\" value=\"on\" aria-describedby=\"message-notices-intro\" checked"), "on by default: {account}");

    // A message waits, then he turns the emails off: the pending notice does not go either.
    let (_, conversation) = start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Hallo",
    )
    .await;
    let off = set_notices(&app, &bram_browser, false).await;
    assert!(
        off.contains("Je krijgt geen e-mails meer over nieuwe berichten."),
        "{off}"
    );
    assert!(!off.contains("message-notices-intro\" checked"), "{off}");
    after(&app, DELAY_MS + 1_000).await;
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Nog een", vec![])
            .await
            .0,
        303
    );
    // (Under half an hour in all, or his session would have ended.)
    after(&app, DELAY_MS + 1_000).await;
    assert!(notices_to(&app, &bram.email).await.is_empty());

    // Turned on again, in English this time.
    carespace_store::accounts::set_language(&app.ctx.db, &bram_id, "en", app.ctx.now())
        .await
        .unwrap();
    let on = set_notices(&app, &bram_browser, true).await;
    assert!(
        on.contains("You will get an email when a message waits unread."),
        "{on}"
    );
    assert!(on.contains("message-notices-intro\" checked"), "{on}");
    assert_eq!(
        send(&app, &cleo_browser, &conversation, "Hoor je me?", vec![])
            .await
            .0,
        303
    );
    after(&app, DELAY_MS).await;
    let mails = notices_to(&app, &bram.email).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "You have a new message in De Linde");

    // Both changes are in the audit log, as his own; saving without a change adds nothing.
    set_notices(&app, &bram_browser, true).await;
    let pool = raw(&app).await;
    let logged: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log
         WHERE action = 'message_notices_changed' AND actor_account_id = $1",
    )
    .bind(bram_id.as_str())
    .fetch_one(&pool)
    .await
    .unwrap()
    .get("n");
    assert_eq!(logged, 2);
}

#[tokio::test]
async fn none_for_someone_whose_connection_ended() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [owner, _, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Hallo",
    )
    .await;

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
    after(&app, DELAY_MS + 1_000).await;
    assert!(notices_to(&app, &bram.email).await.is_empty());
    let pending: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM conversation_participants WHERE notice_due_at IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get("n");
    assert_eq!(
        pending, 0,
        "the notice that may not go is dropped, not read again each round"
    );
}

#[tokio::test]
async fn two_instances_never_both_send_a_notice() {
    let app = carespace_tests::spawn_app().await;
    let (cleo, bram) = (Person::new("Cleo"), Person::new("Bram"));
    let [_, _, cleo_browser, _] = practice(&app, &cleo, &bram).await;
    let bram_id = account_id(&app, &bram.email).await;
    start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Hallo",
    )
    .await;
    app.advance(DELAY_MS);

    // Two instances read the same due notice; only the first claim holds.
    let due = store::due(&app.ctx.db, app.ctx.now(), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let mut claims = Vec::new();
    for _ in 0..2 {
        let mut tx = app.ctx.db.begin().await.unwrap();
        claims.push(store::claim(&mut tx, &due[0], app.ctx.now()).await.unwrap());
        tx.commit().await.unwrap();
    }
    assert_eq!(claims, [true, false]);

    // Two rounds at once, on a notice due again: one email.
    start(
        &app,
        &cleo_browser,
        &[format!("de-linde:{bram_id}")],
        "Ander gesprek",
    )
    .await;
    app.advance(DELAY_MS);
    let (a, b) = tokio::join!(notices::send_due(&app.ctx), notices::send_due(&app.ctx));
    assert!(a.unwrap().sent + b.unwrap().sent <= 1);
    assert_eq!(notices_to(&app, &bram.email).await.len(), 1);
}
