//! Email, with nothing lost: a use case writes the email as a job in the same transaction as the
//! change that causes it ([`enqueue`]); the worker renders it in the recipient's language and
//! hands it to the transport ([`SendMailHandler`]), retrying with back-off.
//!
//! Every email gets its id when it is queued, and the id travels with it: the folder transport
//! names the file by it (a repeat overwrites the same file), SMTP sends it as the `Message-ID`
//! (a repeat is recognisable downstream). Right after the transport accepts an email its delivery
//! is recorded, and a job run again skips a recorded email. What remains: with SMTP, a crash
//! between the server's acceptance and that record sends the email once more, with the same
//! `Message-ID` (at-least-once); with the folder transport a repeat is the same file, never a
//! second one.
//!
//! Emails carry no health content: only that something happened, and a link to log in.

mod folder;
mod smtp;

pub use folder::FolderTransport;
pub use smtp::SmtpTransport;

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::worker::{JobError, JobHandler};
use async_trait::async_trait;
use carespace_core::ids::new_id;
use carespace_core::jobs::DEFAULT_MAX_ATTEMPTS;
use carespace_core::language::Language;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::jobs::{self, ClaimedJob, NewJob};
use lettre::message::{Mailbox, MultiPart};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const JOB_KIND: &str = "send_mail";

/// An email waiting to be sent: who gets it, in which language, and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    /// Also the `Message-ID`, and the key of the delivery record.
    pub id: String,
    pub to: String,
    pub name: String,
    pub language: Language,
    pub message: MailMessage,
}

/// What an email says. Links carry a token that the renderer turns into a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailMessage {
    /// Confirm your address (after registering).
    VerifyEmail {
        token: String,
    },
    /// Someone tried to register with this address, which already has an account.
    AlreadyRegistered,
    ResetPassword {
        token: String,
    },
    /// Your password was changed (by you, or by a reset).
    PasswordChanged,
    /// Confirm this new address for your account.
    ConfirmNewEmail {
        token: String,
    },
    /// Your date of birth was corrected (the date itself is not in the email).
    BirthDateCorrected,
    /// Sent to the old address once the change is done.
    EmailChanged {
        new_email: String,
    },
    /// You are now an owner of this organisation.
    OwnerAdded {
        organisation: String,
    },
    /// You have been made owner of this organisation: register with this address.
    OwnerInvited {
        organisation: String,
    },
    /// You are invited into a Healthspace with a role.
    Invitation {
        healthspace: String,
        role: String,
        token: String,
    },
    /// Your invitation is still waiting: log in with (or register) this address to accept it.
    InvitationReminder {
        healthspace: String,
        role: String,
    },
    /// To a client: a staff member was connected to them, and so can see what they share in
    /// that Healthspace. Who can see a record never changes silently.
    ConnectionMade {
        healthspace: String,
        staff: String,
    },
    /// To a client: a staff member is no longer connected to them.
    ConnectionEnded {
        healthspace: String,
        staff: String,
    },
    /// To a staff member: an admin ended their connection to this client.
    ConnectionEndedForStaff {
        healthspace: String,
        client: String,
    },
    /// An admin changed your role in this Healthspace to this one (a role's code).
    RoleChanged {
        healthspace: String,
        role: String,
    },
    /// An authenticator app now guards your logins.
    SecondFactorAdded,
    /// Your second factor was removed (by you, or by the operator on your request).
    SecondFactorRemoved,
    /// New recovery codes were made; the old ones no longer work.
    RecoveryCodesRenewed,
    /// Codes by text message now go to a new number.
    SmsNumberAdded,
    /// Codes by text message no longer go to the account's number.
    SmsNumberRemoved,
    /// The authenticator app was removed; codes by text message still guard the logins.
    AppRemoved,
    /// One of your recovery codes was used to log in; so many are left.
    RecoveryCodeUsed {
        left: i64,
    },
    /// A passkey with this name now guards your logins.
    PasskeyAdded {
        name: String,
    },
    /// Your passkey with this name was removed.
    PasskeyRemoved {
        name: String,
    },
    /// A personal access token was made for your account.
    ApiTokenCreated {
        name: String,
    },
    /// A message waits unread in a conversation in this Healthspace: only that, and a link to
    /// the conversation (through the login). Never its text, nor who wrote it.
    NewMessage {
        healthspace: String,
        conversation: String,
    },
    /// The care provider cancelled your membership, which had this role: a client is told
    /// their record stays theirs, staff are not told about a record.
    MembershipCancelled {
        healthspace: String,
        /// A role's code; empty in emails queued by a version without it (told as to a client).
        #[serde(default)]
        role: String,
    },
}

impl MailMessage {
    /// The stable name, also the stem of the email's translation keys.
    pub fn kind(&self) -> &'static str {
        match self {
            MailMessage::VerifyEmail { .. } => "verify_email",
            MailMessage::AlreadyRegistered => "already_registered",
            MailMessage::ResetPassword { .. } => "reset_password",
            MailMessage::PasswordChanged => "password_changed",
            MailMessage::ConfirmNewEmail { .. } => "confirm_new_email",
            MailMessage::EmailChanged { .. } => "email_changed",
            MailMessage::BirthDateCorrected => "birth_date_corrected",
            MailMessage::OwnerAdded { .. } => "owner_added",
            MailMessage::OwnerInvited { .. } => "owner_invited",
            MailMessage::Invitation { .. } => "invitation",
            MailMessage::InvitationReminder { .. } => "invitation_reminder",
            MailMessage::MembershipCancelled { .. } => "membership_cancelled",
            MailMessage::RoleChanged { .. } => "role_changed",
            MailMessage::SecondFactorAdded => "second_factor_added",
            MailMessage::SecondFactorRemoved => "second_factor_removed",
            MailMessage::RecoveryCodeUsed { .. } => "recovery_code_used",
            MailMessage::RecoveryCodesRenewed => "recovery_codes_renewed",
            MailMessage::SmsNumberAdded => "sms_number_added",
            MailMessage::SmsNumberRemoved => "sms_number_removed",
            MailMessage::AppRemoved => "app_removed",
            MailMessage::PasskeyAdded { .. } => "passkey_added",
            MailMessage::PasskeyRemoved { .. } => "passkey_removed",
            MailMessage::ConnectionMade { .. } => "connection_made",
            MailMessage::ConnectionEnded { .. } => "connection_ended",
            MailMessage::ConnectionEndedForStaff { .. } => "connection_ended_for_staff",
            MailMessage::ApiTokenCreated { .. } => "api_token_created",
            MailMessage::NewMessage { .. } => "new_message",
        }
    }
}

