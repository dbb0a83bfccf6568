//! Invitations waiting for an account: open ones addressed to its verified email address.
//! Someone who registers after being invited finds them under "Memberships" and accepts there,
//! without the emailed link: a verified address proves what the link proves. The date-of-birth
//! check still applies.

use super::invitations::accept_open;
use crate::access::{self, Actor, Subject};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::ids::{AccountId, InvitationId};
use carespace_core::memberships::Role;
use carespace_core::policy::{self, Action, Reach};
use carespace_store::Exec;
use carespace_store::accounts::{self as account_store, AccountRow};
use carespace_store::healthspaces as hs_store;
use carespace_store::memberships::invitations as store;
use carespace_store::second_factors;

/// The most waiting invitations shown at once.
const SHOWN: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingInvitation {
    pub id: InvitationId,
    pub healthspace: String,
    pub role: Role,
    /// The admin gave a date of birth: the invited person must enter theirs.
    pub asks_birth_date: bool,
}

async fn verified_account(
    ex: impl Into<Exec<'_>>,
    account: &AccountId,
) -> AppResult<Option<AccountRow>> {
    Ok(account_store::find(ex, account)
        .await?
        .filter(|a| a.email_verified_at.is_some()))
}

pub async fn waiting_for(
    ctx: &AppContext,
    account: &AccountId,
) -> AppResult<Vec<WaitingInvitation>> {
    let Some(account) = verified_account(&ctx.db, account).await? else {
        return Ok(Vec::new());
    };
    let rows = store::open_for_email(&ctx.db, &account.email, ctx.now(), SHOWN).await?;
    Ok(rows
        .into_iter()
        .map(|(invitation, healthspace)| WaitingInvitation {
            role: invitation.role,
            asks_birth_date: invitation.birth_date.is_some(),
            id: invitation.id,
            healthspace,
        })
        .collect())
}

/// Accepts a waiting invitation; returns the Healthspace's alias. An invitation for another
/// address, or one no longer open, is "not found".
pub async fn accept_waiting(
    ctx: &AppContext,
    actor: &Actor,
    invitation_id: &str,
    birth_date: &str,
) -> AppResult<String> {
    let refused = || {
        access::refused(
            actor,
            Action::EnterHealthspace,
            Subject::Item(invitation_id),
        )
    };
    let id = InvitationId::parse(invitation_id).ok_or_else(refused)?;
    let mut tx = ctx.db.begin().await?;
    let account = verified_account(&mut tx, &actor.account)
        .await?
        .ok_or_else(refused)?;
    let invitation = store::open_by_id(&mut tx, &id, ctx.now())
        .await?
        .filter(|i| i.email == account.email)
        .ok_or_else(refused)?;
    let healthspace = hs_store::find(&mut tx, &invitation.healthspace_id)
        .await?
        .ok_or_else(refused)?;
    accept_open(ctx, tx, actor, invitation, healthspace, birth_date).await
}

/// Where a login without a destination leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// Setting up two-step verification, which the account needs before anything else.
    SecondFactorSetup,
    /// The invitations waiting for the person (someone who registered after being invited).
    WaitingInvitations,
    Account,
}

/// Where a login without a destination leads: to setting up a second factor when the account
/// needs one first, to the invitations waiting for the person when there are any, else to
/// their account.
pub async fn landing_after_login(ctx: &AppContext, account: &AccountId) -> AppResult<Landing> {
    let standing = second_factors::standing(&ctx.db, account).await?;
    if policy::second_factor_first(standing, Reach::Care) {
        return Ok(Landing::SecondFactorSetup);
    }
    Ok(if waiting_for(ctx, account).await?.is_empty() {
        Landing::Account
    } else {
        Landing::WaitingInvitations
    })
}
