//! The live channel between instances: PostgreSQL `LISTEN/NOTIFY` on one channel. What is sent
//! is built by the app and holds ids and counts only, never content. SQLite has one instance,
//! so there is nothing to send and nothing to listen to.

use crate::backend::Backend;
use crate::db::Db;
use crate::error::StoreResult;
use sqlx::postgres::PgListener;

/// The one channel every instance listens on.
pub const CHANNEL: &str = "carespace_live";

/// Sends `payload` to every instance listening, this one included. Nothing on SQLite.
pub async fn notify(db: &Db, payload: &str) -> StoreResult<()> {
    if db.backend() != Backend::Postgres {
        return Ok(());
    }
    // `pg_notify` returns `void`, which the Any driver cannot decode: select a plain number.
    sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS notified")
        .bind(CHANNEL)
        .bind(payload)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A connection of its own, outside the pool, that listens on [`CHANNEL`].
pub struct Listener(PgListener);

impl Listener {
    /// Connects and listens; `None` on SQLite, where there is no other instance.
    pub async fn connect(db: &Db) -> StoreResult<Option<Listener>> {
        if db.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = PgListener::connect(db.url()).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Listener(listener)))
    }

    /// The next payload. `None` when the connection was lost: what was sent meanwhile is
    /// missed, and the next call connects again.
    pub async fn next(&mut self) -> StoreResult<Option<String>> {
        let notification = self.0.try_recv().await?;
        Ok(notification.map(|n| n.payload().to_owned()))
    }
}
