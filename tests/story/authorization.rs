//! The authorisation matrix (ASVS V8): every route behind organisations, Healthspaces and
//! memberships × every kind of actor, with the status each must get. One table; a new route of
//! these contexts gets a row here.

use carespace_app::audit::Origin;
use carespace_app::healthspaces::settings::{self, SettingsInput};
use carespace_app::{healthspaces, organisations};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, HealthspaceId, MembershipId};
use carespace_core::memberships::{MembershipState, Role};
use carespace_tests::{Person, TestApp, actor_of, new_client, spawn_app};

/// The actors, in the order of the columns below.
const ACTORS: [&str; 12] = [
    "anonymous",
    "client",
    "other client",
    "staff",
    "admin",
    "other admin",
    "owner",
    "other owner",
    "operator",
    "inactive member",
    "unverified",
    "staff without second factor",
];

struct World {
    clients: Vec<reqwest::Client>,
    org: String,
    hs: String,
    /// Cleo's membership of Alpha, as a client.
    cleo: String,
    /// Cleo's account.
    cleo_account: String,
    /// Cleo's record items: a link shared with Alpha, and a document.
    cleo_items: (String, String),
    /// A conversation between Bram (staff) and Ali (admin) of Alpha.
    conversation: String,
}

async fn id_of(app: &TestApp, email: &str) -> AccountId {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Ends every connection Bram has, so that each actor's connect starts from the same world.
async fn undo_connections(app: &TestApp) {
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "alpha")
        .await
        .unwrap()
        .unwrap();
    let bram = id_of(app, "bram@example.nl").await;
    let now = app.ctx.clock.now();
    carespace_store::connections::end_all_of(&app.ctx.db, &hs.id, &bram, &bram, now)
        .await
        .unwrap();
}

