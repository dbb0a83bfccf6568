//! Organisations: created by a platform operator with their first owner; owners see
//! and change the organisation's details. Everyone else is told it does not exist.

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::mail::{self, MailMessage};
use carespace_core::accounts::Email;
use carespace_core::audit::Outcome;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::{AccountId, OrganisationId};
use carespace_core::language::Language;
use carespace_core::policy::{self, Action, ActorFacts};
use carespace_store::Exec;
use carespace_store::accounts as account_store;
use carespace_store::organisations::{self as store, OrganisationRow, OwnerRow};

/// An organisation as its owners see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub address: String,
    pub billing_address: String,
}

impl From<OrganisationRow> for Organisation {
    fn from(row: OrganisationRow) -> Self {
        Organisation {
            id: row.id,
            name: row.name,
            address: row.address,
            billing_address: row.billing_address,
        }
    }
}

/// One of an organisation's owners: an address, and the account once it is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub email: String,
    /// `None` until someone verifies the address.
    pub account_id: Option<AccountId>,
    pub full_name: Option<String>,
}

impl From<OwnerRow> for Owner {
    fn from(row: OwnerRow) -> Self {
        Owner {
            email: row.email,
            account_id: row.account_id,
            full_name: row.full_name,
        }
    }
}

const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 500;

/// Creates an organisation with its first owner, as a platform operator does from the command
/// line. An owner with a verified account is told by email; any other address gets an
/// invitation to register, and becomes owner at the first login of a verified account with it.
pub async fn create(
    ctx: &AppContext,
    name: &str,
    owner_email: &str,
    origin: &Origin,
) -> AppResult<Organisation> {
    let mut problems = Problems::default();
    let name = problems.check("name", check_text(name, MAX_NAME, true));
    let email = problems.check("owner_email", Email::parse(owner_email));
    problems.finish()?;
    let (Some(name), Some(email)) = (name, email) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let now = ctx.now();
    let organisation = OrganisationRow {
        id: OrganisationId::generate(),
        name,
        address: String::new(),
        billing_address: String::new(),
    };
    let mut tx = ctx.db.begin().await?;
    store::insert(&mut tx, &organisation, now).await?;
    let organisation = Organisation::from(organisation);
    enlist_owner(&mut tx, &organisation, email.as_str(), now).await?;
    let event = Event {
        actor: None,
        role: ActorRole::Operator,
        action: AuditAction::OrganisationCreated,
        object_type: "organisation",
        object_id: Some(organisation.id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(organisation)
}

/// Makes `email` an owner (false when it already is one) and tells them: a verified account
/// holder by an "owner added" email, an address without a verified account by an invitation to
/// register (it becomes owner at the first login of a verified account with that address).
async fn enlist_owner(
    tx: &mut carespace_store::Tx,
    organisation: &Organisation,
    email: &str,
    now: carespace_core::time::Timestamp,
) -> AppResult<bool> {
    let owner = account_store::find_by_email(&mut *tx, email).await?;
    let verified_owner = owner.filter(|a| a.email_verified_at.is_some());
    let account_id = verified_owner.as_ref().map(|a| &a.id);
    if !store::add_owner(&mut *tx, &organisation.id, email, account_id, now).await? {
        return Ok(false);
    }
    let (recipient, language, message) = match &verified_owner {
        Some(account) => (
            account.full_name.clone(),
            account.language.parse().unwrap_or(Language::Nl),
            MailMessage::OwnerAdded {
                organisation: organisation.name.clone(),
            },
        ),
        None => (
            String::new(),
            Language::Nl,
            MailMessage::OwnerInvited {
                organisation: organisation.name.clone(),
            },
        ),
    };
    mail::enqueue(tx, email, &recipient, language, message, now).await?;
    Ok(true)
}

/// The organisation's owners, for its owners.
pub async fn owners(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
) -> AppResult<Vec<Owner>> {
    permitted(&ctx.db, account_id, organisation_id, Action::ManageOwners).await?;
    let owners = store::owners_of(&ctx.db, organisation_id).await?;
    Ok(owners.into_iter().map(Owner::from).collect())
}

/// The organisation, when the policy lets the account do `action` to it; otherwise "not found".
async fn permitted(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
    action: Action,
) -> AppResult<Organisation> {
    let mut ex = ex.into();
    if !policy::allows(facts(&mut ex, organisation_id, account_id).await?, action) {
        return Err(AppError::NotFound);
    }
    store::find(&mut ex, organisation_id)
        .await?
        .map(Organisation::from)
        .ok_or(AppError::NotFound)
}

fn owner_event<'a>(
    account_id: &'a AccountId,
    action: AuditAction,
    organisation_id: &'a OrganisationId,
) -> Event<'a> {
    Event {
        actor: Some(account_id),
        role: ActorRole::Owner,
        action,
        object_type: "organisation",
        object_id: Some(organisation_id.as_str()),
        outcome: Outcome::Success,
    }
}

