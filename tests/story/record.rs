//! My Record: a client's links and documents are private until they share them with a
//! Healthspace; only staff connected to them there see what is shared; events of their care
//! are written where they happen; every look by someone else is in "Who viewed my record"; and
//! nothing of the contents is stored in clear.

use crate::practice::{account_id, connect, healthspace, healthspace_id, join};
use carespace_tests::{Person, TestApp, TestBackend, backend};
use sqlx::Row;

async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let response = app.get_with(browser, path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn post(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let token = app.token_with(browser, "/record").await;
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    let response = app.post_with(browser, path, &all).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The ids of the account's record items, newest first.
async fn item_ids(app: &TestApp, email: &str) -> Vec<String> {
    let account = account_id(app, email).await;
    sqlx::query("SELECT id FROM record_items WHERE account_id = $1 ORDER BY created_at DESC")
        .bind(account.as_str())
        .fetch_all(&raw(app).await)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get::<String, _>("id"))
        .collect()
}

/// A practice: Bram (staff) connected to Cleo (client) in De Linde; Eva staff there, not
/// connected; returns (owner, Bram, Cleo, Eva) browsers.
async fn practice(app: &TestApp, cleo: &Person) -> [reqwest::Client; 4] {
    let owner = healthspace(app, "de-linde").await;
    let (bram, eva) = (Person::new("Bram"), Person::new("Eva"));
    let bram_browser = join(app, &owner, "de-linde", &bram, "staff").await;
    let eva_browser = join(app, &owner, "de-linde", &eva, "staff").await;
    let cleo_browser = join(app, &owner, "de-linde", cleo, "client").await;
    let made = connect(app, &owner, "de-linde", &bram.email, &cleo.email).await;
    assert_eq!(made.status(), 303);
    [owner, bram_browser, cleo_browser, eva_browser]
}

#[tokio::test]
async fn a_link_is_private_until_shared_and_then_only_connected_staff_see_it() {
    let app = carespace_tests::spawn_app().await;
    let cleo = Person::new("Cleo");
    let [owner, bram, cleo_browser, eva] = practice(&app, &cleo).await;
    let cleo_id = account_id(&app, &cleo.email).await;
    let client_page = format!("/h/de-linde/clients/{cleo_id}");

    let (status, _) = post(
        &app,
        &cleo_browser,
        "/record/links",
        &[
            ("title", "Thuisarts over angst"),
            ("url", "https://www.thuisarts.nl/angst"),
            ("note", "Tip van de huisarts"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, record) = page(&app, &cleo_browser, "/record").await;
    assert_eq!(status, 200);
    assert!(record.contains("Thuisarts over angst"), "{record}");
    assert!(record.contains("Privé: alleen jij ziet dit"));
    assert!(
        record.contains("Lidmaatschap van De Linde begonnen"),
        "events too"
    );
    assert!(
        record.contains("van De Linde is aan je gekoppeld"),
        "{record}"
    );

    let (_, seen) = page(&app, &bram, &client_page).await;
    assert!(!seen.contains("Thuisarts over angst"), "private: {seen}");
    assert!(seen.contains("De cliënt deelt niets met deze Healthspace."));

    let item = item_ids(&app, &cleo.email).await.remove(0);
    let hs = healthspace_id(&app, "de-linde").await;
    let sharing = format!("/record/items/{item}/sharing");
    let (status, _) = post(
        &app,
        &cleo_browser,
        &sharing,
        &[("healthspace", hs.as_str()), ("choice", "shared")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, item_page) = page(&app, &cleo_browser, &format!("/record/items/{item}")).await;
    assert!(item_page.contains("Gedeeld met De Linde"), "{item_page}");

    let (status, seen) = page(&app, &bram, &client_page).await;
    assert_eq!(status, 200);
    assert!(seen.contains("Thuisarts over angst"), "shared: {seen}");
    assert!(seen.contains("https://www.thuisarts.nl/angst"));
    assert!(seen.contains("Je hebt een document gedeeld met De Linde"));
    // Not connected, or only owning the organisation: nothing.
    assert_eq!(page(&app, &eva, &client_page).await.0, 404);
    assert_eq!(page(&app, &owner, &client_page).await.0, 404);

    // Private again: gone for Bram.
    let (status, _) = post(
        &app,
        &cleo_browser,
        &sharing,
        &[("healthspace", hs.as_str()), ("choice", "private")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, seen) = page(&app, &bram, &client_page).await;
    assert!(!seen.contains("Thuisarts over angst"));

    // Who viewed my record: Bram's views and Eva's refused try, not Cleo's own doings.
    app.ctx.audit.flush().await;
    let (status, log) = page(&app, &cleo_browser, "/record/access-log").await;
    assert_eq!(status, 200);
    assert!(log.contains("Bram"), "{log}");
    assert!(log.contains("Eva"), "the refused try: {log}");
    assert!(log.contains("geweigerd"));
    assert!(log.contains("Medewerker"), "role: {log}");
    assert!(
        !log.contains("Item aan eigen dossier toegevoegd"),
        "own acts are not listed"
    );
    app.ctx.audit.flush().await;
    let viewed = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access_log_viewed'
         AND actor_account_id = $1",
    )
    .bind(cleo_id.as_str())
    .fetch_one(&raw(&app).await)
    .await
    .unwrap()
    .get::<i64, _>("n");
    assert_eq!(viewed, 1, "opening the access log is logged");
}

#[tokio::test]
async fn bad_links_are_refused_with_the_input_kept_and_nothing_stored() {
    let app = carespace_tests::spawn_app().await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;
    let (status, html) = post(
        &app,
        &browser,
        "/record/links",
        &[
            ("title", "Mijn script"),
            ("url", "javascript:alert(1)"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Vul een volledig webadres in"), "{html}");
    assert!(html.contains("value=\"Mijn script\""), "input kept");
    assert!(item_ids(&app, &cleo.email).await.is_empty());
}

#[tokio::test]
async fn nobody_else_reaches_a_clients_own_items() {
    let app = carespace_tests::spawn_app().await;
    let cleo = Person::new("Cleo");
    let [_owner, bram, cleo_browser, _eva] = practice(&app, &cleo).await;
    let fields = [
        ("title", "Verwijzing"),
        ("url", "https://example.org/v"),
        ("note", ""),
    ];
    assert_eq!(
        post(&app, &cleo_browser, "/record/links", &fields).await.0,
        303
    );
    let item = item_ids(&app, &cleo.email).await.remove(0);
    let dirk = Person::new("Dirk");
    app.sign_up(&dirk).await;
    let dirk_browser = app.logged_in(&dirk).await;
    let own = format!("/record/items/{item}");
    assert_eq!(page(&app, &dirk_browser, &own).await.0, 404);
    assert_eq!(
        page(&app, &bram, &own).await.0,
        404,
        "staff only through the Healthspace"
    );
    let hs = healthspace_id(&app, "de-linde").await;
    let share = [("healthspace", hs.as_str()), ("choice", "shared")];
    let sharing = format!("{own}/sharing");
    assert_eq!(post(&app, &dirk_browser, &sharing, &share).await.0, 404);
    assert_eq!(
        post(&app, &dirk_browser, &format!("{own}/delete"), &[])
            .await
            .0,
        404
    );
    assert_eq!(item_ids(&app, &cleo.email).await.len(), 1, "still there");
    // Sharing with a Healthspace where Cleo is no client: refused.
    let other = carespace_core::ids::HealthspaceId::generate();
    let elsewhere = [("healthspace", other.as_str()), ("choice", "shared")];
    assert_eq!(post(&app, &cleo_browser, &sharing, &elsewhere).await.0, 404);
}

#[tokio::test]
async fn titles_notes_and_links_are_stored_only_sealed() {
    let app = carespace_tests::spawn_app().await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;
    let marker = "MARKER-7f3a-psychiatrische-brief";
    let fields = [
        ("title", marker),
        (
            "url",
            "https://example.org/MARKER-7f3a-psychiatrische-brief",
        ),
        ("note", marker),
    ];
    assert_eq!(post(&app, &browser, "/record/links", &fields).await.0, 303);
    let (_, record) = page(&app, &browser, "/record").await;
    assert!(record.contains(marker), "the client reads it back");
    let rows = sqlx::query("SELECT title, note, url FROM record_items")
        .fetch_all(&raw(&app).await)
        .await
        .unwrap();
    for row in rows {
        for column in ["title", "note", "url"] {
            let bytes: Vec<u8> = row.get(column);
            assert!(!contains(&bytes, marker.as_bytes()), "{column} in clear");
        }
    }
    if backend() == TestBackend::Sqlite {
        let path = app
            .database_url()
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        for file in [path.clone(), format!("{path}-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(!contains(&bytes, b"MARKER-7f3a"), "{file} holds the marker");
            }
        }
    }
}

/// A connection of its own to the test's database, to look at what is stored.
async fn raw(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.database_url()).await.unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
