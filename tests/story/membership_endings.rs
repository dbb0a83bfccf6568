//! What ends with a membership or with its Healthspace: pending invitations, reminders, and
//! the email that tells the member, worded for their role.

use crate::practice::{account_id, cancel_action, healthspace, healthspace_id, invite, join};
use carespace_app::audit::Origin;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::InvitationId;
use carespace_core::memberships::Role;
use carespace_store::memberships::invitations::{self as invitation_store, InvitationRow};
use carespace_tests::{Person, TestApp, link_in, new_client};

const DAY_MS: i64 = 24 * 3_600_000;

async fn revocations(app: &TestApp) -> usize {
    carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "invitation_revoked")
        .count()
}

async fn pending_count(app: &TestApp) -> usize {
    let hs = healthspace_id(app, "de-linde").await;
    invitation_store::pending(&app.ctx.db, &hs, 100)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn deactivating_with_memberships_cancelled_revokes_every_pending_invitation() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    assert_eq!(
        invite(
            &app,
            &owner,
            "de-linde",
            "dirk@example.nl",
            "client",
            "2001-02-03"
        )
        .await
        .status(),
        303
    );
    let link = link_in(
        &app.last_mail_to("dirk@example.nl").await,
        "/invitations/accept",
    );
    let hs = healthspace_id(&app, "de-linde").await;
    let path = format!("/healthspaces/{hs}/deactivate");
    let confirm = app.get_with(&owner, &path).await.text().await.unwrap();
    let token = carespace_tests::csrf_token_in(&confirm).unwrap();
    let fields = [("csrf_token", token.as_str()), ("cancel_memberships", "on")];
    assert_eq!(app.post_with(&owner, &path, &fields).await.status(), 303);

    assert_eq!(pending_count(&app).await, 0, "nothing left pending");
    assert_eq!(revocations(&app).await, 1);
    assert_eq!(
        app.get_with(&new_client(), &link).await.status(),
        400,
        "the invitation's link no longer works"
    );
    // Each member is told in words for their role: a client keeps their record, staff are not
    // told about one.
    let to_cleo = app.last_mail_to(&cleo.email).await;
    assert!(
        to_cleo.text.contains("Je dossier blijft van jou"),
        "{}",
        to_cleo.text
    );
    let to_bram = app.last_mail_to(&bram.email).await;
    assert!(
        to_bram.text.contains("geen toegang meer"),
        "{}",
        to_bram.text
    );
    assert!(!to_bram.text.contains("dossier"), "{}", to_bram.text);
}

#[tokio::test]
async fn an_inactive_healthspace_sends_no_reminders() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    invite(
        &app,
        &owner,
        "de-linde",
        "dirk@example.nl",
        "client",
        "2001-02-03",
    )
    .await;
    let olga = account_id(&app, "olga@example.nl").await;
    let hs = healthspace_id(&app, "de-linde").await;
    carespace_app::healthspaces::set_state(
        &app.ctx,
        &olga,
        hs.as_str(),
        HealthspaceState::Inactive,
        &Origin::default(),
    )
    .await
    .unwrap();
    app.advance(3 * DAY_MS + 1_000);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mails_to("dirk@example.nl").await.len(),
        1,
        "the invitation, and no reminder"
    );
}

#[tokio::test]
async fn a_membership_that_ends_leaves_no_invitation_to_that_person_pending() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    let dirk = Person::new("Dirk");
    let cleo_browser = join(&app, &owner, "de-linde", &cleo, "client").await;
    join(&app, &owner, "de-linde", &dirk, "client").await;
    // Invitations older than their membership (made before the address had one, or by an
    // older version), one to each of them.
    let hs = healthspace_id(&app, "de-linde").await;
    let olga = account_id(&app, "olga@example.nl").await;
    for email in [&cleo.email, &dirk.email] {
        let row = InvitationRow {
            id: InvitationId::generate(),
            healthspace_id: hs.clone(),
            email: email.clone(),
            role: Role::Staff,
            birth_date: None,
            invited_by: carespace_core::ids::AccountId::parse(olga.as_str()).unwrap(),
            expires_at: app.ctx.now().plus_millis(14 * DAY_MS),
            failed_checks: 0,
        };
        let hash = carespace_core::tokens::hash(&carespace_core::tokens::generate().unwrap());
        invitation_store::insert(&app.ctx.db, &row, &hash, app.ctx.now())
            .await
            .unwrap();
    }
    assert_eq!(pending_count(&app).await, 2);

    // Cleo leaves herself.
    let memberships = app
        .get_with(&cleo_browser, "/account/memberships")
        .await
        .text()
        .await
        .unwrap();
    let start = memberships.find("/account/memberships/").unwrap();
    let end = memberships[start..].find('"').unwrap() + start;
    let leave = &memberships[start..end];
    let token = carespace_tests::csrf_token_in(&memberships).unwrap();
    let left = app
        .post_with(&cleo_browser, leave, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(left.status(), 303, "{leave}");
    assert_eq!(pending_count(&app).await, 1);

    // The provider ends Dirk's.
    let list = app
        .get_with(&owner, "/h/de-linde/members?state=active")
        .await
        .text()
        .await
        .unwrap();
    let action = &cancel_action(&list);
    let token = app.token_with(&owner, "/h/de-linde/members").await;
    assert_eq!(
        app.post_with(&owner, action, &[("csrf_token", &token)])
            .await
            .status(),
        303
    );
    assert_eq!(pending_count(&app).await, 0);
    assert_eq!(revocations(&app).await, 2);
}
