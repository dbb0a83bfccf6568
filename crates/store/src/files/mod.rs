//! The file store port: files are kept under ids, never under a name a user chose. Pictures
//! re-encoded by the app (profile photos, logos) are kept by content id; record files under a
//! random [`FileId`], first in a staging area while their upload streams in and the database
//! records them, then promoted to their place. The local directory is the default; S3-compatible
//! object storage for larger installations implements the same trait.

mod local;
mod s3;

pub use local::LocalDirFileStore;
pub use s3::{S3FileStore, S3Settings};

use crate::error::StoreResult;
use async_trait::async_trait;
use bytes::Bytes;
use carespace_core::ids::FileId;
use carespace_core::time::Timestamp;
use futures_util::stream::BoxStream;
use sha2::{Digest, Sha256};
use std::fmt;
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The SHA-256 of a file's bytes, in lowercase hex. Parsing accepts nothing else, so a content
/// id can never smuggle a path into the store.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContentId(String);

impl ContentId {
    pub fn of(bytes: &[u8]) -> ContentId {
        let digest = Sha256::digest(bytes);
        ContentId(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn parse(text: &str) -> Option<ContentId> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| ContentId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentId({})", self.0)
    }
}

/// Inclusive byte range, as in an HTTP `Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first: u64,
    pub last: u64,
}

/// An opened file: its whole length, the part being read, and a reader over that part.
pub struct StoredFile {
    pub total_len: u64,
    pub range: ByteRange,
    pub reader: Pin<Box<dyn AsyncRead + Send>>,
}

impl StoredFile {
    pub async fn read_all(mut self) -> StoredFileResult {
        let mut bytes = Vec::new();
        self.reader.read_to_end(&mut bytes).await?;
        Ok(bytes)
    }
}

type StoredFileResult = StoreResult<Vec<u8>>;

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores `bytes` durably and returns their content id. Storing the same bytes twice keeps
    /// one copy.
    async fn put(&self, bytes: Bytes) -> StoreResult<ContentId>;

    /// Opens a stored file, the whole of it or `range` of it. `None` when there is no such file
    /// or the range starts past its end.
    async fn open(
        &self,
        id: &ContentId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<StoredFile>>;

    /// Removes a file; removing one that is not there is not an error.
    async fn delete(&self, id: &ContentId) -> StoreResult<()>;

    /// Starts writing the object `id` into the staging area.
    async fn stage(&self, id: &FileId) -> StoreResult<Box<dyn StagingWriter>>;

    /// Moves a staged object to its place. Promoting one already in place is not an error.
    async fn promote(&self, id: &FileId) -> StoreResult<()>;

    /// Opens an object, the whole of it or `range` of it: from its place, else from staging
    /// (a crash may fall between recording a file and promoting it). `None` when there is no
    /// such object or the range starts past its end.
    async fn open_object(
        &self,
        id: &FileId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<ObjectStream>>;

    /// Removes an object from its place and from staging; removing one that is not there is
    /// not an error.
    async fn delete_object(&self, id: &FileId) -> StoreResult<()>;

    /// The objects in staging last written before `before`.
    async fn list_staged(&self, before: Timestamp) -> StoreResult<Vec<FileId>>;
}

/// An object being written into staging. Dropping it without [`StagingWriter::finish`] may
/// leave part of it behind; [`StagingWriter::abort`] removes it.
#[async_trait]
pub trait StagingWriter: Send {
    /// Appends bytes.
    async fn write(&mut self, bytes: Bytes) -> StoreResult<()>;

    /// Makes what was written durable.
    async fn finish(self: Box<Self>) -> StoreResult<()>;

    /// Stops writing and removes what was written.
    async fn abort(self: Box<Self>) -> StoreResult<()>;
}

/// Bytes as they are read from the store.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// An opened object: its whole stored length, the part being read, and that part's bytes.
pub struct ObjectStream {
    pub total_len: u64,
    pub range: ByteRange,
    pub body: ByteStream,
}

/// The part of a file of `len` bytes that `range` asks for; the whole file without a range.
pub(crate) fn clamp_range(range: Option<ByteRange>, len: u64) -> Option<ByteRange> {
    match range {
        None if len == 0 => Some(ByteRange { first: 0, last: 0 }),
        None => Some(ByteRange {
            first: 0,
            last: len - 1,
        }),
        Some(r) if r.first >= len || r.first > r.last => None,
        Some(r) => Some(ByteRange {
            first: r.first,
            last: r.last.min(len - 1),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ids_accept_only_sha256_hex() {
        assert!(ContentId::parse(&"a".repeat(64)).is_some());
        assert!(ContentId::parse("../../etc/passwd").is_none());
        assert!(ContentId::parse(&"A".repeat(64)).is_none());
        assert!(ContentId::parse(&"a".repeat(63)).is_none());
    }

    #[test]
    fn ranges_are_clamped_to_the_length() {
        assert_eq!(clamp_range(None, 10), Some(ByteRange { first: 0, last: 9 }));
        let tail = ByteRange {
            first: 8,
            last: 100,
        };
        assert_eq!(
            clamp_range(Some(tail), 10),
            Some(ByteRange { first: 8, last: 9 })
        );
        assert_eq!(
            clamp_range(
                Some(ByteRange {
                    first: 10,
                    last: 12
                }),
                10
            ),
            None
        );
    }
}
