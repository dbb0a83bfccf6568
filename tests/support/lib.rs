//! The story-test harness: `spawn_app()` starts the real server, through the same wiring as the
//! `carespace` binary, on port 0 with a fresh database and a temporary data directory, and
//! hands the test an HTTP client with a cookie jar.
//!
//! The backend is chosen by `TEST_DATABASE` (`sqlite`, the default, or `postgres`); PostgreSQL
//! is reached at `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`), where each
//! test creates its own database and drops it afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use carespace_app::AppContext;
use carespace_app::clock::{ManualClock, SystemClock};
use carespace_cli::config::Config;
use carespace_cli::server::{self, RunningServer};
use carespace_cli::wiring;
use carespace_core::secret::Secret;
use carespace_core::time::Clock;
use carespace_store::Db;
use carespace_web::WebState;
use sqlx::{Connection, Executor};
use std::net::SocketAddr;
use std::sync::Arc;
use tempfile::TempDir;

pub mod files;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// The backend this test run is for.
pub fn backend() -> TestBackend {
    match std::env::var("TEST_DATABASE").as_deref() {
        Ok("postgres") => TestBackend::Postgres,
        Ok("sqlite") | Err(_) => TestBackend::Sqlite,
        Ok(other) => panic!("TEST_DATABASE must be sqlite or postgres, not {other:?}"),
    }
}

fn postgres_server_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of its own for one test: a file in a temporary directory, or a PostgreSQL
/// database with a unique name that is dropped when this value is.
pub struct TestDatabase {
    pub url: String,
    postgres_name: Option<String>,
    _dir: TempDir,
}

impl TestDatabase {
    pub async fn create(backend: TestBackend) -> TestDatabase {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            TestBackend::Sqlite => TestDatabase {
                url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                postgres_name: None,
                _dir: dir,
            },
            TestBackend::Postgres => {
                let name = format!(
                    "carespace_test_{}",
                    carespace_core::ids::new_id().replace('-', "")
                );
                let mut admin =
                    sqlx::PgConnection::connect(&format!("{}/postgres", postgres_server_url()))
                        .await
                        .expect("PostgreSQL must run for TEST_DATABASE=postgres");
                admin
                    .execute(format!("CREATE DATABASE \"{name}\"").as_str())
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                TestDatabase {
                    url: format!("{}/{name}", postgres_server_url()),
                    postgres_name: Some(name),
                    _dir: dir,
                }
            }
        }
    }

    /// Connected and migrated.
    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.url, &Default::default()).await.unwrap();
        db.migrate().await.unwrap();
        db
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs inside the test's runtime; the clean-up gets a thread and runtime of its own.
        let url = format!("{}/postgres", postgres_server_url());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&url).await {
                    let _ = admin
                        .execute(
                            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str(),
                        )
                        .await;
                }
            });
        })
        .join();
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// A browser-like client: keeps cookies, does not follow redirects (tests assert them).
    pub client: reqwest::Client,
    pub ctx: AppContext,
    pub config: Config,
    /// The server's clock: it stands still until a test moves it.
    pub clock: Arc<ManualClock>,
    /// The authenticator apps people set up in this test.
    pub authenticators: Authenticators,
    server: Option<RunningServer>,
    _data_dir: TempDir,
    _database: TestDatabase,
    /// The key store's own database (PostgreSQL only; on SQLite it is a file in the data
    /// directory).
    _key_database: Option<TestDatabase>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, Router::new()).await
}

