//! The audit log: every login, failed login and account change is recorded with who, what,
//! when, where and the result; entries are chained with a key kept outside the database, and
//! `verify` finds any change, also one made by someone who recomputed the chain without it.

use axum::Router;
use carespace_app::audit;
use carespace_core::audit::{AuditRecord, GENESIS, Outcome, unkeyed_hash};
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_store::audit::{StoredEntry, entries_after};
use carespace_tests::{
    Person, TestBackend, TestDatabase, backend, new_client, spawn_app, spawn_app_with,
};

async fn log(app: &carespace_tests::TestApp) -> Vec<StoredEntry> {
    entries_after(&app.ctx.db, 0, 1000).await.unwrap()
}

#[tokio::test]
async fn logins_failed_logins_and_logouts_are_recorded_with_where_and_the_result() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    app.login_with(&client, &anna.email, "wrong password here")
        .await;
    app.login_with(&client, "nobody@example.nl", "wrong password here")
        .await;
    app.login_with(&client, &anna.email, &anna.password).await;
    let token = app.token_with(&client, "/account").await;
    app.post_with(&client, "/logout", &[("csrf_token", &token)])
        .await;

    let entries = log(&app).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.record.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "account_registered",
            "email_verified",
            "login_failed",
            "login_failed",
            "login",
            "logout"
        ]
    );
    let anna_id = entries[0].record.actor_account_id.clone().unwrap();
    let failed_known = &entries[2].record;
    assert_eq!(failed_known.outcome.code(), "denied");
    assert_eq!(failed_known.actor_account_id, None);
    assert_eq!(failed_known.object_id.as_deref(), Some(anna_id.as_str()));
    assert_eq!(failed_known.ip.as_deref(), Some("127.0.0.1"));
    let failed_unknown = &entries[3].record;
    assert_eq!(failed_unknown.object_id, None, "nothing typed is kept");
    let login = &entries[4].record;
    assert_eq!(login.actor_account_id.as_deref(), Some(anna_id.as_str()));
    assert_eq!(login.outcome.code(), "success");
    assert!(login.session_id.is_some());
    assert_eq!(entries[5].record.session_id, login.session_id);
    // Never a credential.
    for entry in &entries {
        let text = format!("{:?}", entry.record);
        assert!(!text.contains(&anna.password) && !text.contains("wrong password"));
        assert!(!text.contains("nobody@example.nl"));
    }
    assert!(entries.windows(2).all(|w| w[1].record.at >= w[0].record.at));
}

#[tokio::test]
async fn the_chain_verifies_and_a_changed_entry_is_found() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    app.login_with(&new_client(), &anna.email, "wrong password here")
        .await;
    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.entries, 4);
    assert_eq!(report.broken_at, None);

    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    // The log refuses changes…
    let refused = sqlx::query("UPDATE audit_log SET ip = '10.6.6.6' WHERE seq = 2")
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "the audit log is append-only");
    // …so someone with access to the database first removes that protection.
    let disable = match backend() {
        TestBackend::Sqlite => "DROP TRIGGER audit_log_no_update",
        TestBackend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
    };
    sqlx::query(disable).execute(&pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET ip = '10.6.6.6' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.broken_at, Some(2));
}

#[tokio::test]
async fn removing_the_newest_entries_is_found_too() {
    let app = spawn_app().await;
    app.signed_up("Anna").await;
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let disable = match backend() {
        TestBackend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        TestBackend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
    };
    sqlx::query(disable).execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .execute(&pool)
        .await
        .unwrap();
    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.broken_at, Some(report.entries + 1));
}

#[tokio::test]
async fn account_changes_and_ended_sessions_are_recorded() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let other = app.logged_in(&anna).await;
    let token = app.token_with(&client, "/account/sessions").await;
    app.post_with(
        &client,
        "/account/sessions/end-others",
        &[("csrf_token", &token)],
    )
    .await;
    app.post_with(
        &client,
        "/account/password",
        &[
            ("csrf_token", &token),
            ("current_password", &anna.password),
            ("new_password", "copper kettle winter harbour"),
        ],
    )
    .await;
    let _ = other;
    let actions: Vec<String> = log(&app)
        .await
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    assert!(
        actions.ends_with(&[
            "other_sessions_ended".to_owned(),
            "password_changed".to_owned()
        ]),
        "{actions:?}"
    );
}

