//! What an uploaded file is, decided by its first bytes and never by its name: a PDF called
//! `photo.jpg` is a PDF, and a program called `letter.pdf` is refused. The name a file was
//! uploaded under is only a label, cleaned before it goes into a download's header.

/// How many first bytes decide a file's type. Office documents are zip files whose first few
/// entries must be seen, so this is generous.
pub const SNIFF_LEN: usize = 64 * 1024;

/// The kinds of file the record accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Heic,
    Text,
    Docx,
    Odt,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Webp,
        FileKind::Heic,
        FileKind::Text,
        FileKind::Docx,
        FileKind::Odt,
    ];

    /// The media type a download is served as.
    pub const fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    /// The kind stored under `media_type`, as [`FileKind::media_type`] wrote it.
    pub fn from_media_type(media_type: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|kind| kind.media_type() == media_type)
    }

    /// Whether this is a picture a page may show inline.
    pub const fn is_image(self) -> bool {
        matches!(
            self,
            FileKind::Jpeg | FileKind::Png | FileKind::Webp | FileKind::Heic
        )
    }

    /// The kind of a file that starts with `prefix` (its first [`SNIFF_LEN`] bytes, or all of
    /// it when shorter); `None` for anything not accepted. Programs are refused before any other
    /// check, so that one carrying a PDF marker in its first kilobyte is still refused.
    pub fn sniff(prefix: &[u8]) -> Option<FileKind> {
        if prefix.is_empty() || infer::is_app(prefix) {
            return None;
        }
        let matchers: [(Matcher, FileKind); 7] = [
            (infer::archive::is_pdf, FileKind::Pdf),
            (infer::image::is_jpeg, FileKind::Jpeg),
            (infer::image::is_png, FileKind::Png),
            (infer::image::is_webp, FileKind::Webp),
            (infer::image::is_heif, FileKind::Heic),
            (infer::doc::is_docx, FileKind::Docx),
            (infer::odf::is_odt, FileKind::Odt),
        ];
        if let Some((_, kind)) = matchers.iter().find(|(matches, _)| matches(prefix)) {
            return Some(*kind);
        }
        is_plain_text(prefix).then_some(FileKind::Text)
    }
}

/// Whether a file's first bytes are of one kind.
type Matcher = fn(&[u8]) -> bool;

/// Valid UTF-8 without NUL bytes; a character cut off at the end of the prefix is allowed.
fn is_plain_text(prefix: &[u8]) -> bool {
    if prefix.contains(&0) {
        return false;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// Characters kept of a file name, so a header stays short.
const NAME_MAX_CHARS: usize = 120;
/// The name given when nothing of the uploaded one is left.
const FALLBACK_NAME: &str = "download";

/// A file name fit for a download's `Content-Disposition`: only its last path part, without
/// control characters, quotes or backslashes, trimmed of spaces and dots at either end, at most
/// 120 characters; "download" when nothing is left.
pub fn sanitised_file_name(name: &str) -> String {
    let last_part = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last_part
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '%'))
        .take(NAME_MAX_CHARS)
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c.is_whitespace() || c == '.');
    if trimmed.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Characters percent-encoded in the `filename*` parameter: all but RFC 5987's attr-char.
const NOT_ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` value (RFC 6266) for a download named `name`: `attachment`, or
/// `inline` for a picture shown in the page, with an ASCII `filename` for old clients and the
/// full name as UTF-8 in `filename*`.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let name = sanitised_file_name(name);
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(&name, NOT_ATTR_CHAR);
    let disposition = if inline { "inline" } else { "attachment" };
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests;
