//! A Healthspace's connections as its admins and the owners manage them: who is connected to
//! whom, since when and made by whom, filtered by staff member or client; and ending one.

use super::{Change, people, tell_client};
use crate::access::{self, Actor, Subject, manager_role};
use crate::accounts::filter_by_email;
use crate::audit::{self, event};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::mail::{self, MailMessage};
use crate::paging::cursor;
use crate::record;
use carespace_core::audit::AuditAction;
use carespace_core::ids::ConnectionId;
use carespace_core::language::Language;
use carespace_core::policy::Action;
use carespace_core::record::EventKind;
use carespace_core::time::Timestamp;
use carespace_store::connections::{self as store, ConnectionFilter, ListedConnection};
use serde::Deserialize;

/// Connections per page.
pub const PAGE_SIZE: i64 = 25;

/// What the reader typed into the filter (or an API caller's query string).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConnectionQuery {
    /// Email address of the staff member.
    pub staff: String,
    /// Email address of the client.
    pub client: String,
    /// The cursor of the next page: `created_at:id` of the last connection shown.
    pub before: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionView {
    pub id: ConnectionId,
    pub staff_name: String,
    pub staff_email: String,
    pub client_name: String,
    pub client_email: String,
    pub since: Timestamp,
    /// Who made it; `None` when that account no longer exists.
    pub made_by: Option<String>,
}

impl From<ListedConnection> for ConnectionView {
    fn from(row: ListedConnection) -> Self {
        ConnectionView {
            id: row.id,
            staff_name: row.staff_name,
            staff_email: row.staff_email,
            client_name: row.client_name,
            client_email: row.client_email,
            since: row.created_at,
            made_by: row.created_by_name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionsPage {
    pub connections: Vec<ConnectionView>,
    /// The cursor for the next page, when there is one.
    pub next: Option<String>,
}

/// One page of the Healthspace's open connections, newest first; the read is audit-logged
/// (as a read of that client's data when filtered on one client).
pub async fn of_healthspace(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    query: &ConnectionQuery,
) -> AppResult<ConnectionsPage> {
    let (healthspace, facts) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::ManageMembers).await?;
    let staff = filter_by_email(ctx, &query.staff).await?;
    let client = filter_by_email(ctx, &query.client).await?;
    let (me, hs) = (&actor.account, healthspace.id.as_str());
    let record = event(
        me,
        manager_role(facts),
        AuditAction::ConnectionsListed,
        "healthspace",
        hs,
    );
    let about = client.as_ref().and_then(Option::as_ref);
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, record, hs, about).await?;
    // A filter on an address that is nobody's matches nothing.
    let (Some(staff), Some(client)) = (staff, client) else {
        return Ok(ConnectionsPage {
            connections: Vec::new(),
            next: None,
        });
    };
    let filter = ConnectionFilter {
        staff: staff.as_ref(),
        client: client.as_ref(),
        before: cursor(&query.before),
    };
    let mut rows = store::of_healthspace(&ctx.db, &healthspace.id, &filter, PAGE_SIZE + 1).await?;
    let next = if rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX) {
        rows.pop();
        rows.last()
            .map(|c| format!("{}:{}", c.created_at.millis(), c.id))
    } else {
        None
    };
    Ok(ConnectionsPage {
        connections: rows.into_iter().map(ConnectionView::from).collect(),
        next,
    })
}

/// An admin or owner ends a connection: the staff member no longer sees the client. Both are
/// emailed and the audit log notes it, as about the client.
pub async fn end(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    connection_id: &str,
) -> AppResult<()> {
    let refused = || access::refused(actor, Action::ManageMembers, Subject::Item(connection_id));
    let id = ConnectionId::parse(connection_id).ok_or_else(refused)?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (healthspace, facts) =
        access::client_data(ctx, &mut tx, actor, alias, Action::ManageMembers).await?;
    let Some((staff, client)) =
        store::end(&mut tx, &healthspace.id, &id, &actor.account, now).await?
    else {
        return Err(refused());
    };
    let record = event(
        &actor.account,
        manager_role(facts),
        AuditAction::ConnectionEnded,
        "connection",
        id.as_str(),
    );
    let hs = healthspace.id.as_str();
    audit::record_in(&mut tx, &actor.origin, record, hs, Some(&client), now).await?;
    let (pair, by) = ((&client, &staff), Some(&actor.account));
    let ended = EventKind::ConnectionEnded;
    record::events::connection(&mut tx, ended, pair, &healthspace.id, by, now).await?;
    if let Some((staff, client)) = people(&mut tx, (&staff, &client)).await? {
        let name = &healthspace.name;
        tell_client(&mut tx, name, (&staff, &client), Change::Ended, now).await?;
        let message = MailMessage::ConnectionEndedForStaff {
            healthspace: name.clone(),
            client: client.full_name,
        };
        let language = staff.language.parse().unwrap_or(Language::Nl);
        mail::enqueue(
            &mut tx,
            &staff.email,
            &staff.full_name,
            language,
            message,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
