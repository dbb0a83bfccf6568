//! The privacy statement: who answers for a person's data, how long it is kept and where. Its
//! facts come from this installation's settings and rules, so the page states the values in
//! force rather than promises that a configuration could contradict.

use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::ids::AccountId;
use carespace_core::throttle::{FORGET_AFTER_MS, TRUSTED_DEVICE_MS};
use carespace_store::privacy as store;

/// The most Healthspaces the statement names for one person, as many as the switcher lists.
const PROVIDERS_MAX: i64 = 50;

const HOUR_MS: i64 = 3_600_000;

/// What the privacy page states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyStatement {
    /// Who runs this installation and answers for the personal environments.
    pub operator_name: String,
    /// Where people ask about their data and exercise their rights.
    pub contact_email: String,
    /// Where the data is stored, as the operator wrote it.
    pub data_location: String,
    /// The youngest age at which a person may register, which the date of birth checks.
    pub minimum_age: u8,
    pub kept: KeptFor,
    /// For someone signed in, the care providers responsible for the data in the Healthspaces
    /// they belong to (possibly none); signed out, `None`.
    pub providers: Option<Vec<Provider>>,
}

/// How long what serves only to run the service is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFor {
    pub unverified_account_days: u32,
    pub session_idle_minutes: u32,
    pub session_absolute_hours: u32,
    /// Ended sessions, expired trusted browsers and used or expired email links.
    pub ended_days: u32,
    pub trusted_browser_days: i64,
    pub failed_login_hours: i64,
}

/// A Healthspace a person belongs to and the care provider responsible for its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub healthspace: String,
    pub organisation: String,
}

/// The statement as `viewer` (when signed in) reads it. One query, and only when signed in.
pub async fn statement(
    ctx: &AppContext,
    viewer: Option<&AccountId>,
) -> AppResult<PrivacyStatement> {
    let providers = match viewer {
        Some(account) => Some(
            store::providers_of(&ctx.db, account, PROVIDERS_MAX)
                .await?
                .into_iter()
                .map(|row| Provider {
                    healthspace: row.healthspace,
                    organisation: row.organisation,
                })
                .collect(),
        ),
        None => None,
    };
    let privacy = &ctx.privacy;
    Ok(PrivacyStatement {
        operator_name: privacy.operator_name.clone(),
        contact_email: privacy.contact_email.clone(),
        data_location: privacy.data_location.clone(),
        minimum_age: ctx.accounts.minimum_age,
        kept: KeptFor {
            unverified_account_days: ctx.retention.unverified_account_days,
            session_idle_minutes: ctx.accounts.session_idle_minutes,
            session_absolute_hours: ctx.accounts.session_absolute_hours,
            ended_days: ctx.retention.ended_days,
            trusted_browser_days: TRUSTED_DEVICE_MS / (24 * HOUR_MS),
            failed_login_hours: FORGET_AFTER_MS / HOUR_MS,
        },
        providers,
    })
}
