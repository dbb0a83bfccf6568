//! An admin changes a member's role in place (client ↔ staff ↔ admin): one membership, the
//! member emailed, the change audit-logged; moving between the client and the staff side ends
//! the member's connections and tells the people on the other end; the only admin cannot demote
//! themselves, an owner always can.

use crate::practice::{account_id, connect, healthspace, healthspace_id, join};
use carespace_app::memberships;
use carespace_core::memberships::Role;
use carespace_tests::{Person, TestApp};

/// The person's membership id and role in De Linde.
async fn membership_of(app: &TestApp, email: &str) -> (String, Role) {
    let id = account_id(app, email).await;
    let mine = memberships::mine(&app.ctx, &id).await.unwrap();
    assert_eq!(mine.len(), 1, "one membership, changed in place");
    (mine[0].id.to_string(), mine[0].role)
}

async fn change_role(
    app: &TestApp,
    browser: &reqwest::Client,
    membership: &str,
    role: &str,
) -> reqwest::Response {
    let token = app.token_with(browser, "/h/de-linde/members").await;
    let path = format!("/h/de-linde/memberships/{membership}/role");
    app.post_with(browser, &path, &[("csrf_token", &token), ("role", role)])
        .await
}

async fn role_changes_logged(app: &TestApp) -> Vec<Option<String>> {
    carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "membership_role_changed")
        .map(|e| e.record.client_account_id)
        .collect()
}

async fn connected(app: &TestApp, staff: &str, client: &str) -> bool {
    let staff = account_id(app, staff).await;
    let client = account_id(app, client).await;
    let hs = healthspace_id(app, "de-linde").await;
    carespace_store::connections::is_connected(&app.ctx.db, &hs, &staff, &client)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_who_become_a_client_keep_their_membership_lose_their_clients_and_are_emailed() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (bram, cleo) = (Person::new("Bram"), Person::new("Cleo"));
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let made = connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;
    assert_eq!(made.status(), 303);
    let (membership, _) = membership_of(&app, &bram.email).await;

    let changed = change_role(&app, &owner, &membership, "client").await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        changed.headers()["location"],
        "/h/de-linde/members?done=role"
    );
    let page = app
        .get_with(&owner, "/h/de-linde/members?done=role")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("De rol is gewijzigd en het lid heeft een e-mail gekregen."));

    assert_eq!(
        membership_of(&app, &bram.email).await,
        (membership, Role::Client)
    );
    let told = app.last_mail_to(&bram.email).await;
    assert_eq!(told.subject, "Je rol is gewijzigd");
    assert!(told.text.contains("Je bent nu: Cliënt"), "{}", told.text);
    assert!(!connected(&app, &bram.email, &cleo.email).await);
    let to_cleo = app.last_mail_to(&cleo.email).await;
    assert_eq!(to_cleo.subject, "Een connectie is beëindigd");
    assert!(to_cleo.text.contains("Bram"), "{}", to_cleo.text);
    let bram_id = account_id(&app, &bram.email).await.to_string();
    assert_eq!(role_changes_logged(&app).await, vec![Some(bram_id)]);
    let cleo_id = account_id(&app, &cleo.email).await.to_string();
    let ended: Vec<_> = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "connection_ended")
        .map(|e| e.record.client_account_id)
        .collect();
    assert_eq!(
        ended,
        vec![Some(cleo_id)],
        "in Cleo's log: Bram lost access"
    );
}

#[tokio::test]
async fn a_client_who_becomes_staff_is_no_longer_anyones_client_and_their_staff_are_told() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (bram, cleo) = (Person::new("Bram"), Person::new("Cleo"));
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;
    let (membership, _) = membership_of(&app, &cleo.email).await;

    assert_eq!(
        change_role(&app, &owner, &membership, "staff")
            .await
            .status(),
        303
    );
    assert!(!connected(&app, &bram.email, &cleo.email).await);
    let to_bram = app.last_mail_to(&bram.email).await;
    assert_eq!(to_bram.subject, "Een connectie is beëindigd");
    assert!(to_bram.text.contains("Cleo"), "{}", to_bram.text);

    // Staff to admin keeps what staff have: their connections stay.
    let dirk = Person::new("Dirk");
    join(&app, &owner, "de-linde", &dirk, "client").await;
    let made = connect(&app, &owner, "de-linde", &cleo.email, &dirk.email).await;
    assert_eq!(made.status(), 303);
    assert_eq!(
        change_role(&app, &owner, &membership, "admin")
            .await
            .status(),
        303
    );
    assert!(connected(&app, &cleo.email, &dirk.email).await);
}

