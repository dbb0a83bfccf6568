//! The kill -9 loop: the real `carespace` binary under parallel writes (registrations,
//! invitations, profile changes), killed with SIGKILL at a random moment and restarted, round
//! after round; then restarted once more and left to drain its queue. Afterwards every
//! acknowledged change must be in the database, every queued email in the mail folder exactly
//! once (by its id), and no job left running. Run with few rounds by a story test, with many by
//! `load/crash_loop.sh`.

use crate::TestDatabase;
use crate::mail::read_mail;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio::sync::watch;

/// What the loop does.
#[derive(Debug, Clone)]
pub struct LoopSettings {
    pub rounds: usize,
    /// Clients writing in parallel.
    pub writers: usize,
    /// The server's `worker.lease_seconds`.
    pub lease_seconds: u64,
    /// The server is killed at a random moment up to this long after it answered.
    pub max_uptime: Duration,
    pub binary: PathBuf,
}

/// What the loop found.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub rounds: usize,
    pub registrations: usize,
    pub invitations: usize,
    pub profile_changes: usize,
    /// Acknowledged changes not found in the database.
    pub lost: usize,
    pub emails_queued: usize,
    /// Queued emails with exactly their one file, named by their id.
    pub emails_once: usize,
    /// Queued emails with no file.
    pub emails_missing: usize,
    /// Acknowledged registrations and invitations whose fresh address got no email.
    pub changes_without_email: usize,
    /// Files not named by a queued email (a repeat under a new name).
    pub files_unaccounted: usize,
    /// Emails beyond the one that the fresh address of an acknowledged change gets.
    pub emails_twice: usize,
    pub jobs_running: usize,
    pub jobs_failed: usize,
    /// Jobs the server's log says it took over from an expired lease.
    pub takeovers_logged: usize,
    /// From the last restart until nothing was due or running.
    pub drained_after: Duration,
    pub lease: Duration,
}

impl Figures {
    /// Nothing lost, nothing twice, nothing left, and drained within one lease (plus the
    /// worker's poll and a moment to send).
    pub fn kept_every_promise(&self) -> bool {
        self.lost == 0
            && self.emails_missing == 0
            && self.changes_without_email == 0
            && self.files_unaccounted == 0
            && self.emails_twice == 0
            && self.jobs_running == 0
            && self.jobs_failed == 0
            && self.drained_after <= self.lease + Duration::from_secs(3)
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rounds (kill -9, restart)             {}", self.rounds)?;
        writeln!(
            f,
            "registrations acknowledged            {}",
            self.registrations
        )?;
        writeln!(
            f,
            "invitations acknowledged              {}",
            self.invitations
        )?;
        writeln!(
            f,
            "profile changes acknowledged          {}",
            self.profile_changes
        )?;
        writeln!(f, "acknowledged but not in the database  {}", self.lost)?;
        writeln!(
            f,
            "emails queued                         {}",
            self.emails_queued
        )?;
        writeln!(
            f,
            "emails delivered exactly once         {}",
            self.emails_once
        )?;
        writeln!(
            f,
            "emails missing                        {}",
            self.emails_missing
        )?;
        writeln!(
            f,
            "acknowledged changes without email    {}",
            self.changes_without_email
        )?;
        writeln!(
            f,
            "mail files not named by a queued id   {}",
            self.files_unaccounted
        )?;
        writeln!(
            f,
            "emails twice (to one fresh address)   {}",
            self.emails_twice
        )?;
        writeln!(
            f,
            "jobs left running                     {}",
            self.jobs_running
        )?;
        writeln!(
            f,
            "jobs failed                           {}",
            self.jobs_failed
        )?;
        writeln!(
            f,
            "jobs taken over (logged)              {}",
            self.takeovers_logged
        )?;
        write!(
            f,
            "queue drained after the last restart  {:.1} s (lease {} s)",
            self.drained_after.as_secs_f64(),
            self.lease.as_secs()
        )
    }
}

/// The `carespace` binary of this build profile: `CARESPACE_BINARY` when set, else the one next
/// to the running test or example, built first when it is missing. A workspace test run
/// (`cargo nextest run --workspace`) builds it; after changing the server, a run of only this
/// package needs `cargo build --bin carespace` first. (Building it from here every time would
/// rebuild the web crate on each run, as the test build and a plain build fingerprint it
/// differently.)
pub fn carespace_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("CARESPACE_BINARY") {
                return PathBuf::from(path);
            }
            // target/<profile>/{deps,examples}/<this executable>
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().unwrap().parent().unwrap().to_owned();
            let binary = profile_dir.join("carespace");
            if binary.exists() {
                return binary;
            }
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let mut build = std::process::Command::new(cargo);
            build.args(["build", "-p", "carespace-cli", "--bin", "carespace"]);
            if profile_dir
                .file_name()
                .is_some_and(|name| name == "release")
            {
                build.arg("--release");
            }
            let status = build
                .status()
                .expect("cargo, to build the carespace binary");
            assert!(status.success(), "building the carespace binary failed");
            binary
        })
        .clone()
}

