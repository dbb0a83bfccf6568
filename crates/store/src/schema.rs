//! A backend-neutral description of the schema, read from the live database. The migration
//! parity test compares SQLite's with PostgreSQL's, so the two migration folders cannot drift.

use crate::backend::Backend;
use crate::db::Db;
use crate::error::StoreResult;
use sqlx::Row;
use std::collections::BTreeMap;

/// How a column's values are stored, in terms both databases share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeClass {
    Text,
    Integer,
    Real,
    Blob,
    Other,
}

impl TypeClass {
    fn of(declared: &str) -> TypeClass {
        let t = declared.to_ascii_lowercase();
        if t.contains("int") {
            TypeClass::Integer
        } else if t.contains("char") || t.contains("text") {
            TypeClass::Text
        } else if t.contains("real") || t.contains("double") || t.contains("float") {
            TypeClass::Real
        } else if t.contains("blob") || t.contains("bytea") {
            TypeClass::Blob
        } else {
            TypeClass::Other
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    pub class: TypeClass,
    pub nullable: bool,
    pub primary_key: bool,
}

/// An index other than the primary key's, by its columns (names differ between backends).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub column: String,
    pub references_table: String,
    pub references_column: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// Every application table (migration bookkeeping excluded), by name, each part sorted.
pub async fn describe(db: &Db) -> StoreResult<BTreeMap<String, Table>> {
    let mut tables = BTreeMap::new();
    for name in table_names(db).await? {
        let mut table = describe_table(db, &name).await?;
        table.columns.sort();
        table.indexes.sort();
        table.foreign_keys.sort();
        tables.insert(name, table);
    }
    Ok(tables)
}

async fn table_names(db: &Db) -> StoreResult<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                AND table_name NOT LIKE '_sqlx_%'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get("name"))
        .collect::<Result<_, _>>()?)
}

// Both backends' queries return the same column names, so one set of mappers reads them.

const SQLITE_COLUMNS: &str = "SELECT name, type, 1 - \"notnull\" AS nullable, (pk > 0) AS pk
                                FROM pragma_table_info($1)";

const SQLITE_INDEXES: &str = "SELECT il.\"unique\" AS is_unique,
                                     (SELECT group_concat(name, ',')
                                        FROM (SELECT name FROM pragma_index_info(il.name)
                                               ORDER BY seqno)) AS columns
                                FROM pragma_index_list($1) il
                               WHERE il.origin <> 'pk'";

const SQLITE_FOREIGN_KEYS: &str =
    "SELECT \"from\" AS col, \"table\" AS ref_table, \"to\" AS ref_col
                                     FROM pragma_foreign_key_list($1)";

const POSTGRES_COLUMNS: &str = "
    SELECT c.column_name::text AS name, c.data_type::text AS type,
           (c.is_nullable = 'YES')::int::int8 AS nullable,
           (EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                      JOIN information_schema.key_column_usage k
                        ON k.constraint_name = tc.constraint_name
                       AND k.table_schema = tc.table_schema
                     WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name
                       AND tc.constraint_type = 'PRIMARY KEY'
                       AND k.column_name = c.column_name))::int::int8 AS pk
      FROM information_schema.columns c
     WHERE c.table_schema = current_schema() AND c.table_name = $1";

const POSTGRES_INDEXES: &str = "
    SELECT ix.indisunique::int::int8 AS is_unique,
           string_agg(a.attname::text, ',' ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
       AND NOT ix.indisprimary
     GROUP BY ix.indexrelid, ix.indisunique";

const POSTGRES_FOREIGN_KEYS: &str = "
    SELECT a.attname::text AS col, rt.relname::text AS ref_table, ra.attname::text AS ref_col
      FROM pg_constraint con
      JOIN pg_class t ON t.oid = con.conrelid
      JOIN LATERAL unnest(con.conkey, con.confkey) AS k(col, ref) ON true
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
      JOIN pg_class rt ON rt.oid = con.confrelid
      JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.ref
     WHERE con.contype = 'f' AND t.relname = $1
       AND t.relnamespace = current_schema()::regnamespace";

async fn describe_table(db: &Db, table: &str) -> StoreResult<Table> {
    let (columns_sql, indexes_sql, foreign_keys_sql) = match db.backend() {
        Backend::Sqlite => (SQLITE_COLUMNS, SQLITE_INDEXES, SQLITE_FOREIGN_KEYS),
        Backend::Postgres => (POSTGRES_COLUMNS, POSTGRES_INDEXES, POSTGRES_FOREIGN_KEYS),
    };
    let rows = |sql| sqlx::query(sql).bind(table).fetch_all(db.pool());
    let columns = rows(columns_sql)
        .await?
        .iter()
        .map(|row| {
            Ok(Column {
                name: row.try_get("name")?,
                class: TypeClass::of(&row.try_get::<String, _>("type")?),
                nullable: row.try_get::<i64, _>("nullable")? == 1,
                primary_key: row.try_get::<i64, _>("pk")? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let indexes = rows(indexes_sql)
        .await?
        .iter()
        .map(|row| {
            Ok(Index {
                columns: row
                    .try_get::<String, _>("columns")?
                    .split(',')
                    .map(str::to_owned)
                    .collect(),
                unique: row.try_get::<i64, _>("is_unique")? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let foreign_keys = rows(foreign_keys_sql)
        .await?
        .iter()
        .map(|row| {
            Ok(ForeignKey {
                column: row.try_get("col")?,
                references_table: row.try_get("ref_table")?,
                references_column: row.try_get("ref_col")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Table {
        columns,
        indexes,
        foreign_keys,
    })
}
