//! An upload, streamed into staging: its first bytes decide its type before anything is stored,
//! its bytes are counted as they come, fed to clamd and sealed chunk by chunk, so no more than a
//! chunk or two of it is ever in memory. Whatever is refused or fails midway is removed again.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::files::problems;
use crate::files::scanner::{Scan, ScanError, Verdict};
use bytes::Bytes;
use carespace_core::crypto::DataKey;
use carespace_core::file_types::{FileKind, SNIFF_LEN};
use carespace_core::ids::FileId;
use carespace_core::sealed_file::Sealer;
use carespace_store::files::StagingWriter;
use futures_util::{Stream, StreamExt};

/// What an upload field accepts.
#[derive(Debug, Clone, Copy)]
pub struct UploadRules {
    /// The form field problems are reported on.
    pub field: &'static str,
    pub max_bytes: u64,
    pub allowed: &'static [FileKind],
}

/// A file written to staging, not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub id: FileId,
    /// Bytes as uploaded.
    pub size: u64,
    pub kind: FileKind,
}

/// Streams `body` to staging sealed under `key`: sniffs the first bytes (refuses a type not
/// allowed before anything is stored), counts bytes (refuses past `max_bytes` while streaming,
/// removing what was written), feeds clamd when configured (infected: removed, refused with
/// [`problems::INFECTED`], and a security-log line; the caller audit-logs). An empty file is refused,
/// and so is every upload while a configured clamd cannot be reached.
pub async fn stage<S>(
    ctx: &AppContext,
    key: &DataKey,
    mut body: S,
    rules: &UploadRules,
) -> AppResult<Staged>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin,
{
    let mut size = Size::new(rules);
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    while prefix.len() < SNIFF_LEN {
        let Some(piece) = body.next().await else {
            break;
        };
        let piece = piece.map_err(interrupted)?;
        size.add(piece.len())?;
        prefix.extend_from_slice(&piece);
    }
    if prefix.is_empty() {
        return Err(AppError::field(rules.field, problems::EMPTY));
    }
    let kind = FileKind::sniff(&prefix[..prefix.len().min(SNIFF_LEN)])
        .filter(|kind| rules.allowed.contains(kind))
        .ok_or_else(|| AppError::field(rules.field, problems::TYPE))?;
    let scan = match &ctx.scanner {
        Some(scanner) => Some(scanner.start().await.map_err(|e| unavailable(rules, &e))?),
        None => None,
    };
    let id = FileId::generate();
    let (sealer, header) = Sealer::new(key, id.as_str())
        .map_err(|e| AppError::Internal(format!("cannot seal a file: {e}")))?;
    let mut writer = ctx.files.stage(&id).await?;
    let mut upload = Upload {
        sealer,
        scan,
        size,
        rules,
    };
    let streamed = async {
        writer.write(Bytes::copy_from_slice(&header)).await?;
        upload.take(&mut *writer, &prefix).await?;
        drop(prefix);
        while let Some(piece) = body.next().await {
            let piece = piece.map_err(interrupted)?;
            upload.size.add(piece.len())?;
            upload.take(&mut *writer, &piece).await?;
        }
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(error) = streamed {
        abort(writer, &id).await;
        return Err(error);
    }
    let Upload {
        sealer, scan, size, ..
    } = upload;
    if let Some(scan) = scan {
        match scan.finish().await {
            Ok(Verdict::Clean) => {}
            Ok(Verdict::Infected(signature)) => {
                abort(writer, &id).await;
                tracing::warn!(
                    target: "security",
                    file = %id,
                    %signature,
                    "upload refused: clamd found malware"
                );
                return Err(AppError::field(rules.field, problems::INFECTED));
            }
            Err(error) => {
                abort(writer, &id).await;
                return Err(unavailable(rules, &error));
            }
        }
    }
    let finished = async {
        writer.write(Bytes::from(sealer.finish())).await?;
        writer.finish().await
    }
    .await;
    if let Err(error) = finished {
        // The writer is gone; what it left is removed here, or else by the sweep.
        discard_quietly(ctx, &id).await;
        return Err(error.into());
    }
    Ok(Staged {
        id,
        size: size.total,
        kind,
    })
}

/// The state of one upload between its pieces.
struct Upload<'r> {
    sealer: Sealer,
    scan: Option<Scan>,
    size: Size<'r>,
    rules: &'r UploadRules,
}

impl Upload<'_> {
    /// Scans and seals the next plaintext, writing the chunks it completes.
    async fn take(&mut self, writer: &mut dyn StagingWriter, plaintext: &[u8]) -> AppResult<()> {
        if let Some(scan) = &mut self.scan {
            let rules = self.rules;
            scan.feed(plaintext)
                .await
                .map_err(|e| unavailable(rules, &e))?;
        }
        for chunk in self.sealer.push(plaintext) {
            writer.write(Bytes::from(chunk)).await?;
        }
        Ok(())
    }
}

/// Bytes counted against the rules' limit.
struct Size<'r> {
    total: u64,
    rules: &'r UploadRules,
}

impl<'r> Size<'r> {
    fn new(rules: &'r UploadRules) -> Self {
        Self { total: 0, rules }
    }

    fn add(&mut self, len: usize) -> AppResult<()> {
        self.total = self.total.saturating_add(len as u64);
        if self.total > self.rules.max_bytes {
            return Err(AppError::field(self.rules.field, problems::TOO_LARGE));
        }
        Ok(())
    }
}

fn interrupted(error: std::io::Error) -> AppError {
    AppError::Internal(format!("upload interrupted: {error}"))
}

fn unavailable(rules: &UploadRules, error: &ScanError) -> AppError {
    tracing::error!(%error, "upload refused: the virus scanner cannot be used");
    AppError::field(rules.field, problems::SCANNER_UNAVAILABLE)
}

/// Stops a staged write and removes it; a failure to remove is logged, the sweep retries.
async fn abort(writer: Box<dyn StagingWriter>, id: &FileId) {
    if let Err(error) = writer.abort().await {
        tracing::warn!(file = %id, %error, "a refused upload is left in staging for the sweep");
    }
}

async fn discard_quietly(ctx: &AppContext, id: &FileId) {
    if let Err(error) = ctx.files.delete_object(id).await {
        tracing::warn!(file = %id, %error, "a failed upload is left in staging for the sweep");
    }
}
