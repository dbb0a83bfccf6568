//! Files in a local directory: pictures fanned out by the first bytes of their content id,
//! record objects in `objects/` fanned out by the last (random) characters of their id, and
//! uploads in progress in `staging/`.

use super::{
    ByteRange, ByteStream, ContentId, FileStore, ObjectStream, StagingWriter, StoredFile,
    clamp_range,
};
use crate::error::{StoreError, StoreResult};
use async_trait::async_trait;
use bytes::Bytes;
use carespace_core::ids::FileId;
use carespace_core::time::Timestamp;
use futures_util::StreamExt;
use std::io::{ErrorKind, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

/// Bytes read from disk at a time when an object streams out.
const READ_CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct LocalDirFileStore {
    root: PathBuf,
}

impl LocalDirFileStore {
    pub async fn open_dir(root: impl Into<PathBuf>) -> StoreResult<Self> {
        let root = root.into();
        tokio::fs::create_dir_all(root.join("incoming")).await?;
        tokio::fs::create_dir_all(root.join("staging")).await?;
        tokio::fs::create_dir_all(root.join("objects")).await?;
        Ok(Self { root })
    }

    fn path_of(&self, id: &ContentId) -> PathBuf {
        let hex = id.as_str();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }

    fn staged_path(&self, id: &FileId) -> PathBuf {
        self.root.join("staging").join(id.as_str())
    }

    fn object_path(&self, id: &FileId) -> PathBuf {
        let text = id.as_str();
        let fan = &text[text.len().saturating_sub(2)..];
        self.root.join("objects").join(fan).join(text)
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
        rename_durably(&incoming, &target).await?;
        Ok(id)
    }

    async fn open(
        &self,
        id: &ContentId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<StoredFile>> {
        let Some((file, total_len, range)) = open_part(&self.path_of(id), range).await? else {
            return Ok(None);
        };
        let reader = file.take(range.last - range.first + 1);
        Ok(Some(StoredFile {
            total_len,
            range,
            reader: Box::pin(reader),
        }))
    }

    async fn delete(&self, id: &ContentId) -> StoreResult<()> {
        remove_if_there(&self.path_of(id)).await
    }

    async fn stage(&self, id: &FileId) -> StoreResult<Box<dyn StagingWriter>> {
        let path = self.staged_path(id);
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok(Box::new(LocalStagingWriter { file, path }))
    }

    async fn promote(&self, id: &FileId) -> StoreResult<()> {
        let staged = self.staged_path(id);
        if !tokio::fs::try_exists(&staged).await? {
            return if tokio::fs::try_exists(self.object_path(id)).await? {
                Ok(())
            } else {
                Err(StoreError::Io(ErrorKind::NotFound.into()))
            };
        }
        rename_durably(&staged, &self.object_path(id)).await
    }

    async fn open_object(
        &self,
        id: &FileId,
        range: Option<ByteRange>,
    ) -> StoreResult<Option<ObjectStream>> {
        let mut opened = open_part(&self.object_path(id), range).await?;
        if opened.is_none() {
            opened = open_part(&self.staged_path(id), range).await?;
        }
        let Some((file, total_len, range)) = opened else {
            return Ok(None);
        };
        let part = file.take(range.last - range.first + 1);
        let body: ByteStream = ReaderStream::with_capacity(part, READ_CHUNK).boxed();
        Ok(Some(ObjectStream {
            total_len,
            range,
            body,
        }))
    }

    async fn delete_object(&self, id: &FileId) -> StoreResult<()> {
        remove_if_there(&self.object_path(id)).await?;
        remove_if_there(&self.staged_path(id)).await
    }

    async fn list_staged(&self, before: Timestamp) -> StoreResult<Vec<FileId>> {
        let mut entries = tokio::fs::read_dir(self.root.join("staging")).await?;
        let mut staged = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            let Some(id) = entry.file_name().to_str().and_then(FileId::parse) else {
                continue;
            };
            let modified = entry.metadata().await?.modified()?;
            let millis = modified
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            if millis < before.millis() {
                staged.push(id);
            }
        }
        Ok(staged)
    }
}

/// A staging file being written.
struct LocalStagingWriter {
    file: tokio::fs::File,
    path: PathBuf,
}

#[async_trait]
impl StagingWriter for LocalStagingWriter {
    async fn write(&mut self, bytes: Bytes) -> StoreResult<()> {
        self.file.write_all(&bytes).await?;
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> StoreResult<()> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        if let Some(dir) = self.path.parent() {
            sync_dir(dir).await?;
        }
        Ok(())
    }

    async fn abort(self: Box<Self>) -> StoreResult<()> {
        drop(self.file);
        remove_if_there(&self.path).await
    }
}

/// The file at `path` positioned at the start of `range` (clamped), with its whole length.
async fn open_part(
    path: &Path,
    range: Option<ByteRange>,
) -> StoreResult<Option<(tokio::fs::File, u64, ByteRange)>> {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let total_len = file.metadata().await?.len();
    let Some(range) = clamp_range(range, total_len) else {
        return Ok(None);
    };
    file.seek(SeekFrom::Start(range.first)).await?;
    Ok(Some((file, total_len, range)))
}

/// Renames `from` to `to`, making its directory first, and flushes the directory entry so the
/// rename survives a crash.
async fn rename_durably(from: &Path, to: &Path) -> StoreResult<()> {
    let parent = to
        .parent()
        .ok_or_else(|| StoreError::Corrupt("file path without parent".into()))?;
    tokio::fs::create_dir_all(parent).await?;
    tokio::fs::rename(from, to).await?;
    sync_dir(parent).await
}

async fn remove_if_there(path: &Path) -> StoreResult<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Makes a rename durable: the directory entry itself is flushed.
async fn sync_dir(dir: &Path) -> StoreResult<()> {
    tokio::fs::File::open(dir).await?.sync_all().await?;
    Ok(())
}

#[cfg(test)]
mod tests;
