//! Turns configuration into the running parts: database, file store, clock.

use crate::config::{Config, MailTransportKind};
use anyhow::Context;
use carespace_app::AppContext;
use carespace_app::clock::SystemClock;
use carespace_app::mail::{FolderTransport, MailTransport, SmtpTransport};
use carespace_store::files::LocalDirFileStore;
use carespace_store::{Db, PoolSettings};
use std::sync::Arc;

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
    let settings = PoolSettings {
        max_connections: config.database.max_connections,
        ..PoolSettings::default()
    };
    let url = config.database_url();
    let db = Db::connect(url.expose(), &settings)
        .await
        .context("cannot open the database (check database.url)")?;
    Ok(db)
}

/// Everything use cases need, with the schema brought up to date.
pub async fn app_context(config: &Config) -> anyhow::Result<AppContext> {
    let db = connect_database(config).await?;
    db.migrate().await.context("cannot migrate the database")?;
    let files = LocalDirFileStore::open_dir(config.data_dir.join("files"))
        .await
        .with_context(|| format!("cannot use {} for files", config.data_dir.display()))?;
    let ctx = AppContext {
        db,
        clock: Arc::new(SystemClock),
        files: Arc::new(files),
        accounts: Arc::new(config.accounts.clone()),
        images: Arc::new(carespace_app::images::decode_gate()),
        hashing: Arc::new(config.accounts.hash_gate()),
        refusals: Arc::default(),
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
