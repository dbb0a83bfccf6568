//! Logging in and out, and the server-side sessions that keep someone logged in (ASVS V7):
//! random tokens of which only the hash is stored, a new one at every login, idle and
//! absolute timeouts, and the browser data the user sees on "Active sessions".

mod client;
mod current;
mod ending;
mod login;
mod opening;
mod passkey_login;
pub mod remembered;
mod second_step;
mod sms_step;

pub use carespace_core::healthspaces::HealthspaceLink;
pub use client::ClientInfo;
pub use current::{CurrentSession, authenticate, authenticate_quietly, still_signed_in};
pub use ending::{SessionInfo, end, end_all, end_others, list, logout};
pub use login::{LoginInput, LoginOutcome, login};
pub use opening::NewSession;
pub use passkey_login::{
    PasskeyAnswer, complete_second_step as complete_second_step_with_passkey, log_in_passwordless,
    start_passwordless, start_second_step as start_passkey_second_step,
};
pub use second_step::{SecondStepInput, complete as complete_second_step};
pub use sms_step::{
    SecondStepFactors, factors as second_step_factors, send_code as send_second_step_sms,
};
