//! Healthspaces: created by an owner with a name and a permanent alias,
//! inactive until activated; only owners reach an inactive one. Their settings and branding
//! live in [`settings`].

pub mod settings;

use crate::access;
use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::organisations;
use carespace_core::audit::Outcome;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::healthspaces::{Alias, HealthspaceState};
use carespace_core::ids::{AccountId, HealthspaceId, OrganisationId};
use carespace_core::memberships::Role;
use carespace_core::policy::{self, Action, ActorFacts};
use carespace_store::Exec;
use carespace_store::healthspaces::{self as store, HealthspaceRow};

pub use carespace_core::healthspaces::HealthspaceSettings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthspace {
    pub id: HealthspaceId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub alias: String,
    pub state: HealthspaceState,
    pub address: String,
    pub settings: HealthspaceSettings,
    /// Changes with every change; versions the URLs of its stylesheet and logo.
    pub version: i64,
}

impl From<HealthspaceRow> for Healthspace {
    fn from(row: HealthspaceRow) -> Self {
        Healthspace {
            state: row.state,
            id: row.id,
            organisation_id: row.organisation_id,
            name: row.name,
            alias: row.alias,
            address: row.address,
            settings: row.settings,
            version: row.updated_at,
        }
    }
}

/// The Healthspaces of an organisation the account manages.
pub async fn of_organisation(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
) -> AppResult<Vec<Healthspace>> {
    organisations::get(ctx, account_id, organisation_id).await?;
    Ok(store::of_organisation(&ctx.db, organisation_id)
        .await?
        .into_iter()
        .map(Healthspace::from)
        .collect())
}

/// Creates an inactive Healthspace. The alias is checked and claimed for ever.
pub async fn create(
    ctx: &AppContext,
    account_id: &AccountId,
    organisation_id: &OrganisationId,
    name: &str,
    alias: &str,
    origin: &Origin,
) -> AppResult<Healthspace> {
    let mut tx = ctx.db.begin().await?;
    let facts = organisations::facts(&mut tx, organisation_id, account_id).await?;
    if !policy::allows(facts, Action::ManageHealthspaces) {
        return Err(AppError::NotFound);
    }
    let mut problems = Problems::default();
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        problems.add("name", "healthspace_name");
    }
    let alias = problems.check("alias", Alias::parse(alias));
    problems.finish()?;
    let Some(alias) = alias else {
        return Err(AppError::Internal("checked input missing".into()));
    };
    let now = ctx.now();
    if store::alias_taken(&mut tx, alias.as_str()).await? {
        return Err(AppError::field("alias", "alias_taken"));
    }
    let row = HealthspaceRow {
        id: HealthspaceId::generate(),
        organisation_id: organisation_id.clone(),
        name: trimmed.to_owned(),
        alias: alias.as_str().to_owned(),
        state: HealthspaceState::Inactive,
        address: String::new(),
        settings: HealthspaceSettings::default(),
        updated_at: now.millis(),
    };
    store::insert(&mut tx, &row, now).await?;
    record(
        &mut tx,
        (account_id, ActorRole::Owner),
        AuditAction::HealthspaceCreated,
        &row.id,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Healthspace::from(row))
}

/// Records something done to a Healthspace by `account_id` acting as `role`.
async fn record(
    tx: &mut carespace_store::Tx,
    (account_id, role): (&AccountId, ActorRole),
    action: AuditAction,
    healthspace_id: &HealthspaceId,
    origin: &Origin,
    now: carespace_core::time::Timestamp,
) -> AppResult<()> {
    let event = Event {
        actor: Some(account_id),
        role,
        action,
        object_type: "healthspace",
        object_id: Some(healthspace_id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record_in(tx, origin, event, healthspace_id.as_str(), None, now).await
}

/// A Healthspace the account may manage; otherwise "not found".
pub async fn managed(
    ctx: &AppContext,
    account_id: &AccountId,
    healthspace_id: &str,
) -> AppResult<Healthspace> {
    Ok(Healthspace::from(
        managed_row(&ctx.db, account_id, healthspace_id).await?,
    ))
}

async fn managed_row(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    healthspace_id: &str,
) -> AppResult<HealthspaceRow> {
    let id = HealthspaceId::parse(healthspace_id).ok_or(AppError::NotFound)?;
    let mut ex = ex.into();
    let row = store::find(&mut ex, &id).await?.ok_or(AppError::NotFound)?;
    let facts = organisations::facts(&mut ex, &row.organisation_id, account_id).await?;
    if !policy::allows(facts, Action::ManageHealthspaces) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Deactivates after cancelling every membership as the provider, each member emailed, in one
/// transaction: what the deactivation page offers. Returns the Healthspace.
pub async fn deactivate_cancelling_memberships(
    ctx: &AppContext,
    account_id: &AccountId,
    healthspace_id: &str,
    origin: &Origin,
) -> AppResult<Healthspace> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let row = managed_row(&mut tx, account_id, healthspace_id).await?;
    let actor = (account_id, ActorRole::Owner);
    crate::memberships::cancel_all(&mut tx, &row, actor, origin, now).await?;
    let inactive = HealthspaceState::Inactive;
    if row.state != inactive {
        store::set_state(&mut tx, &row.id, inactive, now).await?;
        let action = AuditAction::HealthspaceDeactivated;
        record(&mut tx, actor, action, &row.id, origin, now).await?;
    }
    tx.commit().await?;
    Ok(Healthspace {
        state: inactive,
        ..Healthspace::from(row)
    })
}

/// How many memberships exist (and count in seats) in a Healthspace the account manages.
/// Returned with the Healthspace itself, for the page that asks before deactivating.
pub async fn with_existing_memberships(
    ctx: &AppContext,
    account_id: &AccountId,
    healthspace_id: &str,
) -> AppResult<(Healthspace, i64)> {
    let healthspace = managed(ctx, account_id, healthspace_id).await?;
    let count = carespace_store::memberships::count_active(&ctx.db, &healthspace.id).await?;
    Ok((healthspace, count))
}

/// Activates or deactivates. Deactivating cancels no membership: they stay "existing
/// memberships" and are valid again on reactivation. Returns the Healthspace.
pub async fn set_state(
    ctx: &AppContext,
    account_id: &AccountId,
    healthspace_id: &str,
    state: HealthspaceState,
    origin: &Origin,
) -> AppResult<Healthspace> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let healthspace = Healthspace::from(managed_row(&mut tx, account_id, healthspace_id).await?);
    if healthspace.state == state {
        return Ok(healthspace);
    }
    store::set_state(&mut tx, &healthspace.id, state, now).await?;
    let action = match state {
        HealthspaceState::Active => AuditAction::HealthspaceActivated,
        HealthspaceState::Inactive => AuditAction::HealthspaceDeactivated,
    };
    record(
        &mut tx,
        (account_id, ActorRole::Owner),
        action,
        &healthspace.id,
        origin,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Healthspace {
        state,
        ..healthspace
    })
}

/// What the Healthspace's own login page shows, found by its alias or an old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicPage {
    /// The alias is an old one: the Healthspace lives at this alias now.
    MovedTo(String),
    Open(Box<Healthspace>),
}

