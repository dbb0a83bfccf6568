//! Which emails a mail server has accepted: the record that keeps a retried job from sending
//! the same email twice.

use crate::db::Db;
use crate::error::StoreResult;
use crate::exec::{Exec, conn};
use crate::tx::Tx;
use carespace_core::time::Timestamp;
use sqlx::Row;

pub async fn is_delivered(ex: impl Into<Exec<'_>>, mail_id: &str) -> StoreResult<bool> {
    let mut c = conn(ex).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM mail_deliveries WHERE mail_id = $1")
        .bind(mail_id)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

pub async fn record_delivery(db: &Db, mail_id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx: Tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO mail_deliveries (mail_id, accepted_at) VALUES ($1, $2)
         ON CONFLICT (mail_id) DO NOTHING",
    )
    .bind(mail_id)
    .bind(now.millis())
    .execute(tx.conn())
    .await?;
    tx.commit().await
}
