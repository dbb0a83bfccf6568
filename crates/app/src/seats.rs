//! The seats report: per Healthspace and calendar month, the memberships that
//! existed by role. Memberships of an inactive Healthspace are not cancelled, so they count.

use crate::access::{self, Actor};
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::memberships::Role;
use carespace_core::policy::Action;
use carespace_core::time::Month;
use carespace_store::memberships as store;

/// How many months the report covers, this one included.
pub const MONTHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatsMonth {
    pub month: Month,
    pub clients: i64,
    pub staff: i64,
    pub admins: i64,
}

impl SeatsMonth {
    pub fn total(&self) -> i64 {
        self.clients + self.staff + self.admins
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatsReport {
    pub healthspace: String,
    pub alias: String,
    /// Newest month first.
    pub months: Vec<SeatsMonth>,
}

/// The last twelve months of the Healthspace at `alias`, for its admins and owners.
pub async fn report(ctx: &AppContext, actor: &Actor, alias: &str) -> AppResult<SeatsReport> {
    let (healthspace, _) = access::healthspace(&ctx.db, actor, alias, Action::ViewSeats).await?;
    let mut months = Vec::with_capacity(MONTHS);
    let mut month = Month::of(ctx.now());
    for _ in 0..MONTHS {
        months.push(month);
        month = month.previous();
    }
    let periods: Vec<_> = months
        .iter()
        .map(|m| (m.start(), m.next().start()))
        .collect();
    let counts = store::existing_by_role(&ctx.db, &healthspace.id, &periods).await?;
    let of = |role: Role, i: usize| {
        counts
            .iter()
            .find(|(held, _)| *held == role)
            .and_then(|(_, n)| n.get(i).copied())
            .unwrap_or(0)
    };
    let months = months
        .into_iter()
        .enumerate()
        .map(|(i, month)| SeatsMonth {
            month,
            clients: of(Role::Client, i),
            staff: of(Role::Staff, i),
            admins: of(Role::Admin, i),
        })
        .collect();
    Ok(SeatsReport {
        healthspace: healthspace.name,
        alias: healthspace.alias,
        months,
    })
}
