//! Turns configuration into the running parts: database (with the audit chain's key), file
//! store, clock, the appender of read entries.

use crate::config::{Config, FileStoreKind, MailTransportKind};
use anyhow::Context;
use carespace_app::AppContext;
use carespace_app::audit::chain::{self, Sealing};
use carespace_app::audit::{AuditLog, head::HeadLog};
use carespace_app::clock::SystemClock;
use carespace_app::files::scanner::Scanner;
use carespace_app::keys::Keys;
use carespace_app::live::Live;
use carespace_app::mail::{FolderTransport, MailTransport, SmtpTransport};
use carespace_app::passkeys::RelyingParty;
use carespace_app::sms::SmsService;
use carespace_app::sms::http::HttpSmsSender;
use carespace_core::audit::AuditKey;
use carespace_store::audit_chain::Chain;
use carespace_store::files::{FileStore, LocalDirFileStore, S3FileStore};
use carespace_store::{Db, KeyStore, PoolSettings};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Connects to the database (creating the data directory for embedded SQLite first).
pub async fn connect_database(config: &Config) -> anyhow::Result<Db> {
    if config.database.url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let settings = pool_settings(config);
    let url = config.database_url();
    let db = Db::connect(url.expose(), &settings)
        .await
        .context("cannot open the database (check database.url)")?;
    Ok(db)
}

fn pool_settings(config: &Config) -> PoolSettings {
    PoolSettings {
        max_connections: config.database.max_connections,
        ..PoolSettings::default()
    }
}

/// The key store, apart from the main database (in the data directory unless configured).
async fn keys(config: &Config, settings: &PoolSettings) -> anyhow::Result<KeyStore> {
    if config.keys.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let store = KeyStore::open(config.keys_database_url().expose(), settings)
        .await
        .context("cannot open the key store (check keys.database_url)")?;
    let local_beside_postgres = config.keys.database_url.is_none()
        && matches!(
            carespace_store::Backend::from_url(config.database_url().expose()),
            Ok(carespace_store::Backend::Postgres)
        );
    if local_beside_postgres {
        tracing::warn!(
            target: "keys",
            "the database is PostgreSQL but the key store is an SQLite file in the data \
             directory: instances that share the database must share the key store too (set \
             keys.database_url)"
        );
    }
    Ok(store)
}

/// Everything use cases need, with the schema brought up to date and the audit chain keyed.
pub async fn app_context(config: &Config) -> anyhow::Result<AppContext> {
    // The master key first: a start it refuses leaves nothing made.
    let master = crate::master_key::load(config)?;
    let chain = Chain {
        key: audit_key(config)?,
        witness: Arc::new(HeadLog::new(config.audit.head_file.clone())),
    };
    let settings = pool_settings(config);
    let db = connect_database(config).await?.with_audit_chain(chain);
    db.migrate().await.context("cannot migrate the database")?;
    match chain::seal_at_start(&db).await? {
        Sealing::Keyed => {}
        Sealing::Sealed { unkeyed: 0 } => tracing::info!(target: "audit", "audit chain keyed"),
        Sealing::Sealed { unkeyed } => tracing::warn!(
            target: "audit",
            unkeyed,
            "audit chain keyed from here on; the entries before were written without a key and \
             are now sealed with it"
        ),
    }
    let keys = keys(config, &settings).await?;
    let files = file_store(config).await?;
    let ctx = AppContext {
        db: db.clone(),
        clock: Arc::new(SystemClock),
        files,
        scanner: scanner(config).await?,
        document_max_bytes: config.files.document_max_bytes(),
        accounts: Arc::new(config.accounts.clone()),
        messages: Arc::new(config.messages.clone()),
        retention: Arc::new(config.retention.clone()),
        privacy: Arc::new(config.privacy.clone()),
        audit: AuditLog::start(db.clone()),
        keys: Arc::new(Keys::new(keys, master)),
        images: Arc::new(carespace_app::images::decode_gate()),
        hashing: Arc::new(config.accounts.hash_gate()),
        refusals: Arc::default(),
        sms: sms_service(config)?,
        passkeys: RelyingParty::for_public_url(&config.web.public_url)
            .map_err(anyhow::Error::msg)?
            .map(Arc::new),
        live: Arc::new(Live::new(db.clone(), config.live.clone())),
    };
    after_migrating(&ctx).await?;
    Ok(ctx)
}

