//! Uploaded images (profile photos, Healthspace logos). An upload is recognised by its content
//! (JPEG, PNG or WebP), decoded with size limits and drawn again as a fresh file: nothing of the
//! original survives, so neither does its metadata (camera, GPS position, comments) nor anything
//! hidden in it.

use crate::error::{AppError, AppResult};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

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
    /// Looks like one, but does not decode (damaged, or too large).
    Unreadable,
    Encoding(String),
}

/// The problem codes one kind of upload reports under its own field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImageCodes {
    pub missing: &'static str,
    pub too_large: &'static str,
    pub wrong_type: &'static str,
    pub unreadable: &'static str,
}

/// Checks the upload's size, then redraws it on the blocking pool; problems are reported as
/// input problems of `field`.
pub(crate) async fn redraw_upload(
    upload: Vec<u8>,
    max_bytes: usize,
    size: u32,
    output: Redrawn,
    field: &'static str,
    codes: ImageCodes,
) -> AppResult<Vec<u8>> {
    if upload.is_empty() {
        return Err(AppError::field(field, codes.missing));
    }
    if upload.len() > max_bytes {
        return Err(AppError::field(field, codes.too_large));
    }
    let redrawn = tokio::task::spawn_blocking(move || redraw(&upload, size, output))
        .await
        .map_err(|e| AppError::Internal(format!("image task failed: {e}")))?;
    redrawn.map_err(|problem| match problem {
        ImageProblem::Type => AppError::field(field, codes.wrong_type),
        ImageProblem::Unreadable => AppError::field(field, codes.unreadable),
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
    limits.max_image_width = Some(10_000);
    limits.max_image_height = Some(10_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| ImageProblem::Unreadable)?;
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
}
