//! "My account": details, language, photo, email address and password.

use axum::Router;
use carespace_tests::{heading, link_in, new_client, spawn_app, spawn_app_with};
use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

#[tokio::test]
async fn details_and_language_change_and_the_language_applies_at_once() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let token = app.token_with(&client, "/account").await;
    let saved = app
        .post_with(
            &client,
            "/account/profile",
            &[
                ("csrf_token", &token),
                ("full_name", "Anna de Vries"),
                ("language", "en"),
                ("phone", "06 1234 5678"),
                ("phone_password", &anna.password),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    // The account's language wins over the browser's.
    let page = client
        .get(app.url("/account?done=profile"))
        .header("accept-language", "nl")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading(&page), "My account");
    assert!(page.contains("Your details have been saved."));
    assert!(page.contains("1990-05-31"), "the date of birth is shown");
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.full_name, "Anna de Vries");
    assert_eq!(stored.language, "en");
    assert_eq!(stored.phone.as_deref(), Some("+31612345678"));

    // The footer switch changes the account's language too, so emails follow.
    let token = app.token_with(&client, "/account").await;
    app.post_with(
        &client,
        "/language",
        &[
            ("csrf_token", &token),
            ("lang", "nl"),
            ("return_to", "/account"),
        ],
    )
    .await;
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.language, "nl");
}

#[tokio::test]
async fn bad_details_are_refused_and_kept_and_the_date_of_birth_cannot_change() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let token = app.token_with(&client, "/account").await;
    let response = app
        .post_with(
            &client,
            "/account/profile",
            &[
                ("csrf_token", &token),
                ("full_name", "  "),
                ("phone", "call me"),
                ("birth_date", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Vul je volledige naam in."));
    assert!(html.contains("value=\"call me\""));
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.full_name, "Anna Jansen");
    assert_eq!(stored.birth_date, "1990-05-31");
    assert_eq!(stored.phone, None);
}

async fn phone_of(app: &carespace_tests::TestApp, email: &str) -> Option<String> {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .unwrap()
        .phone
}

#[tokio::test]
async fn a_new_phone_number_asks_for_the_password() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let save = |phone: &'static str, password: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let token = app.token_with(client, "/account").await;
            app.post_with(
                client,
                "/account/profile",
                &[
                    ("csrf_token", token.as_str()),
                    ("full_name", "Anna de Vries"),
                    ("phone", phone),
                    ("phone_password", password),
                ],
            )
            .await
        }
    };

    let without = save("06 1234 5678", "").await;
    assert_eq!(without.status(), 422);
    let html = without.text().await.unwrap();
    assert!(html.contains("Vul je wachtwoord in om je telefoonnummer te wijzigen."));
    assert!(
        html.contains("value=\"06 1234 5678\""),
        "the number typed is kept"
    );
    assert!(
        html.contains("value=\"Anna de Vries\""),
        "the name typed is kept"
    );
    assert_eq!(phone_of(&app, &anna.email).await, None);

    let wrong = save("06 1234 5678", "not my password at all").await;
    assert_eq!(wrong.status(), 422);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Het huidige wachtwoord klopt niet."));
    assert!(html.contains("value=\"06 1234 5678\""));
    assert_eq!(phone_of(&app, &anna.email).await, None);
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.full_name, "Anna Jansen", "nothing half-written");

    let right = save("06 1234 5678", "lantern orbit meadow quietly").await;
    assert_eq!(right.status(), 303);
    assert_eq!(
        phone_of(&app, &anna.email).await.as_deref(),
        Some("+31612345678")
    );

    // The same number written differently is no change: the name changes without a password.
    let same = save("+31 6 12345678", "").await;
    assert_eq!(same.status(), 303);
    // Removing the number is a change too.
    assert_eq!(save("", "").await.status(), 422);
    assert_eq!(
        phone_of(&app, &anna.email).await.as_deref(),
        Some("+31612345678")
    );
}

