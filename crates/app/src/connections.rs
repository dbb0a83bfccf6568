//! Connections: a staff member (or admin) and a client of the same Healthspace. Staff see a
//! client only through one; a client sees at all times who is connected. Admins and owners
//! connect anyone; staff connect themselves when the Healthspace allows it.

pub mod clients;
pub mod listing;

use crate::access::manager_role;
use crate::access::{self, Actor};
use crate::audit::{self, Origin, event};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::{self, MailMessage};
use crate::record;
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::ids::{AccountId, ConnectionId, HealthspaceId};
use carespace_core::language::Language;
use carespace_core::memberships::Role;
use carespace_core::policy::Action;
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use carespace_store::accounts::AccountRow;
use carespace_store::connections::{self as store, ConnectionRow};
use carespace_store::healthspaces::{self as hs_store, HealthspaceRow};
use carespace_store::{StoreError, Tx, accounts as account_store, memberships as membership_store};

/// Connects a staff member (or admin) to a client of the same Healthspace, both named by email.
pub async fn connect(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    staff_email: &str,
    client_email: &str,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    // The roles read below stay as they are until this commits (see the lock).
    hs_store::lock_by_alias(&mut tx, alias).await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    let hs = &healthspace.id;
    let staff = member_by_email(&mut tx, hs, staff_email, is_staff, "staff").await?;
    let client = member_by_email(&mut tx, hs, client_email, is_client, "client").await?;
    let by = (&actor.account, manager_role(facts));
    link(
        ctx,
        tx,
        actor,
        &healthspace,
        (&staff, &client),
        by,
        "client",
    )
    .await
}

/// A staff member connects themselves to a client, when the Healthspace's setting allows it.
pub async fn connect_self(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    client_email: &str,
) -> AppResult<()> {
    let mut tx = ctx.db.begin().await?;
    hs_store::lock_by_alias(&mut tx, alias).await?;
    let (healthspace, _) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ConnectSelf).await?;
    let field = "client_email";
    let hs = &healthspace.id;
    let client = member_by_email(&mut tx, hs, client_email, is_client, field).await?;
    let me = &actor.account;
    link(
        ctx,
        tx,
        actor,
        &healthspace,
        (me, &client),
        (me, ActorRole::Staff),
        field,
    )
    .await
}

fn is_staff(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Admin)
}

fn is_client(role: Role) -> bool {
    role == Role::Client
}

/// The account with this email, when its role in the Healthspace passes `fits`; otherwise a
/// problem with `field` that says only "not a member".
async fn member_by_email(
    tx: &mut Tx,
    healthspace: &HealthspaceId,
    email: &str,
    fits: fn(Role) -> bool,
    field: &'static str,
) -> AppResult<AccountId> {
    let email = email.trim().to_lowercase();
    let not_a_member = || AppError::field(field, "not_a_member");
    let account = account_store::find_by_email(&mut *tx, &email)
        .await?
        .map(|a| a.id)
        .ok_or_else(not_a_member)?;
    match membership_store::active_role(&mut *tx, healthspace, &account).await? {
        Some(role) if fits(role) => Ok(account),
        _ => Err(not_a_member()),
    }
}

