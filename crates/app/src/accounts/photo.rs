//! Profile photos, drawn again as a fresh JPEG no larger than the configured size (see
//! [`crate::images`]): nothing of the original file survives, metadata included.

use crate::audit::{self, Event, Origin};
use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::images::{self, ImageCodes, Redrawn, UploadRules};
use bytes::Bytes;
use carespace_core::audit::AuditAction;
use carespace_core::ids::AccountId;
use carespace_store::accounts as store;
use carespace_store::files::ContentId;

const FIELD: &str = "photo";
const CODES: ImageCodes = ImageCodes {
    missing: "photo_missing",
    too_large: "photo_too_large",
    wrong_type: "photo_type",
    unreadable: "photo_unreadable",
    too_many_pixels: "photo_too_many_pixels",
};

/// Replaces the account's photo by `upload`.
pub async fn set_photo(
    ctx: &AppContext,
    account_id: &AccountId,
    upload: Vec<u8>,
    origin: &Origin,
) -> AppResult<()> {
    let rules = UploadRules {
        field: FIELD,
        codes: CODES,
        max_bytes: ctx.accounts.photo_max_bytes,
        size: ctx.accounts.photo_size_px,
        output: Redrawn::Jpeg,
    };
    let jpeg = images::redraw_upload(ctx, account_id, upload, rules).await?;
    let id = ctx.files.put(Bytes::from(jpeg)).await?;
    replace(ctx, account_id, Some(id.as_str()), origin).await
}

pub async fn remove_photo(
    ctx: &AppContext,
    account_id: &AccountId,
    origin: &Origin,
) -> AppResult<()> {
    replace(ctx, account_id, None, origin).await
}

async fn replace(
    ctx: &AppContext,
    account_id: &AccountId,
    photo_id: Option<&str>,
    origin: &Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let account = store::find(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::set_photo(&mut tx, account_id, photo_id, now).await?;
    let action = if photo_id.is_some() {
        AuditAction::PhotoChanged
    } else {
        AuditAction::PhotoRemoved
    };
    let event = Event::own(account_id, action, "account", Some(account_id.as_str()));
    audit::record(&mut tx, origin, event, now).await?;
    let orphan = match account.photo_id.as_deref() {
        Some(old) if Some(old) != photo_id && store::photo_users(&mut tx, old).await? == 0 => {
            ContentId::parse(old)
        }
        _ => None,
    };
    tx.commit().await?;
    if let Some(old) = orphan {
        ctx.files.delete(&old).await?;
    }
    Ok(())
}

/// The account's photo as JPEG bytes, or `None` when it has none.
pub async fn photo(ctx: &AppContext, account_id: &AccountId) -> AppResult<Option<Vec<u8>>> {
    let account = store::find(&ctx.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(id) = account.photo_id.as_deref().and_then(ContentId::parse) else {
        return Ok(None);
    };
    match ctx.files.open(&id, None).await? {
        Some(file) => Ok(Some(file.read_all().await?)),
        None => Ok(None),
    }
}