/// What a migration left for the application to finish: the audit entries of memberships
/// merged into one per account and Healthspace.
pub async fn after_migrating(ctx: &AppContext) -> anyhow::Result<()> {
    let merged = carespace_app::memberships::audit_merges(ctx)
        .await
        .context("cannot audit-log merged memberships")?;
    if merged > 0 {
        tracing::info!(
            merged,
            "memberships of one account and Healthspace merged into one"
        );
    }
    Ok(())
}

/// Where files are kept: the data directory, or the S3-compatible bucket (checked to answer).
pub async fn file_store(config: &Config) -> anyhow::Result<Arc<dyn FileStore>> {
    match config.files.store {
        FileStoreKind::Local => {
            let dir = config.data_dir.join("files");
            let files = LocalDirFileStore::open_dir(&dir)
                .await
                .with_context(|| format!("cannot use {} for files", dir.display()))?;
            Ok(Arc::new(files))
        }
        FileStoreKind::S3 => {
            let settings = config.files.s3_settings().map_err(anyhow::Error::msg)?;
            let files = S3FileStore::connect(&settings)
                .context("cannot set up the S3 file store (check files.s3_*)")?;
            files.check().await.with_context(|| {
                format!(
                    "the S3 bucket {} at {} does not answer",
                    settings.bucket, settings.endpoint
                )
            })?;
            Ok(Arc::new(files))
        }
    }
}

/// The virus scanner, when one is configured. One that does not answer now is logged, not
/// fatal: uploads are refused until it does.
pub async fn scanner(config: &Config) -> anyhow::Result<Option<Arc<Scanner>>> {
    let Some(address) = config.files.scanner_address().map_err(anyhow::Error::msg)? else {
        return Ok(None);
    };
    let scanner = Scanner::new(address);
    if let Err(error) = scanner.ping().await {
        tracing::warn!(%error, "files.clamd does not answer: uploads are refused until it does");
    }
    Ok(Some(Arc::new(scanner)))
}

/// The SMS gateway, when one is configured.
pub fn sms_service(config: &Config) -> anyhow::Result<Option<Arc<SmsService>>> {
    let (Some(url), Some(token)) = (&config.sms.url, &config.sms.token) else {
        return Ok(None);
    };
    let sender = HttpSmsSender::new(
        url,
        token.clone(),
        &config.sms.body_template,
        Duration::from_secs(config.sms.timeout_seconds),
    )
    .context("cannot set up the SMS gateway (check sms.url)")?;
    Ok(Some(Arc::new(SmsService {
        sender: Arc::new(sender),
        sends_per_hour: config.sms.sends_per_hour,
    })))
}

/// Where emails go: the mail folder, or an SMTP server.
pub async fn mail_transport(config: &Config) -> anyhow::Result<Arc<dyn MailTransport>> {
    match (&config.mail.transport, &config.mail.smtp_url) {
        (MailTransportKind::Smtp, Some(url)) => Ok(Arc::new(
            SmtpTransport::from_url(url.expose()).map_err(|e| anyhow::anyhow!(e))?,
        )),
        (MailTransportKind::Smtp, None) => Err(anyhow::anyhow!(
            "mail.smtp_url must be set when mail.transport is \"smtp\""
        )),
        (MailTransportKind::Folder, _) => {
            let dir = config.mail_dir();
            let folder = FolderTransport::open(&dir)
                .await
                .with_context(|| format!("cannot use {} for mail", dir.display()))?;
            Ok(Arc::new(folder))
        }
    }
}

/// The audit chain's key: `audit.key`, else the key file. The default key file in the data
/// directory is made on first start, so that a small practice starts with one command.
pub fn audit_key(config: &Config) -> anyhow::Result<AuditKey> {
    if let Some(key) = &config.audit.key {
        return AuditKey::from_hex(key.expose()).map_err(|e| anyhow::anyhow!("audit.key: {e}"));
    }
    let file = config.audit_key_file();
    if config.audit.key_file.is_none() && !file.exists() {
        make_key_file(&file)?;
        tracing::warn!(
            target: "audit",
            file = %file.display(),
            "made a new audit key: keep and back it up apart from the database, as the audit log \
             cannot be checked or extended without it"
        );
    }
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read the audit key file {}", file.display()))?;
    AuditKey::from_hex(&text).map_err(|e| anyhow::anyhow!("audit key file {}: {e}", file.display()))
}

/// A new random key in a new file only its owner may read.
fn make_key_file(file: &Path) -> anyhow::Result<()> {
    let key = AuditKey::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    crate::key_files::create(file, &format!("{}\n", key.to_hex()))
        .context("cannot create the audit key file")
}
