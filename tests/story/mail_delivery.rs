//! Email delivery through a real SMTP server: nothing lost when the server is down, nothing
//! sent twice, and no link left behind in the job queue.

use axum::Router;
use carespace_app::mail::{
    MailMessage, OutgoingMail, SendMailHandler, SmtpTransport, parse_sender,
};
use carespace_app::worker::JobHandler;
use carespace_cli::config::MailTransportKind;
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use carespace_tests::{Person, SmtpSink, new_client, spawn_app_with};
use std::sync::Arc;
use std::time::Duration;

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
async fn emails_go_out_through_smtp_in_the_recipients_language() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(
        |c| {
            c.mail.transport = MailTransportKind::Smtp;
            c.mail.smtp_url = Some(Secret::new(url));
            c.mail.from = "Praktijk De Linde <zorg@delinde.example.nl>".into();
        },
        Router::new(),
    )
    .await;
    let anna = Person::new("Anna");
    let client = new_client();
    client
        .get(app.url("/register"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let token = app.token_with(&client, "/register").await;
    client
        .post(app.url("/register"))
        .header("accept-language", "en")
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", anna.email.as_str()),
            ("full_name", anna.name.as_str()),
            ("birth_date", anna.birth_date.as_str()),
            ("password", anna.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let mails = received(&sink, 1).await;
    let mail = &mails[0];
    assert_eq!(mail.to, anna.email);
    assert_eq!(mail.subject, "Confirm your email address");
    assert!(mail.text.contains("Hello Anna Jansen"));
    assert!(
        mail.html.contains("<a href=\"http://"),
        "an HTML part with the link"
    );
    assert!(
        mail.raw
            .contains("From: \"Praktijk De Linde\" <zorg@delinde.example.nl>")
            || mail
                .raw
                .contains("From: Praktijk De Linde <zorg@delinde.example.nl>"),
        "{}",
        mail.raw
    );

    // Once sent, the link is no longer in the job queue.
    app.mails_when_sent().await;
    let link_token = carespace_tests::link_in(mail, "/verify-email?token=")
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM jobs")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!payloads.is_empty());
    assert!(
        payloads.iter().all(|p| !p.contains(&link_token)),
        "{payloads:?}"
    );
}

#[tokio::test]
async fn an_email_waits_while_the_mail_server_is_down_and_goes_out_once_it_is_back() {
    let mut sink = SmtpSink::start().await;
    let port = sink.port;
    let url = sink.url();
    sink.stop();
    let app = spawn_app_with(
        |c| {
            c.mail.transport = MailTransportKind::Smtp;
            c.mail.smtp_url = Some(Secret::new(url));
        },
        Router::new(),
    )
    .await;
    let anna = Person::new("Anna");
    app.register_with(&new_client(), &anna).await;
    // The first try fails and the job waits for its retry.
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let mut failed = false;
    for _ in 0..400 {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT state, attempts FROM jobs")
            .fetch_optional(&pool)
            .await
            .unwrap();
        if row.is_some_and(|(state, attempts)| state == "pending" && attempts == 1) {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        failed,
        "the first delivery attempt failed and the job waits"
    );
    let sink = SmtpSink::start_on(port).await;
    app.advance(11_000);
    let mails = received(&sink, 1).await;
    assert_eq!(mails[0].to, anna.email);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_job_run_again_after_the_server_accepted_its_email_does_not_send_it_twice() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|_| {}, Router::new()).await;
    struct Plain;
    impl carespace_app::mail::MailRenderer for Plain {
        fn render(&self, _: &OutgoingMail) -> Result<carespace_app::mail::RenderedMail, String> {
            Ok(carespace_app::mail::RenderedMail {
                subject: "Hi".into(),
                text: "Hi".into(),
                html: "<p>Hi</p>".into(),
            })
        }
    }
    let handler = SendMailHandler::new(
        Arc::new(Plain),
        Arc::new(SmtpTransport::from_url(&sink.url()).unwrap()),
        parse_sender("Carespace <carespace@localhost>").unwrap(),
    );
    let payload = serde_json::to_string(&OutgoingMail {
        id: carespace_core::ids::new_id(),
        to: "anna@example.nl".into(),
        name: "Anna".into(),
        language: Language::En,
        message: MailMessage::PasswordChanged,
    })
    .unwrap();
    let job = carespace_tests::mail_job(payload);
    handler.run(&app.ctx, &job).await.unwrap();
    handler.run(&app.ctx, &job).await.unwrap();
    assert_eq!(received(&sink, 1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.received().len(), 1);
}
