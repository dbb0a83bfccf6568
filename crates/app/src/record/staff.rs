//! What a connected staff member sees of a client's record in a Healthspace: the items the
//! client shares there and the events there. Every read is in the audit log about the client,
//! so it shows in their "Who viewed my record".

use super::views::{self, EventView, ItemView};
use super::{OBJECT, PAGE_SIZE};
use crate::access::{self, Actor, Subject};
use crate::audit::{self, Event, event};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::audit::{ActorRole, AuditAction, Outcome};
use carespace_core::crypto::DataKey;
use carespace_core::ids::{AccountId, HealthspaceId, RecordItemId};
use carespace_core::memberships::Role;
use carespace_core::policy::{self, Action};
use carespace_store::record::{events, items};
use carespace_store::{connections, memberships};

/// The shared part of a client's record, newest first (the first page of each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRecord {
    pub items: Vec<ItemView>,
    pub events: Vec<EventView>,
}

/// The client's items shared with the Healthspace and the events there. Called once the
/// connection is established (`connections::clients::page`), which logs the read.
pub async fn shared_record(
    ctx: &AppContext,
    healthspace: &HealthspaceId,
    client: &AccountId,
) -> AppResult<SharedRecord> {
    let limit = i64::try_from(PAGE_SIZE).unwrap_or(i64::MAX);
    let item_rows = items::shared_page(&ctx.db, healthspace, client, None, limit).await?;
    let mut shown = Vec::with_capacity(item_rows.len());
    if let Some(key) = key_of(ctx, client, !item_rows.is_empty()).await? {
        for row in item_rows {
            shown.push(views::item_view(&key, row, &[])?);
        }
    }
    let event_rows = events::page_of(&ctx.db, client, Some(healthspace), None, limit).await?;
    Ok(SharedRecord {
        items: shown,
        events: event_rows.into_iter().map(views::event_view).collect(),
    })
}

/// The client's data key when it is needed; a client with items always has one.
async fn key_of(ctx: &AppContext, client: &AccountId, needed: bool) -> AppResult<Option<DataKey>> {
    if needed {
        ctx.keys.existing_data_key(client).await
    } else {
        Ok(None)
    }
}

/// An item a staff member may open, with the key its file opens with.
pub struct Opened {
    pub item: ItemView,
    pub file: Option<(carespace_core::ids::FileId, u64)>,
    pub key: DataKey,
}

/// The item `item_id` of client `client_id` in the Healthspace at `alias`, for a staff member
/// connected to the client, when the client shares it there; anyone else gets "not found", and
/// the refusal is audit-logged about the client. Opening it is audit-logged about the client.
pub async fn open(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    client_id: &str,
    item_id: &str,
) -> AppResult<Opened> {
    let action = Action::SeeSharedRecord;
    let (healthspace, facts) = access::client_data(ctx, &ctx.db, actor, alias, action).await?;
    let refused = || access::refused(actor, action, Subject::Item(item_id));
    let client = AccountId::parse(client_id).ok_or_else(refused)?;
    let item = RecordItemId::parse(item_id).ok_or_else(refused)?;
    let hs = &healthspace.id;
    let me = &actor.account;
    let connected = connections::connected_client(&ctx.db, hs, me, &client).await?;
    let row = match connected {
        Some(_) => items::find_shared(&ctx.db, hs, &client, &item).await?,
        None => None,
    };
    let role = facts.role.map_or(ActorRole::NonMember, ActorRole::from);
    let permitted = policy::may_see_shared_record(facts, connected.is_some(), row.is_some());
    // Only documents are opened here: a link has nothing more to open than the page shows.
    let row = row.filter(|row| row.file.is_some());
    let key = match (row, permitted) {
        (Some(row), true) => ctx
            .keys
            .existing_data_key(&client)
            .await?
            .map(|key| (row, key)),
        _ => None,
    };
    let Some((row, key)) = key else {
        let denied = Event {
            outcome: Outcome::Denied,
            ..event(me, role, AuditAction::AccessRefused, OBJECT, item.as_str())
        };
        // In the client's own log when they are a client here: they see who tried.
        let is_client = memberships::active_role(&ctx.db, hs, &client).await? == Some(Role::Client);
        let about = is_client.then_some(&client);
        audit::read_in(
            (&ctx.audit, ctx.now()),
            &actor.origin,
            denied,
            hs.as_str(),
            about,
        )
        .await?;
        return Err(refused());
    };
    let file = row.file.as_ref().map(|file| {
        (
            file.id.clone(),
            u64::try_from(file.size).unwrap_or_default(),
        )
    });
    let view = views::item_view(&key, row, &[])?;
    let opened = event(
        me,
        role,
        AuditAction::RecordItemOpened,
        OBJECT,
        item.as_str(),
    );
    let about = Some(&client);
    audit::read_in(
        (&ctx.audit, ctx.now()),
        &actor.origin,
        opened,
        hs.as_str(),
        about,
    )
    .await?;
    Ok(Opened {
        item: view,
        file,
        key,
    })
}
