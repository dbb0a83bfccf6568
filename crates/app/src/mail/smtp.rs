//! Delivery through an SMTP server, configured by URL:
//! `smtp://host:25` (plain, for a relay on the same machine or network),
//! `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS).

use super::MailTransport;
use async_trait::async_trait;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTransport {
    pub fn from_url(url: &str) -> Result<Self, String> {
        let inner = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("mail.smtp_url is not a usable SMTP URL: {e}"))?
            .build();
        Ok(Self { inner })
    }
}

#[async_trait]
impl MailTransport for SmtpTransport {
    /// The id is already the message's `Message-ID`; SMTP has no way to make the server refuse
    /// a repeat, so a repeat is recognisable downstream only.
    async fn send(&self, _mail_id: &str, message: lettre::Message) -> Result<(), String> {
        self.inner
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }
}
