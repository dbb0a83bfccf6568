//! Each client's data key: made on first use, stored wrapped under the installation's master
//! key in the key store (a database apart from the main one), unwrapped when needed. A wrapped
//! key that does not open with the configured master key is an error, never a reason to make a
//! new key: that would silently lose everything the old one sealed.

pub mod rotation;

use crate::clock::SystemClock;
use crate::error::{AppError, AppResult};
use carespace_core::crypto::{self, DataKey};
use carespace_core::ids::{AccountId, HealthspaceId};
use carespace_core::time::Clock;
use carespace_store::{KeyStore, WrappedKey};

/// The key store and the master key that opens what it holds.
#[derive(Debug)]
pub struct Keys {
    store: KeyStore,
    master: DataKey,
    master_id: String,
}

impl Keys {
    pub fn new(store: KeyStore, master: DataKey) -> Keys {
        let master_id = crypto::master_key_id(&master);
        Keys {
            store,
            master,
            master_id,
        }
    }

    /// The short name of the configured master key (see [`crypto::master_key_id`]).
    pub fn master_key_id(&self) -> &str {
        &self.master_id
    }

    pub fn store(&self) -> &KeyStore {
        &self.store
    }

    /// The client's data key, made (and stored wrapped) on first use.
    pub async fn data_key(&self, account: &AccountId) -> AppResult<DataKey> {
        self.key_of(account.as_str()).await
    }

    /// The Healthspace's own key, which seals what belongs to no one client (conversations
    /// between staff); made on first use.
    pub async fn healthspace_key(&self, healthspace: &HealthspaceId) -> AppResult<DataKey> {
        self.key_of(&healthspace_owner(healthspace)).await
    }

    /// The key kept for `owner` (an account's id, or [`healthspace_owner`]'s name).
    async fn key_of(&self, owner: &str) -> AppResult<DataKey> {
        if let Some(key) = self.existing_key(owner).await? {
            return Ok(key);
        }
        let key = DataKey::generate()?;
        let wrapped = crypto::wrap_key(&self.master, owner, &key)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        // The key's creation is stamped by the wall clock: it only tells an operator when.
        let stored = self
            .store
            .insert_if_absent(&WrappedKey {
                account_id: owner.to_owned(),
                wrapped,
                master_key_id: self.master_id.clone(),
                created_at: SystemClock.now(),
            })
            .await?;
        // Another first use may have stored its key first; that one is the client's.
        self.unwrap(&stored)
    }

    /// The client's data key if one was ever made (reads never create one).
    pub async fn existing_data_key(&self, account: &AccountId) -> AppResult<Option<DataKey>> {
        self.existing_key(account.as_str()).await
    }

    async fn existing_key(&self, owner: &str) -> AppResult<Option<DataKey>> {
        let stored = self.store.wrapped(owner).await?;
        stored.map(|stored| self.unwrap(&stored)).transpose()
    }

    fn unwrap(&self, stored: &WrappedKey) -> AppResult<DataKey> {
        unwrap_under(&self.master, &self.master_id, stored)
    }

    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// The key store's name for a Healthspace's key: never an account's id, which has no colon.
fn healthspace_owner(healthspace: &HealthspaceId) -> String {
    format!("healthspace:{healthspace}")
}

/// `stored` opened with `master` (whose id is `master_id`); a clear log line when it does not.
fn unwrap_under(master: &DataKey, master_id: &str, stored: &WrappedKey) -> AppResult<DataKey> {
    if stored.master_key_id != master_id {
        tracing::error!(
            target: "keys",
            account = %stored.account_id,
            wrapped_by = %stored.master_key_id,
            configured = %master_id,
            "wrong master key: this data key is wrapped by another master key than the one \
             configured (keys.master_key or keys.master_key_file); configure that one, or finish \
             an interrupted `carespace admin rotate-master-key`"
        );
        return Err(AppError::Internal(format!(
            "wrong master key: the data key of {} is wrapped by master key {}, the configured one \
             is {master_id}",
            stored.account_id, stored.master_key_id
        )));
    }
    crypto::unwrap_key(master, &stored.account_id, &stored.wrapped).map_err(|_| {
        tracing::error!(
            target: "keys",
            account = %stored.account_id,
            master_key = %master_id,
            "a data key does not open with the master key that wrapped it: the key store is damaged"
        );
        AppError::Internal(format!(
            "the data key of {} does not open with master key {master_id}",
            stored.account_id
        ))
    })
}
