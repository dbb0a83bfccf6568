//! The file store port: documents, photos, videos, attachments and exports are kept by content
//! id, never under a name a user chose. The local directory is the default; object storage for
//! larger installations implements the same trait.

use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

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
}

/// Files in a local directory, fanned out by the first bytes of their id.
#[derive(Debug, Clone)]
pub struct LocalDirFileStore {
    root: PathBuf,
}

impl LocalDirFileStore {
    pub async fn open_dir(root: impl Into<PathBuf>) -> StoreResult<Self> {
        let root = root.into();
        tokio::fs::create_dir_all(root.join("incoming")).await?;
        Ok(Self { root })
    }

    fn path_of(&self, id: &ContentId) -> PathBuf {
        let hex = id.as_str();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }
}

#[async_trait]
impl FileStore for LocalDirFileStore {
    async fn put(&self, bytes: Bytes) -> StoreResult<ContentId> {
        let id = ContentId::of(&bytes);
        let target = self.path_of(&id);
        if tokio::fs::try_exists(&target).await? {
            return Ok(id);
        }
        // Write beside, flush to disk, then rename: a reader never sees half a file, and a
        // crash leaves at most a stray file in `incoming`.
        let incoming = self
            .root
            .join("incoming")
            .join(carespace_core::ids::new_id());
        let mut file = tokio::fs::File::create(&incoming).await?;
        file.write_all(&bytes).await?;
        file.sync_all().await?;
        drop(file);
        let parent = target
            .parent()
            .ok_or_else(|| StoreError::Corrupt("file path without parent".into()))?;
        tokio::fs::create_dir_all(parent).await?;
        tokio::fs::rename(&incoming, &target).await?;
        sync_dir(parent).await?;
        Ok(id)
    }

    async fn open(
        &self,
        id: &ContentId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<StoredFile>> {
        let mut file = match tokio::fs::File::open(self.path_of(id)).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let total_len = file.metadata().await?.len();
        let Some(range) = clamp_range(range, total_len) else {
            return Ok(None);
        };
        file.seek(SeekFrom::Start(range.first)).await?;
        let reader = file.take(range.last - range.first + 1);
        Ok(Some(StoredFile {
            total_len,
            range,
            reader: Box::pin(reader),
        }))
    }

    async fn delete(&self, id: &ContentId) -> StoreResult<()> {
        match tokio::fs::remove_file(self.path_of(id)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// The part of a file of `len` bytes that `range` asks for; the whole file without a range.
fn clamp_range(range: Option<ByteRange>, len: u64) -> Option<ByteRange> {
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

/// Makes a rename durable: the directory entry itself is flushed.
async fn sync_dir(dir: &Path) -> StoreResult<()> {
    tokio::fs::File::open(dir).await?.sync_all().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, LocalDirFileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDirFileStore::open_dir(dir.path()).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn stores_and_reads_back_by_content_id() {
        let (_dir, store) = store().await;
        let id = store
            .put(Bytes::from_static(b"referral letter"))
            .await
            .unwrap();
        assert_eq!(id, ContentId::of(b"referral letter"));
        let file = store.open(&id, None).await.unwrap().unwrap();
        assert_eq!(file.total_len, 15);
        assert_eq!(file.read_all().await.unwrap(), b"referral letter");
    }

    #[tokio::test]
    async fn reads_a_byte_range_clamped_to_the_file() {
        let (_dir, store) = store().await;
        let id = store.put(Bytes::from_static(b"0123456789")).await.unwrap();
        let part = store
            .open(&id, Some(ByteRange { first: 2, last: 4 }))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(part.range, ByteRange { first: 2, last: 4 });
        assert_eq!(part.read_all().await.unwrap(), b"234");
        let tail = store
            .open(
                &id,
                Some(ByteRange {
                    first: 8,
                    last: 100,
                }),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(tail.read_all().await.unwrap(), b"89");
        let beyond = store
            .open(
                &id,
                Some(ByteRange {
                    first: 10,
                    last: 12,
                }),
            )
            .await
            .unwrap();
        assert!(beyond.is_none());
    }

    #[tokio::test]
    async fn same_bytes_are_kept_once_and_delete_is_idempotent() {
        let (dir, store) = store().await;
        let a = store.put(Bytes::from_static(b"x-ray")).await.unwrap();
        let b = store.put(Bytes::from_static(b"x-ray")).await.unwrap();
        assert_eq!(a, b);
        store.delete(&a).await.unwrap();
        store.delete(&a).await.unwrap();
        assert!(store.open(&a, None).await.unwrap().is_none());
        let leftovers = std::fs::read_dir(dir.path().join("incoming"))
            .unwrap()
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn content_ids_accept_only_sha256_hex() {
        assert!(ContentId::parse(&"a".repeat(64)).is_some());
        assert!(ContentId::parse("../../etc/passwd").is_none());
        assert!(ContentId::parse(&"A".repeat(64)).is_none());
        assert!(ContentId::parse(&"a".repeat(63)).is_none());
    }
}
