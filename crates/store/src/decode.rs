//! Reading typed values out of rows: a value the schema does not allow is
//! [`StoreError::Corrupt`], never silently something else.

use crate::error::{StoreError, StoreResult};
use carespace_core::ids::Id;
use carespace_core::memberships::Role;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The stored text of `column`, parsed by `parse`.
pub(crate) fn code<T>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> StoreResult<T> {
    let value: String = row.try_get(column)?;
    parse(&value).ok_or_else(|| StoreError::Corrupt(format!("{column} = {value:?}")))
}

pub(crate) fn role(row: &AnyRow, column: &str) -> StoreResult<Role> {
    code(row, column, |v| Role::parse(v).ok())
}

/// An identifier column; ids are only ever written by the application.
pub(crate) fn id<T: Id>(row: &AnyRow, column: &str) -> StoreResult<T> {
    Ok(T::from_stored(row.try_get(column)?))
}

pub(crate) fn optional_id<T: Id>(row: &AnyRow, column: &str) -> StoreResult<Option<T>> {
    Ok(row
        .try_get::<Option<String>, _>(column)?
        .map(T::from_stored))
}
