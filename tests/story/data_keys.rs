//! Each client's data key: one per client, kept wrapped in a key store apart from the main
//! database, opened only by the master key that wrapped it; the master key rotated, the
//! databases backed up and restored, a key destroyed.

use carespace_app::AppError;
use carespace_app::audit::Origin;
use carespace_app::keys::Keys;
use carespace_cli::config::Config;
use carespace_cli::{backup, master_key, wiring};
use carespace_core::crypto::{self, DataKey};
use carespace_core::ids::{AccountId, Id, new_id};
use carespace_store::KeyStore;
use carespace_store::schema::describe;
use carespace_tests::crash_loop::carespace_binary;
use carespace_tests::{TestApp, TestBackend, TestDatabase, backend, spawn_app, spawn_app_with};
use std::path::{Path, PathBuf};

fn someone() -> AccountId {
    AccountId::from_stored(new_id())
}

fn origin() -> Origin {
    Origin {
        ip: "command-line".into(),
        ..Origin::default()
    }
}

/// The key store of `app`, opened again under another master key.
async fn keys_under(app: &TestApp, master: DataKey) -> Keys {
    let store = KeyStore::open(&app.key_database_url(), &Default::default())
        .await
        .unwrap();
    Keys::new(store, master)
}

async fn stored_keys(app: &TestApp) -> i64 {
    let counts = app.ctx.keys.store().count_by_master_key().await.unwrap();
    counts.iter().map(|(_, n)| n).sum()
}

/// The file behind an SQLite URL.
fn sqlite_file(url: &str) -> PathBuf {
    let path = url.trim_start_matches("sqlite://");
    PathBuf::from(path.split('?').next().unwrap())
}

/// The bytes of an SQLite database: its file and its write-ahead log.
fn sqlite_bytes(file: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(file).unwrap();
    let mut wal = file.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(PathBuf::from(wal)) {
        bytes.extend(more);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_client_gets_one_data_key_even_under_twenty_parallel_first_uses() {
    let app = spawn_app().await;
    let anna = someone();
    let keys = app.ctx.keys.clone();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (keys, anna) = (keys.clone(), anna.clone());
            tokio::spawn(async move { keys.data_key(&anna).await.unwrap() })
        })
        .collect();
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(*task.await.unwrap().expose());
    }
    assert!(seen.iter().all(|key| *key == seen[0]), "one key for all");
    assert_eq!(stored_keys(&app).await, 1);
    let again = keys.data_key(&anna).await.unwrap();
    assert_eq!(*again.expose(), seen[0]);
    let stored = keys.store().wrapped(anna.as_str()).await.unwrap().unwrap();
    assert_eq!(stored.master_key_id, keys.master_key_id());
    assert!(!contains(&stored.wrapped, &seen[0]), "stored wrapped only");

    // Reading never makes a key.
    assert!(keys.existing_data_key(&someone()).await.unwrap().is_none());
    assert_eq!(stored_keys(&app).await, 1);
    assert_ne!(*keys.data_key(&someone()).await.unwrap().expose(), seen[0]);
    assert_eq!(stored_keys(&app).await, 2);
}

#[tokio::test]
async fn the_main_database_holds_no_key_material() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    let anna = crate::practice::account_id(&app, &anna.email).await;
    let key = app.ctx.keys.data_key(&anna).await.unwrap();
    let stored = app
        .ctx
        .keys
        .store()
        .wrapped(anna.as_str())
        .await
        .unwrap()
        .unwrap();

    assert_ne!(app.key_database_url(), app.database_url());
    let tables = describe(&app.ctx.db).await.unwrap();
    assert!(tables.contains_key("record_items"), "{:?}", tables.keys());
    assert!(!tables.contains_key("data_keys"), "{:?}", tables.keys());
    let key_tables = app.ctx.keys.store().describe().await.unwrap();
    assert_eq!(key_tables.keys().collect::<Vec<_>>(), ["data_keys"]);

    if backend() == TestBackend::Sqlite {
        let main = sqlite_bytes(&sqlite_file(&app.database_url()));
        assert!(
            !contains(&main, &stored.wrapped),
            "no wrapped key in the main database"
        );
        assert!(
            !contains(&main, key.expose()),
            "no data key in the main database"
        );
        let key_store = sqlite_bytes(&sqlite_file(&app.key_database_url()));
        assert!(
            contains(&key_store, &stored.wrapped),
            "it is in the key store"
        );
    } else {
        // A database of its own on the same server.
        let main = app.database_url();
        let keys = app.key_database_url();
        assert_ne!(main.rsplit('/').next(), keys.rsplit('/').next());
    }
}

