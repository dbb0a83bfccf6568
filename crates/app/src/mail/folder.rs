//! Delivery into a folder, one `.eml` file per email: the default for a single machine without a
//! mail server. The dev inbox page lists the folder, and any mail program opens the files.

use super::MailTransport;
use async_trait::async_trait;
use std::path::{Path, PathBuf};

pub struct FolderTransport {
    dir: PathBuf,
}

impl FolderTransport {
    pub async fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        tokio::fs::create_dir_all(&dir).await?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[async_trait]
impl MailTransport for FolderTransport {
    async fn send(&self, message: lettre::Message) -> Result<(), String> {
        let name = format!("{}.eml", carespace_core::ids::new_id());
        let partial = self.dir.join(format!(".{name}.partial"));
        let bytes = message.formatted();
        // Written aside and renamed, so a reader never sees half an email.
        tokio::fs::write(&partial, &bytes)
            .await
            .map_err(|e| format!("cannot write to the mail folder: {e}"))?;
        tokio::fs::rename(&partial, self.dir.join(name))
            .await
            .map_err(|e| format!("cannot write to the mail folder: {e}"))
    }
}
