//! The master key: read from `keys.master_key` or its file, made by `carespace admin init-key`
//! (or by the demo), and replaced by `carespace admin rotate-master-key`.
//!
//! A rotation never leaves a data key wrapped by a key that is nowhere on disk: the next key is
//! written to `master.key.new` (and synced) before any data key is wrapped under it; once all
//! are, the current key is kept as `master.key.old` and `master.key.new` is renamed over
//! `master.key`. A rotation that stops half-way is finished by running it again, which goes on
//! with the key in `master.key.new`.

use crate::config::Config;
use crate::key_files;
use anyhow::Context;
use carespace_app::AppContext;
use carespace_app::audit::Origin;
use carespace_app::keys::rotation::{self, Rotated};
use carespace_core::crypto::{self, DataKey};
use carespace_core::master_key;
use std::path::{Path, PathBuf};

/// The configured master key. Without one (neither `keys.master_key` nor its file), the start
/// stops with a message that says how to make one.
pub fn load(config: &Config) -> anyhow::Result<DataKey> {
    if let Some(key) = &config.keys.master_key {
        return master_key::parse(key.expose())
            .map_err(|e| anyhow::anyhow!("keys.master_key: {e}"));
    }
    let file = config.master_key_file();
    if !file.exists() {
        anyhow::bail!(
            "there is no master key: {} does not exist. Make one with `carespace admin init-key{}` \
             and back it up apart from the database (without it no client's data can be read), \
             or set keys.master_key",
            file.display(),
            file_flag(config)
        );
    }
    warn_if_readable_by_others(&file);
    read_file(&file)
}

/// A key file others may read is a key others may have.
fn warn_if_readable_by_others(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(file)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                target: "keys",
                file = %file.display(),
                "the master key file may be read by others than its owner: chmod 600 it"
            );
        }
    }
}

/// Makes a new master key in `file` (the configured key file when `None`); refuses to overwrite
/// one. Returns the file written.
pub fn init(config: &Config, file: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let file = file.unwrap_or_else(|| config.master_key_file());
    if file.exists() {
        anyhow::bail!(
            "{} exists already: a master key is never overwritten (the data keys it wraps would \
             be lost). Use `carespace admin rotate-master-key` to replace it",
            file.display()
        );
    }
    write_new(&file, &DataKey::generate()?)?;
    Ok(file)
}

/// For the demo: makes the master key in the data directory when none is configured or there.
/// Returns whether it made one.
pub fn make_for_demo(config: &Config) -> anyhow::Result<bool> {
    if config.keys.master_key.is_some() || config.keys.master_key_file.is_some() {
        return Ok(false);
    }
    let file = config.master_key_file();
    if file.exists() {
        return Ok(false);
    }
    write_new(&file, &DataKey::generate()?)?;
    Ok(true)
}

/// What `rotate` did and where the keys now are.
#[derive(Debug)]
pub struct Rotation {
    pub rotated: Rotated,
    /// The new master key.
    pub file: PathBuf,
    /// The old master key, for the operator to remove.
    pub old_file: PathBuf,
    /// Whether an interrupted rotation was finished (its next key was already on disk).
    pub resumed: bool,
}

/// Replaces the master key in its file with a new one, every data key wrapped anew under it.
/// `ctx` holds the current key (read from that file).
pub async fn rotate(
    config: &Config,
    ctx: &AppContext,
    origin: &Origin,
) -> anyhow::Result<Rotation> {
    if config.keys.master_key.is_some() {
        anyhow::bail!(
            "keys.master_key is set in the configuration, where a rotation cannot write the new \
             key: put the key in a file (one line), set keys.master_key_file to it instead, and \
             run this again"
        );
    }
    let file = config.master_key_file();
    let next_file = sibling(&file, "new");
    let old_file = sibling(&file, "old");
    let current = read_file(&file)?;
    let current_id = crypto::master_key_id(&current);
    if old_file.exists() && crypto::master_key_id(&read_file(&old_file)?) != current_id {
        anyhow::bail!(
            "{} is left from an earlier rotation: remove it (once no backup needs it) and run \
             this again",
            old_file.display()
        );
    }
    let resumed = next_file.exists();
    let next = if resumed {
        read_file(&next_file)?
    } else {
        let next = DataKey::generate()?;
        write_new(&next_file, &next)?;
        next
    };
    let rotated = rotation::rotate(ctx, &next, origin).await?;
    if !old_file.exists() {
        write_new(&old_file, &current)?;
    }
    std::fs::rename(&next_file, &file).with_context(|| {
        format!(
            "cannot rename {} to {}",
            next_file.display(),
            file.display()
        )
    })?;
    key_files::sync_dir(file.parent().unwrap_or(Path::new(".")))?;
    Ok(Rotation {
        rotated,
        file,
        old_file,
        resumed,
    })
}

fn read_file(file: &Path) -> anyhow::Result<DataKey> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the master key file {}", file.display()))?,
    );
    master_key::parse(&text).map_err(|e| anyhow::anyhow!("master key file {}: {e}", file.display()))
}

fn write_new(file: &Path, key: &DataKey) -> anyhow::Result<()> {
    let text = master_key::to_hex(key);
    key_files::create(file, &format!("{}\n", *text)).context("cannot write the master key")
}

/// `master.key` → `master.key.new`.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn file_flag(config: &Config) -> String {
    match &config.keys.master_key_file {
        Some(file) => format!(" --file {}", file.display()),
        None => String::new(),
    }
}
