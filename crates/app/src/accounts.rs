//! Accounts: registration with email verification, password reset, and "My account" (name,
//! language, phone, email, password, photo, email notices of messages). Every email is queued
//! in the same transaction as the change that causes it.

mod account;
mod birth_date;
mod current_password;
mod email_change;
mod links;
mod notices;
mod photo;
mod profile;
mod recovery;
mod registration;
mod sign_out;

pub use account::{Account, find};
pub(crate) use account::{email_owner, filter_by_email};
pub use birth_date::{CORRECTION_INTERVAL_MS, correct_birth_date};
pub(crate) use current_password::confirm_current_password;
pub use email_change::{confirm_email_change, request_email_change};
pub use links::{RESEND_INTERVAL_MS, RESET_LINK_MS, VERIFY_LINK_MS};
pub use notices::{message_notices, set_message_notices};
pub use photo::{photo, remove_photo, set_photo};
pub use profile::{ProfileInput, change_password, set_language, update_profile};
pub use recovery::{request_password_reset, reset_link_is_valid, reset_password};
pub use registration::{Registration, register, resend_verification, verify_email};
pub(crate) use sign_out::end_access;
