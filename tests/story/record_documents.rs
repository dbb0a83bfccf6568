//! Documents in My Record: uploaded as a stream (type by content, size limit while streaming,
//! ClamAV), kept byte for byte but sealed at rest, downloaded with Range, shared per
//! Healthspace; a connected staff member's opening shows in the client's access log.

use crate::practice::{account_id, connect, healthspace, healthspace_id, join};
use carespace_tests::files::{clamd, stored_objects};
use carespace_tests::{Person, TestApp, spawn_app, spawn_app_with};
use reqwest::multipart::{Form, Part};

/// The EICAR test file, which every virus scanner reports; split so that this source file is
/// not itself reported.
const EICAR: &str = concat!(
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
    "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
);

/// A PDF of `len` bytes whose body repeats `marker`.
fn pdf(marker: &str, len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < len {
        bytes.extend_from_slice(marker.as_bytes());
        bytes.push(b'\n');
    }
    bytes.truncate(len);
    bytes
}

async fn upload(
    app: &TestApp,
    browser: &reqwest::Client,
    (title, file_name): (&str, &str),
    bytes: Vec<u8>,
) -> (u16, String) {
    let token = app.token_with(browser, "/record").await;
    let form = Form::new()
        .text("csrf_token", token)
        .text("title", title.to_owned())
        .text("note", "")
        .part("file", Part::bytes(bytes).file_name(file_name.to_owned()));
    let response = browser
        .post(app.url("/record/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn item_ids(app: &TestApp, email: &str) -> Vec<String> {
    let account = account_id(app, email).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM record_items WHERE account_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(account.as_str())
    .fetch_all(&pool)
    .await
    .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

async fn get(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    range: Option<&str>,
) -> reqwest::Response {
    let mut request = browser.get(app.url(path));
    if let Some(range) = range {
        request = request.header("range", range);
    }
    request.send().await.unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_document_comes_back_byte_for_byte_and_in_ranges_but_is_sealed_at_rest() {
    let app = spawn_app().await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;
    let marker = "MARKER-b41c-verwijsbrief";
    // More than two 64 KiB chunks, so ranges cross chunk borders.
    let bytes = pdf(marker, 200_000);
    let (status, _) = upload(&app, &browser, (marker, "verwijsbrief.pdf"), bytes.clone()).await;
    assert_eq!(status, 303);
    let item = item_ids(&app, &cleo.email).await.remove(0);
    let file = format!("/record/items/{item}/file");

    let whole = get(&app, &browser, &file, None).await;
    assert_eq!(whole.status(), 200);
    let headers = whole.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("verwijsbrief.pdf"));
    assert_eq!(whole.bytes().await.unwrap().to_vec(), bytes);

    let part = get(&app, &browser, &file, Some("bytes=65530-65545")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 65530-65545/200000");
    assert_eq!(part.bytes().await.unwrap().to_vec(), bytes[65530..=65545]);
    let tail = get(&app, &browser, &file, Some("bytes=-10")).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().to_vec(), bytes[199_990..]);
    let beyond = get(&app, &browser, &file, Some("bytes=200000-")).await;
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], "bytes */200000");

    // Neither the database nor the file store holds the marker.
    for (name, object) in stored_objects(&app.config).await {
        assert!(
            !contains(&object, marker.as_bytes()),
            "{name} holds the marker"
        );
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let rows: Vec<(Vec<u8>, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT title, file_name FROM record_items")
            .fetch_all(&pool)
            .await
            .unwrap();
    for (title, name) in rows {
        assert!(!contains(&title, marker.as_bytes()));
        assert!(!contains(&name.unwrap_or_default(), b"verwijsbrief"));
    }

    // Deleting removes the file from the store too.
    let token = app.token_with(&browser, "/record").await;
    let deleted = app
        .post_with(
            &browser,
            &format!("/record/items/{item}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(get(&app, &browser, &file, None).await.status(), 404);
    assert!(stored_objects(&app.config).await.is_empty(), "file removed");
}

#[tokio::test]
async fn the_type_is_decided_by_content_and_refusals_store_nothing() {
    let app = spawn_app_with(
        |config| config.files.document_max_mb = 1,
        Default::default(),
    )
    .await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;

    // A PDF named .jpg is a PDF: kept, and served as one.
    let (status, _) = upload(&app, &browser, ("Scan", "scan.jpg"), pdf("x", 2000)).await;
    assert_eq!(status, 303);
    let item = item_ids(&app, &cleo.email).await.remove(0);
    let served = get(&app, &browser, &format!("/record/items/{item}/file"), None).await;
    assert_eq!(served.headers()["content-type"], "application/pdf");

    // A program named .pdf is refused, with the title kept.
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    program.extend(std::iter::repeat_n(0u8, 4000));
    let (status, html) = upload(&app, &browser, ("Factuur", "factuur.pdf"), program).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Dit soort bestand kan hier niet bewaard worden"),
        "{html}"
    );
    assert!(html.contains("value=\"Factuur\""), "input kept");

    // Past the limit (1 MB here): refused while streaming, with the limit named.
    let (status, html) = upload(&app, &browser, ("Groot", "groot.pdf"), pdf("y", 1_500_000)).await;
    assert_eq!(status, 422);
    assert!(html.contains("1 MB"), "{html}");

    // No title: the staged file goes again.
    let (status, _) = upload(&app, &browser, ("", "brief.pdf"), pdf("z", 1000)).await;
    assert_eq!(status, 422);

    assert_eq!(item_ids(&app, &cleo.email).await.len(), 1, "only the PDF");
    assert_eq!(
        stored_objects(&app.config).await.len(),
        1,
        "nothing else stored"
    );
}

#[tokio::test]
async fn clamd_refuses_an_infected_upload_and_the_refusal_is_audit_logged() {
    let Some(clamd) = clamd() else {
        return;
    };
    let app = spawn_app_with(
        |config| config.files.clamd = Some(clamd),
        Default::default(),
    )
    .await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;
    let (status, html) = upload(
        &app,
        &browser,
        ("Test", "eicar.txt"),
        EICAR.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("De virusscanner vond iets schadelijks"),
        "{html}"
    );
    assert!(item_ids(&app, &cleo.email).await.is_empty());
    assert!(stored_objects(&app.config).await.is_empty());
    let refused = carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "record_upload_refused")
        .count();
    assert_eq!(refused, 1);
}

#[tokio::test]
async fn connected_staff_open_a_shared_document_and_the_client_sees_who_did() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (bram, eva, cleo) = (Person::new("Bram"), Person::new("Eva"), Person::new("Cleo"));
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    let eva_browser = join(&app, &owner, "de-linde", &eva, "staff").await;
    let cleo_browser = join(&app, &owner, "de-linde", &cleo, "client").await;
    assert_eq!(
        connect(&app, &owner, "de-linde", &bram.email, &cleo.email)
            .await
            .status(),
        303
    );
    let bytes = pdf("röntgenverslag", 5000);
    let (status, _) = upload(
        &app,
        &cleo_browser,
        ("Röntgenverslag", "xray.pdf"),
        bytes.clone(),
    )
    .await;
    assert_eq!(status, 303);
    let item = item_ids(&app, &cleo.email).await.remove(0);
    let cleo_id = account_id(&app, &cleo.email).await;
    let staff_file = format!("/h/de-linde/clients/{cleo_id}/items/{item}/file");

    // Private: not even Bram.
    assert_eq!(
        get(&app, &bram_browser, &staff_file, None).await.status(),
        404
    );
    let hs = healthspace_id(&app, "de-linde").await;
    let token = app.token_with(&cleo_browser, "/record").await;
    let shared = app
        .post_with(
            &cleo_browser,
            &format!("/record/items/{item}/sharing"),
            &[
                ("csrf_token", &token),
                ("healthspace", hs.as_str()),
                ("choice", "shared"),
            ],
        )
        .await;
    assert_eq!(shared.status(), 303);
    let opened = get(&app, &bram_browser, &staff_file, None).await;
    assert_eq!(opened.status(), 200);
    assert_eq!(opened.bytes().await.unwrap().to_vec(), bytes);
    assert_eq!(
        get(&app, &eva_browser, &staff_file, None).await.status(),
        404
    );
    assert_eq!(get(&app, &owner, &staff_file, None).await.status(), 404);

    app.ctx.audit.flush().await;
    let entries = carespace_store::audit::entries_after(&app.ctx.db, 0, 10_000)
        .await
        .unwrap();
    let opened: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "record_item_opened")
        .collect();
    assert_eq!(opened.len(), 1, "one opening");
    let entry = &opened[0].record;
    assert_eq!(entry.object_id.as_deref(), Some(item.as_str()));
    assert_eq!(entry.client_account_id.as_deref(), Some(cleo_id.as_str()));
    assert_eq!(entry.healthspace_id.as_deref(), Some(hs.as_str()));
    assert_eq!(entry.actor_role.as_deref(), Some("staff"));
    let (_, log) = {
        let response = app.get_with(&cleo_browser, "/record/access-log").await;
        (response.status(), response.text().await.unwrap())
    };
    assert!(log.contains("Dossieritem geopend"), "{log}");
    assert!(log.contains(&bram.name));

    // The membership cancelled: Bram no longer reaches it; Cleo keeps it.
    let membership: (String,) = {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
        sqlx::query_as("SELECT id FROM memberships WHERE account_id = $1")
            .bind(cleo_id.as_str())
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let actor = carespace_tests::actor_of(cleo_id.as_str());
    carespace_app::memberships::cancel_own(&app.ctx, &actor, &membership.0)
        .await
        .unwrap();
    assert_eq!(
        get(&app, &bram_browser, &staff_file, None).await.status(),
        404
    );
    let own = get(
        &app,
        &cleo_browser,
        &format!("/record/items/{item}/file"),
        None,
    )
    .await;
    assert_eq!(own.status(), 200);
    let record = app
        .get_with(&cleo_browser, "/record")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        record.contains("Lidmaatschap van De Linde beëindigd"),
        "{record}"
    );
}
