//! Messages: secure conversations inside a Healthspace instead of email. A care conversation is
//! between a client and staff connected to them; a staff conversation is between staff of one
//! Healthspace. A message is never edited (a correction is a new message); its sender may remove
//! it within [`REMOVAL_WINDOW_MS`], and "message removed" stays in its place.

mod text;

pub use text::{Segment, segments};

use crate::accounts::FieldProblem;
use crate::time::Timestamp;

/// Who a conversation is between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConversationKind {
    /// A client and one or more staff connected to them. Sealed under the client's data key.
    Care,
    /// Staff of one Healthspace. Sealed under the Healthspace's key.
    Staff,
}

impl ConversationKind {
    pub const fn code(self) -> &'static str {
        match self {
            ConversationKind::Care => "care",
            ConversationKind::Staff => "staff",
        }
    }

    pub fn parse(code: &str) -> Option<ConversationKind> {
        match code {
            "care" => Some(ConversationKind::Care),
            "staff" => Some(ConversationKind::Staff),
            _ => None,
        }
    }
}

/// The most characters in one message.
pub const TEXT_MAX: usize = 10_000;
/// The most attachments on one message.
pub const ATTACHMENTS_MAX: usize = 5;
/// How long after sending its sender may remove a message: five minutes.
pub const REMOVAL_WINDOW_MS: i64 = 5 * 60 * 1000;

/// A message's text as typed: line endings made `\n`, trailing white space dropped. Empty text
/// is allowed only with an attachment.
pub fn text(input: &str, attachments: usize) -> Result<String, FieldProblem> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim_end();
    // Leading blank lines are dropped, leading spaces of the first line kept (indentation).
    let text = text.trim_start_matches('\n');
    if text.trim().is_empty() && attachments == 0 {
        Err(FieldProblem::new("text", "message_empty"))
    } else if text.chars().count() > TEXT_MAX {
        Err(FieldProblem::new("text", "message_too_long"))
    } else if attachments > ATTACHMENTS_MAX {
        Err(FieldProblem::new("files", "attachments_too_many"))
    } else {
        Ok(text.to_owned())
    }
}

/// Whether a message sent at `sent_at` may still be removed by its sender at `now`.
pub fn removable(sent_at: Timestamp, now: Timestamp) -> bool {
    now.millis() - sent_at.millis() < REMOVAL_WINDOW_MS
}

/// When a recipient who has not read a message sent at `sent_at` is sent an email notice:
/// `delay_ms` later, but never sooner than `delay_ms` after the last notice about the same
/// conversation (one notice per conversation per period).
pub fn notice_due(sent_at: Timestamp, last_notice: Option<Timestamp>, delay_ms: i64) -> Timestamp {
    let after_message = sent_at.millis().saturating_add(delay_ms);
    let after_notice = last_notice.map_or(i64::MIN, |at| at.millis().saturating_add(delay_ms));
    Timestamp::from_millis(after_message.max(after_notice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_as_typed_with_line_endings_made_plain() {
        assert_eq!(
            text("  Hallo\r\nDag  \r\n\r\n", 0),
            Ok("  Hallo\nDag".to_owned())
        );
        assert_eq!(text("\n\nHallo", 0), Ok("Hallo".to_owned()));
    }

    #[test]
    fn empty_text_needs_an_attachment_and_long_text_is_refused() {
        assert_eq!(text(" \n ", 0).map_err(|p| p.code), Err("message_empty"));
        assert_eq!(text("", 1), Ok(String::new()));
        let long = "a".repeat(TEXT_MAX + 1);
        assert_eq!(text(&long, 0).map_err(|p| p.code), Err("message_too_long"));
        assert!(text(&"é".repeat(TEXT_MAX), 0).is_ok());
        let many = text("hi", ATTACHMENTS_MAX + 1);
        assert_eq!(many.map_err(|p| p.code), Err("attachments_too_many"));
    }

    #[test]
    fn a_message_is_removable_for_five_minutes() {
        let sent = Timestamp::from_millis(1_000_000);
        let at = |ms: i64| Timestamp::from_millis(1_000_000 + ms);
        assert!(removable(sent, at(0)));
        assert!(removable(sent, at(REMOVAL_WINDOW_MS - 1)));
        assert!(!removable(sent, at(REMOVAL_WINDOW_MS)));
    }

    #[test]
    fn a_notice_waits_the_delay_and_at_most_one_comes_per_period() {
        let delay = 600_000;
        let sent = Timestamp::from_millis(10_000_000);
        assert_eq!(notice_due(sent, None, delay).millis(), 10_600_000);
        let recent = Some(Timestamp::from_millis(9_900_000));
        assert_eq!(notice_due(sent, recent, delay).millis(), 10_600_000);
        let just_now = Some(Timestamp::from_millis(10_200_000));
        assert_eq!(notice_due(sent, just_now, delay).millis(), 10_800_000);
    }
}
