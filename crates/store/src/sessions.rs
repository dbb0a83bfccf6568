//! Server-side sessions.

use crate::accounts::{self, AccountRow};
use crate::backend::Backend;
use crate::db::Db;
use crate::decode;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::healthspaces::{self, HealthspaceWithActor};
use crate::json_rows;
use crate::second_factors;
use carespace_core::healthspaces::HealthspaceLink;
use carespace_core::ids::AccountId;
use carespace_core::policy::TwoStepFacts;
use carespace_core::time::Timestamp;
use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub account_id: AccountId,
    pub csrf_token: String,
    pub ip: String,
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device_type: String,
    pub browser_language: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

const COLUMNS: &str = "id, account_id, csrf_token, ip, browser, browser_version, os, device_type,
                       browser_language, created_at, last_seen_at, expires_at";

fn from_row(row: &AnyRow) -> StoreResult<SessionRow> {
    Ok(SessionRow {
        id: row.try_get("id")?,
        account_id: decode::id(row, "account_id")?,
        csrf_token: row.try_get("csrf_token")?,
        ip: row.try_get("ip")?,
        browser: row.try_get("browser")?,
        browser_version: row.try_get("browser_version")?,
        os: row.try_get("os")?,
        device_type: row.try_get("device_type")?,
        browser_language: row.try_get("browser_language")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_seen_at: Timestamp::from_millis(row.try_get("last_seen_at")?),
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
    })
}