/// A demo login, as `carespace demo` prints it.
#[derive(Debug, Clone)]
struct Login {
    email: String,
    password: String,
}

struct Demo {
    healthspace: String,
    logins: Vec<Login>,
}

/// What the writers had acknowledged.
#[derive(Default)]
struct Acknowledged {
    registrations: Vec<String>,
    invitations: Vec<String>,
    /// The highest acknowledged sequence number of each account's name.
    profiles: HashMap<String, u64>,
    profile_changes: usize,
}

pub async fn run(settings: &LoopSettings, database: &TestDatabase) -> Figures {
    sqlx::any::install_default_drivers();
    let data_dir = tempfile::tempdir().unwrap();
    let demo = load_demo(settings, data_dir.path(), &database.url).await;
    let (base_tx, base_rx) = watch::channel(None::<String>);
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let writers: Vec<_> = (0..settings.writers)
        .map(|n| {
            let writer = Writer {
                n,
                base: base_rx.clone(),
                stop: stop.clone(),
                acknowledged: acknowledged.clone(),
                healthspace: demo.healthspace.clone(),
                owner: demo.logins.last().unwrap().clone(),
                own: demo.logins.get(n).cloned(),
            };
            tokio::spawn(writer.run())
        })
        .collect();

    for round in 0..settings.rounds {
        let mut server = Server::start(settings, data_dir.path(), &database.url, round).await;
        base_tx.send_replace(Some(server.base.clone()));
        tokio::time::sleep(random_up_to(settings.max_uptime)).await;
        base_tx.send_replace(None);
        server.kill().await;
    }
    let last = Server::start(settings, data_dir.path(), &database.url, settings.rounds).await;
    let restarted = Instant::now();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    let pool = sqlx::AnyPool::connect(&database.url).await.unwrap();
    let drained_after = drain(&pool, restarted, settings.lease_seconds).await;
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    let mut figures = check(&pool, &acknowledged, &data_dir.path().join("mail")).await;
    pool.close().await;
    let mut last = last;
    last.kill().await;
    figures.rounds = settings.rounds;
    figures.drained_after = drained_after;
    figures.lease = Duration::from_secs(settings.lease_seconds);
    figures.takeovers_logged = count_in_logs(data_dir.path(), "taken over from an expired lease");
    figures
}

fn command(settings: &LoopSettings, data_dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(&settings.binary);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env(
            "CARESPACE_WORKER__LEASE_SECONDS",
            settings.lease_seconds.to_string(),
        )
        .env("CARESPACE_WORKER__POLL_INTERVAL_MS", "100")
        .current_dir(data_dir)
        .arg("--data-dir")
        .arg(data_dir)
        .kill_on_drop(true);
    command
}

