//! Typed configuration, read in layers: defaults → `carespace.toml` → `CARESPACE_*` environment
//! variables (sections joined by `__`, e.g. `CARESPACE_SERVER__LISTEN`; `DATABASE_URL` too) →
//! command-line flags. Checked at start; a bad value stops with one line naming the setting.

use carespace_app::live::LiveSettings;
use carespace_app::settings::{
    AccountSettings, MessageSettings, PrivacySettings, RetentionSettings,
};
use carespace_core::audit::AuditKey;
use carespace_core::secret::Secret;
use carespace_web::WebSettings;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod files;
pub use files::{FileStoreKind, FilesConfig};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the embedded database, files and the mail folder live.
    pub data_dir: PathBuf,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub web: WebSettings,
    pub accounts: AccountSettings,
    pub mail: MailConfig,
    pub sms: SmsConfig,
    pub files: FilesConfig,
    pub worker: WorkerConfig,
    pub messages: MessageSettings,
    pub retention: RetentionSettings,
    pub privacy: PrivacySettings,
    pub log: LogConfig,
    pub audit: AuditConfig,
    pub keys: KeysConfig,
    pub live: LiveSettings,
}

/// The file names in the data directory that a backup restores into.
pub const DATABASE_FILE: &str = "carespace.db";
pub const KEY_STORE_FILE: &str = "keys.sqlite";
pub const MASTER_KEY_FILE: &str = "master.key";

/// The master key that wraps every client's data key, and the key store that holds them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    /// The master key: 32 bytes in hexadecimal or base64; best as `CARESPACE_KEYS__MASTER_KEY`.
    pub master_key: Option<Secret>,
    /// A file holding the master key; with neither set, `master.key` in the data directory.
    pub master_key_file: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…` of the key store; unset means SQLite in the data
    /// directory. Never the main database's.
    pub database_url: Option<Secret>,
}

/// The audit chain's key and where its head is written (see `carespace_core::audit`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// The key in hexadecimal, at least 64 characters; best given as `CARESPACE_AUDIT__KEY`.
    pub key: Option<Secret>,
    /// A file holding the key in hexadecimal. With neither set, `audit.key` in the data
    /// directory, made on first start.
    pub key_file: Option<PathBuf>,
    /// Where the chain's head is written after every append (kept outside the database).
    pub head_file: Option<PathBuf>,
    /// How often throttled requests, counted in memory, are written as one audit entry.
    pub throttle_summary_minutes: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            key: None,
            key_file: None,
            head_file: None,
            throttle_summary_minutes: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// How long a shutdown waits for requests in flight before it gives up on them.
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; unset means SQLite in the data directory.
    pub url: Option<Secret>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerConfig {
    pub poll_interval_ms: u64,
    /// A claimed job's lease, renewed every third of it while the job runs: after a crash, the
    /// dead worker's jobs are taken over within this time.
    pub lease_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    Folder,
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub transport: MailTransportKind,
    /// `smtp://…` or `smtps://…`, for `transport = "smtp"`.
    pub smtp_url: Option<Secret>,
    /// The sender of every email, e.g. `Praktijk De Linde <zorg@delinde.nl>`.
    pub from: String,
    /// Show the mail folder at `/dev/inbox` (only for trying Carespace out).
    pub dev_inbox: bool,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            transport: MailTransportKind::Folder,
            smtp_url: None,
            from: "Carespace <carespace@localhost>".into(),
            dev_inbox: false,
        }
    }
}

/// A generic HTTP SMS gateway for text-message codes; without `url`, SMS is not offered.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsConfig {
    /// Where messages are POSTed, e.g. `https://sms.example.nl/v1/messages`.
    pub url: Option<String>,
    /// Sent as `Authorization: Bearer <token>`; best given as `CARESPACE_SMS__TOKEN`.
    pub token: Option<Secret>,
    /// The request body, with `{to}` (international form) and `{text}` filled in: JSON-escaped
    /// when the template is JSON, form-encoded otherwise.
    pub body_template: String,
    /// Codes sent to one account in an hour.
    pub sends_per_hour: i64,
    /// How long the gateway may take to answer.
    pub timeout_seconds: u64,
}

