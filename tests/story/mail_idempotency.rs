//! An email keeps the id it got when it was queued: a job run again after a crash (its email
//! delivered, the delivery not yet recorded) writes the same file again rather than a second
//! one, and over SMTP repeats the same `Message-ID`. A reminder run again queues no second email.

use crate::practice::{healthspace, invite};
use carespace_app::mail::{
    FolderTransport, MailMessage, MailRenderer, OutgoingMail, RenderedMail, SendMailHandler,
    SmtpTransport, parse_sender,
};
use carespace_app::memberships::invitations::{REMINDER_JOB, ReminderHandler};
use carespace_app::worker::JobHandler;
use carespace_core::language::Language;
use carespace_store::jobs::ClaimedJob;
use carespace_tests::{SmtpSink, TestApp, mail_job, spawn_app};
use std::sync::Arc;
use std::time::Duration;

struct Plain;

impl MailRenderer for Plain {
    fn render(&self, _: &OutgoingMail) -> Result<RenderedMail, String> {
        Ok(RenderedMail {
            subject: "Hi".into(),
            text: "Hi".into(),
            html: "<p>Hi</p>".into(),
        })
    }
}

fn payload(mail_id: &str) -> String {
    serde_json::to_string(&OutgoingMail {
        id: mail_id.to_owned(),
        to: "anna@example.nl".into(),
        name: "Anna".into(),
        language: Language::En,
        message: MailMessage::PasswordChanged,
    })
    .unwrap()
}

/// What a crash right after the transport accepted the email leaves behind: no record of it.
async fn forget_delivery(app: &TestApp, mail_id: &str) {
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let forgotten = sqlx::query("DELETE FROM mail_deliveries WHERE mail_id = $1")
        .bind(mail_id)
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(forgotten, 1, "the first run recorded the delivery");
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_job_run_again_after_its_email_file_was_written_writes_no_second_file() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let handler = SendMailHandler::new(
        Arc::new(Plain),
        Arc::new(FolderTransport::open(folder.path()).await.unwrap()),
        parse_sender("Carespace <carespace@localhost>").unwrap(),
    );
    let mail_id = carespace_core::ids::new_id();
    let job = mail_job(payload(&mail_id));
    handler.run(&app.ctx, &job).await.unwrap();
    assert_eq!(files_in(folder.path()), [format!("{mail_id}.eml")]);

    forget_delivery(&app, &mail_id).await;
    handler.run(&app.ctx, &job).await.unwrap();
    assert_eq!(
        files_in(folder.path()),
        [format!("{mail_id}.eml")],
        "the same file, written again"
    );
    let mail = carespace_tests::read_mail(
        &std::fs::read(folder.path().join(format!("{mail_id}.eml"))).unwrap(),
    );
    assert_eq!(mail.to, "anna@example.nl");
}

#[tokio::test]
async fn an_smtp_email_carries_a_message_id_made_from_its_id_and_a_repeat_carries_the_same() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let handler = SendMailHandler::new(
        Arc::new(Plain),
        Arc::new(SmtpTransport::from_url(&sink.url()).unwrap()),
        parse_sender("Praktijk <zorg@delinde.example.nl>").unwrap(),
    );
    let mail_id = carespace_core::ids::new_id();
    let job = mail_job(payload(&mail_id));
    handler.run(&app.ctx, &job).await.unwrap();
    let expected = format!("Message-ID: <{mail_id}@delinde.example.nl>");
    let first = received(&sink, 1).await;
    assert!(first[0].raw.contains(&expected), "{}", first[0].raw);

    // At-least-once: a crash between the server's acceptance and the record repeats the email,
    // recognisably.
    forget_delivery(&app, &mail_id).await;
    handler.run(&app.ctx, &job).await.unwrap();
    let both = received(&sink, 2).await;
    assert!(both.iter().all(|m| m.raw.contains(&expected)));
}

async fn received(sink: &SmtpSink, count: usize) -> Vec<carespace_tests::Mail> {
    for _ in 0..400 {
        let mails = sink.received();
        if mails.len() >= count {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the SMTP server did not receive {count} emails");
}

#[tokio::test]
async fn a_reminder_run_again_queues_no_second_email() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let invited = invite(
        &app,
        &owner,
        "de-linde",
        "dirk@example.nl",
        "client",
        "1990-05-31",
    )
    .await;
    assert_eq!(invited.status(), 303);
    app.mails_when_sent().await;
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let (id, payload): (String, String) =
        sqlx::query_as("SELECT id, payload FROM jobs WHERE kind = $1 ORDER BY run_at LIMIT 1")
            .bind(REMINDER_JOB)
            .fetch_one(&pool)
            .await
            .unwrap();
    let job = ClaimedJob {
        id,
        kind: REMINDER_JOB.into(),
        payload,
        attempts: 1,
        max_attempts: 8,
        taken_over_from: None,
    };
    ReminderHandler.run(&app.ctx, &job).await.unwrap();
    // The worker crashed before recording the job done, and it runs again.
    ReminderHandler.run(&app.ctx, &job).await.unwrap();
    let reminders = app
        .mails_to("dirk@example.nl")
        .await
        .into_iter()
        .filter(|m| m.raw.contains(&job.id))
        .count();
    assert_eq!(
        reminders, 1,
        "one reminder email, with the reminder job's id"
    );
    assert_eq!(
        app.mails_to("dirk@example.nl").await.len(),
        2,
        "invitation and reminder"
    );
}
