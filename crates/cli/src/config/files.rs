//! `[files]`: where files are kept (the data directory, or an S3-compatible bucket), the virus
//! scanner uploads go through, and how large a record document may be.

use carespace_app::files::scanner::ClamdAddress;
use carespace_core::secret::Secret;
use carespace_store::files::S3Settings;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStoreKind {
    /// `files/` in the data directory.
    Local,
    /// An S3-compatible bucket (`s3_*`).
    S3,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilesConfig {
    pub store: FileStoreKind,
    /// The S3 server, e.g. `https://s3.eu-central-1.amazonaws.com`; plain `http://` only on
    /// this computer.
    pub s3_endpoint: Option<String>,
    pub s3_bucket: Option<String>,
    pub s3_region: String,
    pub s3_access_key_id: Option<String>,
    /// Best given as `CARESPACE_FILES__S3_SECRET_ACCESS_KEY`.
    pub s3_secret_access_key: Option<Secret>,
    /// clamd's address, `tcp://127.0.0.1:3310` or `unix:/run/clamav/clamd.ctl`; unset, uploads
    /// are not scanned.
    pub clamd: Option<String>,
    /// The largest record document accepted, in megabytes (10^6 bytes).
    pub document_max_mb: u64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self {
            store: FileStoreKind::Local,
            s3_endpoint: None,
            s3_bucket: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            clamd: None,
            document_max_mb: 25,
        }
    }
}

impl FilesConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.document_max_mb == 0 {
            return Err("files.document_max_mb: must be at least 1".into());
        }
        if let Some(clamd) = &self.clamd {
            self.clamd_address(clamd)?;
        }
        if self.store == FileStoreKind::S3 {
            self.s3_settings()?;
        }
        Ok(())
    }

    fn clamd_address(&self, clamd: &str) -> Result<ClamdAddress, String> {
        ClamdAddress::parse(clamd).map_err(|e| format!("files.clamd: {e}"))
    }

    /// clamd's address, when one is configured.
    pub fn scanner_address(&self) -> Result<Option<ClamdAddress>, String> {
        self.clamd
            .as_deref()
            .map(|c| self.clamd_address(c))
            .transpose()
    }

    /// The bucket's settings; every `s3_*` but the region must be set.
    pub fn s3_settings(&self) -> Result<S3Settings, String> {
        let missing = |key: &str| format!("files.{key}: must be set when files.store is \"s3\"");
        let endpoint = self
            .s3_endpoint
            .clone()
            .ok_or_else(|| missing("s3_endpoint"))?;
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(
                "files.s3_endpoint: must start with https:// (or http:// on this computer)".into(),
            );
        }
        Ok(S3Settings {
            endpoint,
            bucket: self.s3_bucket.clone().ok_or_else(|| missing("s3_bucket"))?,
            region: self.s3_region.clone(),
            access_key_id: self
                .s3_access_key_id
                .clone()
                .ok_or_else(|| missing("s3_access_key_id"))?,
            secret_access_key: self
                .s3_secret_access_key
                .clone()
                .ok_or_else(|| missing("s3_secret_access_key"))?,
        })
    }

    /// The document limit in bytes.
    pub fn document_max_bytes(&self) -> u64 {
        self.document_max_mb.saturating_mul(1_000_000)
    }
}