impl Default for SmsConfig {
    fn default() -> Self {
        Self {
            url: None,
            token: None,
            body_template: r#"{"to": "{to}", "text": "{text}"}"#.into(),
            sends_per_hour: carespace_core::sms::DEFAULT_SENDS_PER_HOUR,
            timeout_seconds: 10,
        }
    }
}

impl SmsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let problem = |text: &str| Err(ConfigError(format!("sms.{text}")));
        if let Some(url) = &self.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return problem("url: must start with https:// (or http:// on this computer)");
            }
            if self.token.is_none() {
                return problem("token: must be set when sms.url is");
            }
        }
        if self.sends_per_hour < 1 {
            return problem("sends_per_hour: must be at least 1");
        }
        if self.timeout_seconds == 0 {
            return problem("timeout_seconds: must be at least 1");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `info,carespace_web=debug`.
    pub filter: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            web: WebSettings::default(),
            accounts: AccountSettings::default(),
            mail: MailConfig::default(),
            sms: SmsConfig::default(),
            files: FilesConfig::default(),
            worker: WorkerConfig::default(),
            messages: MessageSettings::default(),
            retention: RetentionSettings::default(),
            privacy: PrivacySettings::default(),
            audit: AuditConfig::default(),
            keys: KeysConfig::default(),
            log: LogConfig::default(),
            live: LiveSettings::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_grace_seconds: 30,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 10,
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            poll_interval_ms: 1000,
            lease_seconds: 30,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info,sqlx=warn".into(),
        }
    }
}

/// Values given as command-line flags; only those given override the other layers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerFlags>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ServerFlags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
}

/// A configuration problem, as one line that names the setting.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads all layers. `file` is the TOML file to read; a missing file is only an error when
    /// it was asked for explicitly.
    pub fn load(
        file: &Path,
        file_required: bool,
        flags: &FlagOverrides,
    ) -> Result<Config, ConfigError> {
        if file_required && !file.exists() {
            return Err(ConfigError(format!(
                "the configuration file {} does not exist",
                file.display()
            )));
        }
        // Defaults come from `#[serde(default)]` on every section.
        let figment = Figment::from(Toml::file(file))
            .merge(Env::prefixed("CARESPACE_").split("__"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
            .merge(Serialized::defaults(flags));
        let config: Config = figment.extract().map_err(describe_figment_error)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.web.validate().map_err(ConfigError)?;
        self.accounts.validate().map_err(ConfigError)?;
        self.retention.validate().map_err(ConfigError)?;
        self.messages.validate().map_err(ConfigError)?;
        self.privacy.validate().map_err(ConfigError)?;
        self.live.validate().map_err(ConfigError)?;
        if self.audit.throttle_summary_minutes == 0 {
            return Err(ConfigError(
                "audit.throttle_summary_minutes must be at least 1".into(),
            ));
        }
        carespace_app::mail::parse_sender(&self.mail.from)
            .map_err(|e| ConfigError(format!("mail.from: {e}")))?;
        if self.mail.transport == MailTransportKind::Smtp && self.mail.smtp_url.is_none() {
            return Err(ConfigError(
                "mail.smtp_url: must be set when mail.transport is \"smtp\"".into(),
            ));
        }
        if let Some(url) = &self.database.url {
            carespace_store::Backend::from_url(url.expose())
                .map_err(|e| ConfigError(format!("database.url: {e}")))?;
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError(
                "database.max_connections: must be at least 1".into(),
            ));
        }
        if self.audit.key.is_some() && self.audit.key_file.is_some() {
            return Err(ConfigError(
                "audit.key and audit.key_file: set one of them, not both".into(),
            ));
        }
        if let Some(key) = &self.audit.key {
            AuditKey::from_hex(key.expose()).map_err(|e| ConfigError(format!("audit.key: {e}")))?;
        }
        self.validate_keys()?;
        self.sms.validate()?;
        self.files.validate().map_err(ConfigError)?;
        if self.worker.poll_interval_ms == 0 || self.worker.lease_seconds == 0 {
            return Err(ConfigError(
                "worker.poll_interval_ms and worker.lease_seconds: must be at least 1".into(),
            ));
        }
        Ok(())
    }

    fn validate_keys(&self) -> Result<(), ConfigError> {
        let keys = &self.keys;
        if keys.master_key.is_some() && keys.master_key_file.is_some() {
            return Err(ConfigError(
                "keys.master_key and keys.master_key_file: set one of them, not both".into(),
            ));
        }
        if let Some(key) = &keys.master_key {
            carespace_core::master_key::parse(key.expose())
                .map_err(|e| ConfigError(format!("keys.master_key: {e}")))?;
        }
        if let Some(url) = &keys.database_url {
            carespace_store::Backend::from_url(url.expose())
                .map_err(|e| ConfigError(format!("keys.database_url: {e}")))?;
            if self.database.url.as_ref() == Some(url) {
                return Err(ConfigError(
                    "keys.database_url: must be a database of its own, not database.url".into(),
                ));
            }
        }
        Ok(())
    }

    /// The database to use: the configured URL, else SQLite in the data directory.
    pub fn database_url(&self) -> Secret {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| sqlite_in(&self.data_dir, DATABASE_FILE))
    }

    /// The key store's database: the configured URL, else SQLite in the data directory.
    pub fn keys_database_url(&self) -> Secret {
        self.keys
            .database_url
            .clone()
            .unwrap_or_else(|| sqlite_in(&self.data_dir, KEY_STORE_FILE))
    }

    /// The file the master key is read from, when it is not given as `keys.master_key`.
    pub fn master_key_file(&self) -> PathBuf {
        self.keys
            .master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join(MASTER_KEY_FILE))
    }

    /// The file the audit chain's key is read from, when it is not given as `audit.key`.
    pub fn audit_key_file(&self) -> PathBuf {
        self.audit
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit.key"))
    }

    /// The folder the `folder` mail transport writes to.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.server.shutdown_grace_seconds)
    }
}

