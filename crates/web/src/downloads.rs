//! Answering a download: the asked `Range` (one range of bytes, as browsers and media players
//! send it) as 206, a range past the end as 416, else the whole file; the stored type as
//! `Content-Type`, and `Content-Disposition` from the sanitised name: images show inline in the
//! page, everything else downloads (the strict CSP allows no embedded PDF viewer).

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use carespace_app::files::Download;
use carespace_app::files::{ByteRange, Unsatisfiable};
use carespace_core::file_types::content_disposition;
use http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE,
};
use http::{HeaderMap, HeaderValue, StatusCode};

/// What the request's `Range` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// No range, or one this server does not serve (several ranges): the whole file.
    Whole,
    /// From `first` to `last` (inclusive; `None`: to the end).
    From { first: u64, last: Option<u64> },
    /// The last `n` bytes.
    Suffix(u64),
    /// A range that can never be satisfied (`bytes=5-2`, `bytes=-0`).
    Unsatisfiable,
}

/// Reads a `Range` header value such as `bytes=0-499`, `bytes=500-` or `bytes=-200`.
pub fn asked(headers: &HeaderMap) -> Asked {
    let Some(value) = headers
        .get(http::header::RANGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Asked::Whole;
    };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Asked::Whole;
    };
    if spec.contains(',') {
        return Asked::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Asked::Whole;
    };
    match (first.trim(), last.trim()) {
        ("", "") => Asked::Whole,
        ("", n) => match n.parse::<u64>() {
            Ok(0) => Asked::Unsatisfiable,
            Ok(n) => Asked::Suffix(n),
            Err(_) => Asked::Whole,
        },
        (first, "") => first
            .parse()
            .map_or(Asked::Whole, |first| Asked::From { first, last: None }),
        (first, last) => match (first.parse::<u64>(), last.parse::<u64>()) {
            (Ok(first), Ok(last)) if first <= last => Asked::From {
                first,
                last: Some(last),
            },
            (Ok(_), Ok(_)) => Asked::Unsatisfiable,
            _ => Asked::Whole,
        },
    }
}

impl Asked {
    /// The range to open from a file of `size` bytes; `Err` when it cannot be satisfied.
    pub fn range(self, size: u64) -> Result<Option<ByteRange>, Unsatisfiable> {
        match self {
            Asked::Whole => Ok(None),
            Asked::Unsatisfiable => Err(Unsatisfiable),
            Asked::From { first, .. } if first >= size => Err(Unsatisfiable),
            Asked::From { first, last } => Ok(Some(ByteRange {
                first,
                last: last.unwrap_or(u64::MAX).min(size - 1),
            })),
            Asked::Suffix(_) if size == 0 => Err(Unsatisfiable),
            Asked::Suffix(n) => Ok(Some(ByteRange {
                first: size.saturating_sub(n),
                last: size - 1,
            })),
        }
    }
}

/// 416 for a file of `size` bytes.
pub fn unsatisfiable(size: u64) -> Response {
    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
        response.headers_mut().insert(CONTENT_RANGE, value);
    }
    response
}

/// The response for an opened download, `partial` when a range was asked.
pub fn respond(download: Download, partial: bool) -> Response {
    let Some(opened) = download.opened else {
        return unsatisfiable(download.file.size);
    };
    let length = if opened.total_len == 0 {
        0
    } else {
        opened.range.last - opened.range.first + 1
    };
    let status = if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = (status, Body::from_stream(opened.body)).into_response();
    let headers = response.headers_mut();
    let disposition = content_disposition(&download.file.name, download.file.is_image());
    let values = [
        (CONTENT_TYPE, download.file.media_type.clone()),
        (CONTENT_LENGTH, length.to_string()),
        (ACCEPT_RANGES, "bytes".to_owned()),
        (CONTENT_DISPOSITION, disposition),
    ];
    for (name, value) in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    if partial {
        let range = format!(
            "bytes {}-{}/{}",
            opened.range.first, opened.range.last, opened.total_len
        );
        if let Ok(value) = HeaderValue::from_str(&range) {
            headers.insert(CONTENT_RANGE, value);
        }
    }
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &str) -> Asked {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RANGE, HeaderValue::from_str(value).unwrap());
        asked(&headers)
    }

    #[test]
    fn ranges_read_as_browsers_send_them() {
        assert_eq!(asked(&HeaderMap::new()), Asked::Whole);
        assert_eq!(
            asking("bytes=0-499"),
            Asked::From {
                first: 0,
                last: Some(499)
            }
        );
        assert_eq!(
            asking("bytes=500-"),
            Asked::From {
                first: 500,
                last: None
            }
        );
        assert_eq!(asking("bytes=-200"), Asked::Suffix(200));
        assert_eq!(asking("bytes=5-2"), Asked::Unsatisfiable);
        assert_eq!(asking("bytes=0-1,4-5"), Asked::Whole);
        assert_eq!(asking("items=0-1"), Asked::Whole);
    }

    #[test]
    fn ranges_are_clamped_to_the_file_or_refused() {
        let r = |first, last| Ok(Some(ByteRange { first, last }));
        assert_eq!(asking("bytes=0-499").range(100), r(0, 99));
        assert_eq!(asking("bytes=-200").range(100), r(0, 99));
        assert_eq!(asking("bytes=-10").range(100), r(90, 99));
        assert_eq!(asking("bytes=100-").range(100), Err(Unsatisfiable));
        assert_eq!(asking("bytes=-5").range(0), Err(Unsatisfiable));
        assert_eq!(Asked::Whole.range(0), Ok(None));
    }
}