pub async fn insert(
    ex: impl Into<Exec<'_>>,
    session: &SessionRow,
    token_hash: &str,
) -> StoreResult<()> {
    let mut c = conn(ex).await?;
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, account_id, csrf_token, ip, browser, browser_version,
                               os, device_type, browser_language, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&session.id)
    .bind(token_hash)
    .bind(session.account_id.as_str())
    .bind(&session.csrf_token)
    .bind(&session.ip)
    .bind(&session.browser)
    .bind(&session.browser_version)
    .bind(&session.os)
    .bind(&session.device_type)
    .bind(&session.browser_language)
    .bind(session.created_at.millis())
    .bind(session.last_seen_at.millis())
    .bind(session.expires_at.millis())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn find_by_token_hash(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
) -> StoreResult<Option<SessionRow>> {
    let mut c = conn(ex).await?;
    let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = $1");
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Everything a signed-in request needs about whoever sent it, read in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInRow {
    pub session_id: String,
    pub csrf_token: String,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub account: AccountRow,
    /// Owns at least one organisation.
    pub owns_organisation: bool,
    /// Whether the account must, and does, use two-step verification.
    pub two_step: TwoStepFacts,
    /// The Healthspaces the account can enter, by name.
    pub healthspaces: Vec<HealthspaceLink>,
    /// The Healthspace of the alias asked for, with the account's facts there.
    pub at_alias: Option<HealthspaceWithActor>,
    /// Messages unread in the conversations the account reaches, for the navigation.
    pub unread_messages: i64,
}

/// The session with this token, its account, whether that account owns an organisation and
/// the Healthspaces it can enter (at most `switcher_max`), in one round trip and one row: every
/// signed-in page starts with this, so it is one query, not four. The Healthspaces come as one
/// JSON array (see [`json_rows`]), not as a row each.
///
/// The Healthspaces it can enter: active ones it is an active member of, and every one of the
/// organisations it owns.
///
/// With `alias`, also the Healthspace it leads to (current or old) with the account's facts
/// there, as [`healthspaces::with_actor_facts`] reads them: a page of a Healthspace then needs
/// no second query before its own content.
pub async fn find_signed_in(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
    switcher_max: i64,
    alias: Option<&str>,
) -> StoreResult<Option<SignedInRow>> {
    let ex = ex.into();
    let sql: &str = match ex.backend() {
        Backend::Sqlite => &SIGNED_IN_SQLITE,
        Backend::Postgres => &SIGNED_IN_POSTGRES,
    };
    let mut c = conn(ex).await?;
    let row = sqlx::query(sql)
        .bind(token_hash)
        .bind(switcher_max)
        .bind(alias)
        .fetch_optional(&mut *c)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let healthspaces: String = row.try_get("healthspaces")?;
    let owns_organisation = row.try_get::<i64, _>("organisations_owned")? > 0;
    Ok(Some(SignedInRow {
        session_id: row.try_get("session_id")?,
        csrf_token: row.try_get("csrf_token")?,
        last_seen_at: Timestamp::from_millis(row.try_get("session_last_seen_at")?),
        expires_at: Timestamp::from_millis(row.try_get("session_expires_at")?),
        account: accounts::from_row(&row)?,
        owns_organisation,
        two_step: second_factors::standing_from_row(&row, owns_organisation)?,
        healthspaces: json_rows::decode::<LinkRow>(&healthspaces)?
            .into_iter()
            .map(|link| HealthspaceLink {
                name: link.name,
                alias: link.alias,
            })
            .collect(),
        at_alias: healthspaces::with_actor_from_row(&row, AT_ALIAS)?,
        unread_messages: row.try_get("unread_messages")?,
    }))
}

/// The prefix of the columns of the Healthspace at the alias asked for.
const AT_ALIAS: &str = "at_alias_";

/// A Healthspace of the switcher, as the aggregated array holds it.
#[derive(Deserialize)]
struct LinkRow {
    name: String,
    alias: String,
}

static SIGNED_IN_SQLITE: LazyLock<String> = LazyLock::new(|| signed_in_sql(Backend::Sqlite));
static SIGNED_IN_POSTGRES: LazyLock<String> = LazyLock::new(|| signed_in_sql(Backend::Postgres));

/// The most conversations the navigation's unread badge adds up: every page pays for the
/// badge, so its cost is bounded whatever the mailbox holds (the badge shows "99+" beyond).
const BADGE_CONVERSATIONS_MAX: i64 = 100;

/// The query of [`find_signed_in`].
fn signed_in_sql(backend: Backend) -> String {
    let account = accounts::COLUMNS
        .split(',')
        .map(|column| format!("a.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let switcher = json_rows::array_of(backend, &["name", "alias"], "name, id");
    let at_alias = healthspaces::with_actor_columns(AT_ALIAS, "s.account_id");
    let two_step = second_factors::standing_columns("s.account_id");
    let may_open = crate::messages::PARTICIPANT_MAY_OPEN;
    format!(
        "SELECT s.id AS session_id, s.csrf_token AS csrf_token,
                s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at,
                {account},
                (SELECT COUNT(*) FROM organisation_owners o WHERE o.account_id = s.account_id)
                    AS organisations_owned,
                {two_step},
                (SELECT {switcher} FROM (
                     SELECT h.name AS name, h.alias AS alias, h.id AS id
                     FROM sessions s2
                     JOIN memberships m ON m.account_id = s2.account_id
                     JOIN healthspaces h ON h.id = m.healthspace_id
                     WHERE s2.token_hash = $1 AND m.state = 'active' AND h.state = 'active'
                     UNION
                     SELECT h.name AS name, h.alias AS alias, h.id AS id
                     FROM sessions s2
                     JOIN organisation_owners o ON o.account_id = s2.account_id
                     JOIN healthspaces h ON h.organisation_id = o.organisation_id
                     WHERE s2.token_hash = $1
                     ORDER BY name, id LIMIT $2
                 ) e) AS healthspaces,
                (SELECT CAST(COALESCE(SUM(u.unread), 0) AS BIGINT) FROM (
                     SELECT p.unread AS unread
                     FROM sessions s3
                     JOIN conversation_participants p ON p.account_id = s3.account_id
                     JOIN conversations c ON c.id = p.conversation_id
                     WHERE s3.token_hash = $1 AND p.unread > 0 AND {may_open}
                     LIMIT {BADGE_CONVERSATIONS_MAX}
                 ) u) AS unread_messages,
                {at_alias}
         FROM sessions s
         JOIN accounts a ON a.id = s.account_id
         LEFT JOIN healthspace_aliases ha ON ha.alias = $3
         LEFT JOIN healthspaces h ON h.id = ha.healthspace_id
         LEFT JOIN memberships m
             ON m.healthspace_id = h.id AND m.account_id = s.account_id AND m.state = 'active'
         WHERE s.token_hash = $1"
    )
}

/// Records activity. Callers do so at most once a minute per session, so that reading a page
/// is not a write.
pub async fn touch(db: &Db, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.millis())
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// The account's sessions, newest activity first.
pub async fn list_for_account(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
) -> StoreResult<Vec<SessionRow>> {
    let mut c = conn(ex).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE account_id = $1 ORDER BY last_seen_at DESC, id"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id.as_str())
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Ends one session of the account; false when it has no such session.
pub async fn delete(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    id: &str,
) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id = $2")
        .bind(account_id.as_str())
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends every session of the account except `keep` (when given); returns how many ended.
pub async fn delete_all(
    ex: impl Into<Exec<'_>>,
    account_id: &AccountId,
    keep: Option<&str>,
) -> StoreResult<u64> {
    let mut c = conn(ex).await?;
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
        .bind(account_id.as_str())
        .bind(keep.unwrap_or(""))
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected())
}

/// Removes one session by its token (logging out).
pub async fn delete_by_token_hash(
    ex: impl Into<Exec<'_>>,
    token_hash: &str,
) -> StoreResult<Option<AccountId>> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING account_id")
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|row| decode::id(&row, "account_id")).transpose()
}