/// The Healthspace at `alias` as `viewer` (an account, or no one) may see it: open when its
/// home page shows anything of it, to a visitor or inside.
pub async fn public_page(
    ctx: &AppContext,
    alias: &str,
    viewer: Option<&AccountId>,
) -> AppResult<PublicPage> {
    Ok(match home(ctx, alias, viewer, None).await? {
        HomePage::MovedTo(alias) => PublicPage::MovedTo(alias),
        HomePage::Visitor(healthspace) => PublicPage::Open(healthspace),
        HomePage::Inside(inside) => PublicPage::Open(Box::new(inside.healthspace)),
    })
}

/// What `/h/<alias>` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomePage {
    /// The alias is an old one: the Healthspace lives at this alias now.
    MovedTo(String),
    /// Someone who may not enter: its login page with name, address, logo and colours.
    Visitor(Box<Healthspace>),
    /// A member (or owner): its dashboard.
    Inside(Box<Inside>),
}

/// A Healthspace as the member who entered it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inside {
    pub healthspace: Healthspace,
    /// The member's role; `None` for an owner who is not a member.
    pub role: Option<Role>,
    /// Members, settings, seats and audit log are open to them.
    pub manages: bool,
    /// Staff who may connect themselves to clients.
    pub connects_self: bool,
    /// Staff and admins: "My clients" is open to them.
    pub sees_clients: bool,
}

/// The Healthspace at `alias` as `viewer` (an account, or no one) may see it; `seen` is what
/// was read of it with the viewer's session. An inactive one, at its alias or an old one, is
/// "not found" to anyone but its owners, as an unknown alias is: nobody else learns that it
/// exists or where it moved.
pub async fn home(
    ctx: &AppContext,
    alias: &str,
    viewer: Option<&AccountId>,
    seen: Option<&access::Seen>,
) -> AppResult<HomePage> {
    let found = match viewer {
        Some(account) => access::with_facts_seen(&ctx.db, alias, account, seen).await?,
        None => store::find_by_any_alias(&ctx.db, alias)
            .await?
            .map(|row| (row, ActorFacts::default())),
    };
    let Some((row, facts)) = found else {
        return Err(AppError::NotFound);
    };
    if row.state != HealthspaceState::Active && !facts.owns_organisation {
        return Err(AppError::NotFound);
    }
    if row.alias != alias {
        return Ok(HomePage::MovedTo(row.alias));
    }
    let healthspace = Healthspace::from(row);
    Ok(if policy::allows(facts, Action::EnterHealthspace) {
        HomePage::Inside(Box::new(Inside {
            healthspace,
            role: facts.role,
            manages: policy::allows(facts, Action::ManageSettings),
            connects_self: policy::allows(facts, Action::ConnectSelf),
            sees_clients: policy::allows(facts, Action::SeeOwnClients),
        }))
    } else {
        HomePage::Visitor(Box::new(healthspace))
    })
}

/// Gives a Healthspace a new alias: only the platform operator may (`carespace admin
/// change-alias`). The old alias keeps leading to it and is never given out again.
pub async fn change_alias(
    ctx: &AppContext,
    old: &str,
    new: &str,
    origin: &Origin,
) -> AppResult<()> {
    let new = Alias::parse(new).map_err(|code| AppError::field("alias", code))?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let row = store::find_by_any_alias(&mut tx, old)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::alias_taken(&mut tx, new.as_str()).await? {
        return Err(AppError::field("alias", "alias_taken"));
    }
    store::change_alias(&mut tx, &row.id, new.as_str(), now).await?;
    let event = Event {
        actor: None,
        role: ActorRole::Operator,
        action: AuditAction::HealthspaceAliasChanged,
        object_type: "healthspace",
        object_id: Some(row.id.as_str()),
        outcome: Outcome::Success,
    };
    audit::record(&mut tx, origin, event, now).await?;
    tx.commit().await?;
    Ok(())
}
