//! The session a request comes with: authenticated in one query, with no cache.

use crate::access::Seen;
use crate::accounts::Account;
use crate::context::AppContext;
use crate::error::AppResult;
use carespace_core::healthspaces::HealthspaceLink;
use carespace_core::policy::TwoStepFacts;
use carespace_core::sessions::LAST_SEEN_GRANULARITY_MS;
use carespace_core::time::Timestamp;
use carespace_core::tokens;
use carespace_store::sessions as store;
use std::sync::Arc;

/// The most Healthspaces the navigation's switcher lists.
const SWITCHER_MAX: i64 = 50;

/// Whoever a request's session belongs to.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session_id: String,
    pub csrf_token: String,
    pub account: Account,
    /// Owns an organisation: "My organisation" is in the menu.
    pub is_owner: bool,
    /// The Healthspaces the account can enter, for the navigation's switcher.
    pub healthspaces: Vec<HealthspaceLink>,
    /// Whether the account must, and does, use two-step verification.
    pub two_step: TwoStepFacts,
    /// The Healthspace asked for at authentication, with the account's facts there.
    pub seen: Option<Arc<Seen>>,
    /// Messages waiting unread, for the navigation.
    pub unread_messages: i64,
}

/// The live session of a session cookie, or `None` (unknown, ended, idle too long or past its
/// lifetime). One query, and no cache: a session ended elsewhere is refused at its next request.
/// Activity is recorded at most once a minute ([`needs_touch`]), so reading a page is no write.
///
/// With `alias` (a page of the Healthspace there) the same query reads that Healthspace with
/// the account's facts, for the page's access check ([`Seen`]).
pub async fn authenticate(
    ctx: &AppContext,
    token: &str,
    alias: Option<&str>,
) -> AppResult<Option<CurrentSession>> {
    read(ctx, token, alias, true).await
}

/// [`authenticate`] without recording activity: for a live stream, which is open while its
/// person is away and so must not keep an idle session alive.
pub async fn authenticate_quietly(
    ctx: &AppContext,
    token: &str,
) -> AppResult<Option<CurrentSession>> {
    read(ctx, token, None, false).await
}

/// Whether the session of this cookie is still live, read only: a live stream asks at each
/// keep-alive and ends when its session has.
pub async fn still_signed_in(ctx: &AppContext, token: &str) -> AppResult<bool> {
    if !tokens::is_well_formed(token) {
        return Ok(false);
    }
    let Some(session) = store::find_by_token_hash(&ctx.db, &tokens::hash(token)).await? else {
        return Ok(false);
    };
    Ok(ctx
        .accounts
        .session_limits()
        .is_alive(session.last_seen_at, session.expires_at, ctx.now()))
}

async fn read(
    ctx: &AppContext,
    token: &str,
    alias: Option<&str>,
    touch: bool,
) -> AppResult<Option<CurrentSession>> {
    if !tokens::is_well_formed(token) {
        return Ok(None);
    }
    let now = ctx.now();
    let hash = tokens::hash(token);
    let found = store::find_signed_in(&ctx.db, &hash, SWITCHER_MAX, alias).await?;
    let Some(signed_in) = found else {
        return Ok(None);
    };
    if !ctx
        .accounts
        .session_limits()
        .is_alive(signed_in.last_seen_at, signed_in.expires_at, now)
    {
        return Ok(None);
    }
    if touch && needs_touch(signed_in.last_seen_at, now) {
        store::touch(&ctx.db, &signed_in.session_id, now).await?;
    }
    // The account was read from the database with the session.
    let account = signed_in.account.id.clone();
    let seen = alias.map(|alias| Arc::new(Seen::new(alias, account, signed_in.at_alias)));
    Ok(Some(CurrentSession {
        session_id: signed_in.session_id,
        csrf_token: signed_in.csrf_token,
        account: Account::from(signed_in.account),
        is_owner: signed_in.owns_organisation,
        two_step: signed_in.two_step,
        healthspaces: signed_in.healthspaces,
        seen,
        unread_messages: signed_in.unread_messages,
    }))
}

/// Whether a request at `now` records itself as the session's last activity: only when the
/// last one recorded is a minute old or more, which is as fine as "Active sessions" and the idle
/// timeout need it.
fn needs_touch(last_seen_at: Timestamp, now: Timestamp) -> bool {
    now.millis() - last_seen_at.millis() >= LAST_SEEN_GRANULARITY_MS
}
