//! The account's own passkeys: registering one (after the password), listing, renaming, and
//! removing one (after the password and a current factor: a passkey, an app code or a
//! recovery code). Adding or removing one ends every other way in and emails the owner.

use super::RelyingParty;
use super::assertions::{AssertionState, base64url, check_assertion, parse_answer};
use super::ceremonies::{Ceremony, expired, start, take};
use crate::accounts::{confirm_current_password, email_owner, end_access};
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::MailMessage;
use crate::second_factors::{code_counter, new_recovery_codes, proven, reserve_code_try};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::{AccountId, PasskeyId};
use carespace_core::passkeys::{CeremonyKind, parse_name};
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::accounts::{self as account_store, AccountRow};
use carespace_store::passkeys::{self as store, PasskeyRow};
use carespace_store::second_factors as factor_store;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential, Uuid};

/// A passkey as "Two-step verification" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeySummary {
    pub id: PasskeyId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

pub async fn list(ctx: &AppContext, account: &AccountId) -> AppResult<Vec<PasskeySummary>> {
    let rows = store::of_account(&ctx.db, account).await?;
    Ok(rows
        .into_iter()
        .map(|row| PasskeySummary {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
        .collect())
}

/// The relying party, or the problem that passkeys are not offered here.
pub(crate) fn relying_party(ctx: &AppContext) -> AppResult<&RelyingParty> {
    ctx.passkeys
        .as_deref()
        .ok_or_else(|| AppError::field("credential", "passkeys_unavailable"))
}

/// The WebAuthn user handle of an account: its id's bytes.
pub(crate) fn user_handle(account: &AccountId) -> AppResult<Uuid> {
    Uuid::parse_str(account.as_str()).map_err(|_| AppError::Internal("account id".into()))
}

/// Starts registering a passkey called `name`, after the password (a session left open must
/// not be enough to add someone else's passkey): the options for `navigator.credentials.create`,
/// asking for a discoverable credential and user verification, so that the passkey alone can
/// log in with two factors.
pub async fn start_registration(
    ctx: &AppContext,
    account: &AccountId,
    name: &str,
    password: Secret,
    origin: &Origin,
) -> AppResult<Ceremony> {
    let rp = relying_party(ctx)?;
    let name = parse_name(name).map_err(|code| AppError::field("name", code))?;
    let row = owner(&ctx.db, account).await?;
    confirm_current_password(ctx, &row, password, "password", origin).await?;
    let existing = store::of_account(&ctx.db, account).await?;
    let exclude = existing
        .iter()
        .filter_map(|k| serde_json::from_str::<webauthn_rs::prelude::Passkey>(&k.credential).ok())
        .map(|k| k.cred_id().clone())
        .collect::<Vec<_>>();
    let display = if row.full_name.is_empty() {
        &row.email
    } else {
        &row.full_name
    };
    let (options, state) = rp
        .webauthn
        .start_passkey_registration(user_handle(account)?, &row.email, display, Some(exclude))
        .map_err(|e| AppError::Internal(format!("passkey registration: {e}")))?;
    let mut options = serde_json::to_value(&options)
        .map_err(|e| AppError::Internal(format!("passkey options: {e}")))?;
    // A discoverable credential, so that the passkey can log in without the email address.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = "required".into();
        selection["requireResidentKey"] = true.into();
    }
    start(
        ctx,
        CeremonyKind::Register,
        Some(account),
        Some(name),
        &state,
        &options,
    )
    .await
}

/// A passkey just registered.
#[derive(Debug, Clone)]
pub struct PasskeyAdded {
    pub id: PasskeyId,
    /// New recovery codes, shown once, when this passkey is the account's first second factor:
    /// they let its owner in should the passkey be lost.
    pub recovery_codes: Option<Vec<String>>,
}

/// Finishes registering with the browser's answer: the new passkey guards the account's
/// logins (as a second factor, or alone). An answer that does not check out is refused and
/// audit-logged; nothing is stored.
pub async fn finish_registration(
    ctx: &AppContext,
    account: &AccountId,
    ceremony: &str,
    credential: &str,
    origin: &Origin,
) -> AppResult<PasskeyAdded> {
    let rp = relying_party(ctx)?;
    let (taken, state) =
        take::<PasskeyRegistration>(ctx, ceremony, CeremonyKind::Register, Some(account)).await?;
    let answer: Option<RegisterPublicKeyCredential> = serde_json::from_str(credential).ok();
    let passkey = answer.and_then(|a| rp.webauthn.finish_passkey_registration(&a, &state).ok());
    let Some(passkey) = passkey else {
        record_alone(
            ctx,
            origin,
            failed(AuditAction::PasskeyEnrolmentFailed, account),
        )
        .await?;
        tracing::warn!(target: "security", account = %account, ip = %origin.ip, "passkey registration refused");
        return Err(AppError::field("credential", "passkey_refused"));
    };
    let now = ctx.now();
    let row = PasskeyRow {
        id: PasskeyId::generate(),
        account_id: account.clone(),
        name: taken.name.unwrap_or_default(),
        credential_id: base64url(passkey.cred_id().as_ref())?,
        credential: serde_json::to_string(&passkey)
            .map_err(|e| AppError::Internal(format!("passkey: {e}")))?,
        created_at: now,
        last_used_at: None,
    };
    let mut tx = ctx.db.begin().await?;
    let first = !factor_store::has_confirmed(&mut tx, account).await?;
    if !store::insert(&mut tx, &row).await? {
        return Err(AppError::field("credential", "passkey_already_registered"));
    }
    let recovery_codes = match first {
        true => Some(new_recovery_codes(&mut tx, account, now).await?),
        false => None,
    };
    // Sessions and tokens opened before end: logins now take two steps.
    end_access(&mut tx, account, origin.session_id.as_deref(), now).await?;
    let owner_row = owner(&mut tx, account).await?;
    let mail = MailMessage::PasskeyAdded {
        name: row.name.clone(),
    };
    email_owner(&mut tx, &owner_row, mail, now).await?;
    let event = Event::own(
        account,
        AuditAction::PasskeyEnrolled,
        "passkey",
        Some(row.id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(PasskeyAdded {
        id: row.id,
        recovery_codes,
    })
}

/// Renames one of the account's passkeys.
pub async fn rename(
    ctx: &AppContext,
    account: &AccountId,
    id: &PasskeyId,
    name: &str,
    origin: &Origin,
) -> AppResult<()> {
    let name = parse_name(name).map_err(|code| AppError::field("name", code))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !store::rename(&mut tx, account, id, &name).await? {
        return Err(AppError::NotFound);
    }
    let event = Event::own(
        account,
        AuditAction::PasskeyRenamed,
        "passkey",
        Some(id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts confirming an action with one of the account's passkeys: the options for
/// `navigator.credentials.get`.
pub async fn start_confirmation(ctx: &AppContext, account: &AccountId) -> AppResult<Ceremony> {
    let rp = relying_party(ctx)?;
    let keys = passkeys_of(&ctx.db, account).await?;
    let (options, state) = rp
        .webauthn
        .start_passkey_authentication(&keys)
        .map_err(|_| AppError::field("credential", "passkey_none"))?;
    let state = AssertionState::Known(state);
    start(
        ctx,
        CeremonyKind::Confirm,
        Some(account),
        None,
        &state,
        &options,
    )
    .await
}

/// The current factor that confirms a removal besides the password.
#[derive(Debug, Clone)]
pub enum PasskeyProof {
    /// A code from the authenticator app, or a recovery code.
    Code(String),
    /// The browser's answer to a confirmation ceremony.
    Passkey {
        ceremony: String,
        credential: String,
    },
}

/// Removes one of the account's passkeys, after the password and a current factor.
pub async fn remove(
    ctx: &AppContext,
    account: &AccountId,
    id: &PasskeyId,
    password: Secret,
    proof: PasskeyProof,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let (mut tx, row) = match proof {
        PasskeyProof::Code(code) => proven(ctx, account, password, &code, origin, now).await?,
        PasskeyProof::Passkey {
            ceremony,
            credential,
        } => {
            let row = owner(&ctx.db, account).await?;
            confirm_current_password(ctx, &row, password, "password", origin).await?;
            let tx = confirmed(ctx, account, &ceremony, &credential, origin).await?;
            (tx, row)
        }
    };
    let Some(removed) = store::of_account(&mut tx, account)
        .await?
        .into_iter()
        .find(|k| &k.id == id)
    else {
        return Err(AppError::NotFound);
    };
    store::remove(&mut tx, account, id).await?;
    // The last factor gone, logins take one step and the recovery codes have nothing to stand
    // in for.
    if !factor_store::has_confirmed(&mut tx, account).await? {
        factor_store::remove_recovery_codes(&mut tx, account).await?;
    }
    end_access(&mut tx, account, origin.session_id.as_deref(), now).await?;
    let mail = MailMessage::PasskeyRemoved { name: removed.name };
    email_owner(&mut tx, &row, mail, now).await?;
    let event = Event::own(
        account,
        AuditAction::PasskeyRemoved,
        "passkey",
        Some(id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    Ok(tx.commit().await?)
}

/// Checks an answer to a confirmation ceremony (counted like a wrong code when it fails) and
/// opens the transaction of what it unlocks, with the passkey's use recorded in it.
async fn confirmed(
    ctx: &AppContext,
    account: &AccountId,
    ceremony: &str,
    credential: &str,
    origin: &Origin,
) -> AppResult<Tx> {
    let rp = relying_party(ctx)?;
    let now = ctx.now();
    let counter = code_counter(account, None);
    reserve_code_try(ctx, &counter, now).await?;
    let (_, state) = take::<AssertionState>(ctx, ceremony, CeremonyKind::Confirm, Some(account))
        .await
        .map_err(|_| expired())?;
    let keys = store::of_account(&ctx.db, account).await?;
    let checked = match parse_answer(credential) {
        Some(answer) => check_assertion(rp, &keys, &answer, state)?,
        None => None,
    };
    let Some((used, updated)) = checked else {
        record_alone(ctx, origin, failed(AuditAction::PasskeyFailed, account)).await?;
        tracing::warn!(target: "security", account = %account, ip = %origin.ip, "passkey refused");
        return Err(AppError::field("credential", "passkey_refused"));
    };
    let mut tx = ctx.db.begin().await?;
    store::record_use(&mut tx, &used.id, &updated, now).await?;
    carespace_store::throttle::clear_failures(&mut tx, &counter).await?;
    let event = Event::own(
        account,
        AuditAction::PasskeyUsed,
        "passkey",
        Some(used.id.as_str()),
    );
    audit::record(&mut tx, origin, event, now).await?;
    Ok(tx)
}

/// The account's passkeys as the WebAuthn library reads them.
pub(crate) async fn passkeys_of(
    ex: impl Into<carespace_store::Exec<'_>>,
    account: &AccountId,
) -> AppResult<Vec<webauthn_rs::prelude::Passkey>> {
    store::of_account(ex, account)
        .await?
        .iter()
        .map(|k| {
            serde_json::from_str(&k.credential)
                .map_err(|e| AppError::Internal(format!("stored passkey: {e}")))
        })
        .collect()
}

/// A refused passkey of the account, as the audit log records it.
pub(crate) fn failed(action: AuditAction, account: &AccountId) -> Event<'_> {
    Event {
        actor: Some(account),
        role: ActorRole::OwnAccount,
        action,
        object_type: "account",
        object_id: Some(account.as_str()),
        outcome: Outcome::Denied,
    }
}

/// Records an entry in a transaction of its own (the use case's own writes nothing).
pub(crate) async fn record_alone(
    ctx: &AppContext,
    origin: &Origin,
    event: Event<'_>,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    audit::record(&mut tx, origin, event, ctx.now()).await?;
    Ok(tx.commit().await?)
}

async fn owner(
    ex: impl Into<carespace_store::Exec<'_>>,
    account: &AccountId,
) -> AppResult<AccountRow> {
    account_store::find(ex, account)
        .await?
        .ok_or(AppError::NotFound)
}
