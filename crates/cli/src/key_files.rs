//! Files that hold a key: made new (never over an existing one), readable by their owner only,
//! and on disk before anything relies on them.

use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to a new file `file` with mode 0600, and syncs the file and its directory.
pub fn create(file: &Path, contents: &str) -> anyhow::Result<()> {
    let dir = file.parent().filter(|dir| !dir.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(file)
        .with_context(|| format!("cannot create {}", file.display()))?;
    out.write_all(contents.as_bytes())?;
    out.sync_all()?;
    sync_dir(dir.unwrap_or(Path::new(".")))
}

/// Makes a rename or a new file in `dir` survive a power loss.
pub fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the directory {}", dir.display()))?;
    Ok(())
}
