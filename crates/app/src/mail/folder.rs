//! Delivery into a folder, one `.eml` file per email: the default for a single machine without a
//! mail server. The dev inbox page lists the folder, and any mail program opens the files.
//!
//! The file is named by the email's id, so delivering the same email again (a job run again
//! after a crash) replaces that file and never adds a second one.

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
    async fn send(&self, mail_id: &str, message: lettre::Message) -> Result<(), String> {
        // The id becomes a file name: letters, digits and dashes only, nothing that leaves the
        // folder.
        if mail_id.is_empty()
            || !mail_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!("mail id {mail_id:?} cannot name a file"));
        }
        let name = format!("{mail_id}.eml");
        let partial = self.dir.join(format!(".{name}.partial"));
        let bytes = message.formatted();
        // Written aside and renamed (replacing an earlier delivery of the same email), so a
        // reader never sees half an email.
        tokio::fs::write(&partial, &bytes)
            .await
            .map_err(|e| format!("cannot write to the mail folder: {e}"))?;
        tokio::fs::rename(&partial, self.dir.join(name))
            .await
            .map_err(|e| format!("cannot write to the mail folder: {e}"))
    }
}
