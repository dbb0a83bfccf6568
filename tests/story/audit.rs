//! The audit log: every login, failed login and account change is recorded with who, what,
//! when, where and the result; entries are hash-chained, and `verify` finds any change.

use carespace_app::audit;
use carespace_store::audit::{StoredEntry, entries_after};
use carespace_tests::{Person, TestBackend, backend, new_client, spawn_app};

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
    let report = audit::verify(&app.ctx).await.unwrap();
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
    let report = audit::verify(&app.ctx).await.unwrap();
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
    let report = audit::verify(&app.ctx).await.unwrap();
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