#[tokio::test]
async fn the_api_asks_for_the_password_for_a_new_phone_number() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let csrf = app.token_with(&client, "/account").await;
    let patch = |body: serde_json::Value| {
        let (app, client, csrf) = (&app, &client, &csrf);
        async move {
            client
                .patch(app.url("/api/v1/me"))
                .header("x-csrf-token", csrf)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let without = patch(serde_json::json!({ "phone": "06 12345678" })).await;
    assert_eq!(without.status(), 422);
    let body: serde_json::Value = without.json().await.unwrap();
    assert!(
        body.to_string().contains("current_password_required"),
        "{body}"
    );
    let wrong =
        patch(serde_json::json!({ "phone": "06 12345678", "phone_password": "wrong one here" }))
            .await;
    assert_eq!(wrong.status(), 422);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert!(
        body.to_string().contains("current_password_wrong"),
        "{body}"
    );
    assert_eq!(phone_of(&app, &anna.email).await, None);
    let right =
        patch(serde_json::json!({ "phone": "06 12345678", "phone_password": anna.password })).await;
    assert_eq!(right.status(), 200);
    assert_eq!(
        phone_of(&app, &anna.email).await.as_deref(),
        Some("+31612345678")
    );
    // Other details change without it.
    let name = patch(serde_json::json!({ "full_name": "Anna de Vries" })).await;
    assert_eq!(name.status(), 200);
}

/// A JPEG with an EXIF segment holding a GPS position, as a phone camera writes it.
fn photo_with_gps() -> Vec<u8> {
    let picture = RgbImage::from_fn(1600, 1200, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut jpeg = Cursor::new(Vec::new());
    picture.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    let exif = b"Exif\0\0MM\0*GPSLatitude 52.3676 N GPSLongitude 4.9041 E";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(exif);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn upload(
    app: &carespace_tests::TestApp,
    client: &reqwest::Client,
    bytes: Vec<u8>,
    name: &str,
) -> reqwest::Response {
    let token = app.token_with(client, "/account").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    client
        .post(app.url("/account/photo"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_photo_is_stored_small_and_without_its_metadata() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let original = photo_with_gps();
    assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
    assert_eq!(
        upload(&app, &client, original, "holiday.jpg")
            .await
            .status(),
        303
    );

    let stored_row = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap();
    let id =
        carespace_store::files::ContentId::parse(stored_row.photo_id.as_deref().unwrap()).unwrap();
    let stored = app
        .ctx
        .files
        .open(&id, None)
        .await
        .unwrap()
        .unwrap()
        .read_all()
        .await
        .unwrap();
    assert!(!stored.windows(11).any(|w| w == b"GPSLatitude"));
    assert!(!stored.windows(4).any(|w| w == b"Exif"));
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 384));

    let served = app.get_with(&client, "/account/photo").await;
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap().to_vec(), stored);
    assert_eq!(
        app.get("/account/photo").await.status(),
        303,
        "not for anyone else"
    );

    let token = app.token_with(&client, "/account").await;
    assert_eq!(
        app.post_with(&client, "/account/photo/remove", &[("csrf_token", &token)])
            .await
            .status(),
        303
    );
    assert_eq!(app.get_with(&client, "/account/photo").await.status(), 404);
    assert!(
        app.ctx.files.open(&id, None).await.unwrap().is_none(),
        "the file is gone"
    );
}

#[tokio::test]
async fn a_large_photo_within_the_limit_is_accepted_and_one_over_it_refused() {
    let app = spawn_app_with(|c| c.accounts.photo_max_bytes = 4_000_000, Router::new()).await;
    let (_, client) = app.signed_up("Anna").await;
    // Noise does not compress: about 3 MB of PNG, more than a framework's default form limit.
    let mut seed: u32 = 7;
    let noise = RgbImage::from_fn(1000, 1000, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let [a, b, c, _] = seed.to_le_bytes();
        Rgb([a, b, c])
    });
    let mut png = Cursor::new(Vec::new());
    noise.write_to(&mut png, ImageFormat::Png).unwrap();
    let png = png.into_inner();
    assert!(
        png.len() > 2_500_000 && png.len() < 4_000_000,
        "{}",
        png.len()
    );
    assert_eq!(
        upload(&app, &client, png.clone(), "noise.png")
            .await
            .status(),
        303
    );

    let mut too_big = png;
    too_big.extend(std::iter::repeat_n(0u8, 1_500_000));
    let refused = upload(&app, &client, too_big, "noise.png").await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("De foto is te groot.")
    );
}

#[tokio::test]
async fn only_real_images_are_accepted_whatever_their_name() {
    let app = spawn_app().await;
    let (_, client) = app.signed_up("Anna").await;
    let response = upload(&app, &client, b"%PDF-1.7 not a photo".to_vec(), "photo.jpg").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Alleen JPEG-, PNG- of WebP-afbeeldingen")
    );
}

#[tokio::test]
async fn changing_the_email_address_needs_the_password_and_the_new_address_confirmed() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let token = app.token_with(&client, "/account").await;
    let wrong = app
        .post_with(
            &client,
            "/account/email",
            &[
                ("csrf_token", &token),
                ("new_email", "anna@new.example.nl"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Het huidige wachtwoord klopt niet.")
    );

    let asked = app
        .post_with(
            &client,
            "/account/email",
            &[
                ("csrf_token", &token),
                ("new_email", "Anna@New.example.nl"),
                ("password", &anna.password),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let stored = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap();
    assert!(
        stored.is_some(),
        "nothing changes before the new address is confirmed"
    );

    let mail = app.last_mail_to("anna@new.example.nl").await;
    let link = link_in(&mail, "/email/confirm?token=");
    let confirmed = app.confirm_link(&client, &link).await;
    assert_eq!(confirmed.status(), 200);

    let notice = app.last_mail_to(&anna.email).await;
    assert_eq!(notice.subject, "Je e-mailadres is gewijzigd");
    assert!(notice.text.contains("anna@new.example.nl"));
    assert_eq!(
        app.login_with(&new_client(), "anna@new.example.nl", &anna.password)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.login_with(&new_client(), &anna.email, &anna.password)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (anna, client) = app.signed_up("Anna").await;
    let other = app.logged_in(&anna).await;
    let token = app.token_with(&client, "/account").await;
    let wrong = app
        .post_with(
            &client,
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", "nope nope nope"),
                ("new_password", "copper kettle winter harbour"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let changed = app
        .post_with(
            &client,
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current_password", &anna.password),
                ("new_password", "copper kettle winter harbour"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(app.get_with(&client, "/account").await.status(), 200);
    assert_eq!(app.get_with(&other, "/account").await.status(), 303);
    assert_eq!(
        app.last_mail_to(&anna.email).await.subject,
        "Je wachtwoord is gewijzigd"
    );
}
