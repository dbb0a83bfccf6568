//! One membership per account and Healthspace, one open connection per pair, one open
//! invitation per address: each use case checks and writes in one transaction, and the
//! database's unique indexes hold the rule when two requests arrive at the same moment.

use crate::practice::{accept, account_id, connect, healthspace, invite, join};
use carespace_core::ids::{AccountId, MembershipId};
use carespace_core::memberships::{MembershipState, Role};
use carespace_store::StoreError;
use carespace_store::audit::entries_after;
use carespace_tests::{Person, TestApp};
use futures_util::future::join_all;
use sqlx::{AnyPool, Row};
use std::future::Future;

const PARALLEL: usize = 20;

/// Sends `PARALLEL` copies of a request at once; their statuses, and the bodies of the
/// refused ones.
async fn at_once<Fut>(request: impl Fn() -> Fut) -> (Vec<u16>, Vec<String>)
where
    Fut: Future<Output = reqwest::Response>,
{
    let responses = join_all((0..PARALLEL).map(|_| request())).await;
    let (mut statuses, mut refusals) = (Vec::new(), Vec::new());
    for response in responses {
        let status = response.status().as_u16();
        statuses.push(status);
        if status != 303 {
            refusals.push(response.text().await.unwrap_or_default());
        }
    }
    (statuses, refusals)
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    let n = sqlx::query(sql)
        .bind(bind.to_owned())
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_requests_at_once_store_one_row_and_tell_the_others_why() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;

    // Connect the same pair twenty times at once: one connection, nineteen "already".
    let (statuses, refusals) =
        at_once(|| connect(&app, &owner, "de-linde", &bram.email, &cleo.email)).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 422),
        "{statuses:?}"
    );
    for body in &refusals {
        assert!(body.contains("Deze twee zijn al gekoppeld."), "{body}");
    }
    let cleo_id = account_id(&app, &cleo.email).await;
    let open = "SELECT COUNT(*) FROM connections WHERE client_account_id = $1 AND ended_at IS NULL";
    assert_eq!(count(&app, open, cleo_id.as_str()).await, 1);

    // Invite one address twenty times at once: each invitation closes the one before, so one
    // stays open; one sent at the very same moment as another is refused with a message.
    let dirk = Person::new("Dirk");
    let (statuses, refusals) = at_once(|| {
        invite(
            &app,
            &owner,
            "de-linde",
            &dirk.email,
            "client",
            "1990-05-31",
        )
    })
    .await;
    assert!(statuses.contains(&303), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 422),
        "{statuses:?}"
    );
    for body in &refusals {
        assert!(
            body.contains("Op dit moment is al een uitnodiging"),
            "{body}"
        );
    }
    let pending = "SELECT COUNT(*) FROM invitations
                   WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL";
    assert_eq!(count(&app, pending, &dirk.email).await, 1);

    // Accept that invitation twenty times at once: one membership.
    app.sign_up(&dirk).await;
    let browser = app.logged_in(&dirk).await;
    let (statuses, _) = at_once(|| accept(&app, &browser, &dirk, &dirk.birth_date)).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [303, 400, 422].contains(s)),
        "{statuses:?}"
    );
    let dirk_id = account_id(&app, &dirk.email).await;
    let members = "SELECT COUNT(*) FROM memberships WHERE account_id = $1";
    assert_eq!(count(&app, members, dirk_id.as_str()).await, 1);
}

#[tokio::test]
async fn a_member_is_not_invited_again_and_a_new_invitation_closes_the_old_one() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &cleo, "client").await;

    let again = invite(&app, &owner, "de-linde", &cleo.email, "staff", "").await;
    assert_eq!(again.status(), 422);
    let page = again.text().await.unwrap();
    assert!(page.contains("Wijzig de rol in plaats van opnieuw uit te nodigen"));
    assert!(page.contains(&cleo.email), "the typed address is kept");

    let dirk = Person::new("Dirk");
    for role in ["client", "staff"] {
        let sent = invite(
            &app,
            &owner,
            "de-linde",
            &dirk.email,
            role,
            &dirk.birth_date,
        )
        .await;
        assert_eq!(sent.status(), 303);
    }
    let mails = app.mails_to(&dirk.email).await;
    assert_eq!(mails.len(), 2);
    let first = carespace_tests::link_in(&mails[0], "/invitations/accept?token=");
    let page = app.get(&first).await.text().await.unwrap();
    assert!(
        !page.contains("als Cliënt"),
        "the first invitation no longer works"
    );
    app.sign_up(&dirk).await;
    let browser = app.logged_in(&dirk).await;
    assert_eq!(
        accept(&app, &browser, &dirk, &dirk.birth_date)
            .await
            .status(),
        303
    );
    let dirk_id = account_id(&app, &dirk.email).await;
    let mine = carespace_app::memberships::mine(&app.ctx, &dirk_id)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].role, Role::Staff, "the newest invitation counts");

    let actions: Vec<String> = entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    let revoked = actions
        .iter()
        .filter(|a| *a == "invitation_revoked")
        .count();
    assert_eq!(revoked, 1, "{actions:?}");
}

