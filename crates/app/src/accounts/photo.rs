//! Profile photos. An upload is recognised by its content (JPEG, PNG or WebP), decoded and
//! drawn again as a fresh JPEG no larger than the configured size: nothing of the original
//! file survives, so neither does its metadata (camera, GPS position, comments).

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use bytes::Bytes;
use carespace_store::accounts as store;
use carespace_store::files::ContentId;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

const FIELD: &str = "photo";

/// Replaces the account's photo by `upload`.
pub async fn set_photo(ctx: &AppContext, account_id: &str, upload: Vec<u8>) -> AppResult<()> {
    if upload.is_empty() {
        return Err(AppError::field(FIELD, "photo_missing"));
    }
    if upload.len() > ctx.accounts.photo_max_bytes {
        return Err(AppError::field(FIELD, "photo_too_large"));
    }
    let size = ctx.accounts.photo_size_px;
    let jpeg = tokio::task::spawn_blocking(move || redraw(&upload, size))
        .await
        .map_err(|e| AppError::Internal(format!("photo task failed: {e}")))??;
    let id = ctx.files.put(Bytes::from(jpeg)).await?;
    replace(ctx, account_id, Some(id.as_str())).await
}

pub async fn remove_photo(ctx: &AppContext, account_id: &str) -> AppResult<()> {
    replace(ctx, account_id, None).await
}

async fn replace(ctx: &AppContext, account_id: &str, photo_id: Option<&str>) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let account = store::find_in(&mut tx, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::set_photo(&mut tx, account_id, photo_id, now).await?;
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
pub async fn photo(ctx: &AppContext, account_id: &str) -> AppResult<Option<Vec<u8>>> {
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

/// Decodes an image of an allowed type and encodes it again as a JPEG of at most `size`×`size`.
fn redraw(upload: &[u8], size: u32) -> AppResult<Vec<u8>> {
    let format = image::guess_format(upload).map_err(|_| AppError::field(FIELD, "photo_type"))?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(AppError::field(FIELD, "photo_type"));
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(10_000);
    limits.max_image_height = Some(10_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|_| AppError::field(FIELD, "photo_unreadable"))?;
    let fitted = if decoded.width() > size || decoded.height() > size {
        decoded.thumbnail(size, size)
    } else {
        decoded
    };
    let rgb = fitted.to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|e| AppError::Internal(format!("photo encoding: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_pixel(width, height, Rgb([200, 40, 90]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_are_redrawn_as_small_jpegs() {
        let jpeg = redraw(&png(1200, 600), 512).unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), ImageFormat::Jpeg);
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (512, 256));
    }

    #[test]
    fn other_files_are_refused_by_content_whatever_their_name() {
        let problem = |result: AppResult<Vec<u8>>| match result {
            Err(AppError::Invalid(problems)) => problems[0].code,
            other => panic!("{other:?}"),
        };
        assert_eq!(problem(redraw(b"GIF89a not allowed", 512)), "photo_type");
        assert_eq!(problem(redraw(b"%PDF-1.7", 512)), "photo_type");
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert_eq!(problem(redraw(&broken, 512)), "photo_unreadable");
    }
}
