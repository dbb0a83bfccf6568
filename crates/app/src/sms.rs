//! Sending text messages (SMS): the port use cases send through, its HTTP adapter for a
//! generic gateway (`http`), and the demo's stand-in that only writes to the log. The texts
//! themselves come from the site's translations ([`SmsTexts`]).

pub mod http;

use async_trait::async_trait;
use carespace_core::language::Language;
use carespace_core::sms::{PhoneNumber, SmsPurpose};
use std::sync::Arc;

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway could not be reached: {0}")]
    Unreachable(String),
    #[error("the SMS gateway refused the message with status {0}")]
    Refused(u16),
    #[error("the SMS gateway is not configured well: {0}")]
    Setup(String),
}

/// Where text messages go.
#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError>;
}

/// The text of a code's message, in the person's language: the code and the site, nothing
/// about their care.
pub trait SmsTexts: Send + Sync {
    fn code_text(&self, language: Language, purpose: SmsPurpose, code: &str) -> String;
}

/// Text messages as this installation sends them; absent when none is configured (then SMS is
/// not offered).
pub struct SmsService {
    pub sender: Arc<dyn SmsSender>,
    /// Codes sent to one account in an hour, counted in the database across instances.
    pub sends_per_hour: i64,
}

/// The demo's gateway: messages go to the log (target `sms`), so someone trying Carespace
/// without a gateway can still log in with a code.
pub struct LogSmsSender;

#[async_trait]
impl SmsSender for LogSmsSender {
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError> {
        tracing::info!(target: "sms", %to, text, "text message (not sent: demo)");
        Ok(())
    }
}
