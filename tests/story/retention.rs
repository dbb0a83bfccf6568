//! Nothing piles up: stale counters, ended sessions, expired email links and accounts whose
//! address was never verified are deleted by the retention purge.

use carespace_app::retention;
use carespace_tests::{Person, TestApp, new_client, spawn_app};
use sqlx::{AnyPool, Row};

const DAY_MS: i64 = 24 * 3_600_000;

async fn rows(app: &TestApp, table: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    let n = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    pool.close().await;
    n
}

async fn exists(app: &TestApp, email: &str) -> bool {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn what_has_served_its_purpose_is_deleted_and_the_rest_kept() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    let bert = Person::new("Bert");
    assert_eq!(app.register_with(&new_client(), &bert).await.status(), 303);
    let failed = app
        .login_with(&new_client(), "nobody@example.nl", "a wrong password")
        .await;
    assert_eq!(failed.status(), 401);
    for table in [
        "sessions",
        "login_failures",
        "rate_limits",
        "account_tokens",
    ] {
        assert!(rows(&app, table).await > 0, "{table}");
    }

    // Nothing is due yet.
    let purged = retention::purge(&app.ctx).await.unwrap();
    assert_eq!(purged, retention::Purged::default());
    assert!(exists(&app, &bert.email).await);

    // A week and a day later.
    app.advance(8 * DAY_MS);
    let purged = retention::purge(&app.ctx).await.unwrap();
    assert_eq!(purged.unverified_accounts, 1);
    assert!(purged.sessions >= 1);
    for table in [
        "sessions",
        "login_failures",
        "rate_limits",
        "account_tokens",
    ] {
        assert_eq!(rows(&app, table).await, 0, "{table}");
    }
    assert!(!exists(&app, &bert.email).await, "never verified");
    assert!(exists(&app, &anna.email).await, "verified accounts stay");
    assert_eq!(
        rows(&app, "trusted_devices").await,
        1,
        "Anna's browser stays trusted for 90 days"
    );
    // Anna logs in as before.
    app.logged_in(&anna).await;

    // Both her browsers' trust has run out a day ago.
    app.advance(92 * DAY_MS);
    let purged = retention::purge(&app.ctx).await.unwrap();
    assert_eq!(purged.trusted_devices, 2);
    assert_eq!(rows(&app, "trusted_devices").await, 0);
}
