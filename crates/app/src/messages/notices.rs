//! Email notices of unread messages: a recipient who has not read a new message within
//! `messages.notice_delay_minutes` gets one email per conversation per that period, saying only
//! that a message waits in that Healthspace, with a link to the conversation (through the
//! login). Nothing of the message, and no name, leaves by email.
//!
//! Sending a message sets when the notice is due; reading the conversation clears it. Each
//! instance runs [`run_until`]; a notice is claimed and its email queued in one transaction, and
//! the claim holds for one instance only, so two never both send it.

use crate::context::AppContext;
use crate::error::AppResult;
use crate::mail::{self, MailMessage};
use carespace_core::language::Language;
use carespace_store::messages::notices::{self as store, DueNotice};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Notices handled per round; the rest wait for the next.
const BATCH: i64 = 200;
/// How often each instance looks for due notices.
const EVERY: Duration = Duration::from_secs(60);

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Noticed {
    /// Emails queued.
    pub sent: u64,
    /// Due notices that may no longer go (read, turned off, out of reach): dropped unsent.
    pub dropped: u64,
}

/// Queues the emails of the notices due now, up to a batch.
pub async fn send_due(ctx: &AppContext) -> AppResult<Noticed> {
    let now = ctx.now();
    let mut noticed = Noticed::default();
    for notice in store::due(&ctx.db, now, BATCH).await? {
        // One transaction each: the claim re-reads whether it may go, and the email is queued
        // with it or not at all.
        let mut tx = ctx.db.begin().await?;
        if store::claim(&mut tx, &notice, now).await? {
            mail::enqueue(
                &mut tx,
                &notice.email,
                &notice.full_name,
                notice.language.parse().unwrap_or(Language::Nl),
                message(&notice),
                now,
            )
            .await?;
            noticed.sent += 1;
        } else {
            // Claimed by another instance (then this changes nothing), or not to be sent.
            store::drop_due(&mut tx, &notice).await?;
            noticed.dropped += 1;
        }
        tx.commit().await?;
    }
    Ok(noticed)
}

fn message(notice: &DueNotice) -> MailMessage {
    MailMessage::NewMessage {
        healthspace: notice.healthspace_name.clone(),
        conversation: notice.conversation_id.to_string(),
    }
}

/// Sends the due notices now and then every minute, until `stop`.
pub async fn run_until(ctx: AppContext, stop: CancellationToken) {
    loop {
        match send_due(&ctx).await {
            Ok(noticed) if noticed != Noticed::default() => {
                tracing::info!(?noticed, "message notices");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "message notices failed"),
        }
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}
