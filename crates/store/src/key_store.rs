//! The key store: each client's data key, wrapped under the master key, in a database of its
//! own (an SQLite file beside the main one, or a PostgreSQL database of its own), never in the
//! main database. Its backups are kept apart and for a shorter time, so that deleting a key is
//! final once its last backup has expired.

use crate::backend::Backend;
use crate::db::{Db, PoolSettings};
use crate::error::StoreResult;
use crate::exec::conn;
use crate::schema::{Table, describe};
use carespace_core::time::Timestamp;
use sqlx::Row;
use sqlx::migrate::Migrator;
use std::collections::BTreeMap;
use std::path::Path;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./key_migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./key_migrations/postgres");

/// One client's data key as stored: sealed under the master key named by `master_key_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub account_id: String,
    pub wrapped: Vec<u8>,
    pub master_key_id: String,
    pub created_at: Timestamp,
}

/// The key store's database.
#[derive(Debug, Clone)]
pub struct KeyStore {
    db: Db,
}

impl KeyStore {
    /// Opens the key store at `url` (`sqlite:…` or `postgres:…`, with the main database's
    /// durability settings) and brings its schema up to date.
    pub async fn open(url: &str, settings: &PoolSettings) -> StoreResult<KeyStore> {
        let db = Db::connect(url, settings).await?;
        db.migrate_with(&SQLITE_MIGRATIONS, &POSTGRES_MIGRATIONS)
            .await?;
        Ok(KeyStore { db })
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// The wrapped data key of `account_id`, if one was ever stored.
    pub async fn wrapped(&self, account_id: &str) -> StoreResult<Option<WrappedKey>> {
        let mut c = conn(&self.db).await?;
        let row = sqlx::query(
            "SELECT account_id, wrapped, master_key_id, created_at FROM data_keys
             WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&mut *c)
        .await?;
        row.map(|row| wrapped_key(&row)).transpose()
    }

    /// Stores `key` unless the account has a data key already, and returns the one stored: when
    /// two first uses race, the primary key keeps the first, and both get that one.
    pub async fn insert_if_absent(&self, key: &WrappedKey) -> StoreResult<WrappedKey> {
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO data_keys (account_id, wrapped, master_key_id, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO NOTHING",
        )
        .bind(&key.account_id)
        .bind(&key.wrapped)
        .bind(&key.master_key_id)
        .bind(key.created_at.millis())
        .execute(&mut *tx.conn())
        .await?;
        let row = sqlx::query(
            "SELECT account_id, wrapped, master_key_id, created_at FROM data_keys
             WHERE account_id = $1",
        )
        .bind(&key.account_id)
        .fetch_one(&mut *tx.conn())
        .await?;
        tx.commit().await?;
        wrapped_key(&row)
    }

    /// Up to `limit` keys wrapped under `master_key_id`, by account id after `after`: one batch
    /// of a rotation.
    pub async fn under_master_key(
        &self,
        master_key_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<WrappedKey>> {
        let mut c = conn(&self.db).await?;
        let rows = sqlx::query(
            "SELECT account_id, wrapped, master_key_id, created_at FROM data_keys
             WHERE master_key_id = $1 AND account_id > $2
             ORDER BY account_id LIMIT $3",
        )
        .bind(master_key_id)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&mut *c)
        .await?;
        rows.iter().map(wrapped_key).collect()
    }

    /// How many keys each master key wraps, by master key id.
    pub async fn count_by_master_key(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut c = conn(&self.db).await?;
        let rows = sqlx::query(
            "SELECT master_key_id, COUNT(*) AS n FROM data_keys
             GROUP BY master_key_id ORDER BY master_key_id",
        )
        .fetch_all(&mut *c)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("master_key_id")?, row.try_get("n")?)))
            .collect()
    }

    /// Puts keys wrapped anew in place of their old wrapping, in one short transaction. Only
    /// rows still under `old_master_key_id` change, so a batch that runs twice changes nothing
    /// the second time. Returns how many changed.
    pub async fn replace_wrapped(
        &self,
        old_master_key_id: &str,
        rewrapped: &[WrappedKey],
    ) -> StoreResult<u64> {
        let mut tx = self.db.begin().await?;
        let mut changed = 0;
        for key in rewrapped {
            changed += sqlx::query(
                "UPDATE data_keys SET wrapped = $1, master_key_id = $2
                 WHERE account_id = $3 AND master_key_id = $4",
            )
            .bind(&key.wrapped)
            .bind(&key.master_key_id)
            .bind(&key.account_id)
            .bind(old_master_key_id)
            .execute(&mut *tx.conn())
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Destroys the data key of `account_id`: whatever it sealed can no longer be read. Returns
    /// whether there was one.
    pub async fn delete(&self, account_id: &str) -> StoreResult<bool> {
        let mut tx = self.db.begin().await?;
        let done = sqlx::query("DELETE FROM data_keys WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx.conn())
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// A consistent copy of an SQLite key store, written to `target` while it is in use.
    pub async fn copy_sqlite_into(&self, target: &Path) -> StoreResult<()> {
        self.db.copy_sqlite_into(target).await
    }

    /// The key store's tables, for the test that keeps its two migration folders in step.
    pub async fn describe(&self) -> StoreResult<BTreeMap<String, Table>> {
        describe(&self.db).await
    }

    pub async fn close(&self) {
        self.db.close().await;
    }
}

fn wrapped_key(row: &sqlx::any::AnyRow) -> StoreResult<WrappedKey> {
    Ok(WrappedKey {
        account_id: row.try_get("account_id")?,
        wrapped: row.try_get("wrapped")?,
        master_key_id: row.try_get("master_key_id")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    })
}
