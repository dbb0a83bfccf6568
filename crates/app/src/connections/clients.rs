//! "My clients": the clients a staff member (or admin) is connected to in a Healthspace, and
//! each client's page there. Only a connection opens a client's page; every read is in the
//! audit log, the client's page (with what the client shares there) as a read of that client's
//! data.

use crate::access::{self, Actor, Subject};
use crate::audit::{self, Event, event};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::paging::cursor;
use crate::record::staff::{self as staff_view, SharedRecord};
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::ids::AccountId;
use carespace_core::memberships::Role;
use carespace_core::policy::{self, Action};
use carespace_core::time::Timestamp;
use carespace_store::connections::{self as store, ClientFilter, ConnectedClient};
use carespace_store::memberships as membership_store;

/// Clients per page.
pub const PAGE_SIZE: i64 = 25;

/// A client in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientView {
    pub id: AccountId,
    pub full_name: String,
    /// Since when the staff member is connected to them.
    pub connected_since: Timestamp,
    pub member_since: Timestamp,
}

impl From<ConnectedClient> for ClientView {
    fn from(row: ConnectedClient) -> Self {
        ClientView {
            id: row.client_id,
            full_name: row.full_name,
            connected_since: row.connected_at,
            member_since: row.member_since,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientsPage {
    pub clients: Vec<ClientView>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// One page of the actor's own clients in the Healthspace at `alias`, most recent connection
/// first, narrowed to names containing `search`; `before` is the previous page's cursor.
pub async fn mine(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    search: Option<&str>,
    before: Option<&str>,
) -> AppResult<ClientsPage> {
    let (healthspace, facts) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::SeeOwnClients).await?;
    let filter = ClientFilter {
        search,
        before: before.and_then(cursor),
    };
    let hs = &healthspace.id;
    let mut rows = store::clients_page(&ctx.db, hs, &actor.account, &filter, PAGE_SIZE + 1).await?;
    let next = if rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX) {
        rows.pop();
        rows.last()
            .map(|c| format!("{}:{}", c.connected_at.millis(), c.connection_id))
    } else {
        None
    };
    let role = facts.role.map_or(ActorRole::NonMember, ActorRole::from);
    let (me, hs) = (&actor.account, hs.as_str());
    let listed = event(me, role, AuditAction::ClientsListed, "healthspace", hs);
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, listed, hs, None).await?;
    Ok(ClientsPage {
        clients: rows.into_iter().map(ClientView::from).collect(),
        next,
    })
}

/// A client's page in a Healthspace, as a staff member connected to them sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPage {
    pub client: ClientView,
    /// Everyone connected to the client there, by name, with since when.
    pub staff: Vec<(String, Timestamp)>,
    /// What the client shares with the Healthspace, and its events there.
    pub record: SharedRecord,
}

/// The page of client `client_id` in the Healthspace at `alias`, for a staff member (or admin)
/// connected to them; anyone else gets "not found", and the refusal is logged. The read is in
/// the audit log as a read of this client's data.
pub async fn page(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    client_id: &str,
) -> AppResult<ClientPage> {
    let action = Action::SeeOwnClients;
    let (healthspace, facts) = access::client_data(ctx, &ctx.db, actor, alias, action).await?;
    let hs = healthspace.id.as_str();
    // What is not an id names no one: refused without an audit entry of made-up text.
    let refused = || access::refused(actor, action, Subject::Item(client_id));
    let client = AccountId::parse(client_id).ok_or_else(refused)?;
    let found = store::connected_client(&ctx.db, &healthspace.id, &actor.account, &client).await?;
    let role = facts.role.map_or(ActorRole::NonMember, ActorRole::from);
    let me = &actor.account;
    let permitted = policy::may_see_client(facts, found.is_some());
    let Some(row) = found.filter(|_| permitted) else {
        let denied = Event {
            outcome: Outcome::Denied,
            ..event(
                me,
                role,
                AuditAction::AccessRefused,
                "client",
                client.as_str(),
            )
        };
        // In the client's own log when they are a client here: they see who tried.
        let is_client = membership_store::active_role(&ctx.db, &healthspace.id, &client).await?
            == Some(Role::Client);
        let about = is_client.then_some(&client);
        audit::read_in((&ctx.audit, ctx.now()), &actor.origin, denied, hs, about).await?;
        return Err(refused());
    };
    let staff = store::staff_names_of_client(&ctx.db, &healthspace.id, &client).await?;
    let record = staff_view::shared_record(ctx, &healthspace.id, &client).await?;
    if !record.items.is_empty() || !record.events.is_empty() {
        let listed = event(
            me,
            role,
            AuditAction::RecordListed,
            "record",
            client.as_str(),
        );
        audit::read_in(
            (&ctx.audit, ctx.now()),
            &actor.origin,
            listed,
            hs,
            Some(&client),
        )
        .await?;
    }
    let viewed = event(
        me,
        role,
        AuditAction::ClientViewed,
        "client",
        client.as_str(),
    );
    let about = Some(&client);
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, viewed, hs, about).await?;
    Ok(ClientPage {
        client: ClientView::from(row),
        staff,
        record,
    })
}