/// Like `spawn_app`, with configuration changes and extra routes (which get all middleware).
pub async fn spawn_app_with(
    configure: impl FnOnce(&mut Config),
    extra: Router<WebState>,
) -> TestApp {
    let database = TestDatabase::create(backend()).await;
    let data_dir = tempfile::tempdir().unwrap();
    let key_database = match backend() {
        TestBackend::Sqlite => None,
        TestBackend::Postgres => Some(TestDatabase::create(TestBackend::Postgres).await),
    };
    let mut config = test_config(data_dir.path(), &database, key_database.as_ref());
    config.worker.poll_interval_ms = 50;
    config.server.shutdown_grace_seconds = 10;
    files::configure(&mut config).await;
    configure(&mut config);
    let mut ctx = wiring::app_context(&config).await.unwrap();
    let clock = Arc::new(ManualClock::starting_at(SystemClock.now()));
    ctx.clock = clock.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = server::start(&config, ctx.clone(), listener, extra)
        .await
        .unwrap();
    TestApp {
        addr: server.addr,
        client: new_client(),
        ctx,
        config,
        clock,
        authenticators: Authenticators::default(),
        server: Some(server),
        _data_dir: data_dir,
        _database: database,
        _key_database: key_database,
    }
}

/// The configuration of a test app in `data_dir`: its own database and key store, and a master
/// key in the data directory's default key file.
pub fn test_config(
    data_dir: &std::path::Path,
    database: &TestDatabase,
    key_database: Option<&TestDatabase>,
) -> Config {
    let mut config = Config {
        data_dir: data_dir.to_owned(),
        ..Config::default()
    };
    config.database.url = Some(Secret::new(database.url.clone()));
    config.keys.database_url = key_database.map(|db| Secret::new(db.url.clone()));
    if !config.master_key_file().exists() {
        carespace_cli::master_key::init(&config, None).unwrap();
    }
    config
}

/// A fresh client, as a second browser would be.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GETs a page as a browser asking for `language` would.
    pub async fn get_in(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form with one extra request header, such as `accept-language`.
    pub async fn post_form_with_header(
        &self,
        path: &str,
        header: (&str, &str),
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(header.0, header.1)
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Opens `page` and returns the CSRF token of its forms.
    pub async fn csrf_token(&self, page: &str) -> String {
        let html = self.get(page).await.text().await.unwrap();
        csrf_token_in(&html).expect("the page has a form with a CSRF token")
    }

    /// The URL of this test's own database.
    pub fn database_url(&self) -> String {
        self._database.url.clone()
    }

    /// The URL of this test's key store.
    pub fn key_database_url(&self) -> String {
        self.config.keys_database_url().expose().to_owned()
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, ms: i64) {
        self.clock.advance_millis(ms);
    }

    /// Stops the server the way SIGTERM does and waits until it has.
    pub async fn stop(&mut self) {
        let server = self.server.take().expect("server still running");
        server.stop();
        server.stopped().await.unwrap();
    }

    /// Asks the server to stop without waiting.
    pub fn begin_stop(&mut self) -> RunningServer {
        let server = self.server.take().expect("server still running");
        server.stop();
        server
    }
}

/// Data keys for a context a test puts together itself: a key store in `dir` under a new
/// master key.
pub async fn keys_in(dir: &std::path::Path) -> Arc<carespace_app::keys::Keys> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("keys.sqlite").display());
    let store = carespace_store::KeyStore::open(&url, &Default::default())
        .await
        .unwrap();
    let master = carespace_core::crypto::DataKey::generate().unwrap();
    Arc::new(carespace_app::keys::Keys::new(store, master))
}

/// The value of the first `csrf_token` hidden field in `html`.
pub fn csrf_token_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// The text of the first `<h1>` in `html`.
pub fn heading(html: &str) -> String {
    let start = html
        .find("<h1")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = html[start..]
        .find("</h1>")
        .map_or(html.len(), |i| start + i);
    html[start..end].trim().to_owned()
}

pub mod crash_loop;
pub mod events;
mod mail;
mod people;
mod second_factor;
pub use mail::{Mail, SmtpSink, link_in, mail_job, read_mail};
pub use people::Person;
pub use second_factor::{Authenticators, secret_in};

/// The actor a story test acts as when it calls a use case directly, as a browser session.
pub fn actor_of(account_id: &str) -> carespace_app::access::Actor {
    use carespace_core::ids::{AccountId, Id};
    carespace_app::access::Actor {
        account: AccountId::from_stored(account_id.to_owned()),
        via: carespace_app::access::Via::Session,
        origin: carespace_app::audit::Origin::default(),
        seen: None,
    }
}
