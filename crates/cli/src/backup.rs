//! `carespace admin backup DIR`: while the server runs, a consistent copy of the SQLite database
//! and of the key store (each by `VACUUM INTO`), and the audit head file when there is one,
//! under the names the data directory uses, so that restoring is copying them back. The master
//! key and the files directory are backed up apart from these.

use crate::config::{Config, DATABASE_FILE, KEY_STORE_FILE};
use anyhow::Context;
use carespace_app::AppContext;
use std::path::{Path, PathBuf};

/// One thing a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    AuditHead,
    Database,
    KeyStore,
}

impl Part {
    pub const fn describe(self) -> &'static str {
        match self {
            Part::AuditHead => "the audit head",
            Part::Database => "the database",
            Part::KeyStore => "the key store",
        }
    }
}

/// What a backup wrote, and the parts on PostgreSQL that it left to `pg_dump`.
#[derive(Debug, Default)]
pub struct Backup {
    pub written: Vec<(Part, PathBuf)>,
    pub on_postgres: Vec<Part>,
}

/// Copies what it can into `dir` (made when missing); refuses to write over an earlier backup.
pub async fn run(config: &Config, ctx: &AppContext, dir: &Path) -> anyhow::Result<Backup> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    let head = config
        .audit
        .head_file
        .as_ref()
        .filter(|file| file.exists())
        .map(|file| {
            let name = file.file_name().unwrap_or(file.as_os_str());
            (file.clone(), dir.join(name))
        });
    let database = dir.join(DATABASE_FILE);
    let key_store = dir.join(KEY_STORE_FILE);
    for target in [
        Some(&database),
        Some(&key_store),
        head.as_ref().map(|h| &h.1),
    ]
    .into_iter()
    .flatten()
    {
        if target.exists() {
            anyhow::bail!(
                "{} exists already: back up into an empty directory",
                target.display()
            );
        }
    }
    let mut backup = Backup::default();
    // The head first: the database copied after it holds at least the entries it names.
    if let Some((from, to)) = head {
        tokio::fs::copy(&from, &to)
            .await
            .with_context(|| format!("cannot copy {}", from.display()))?;
        backup.written.push((Part::AuditHead, to));
    }
    // The database before the key store: every key its copy needs is in the later copy.
    if ctx.db.backend() == carespace_store::Backend::Sqlite {
        ctx.db
            .copy_sqlite_into(&database)
            .await
            .context("cannot copy the database")?;
        backup.written.push((Part::Database, database));
    } else {
        backup.on_postgres.push(Part::Database);
    }
    if ctx.keys.store().backend() == carespace_store::Backend::Sqlite {
        ctx.keys
            .store()
            .copy_sqlite_into(&key_store)
            .await
            .context("cannot copy the key store")?;
        backup.written.push((Part::KeyStore, key_store));
    } else {
        backup.on_postgres.push(Part::KeyStore);
    }
    for (_, file) in &backup.written {
        std::fs::File::open(file)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", file.display()))?;
    }
    crate::key_files::sync_dir(dir)?;
    Ok(backup)
}
