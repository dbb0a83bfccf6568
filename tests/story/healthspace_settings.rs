//! A Healthspace's settings and its own pages ("Beheer > Instellingen"): name,
//! address, welcome text, opening hours, logo and colours; the login page and dashboard that
//! show them; staff connecting themselves; the switcher in the navigation.

use crate::practice::{account_id, healthspace, join};
use carespace_store::audit::entries_after;
use carespace_tests::{Person, TestApp, csrf_token_in, new_client, spawn_app};
use image::{ImageFormat, Rgba, RgbaImage};
use std::io::Cursor;

fn settings_form<'a>(token: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf_token", token),
        ("name", "De Linde Utrecht"),
        ("address", "Lindelaan 1\n3512 AB Utrecht"),
        (
            "welcome_text",
            "<p>Hallo <strong>allemaal</strong></p><script>alert(1)</script>",
        ),
        ("opening_hours", "Ma–do 9:00–17:00"),
        ("own_colours", "on"),
        ("brand_primary", "#1d5e3a"),
        ("brand_primary_text", "#ffffff"),
    ];
    form.extend_from_slice(extra);
    form
}

async fn save(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_with(client, "/h/de-linde/settings", form).await
}

/// A PNG with a text chunk, like the comments and metadata image editors leave behind.
fn logo_with_comment() -> Vec<u8> {
    let image = RgbaImage::from_pixel(800, 200, Rgba([29, 94, 58, 255]));
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png).unwrap();
    let png = png.into_inner();
    let text = b"tEXtComment\0secret internal note";
    let mut chunk = u32::try_from(text.len() - 4)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    chunk.extend_from_slice(text);
    chunk.extend_from_slice(&[0, 0, 0, 0]); // the CRC is not checked by the decoder we use
    // After the signature (8 bytes) and the IHDR chunk (25 bytes).
    let mut out = png[..33].to_vec();
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[33..]);
    out
}

async fn upload_logo(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> reqwest::Response {
    let token = app.token_with(client, "/h/de-linde/settings").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "logo",
            reqwest::multipart::Part::bytes(bytes).file_name("logo.png"),
        );
    client
        .post(app.url("/h/de-linde/settings/logo"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_owner_brands_the_healthspace_and_its_pages_show_it() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let token = app.token_with(&owner, "/h/de-linde/settings").await;
    let saved = save(&app, &owner, &settings_form(&token, &[])).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        "/h/de-linde/settings?done=saved"
    );

    // Visitors get the login page: name, address and colours, a form that leads back here.
    let visitor = new_client();
    let page = app
        .get_with(&visitor, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("De Linde Utrecht"));
    assert!(page.contains("Lindelaan 1\n3512 AB Utrecht"));
    assert!(page.contains("name=\"next\" value=\"/h/de-linde\""));
    assert!(
        !page.contains("allemaal"),
        "the welcome text is for members"
    );
    let start = page
        .find("/h/de-linde/brand.css?v=")
        .expect("its stylesheet");
    let href = &page[start..start + page[start..].find('"').unwrap()];
    let css = app.get_with(&visitor, href).await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css = css.text().await.unwrap();
    assert!(css.contains("--brand-primary: #1d5e3a;"));
    assert!(css.contains("--brand-primary-text: #ffffff;"));

    // The logo: stored as a fresh PNG without what the upload carried.
    let original = logo_with_comment();
    assert!(original.windows(6).any(|w| w == b"secret"));
    assert_eq!(upload_logo(&app, &owner, original).await.status(), 303);
    let page = app
        .get_with(&visitor, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    let start = page
        .find("/h/de-linde/logo?v=")
        .expect("the logo on the login page");
    let src = &page[start..start + page[start..].find('"').unwrap()];
    assert!(page.contains("alt=\"Logo van De Linde Utrecht\""));
    let logo = app.get_with(&visitor, src).await;
    assert_eq!(logo.headers()["content-type"], "image/png");
    let logo = logo.bytes().await.unwrap();
    assert!(!logo.windows(6).any(|w| w == b"secret"));
    let decoded = image::load_from_memory(&logo).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 128));

    // A member logs in on that page and lands in the Healthspace: its dashboard.
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let member = new_client();
    let html = app
        .get_with(&member, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_token_in(&html).unwrap();
    let login = app
        .post_with(
            &member,
            "/login",
            &[
                ("csrf_token", csrf.as_str()),
                ("email", cleo.email.as_str()),
                ("password", cleo.password.as_str()),
                ("next", "/h/de-linde"),
            ],
        )
        .await;
    assert_eq!(login.headers()["location"], "/h/de-linde");
    let dashboard = app
        .get_with(&member, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("<p>Hallo <strong>allemaal</strong></p>"));
    assert!(!dashboard.contains("alert(1)"), "no script survives");
    assert!(dashboard.contains("Ma–do 9:00–17:00"));
    assert!(dashboard.contains("Je bent hier als: Cliënt"));
    assert!(
        !dashboard.contains("/h/de-linde/settings"),
        "not for clients"
    );

    // Both changes are in the audit log, under the Healthspace.
    let entries = entries_after(&app.ctx.db, 0, 1000).await.unwrap();
    for action in ["healthspace_settings_changed", "healthspace_logo_changed"] {
        let entry = entries
            .iter()
            .find(|e| e.record.action == action)
            .unwrap_or_else(|| panic!("{action}"));
        assert!(entry.record.healthspace_id.is_some());
        assert_eq!(entry.record.actor_role.as_deref(), Some("owner"));
    }

    // Removing the logo deletes the file.
    let token = app.token_with(&owner, "/h/de-linde/settings").await;
    let removed = app
        .post_with(
            &owner,
            "/h/de-linde/settings/logo/remove",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(app.get_with(&visitor, src).await.status(), 404);
}

#[tokio::test]
async fn unreadable_colours_and_bad_files_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let token = app.token_with(&owner, "/h/de-linde/settings").await;
    let light = settings_form(
        &token,
        &[
            ("brand_primary", "#ffd400"),
            ("brand_primary_text", "#000000"),
        ],
    );
    // The later value of a repeated field wins; keep only the light pair.
    let light: Vec<_> = light
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| !(*i < 8 && k.starts_with("brand_")))
        .map(|(_, f)| *f)
        .collect();
    let refused = save(&app, &owner, &light).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("De huiskleur is te licht"));
    assert!(
        page.contains("value=\"De Linde Utrecht\""),
        "what was typed stays"
    );
    assert!(page.contains("value=\"#ffd400\""));
    let stored = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "De Linde");
    assert_eq!(stored.settings.brand_primary, "");

    let dark_text = settings_form(&token, &[]);
    let dark_text: Vec<_> = dark_text
        .into_iter()
        .map(|(k, v)| {
            if k == "brand_primary_text" {
                (k, "#333333")
            } else {
                (k, v)
            }
        })
        .collect();
    let refused = save(&app, &owner, &dark_text).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("De tekstkleur is niet leesbaar")
    );

    let pdf = upload_logo(&app, &owner, b"%PDF-1.7 not a logo".to_vec()).await;
    assert_eq!(pdf.status(), 422);
    assert!(
        pdf.text()
            .await
            .unwrap()
            .contains("Alleen JPEG-, PNG- of WebP-afbeeldingen")
    );
    let stored = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.settings.logo_id, None);
}

