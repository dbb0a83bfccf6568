//! A clamd client: files are scanned by a ClamAV daemon as their plaintext streams to storage,
//! over TCP or a unix socket, with clamd's `INSTREAM` command (each piece sent with its length
//! as four big-endian bytes, a zero length to end, then one answer: `stream: OK` or
//! `stream: <signature> FOUND`). clamd refuses a stream longer than its `StreamMaxLength`,
//! which must therefore be at least the largest upload allowed.

use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long clamd may take to accept, to take a piece, or to give its answer.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The most bytes sent in one `INSTREAM` piece.
const PIECE_MAX: usize = 64 * 1024;
/// The longest answer read back.
const ANSWER_MAX: usize = 4096;

/// Where clamd listens: `tcp://host:port` or `unix:/path/to/clamd.ctl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddress {
    Tcp(String),
    Unix(PathBuf),
}

impl ClamdAddress {
    pub fn parse(text: &str) -> Result<ClamdAddress, String> {
        if let Some(address) = text.strip_prefix("tcp://") {
            let address = address.trim_end_matches('/');
            let has_port = address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            return if has_port {
                Ok(ClamdAddress::Tcp(address.to_owned()))
            } else {
                Err(format!("{text}: tcp:// needs a host and a port"))
            };
        }
        if let Some(path) = text.strip_prefix("unix:") {
            return if path.starts_with('/') {
                Ok(ClamdAddress::Unix(PathBuf::from(path)))
            } else {
                Err(format!("{text}: unix: needs an absolute path"))
            };
        }
        Err(format!("{text}: must start with tcp:// or unix:"))
    }
}

/// What clamd said about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The name of the signature that matched.
    Infected(String),
}

/// clamd could not be reached or did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("clamd is unreachable: {0}")]
    Unreachable(#[from] std::io::Error),
    #[error("clamd did not answer in time")]
    Timeout,
    #[error("clamd answered {0:?}")]
    Answer(String),
}

trait Connection: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Connection for T {}

/// The configured clamd.
#[derive(Debug, Clone)]
pub struct Scanner {
    address: ClamdAddress,
}

impl Scanner {
    pub fn new(address: ClamdAddress) -> Self {
        Self { address }
    }

    pub fn address(&self) -> &ClamdAddress {
        &self.address
    }

    async fn connect(&self) -> Result<Pin<Box<dyn Connection>>, ScanError> {
        let connecting = async {
            Ok::<Pin<Box<dyn Connection>>, std::io::Error>(match &self.address {
                ClamdAddress::Tcp(address) => {
                    Box::pin(tokio::net::TcpStream::connect(address).await?)
                }
                ClamdAddress::Unix(path) => Box::pin(tokio::net::UnixStream::connect(path).await?),
            })
        };
        Ok(within(connecting).await??)
    }

    /// Whether clamd answers `PING`.
    pub async fn ping(&self) -> Result<(), ScanError> {
        let mut connection = self.connect().await?;
        within(connection.write_all(b"zPING\0")).await??;
        match read_answer(&mut connection).await?.as_str() {
            "PONG" => Ok(()),
            other => Err(ScanError::Answer(other.to_owned())),
        }
    }

    /// Starts scanning a stream of bytes.
    pub async fn start(&self) -> Result<Scan, ScanError> {
        let mut connection = self.connect().await?;
        within(connection.write_all(b"zINSTREAM\0")).await??;
        Ok(Scan { connection })
    }
}

/// One file being scanned.
pub struct Scan {
    connection: Pin<Box<dyn Connection>>,
}

impl Scan {
    /// Sends the next bytes of the file.
    pub async fn feed(&mut self, bytes: &[u8]) -> Result<(), ScanError> {
        for piece in bytes.chunks(PIECE_MAX) {
            // A piece is at most PIECE_MAX bytes, so its length fits in four bytes.
            let len = u32::try_from(piece.len()).unwrap_or(u32::MAX);
            within(async {
                self.connection.write_all(&len.to_be_bytes()).await?;
                self.connection.write_all(piece).await
            })
            .await??;
        }
        Ok(())
    }

    /// Ends the file and waits for clamd's verdict.
    pub async fn finish(mut self) -> Result<Verdict, ScanError> {
        within(self.connection.write_all(&[0; 4])).await??;
        let answer = read_answer(&mut self.connection).await?;
        let result = answer.strip_prefix("stream: ").unwrap_or(&answer);
        if result == "OK" {
            Ok(Verdict::Clean)
        } else if let Some(signature) = result.strip_suffix(" FOUND") {
            Ok(Verdict::Infected(signature.to_owned()))
        } else {
            Err(ScanError::Answer(answer))
        }
    }
}

/// clamd's answer to a `z` command: text up to a NUL byte (or the end of the connection).
async fn read_answer(connection: &mut Pin<Box<dyn Connection>>) -> Result<String, ScanError> {
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while answer.len() < ANSWER_MAX {
        if within(connection.read(&mut byte)).await?? == 0 || byte[0] == 0 {
            break;
        }
        answer.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&answer).trim().to_owned())
}

async fn within<T>(work: impl Future<Output = T>) -> Result<T, ScanError> {
    tokio::time::timeout(TIMEOUT, work)
        .await
        .map_err(|_| ScanError::Timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_tcp_or_a_unix_socket() {
        assert_eq!(
            ClamdAddress::parse("tcp://127.0.0.1:3310"),
            Ok(ClamdAddress::Tcp("127.0.0.1:3310".into()))
        );
        assert_eq!(
            ClamdAddress::parse("unix:/run/clamav/clamd.ctl"),
            Ok(ClamdAddress::Unix("/run/clamav/clamd.ctl".into()))
        );
        assert!(ClamdAddress::parse("tcp://127.0.0.1").is_err());
        assert!(ClamdAddress::parse("unix:clamd.ctl").is_err());
        assert!(ClamdAddress::parse("127.0.0.1:3310").is_err());
    }
}
