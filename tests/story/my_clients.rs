//! "My clients": a staff member sees the clients they are connected to (most recent first,
//! searchable, paged) and each one's page; only a connection opens that page, and every visit is
//! in the audit log as a read of that client's data.

use crate::practice::{account_id, connect, healthspace, healthspace_id, join};
use carespace_core::ids::{AccountId, ConnectionId, HealthspaceId, MembershipId};
use carespace_core::memberships::{MembershipState, Role};
use carespace_tests::{Person, TestApp};

async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let response = app.get_with(browser, path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The audit entries with `action`, as (object id, client the entry is about).
async fn logged(app: &TestApp, action: &str) -> Vec<(Option<String>, Option<String>)> {
    // Reads are written through the batched appender: wait for its batch.
    app.ctx.audit.flush().await;
    carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == action)
        .map(|e| (e.record.object_id, e.record.client_account_id))
        .collect()
}

#[tokio::test]
async fn staff_see_their_clients_newest_connection_first_and_search_them_by_name() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;

    let (status, empty) = page(&app, &bram_browser, "/h/de-linde/clients").await;
    assert_eq!(status, 200);
    assert!(
        empty.contains("Je bent hier nog met geen enkele cliënt verbonden"),
        "a clear empty state: {empty}"
    );
    let dashboard = page(&app, &bram_browser, "/h/de-linde").await.1;
    assert!(dashboard.contains("href=\"/h/de-linde/clients\""));

    let (cleo, dirk, eva) = (Person::new("Cleo"), Person::new("Dirk"), Person::new("Eva"));
    for client in [&cleo, &dirk, &eva] {
        join(&app, &owner, "de-linde", client, "client").await;
    }
    for client in [&cleo, &dirk] {
        let made = connect(&app, &owner, "de-linde", &bram.email, &client.email).await;
        assert_eq!(made.status(), 303);
        app.advance(1000);
    }

    let list = page(&app, &bram_browser, "/h/de-linde/clients").await.1;
    let (at_cleo, at_dirk) = (list.find(&cleo.name), list.find(&dirk.name));
    assert!(
        at_dirk.unwrap() < at_cleo.unwrap(),
        "newest connection first"
    );
    assert!(!list.contains(&eva.name), "not connected to Eva");
    let found = page(&app, &bram_browser, "/h/de-linde/clients?q=DIRK")
        .await
        .1;
    assert!(found.contains(&dirk.name));
    assert!(!found.contains(&cleo.name));
    let nobody = page(&app, &bram_browser, "/h/de-linde/clients?q=zz")
        .await
        .1;
    assert!(nobody.contains("Geen van je cliënten heeft een naam die hierop lijkt."));
    assert!(logged(&app, "clients_listed").await.len() >= 4);

    // Clients and the owner have no such list.
    let cleo_browser = app.logged_in(&cleo).await;
    assert_eq!(
        page(&app, &cleo_browser, "/h/de-linde/clients").await.0,
        404
    );
    assert_eq!(page(&app, &owner, "/h/de-linde/clients").await.0, 404);
}

#[tokio::test]
async fn a_clients_page_opens_only_through_a_connection_and_each_visit_is_logged() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (bram, dana, cleo) = (
        Person::new("Bram"),
        Person::new("Dana"),
        Person::new("Cleo"),
    );
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    let dana_browser = join(&app, &owner, "de-linde", &dana, "admin").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;
    let cleo_id = account_id(&app, &cleo.email).await.to_string();
    let path = format!("/h/de-linde/clients/{cleo_id}");

    let (status, html) = page(&app, &bram_browser, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("<h1>{}</h1>", cleo.name)));
    assert!(html.contains("Verbonden medewerkers"));
    assert!(html.contains(&bram.name));
    assert_eq!(
        logged(&app, "client_viewed").await,
        vec![(Some(cleo_id.clone()), Some(cleo_id.clone()))],
        "in the log Cleo's data was read"
    );

    // An admin who is not connected, the owner, and a made-up id: not found, and refused.
    for browser in [&dana_browser, &owner] {
        assert_eq!(page(&app, browser, &path).await.0, 404);
    }
    let made_up = "/h/de-linde/clients/00000000-0000-7000-8000-000000000000";
    assert_eq!(page(&app, &bram_browser, made_up).await.0, 404);
    let refused: Vec<_> = logged(&app, "access_refused").await;
    assert!(
        refused
            .iter()
            .any(|(object, _)| object.as_deref() == Some(cleo_id.as_str()))
    );

    // Once the connection ends, so does the page.
    let hs = healthspace_id(&app, "de-linde").await;
    let bram_id = account_id(&app, &bram.email).await;
    let now = app.ctx.clock.now();
    carespace_store::connections::end_all_of(&app.ctx.db, &hs, &bram_id, &bram_id, now)
        .await
        .unwrap();
    assert_eq!(page(&app, &bram_browser, &path).await.0, 404);
}

/// Makes a client with a connection to `staff`, straight in the store: paging needs more
/// clients than signing up each would be worth.
async fn connected_client(app: &TestApp, hs: &HealthspaceId, staff: &AccountId, n: usize) {
    let now = app.ctx.clock.now();
    let account = carespace_store::accounts::AccountRow {
        id: AccountId::generate(),
        email: format!("client{n}@example.nl"),
        full_name: format!("Client {n:02}"),
        birth_date: "1990-01-01".into(),
        password_hash: String::new(),
        language: "nl".into(),
        phone: None,
        photo_id: None,
        email_verified_at: Some(now),
        created_at: now,
    };
    let client = account.id.clone();
    let mut tx = app.ctx.db.begin().await.unwrap();
    carespace_store::accounts::insert(&mut tx, &account)
        .await
        .unwrap();
    let membership = carespace_store::memberships::MembershipRow {
        id: MembershipId::generate(),
        healthspace_id: hs.clone(),
        account_id: client.clone(),
        role: Role::Client,
        state: MembershipState::Active,
        created_at: now,
        cancelled_at: None,
        cancelled_by: None,
    };
    carespace_store::memberships::insert(&mut tx, &membership)
        .await
        .unwrap();
    let connection = carespace_store::connections::ConnectionRow {
        id: ConnectionId::generate(),
        healthspace_id: hs.clone(),
        staff_account_id: staff.clone(),
        client_account_id: client,
        created_at: now,
    };
    carespace_store::connections::insert(&mut tx, &connection, staff)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn my_clients_pages_by_keyset_and_shows_each_client_once() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    let hs = healthspace_id(&app, "de-linde").await;
    let staff = account_id(&app, &bram.email).await;
    // All at the same moment: the keyset breaks ties by id.
    for n in 0..27 {
        connected_client(&app, &hs, &staff, n).await;
    }

    let first = page(&app, &bram_browser, "/h/de-linde/clients").await.1;
    let next = first
        .split("href=\"")
        .find(|part| part.starts_with("/h/de-linde/clients?"))
        .and_then(|part| part.split('"').next())
        .expect("a link to the next page")
        .replace("&#38;", "&");
    let second = page(&app, &bram_browser, &next).await.1;
    let names = |html: &str| -> Vec<String> {
        (0..27)
            .map(|n| format!("Client {n:02}"))
            .filter(|name| html.contains(&format!(">{name}</a>")))
            .collect()
    };
    let (a, b) = (names(&first), names(&second));
    assert_eq!(a.len(), 25);
    assert_eq!(b.len(), 2);
    assert!(a.iter().all(|name| !b.contains(name)), "no one twice");
    assert!(!second.contains("/h/de-linde/clients?"), "the last page");
}
