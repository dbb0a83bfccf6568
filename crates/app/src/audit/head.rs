//! Telling the world outside the database where the audit chain ends: after every committed
//! append, an INFO line in the application log (target `audit`) and, when `audit.head_file` is
//! set, the head written to that file. Whoever rewrites the chain in the database cannot take
//! back what was said there.

use carespace_store::audit_chain::HeadWitness;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct HeadLog {
    file: Option<PathBuf>,
    /// The sequence number last written to the file: a late writer never puts an older head
    /// over a newer one.
    written: Arc<Mutex<i64>>,
}

impl HeadLog {
    pub fn new(file: Option<PathBuf>) -> HeadLog {
        HeadLog {
            file,
            written: Arc::new(Mutex::new(0)),
        }
    }
}

impl HeadWitness for HeadLog {
    fn head_moved(&self, seq: i64, hash: &str) {
        tracing::info!(target: "audit", seq, head = hash, "audit chain head");
        let Some(file) = self.file.clone() else {
            return;
        };
        let (written, hash) = (self.written.clone(), hash.to_owned());
        let write = move || {
            let Ok(mut last) = written.lock() else {
                return;
            };
            if seq <= *last {
                return;
            }
            match write_atomically(&file, &format!("{seq} {hash}\n")) {
                Ok(()) => *last = seq,
                Err(error) => tracing::error!(
                    target: "audit", %error, file = %file.display(), "cannot write the audit chain head"
                ),
            }
        };
        // File work belongs on the blocking pool; outside a runtime (tools) it runs here.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(write)),
            Err(_) => write(),
        }
    }
}

/// Writes `text` to a temporary file beside `file` and renames it over `file`, so a reader sees
/// the old head or the new one, never half of one.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    let mut temporary = file.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut out = std::fs::File::create(&temporary)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&temporary, file)
}