/// Writes an email to the outbox within the caller's transaction; it gets its id now.
pub async fn enqueue(
    tx: &mut Tx,
    to: &str,
    name: &str,
    language: Language,
    message: MailMessage,
    now: Timestamp,
) -> AppResult<()> {
    enqueue_as(tx, &new_id(), to, name, language, message, now).await
}

/// Like [`enqueue`], with the id given: a job that sends an email passes its own job id, so
/// running that job again queues nothing new (the outbox holds one email per id).
pub async fn enqueue_as(
    tx: &mut Tx,
    id: &str,
    to: &str,
    name: &str,
    language: Language,
    message: MailMessage,
    now: Timestamp,
) -> AppResult<()> {
    let mail = OutgoingMail {
        id: id.to_owned(),
        to: to.to_owned(),
        name: name.to_owned(),
        language,
        message,
    };
    let payload = serde_json::to_string(&mail)
        .map_err(|e| AppError::Internal(format!("mail payload: {e}")))?;
    jobs::enqueue(
        tx,
        &NewJob {
            kind: JOB_KIND,
            payload: &payload,
            idempotency_key: Some(&format!("mail:{}", mail.id)),
            run_at: now,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Reads the configured sender, such as `Praktijk De Linde <zorg@delinde.nl>`.
pub fn parse_sender(text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>()
        .map_err(|e| format!("{text:?} is not an email address with an optional name: {e}"))
}

/// An email's text in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Turns an email into text; the web layer implements it with the site's templates and
/// translations, and knows the public URL links point to.
pub trait MailRenderer: Send + Sync + 'static {
    fn render(&self, mail: &OutgoingMail) -> Result<RenderedMail, String>;
}

/// Delivers a finished message. An `Ok` means the receiving server accepted it. `mail_id` is
/// the email's id (also in its `Message-ID`): a transport that can, delivers the same id only
/// once.
#[async_trait]
pub trait MailTransport: Send + Sync + 'static {
    async fn send(&self, mail_id: &str, message: lettre::Message) -> Result<(), String>;
}

/// The worker's handler for [`JOB_KIND`].
pub struct SendMailHandler {
    renderer: Arc<dyn MailRenderer>,
    transport: Arc<dyn MailTransport>,
    from: Mailbox,
}

impl SendMailHandler {
    pub fn new(
        renderer: Arc<dyn MailRenderer>,
        transport: Arc<dyn MailTransport>,
        from: Mailbox,
    ) -> Self {
        Self {
            renderer,
            transport,
            from,
        }
    }
}

#[async_trait]
impl JobHandler for SendMailHandler {
    fn kind(&self) -> &'static str {
        JOB_KIND
    }

    /// Idempotent by the email's id, fixed when it was queued: an email whose delivery is
    /// recorded is skipped; one delivered but not yet recorded (a crash in between) is delivered
    /// again under the same id — the same file, or the same `Message-ID`.
    async fn run(&self, ctx: &AppContext, job: &ClaimedJob) -> Result<(), JobError> {
        let mail: OutgoingMail = serde_json::from_str(&job.payload)
            .map_err(|e| JobError(format!("unreadable mail job: {e}")))?;
        let delivered = carespace_store::mail::is_delivered(&ctx.db, &mail.id)
            .await
            .map_err(|e| JobError(e.to_string()))?;
        if delivered {
            return Ok(());
        }
        let rendered = self.renderer.render(&mail).map_err(JobError)?;
        let message = build_message(&self.from, &mail, rendered)?;
        self.transport
            .send(&mail.id, message)
            .await
            .map_err(JobError)?;
        // Recorded at once, before anything else: the window in which a crash repeats the email
        // is this one statement. If recording fails the job is retried and the email repeated
        // under the same id — log loudly.
        if let Err(error) =
            carespace_store::mail::record_delivery(&ctx.db, &mail.id, ctx.now()).await
        {
            tracing::error!(mail = %mail.id, %error, "email sent but its delivery not recorded");
            return Err(JobError(error.to_string()));
        }
        tracing::info!(mail = %mail.id, kind = mail.message.kind(), "email accepted by the mail server");
        Ok(())
    }
}

fn build_message(
    from: &Mailbox,
    mail: &OutgoingMail,
    rendered: RenderedMail,
) -> Result<lettre::Message, JobError> {
    let to = Mailbox::new(
        Some(mail.name.clone()),
        mail.to
            .parse()
            .map_err(|e| JobError(format!("bad recipient address: {e}")))?,
    );
    let domain = from.email.domain().to_owned();
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(rendered.subject)
        .message_id(Some(format!("<{}@{domain}>", mail.id)))
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))
        .map_err(|e| JobError(format!("cannot build the email: {e}")))
}
