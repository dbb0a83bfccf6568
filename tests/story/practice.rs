//! A practice to test in: an organisation with an active Healthspace, and the steps people
//! take in it (invite, accept, connect).

use carespace_app::audit::Origin;
use carespace_app::{healthspaces, organisations};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::AccountId;
use carespace_core::ids::HealthspaceId;
use carespace_tests::{Person, TestApp, link_in};

/// An active Healthspace `alias` of an organisation owned by Olga; returns Olga's browser.
pub async fn healthspace(app: &TestApp, alias: &str) -> reqwest::Client {
    let olga = Person::new("Olga");
    app.sign_up(&olga).await;
    let org = organisations::create(&app.ctx, "De Linde", &olga.email, &Origin::default())
        .await
        .unwrap();
    let olga_id = account_id(app, &olga.email).await;
    let hs = healthspaces::create(
        &app.ctx,
        &olga_id,
        &org.id,
        "De Linde",
        alias,
        &Origin::default(),
    )
    .await
    .unwrap();
    healthspaces::set_state(
        &app.ctx,
        &olga_id,
        hs.id.as_str(),
        HealthspaceState::Active,
        &Origin::default(),
    )
    .await
    .unwrap();
    let browser = app.logged_in(&olga).await;
    app.enrol_app(&browser, &olga).await;
    browser
}

/// The id of the Healthspace at `alias`.
pub async fn healthspace_id(app: &TestApp, alias: &str) -> HealthspaceId {
    carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, alias)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn account_id(app: &TestApp, email: &str) -> AccountId {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn invite(
    app: &TestApp,
    admin: &reqwest::Client,
    alias: &str,
    email: &str,
    role: &str,
    birth_date: &str,
) -> reqwest::Response {
    let token = app.token_with(admin, &format!("/h/{alias}/members")).await;
    app.post_with(
        admin,
        &format!("/h/{alias}/invitations"),
        &[
            ("csrf_token", &token),
            ("email", email),
            ("role", role),
            ("birth_date", birth_date),
        ],
    )
    .await
}

/// The person accepts the newest invitation emailed to them, entering `birth_date`.
pub async fn accept(
    app: &TestApp,
    client: &reqwest::Client,
    person: &Person,
    birth_date: &str,
) -> reqwest::Response {
    let mail = app
        .mails_to(&person.email)
        .await
        .into_iter()
        .rfind(|m| m.text.contains("/invitations/accept"))
        .expect("an invitation");
    let link = link_in(&mail, "/invitations/accept?token=");
    let html = app.get_with(client, &link).await.text().await.unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let token = link.split_once("token=").unwrap().1;
    app.post_with(
        client,
        "/invitations/accept",
        &[
            ("csrf_token", &csrf),
            ("token", token),
            ("birth_date", birth_date),
        ],
    )
    .await
}

pub async fn connect(
    app: &TestApp,
    admin: &reqwest::Client,
    alias: &str,
    staff: &str,
    client: &str,
) -> reqwest::Response {
    let token = app.token_with(admin, &format!("/h/{alias}/members")).await;
    app.post_with(
        admin,
        &format!("/h/{alias}/connections"),
        &[("csrf_token", &token), ("staff", staff), ("client", client)],
    )
    .await
}

/// `person` is invited into the Healthspace with `role`, signs up and accepts; returns their
/// logged-in browser. Staff and admins set up their authenticator app then, as they must
/// before they reach the Healthspace.
pub async fn join(
    app: &TestApp,
    admin: &reqwest::Client,
    alias: &str,
    person: &Person,
    role: &str,
) -> reqwest::Client {
    let birth_date = &person.birth_date;
    let invited = invite(app, admin, alias, &person.email, role, birth_date).await;
    assert_eq!(invited.status(), 303);
    app.sign_up(person).await;
    let browser = app.logged_in(person).await;
    assert_eq!(
        accept(app, &browser, person, birth_date).await.status(),
        303
    );
    if role != "client" && !app.has_app(&person.email) {
        app.enrol_app(&browser, person).await;
    }
    browser
}

/// The action of the first "cancel membership" form on a Healthspace's members page.
pub fn cancel_action(members_page: &str) -> String {
    let end = members_page
        .find("/cancel\"")
        .expect("a membership to cancel");
    let start = members_page[..end].rfind('"').unwrap() + 1;
    format!("{}/cancel", &members_page[start..end])
}