async fn load_demo(settings: &LoopSettings, data_dir: &Path, database_url: &str) -> Demo {
    let output = command(settings, data_dir, database_url)
        .arg("demo")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "carespace demo: {output:?}");
    let healthspace = stdout
        .split_whitespace()
        .find(|word| word.starts_with("/h/"))
        .expect("the demo Healthspace")
        .trim_end_matches('.')
        .to_owned();
    // "  owner    olga@…  password: …", the owner last.
    let logins = stdout
        .lines()
        .filter_map(|line| {
            let (left, password) = line.split_once("password: ")?;
            let email = left.split_whitespace().nth(1)?;
            Some(Login {
                email: email.to_owned(),
                password: password.trim().to_owned(),
            })
        })
        .collect::<Vec<_>>();
    assert!(
        stdout
            .lines()
            .rev()
            .find(|l| l.contains("password: "))
            .is_some_and(|l| l.trim_start().starts_with("owner")),
        "the owner is the last demo login: {stdout}"
    );
    Demo {
        healthspace,
        logins,
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(
        settings: &LoopSettings,
        data_dir: &Path,
        database_url: &str,
        round: usize,
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(data_dir.join(format!("server-{round}.log"))).unwrap();
        let child = command(settings, data_dir, database_url)
            .args(["serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(response) = client.get(format!("{base}/healthz")).send().await
                && response.status() == 200
            {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("carespace did not start in round {round}");
    }

    /// SIGKILL: no shutdown, no clean-up, as a crash or a power cut.
    async fn kill(&mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// Waits until no job is due or running; returns how long since `since`.
async fn drain(pool: &sqlx::AnyPool, since: Instant, lease_seconds: u64) -> Duration {
    let deadline = since + Duration::from_secs(lease_seconds * 3 + 60);
    loop {
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap();
        let busy: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE state = 'running' OR (state = 'pending' AND run_at <= $1)",
        )
        .bind(now)
        .fetch_one(pool)
        .await
        .unwrap();
        if busy == 0 || Instant::now() > deadline {
            return since.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn check(pool: &sqlx::AnyPool, acknowledged: &Acknowledged, mail_dir: &Path) -> Figures {
    let accounts: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT email, full_name FROM accounts")
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let invited: HashSet<String> = sqlx::query_scalar("SELECT email FROM invitations")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let mut lost = acknowledged
        .registrations
        .iter()
        .filter(|email| !accounts.contains_key(*email))
        .count();
    lost += acknowledged
        .invitations
        .iter()
        .filter(|email| !invited.contains(*email))
        .count();
    lost += acknowledged
        .profiles
        .iter()
        .filter(|(email, seq)| name_seq(accounts.get(*email)) < Some(**seq))
        .count();

    let queued: HashSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT idempotency_key FROM jobs WHERE kind = 'send_mail'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .filter_map(|key| key.strip_prefix("mail:").map(str::to_owned))
    .collect();
    let files = mail_files(mail_dir);
    let once = queued.iter().filter(|id| files.contains_key(*id)).count();
    let strays = files.keys().filter(|id| !queued.contains(*id)).count();
    let mut per_address: HashMap<&str, usize> = HashMap::new();
    for to in files.values() {
        *per_address.entry(to).or_default() += 1;
    }
    // A fresh address of an acknowledged registration or invitation gets one email.
    let acknowledged_addresses = acknowledged
        .registrations
        .iter()
        .chain(&acknowledged.invitations);
    let (mut missing_for_changes, mut twice_for_changes) = (0, 0);
    for address in acknowledged_addresses {
        match per_address.get(address.as_str()).copied().unwrap_or(0) {
            0 => missing_for_changes += 1,
            1 => {}
            n => twice_for_changes += n - 1,
        }
    }
    let count_state = |state: &'static str| async move {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = $1")
            .bind(state)
            .fetch_one(pool)
            .await
            .unwrap();
        usize::try_from(n).unwrap()
    };
    Figures {
        registrations: acknowledged.registrations.len(),
        invitations: acknowledged.invitations.len(),
        profile_changes: acknowledged.profile_changes,
        lost,
        emails_queued: queued.len(),
        emails_once: once,
        emails_missing: queued.len() - once,
        changes_without_email: missing_for_changes,
        files_unaccounted: strays,
        emails_twice: twice_for_changes,
        jobs_running: count_state("running").await,
        jobs_failed: count_state("failed").await,
        ..Figures::default()
    }
}

/// The mail folder's emails: file stem (the email's id) → recipient.
fn mail_files(dir: &Path) -> HashMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashMap::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            (id, read_mail(&std::fs::read(&p).unwrap()).to)
        })
        .collect()
}

/// The number at the end of a name such as `Anna Writer 17`.
fn name_seq(name: Option<&String>) -> Option<u64> {
    name?.rsplit(' ').next()?.parse().ok()
}

fn count_in_logs(dir: &Path, text: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
        .map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .matches(text)
                .count()
        })
        .sum()
}

/// A random duration up to `max` (at least a tenth of it, so the server does some work).
fn random_up_to(max: Duration) -> Duration {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).unwrap();
    let fraction = f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX);
    max.mul_f64(0.1 + 0.9 * fraction)
}

/// Every registration comes from an address of its own, as many people's would: the
/// per-address registration limit is not what this loop tests.
fn next_source_address() -> IpAddr {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (n / 62_500 % 250) as u8,
        (n / 250 % 250) as u8,
        (n % 250 + 1) as u8,
    ))
}

/// One client writing in a loop: registrations, invitations as the demo owner, and (for the
/// first writers) changes to a demo account's own name.
struct Writer {
    n: usize,
    base: watch::Receiver<Option<String>>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Acknowledged>>,
    healthspace: String,
    owner: Login,
    /// The demo account whose name this writer alone changes.
    own: Option<Login>,
}

