//! Invitations waiting for an account: open ones addressed to its verified email address.
//! Someone who registers after being invited finds them under "Memberships" and accepts there,
//! without the emailed link: a verified address proves what the link proves. The date-of-birth
//! check still applies.

use super::accept_open;
use crate::audit::Origin;
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use carespace_core::memberships::Role;
use carespace_store::accounts::{self as account_store, AccountRow};
use carespace_store::{healthspaces as hs_store, memberships as store};

/// The most waiting invitations shown at once.
const SHOWN: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingInvitation {
    pub id: String,
    pub healthspace: String,
    pub role: Role,
    /// The admin gave a date of birth: the invited person must enter theirs.
    pub asks_birth_date: bool,
}

async fn verified_account(ctx: &AppContext, account_id: &str) -> AppResult<Option<AccountRow>> {
    Ok(account_store::find(&ctx.db, account_id)
        .await?
        .filter(|a| a.email_verified_at.is_some()))
}

pub async fn waiting_for(ctx: &AppContext, account_id: &str) -> AppResult<Vec<WaitingInvitation>> {
    let Some(account) = verified_account(ctx, account_id).await? else {
        return Ok(Vec::new());
    };
    let rows = store::open_invitations_for_email(&ctx.db, &account.email, ctx.now(), SHOWN).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(invitation, healthspace)| {
            Some(WaitingInvitation {
                role: Role::parse(&invitation.role).ok()?,
                asks_birth_date: invitation.birth_date.is_some(),
                id: invitation.id,
                healthspace,
            })
        })
        .collect())
}

/// Accepts a waiting invitation; returns the Healthspace's alias. An invitation for another
/// address, or one no longer open, is "not found".
pub async fn accept_waiting(
    ctx: &AppContext,
    account_id: &str,
    invitation_id: &str,
    birth_date: &str,
    origin: &Origin,
) -> AppResult<String> {
    let account = verified_account(ctx, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invitation = store::open_invitation_by_id(&ctx.db, invitation_id, ctx.now())
        .await?
        .filter(|i| i.email == account.email)
        .ok_or(AppError::NotFound)?;
    let healthspace = hs_store::find(&ctx.db, &invitation.healthspace_id)
        .await?
        .ok_or(AppError::NotFound)?;
    accept_open(ctx, account_id, invitation, healthspace, birth_date, origin).await
}
