//! Every state-changing request needs the CSRF token of a page the site served.

use carespace_tests::{heading, new_client, spawn_app};

#[tokio::test]
async fn a_form_post_without_the_token_is_refused_with_a_page_in_the_users_language() {
    let app = spawn_app().await;
    app.get("/").await;
    let response = app
        .post_form_with_header(
            "/language",
            ("accept-language", "en"),
            &[("lang", "en"), ("return_to", "/")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no language was set"
    );
    assert_eq!(
        heading(&response.text().await.unwrap()),
        "The form has expired"
    );

    let response = app
        .post_form_with_header(
            "/language",
            ("accept-language", "nl"),
            &[("lang", "en"), ("csrf_token", "0".repeat(64).as_str())],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        heading(&response.text().await.unwrap()),
        "Het formulier is verlopen"
    );
}

#[tokio::test]
async fn the_token_of_one_browser_does_not_work_for_another() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let other_browser = new_client();
    other_browser.get(app.url("/")).send().await.unwrap();
    let response = other_browser
        .post(app.url("/language"))
        .form(&[("lang", "en"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_right_token_in_the_form_or_header_is_accepted() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let response = app
        .post_form(
            "/language",
            &[
                ("lang", "en"),
                ("return_to", "/login"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = app
        .post_form_with_header("/language", ("x-csrf-token", &token), &[("lang", "nl")])
        .await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn a_cross_site_request_is_refused_even_with_the_token() {
    let app = spawn_app().await;
    let token = app.csrf_token("/").await;
    let response = app
        .post_form_with_header(
            "/language",
            ("sec-fetch-site", "cross-site"),
            &[("lang", "en"), ("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_csrf_cookie_is_http_only_and_same_site_strict() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("csrf="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Sent once; the browser keeps it.
    assert!(
        app.get("/login")
            .await
            .headers()
            .get("set-cookie")
            .is_none()
    );
}
