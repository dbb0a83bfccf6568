//! Two `carespace serve` processes on one PostgreSQL database: an event published on one
//! reaches a stream opened on the other, through `LISTEN/NOTIFY`. On SQLite there is one
//! instance, so this story runs on PostgreSQL only.

use carespace_app::live::{Delivery, Live, LiveEvent, LiveSettings};
use carespace_core::ids::AccountId;
use carespace_tests::crash_loop::carespace_binary;
use carespace_tests::events::EventStream;
use carespace_tests::{TestBackend, TestDatabase, backend, csrf_token_in, new_client};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

struct Instance {
    _child: Child,
    base: String,
}

fn command(data_dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(carespace_binary());
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .current_dir(data_dir)
        .arg("--data-dir")
        .arg(data_dir)
        .kill_on_drop(true);
    command
}

impl Instance {
    /// Starts an instance sharing `data_dir` (its keys) and the database with the others.
    async fn start(data_dir: &Path, database_url: &str, name: &str) -> Instance {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(data_dir.join(format!("{name}.log"))).unwrap();
        let child = command(data_dir, database_url)
            .args(["serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if let Ok(response) = reqwest::get(format!("{base}/healthz")).await
                && response.status() == 200
            {
                return Instance {
                    _child: child,
                    base,
                };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("instance {name} did not start");
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn log_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = new_client();
        let page = client.get(self.url("/login")).send().await.unwrap();
        let token = csrf_token_in(&page.text().await.unwrap()).unwrap();
        let response = client
            .post(self.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "login of {email}");
        client
    }
}

/// The demo's client login (`carespace demo` prints each login with its password).
async fn demo_client(data_dir: &Path, database_url: &str) -> (String, String) {
    let output = command(data_dir, database_url)
        .arg("demo")
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "carespace demo: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with("client"))
        .expect("a demo client");
    let (left, password) = line.split_once("password: ").unwrap();
    let email = left.split_whitespace().nth(1).unwrap();
    (email.to_owned(), password.trim().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_event_published_on_one_instance_reaches_a_stream_on_the_other() {
    if backend() != TestBackend::Postgres {
        return;
    }
    let database = TestDatabase::create(TestBackend::Postgres).await;
    let data_dir = tempfile::tempdir().unwrap();
    let (email, password) = demo_client(data_dir.path(), &database.url).await;
    let a = Instance::start(data_dir.path(), &database.url, "a").await;
    let b = Instance::start(data_dir.path(), &database.url, "b").await;
    let on_b = b.log_in(&email, &password).await;
    let mut stream = EventStream::open(&on_b, &b.url("/events"), None).await;

    let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
    let (anna,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE email = $1")
        .bind(&email)
        .fetch_one(&pool)
        .await
        .unwrap();
    // A third instance, in this process: what it publishes reaches B's stream.
    let db = carespace_store::Db::connect(&database.url, &Default::default())
        .await
        .unwrap();
    let here = Live::new(db, LiveSettings::default());
    let to = AccountId::parse(&anna).unwrap();
    here.publish(vec![Delivery {
        to,
        event: LiveEvent::Unread { unread_total: 7 },
    }])
    .await;
    let frame = stream.next_within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(frame.event, "unread");
    assert_eq!(frame.data["unread_total"], 7);
    drop(a);
}
