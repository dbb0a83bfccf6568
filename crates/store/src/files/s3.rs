//! Files in an S3-compatible bucket (`object_store`): pictures under `content/<hex>`, record
//! objects under `objects/<id>`, uploads in progress under `staging/<id>`. An upload streams
//! out in multipart parts, so no more than a few parts are held in memory at once.

use super::{
    ByteRange, ContentId, FileStore, ObjectStream, StagingWriter, StoredFile, clamp_range,
};
use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use bytes::Bytes;
use carespace_core::ids::FileId;
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::net::IpAddr;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio_util::io::StreamReader;

/// Bytes of one multipart part (S3's smallest but the last).
const PART_LEN: usize = 5 * 1024 * 1024;
/// Parts uploaded at once by one upload.
const PARTS_IN_FLIGHT: usize = 2;

/// Where the bucket is and how to reach it.
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// The server's address, e.g. `https://s3.eu-central-1.amazonaws.com`; plain `http` only
    /// for a server on this machine (loopback).
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

#[derive(Debug, Clone)]
pub struct S3FileStore {
    store: Arc<dyn ObjectStore>,
}

impl S3FileStore {
    /// A store in the bucket `settings` name; path-style addresses, so any S3-compatible
    /// server works.
    pub fn connect(settings: &S3Settings) -> StoreResult<Self> {
        let store = AmazonS3Builder::new()
            .with_endpoint(&settings.endpoint)
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(settings.secret_access_key.expose())
            .with_virtual_hosted_style_request(false)
            .with_allow_http(is_loopback_http(&settings.endpoint))
            .build()
            .map_err(to_store_error)?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    /// Whether the bucket answers, for a check at start.
    pub async fn check(&self) -> StoreResult<()> {
        self.store
            .list_with_delimiter(Some(&Path::from("staging")))
            .await
            .map_err(to_store_error)?;
        Ok(())
    }

    /// Opens `path`'s `range` (clamped); `None` when it is not there or the range starts past
    /// its end.
    async fn get_part(
        &self,
        path: &Path,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<ObjectStream>> {
        let total_len = match self.store.head(path).await {
            Ok(meta) => meta.size,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(to_store_error(e)),
        };
        let Some(range) = clamp_range(range, total_len) else {
            return Ok(None);
        };
        if total_len == 0 {
            let body = futures_util::stream::empty().boxed();
            return Ok(Some(ObjectStream {
                total_len,
                range,
                body,
            }));
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range.first..range.last + 1)),
            ..GetOptions::default()
        };
        let result = match self.store.get_opts(path, options).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(to_store_error(e)),
        };
        let body = result.into_stream().map_err(std::io::Error::from).boxed();
        Ok(Some(ObjectStream {
            total_len,
            range,
            body,
        }))
    }
}

/// Plain http is allowed only to a server on this machine.
fn is_loopback_http(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn to_store_error(error: object_store::Error) -> StoreError {
    StoreError::Io(std::io::Error::from(error))
}

fn content_path(id: &ContentId) -> Path {
    Path::from(format!("content/{}", id.as_str()))
}

fn staged_path(id: &FileId) -> Path {
    Path::from(format!("staging/{}", id.as_str()))
}

fn object_path(id: &FileId) -> Path {
    Path::from(format!("objects/{}", id.as_str()))
}

/// Deletes `path`; one that is not there is not an error.
async fn delete_if_there(store: &dyn ObjectStore, path: &Path) -> StoreResult<()> {
    match store.delete(path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(to_store_error(e)),
    }
}

#[async_trait]
impl FileStore for S3FileStore {
    async fn put(&self, bytes: Bytes) -> StoreResult<ContentId> {
        let id = ContentId::of(&bytes);
        self.store
            .put(&content_path(&id), bytes.into())
            .await
            .map_err(to_store_error)?;
        Ok(id)
    }

    async fn open(
        &self,
        id: &ContentId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<StoredFile>> {
        let Some(object) = self.get_part(&content_path(id), range).await? else {
            return Ok(None);
        };
        Ok(Some(StoredFile {
            total_len: object.total_len,
            range: object.range,
            reader: Box::pin(StreamReader::new(object.body)),
        }))
    }

    async fn delete(&self, id: &ContentId) -> StoreResult<()> {
        delete_if_there(self.store.as_ref(), &content_path(id)).await
    }

    async fn stage(&self, id: &FileId) -> StoreResult<Box<dyn StagingWriter>> {
        let writer = BufWriter::with_capacity(self.store.clone(), staged_path(id), PART_LEN)
            .with_max_concurrency(PARTS_IN_FLIGHT);
        Ok(Box::new(S3StagingWriter {
            writer,
            store: self.store.clone(),
            path: staged_path(id),
        }))
    }

    async fn promote(&self, id: &FileId) -> StoreResult<()> {
        match self.store.rename(&staged_path(id), &object_path(id)).await {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => {
                // Promoted before: the copy was made and the staged object deleted.
                self.store
                    .head(&object_path(id))
                    .await
                    .map(|_| ())
                    .map_err(to_store_error)
            }
            Err(e) => Err(to_store_error(e)),
        }
    }

    async fn open_object(
        &self,
        id: &FileId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<ObjectStream>> {
        match self.get_part(&object_path(id), range).await? {
            Some(object) => Ok(Some(object)),
            None => self.get_part(&staged_path(id), range).await,
        }
    }

    async fn delete_object(&self, id: &FileId) -> StoreResult<()> {
        delete_if_there(self.store.as_ref(), &object_path(id)).await?;
        delete_if_there(self.store.as_ref(), &staged_path(id)).await
    }

    async fn list_staged(&self, before: Timestamp) -> StoreResult<Vec<FileId>> {
        let mut listing = self.store.list(Some(&Path::from("staging")));
        let mut staged = Vec::new();
        while let Some(meta) = listing.try_next().await.map_err(to_store_error)? {
            let Some(id) = meta.location.filename().and_then(FileId::parse) else {
                continue;
            };
            if meta.last_modified.timestamp_millis() < before.millis() {
                staged.push(id);
            }
        }
        Ok(staged)
    }
}

/// A staged object streaming up in parts.
struct S3StagingWriter {
    writer: BufWriter,
    store: Arc<dyn ObjectStore>,
    path: Path,
}

#[async_trait]
impl StagingWriter for S3StagingWriter {
    async fn write(&mut self, bytes: Bytes) -> StoreResult<()> {
        self.writer.put(bytes).await.map_err(to_store_error)
    }

    async fn finish(mut self: Box<Self>) -> StoreResult<()> {
        self.writer.shutdown().await?;
        Ok(())
    }

    async fn abort(mut self: Box<Self>) -> StoreResult<()> {
        self.writer.abort().await.map_err(to_store_error)?;
        // A small object may already be complete if a part was sent; make sure it is gone.
        delete_if_there(self.store.as_ref(), &self.path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(is_loopback_http("http://127.0.0.1:9000"));
        assert!(is_loopback_http("http://localhost:9000/"));
        assert!(is_loopback_http("http://[::1]:9000"));
        assert!(!is_loopback_http("http://s3.example.nl"));
        assert!(!is_loopback_http("http://127.0.0.1.example.nl"));
        assert!(!is_loopback_http("https://127.0.0.1:9000"));
    }
}
