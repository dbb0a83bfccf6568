//! Two `carespace serve` processes on one PostgreSQL database: a message sent through one
//! reaches the recipient's stream opened on the other, through `LISTEN/NOTIFY`. On SQLite there is one
//! instance, so this story runs on PostgreSQL only.

use carespace_app::clock::SystemClock;
use carespace_core::second_factors::{decode_secret, totp_code};
use carespace_core::time::Clock;
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

    /// A browser logged in here, with the second step when the login has an authenticator app.
    async fn log_in(&self, login: &Login) -> reqwest::Client {
        let (email, password) = (login.email.as_str(), login.password.as_str());
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
        let Some(secret) = &login.secret else {
            return client;
        };
        let page = client
            .get(self.url("/login/second-step"))
            .send()
            .await
            .unwrap();
        let token = csrf_token_in(&page.text().await.unwrap()).unwrap();
        let secret = decode_secret(secret).unwrap();
        let code = totp_code(&secret, SystemClock.now()).unwrap();
        let response = client
            .post(self.url("/login/second-step"))
            .form(&[("csrf_token", token.as_str()), ("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "second step of {email}");
        client
    }
}

/// A demo login, as `carespace demo` prints it.
struct Login {
    role: String,
    email: String,
    password: String,
    /// The authenticator app's secret (base32), for those who have one.
    secret: Option<String>,
}

/// Loads the demo data; its Healthspace's alias and its logins.
async fn demo(data_dir: &Path, database_url: &str) -> (String, Vec<Login>) {
    let output = command(data_dir, database_url)
        .arg("demo")
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "carespace demo: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let alias = stdout
        .split_whitespace()
        .find_map(|word| word.strip_prefix("/h/"))
        .expect("the demo Healthspace")
        .trim_end_matches('.')
        .to_owned();
    let mut logins: Vec<Login> = Vec::new();
    for line in stdout.lines() {
        if let Some((left, password)) = line.split_once("password: ") {
            let mut words = left.split_whitespace();
            logins.push(Login {
                role: words.next().unwrap().to_owned(),
                email: words.next().unwrap().to_owned(),
                password: password.trim().to_owned(),
                secret: None,
            });
        } else if let Some((_, rest)) = line.split_once("authenticator app secret: ") {
            let secret = rest.split_whitespace().next().unwrap().to_owned();
            logins.last_mut().unwrap().secret = Some(secret);
        }
    }
    (alias, logins)
}

fn login<'a>(logins: &'a [Login], role: &str) -> &'a Login {
    logins.iter().find(|l| l.role == role).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_on_one_instance_reaches_the_recipients_stream_on_the_other() {
    if backend() != TestBackend::Postgres {
        return;
    }
    let database = TestDatabase::create(TestBackend::Postgres).await;
    let data_dir = tempfile::tempdir().unwrap();
    let (alias, logins) = demo(data_dir.path(), &database.url).await;
    let a = Instance::start(data_dir.path(), &database.url, "a").await;
    let b = Instance::start(data_dir.path(), &database.url, "b").await;
    let (client, staff) = (login(&logins, "client"), login(&logins, "staff"));
    let on_b = b.log_in(client).await;
    let mut stream = EventStream::open(&on_b, &b.url("/events"), None).await;

    let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
    let (client_id,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE email = $1")
        .bind(&client.email)
        .fetch_one(&pool)
        .await
        .unwrap();
    let on_a = a.log_in(staff).await;
    let page = on_a.get(a.url("/messages/new")).send().await.unwrap();
    let token = csrf_token_in(&page.text().await.unwrap()).unwrap();
    let started = on_a
        .post(a.url("/messages/new"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("to", &format!("{alias}:{client_id}")),
            ("text", "Hoe gaat het met slapen?"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303);
    let conversation = started.headers()["location"].to_str().unwrap().to_owned();

    let frame = stream.next_within(Duration::from_secs(5)).await.unwrap();
    assert_eq!(frame.event, "message");
    assert_eq!(
        format!("/messages/{}", frame.data["conversation"].as_str().unwrap()),
        conversation
    );
    // The demo's own conversation may have left something unread already.
    let here = frame.data["unread_here"].as_i64().unwrap();
    assert!(here >= 1 && frame.data["unread_total"].as_i64().unwrap() >= here);
    assert!(
        !frame.data.to_string().contains("slapen"),
        "ids and counts only, never the text"
    );
}
