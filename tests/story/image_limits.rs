//! Uploaded pictures cannot exhaust the server: a picture of more than 4096 × 4096 pixels is
//! refused before it is decoded, however small its file, and one account uploads at most 20
//! photos and logos an hour.

use crate::practice::healthspace;
use carespace_tests::{Person, TestApp, spawn_app};
use image::{ImageFormat, Luma, Rgb, RgbImage};
use std::io::Cursor;

/// A PNG whose header says 9000 × 7000 pixels, in a file of a few hundred bytes, as a
/// single-colour picture that size compresses to: the header is all a decoder needs to allocate.
fn huge_png() -> Vec<u8> {
    let mut png = Cursor::new(Vec::new());
    image::GrayImage::from_pixel(16, 16, Luma([200]))
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    let mut png = png.into_inner();
    // The IHDR chunk follows the 8-byte signature: length, type, width, height, …, CRC.
    png[16..20].copy_from_slice(&9000u32.to_be_bytes());
    png[20..24].copy_from_slice(&7000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// The CRC-32 that PNG chunks carry.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn small_png() -> Vec<u8> {
    let mut png = Cursor::new(Vec::new());
    RgbImage::from_pixel(40, 30, Rgb([20, 90, 60]))
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    png.into_inner()
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    field: &str,
    path: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = app.token_with(client, page).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            field.to_owned(),
            reqwest::multipart::Part::bytes(bytes).file_name("picture.png"),
        );
    client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn upload_photo(
    app: &TestApp,
    client: &reqwest::Client,
    bytes: Vec<u8>,
) -> reqwest::Response {
    upload(app, client, "/account", "photo", "/account/photo", bytes).await
}

async fn upload_logo(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> reqwest::Response {
    let settings = "/h/de-linde/settings";
    upload(
        app,
        client,
        settings,
        "logo",
        "/h/de-linde/settings/logo",
        bytes,
    )
    .await
}

async fn photo_id(app: &TestApp, email: &str) -> Option<String> {
    carespace_store::accounts::find_by_email(&app.ctx.db, email)
        .await
        .unwrap()
        .unwrap()
        .photo_id
}

#[tokio::test]
async fn a_picture_of_too_many_pixels_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let huge = huge_png();

    let photo = upload_photo(&app, &owner, huge.clone()).await;
    assert_eq!(photo.status(), 422);
    let page = photo.text().await.unwrap();
    assert!(
        page.contains("De foto heeft te veel pixels: hoogstens 4096 × 4096."),
        "{page}"
    );
    assert_eq!(photo_id(&app, "olga@example.nl").await, None);

    let logo = upload_logo(&app, &owner, huge).await;
    assert_eq!(logo.status(), 422);
    let page = logo.text().await.unwrap();
    assert!(
        page.contains("De afbeelding heeft te veel pixels"),
        "{page}"
    );
    let stored = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.settings.logo_id, None);
}

#[tokio::test]
async fn one_account_uploads_at_most_twenty_pictures_an_hour() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (anna, annas_browser) = app.signed_up("Anna").await;
    for n in 1..=10 {
        let photo = upload_photo(&app, &owner, small_png()).await;
        assert_eq!(photo.status(), 303, "photo {n}");
        let logo = upload_logo(&app, &owner, small_png()).await;
        assert_eq!(logo.status(), 303, "logo {n}");
    }
    let stored_before = photo_id(&app, "olga@example.nl").await;

    // Photos and logos count together, per account.
    let refused = upload_photo(&app, &owner, small_png()).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.text().await.unwrap().contains("Te veel pogingen"));
    assert_eq!(upload_logo(&app, &owner, small_png()).await.status(), 429);
    assert_eq!(photo_id(&app, "olga@example.nl").await, stored_before);
    // Someone else is not held back.
    assert_eq!(
        upload_photo(&app, &annas_browser, small_png())
            .await
            .status(),
        303
    );
    assert!(photo_id(&app, &anna.email).await.is_some());

    // An hour later (and logged in again: the session has timed out meanwhile).
    app.advance(3_600_000);
    let owner = app.logged_in(&Person::new("Olga")).await;
    assert_eq!(upload_photo(&app, &owner, small_png()).await.status(), 303);
}