/// Makes `email` a member with `role`; the membership's id.
async fn member(app: &TestApp, hs: &HealthspaceId, email: &str, role: &str) -> String {
    let account_id = id_of(app, email).await;
    let id = MembershipId::generate();
    let mut tx = app.ctx.db.begin().await.unwrap();
    carespace_store::memberships::insert(
        &mut tx,
        &carespace_store::memberships::MembershipRow {
            id: id.clone(),
            healthspace_id: hs.clone(),
            account_id,
            role: Role::parse(role).unwrap(),
            state: MembershipState::Active,
            created_at: app.ctx.clock.now(),
            cancelled_at: None,
            cancelled_by: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

async fn world(app: &TestApp) -> World {
    let names = [
        "Cleo", "Dana", "Bram", "Ali", "Bea", "Olga", "Otto", "Pim", "Ivo", "Sam",
    ];
    for name in names {
        app.sign_up(&Person::new(name)).await;
    }
    let origin = Origin::default();
    let org = organisations::create(&app.ctx, "Alpha", "olga@example.nl", &origin)
        .await
        .unwrap();
    let other_org = organisations::create(&app.ctx, "Beta", "otto@example.nl", &origin)
        .await
        .unwrap();
    let olga = id_of(app, "olga@example.nl").await;
    let otto = id_of(app, "otto@example.nl").await;
    let alpha = healthspaces::create(&app.ctx, &olga, &org.id, "Alpha", "alpha", &origin)
        .await
        .unwrap();
    let dormant = healthspaces::create(&app.ctx, &olga, &org.id, "Dormant", "dormant", &origin)
        .await
        .unwrap();
    let beta = healthspaces::create(&app.ctx, &otto, &other_org.id, "Beta", "beta", &origin)
        .await
        .unwrap();
    for (id, by) in [(&alpha.id, &olga), (&beta.id, &otto)] {
        healthspaces::set_state(&app.ctx, by, id.as_str(), HealthspaceState::Active, &origin)
            .await
            .unwrap();
    }
    for alias in ["alpha", "dormant"] {
        let colours = SettingsInput {
            name: alias.into(),
            brand_primary: "#0b5c8a".into(),
            brand_primary_text: "#ffffff".into(),
            ..SettingsInput::default()
        };
        settings::update(&app.ctx, &actor_of(olga.as_str()), alias, &colours)
            .await
            .unwrap();
    }
    let cleo = member(app, &alpha.id, "cleo@example.nl", "client").await;
    member(app, &beta.id, "dana@example.nl", "client").await;
    member(app, &alpha.id, "bram@example.nl", "staff").await;
    member(app, &alpha.id, "ali@example.nl", "admin").await;
    member(app, &beta.id, "bea@example.nl", "admin").await;
    member(app, &dormant.id, "ivo@example.nl", "client").await;
    member(app, &alpha.id, "sam@example.nl", "staff").await;
    organisations::set_operator(&app.ctx, "pim@example.nl", true, &origin)
        .await
        .unwrap();

    let unverified = Person::new("Una");
    let una = new_client();
    app.register_with(&una, &unverified).await;
    app.login_with(&una, &unverified.email, &unverified.password)
        .await;

    let mut clients = vec![new_client()];
    for name in [
        "Cleo", "Dana", "Bram", "Ali", "Bea", "Olga", "Otto", "Pim", "Ivo",
    ] {
        let person = Person::new(name);
        let browser = app.logged_in(&person).await;
        // Staff, admins and owners have set up their second factor; Sam has not.
        if ["Bram", "Ali", "Bea", "Olga", "Otto"].contains(&name) {
            app.enrol_app(&browser, &person).await;
        }
        clients.push(browser);
    }
    clients.push(una);
    clients.push(app.logged_in(&Person::new("Sam")).await);
    let cleo_account = id_of(app, "cleo@example.nl").await.to_string();
    World {
        clients,
        org: org.id.to_string(),
        hs: alpha.id.to_string(),
        cleo,
        cleo_items: record_items(app, &cleo_account, &alpha.id).await,
        cleo_account,
        conversation: colleagues_conversation(app).await,
    }
}

/// Bram writes to Ali, a colleague in Alpha.
async fn colleagues_conversation(app: &TestApp) -> String {
    use carespace_app::messages::starting::{self, NewConversationInput};
    let bram = id_of(app, "bram@example.nl").await;
    let ali = id_of(app, "ali@example.nl").await;
    let input = NewConversationInput {
        alias: "alpha",
        with: vec![ali.as_str()],
        text: "Overleg",
    };
    let sent = starting::start(&app.ctx, &actor_of(bram.as_str()), input)
        .await
        .unwrap();
    sent.conversation_id.to_string()
}

/// Cleo's link, shared with Alpha, and her document.
async fn record_items(app: &TestApp, cleo: &str, alpha: &HealthspaceId) -> (String, String) {
    use carespace_app::record::{documents, links, sharing};
    let actor = actor_of(cleo);
    let link = links::NewLink {
        title: "Verwijzing",
        url: "https://example.org/verwijzing",
        note: "",
    };
    let link = links::add(&app.ctx, &actor, link).await.unwrap();
    sharing::set(&app.ctx, &actor, link.as_str(), alpha.as_str(), true)
        .await
        .unwrap();
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(
        b"%PDF-1.7\nbrief\n",
    ))]);
    let staged = documents::stage(&app.ctx, &actor, body).await.unwrap();
    let input = documents::NewDocument {
        title: "Brief",
        note: "",
        file_name: "brief.pdf",
    };
    let document = documents::add(&app.ctx, &actor, staged, input)
        .await
        .unwrap();
    (link.to_string(), document.to_string())
}

/// The paths whose answers depend on who asks; every route under them is in the table.
const GUARDED: [&str; 13] = [
    "/privacy",
    "/events",
    "/record",
    "/messages",
    "/api/v1/conversations",
    "/account/invitations/",
    "/api/v1/healthspaces/",
    "/organisation",
    "/healthspaces/",
    "/h/",
    "/invitations/",
    "/account/memberships",
    "/account/connections",
];

