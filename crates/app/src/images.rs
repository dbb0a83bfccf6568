//! Uploaded images (profile photos, Healthspace logos). An upload is recognised by its content
//! (JPEG, PNG or WebP), decoded with size limits and drawn again as a fresh file: nothing of the
//! original survives, so neither does its metadata (camera, GPS position, comments) nor anything
//! hidden in it.
//!
//! Decoding is bounded three ways, since a small file can unpack into a huge picture: at most
//! [`MAX_SIDE_PX`] pixels wide and high and [`MAX_DECODE_BYTES`] of memory per image, at most
//! [`DECODES_AT_ONCE`] images at a time (the `images` gate of the context), and at most
//! [`UPLOADS_PER_HOUR`] uploads per account.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::gate::Gate;
use crate::throttle;
use carespace_core::ids::AccountId;
use image::codecs::jpeg::JpegEncoder;
use image::error::ImageError;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The widest and highest image decoded.
pub const MAX_SIDE_PX: u32 = 4096;
/// The most memory one decode may take.
pub const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;
/// Images decoded at the same time; more wait in a short queue.
pub const DECODES_AT_ONCE: usize = 2;
/// Uploads that may wait for a decode; more are answered "busy".
pub const DECODE_QUEUE: usize = 8;
/// Photo and logo uploads one account may make in an hour, together.
pub const UPLOADS_PER_HOUR: i64 = 20;

/// The gate every decode passes.
pub fn decode_gate() -> Gate {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    Gate::new("image decoding", DECODES_AT_ONCE.min(cores), DECODE_QUEUE)
}

/// What the image is drawn again as.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Redrawn {
    /// Photos: small files, no transparency needed.
    Jpeg,
    /// Logos: sharp edges and transparency kept.
    Png,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ImageProblem {
    /// Not a JPEG, PNG or WebP, whatever the file is called.
    Type,
    /// Looks like one, but does not decode (damaged).
    Unreadable,
    /// More pixels, or more memory to decode, than allowed.
    TooManyPixels,
    Encoding(String),
}

/// The problem codes one kind of upload reports under its own field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImageCodes {
    pub missing: &'static str,
    pub too_large: &'static str,
    pub wrong_type: &'static str,
    pub unreadable: &'static str,
    pub too_many_pixels: &'static str,
}

/// What one kind of upload must be, and becomes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UploadRules {
    /// The form field problems are reported under, with its codes.
    pub field: &'static str,
    pub codes: ImageCodes,
    pub max_bytes: usize,
    /// Drawn again within `size`×`size`.
    pub size: u32,
    pub output: Redrawn,
}

/// Checks the upload's size and the uploader's hourly limit, then redraws it on the blocking
/// pool once the decode gate gives a turn.
pub(crate) async fn redraw_upload(
    ctx: &AppContext,
    uploader: &AccountId,
    upload: Vec<u8>,
    rules: UploadRules,
) -> AppResult<Vec<u8>> {
    let (field, codes) = (rules.field, rules.codes);
    if upload.is_empty() {
        return Err(AppError::field(field, codes.missing));
    }
    if upload.len() > rules.max_bytes {
        return Err(AppError::field(field, codes.too_large));
    }
    let key = format!("upload:{uploader}");
    throttle::limit_per_hour_now(ctx, &key, UPLOADS_PER_HOUR).await?;
    let turn = ctx.images.enter().await?;
    let redrawn = tokio::task::spawn_blocking(move || {
        let redrawn = redraw(&upload, rules.size, rules.output);
        drop(turn);
        redrawn
    })
    .await
    .map_err(|e| AppError::Internal(format!("image task failed: {e}")))?;
    redrawn.map_err(|problem| match problem {
        ImageProblem::Type => AppError::field(field, codes.wrong_type),
        ImageProblem::Unreadable => AppError::field(field, codes.unreadable),
        ImageProblem::TooManyPixels => AppError::field(field, codes.too_many_pixels),
        ImageProblem::Encoding(e) => AppError::Internal(format!("image encoding: {e}")),
    })
}

/// Decodes an image of an allowed type and encodes it again, fitted within `size`×`size`.
/// CPU-bound: call it on the blocking pool.
pub(crate) fn redraw(upload: &[u8], size: u32, output: Redrawn) -> Result<Vec<u8>, ImageProblem> {
    let format = image::guess_format(upload).map_err(|_| ImageProblem::Type)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(ImageProblem::Type);
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // The decoders check the limits against the header, before they allocate anything.
    let decoded = reader.decode().map_err(|error| match error {
        ImageError::Limits(_) => ImageProblem::TooManyPixels,
        _ => ImageProblem::Unreadable,
    })?;
    let fitted = if decoded.width() > size || decoded.height() > size {
        decoded.thumbnail(size, size)
    } else {
        decoded
    };
    encode(&fitted, output).map_err(|e| ImageProblem::Encoding(e.to_string()))
}

fn encode(image: &DynamicImage, output: Redrawn) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    match output {
        Redrawn::Jpeg => {
            JpegEncoder::new_with_quality(&mut out, 85).encode_image(&image.to_rgb8())?;
        }
        Redrawn::Png => {
            image
                .to_rgba8()
                .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_are_drawn_again_in_the_chosen_format_and_fitted() {
        let jpeg = redraw(&png(1200, 900), 512, Redrawn::Jpeg).unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), ImageFormat::Jpeg);
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (512, 384));

        let logo = redraw(&png(100, 40), 512, Redrawn::Png).unwrap();
        assert_eq!(image::guess_format(&logo).unwrap(), ImageFormat::Png);
        let back = image::load_from_memory(&logo).unwrap();
        assert_eq!((back.width(), back.height()), (100, 40), "never enlarged");
    }

    #[test]
    fn other_files_are_refused_by_content_whatever_their_name() {
        assert_eq!(
            redraw(b"%PDF-1.7 not an image", 512, Redrawn::Png),
            Err(ImageProblem::Type)
        );
        let mut broken = png(10, 10);
        broken.truncate(40);
        assert_eq!(
            redraw(&broken, 512, Redrawn::Png),
            Err(ImageProblem::Unreadable)
        );
    }

    #[test]
    fn images_past_the_pixel_limit_are_refused_before_they_are_decoded() {
        assert!(redraw(&png(MAX_SIDE_PX, 16), 512, Redrawn::Png).is_ok());
        assert_eq!(
            redraw(&png(MAX_SIDE_PX + 1, 16), 512, Redrawn::Png),
            Err(ImageProblem::TooManyPixels)
        );
        // Within both sides, but more memory than allowed: 4096 × 4096 × 16-bit RGBA.
        let image = image::ImageBuffer::<image::Rgba<u16>, _>::new(MAX_SIDE_PX, MAX_SIDE_PX);
        let mut wide = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut wide), ImageFormat::Png)
            .unwrap();
        assert_eq!(
            redraw(&wide, 512, Redrawn::Png),
            Err(ImageProblem::TooManyPixels)
        );
    }
}
