//! "Who viewed my record": every access by someone else to the client's data, from the audit
//! log, filterable by period and paged. Opening it is logged too.

use crate::access::Actor;
use crate::audit::{self, Event};
use crate::context::AppContext;
use crate::error::{AppResult, Problems};
use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::time::{Date, Timestamp};
use carespace_store::record::access_log::{self as store, AccessRow, Period};

/// Lines per page.
pub const PAGE_SIZE: i64 = 50;

/// The filter as typed: dates `YYYY-MM-DD`, both optional, and the page cursor.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub before: &'a str,
}

/// One access, as the client reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub at: Timestamp,
    /// Who: a person's name, or nobody (the system).
    pub who: Option<String>,
    /// In which capacity (`audit::ActorRole` code).
    pub role: Option<ActorRole>,
    pub on_behalf_of: Option<String>,
    pub healthspace: Option<String>,
    pub organisation: Option<String>,
    /// What happened (`AuditAction`), or the stored code of one this version does not know.
    pub action: Result<AuditAction, String>,
    pub refused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPage {
    pub lines: Vec<Access>,
    pub next: Option<String>,
}

/// One page of the accesses to the actor's data by others.
pub async fn page(ctx: &AppContext, actor: &Actor, query: Query<'_>) -> AppResult<AccessPage> {
    let mut problems = Problems::default();
    let from = day(&mut problems, "from", query.from);
    let to = day(&mut problems, "to", query.to).map(|day| day.map(|d| d.plus_millis(DAY_MS)));
    problems.finish()?;
    let before = query
        .before
        .split_once(':')
        .and_then(|(at, seq)| Some((at.parse::<i64>().ok()?, seq.parse::<i64>().ok()?)));
    let period = Period {
        from: from.flatten(),
        to: to.flatten(),
        before,
    };
    let me = &actor.account;
    let mut rows = store::page_of(&ctx.db, me, period, PAGE_SIZE + 1).await?;
    let next = if rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX) {
        rows.pop();
        rows.last()
            .map(|row| format!("{}:{}", row.at.millis(), row.seq))
    } else {
        None
    };
    let viewed = Event::own(me, AuditAction::AccessLogViewed, "access_log", None);
    audit::read_own((&ctx.audit, ctx.now()), &actor.origin, viewed).await?;
    Ok(AccessPage {
        lines: rows.into_iter().map(access).collect(),
        next,
    })
}

const DAY_MS: i64 = 24 * 3_600_000;

/// A date typed as `YYYY-MM-DD` as the start of that day (UTC); empty is no bound.
fn day(problems: &mut Problems, field: &'static str, text: &str) -> Option<Option<Timestamp>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    problems
        .check(field, Date::parse_iso(text).ok_or("date_invalid"))
        .map(|date| Some(date.start()))
}

fn access(row: AccessRow) -> Access {
    Access {
        at: row.at,
        who: row.actor_name,
        role: row.actor_role.as_deref().and_then(ActorRole::parse),
        on_behalf_of: row.on_behalf_of,
        healthspace: row.healthspace_name,
        organisation: row.organisation_name,
        action: AuditAction::parse(&row.action).ok_or(row.action),
        refused: row.outcome == "denied",
    }
}