#[tokio::test]
async fn the_database_refuses_a_second_active_membership_and_merges_are_audit_logged() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let cleo_id = account_id(&app, &cleo.email).await;
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let kept = carespace_app::memberships::mine(&app.ctx, &cleo_id)
        .await
        .unwrap()
        .remove(0);

    let second = carespace_store::memberships::MembershipRow {
        id: MembershipId::generate(),
        healthspace_id: hs.id.clone(),
        account_id: cleo_id.clone(),
        role: Role::Staff,
        state: MembershipState::Active,
        created_at: app.ctx.clock.now(),
        cancelled_at: None,
        cancelled_by: None,
    };
    let mut tx = app.ctx.db.begin().await.unwrap();
    let refused = carespace_store::memberships::insert(&mut tx, &second).await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate(_))),
        "{refused:?}"
    );
    drop(tx);

    // What the migration notes when it merged two rows is audit-logged once, after migrating.
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    sqlx::query(
        "INSERT INTO membership_merges (membership_id, kept_id, healthspace_id, account_id,
                                        removed_role, merged_at)
         VALUES ($1, $2, $3, $4, 'client', 0)",
    )
    .bind(MembershipId::generate().to_string())
    .bind(kept.id.to_string())
    .bind(hs.id.to_string())
    .bind(cleo_id.to_string())
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    for expected in [1, 0] {
        let logged = carespace_app::memberships::audit_merges(&app.ctx)
            .await
            .unwrap();
        assert_eq!(logged, expected);
    }
    let merged: Vec<_> = entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "membership_merged")
        .collect();
    assert_eq!(merged.len(), 1);
    assert_eq!(
        merged[0].record.client_account_id.as_deref(),
        Some(cleo_id.as_str())
    );
}

/// Migration 0007 on data that older versions could write: a second membership row for another
/// role, a second open connection for one pair, a second open invitation to one address.
#[tokio::test]
async fn the_migration_merges_what_older_versions_wrote_twice() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (cleo, dana, bram) = (
        Person::new("Cleo"),
        Person::new("Dana"),
        Person::new("Bram"),
    );
    join(&app, &owner, "de-linde", &cleo, "client").await;
    join(&app, &owner, "de-linde", &dana, "client").await;
    join(&app, &owner, "de-linde", &bram, "staff").await;
    for client in [&cleo, &dana] {
        let made = connect(&app, &owner, "de-linde", &bram.email, &client.email).await;
        assert_eq!(made.status(), 303);
    }
    let invited = invite(
        &app,
        &owner,
        "de-linde",
        "new@example.nl",
        "client",
        "1990-05-31",
    )
    .await;
    assert_eq!(invited.status(), 303);
    let cleo_id = account_id(&app, &cleo.email).await;
    let dana_id = account_id(&app, &dana.email).await;

    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    let old_membership: String =
        sqlx::query("SELECT id FROM memberships WHERE account_id = $1 AND state = 'active'")
            .bind(cleo_id.as_str())
            .fetch_one(&pool)
            .await
            .unwrap()
            .get(0);
    // Back to the schema before 0007, then the duplicates, each newer than its original.
    for undo in [
        "DROP INDEX memberships_one_active",
        "DROP INDEX connections_one_open",
        "DROP INDEX invitations_one_open",
        "DROP TABLE membership_merges",
        "DELETE FROM _sqlx_migrations WHERE version = 7",
    ] {
        sqlx::query(undo).execute(&pool).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO memberships (id, healthspace_id, account_id, role, state, created_at)
         SELECT $1, healthspace_id, account_id, 'staff', 'active', created_at + 1
           FROM memberships WHERE id = $2",
    )
    .bind(MembershipId::generate().to_string())
    .bind(old_membership.clone())
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO connections (id, healthspace_id, staff_account_id, client_account_id,
                                  created_at, created_by)
         SELECT $1, healthspace_id, staff_account_id, client_account_id, created_at, created_by
           FROM connections WHERE client_account_id = $2",
    )
    .bind(carespace_core::ids::new_id())
    .bind(dana_id.as_str())
    .execute(&pool)
    .await
    .unwrap();
    let newest_invitation = carespace_core::ids::new_id();
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, healthspace_id, email, role, invited_by,
                                  created_at, expires_at)
         SELECT $1, $2, healthspace_id, email, role, invited_by, created_at, expires_at
           FROM invitations WHERE email = 'new@example.nl'",
    )
    .bind(newest_invitation.clone())
    .bind(carespace_core::ids::new_id())
    .execute(&pool)
    .await
    .unwrap();

    app.ctx.db.migrate().await.unwrap();

    let kept =
        sqlx::query("SELECT id, role FROM memberships WHERE account_id = $1 AND state = 'active'")
            .bind(cleo_id.as_str())
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(kept.len(), 1, "one membership left");
    assert_eq!(
        kept[0].get::<String, _>(0),
        old_membership,
        "the oldest row is kept"
    );
    assert_eq!(
        kept[0].get::<String, _>(1),
        "staff",
        "with the highest role"
    );
    let open = |client: AccountId| {
        let pool = pool.clone();
        async move {
            sqlx::query("SELECT COUNT(*) FROM connections WHERE client_account_id = $1 AND ended_at IS NULL")
                .bind(client.as_str())
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>(0)
        }
    };
    assert_eq!(open(cleo_id).await, 0, "staff now, so no one's client");
    assert_eq!(open(dana_id).await, 1, "one open connection per pair");
    let still_open: Vec<String> = sqlx::query(
        "SELECT id FROM invitations WHERE email = 'new@example.nl'
            AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|row| row.get(0))
    .collect();
    assert_eq!(
        still_open,
        vec![newest_invitation],
        "the newest invitation stays open"
    );
    pool.close().await;
    let logged = carespace_app::memberships::audit_merges(&app.ctx)
        .await
        .unwrap();
    assert_eq!(logged, 1, "the merge is audit-logged");
}