/// Drops the triggers that keep the log append-only, as the database's owner could.
async fn drop_protection(pool: &sqlx::AnyPool) {
    let statements: &[&str] = match backend() {
        TestBackend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        TestBackend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"],
    };
    for statement in statements {
        sqlx::query(statement).execute(pool).await.unwrap();
    }
}

/// Rewrites the chain from `from` on the way it was computed before it had a key (plain
/// SHA-256), so that every stored hash matches its entry again, head included.
async fn recompute_without_key(pool: &sqlx::AnyPool, entries: &[StoredEntry], from: i64) {
    let mut prev = entries[usize::try_from(from).unwrap() - 2].hash.clone();
    for entry in &entries[usize::try_from(from).unwrap() - 1..] {
        let mut record = entry.record.clone();
        record.user_agent = None;
        record.api_token_id = None;
        let hash = unkeyed_hash(&prev, &record).unwrap();
        sqlx::query(
            "UPDATE audit_log SET prev_hash = $1, hash = $2, user_agent = NULL,
                                  api_token_id = NULL WHERE seq = $3",
        )
        .bind(&prev)
        .bind(&hash)
        .bind(entry.seq)
        .execute(pool)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1")
        .bind(&prev)
        .execute(pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_chain_rewritten_without_the_key_fails_verification_at_the_changed_entry() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    app.login_with(&new_client(), &anna.email, "wrong password here")
        .await;
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    drop_protection(&pool).await;
    sqlx::query("UPDATE audit_log SET ip = '10.6.6.6' WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    let entries = log(&app).await;
    recompute_without_key(&pool, &entries, 2).await;

    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.broken_at, Some(2));
    assert_eq!(
        report.unkeyed, 0,
        "a new installation is keyed from the start"
    );
}

#[tokio::test]
async fn every_append_puts_the_chain_head_in_a_file_outside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let head_file = dir.path().join("audit-head");
    let file = head_file.clone();
    let app = spawn_app_with(
        move |config| config.audit.head_file = Some(file),
        Router::new(),
    )
    .await;
    app.signed_up("Anna").await;
    let entries = log(&app).await;
    let last = entries.last().unwrap();
    let expected = format!("{} {}\n", last.seq, last.hash);
    let mut written = String::new();
    for _ in 0..50 {
        written = std::fs::read_to_string(&head_file).unwrap_or_default();
        if written == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(written, expected);
}

#[tokio::test]
async fn a_chain_begun_without_a_key_is_sealed_and_its_unkeyed_part_is_bound_by_the_seal() {
    // An installation from before the chain had a key: two entries hashed with SHA-256 only.
    let database = TestDatabase::create(backend()).await;
    let db = database.connect().await;
    let pool = sqlx::AnyPool::connect(&database.url).await.unwrap();
    let mut prev = GENESIS.to_owned();
    for seq in 1..=2_i64 {
        let record = AuditRecord {
            id: format!("old-{seq}"),
            at: Timestamp::from_millis(1_700_000_000_000 + seq),
            actor_account_id: None,
            actor_role: Some("operator".into()),
            on_behalf_of: None,
            action: "organisation_created".into(),
            object_type: "organisation".into(),
            object_id: Some(format!("org-{seq}")),
            client_account_id: None,
            healthspace_id: None,
            ip: Some("command-line".into()),
            session_id: None,
            outcome: Outcome::Success,
            user_agent: None,
            api_token_id: None,
        };
        let hash = unkeyed_hash(&prev, &record).unwrap();
        sqlx::query(
            "INSERT INTO audit_log (seq, id, at, actor_role, action, object_type, object_id, ip,
                                    outcome, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(&record.id)
        .bind(record.at.millis())
        .bind(&record.actor_role)
        .bind(&record.action)
        .bind(&record.object_type)
        .bind(&record.object_id)
        .bind(&record.ip)
        .bind("success")
        .bind(&prev)
        .bind(&hash)
        .execute(&pool)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET last_seq = 2, last_hash = $1")
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    db.close().await;

    let url = database.url.clone();
    let app = spawn_app_with(
        move |config| config.database.url = Some(Secret::new(url)),
        Router::new(),
    )
    .await;
    app.signed_up("Anna").await;
    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.broken_at, None);
    assert_eq!(report.unkeyed, 2);
    assert!(report.entries > 2);

    // Rewriting the unkeyed part consistently breaks the seal.
    drop_protection(&pool).await;
    sqlx::query("UPDATE audit_log SET ip = '10.6.6.6' WHERE seq = 1")
        .execute(&pool)
        .await
        .unwrap();
    let entries = log(&app).await;
    let record = entries[0].record.clone();
    let first = unkeyed_hash(GENESIS, &record).unwrap();
    let second = unkeyed_hash(&first, &entries[1].record).unwrap();
    for (seq, prev, hash) in [(1, GENESIS, &first), (2, first.as_str(), &second)] {
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(prev)
            .bind(hash)
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE audit_log SET prev_hash = $1 WHERE seq = 3")
        .bind(&second)
        .execute(&pool)
        .await
        .unwrap();
    let report = audit::verify(&app.ctx.db).await.unwrap();
    assert_eq!(report.broken_at, Some(1));
}

#[tokio::test]
async fn another_key_than_the_one_the_chain_was_written_with_stops_the_start() {
    let app = spawn_app().await;
    app.signed_up("Anna").await;
    let mut config = app.config.clone();
    config.audit.key = Some(Secret::new("ab".repeat(32)));
    let error = match carespace_cli::wiring::app_context(&config).await {
        Ok(_) => panic!("started with another key"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("audit key"), "{error}");
    // The key made on first start is readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key_file = app.config.data_dir.join("audit.key");
        let mode = std::fs::metadata(key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn profile_photo_email_change_reset_requests_and_wrong_current_passwords_are_recorded() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let csrf = app.token_with(&client, "/account").await;
    let changed = app
        .post_with(
            &client,
            "/account/profile",
            &[
                ("csrf_token", &csrf),
                ("full_name", "Anna de Vries"),
                ("language", "nl"),
                ("phone", "0612345678"),
                ("phone_password", &anna.password),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    let wrong = app
        .post_with(
            &client,
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", "not my password at all"),
                ("new_password", "copper kettle winter harbour"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let requested = app
        .post_with(
            &client,
            "/account/email",
            &[
                ("csrf_token", &csrf),
                ("new_email", "anna.elders@example.nl"),
                ("password", &anna.password),
            ],
        )
        .await;
    assert_eq!(requested.status(), 303);
    let removed = app
        .post_with(&client, "/account/photo/remove", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(removed.status(), 303);
    let stranger = new_client();
    let csrf = app.token_with(&stranger, "/password/forgot").await;
    app.post_with(
        &stranger,
        "/password/forgot",
        &[("csrf_token", &csrf), ("email", &anna.email)],
    )
    .await;

    let entries = log(&app).await;
    let anna_id = entries[0].record.actor_account_id.clone().unwrap();
    let last: Vec<_> = entries[entries.len() - 5..]
        .iter()
        .map(|e| &e.record)
        .collect();
    let actions: Vec<&str> = last.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "profile_changed",
            "current_password_wrong",
            "email_change_requested",
            "photo_removed",
            "password_reset_requested"
        ]
    );
    for record in &last[..4] {
        assert_eq!(record.actor_account_id.as_deref(), Some(anna_id.as_str()));
        assert!(record.session_id.is_some());
    }
    assert_eq!(last[1].outcome, Outcome::Denied);
    assert_eq!(last[4].actor_account_id, None, "whoever asked is not known");
    assert_eq!(last[4].object_id.as_deref(), Some(anna_id.as_str()));
    // People by id only: no name, address or phone number typed.
    for entry in &entries {
        let text = format!("{:?}", entry.record);
        for typed in [
            "Anna de Vries",
            "anna.elders@",
            "0612345678",
            anna.email.as_str(),
        ] {
            assert!(!text.contains(typed), "{typed} in {text}");
        }
    }
}
