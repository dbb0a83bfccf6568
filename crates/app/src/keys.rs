//! TEMPORARY stand-in for the key store (replaced when the key-store branch merges): keeps
//! data keys in memory only.

use crate::error::AppResult;
use carespace_core::crypto::DataKey;
use carespace_core::ids::AccountId;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Keys {
    keys: Mutex<HashMap<AccountId, DataKey>>,
}

impl Keys {
    pub async fn data_key(&self, account: &AccountId) -> AppResult<DataKey> {
        let mut keys = self
            .keys
            .lock()
            .map_err(|_| crate::AppError::Internal("keys".into()))?;
        if let Some(key) = keys.get(account) {
            return Ok(key.clone());
        }
        let key = DataKey::generate()?;
        keys.insert(account.clone(), key.clone());
        Ok(key)
    }

    pub async fn existing_data_key(&self, account: &AccountId) -> AppResult<Option<DataKey>> {
        let keys = self
            .keys
            .lock()
            .map_err(|_| crate::AppError::Internal("keys".into()))?;
        Ok(keys.get(account).cloned())
    }
}
