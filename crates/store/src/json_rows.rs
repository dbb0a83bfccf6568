//! A list read as one value: the database aggregates a page of rows into a JSON array, and it is
//! decoded here in one go.
//!
//! Why: sqlx's SQLite driver hands every row, and copies every value in it, from the
//! connection's worker thread to the async side one at a time. A page of 50 audit entries was
//! 50 hand-overs, each a thread switch, and a thousand copied values; one JSON text is one
//! hand-over and one parse. PostgreSQL gains less but the same way, so both use it.

use crate::backend::Backend;
use crate::error::{StoreError, StoreResult};
use serde::de::DeserializeOwned;

/// The aggregate expression that turns the rows of `FROM …` into one JSON array: each row an
/// object of `fields` (column names, which become the keys), in the order of `order_by`. An
/// empty set of rows is `[]`.
pub(crate) fn array_of(backend: Backend, fields: &[&str], order_by: &str) -> String {
    let pairs = fields
        .iter()
        .map(|field| format!("'{field}', {field}"))
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        Backend::Sqlite => format!("json_group_array(json_object({pairs}) ORDER BY {order_by})"),
        Backend::Postgres => {
            format!(
                "COALESCE(json_agg(json_build_object({pairs}) ORDER BY {order_by}), '[]')::text"
            )
        }
    }
}

/// The rows of an array made by [`array_of`].
pub(crate) fn decode<T: DeserializeOwned>(json: &str) -> StoreResult<Vec<T>> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("aggregated rows: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_becomes_an_object_in_order() {
        let sql = array_of(Backend::Sqlite, &["seq", "name"], "seq DESC");
        assert_eq!(
            sql,
            "json_group_array(json_object('seq', seq, 'name', name) ORDER BY seq DESC)"
        );
        let sql = array_of(Backend::Postgres, &["seq"], "seq");
        assert!(sql.starts_with("COALESCE(json_agg(json_build_object('seq', seq) ORDER BY seq)"));
    }

    #[test]
    fn a_bad_array_is_corrupt_not_empty() {
        assert!(decode::<i64>("[1, 2]").is_ok());
        assert!(matches!(decode::<i64>("{"), Err(StoreError::Corrupt(_))));
    }
}