fn sqlite_in(dir: &Path, file: &str) -> Secret {
    Secret::new(format!("sqlite://{}?mode=rwc", dir.join(file).display()))
}

fn describe_figment_error(error: figment::Error) -> ConfigError {
    let key = error.path.join(".");
    let source = error
        .metadata
        .as_ref()
        .map(|m| format!(" (from {})", m.name))
        .unwrap_or_default();
    let what = error.kind.to_string();
    if key.is_empty() {
        ConfigError(format!("{what}{source}"))
    } else {
        ConfigError(format!("{key}: {what}{source}"))
    }
}

#[cfg(test)]
// figment's Jail closures return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load_in(jail: &Jail, flags: &FlagOverrides) -> Result<Config, ConfigError> {
        Config::load(&jail.directory().join("carespace.toml"), false, flags)
    }

    #[test]
    fn defaults_apply_without_file_or_environment() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let config = load_in(jail, &FlagOverrides::default()).unwrap();
            assert_eq!(config.server.listen.port(), 8080);
            assert!(config.database.url.is_none());
            assert!(
                config
                    .database_url()
                    .expose()
                    .starts_with("sqlite://data/carespace.db")
            );
            Ok(())
        });
    }

    #[test]
    fn file_then_environment_then_flags_each_override_the_layer_before() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file(
                "carespace.toml",
                r#"
                data_dir = "/srv/from-file"
                [server]
                listen = "127.0.0.1:9000"
                shutdown_grace_seconds = 5
                [web]
                default_language = "en"
                "#,
            )?;
            let config = load_in(jail, &FlagOverrides::default()).unwrap();
            assert_eq!(config.server.listen.port(), 9000);
            assert_eq!(config.data_dir, PathBuf::from("/srv/from-file"));
            assert_eq!(config.server.shutdown_grace_seconds, 5);

            jail.set_env("CARESPACE_SERVER__LISTEN", "127.0.0.1:9100");
            jail.set_env("DATABASE_URL", "postgres://carespace@db/carespace");
            let config = load_in(jail, &FlagOverrides::default()).unwrap();
            assert_eq!(config.server.listen.port(), 9100);
            assert_eq!(config.server.shutdown_grace_seconds, 5, "file value kept");
            assert_eq!(
                config.database_url().expose(),
                "postgres://carespace@db/carespace"
            );

            let flags = FlagOverrides {
                data_dir: None,
                server: Some(ServerFlags {
                    listen: Some("127.0.0.1:9200".parse().unwrap()),
                }),
            };
            let config = load_in(jail, &flags).unwrap();
            assert_eq!(config.server.listen.port(), 9200);
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_the_setting_and_where_it_came_from() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("CARESPACE_SERVER__LISTEN", "not-an-address");
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("configuration error: server.listen:"),
                "{error}"
            );
            assert!(error.contains("CARESPACE_"), "{error}");
            assert!(!error.contains('\n'), "one line: {error}");
            Ok(())
        });
    }

    #[test]
    fn unknown_settings_and_invalid_values_are_refused() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("carespace.toml", "[web]\ndefault_langauge = \"en\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("default_langauge"), "{error}");

            jail.create_file("carespace.toml", "[web]\ndefault_language = \"de\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("web.default_language"), "{error}");

            jail.create_file("carespace.toml", "[web]\npublic_url = \"ftp://x\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("web.public_url"), "{error}");

            jail.create_file("carespace.toml", "[audit]\nkey = \"abcd\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("audit.key"), "{error}");

            jail.create_file("carespace.toml", "[keys]\nmaster_key = \"abcd\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("keys.master_key"), "{error}");

            jail.create_file(
                "carespace.toml",
                "[database]\nurl = \"postgres://db/a\"\n[keys]\ndatabase_url = \"postgres://db/a\"\n",
            )?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("keys.database_url"), "{error}");

            jail.create_file("carespace.toml", "[database]\nurl = \"mysql://x\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("database.url"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn a_throttle_summary_needs_at_least_a_minute() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("carespace.toml", "[audit]\nthrottle_summary_minutes = 0\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("audit.throttle_summary_minutes"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn the_privacy_statement_names_an_operator_and_an_address_to_write_to() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("carespace.toml", "[privacy]\ncontact_email = \"privacy\"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("privacy.contact_email"), "{error}");

            jail.create_file("carespace.toml", "[privacy]\noperator_name = \" \"\n")?;
            let error = load_in(jail, &FlagOverrides::default())
                .unwrap_err()
                .to_string();
            assert!(error.contains("privacy.operator_name"), "{error}");

            jail.create_file("carespace.toml", "")?;
            jail.set_env(
                "CARESPACE_PRIVACY__DATA_LOCATION",
                "European Union (Netherlands)",
            );
            let config = load_in(jail, &FlagOverrides::default()).unwrap();
            assert_eq!(config.privacy.data_location, "European Union (Netherlands)");
            Ok(())
        });
    }

    #[test]
    fn the_example_file_is_valid_and_shows_the_defaults() {
        let example = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../carespace.example.toml"
        ));
        let flags = FlagOverrides::default();
        let from_example = Config::load(example, true, &flags).unwrap();
        let defaults = Config::default();
        assert_eq!(format!("{from_example:?}"), format!("{defaults:?}"));
    }

    #[test]
    fn a_named_file_that_is_missing_is_an_error() {
        let flags = FlagOverrides::default();
        let error = Config::load(Path::new("/nonexistent/carespace.toml"), true, &flags)
            .unwrap_err()
            .to_string();
        assert!(error.contains("/nonexistent/carespace.toml"), "{error}");
    }

    #[test]
    fn secrets_are_not_in_debug_output() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("DATABASE_URL", "postgres://carespace:hunter2@db/carespace");
            jail.set_env("CARESPACE_WEB__METRICS_TOKEN", "s3cret-token");
            jail.set_env("CARESPACE_AUDIT__KEY", "ab".repeat(32));
            jail.set_env("CARESPACE_KEYS__MASTER_KEY", "cd".repeat(32));
            let config = load_in(jail, &FlagOverrides::default()).unwrap();
            let printed = format!("{config:?}");
            assert!(!printed.contains(&"ab".repeat(32)), "{printed}");
            assert!(!printed.contains(&"cd".repeat(32)), "{printed}");
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(!printed.contains("s3cret-token"), "{printed}");
            Ok(())
        });
    }
}
