//! Keyset paging's cursor: `at:id` of the last entry of the page before, for the lists that
//! page newest first by a time and an id.

/// The `(at, id)` of a cursor; `None` for anything else (a first page).
pub(crate) fn cursor(text: &str) -> Option<(i64, &str)> {
    let (at, id) = text.split_once(':')?;
    Some((at.parse().ok()?, id))
}