/// A request that failed (the server was killed, or not up yet): not acknowledged.
struct NotAcknowledged;

impl From<reqwest::Error> for NotAcknowledged {
    fn from(_: reqwest::Error) -> Self {
        NotAcknowledged
    }
}

impl Writer {
    async fn run(mut self) {
        let owner = client(None);
        let own = client(None);
        let (mut owner_in, mut own_in) = (false, self.own.is_none());
        let mut seq = 0u64;
        let mut step = 0usize;
        while !self.stop.load(Ordering::SeqCst) {
            let base = self.base.borrow_and_update().clone();
            let Some(base) = base else {
                let _ = tokio::time::timeout(Duration::from_millis(200), self.base.changed()).await;
                continue;
            };
            step += 1;
            let result = match step % 3 {
                0 => self.register(&base, step).await,
                1 if !owner_in => login(&owner, &base, &self.owner)
                    .await
                    .map(|()| owner_in = true),
                1 => self.invite(&owner, &base, step).await,
                _ if !own_in => login(&own, &base, self.own.as_ref().unwrap())
                    .await
                    .map(|()| own_in = true),
                _ => match &self.own {
                    Some(account) => {
                        seq += 1;
                        self.change_name(&own, &base, account, seq).await
                    }
                    None => self.register(&base, step).await,
                },
            };
            if result.is_err() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    fn fresh_address(&self, what: &str, step: usize) -> String {
        let id = carespace_core::ids::new_id();
        format!(
            "{what}-{}-{step}-{}@example.nl",
            self.n,
            &id[id.len() - 8..]
        )
    }

    async fn register(&self, base: &str, step: usize) -> Result<(), NotAcknowledged> {
        let client = client(Some(next_source_address()));
        let email = self.fresh_address("reg", step);
        let token = csrf(&client, &format!("{base}/register")).await?;
        let response = client
            .post(format!("{base}/register"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("full_name", "Crash Loop"),
                ("birth_date", "1990-05-31"),
                ("password", "lantern orbit meadow quietly"),
            ])
            .send()
            .await?;
        if redirected_to(&response, "/register/done") {
            self.acknowledged.lock().unwrap().registrations.push(email);
        }
        Ok(())
    }

    async fn invite(
        &self,
        owner: &reqwest::Client,
        base: &str,
        step: usize,
    ) -> Result<(), NotAcknowledged> {
        let email = self.fresh_address("inv", step);
        let members = format!("{base}{}/members", self.healthspace);
        let token = csrf(owner, &members).await?;
        let response = owner
            .post(format!("{base}{}/invitations", self.healthspace))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("role", "client"),
                ("birth_date", "1990-05-31"),
            ])
            .send()
            .await?;
        if redirected_to(&response, "done=invited") {
            self.acknowledged.lock().unwrap().invitations.push(email);
        }
        Ok(())
    }

    async fn change_name(
        &self,
        client: &reqwest::Client,
        base: &str,
        account: &Login,
        seq: u64,
    ) -> Result<(), NotAcknowledged> {
        let token = csrf(client, &format!("{base}/account")).await?;
        let response = client
            .post(format!("{base}/account/profile"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("full_name", format!("Demo Writer {seq}").as_str()),
                ("language", "nl"),
                ("phone", ""),
            ])
            .send()
            .await?;
        if redirected_to(&response, "done=profile") {
            let mut acknowledged = self.acknowledged.lock().unwrap();
            acknowledged.profile_changes += 1;
            acknowledged.profiles.insert(account.email.clone(), seq);
        }
        Ok(())
    }
}

fn client(source: Option<IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .local_address(source)
        .build()
        .unwrap()
}

async fn csrf(client: &reqwest::Client, page: &str) -> Result<String, NotAcknowledged> {
    let html = client.get(page).send().await?.text().await?;
    crate::csrf_token_in(&html).ok_or(NotAcknowledged)
}

async fn login(
    client: &reqwest::Client,
    base: &str,
    account: &Login,
) -> Result<(), NotAcknowledged> {
    let token = csrf(client, &format!("{base}/login")).await?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", account.email.as_str()),
            ("password", account.password.as_str()),
        ])
        .send()
        .await?;
    if response.status() == 303 {
        Ok(())
    } else {
        Err(NotAcknowledged)
    }
}

fn redirected_to(response: &reqwest::Response, target: &str) -> bool {
    response.status() == 303
        && response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains(target))
}
