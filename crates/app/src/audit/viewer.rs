//! A Healthspace's audit log as its admins and the owners read it: newest first, filtered by
//! person, client and period, one keyset page at a time.

use crate::access::{self, Actor, manager_role};
use crate::accounts::filter_by_email;
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::{AppResult, Problems};
use carespace_core::audit::{AuditAction, LogLine};
use carespace_core::policy::Action;
use carespace_core::time::Date;
use carespace_store::audit::viewer::{self as store, HealthspaceFilter};
use serde::Deserialize;

/// Entries per page.
pub const PAGE_SIZE: i64 = 50;

/// What the reader typed into the filter form (or an API caller's query string).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    /// Email address of the person who acted.
    pub person: String,
    /// Email address of the client concerned.
    pub client: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
    /// The cursor of the next page: `at:seq` of the last entry shown.
    pub before: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage {
    pub healthspace: String,
    pub entries: Vec<LogLine>,
    /// The cursor for the next page, when there is one.
    pub next: Option<String>,
}

pub async fn healthspace_log(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    query: &LogQuery,
) -> AppResult<LogPage> {
    let (healthspace, facts) =
        access::client_data(ctx, &ctx.db, actor, alias, Action::ViewAuditLog).await?;
    let mut problems = Problems::default();
    let from = date(&mut problems, "from", &query.from);
    let to = date(&mut problems, "to", &query.to);
    problems.finish()?;
    let (person, client) = (
        filter_by_email(ctx, &query.person).await?,
        filter_by_email(ctx, &query.client).await?,
    );
    // Reading the log is itself logged, whatever the filter finds; filtered on one client, it
    // is a read of that client's data.
    let (me, hs) = (&actor.account, healthspace.id.as_str());
    let record = Event {
        actor: Some(me),
        role: manager_role(facts),
        action: AuditAction::AuditLogViewed,
        object_type: "healthspace",
        object_id: Some(hs),
        outcome: carespace_core::audit::Outcome::Success,
    };
    let about = client.as_ref().and_then(Option::as_ref);
    audit::read_in((&ctx.audit, ctx.now()), &actor.origin, record, hs, about).await?;
    let empty = LogPage {
        healthspace: healthspace.name.clone(),
        entries: Vec::new(),
        next: None,
    };
    // A filter on an address nobody has matches nothing.
    let (Some(person), Some(client)) = (person, client) else {
        return Ok(empty);
    };
    let filter = HealthspaceFilter {
        actor_account_id: person.as_ref(),
        client_account_id: client.as_ref(),
        from: from.map(Date::start),
        // Through the end of the day typed.
        to: to.map(|d| d.start().plus_millis(86_400_000)),
        before: cursor(&query.before),
    };
    let mut entries =
        store::of_healthspace(&ctx.db, healthspace.id.as_str(), &filter, PAGE_SIZE + 1).await?;
    let next = if entries.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX) {
        entries.pop();
        entries
            .last()
            .map(|e| format!("{}:{}", e.at.millis(), e.seq))
    } else {
        None
    };
    Ok(LogPage {
        healthspace: healthspace.name,
        entries,
        next,
    })
}

fn date(problems: &mut Problems, field: &'static str, text: &str) -> Option<Date> {
    if text.trim().is_empty() {
        return None;
    }
    problems.check(field, Date::parse_iso(text).ok_or("date_invalid"))
}

fn cursor(text: &str) -> Option<(i64, i64)> {
    let (at, seq) = text.split_once(':')?;
    Some((at.parse().ok()?, seq.parse().ok()?))
}