#[tokio::test]
async fn another_master_key_does_not_open_a_data_key_nor_makes_a_new_one() {
    let app = spawn_app().await;
    let anna = someone();
    app.ctx.keys.data_key(&anna).await.unwrap();
    let before = app.ctx.keys.store().wrapped(anna.as_str()).await.unwrap();

    let other = keys_under(&app, DataKey::generate().unwrap()).await;
    let read = other.existing_data_key(&anna).await;
    assert!(
        matches!(&read, Err(AppError::Internal(m)) if m.contains("wrong master key")),
        "{read:?}"
    );
    let first_use = other.data_key(&anna).await;
    assert!(
        matches!(&first_use, Err(AppError::Internal(m)) if m.contains("wrong master key")),
        "{first_use:?}"
    );
    let after = app.ctx.keys.store().wrapped(anna.as_str()).await.unwrap();
    assert_eq!(before, after, "the stored key is untouched");
    assert_eq!(stored_keys(&app).await, 1);

    // A wrapped key changed in the store does not open either, under its own master key.
    let mut damaged = after.unwrap();
    damaged.wrapped[30] ^= 1;
    let store = app.ctx.keys.store();
    store.delete(anna.as_str()).await.unwrap();
    store.insert_if_absent(&damaged).await.unwrap();
    let read = app.ctx.keys.existing_data_key(&anna).await;
    assert!(
        matches!(&read, Err(AppError::Internal(m)) if m.contains("does not open")),
        "{read:?}"
    );
}

#[tokio::test]
async fn a_destroyed_data_key_leaves_what_it_sealed_unreadable() {
    let app = spawn_app().await;
    let anna = someone();
    let key = app.ctx.keys.data_key(&anna).await.unwrap();
    let sealed = crypto::seal_text(&key, b"item-1", "verwijsbrief").unwrap();
    assert!(app.ctx.keys.store().delete(anna.as_str()).await.unwrap());
    assert!(!app.ctx.keys.store().delete(anna.as_str()).await.unwrap());
    assert!(
        app.ctx
            .keys
            .existing_data_key(&anna)
            .await
            .unwrap()
            .is_none()
    );
    let new = app.ctx.keys.data_key(&anna).await.unwrap();
    assert!(crypto::open_text(&new, b"item-1", &sealed).is_err());
}

/// Data keys for `n` clients, each with a value sealed under it.
async fn sealed_values(app: &TestApp, n: usize) -> Vec<(AccountId, Vec<u8>)> {
    let mut values = Vec::new();
    for i in 0..n {
        let account = someone();
        let key = app.ctx.keys.data_key(&account).await.unwrap();
        let sealed = crypto::seal_text(&key, account.as_str().as_bytes(), &format!("note {i}"));
        values.push((account, sealed.unwrap()));
    }
    values
}

async fn assert_readable(keys: &Keys, values: &[(AccountId, Vec<u8>)]) {
    for (i, (account, sealed)) in values.iter().enumerate() {
        let key = keys.existing_data_key(account).await.unwrap().unwrap();
        let text = crypto::open_text(&key, account.as_str().as_bytes(), sealed).unwrap();
        assert_eq!(text, format!("note {i}"));
    }
}

fn read_key(file: &Path) -> DataKey {
    carespace_core::master_key::parse(&std::fs::read_to_string(file).unwrap()).unwrap()
}

fn sibling(file: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", file.display()))
}