async fn connect_self(
    app: &TestApp,
    staff: &reqwest::Client,
    client_email: &str,
) -> reqwest::Response {
    let token = app.token_with(staff, "/account").await;
    app.post_with(
        staff,
        "/h/de-linde/connections/self",
        &[
            ("csrf_token", token.as_str()),
            ("client_email", client_email),
        ],
    )
    .await
}

#[tokio::test]
async fn staff_connect_themselves_only_when_the_healthspace_allows_it() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = &join(&app, &owner, "de-linde", &Person::new("Bram"), "staff").await;
    let cleo = &join(&app, &owner, "de-linde", &Person::new("Cleo"), "client").await;
    let dashboard = app
        .get_with(bram, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    assert!(!dashboard.contains("/connections/self"), "off by default");
    assert_eq!(
        connect_self(&app, bram, "cleo@example.nl").await.status(),
        404
    );

    let token = app.token_with(&owner, "/h/de-linde/settings").await;
    let allow = [
        ("csrf_token", token.as_str()),
        ("name", "De Linde"),
        ("staff_connect_self", "on"),
    ];
    assert_eq!(save(&app, &owner, &allow).await.status(), 303);
    let dashboard = app
        .get_with(bram, "/h/de-linde")
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("/h/de-linde/connections/self"));

    let wrong = connect_self(&app, bram, "bram@example.nl").await;
    assert_eq!(wrong.status(), 422, "staff are not clients");
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("value=\"bram@example.nl\""));
    let connected = connect_self(&app, bram, "cleo@example.nl").await;
    assert_eq!(
        connected.headers()["location"],
        "/h/de-linde?done=connected"
    );
    let mine = app
        .get_with(cleo, "/account/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Bram Jansen"));
    let bram_id = account_id(&app, "bram@example.nl").await;
    let cleo_id = account_id(&app, "cleo@example.nl").await;
    let entries = entries_after(&app.ctx.db, 0, 1000).await.unwrap();
    let entry = entries
        .iter()
        .rfind(|e| e.record.action == "connection_created")
        .unwrap();
    assert_eq!(
        entry.record.actor_account_id.as_deref(),
        Some(bram_id.as_str())
    );
    assert_eq!(entry.record.actor_role.as_deref(), Some("staff"));
    assert_eq!(
        entry.record.client_account_id.as_deref(),
        Some(cleo_id.as_str())
    );

    // A client cannot connect themselves to anyone.
    let token = app.token_with(cleo, "/account").await;
    let by_client = app
        .post_with(
            cleo,
            "/h/de-linde/connections/self",
            &[
                ("csrf_token", token.as_str()),
                ("client_email", "cleo@example.nl"),
            ],
        )
        .await;
    assert_eq!(by_client.status(), 404);
}

#[tokio::test]
async fn the_navigation_lists_the_healthspaces_someone_can_enter() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let page = app.get_with(&owner, "/account").await.text().await.unwrap();
    assert!(page.contains("<a href=\"/h/de-linde\">De Linde</a>"));
    assert!(
        !page.contains("class=\"switcher\""),
        "one Healthspace: one link"
    );

    let org = carespace_store::organisations::owned_by(
        &app.ctx.db,
        &account_id(&app, "olga@example.nl").await,
    )
    .await
    .unwrap()
    .remove(0);
    let token = app
        .token_with(&owner, &format!("/organisation/{}", org.id))
        .await;
    app.post_with(
        &owner,
        &format!("/organisation/{}/healthspaces", org.id),
        &[
            ("csrf_token", token.as_str()),
            ("name", "Jeugd"),
            ("alias", "jeugd"),
        ],
    )
    .await;
    let page = app.get_with(&owner, "/h/jeugd").await.text().await.unwrap();
    assert!(page.contains("class=\"switcher\""));
    assert!(page.contains("<a href=\"/h/jeugd\" aria-current=\"page\">Jeugd</a>"));
    assert!(page.contains("<a href=\"/h/de-linde\">De Linde</a>"));

    // A member does not see an inactive Healthspace, nor one they left.
    let (_, stranger) = app.signed_up("Sam").await;
    let page = app
        .get_with(&stranger, "/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("/h/de-linde"));
}
