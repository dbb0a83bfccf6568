//! A stored file's plaintext, streamed: only the chunks that hold the asked range are read from
//! the file store, each opened as it arrives, so a download holds about one chunk in memory.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use bytes::Bytes;
use carespace_core::crypto::DataKey;
use carespace_core::file_types::FileKind;
use carespace_core::ids::FileId;
use carespace_core::sealed_file::{self, ChunkSpan, HEADER_LEN, Opener};
use carespace_store::files::{ByteRange, ByteStream};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use std::io::{Error, ErrorKind};

/// A stored file as its reader sees it: the name it was uploaded under, its type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileView {
    /// The name it was uploaded under: a label, never a path.
    pub name: String,
    pub media_type: String,
    pub size: u64,
}

impl FileView {
    /// Images show in the page; everything else downloads.
    pub fn is_image(&self) -> bool {
        FileKind::from_media_type(&self.media_type).is_some_and(FileKind::is_image)
    }
}

/// A file opened for download: what it is, and the asked part of it (`None` when
/// the range starts past its end).
pub struct Download {
    pub file: FileView,
    pub opened: Option<Opened>,
}

/// An opened file: its whole length, the part being read, and that part's plaintext.
pub struct Opened {
    pub total_len: u64,
    pub range: ByteRange,
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Opens a stored file's plaintext, all or `range` (inclusive, its end clamped to the file's);
/// `None` when the range starts past the end. `size` is the plaintext size recorded for it.
pub async fn open(
    ctx: &AppContext,
    key: &DataKey,
    id: &FileId,
    size: u64,
    range: Option<ByteRange>,
) -> AppResult<Option<Opened>> {
    let (first, last) = match range {
        Some(range) => (range.first, range.last),
        None if size == 0 => {
            return Ok(Some(Opened {
                total_len: 0,
                range: ByteRange { first: 0, last: 0 },
                body: futures_util::stream::empty().boxed(),
            }));
        }
        None => (0, size - 1),
    };
    let Some(span) = sealed_file::span_of(size, first, last) else {
        return Ok(None);
    };
    let header = read_header(ctx, id).await?;
    let opener = Opener::new(key, id.as_str(), size, &header)
        .map_err(|_| AppError::Internal(format!("stored file {id} has no readable header")))?;
    let stored = ByteRange {
        first: span.stored_first,
        last: span.stored_last,
    };
    let object = ctx
        .files
        .open_object(id, Some(stored))
        .await?
        .ok_or_else(|| AppError::Internal(format!("stored file {id} is cut short")))?;
    let chunks = Chunks {
        stored: object.body,
        pending: Vec::new(),
        index: span.first_chunk,
        opener,
        size,
        span,
        kept: 0,
    };
    // The first chunk is opened before anything is given out, so a wrong key or a damaged
    // file is an error here rather than a download that breaks off at its start.
    let (first_part, rest) = chunks
        .next()
        .await
        .map_err(|e| AppError::Internal(format!("stored file {id} does not open: {e}")))?
        .ok_or_else(|| AppError::Internal(format!("stored file {id} has no chunks")))?;
    let body = futures_util::stream::once(async { Ok(first_part) })
        .chain(futures_util::stream::try_unfold(rest, Chunks::next))
        .boxed();
    Ok(Some(Opened {
        total_len: size,
        range: ByteRange {
            first,
            last: first + span.take - 1,
        },
        body,
    }))
}

async fn read_header(ctx: &AppContext, id: &FileId) -> AppResult<Vec<u8>> {
    let range = ByteRange {
        first: 0,
        last: HEADER_LEN as u64 - 1,
    };
    let object = ctx
        .files
        .open_object(id, Some(range))
        .await?
        .ok_or(AppError::NotFound)?;
    let parts: Vec<Bytes> = object
        .body
        .try_collect()
        .await
        .map_err(|e| AppError::Internal(format!("cannot read stored file {id}: {e}")))?;
    Ok(parts.concat())
}

/// The chunks of a span being read, opened one by one.
struct Chunks {
    stored: ByteStream,
    /// Stored bytes read but not yet opened.
    pending: Vec<u8>,
    /// The chunk to open next.
    index: u64,
    opener: Opener,
    size: u64,
    span: ChunkSpan,
    /// Plaintext bytes given out so far.
    kept: u64,
}

impl Chunks {
    /// The plaintext of the next chunk (what of it the span keeps), or the end.
    async fn next(mut self) -> std::io::Result<Option<(Bytes, Chunks)>> {
        if self.index >= self.span.first_chunk + self.span.chunks {
            return Ok(None);
        }
        let need = sealed_file::sealed_chunk_len(self.size, self.index);
        while self.pending.len() < need {
            match self.stored.try_next().await? {
                Some(bytes) => self.pending.extend_from_slice(&bytes),
                None => {
                    return Err(Error::new(
                        ErrorKind::UnexpectedEof,
                        "stored file cut short",
                    ));
                }
            }
        }
        let sealed: Vec<u8> = self.pending.drain(..need).collect();
        let plain = self
            .opener
            .open_chunk(self.index, &sealed)
            .map_err(|_| Error::new(ErrorKind::InvalidData, "stored file does not open"))?;
        let skip = if self.index == self.span.first_chunk {
            self.span.skip as usize
        } else {
            0
        };
        let left = (self.span.take - self.kept) as usize;
        let end = plain.len().min(skip + left);
        let part = Bytes::copy_from_slice(&plain[skip..end]);
        self.kept += part.len() as u64;
        self.index += 1;
        Ok(Some((part, self)))
    }
}