#[test]
fn every_guarded_route_is_in_the_table() {
    let table = table(
        "org",
        "hs",
        ("membership", "account"),
        ("link", "document", "conversation"),
    );
    let missing: Vec<_> = carespace_web::routes::paths()
        .into_iter()
        .filter(|path| GUARDED.iter().any(|prefix| path.starts_with(prefix)))
        .filter(|pattern| {
            !table
                .iter()
                .any(|(_, path, _)| crate::routes::fits(pattern, path))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "add these routes to the matrix: {missing:?}"
    );
}

/// A redirect to the login page (with `next`), for someone not logged in.
const LOGIN: u16 = 1;
/// A redirect to "confirm your email address first", for an unverified account.
const VERIFY: u16 = 2;
/// A redirect to setting up two-step verification, for staff who have not yet.
const SETUP: u16 = 4;
/// A redirect after the action was done: to anywhere on the site but those three.
const DONE: u16 = 3;

/// Every guarded route with what each actor gets: a status, or one of the redirects above.
fn table(
    org: &str,
    hs: &str,
    (cleo, cleo_account): (&str, &str),
    (link, document, conversation): (&str, &str, &str),
) -> Vec<(&'static str, String, [u16; 12])> {
    // anon client other staff admin oadmin owner oowner operator inactive unverified no-factor
    vec![
        (
            "GET",
            "/organisation".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, DONE, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/organisation/{org}"),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/organisation/{org}"),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/organisation/{org}/healthspaces"),
            [
                LOGIN, 404, 404, 404, 404, 404, 422, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/organisation/{org}/owners"),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Removes the owner the row above added.
            "POST",
            format!("/organisation/{org}/owners/remove"),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/healthspaces/{hs}/activate"),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/healthspaces/{hs}/deactivate"),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/alpha".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, SETUP],
        ),
        (
            "GET",
            "/h/dormant".into(),
            [404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, SETUP],
        ),
        (
            "GET",
            "/h/alpha/members".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/alpha/connections".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Someone's connection in another Healthspace, or none: no one learns which.
            "POST",
            "/h/alpha/connections/no-such-id/end".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/dormant/members".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/invitations".into(),
            [
                LOGIN, 404, 404, 404, DONE, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/connections".into(),
            [
                LOGIN, 404, 404, 404, DONE, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/account/memberships".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, 200,
            ],
        ),
        (
            "GET",
            "/account/connections".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, 200,
            ],
        ),
        (
            // Public; signed in it names the care providers of the person's own Healthspaces.
            "GET",
            "/privacy".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/h/alpha/settings".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/alpha/audit".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/dormant/audit".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/api/v1/healthspaces/alpha/seats".into(),
            [401, 404, 404, 404, 200, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/healthspaces/alpha/members".into(),
            [401, 404, 404, 404, 200, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "PATCH",
            format!("/api/v1/healthspaces/alpha/members/{cleo}"),
            [401, 404, 404, 404, 422, 404, 422, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/healthspaces/alpha/audit".into(),
            [401, 404, 404, 404, 200, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "POST",
            "/api/v1/healthspaces/alpha/invitations".into(),
            [401, 404, 404, 404, 202, 404, 202, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/healthspaces/alpha/connections".into(),
            [401, 404, 404, 404, 200, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/healthspaces/alpha/invitations".into(),
            [401, 404, 404, 404, 200, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "DELETE",
            "/api/v1/healthspaces/alpha/invitations/00000000-0000-4000-8000-000000000000".into(),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "DELETE",
            "/api/v1/healthspaces/alpha/connections/00000000-0000-4000-8000-000000000000".into(),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            // No such invitation there: no one learns whether it exists elsewhere.
            "POST",
            "/api/v1/healthspaces/alpha/invitations/00000000-0000-4000-8000-000000000000/resend"
                .into(),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "POST",
            "/api/v1/healthspaces/alpha/connections".into(),
            [401, 404, 404, 404, 204, 404, 204, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/healthspaces/dormant/members".into(),
            [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/h/alpha/seats".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/alpha/seats.csv".into(),
            [
                LOGIN, 404, 404, 404, 200, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/dormant/seats".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/dormant/settings".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/settings".into(),
            [
                LOGIN, 404, 404, 404, DONE, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Not multipart: those allowed get "bad request", nobody else learns anything.
            "POST",
            "/h/alpha/settings/logo".into(),
            [
                LOGIN, 404, 404, 404, 400, 404, 400, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/settings/logo/remove".into(),
            [
                LOGIN, 404, 404, 404, DONE, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/h/alpha/brand.css".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, SETUP],
        ),
        (
            "GET",
            "/h/dormant/brand.css".into(),
            [404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, SETUP],
        ),
        (
            "GET",
            "/h/alpha/logo".into(),
            [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, SETUP],
        ),
        (
            // Alpha does not let staff connect themselves.
            "POST",
            "/h/alpha/connections/self".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/memberships/no-such-id/cancel".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Staff and admins of Alpha see their own clients (none yet); no one else.
            "GET",
            "/h/alpha/clients".into(),
            [
                LOGIN, 404, 404, 200, 200, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Nobody is connected to Cleo: her page is no one's, not even an owner's.
            "GET",
            format!("/h/alpha/clients/{cleo_account}"),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Cleo is a client already: those who may change roles are told so.
            "POST",
            format!("/h/alpha/memberships/{cleo}/role"),
            [
                LOGIN, 404, 404, 404, 422, 404, 422, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        // Messages (before Alpha is deactivated): everyone's own inbox; a conversation is its participants' alone (Bram, staff,
        // and Ali, admin).
        (
            "GET",
            "/messages".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/messages/new".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, SETUP,
            ],
        ),
        (
            // Nobody chosen to write to: told so.
            "POST",
            "/messages/new".into(),
            [
                LOGIN, 422, 422, 422, 422, 422, 422, 422, 422, 422, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/messages/{conversation}"),
            [
                LOGIN, 404, 404, 200, 200, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // No text: the participants are told so.
            "POST",
            format!("/messages/{conversation}"),
            [
                LOGIN, 404, 404, 422, 422, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/messages/{conversation}/messages/none/remove"),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/messages/{conversation}/messages/none/files/0"),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        // Messages over the API, the same: the site's own scripts with the session.
        (
            "GET",
            "/api/v1/conversations".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403],
        ),
        (
            // The body names no Healthspace: told so.
            "POST",
            "/api/v1/conversations".into(),
            [401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/conversations/{conversation}"),
            [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/conversations/{conversation}/read"),
            [401, 404, 404, 204, 204, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            // Not a multipart form: no text, which the participants are told.
            "POST",
            format!("/api/v1/conversations/{conversation}/messages"),
            [401, 404, 404, 422, 422, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            // A message of that id is in no conversation.
            "DELETE",
            format!("/api/v1/conversations/{conversation}/messages/{conversation}"),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/conversations/{conversation}/messages/{conversation}/files/0"),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "POST",
            format!("/healthspaces/{hs}/deactivate"),
            [
                LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/invitations/accept?token=x".into(),
            [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400],
        ),
        (
            "POST",
            "/invitations/accept".into(),
            [
                LOGIN, 400, 400, 400, 400, 400, 400, 400, 400, 400, VERIFY, 400,
            ],
        ),
        (
            "POST",
            "/h/alpha/invitations/no-such-id/revoke".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            "/h/alpha/invitations/no-such-id/resend".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Someone else's invitation, or none: no one learns whether it exists.
            "POST",
            "/account/invitations/no-such-id/accept".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, 404,
            ],
        ),
        (
            // Someone else's membership, or none: no one learns whether it exists.
            "GET",
            "/account/memberships/no-such-id/cancel".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, 404,
            ],
        ),
        (
            "POST",
            "/account/memberships/no-such-id/cancel".into(),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, 404,
            ],
        ),
        (
            // The live stream: each signed-in person's own; like the API, no redirect to log
            // in (a script reads it) but 401, and 403 for an unverified address.
            "GET",
            "/events".into(),
            [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, SETUP],
        ),
        // My Record: everyone's own; an item is its owner's alone, staff see it only through
        // a connection (nobody is connected to Cleo here).
        (
            "GET",
            "/record".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            "/record/access-log".into(),
            [
                LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200, VERIFY, SETUP,
            ],
        ),
        (
            // The form's fields carry no title: Cleo is told so.
            "POST",
            "/record/links".into(),
            [
                LOGIN, 422, 422, 422, 422, 422, 422, 422, 422, 422, VERIFY, SETUP,
            ],
        ),
        (
            // Not a multipart form: no file.
            "POST",
            "/record/documents".into(),
            [
                LOGIN, 422, 422, 422, 422, 422, 422, 422, 422, 422, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/record/items/{link}"),
            [
                LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "POST",
            format!("/record/items/{link}"),
            [
                LOGIN, 422, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // No Healthspace named in the form: nowhere to share with, for Cleo too.
            "POST",
            format!("/record/items/{link}/sharing"),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/record/items/{document}/file"),
            [
                LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            "GET",
            format!("/h/alpha/clients/{cleo_account}/items/{link}/file"),
            [
                LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        (
            // Last: Cleo's link is gone after her turn.
            "POST",
            format!("/record/items/{link}/delete"),
            [
                LOGIN, DONE, 404, 404, 404, 404, 404, 404, 404, 404, VERIFY, SETUP,
            ],
        ),
        // The record over the API.
        (
            // Nobody is connected to Cleo: her record there is no one's, not even an owner's.
            "GET",
            format!("/api/v1/healthspaces/alpha/clients/{cleo_account}/record"),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/healthspaces/dormant/clients/{cleo_account}/record"),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/healthspaces/alpha/clients/{cleo_account}/items/{document}/file"),
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            // Cleo's own document: hers alone.
            "GET",
            format!("/api/v1/record/items/{document}"),
            [401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/record/items/{document}/file"),
            [401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403],
        ),
    ]
}

#[tokio::test]
async fn every_route_answers_every_actor_as_the_policy_says() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (link, document) = (&w.cleo_items.0, &w.cleo_items.1);
    let items = (link.as_str(), document.as_str(), w.conversation.as_str());
    let table = table(&w.org, &w.hs, (&w.cleo, &w.cleo_account), items);
    for (method, path, expected) in &table {
        for (n, client) in w.clients.iter().enumerate() {
            let token = app.token_with(client, "/privacy").await;
            let response = if *method == "GET" {
                app.get_with(client, path).await
            } else if path.starts_with("/api/") {
                // The site's own scripts: JSON with the CSRF token in a header.
                let body = serde_json::json!({
                    "email": "new@example.nl",
                    "role": "client",
                    "birth_date": "1990-05-31",
                    "staff": "bram@example.nl",
                    "client": "cleo@example.nl",
                });
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                client
                    .request(method, app.url(path))
                    .header("x-csrf-token", token.as_str())
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            } else {
                app.post_with(
                    client,
                    path,
                    &[
                        ("csrf_token", token.as_str()),
                        ("name", "Alpha"),
                        ("alias", ""),
                        ("email", "new@example.nl"),
                        ("role", "client"),
                        ("birth_date", "1990-05-31"),
                        ("staff", "bram@example.nl"),
                        ("client", "cleo@example.nl"),
                        ("own_colours", "on"),
                        ("brand_primary", "#0b5c8a"),
                        ("brand_primary_text", "#ffffff"),
                    ],
                )
                .await
            };
            let context = format!("{method} {path} as {}", ACTORS[n]);
            assert_outcome(&response, expected[n], &context);
            if path.ends_with("/connections") {
                undo_connections(&app).await;
            }
        }
    }
}

fn assert_outcome(response: &reqwest::Response, expected: u16, context: &str) {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    match expected {
        LOGIN => {
            assert_eq!(status, 303, "{context}");
            assert!(
                location.starts_with("/login?next="),
                "{context}: {location}"
            );
        }
        VERIFY => {
            assert_eq!(status, 303, "{context}");
            assert_eq!(location, "/verify-pending", "{context}");
        }
        SETUP => {
            assert_eq!(status, 303, "{context}");
            assert_eq!(location, "/account/two-step", "{context}");
        }
        DONE => {
            assert_eq!(status, 303, "{context}");
            assert!(location.starts_with('/'), "{context}: {location}");
            assert!(
                !location.starts_with("/login")
                    && !location.starts_with("/verify-pending")
                    && !location.starts_with("/account/two-step"),
                "{context}: {location}"
            );
        }
        status_code => assert_eq!(status, status_code, "{context}"),
    }
}