#[tokio::test]
async fn a_rotation_keeps_every_value_readable_and_the_old_key_opens_nothing() {
    let app = spawn_app().await;
    // More than one batch.
    let values = sealed_values(&app, 230).await;
    let file = app.config.master_key_file();
    let old = read_key(&file);

    let rotation = master_key::rotate(&app.config, &app.ctx, &origin())
        .await
        .unwrap();
    assert_eq!(rotation.rotated.rewrapped, 230);
    assert_eq!(rotation.rotated.already_new, 0);
    assert!(!rotation.resumed);
    assert_eq!(rotation.file, file);
    assert_eq!(read_key(&rotation.old_file).expose(), old.expose());
    assert!(!sibling(&file, "new").exists());
    let new = read_key(&file);
    assert_ne!(new.expose(), old.expose());
    assert_eq!(
        rotation.rotated.new_master_key_id,
        crypto::master_key_id(&new)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let counts = app.ctx.keys.store().count_by_master_key().await.unwrap();
    assert_eq!(counts, [(crypto::master_key_id(&new), 230)]);

    // A new start reads the new key and opens every value.
    let restarted = wiring::app_context(&app.config).await.unwrap();
    assert_readable(&restarted.keys, &values).await;
    // The old key opens nothing any more.
    let stale = app.ctx.keys.existing_data_key(&values[0].0).await;
    assert!(matches!(stale, Err(AppError::Internal(_))), "{stale:?}");
    let stored = app
        .ctx
        .keys
        .store()
        .wrapped(values[0].0.as_str())
        .await
        .unwrap()
        .unwrap();
    assert!(crypto::unwrap_key(&old, values[0].0.as_str(), &stored.wrapped).is_err());
    assert!(crypto::unwrap_key(&new, values[0].0.as_str(), &stored.wrapped).is_ok());

    let audit = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let (object_id,): (String,) =
        sqlx::query_as("SELECT object_id FROM audit_log WHERE action = 'master_key_rotated'")
            .fetch_one(&audit)
            .await
            .unwrap();
    assert_eq!(object_id, crypto::master_key_id(&new));

    // The old key's file is left for the operator; the next rotation waits until it is gone.
    let again = master_key::rotate(&app.config, &restarted, &origin()).await;
    let error = again.unwrap_err().to_string();
    assert!(error.contains("master.key.old"), "{error}");
    restarted.close().await;
}

#[tokio::test]
async fn an_interrupted_rotation_is_finished_by_running_it_again() {
    let app = spawn_app().await;
    let values = sealed_values(&app, 5).await;
    let file = app.config.master_key_file();
    let old = read_key(&file);
    let old_id = crypto::master_key_id(&old);
    // The run that stopped had written its next key and wrapped two data keys under it.
    let next = DataKey::generate().unwrap();
    let next_id = crypto::master_key_id(&next);
    std::fs::write(
        sibling(&file, "new"),
        carespace_core::master_key::to_hex(&next).as_str(),
    )
    .unwrap();
    let store = app.ctx.keys.store();
    let mut done = Vec::new();
    for (account, _) in &values[..2] {
        let mut stored = store.wrapped(account.as_str()).await.unwrap().unwrap();
        let key = crypto::unwrap_key(&old, account.as_str(), &stored.wrapped).unwrap();
        stored.wrapped = crypto::wrap_key(&next, account.as_str(), &key).unwrap();
        stored.master_key_id = next_id.clone();
        done.push(stored);
    }
    assert_eq!(store.replace_wrapped(&old_id, &done).await.unwrap(), 2);
    // A batch that runs twice changes nothing the second time.
    assert_eq!(store.replace_wrapped(&old_id, &done).await.unwrap(), 0);

    let rotation = master_key::rotate(&app.config, &app.ctx, &origin())
        .await
        .unwrap();
    assert!(rotation.resumed);
    assert_eq!(rotation.rotated.rewrapped, 3);
    assert_eq!(rotation.rotated.already_new, 2);
    assert_eq!(read_key(&file).expose(), next.expose());
    let restarted = wiring::app_context(&app.config).await.unwrap();
    assert_readable(&restarted.keys, &values).await;
    restarted.close().await;
}

#[tokio::test]
async fn a_rotation_refuses_keys_wrapped_by_a_third_master_key_and_changes_nothing() {
    let app = spawn_app().await;
    let values = sealed_values(&app, 2).await;
    let third = keys_under(&app, DataKey::generate().unwrap()).await;
    third.data_key(&someone()).await.unwrap();
    let before = app.ctx.keys.store().count_by_master_key().await.unwrap();

    let next = DataKey::generate().unwrap();
    let refused = carespace_app::keys::rotation::rotate(&app.ctx, &next, &origin()).await;
    assert!(
        matches!(&refused, Err(AppError::Internal(m)) if m.contains(third.master_key_id())),
        "{refused:?}"
    );
    let after = app.ctx.keys.store().count_by_master_key().await.unwrap();
    assert_eq!(before, after);
    assert_readable(&app.ctx.keys, &values).await;
}

#[tokio::test]
async fn a_rotation_needs_the_key_in_a_file() {
    let app = spawn_app().await;
    let mut config = app.config.clone();
    let key = read_key(&config.master_key_file());
    config.keys.master_key = Some(carespace_core::secret::Secret::new(
        carespace_core::master_key::to_hex(&key).as_str(),
    ));
    let error = master_key::rotate(&config, &app.ctx, &origin())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("keys.master_key_file"), "{error}");
    assert!(!sibling(&config.master_key_file(), "new").exists());
}