/// An owner adds another owner by email address.
pub async fn add_owner(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
    email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let email = Email::parse(email).map_err(|code| AppError::field("email", code));
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let organisation =
        permitted(&mut tx, account_id, organisation_id, Action::ManageOwners).await?;
    let email = email?;
    if !enlist_owner(&mut tx, &organisation, email.as_str(), now).await? {
        // Dropping the transaction stores nothing.
        return Err(AppError::field("email", "already_owner"));
    }
    let event = owner_event(
        account_id,
        AuditAction::OrganisationOwnerAdded,
        organisation_id,
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// An owner removes an owner (themselves included), but never the last one with an account:
/// an organisation always keeps someone who can manage it.
pub async fn remove_owner(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
    email: &str,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    // The lock first: two owners removing each other wait in turn, and the second is no
    // longer an owner when its turn comes.
    store::lock(&mut tx, organisation_id, now).await?;
    permitted(&mut tx, account_id, organisation_id, Action::ManageOwners).await?;
    if !store::remove_owner(&mut tx, organisation_id, email).await? {
        return Err(AppError::NotFound);
    }
    if store::count_linked_owners(&mut tx, organisation_id).await? == 0 {
        // Dropping the transaction undoes the removal.
        return Err(AppError::field("owner", "last_owner"));
    }
    let event = owner_event(
        account_id,
        AuditAction::OrganisationOwnerRemoved,
        organisation_id,
    );
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

fn check_text(text: &str, max: usize, required: bool) -> Result<String, &'static str> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err("required");
    }
    if text.chars().count() > max
        || text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err("too_long");
    }
    Ok(text.replace("\r\n", "\n"))
}

/// The organisations the account owns.
pub async fn owned(ctx: &AppContext, account_id: &AccountId) -> AppResult<Vec<Organisation>> {
    let owned = store::owned_by(&ctx.db, account_id).await?;
    Ok(owned.into_iter().map(Organisation::from).collect())
}

pub async fn is_owner_of_any(ctx: &AppContext, account_id: &AccountId) -> AppResult<bool> {
    Ok(store::owns_any(&ctx.db, account_id).await?)
}

/// What the policy needs to know about the account and this organisation.
pub(crate) async fn facts(
    ex: impl Into<Exec<'_>>,
    organisation_id: &OrganisationId,
    account_id: &AccountId,
) -> AppResult<ActorFacts> {
    Ok(ActorFacts {
        owns_organisation: store::is_owner(ex, organisation_id, account_id).await?,
        ..ActorFacts::default()
    })
}

/// The organisation, when the account may manage it; otherwise "not found".
pub async fn get(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
) -> AppResult<Organisation> {
    permitted(
        &ctx.db,
        account_id,
        organisation_id,
        Action::ManageOrganisation,
    )
    .await
}

#[derive(Debug, Clone)]
pub struct Details {
    pub name: String,
    pub address: String,
    pub billing_address: String,
}

/// Changes the organisation's name and addresses. Healthspace addresses are their own and do
/// not follow.
pub async fn update(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
    details: Details,
    origin: &Origin,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    let current = permitted(
        &mut tx,
        account_id,
        organisation_id,
        Action::ManageOrganisation,
    )
    .await?;
    let mut problems = Problems::default();
    let name = problems.check("name", check_text(&details.name, MAX_NAME, true));
    let address = problems.check("address", check_text(&details.address, MAX_ADDRESS, false));
    let billing = problems.check(
        "billing_address",
        check_text(&details.billing_address, MAX_ADDRESS, false),
    );
    problems.finish()?;
    let (Some(name), Some(address), Some(billing_address)) = (name, address, billing) else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let now = ctx.now();
    store::update(
        &mut tx,
        &OrganisationRow {
            id: current.id.clone(),
            name,
            address,
            billing_address,
        },
        now,
    )
    .await?;
    let event = Event {
        actor: Some(account_id),
        role: ActorRole::Owner,
        action: AuditAction::OrganisationChanged,
        object_type: "organisation",
        object_id: Some(current.id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes an account a platform operator, or no longer one. Returns false when no account has
/// that address.
pub async fn set_operator(
    ctx: &AppContext,
    email: &str,
    operator: bool,
    origin: &Origin,
) -> AppResult<bool> {
    let email = Email::parse(email).map_err(|code| AppError::field("email", code))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let Some(account_id) =
        store::set_operator(&mut tx, email.as_str(), operator.then_some(now)).await?
    else {
        return Ok(false);
    };
    let event = Event {
        actor: None,
        role: ActorRole::Operator,
        action: if operator {
            AuditAction::OperatorGranted
        } else {
            AuditAction::OperatorRevoked
        },
        object_type: "account",
        object_id: Some(account_id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(true)
}
