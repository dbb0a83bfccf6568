//! One executor type for every store function: the pool or an open transaction.
//!
//! A use case that changes something reads its facts, asks the policy and writes inside one
//! transaction; a page that only reads runs the same queries on the pool. So store functions
//! take `impl Into<Exec<'_>>`, which is `&Db` or `&mut Tx`, and never care which.

use crate::db::Db;
use crate::error::StoreResult;
use crate::tx::Tx;
use sqlx::Any;
use sqlx::AnyConnection;
use sqlx::pool::PoolConnection;
use std::ops::{Deref, DerefMut};

/// Where a store function runs its queries.
pub enum Exec<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        Exec::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Exec::Tx(tx)
    }
}

/// A store function hands its own executor on to another one.
impl<'a, 'b> From<&'a mut Exec<'b>> for Exec<'a> {
    fn from(exec: &'a mut Exec<'b>) -> Self {
        match exec {
            Exec::Pool(db) => Exec::Pool(db),
            Exec::Tx(tx) => Exec::Tx(tx),
        }
    }
}

/// A connection to run queries on: one taken from the pool for as long as this lives, or the
/// transaction's own.
pub enum Conn<'a> {
    Pooled(PoolConnection<Any>),
    InTx(&'a mut AnyConnection),
}

impl Deref for Conn<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Conn::Pooled(conn) => conn,
            Conn::InTx(conn) => conn,
        }
    }
}

impl DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Conn::Pooled(conn) => conn,
            Conn::InTx(conn) => conn,
        }
    }
}

/// The connection `exec` runs on. Queries take `&mut *conn`.
pub(crate) async fn conn<'a>(exec: impl Into<Exec<'a>>) -> StoreResult<Conn<'a>> {
    Ok(match exec.into() {
        Exec::Pool(db) => Conn::Pooled(db.pool().acquire().await?),
        Exec::Tx(tx) => Conn::InTx(tx.conn()),
    })
}

impl Exec<'_> {
    /// Which database this runs on, for the few queries whose dialect differs.
    pub fn backend(&self) -> crate::backend::Backend {
        match self {
            Exec::Pool(db) => db.backend(),
            Exec::Tx(tx) => tx.backend(),
        }
    }
}