#[tokio::test]
async fn the_only_admin_cannot_demote_themselves_and_an_owner_always_can() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let ali = Person::new("Ali");
    let ali_browser = join(&app, &owner, "de-linde", &ali, "admin").await;
    let (membership, _) = membership_of(&app, &ali.email).await;
    let mails = app.mails_to(&ali.email).await.len();

    let refused = change_role(&app, &ali_browser, &membership, "staff").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Je bent de enige beheerder van deze Healthspace"),
        "{page}"
    );
    assert_eq!(membership_of(&app, &ali.email).await.1, Role::Admin);
    assert_eq!(app.mails_to(&ali.email).await.len(), mails, "nothing sent");
    assert!(role_changes_logged(&app).await.is_empty());

    let same = change_role(&app, &owner, &membership, "admin").await;
    assert_eq!(same.status(), 422);
    assert!(same.text().await.unwrap().contains("heeft deze rol al"));

    assert_eq!(
        change_role(&app, &owner, &membership, "staff")
            .await
            .status(),
        303,
        "an owner can always act"
    );
    assert_eq!(membership_of(&app, &ali.email).await.1, Role::Staff);
    // Now staff, Ali manages members no longer.
    let again = change_role(&app, &ali_browser, &membership, "admin").await;
    assert_eq!(again.status(), 404);
}

/// Ali and Bea, both admins, each demote a member at the same moment: `(ali's target, bea's
/// target)` picks whose membership each changes. The two answers, sorted, and the admins left.
async fn demote_at_once(pick: fn((String, String)) -> (String, String)) -> ([u16; 2], i64) {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (ali, bea) = (Person::new("Ali"), Person::new("Bea"));
    let ali_browser = join(&app, &owner, "de-linde", &ali, "admin").await;
    let bea_browser = join(&app, &owner, "de-linde", &bea, "admin").await;
    let (ali_membership, _) = membership_of(&app, &ali.email).await;
    let (bea_membership, _) = membership_of(&app, &bea.email).await;
    let (ali_target, bea_target) = pick((ali_membership, bea_membership));

    let (a, b) = tokio::join!(
        change_role(&app, &ali_browser, &ali_target, "staff"),
        change_role(&app, &bea_browser, &bea_target, "staff"),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    let hs = healthspace_id(&app, "de-linde").await;
    let admins = carespace_store::memberships::count_active_admins(&app.ctx.db, &hs)
        .await
        .unwrap();
    (statuses, admins)
}

#[tokio::test]
async fn two_admins_demoting_themselves_at_once_leave_one_admin() {
    let (statuses, admins) = demote_at_once(|own| own).await;
    assert_eq!(
        statuses,
        [303, 422],
        "one goes ahead, the other is told why not"
    );
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let (statuses, admins) = demote_at_once(|(ali, bea)| (bea, ali)).await;
    assert_eq!(
        statuses,
        [303, 404],
        "the second is no longer an admin when its turn comes"
    );
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn the_api_changes_a_role_and_says_why_it_does_not() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let (membership, _) = membership_of(&app, &cleo.email).await;
    let token = app.token_with(&owner, "/h/de-linde/members").await;
    let patch = |role: &'static str| {
        owner
            .patch(app.url(&format!(
                "/api/v1/healthspaces/de-linde/members/{membership}"
            )))
            .header("x-csrf-token", token.as_str())
            .json(&serde_json::json!({ "role": role }))
            .send()
    };

    let changed = patch("staff").await.unwrap();
    assert_eq!(changed.status(), 200);
    let body: serde_json::Value = changed.json().await.unwrap();
    assert_eq!(body["role"], "staff");
    assert_eq!(body["id"], membership.as_str());
    assert_eq!(membership_of(&app, &cleo.email).await.1, Role::Staff);

    for (role, code) in [("staff", "role_unchanged"), ("boss", "role_invalid")] {
        let refused = patch(role).await.unwrap();
        assert_eq!(refused.status(), 422, "{role}");
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["problems"][0]["field"], "role");
        assert_eq!(body["error"]["problems"][0]["code"], code);
    }
}