/// A document's title sealed under Anna's data key, stored as the record would store it.
async fn store_sealed_title(app: &TestApp, anna: &AccountId, title: &str) -> String {
    let key = app.ctx.keys.data_key(anna).await.unwrap();
    let item = new_id();
    let sealed_title = crypto::seal_text(&key, item.as_bytes(), title).unwrap();
    let sealed_url = crypto::seal_text(&key, item.as_bytes(), "https://example.nl").unwrap();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    sqlx::query(
        "INSERT INTO record_items (id, account_id, kind, title, url, created_at, updated_at)
         VALUES ($1, $2, 'link', $3, $4, 0, 0)",
    )
    .bind(&item)
    .bind(anna.as_str())
    .bind(sealed_title)
    .bind(sealed_url)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    item
}

async fn sealed_title(url: &str, item: &str) -> Vec<u8> {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (title,): (Vec<u8>,) = sqlx::query_as("SELECT title FROM record_items WHERE id = $1")
        .bind(item)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    title
}

#[tokio::test]
async fn a_backup_restored_into_a_fresh_data_directory_opens_what_was_sealed_before() {
    sqlx::any::install_default_drivers();
    let head_dir = tempfile::tempdir().unwrap();
    let head_file = head_dir.path().join("audit-head");
    let head = head_file.clone();
    let app = spawn_app_with(
        move |config| config.audit.head_file = Some(head),
        axum::Router::new(),
    )
    .await;
    let (anna, _) = app.signed_up("Anna").await;
    let anna = crate::practice::account_id(&app, &anna.email).await;
    let item = store_sealed_title(&app, &anna, "Verwijsbrief huisarts").await;
    let backup_dir = tempfile::tempdir().unwrap();
    let target = backup_dir.path().join("backup");

    let backup = backup::run(&app.config, &app.ctx, &target).await.unwrap();
    if backend() == TestBackend::Postgres {
        assert_eq!(
            backup.on_postgres,
            [backup::Part::Database, backup::Part::KeyStore]
        );
        let parts: Vec<_> = backup.written.iter().map(|(part, _)| *part).collect();
        assert_eq!(parts, [backup::Part::AuditHead]);
        return;
    }
    assert!(backup.on_postgres.is_empty());
    let files: Vec<_> = backup
        .written
        .iter()
        .map(|(part, file)| (*part, file.file_name().unwrap().to_owned()))
        .collect();
    assert_eq!(
        files,
        [
            (backup::Part::AuditHead, "audit-head".into()),
            (backup::Part::Database, "carespace.db".into()),
            (backup::Part::KeyStore, "keys.sqlite".into()),
        ]
    );
    assert_eq!(
        std::fs::read(target.join("audit-head")).unwrap(),
        std::fs::read(&head_file).unwrap()
    );
    // Never over an earlier backup.
    let again = backup::run(&app.config, &app.ctx, &target).await;
    assert!(again.unwrap_err().to_string().contains("exists already"));

    // Restore: the backup's files, the master key and the audit key into a new data directory.
    let restored = tempfile::tempdir().unwrap();
    for name in ["carespace.db", "keys.sqlite"] {
        std::fs::copy(target.join(name), restored.path().join(name)).unwrap();
    }
    for name in ["master.key", "audit.key"] {
        std::fs::copy(app.config.data_dir.join(name), restored.path().join(name)).unwrap();
    }
    let config = Config {
        data_dir: restored.path().to_owned(),
        ..Config::default()
    };
    let ctx = wiring::app_context(&config).await.unwrap();
    let key = ctx.keys.existing_data_key(&anna).await.unwrap().unwrap();
    let sealed = sealed_title(config.database_url().expose(), &item).await;
    assert_eq!(
        crypto::open_text(&key, item.as_bytes(), &sealed).unwrap(),
        "Verwijsbrief huisarts"
    );
    let report = carespace_app::audit::verify(&ctx.db).await.unwrap();
    assert_eq!(report.broken_at, None);
    ctx.close().await;
}