/// Connects staff and client in the caller's transaction and commits; audit-logged as about
/// the client, who is emailed. A pair already connected is refused with a problem on `field`.
async fn link(
    ctx: &AppContext,
    mut tx: Tx,
    actor: &Actor,
    healthspace_row: &HealthspaceRow,
    (staff, client): (&AccountId, &AccountId),
    (by, role): (&AccountId, ActorRole),
    field: &'static str,
) -> AppResult<()> {
    let healthspace = &healthspace_row.id;
    let already = || AppError::field(field, "already_connected");
    if store::is_connected(&mut tx, healthspace, staff, client).await? {
        return Err(already());
    }
    let now = ctx.now();
    let connection = ConnectionRow {
        id: ConnectionId::generate(),
        healthspace_id: healthspace.clone(),
        staff_account_id: staff.clone(),
        client_account_id: client.clone(),
        created_at: now,
    };
    let duplicate = |e: StoreError| match e {
        StoreError::Duplicate(_) => already(),
        other => other.into(),
    };
    store::insert(&mut tx, &connection, by)
        .await
        .map_err(duplicate)?;
    let id = connection.id.as_str();
    let record = event(by, role, AuditAction::ConnectionCreated, "connection", id);
    let (hs, about) = (healthspace.as_str(), Some(client));
    audit::record_in(&mut tx, &actor.origin, record, hs, about, now).await?;
    let pair = (client, staff);
    let made = EventKind::ConnectionMade;
    record::events::connection(&mut tx, made, pair, healthspace, Some(by), now).await?;
    if let Some((staff, client)) = people(&mut tx, (staff, client)).await? {
        let name = &healthspace_row.name;
        tell_client(&mut tx, name, (&staff, &client), Change::Made, now).await?;
    }
    tx.commit().await.map_err(duplicate)?;
    Ok(())
}

/// Ends every open connection of `member` in the Healthspace, on either side, inside the
/// caller's transaction; each is audit-logged as ended, about its client, so that the client's
/// log shows who lost access and when.
pub(crate) async fn end_all_of(
    tx: &mut Tx,
    healthspace: &HealthspaceId,
    member: &AccountId,
    (by, role): (&AccountId, ActorRole),
    origin: &Origin,
    now: Timestamp,
) -> AppResult<()> {
    let ended = store::end_all_of(&mut *tx, healthspace, member, by, now).await?;
    for connection in &ended {
        let record = event(
            by,
            role,
            AuditAction::ConnectionEnded,
            "connection",
            connection.id.as_str(),
        );
        let client = &connection.client;
        audit::record_in(tx, origin, record, healthspace.as_str(), Some(client), now).await?;
        let people = (client, &connection.staff);
        let ended = EventKind::ConnectionEnded;
        record::events::connection(tx, ended, people, healthspace, Some(by), now).await?;
    }
    Ok(())
}

/// What happened to a connection, as its client is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Made,
    Ended,
}

/// Both people of a connection, as the emails about it need them; `None` when an account is
/// gone.
pub(crate) async fn people(
    tx: &mut Tx,
    (staff, client): (&AccountId, &AccountId),
) -> AppResult<Option<(AccountRow, AccountRow)>> {
    let staff = account_store::find(&mut *tx, staff).await?;
    let client = account_store::find(&mut *tx, client).await?;
    Ok(staff.zip(client))
}

/// Emails the client that a staff member was connected to them, or no longer is: who can see
/// their record never changes silently. The email names the staff member and the Healthspace,
/// nothing of the client's care.
pub(crate) async fn tell_client(
    tx: &mut Tx,
    healthspace_name: &str,
    (staff, client): (&AccountRow, &AccountRow),
    change: Change,
    now: Timestamp,
) -> AppResult<()> {
    let (healthspace, staff) = (healthspace_name.to_owned(), staff.full_name.clone());
    let message = match change {
        Change::Made => MailMessage::ConnectionMade { healthspace, staff },
        Change::Ended => MailMessage::ConnectionEnded { healthspace, staff },
    };
    let language = client.language.parse().unwrap_or(Language::Nl);
    mail::enqueue(tx, &client.email, &client.full_name, language, message, now).await
}

/// "My connections": who is connected to the client, where, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyConnection {
    pub staff_name: String,
    pub healthspace: String,
    pub since: Timestamp,
}

pub async fn mine(ctx: &AppContext, account: &AccountId) -> AppResult<Vec<MyConnection>> {
    Ok(store::of_client(&ctx.db, account)
        .await?
        .into_iter()
        .map(|(connection, staff_name, healthspace)| MyConnection {
            staff_name,
            healthspace,
            since: connection.created_at,
        })
        .collect())
}
