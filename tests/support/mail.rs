//! Reading back what Carespace emailed: the mail folder of a test app, or a real SMTP server
//! process (Python's aiosmtpd, installed by the test command) that a test points Carespace at.

use crate::TestApp;
use carespace_store::jobs::ClaimedJob;
use mail_parser::MessageParser;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub raw: String,
}

pub fn read_mail(raw: &[u8]) -> Mail {
    let message = MessageParser::default().parse(raw).expect("an email");
    Mail {
        to: message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned(),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        raw: String::from_utf8_lossy(raw).into_owned(),
    }
}

/// The path and query of the first link in the email's text that goes to `path`.
pub fn link_in(mail: &Mail, path: &str) -> String {
    mail.text
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("http://"))
        .filter_map(|rest| rest.find('/').map(|i| &rest[i..]))
        .find(|link| link.starts_with(path))
        .unwrap_or_else(|| panic!("no link to {path} in:\n{}", mail.text))
        .to_owned()
}

fn read_dir_sorted(dir: &Path) -> Vec<Mail> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    // In the order they were written: a file's name is its email's id, fixed when the email
    // was queued, which is not always the order of sending.
    files.sort_by_key(|f| (std::fs::metadata(f).unwrap().modified().unwrap(), f.clone()));
    files
        .iter()
        .map(|f| read_mail(&std::fs::read(f).unwrap()))
        .collect()
}

impl TestApp {
    /// Every email written to the mail folder so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        read_dir_sorted(&self.config.mail_dir())
    }

    /// Waits until the job queue holds nothing due, then returns every email.
    pub async fn mails_when_sent(&self) -> Vec<Mail> {
        for _ in 0..200 {
            let busy = carespace_app::jobs::due_or_running(&self.ctx)
                .await
                .unwrap();
            if busy == 0 {
                return self.mails();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the job queue did not drain");
    }

    /// The emails to `to`, once everything queued is sent.
    pub async fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.mails_when_sent()
            .await
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }

    /// The newest email to `to`.
    pub async fn last_mail_to(&self, to: &str) -> Mail {
        self.mails_to(to)
            .await
            .pop()
            .unwrap_or_else(|| panic!("no email to {to}"))
    }
}

/// A real SMTP server on a free loopback port that keeps what it receives in a maildir.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        SmtpSink::start_on(port).await
    }

    /// A server on a given port (to bring one back where it was).
    // The child is owned by the sink, whose `Drop` kills and waits for it.
    #[allow(clippy::zombie_processes)]
    pub async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (the test command installs it)");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpSink { port, dir, child };
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the SMTP sink did not start");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// What the server received so far.
    pub fn received(&self) -> Vec<Mail> {
        read_dir_sorted(&self.dir.path().join("maildir").join("new"))
    }

    /// Stops the server, as a mail server going down would.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A claimed email job with this payload, as the worker hands it to the mail handler.
pub fn mail_job(payload: String) -> ClaimedJob {
    ClaimedJob {
        id: carespace_core::ids::new_id(),
        kind: carespace_app::mail::JOB_KIND.into(),
        payload,
        attempts: 1,
        max_attempts: 8,
        taken_over_from: None,
    }
}