#[tokio::test]
async fn the_key_store_migrations_describe_the_same_schema_on_both_databases() {
    let sqlite = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}?mode=rwc", sqlite.path().join("k.db").display());
    let postgres = TestDatabase::create(TestBackend::Postgres).await;
    let sqlite = KeyStore::open(&sqlite_url, &Default::default())
        .await
        .unwrap();
    let postgres = KeyStore::open(&postgres.url, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        sqlite.describe().await.unwrap(),
        postgres.describe().await.unwrap()
    );
}

/// Runs the `carespace` binary on `data_dir` with only `database_url` configured.
async fn carespace(data_dir: &Path, database_url: &str, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(carespace_binary())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .current_dir(data_dir)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn without_a_master_key_carespace_does_not_start_and_says_how_to_make_one() {
    let database = TestDatabase::create(backend()).await;
    let dir = tempfile::tempdir().unwrap();
    let refused = carespace(dir.path(), &database.url, &["admin", "jobs"]).await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("carespace admin init-key"), "{stderr}");
    assert!(!dir.path().join("audit.key").exists(), "nothing made");

    let made = carespace(dir.path(), &database.url, &["admin", "init-key"]).await;
    assert!(made.status.success(), "{made:?}");
    let file = dir.path().join("master.key");
    let key = read_key(&file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = carespace(dir.path(), &database.url, &["admin", "init-key"]).await;
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("exists already"), "{stderr}");
    assert_eq!(read_key(&file).expose(), key.expose(), "not overwritten");

    let started = carespace(dir.path(), &database.url, &["admin", "jobs"]).await;
    assert!(started.status.success(), "{started:?}");

    let elsewhere = dir.path().join("keys").join("other.key");
    let made = carespace(
        dir.path(),
        &database.url,
        &["admin", "init-key", "--file", elsewhere.to_str().unwrap()],
    )
    .await;
    assert!(made.status.success(), "{made:?}");
    read_key(&elsewhere);
}

#[tokio::test]
async fn the_demo_makes_its_own_master_key_and_the_cli_backs_up_and_rotates() {
    let database = TestDatabase::create(backend()).await;
    let dir = tempfile::tempdir().unwrap();
    let demo = carespace(dir.path(), &database.url, &["demo"]).await;
    assert!(demo.status.success(), "{demo:?}");
    let key = read_key(&dir.path().join("master.key"));

    let target = dir.path().join("backup");
    let backup = carespace(
        dir.path(),
        &database.url,
        &["admin", "backup", target.to_str().unwrap()],
    )
    .await;
    assert!(backup.status.success(), "{backup:?}");
    let stdout = String::from_utf8_lossy(&backup.stdout);
    assert!(stdout.contains("keys.sqlite"), "{stdout}");
    assert!(stdout.contains("master key"), "{stdout}");
    if backend() == TestBackend::Postgres {
        assert!(stdout.contains("pg_dump"), "{stdout}");
    } else {
        assert!(stdout.contains("carespace.db"), "{stdout}");
    }

    let rotate = carespace(dir.path(), &database.url, &["admin", "rotate-master-key"]).await;
    assert!(rotate.status.success(), "{rotate:?}");
    assert_eq!(
        read_key(&dir.path().join("master.key.old")).expose(),
        key.expose()
    );
    assert_ne!(
        read_key(&dir.path().join("master.key")).expose(),
        key.expose()
    );
    let started = carespace(dir.path(), &database.url, &["admin", "jobs"]).await;
    assert!(started.status.success(), "{started:?}");
}
