//! The inbox: the conversations the actor reaches now, newest message first, keyset-paged, and
//! searchable by the name of someone in them.

use super::PAGE_SIZE;
use super::views::{self, ConversationView};
use crate::access::{Actor, Via};
use crate::context::AppContext;
use crate::error::AppResult;
use crate::paging::cursor;
use carespace_store::messages::{conversations, participants};

/// A page of the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPage {
    pub conversations: Vec<ConversationView>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// One page of the actor's inbox, older than `before`; with `name`, only conversations with
/// someone of that name. A token for one Healthspace sees that Healthspace's conversations only.
pub async fn page(
    ctx: &AppContext,
    actor: &Actor,
    name: Option<&str>,
    before: Option<&str>,
) -> AppResult<InboxPage> {
    let me = &actor.account;
    let scope = match &actor.via {
        Via::Token(scope) => scope.healthspace.as_ref(),
        Via::Session => None,
    };
    let name = name.map(str::trim).filter(|name| !name.is_empty());
    // No name has a NUL byte: such a search finds nothing, and is never sent to the database,
    // which may refuse it with an error instead.
    if name.is_some_and(|name| name.contains('\0')) {
        return Ok(InboxPage {
            conversations: Vec::new(),
            next: None,
        });
    }
    let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let before = before.and_then(cursor);
    let mut rows = conversations::inbox(&ctx.db, (me, scope), name, before, limit).await?;
    let next = (rows.len() > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE);
        rows.last()
            .map(|row| format!("{}:{}", row.last_message_at.millis(), row.id))
            .unwrap_or_default()
    });
    let ids: Vec<_> = rows.iter().map(|row| &row.id).collect();
    let people = participants::of(&ctx.db, &ids).await?;
    let conversations = rows
        .into_iter()
        .map(|row| views::conversation_view(row, &people, me))
        .collect();
    Ok(InboxPage {
        conversations,
        next,
    })
}
