//! Every route of the site, and the security headers each one must carry.

use axum::Router;
use carespace_tests::{spawn_app, spawn_app_with};
use reqwest::Method;

/// Every route with a request that reaches it, and the status it answers. When you add a
/// route, add it here.
pub fn every_route() -> Vec<(Method, String, u16)> {
    vec![
        (Method::GET, "/".into(), 200),
        (Method::GET, "/login".into(), 200),
        (Method::POST, "/login".into(), 403),
        (Method::GET, "/login/second-step".into(), 303),
        (Method::POST, "/login/second-step".into(), 403),
        (Method::POST, "/login/second-step/sms".into(), 403),
        (Method::POST, "/login/passkey".into(), 403),
        (Method::POST, "/login/passkey/options".into(), 403),
        (Method::POST, "/login/second-step/passkey".into(), 403),
        (
            Method::POST,
            "/login/second-step/passkey/options".into(),
            403,
        ),
        (Method::POST, "/logout".into(), 403),
        (Method::GET, "/register".into(), 200),
        (Method::POST, "/register".into(), 403),
        (Method::GET, "/register/done".into(), 200),
        (Method::GET, "/verify-email?token=x".into(), 200),
        (Method::POST, "/verify-email".into(), 403),
        (Method::GET, "/verify-pending".into(), 303),
        (Method::GET, "/password/forgot".into(), 200),
        (Method::POST, "/password/forgot".into(), 403),
        (Method::GET, "/password/reset?token=x".into(), 400),
        (Method::POST, "/password/reset".into(), 403),
        (Method::GET, "/privacy".into(), 200),
        (Method::GET, "/account".into(), 303),
        (Method::POST, "/account/profile".into(), 403),
        (Method::POST, "/account/birth-date".into(), 403),
        (Method::GET, "/account/photo".into(), 303),
        (Method::POST, "/account/photo".into(), 403),
        (Method::POST, "/account/photo/remove".into(), 403),
        (Method::POST, "/account/email".into(), 403),
        (Method::POST, "/account/password".into(), 403),
        (Method::POST, "/account/message-notices".into(), 403),
        (Method::GET, "/email/confirm?token=x".into(), 200),
        (Method::POST, "/email/confirm".into(), 403),
        (Method::GET, "/account/sessions".into(), 303),
        (Method::POST, "/account/sessions/end-others".into(), 403),
        (Method::POST, "/account/sessions/x/end".into(), 403),
        (
            Method::POST,
            "/account/sessions/remembered/x/forget".into(),
            403,
        ),
        (Method::GET, "/account/two-step".into(), 303),
        (Method::POST, "/account/two-step/app".into(), 403),
        (Method::POST, "/account/two-step/app/confirm".into(), 403),
        (Method::POST, "/account/two-step/recovery-codes".into(), 403),
        (Method::POST, "/account/two-step/remove".into(), 403),
        (Method::POST, "/account/two-step/sms".into(), 403),
        (Method::POST, "/account/two-step/sms/confirm".into(), 403),
        (Method::POST, "/account/two-step/sms/code".into(), 403),
        (Method::POST, "/account/two-step/sms/remove".into(), 403),
        (Method::POST, "/account/passkeys".into(), 403),
        (Method::GET, "/account/passkeys/new".into(), 303),
        (Method::POST, "/account/passkeys/options".into(), 403),
        (
            Method::POST,
            "/account/passkeys/confirm-options".into(),
            403,
        ),
        (Method::GET, "/account/passkeys/x".into(), 303),
        (Method::POST, "/account/passkeys/x/rename".into(), 403),
        (Method::POST, "/account/passkeys/x/remove".into(), 403),
        (Method::GET, "/account/tokens".into(), 303),
        (Method::POST, "/account/tokens".into(), 403),
        (Method::POST, "/account/tokens/x/revoke".into(), 403),
        (Method::GET, "/organisation".into(), 303),
        (Method::GET, "/organisation/x".into(), 303),
        (Method::POST, "/organisation/x".into(), 403),
        (Method::POST, "/organisation/x/healthspaces".into(), 403),
        (Method::POST, "/organisation/x/owners".into(), 403),
        (Method::POST, "/organisation/x/owners/remove".into(), 403),
        (Method::POST, "/healthspaces/x/activate".into(), 403),
        (Method::GET, "/healthspaces/x/deactivate".into(), 303),
        (Method::POST, "/healthspaces/x/deactivate".into(), 403),
        (Method::GET, "/h/no-such-alias".into(), 404),
        (Method::GET, "/h/no-such-alias/members".into(), 303),
        (Method::GET, "/h/no-such-alias/brand.css".into(), 404),
        (Method::GET, "/h/no-such-alias/logo".into(), 404),
        (Method::POST, "/h/x/connections/self".into(), 403),
        (Method::GET, "/h/x/settings".into(), 303),
        (Method::GET, "/h/x/seats".into(), 303),
        (Method::GET, "/h/x/audit".into(), 303),
        (Method::GET, "/h/x/seats.csv".into(), 303),
        (Method::POST, "/h/x/settings".into(), 403),
        (Method::POST, "/h/x/settings/logo".into(), 403),
        (Method::POST, "/h/x/settings/logo/remove".into(), 403),
        (Method::POST, "/h/x/invitations".into(), 403),
        (Method::POST, "/h/x/invitations/y/revoke".into(), 403),
        (Method::POST, "/h/x/invitations/y/resend".into(), 403),
        (Method::POST, "/h/x/connections".into(), 403),
        (Method::GET, "/h/x/connections".into(), 303),
        (Method::POST, "/h/x/connections/y/end".into(), 403),
        (Method::POST, "/h/x/memberships/y/cancel".into(), 403),
        (Method::POST, "/h/x/memberships/y/role".into(), 403),
        (Method::GET, "/h/x/clients".into(), 303),
        (Method::GET, "/h/x/clients/y".into(), 303),
        (Method::GET, "/h/x/clients/y/items/z/file".into(), 303),
        (Method::GET, "/record".into(), 303),
        (Method::POST, "/record/links".into(), 403),
        (Method::POST, "/record/documents".into(), 403),
        (Method::GET, "/record/access-log".into(), 303),
        (Method::GET, "/record/items/z".into(), 303),
        (Method::POST, "/record/items/z".into(), 403),
        (Method::POST, "/record/items/z/delete".into(), 403),
        (Method::POST, "/record/items/z/sharing".into(), 403),
        (Method::GET, "/record/items/z/file".into(), 303),
        (Method::GET, "/messages".into(), 303),
        (Method::GET, "/messages/new".into(), 303),
        (Method::POST, "/messages/new".into(), 403),
        (Method::GET, "/messages/z".into(), 303),
        (Method::POST, "/messages/z".into(), 403),
        (Method::POST, "/messages/z/messages/y/remove".into(), 403),
        (Method::GET, "/messages/z/messages/y/files/0".into(), 303),
        (Method::GET, "/invitations/accept?token=x".into(), 400),
        (Method::POST, "/invitations/accept".into(), 403),
        (Method::GET, "/account/memberships".into(), 303),
        (Method::GET, "/account/memberships/x/cancel".into(), 303),
        (Method::POST, "/account/memberships/x/cancel".into(), 403),
        (Method::GET, "/account/connections".into(), 303),
        (Method::POST, "/account/invitations/x/accept".into(), 403),
        (Method::GET, "/dev/inbox".into(), 404),
        (Method::GET, "/dev/inbox/x.eml".into(), 404),
        (Method::GET, "/api/v1/openapi.json".into(), 200),
        (Method::POST, "/api/v1/accounts".into(), 403),
        (Method::POST, "/api/v1/password-reset".into(), 403),
        (Method::GET, "/api/v1/me".into(), 401),
        (Method::PATCH, "/api/v1/me".into(), 403),
        (Method::POST, "/api/v1/me/birth-date".into(), 403),
        (Method::POST, "/api/v1/session".into(), 403),
        (Method::POST, "/api/v1/session/second-step".into(), 403),
        (Method::POST, "/api/v1/session/second-step/sms".into(), 403),
        (
            Method::POST,
            "/api/v1/session/second-step/passkey/options".into(),
            403,
        ),
        (
            Method::POST,
            "/api/v1/session/second-step/passkey".into(),
            403,
        ),
        (Method::POST, "/api/v1/session/passkey/options".into(), 403),
        (Method::POST, "/api/v1/session/passkey".into(), 403),
        (Method::GET, "/api/v1/me/passkeys".into(), 401),
        (Method::DELETE, "/api/v1/session".into(), 403),
        (Method::GET, "/api/v1/sessions".into(), 401),
        (Method::DELETE, "/api/v1/sessions/x".into(), 403),
        (Method::GET, "/api/v1/tokens".into(), 401),
        (Method::POST, "/api/v1/tokens".into(), 403),
        (Method::DELETE, "/api/v1/tokens/x".into(), 403),
        (Method::GET, "/api/v1/memberships".into(), 401),
        (Method::DELETE, "/api/v1/memberships/x".into(), 403),
        (Method::GET, "/api/v1/connections".into(), 401),
        (Method::GET, "/api/v1/healthspaces/x/seats".into(), 401),
        (Method::GET, "/api/v1/healthspaces/x/members".into(), 401),
        (
            Method::PATCH,
            "/api/v1/healthspaces/x/members/y".into(),
            403,
        ),
        (
            Method::POST,
            "/api/v1/healthspaces/x/invitations".into(),
            403,
        ),
        (
            Method::POST,
            "/api/v1/healthspaces/x/connections".into(),
            403,
        ),
        (Method::GET, "/api/v1/healthspaces/x/audit".into(), 401),
        (
            Method::GET,
            "/api/v1/healthspaces/x/invitations".into(),
            401,
        ),
        (
            Method::DELETE,
            "/api/v1/healthspaces/x/invitations/y".into(),
            403,
        ),
        (
            Method::POST,
            "/api/v1/healthspaces/x/invitations/y/resend".into(),
            403,
        ),
        (
            Method::GET,
            "/api/v1/healthspaces/x/connections".into(),
            401,
        ),
        (
            Method::DELETE,
            "/api/v1/healthspaces/x/connections/y".into(),
            403,
        ),
        (Method::GET, "/api/v1/record".into(), 401),
        (Method::POST, "/api/v1/record/links".into(), 403),
        (Method::GET, "/api/v1/record/items/x".into(), 401),
        (Method::PATCH, "/api/v1/record/items/x".into(), 403),
        (Method::DELETE, "/api/v1/record/items/x".into(), 403),
        (Method::PUT, "/api/v1/record/items/x/shares/y".into(), 403),
        (
            Method::DELETE,
            "/api/v1/record/items/x/shares/y".into(),
            403,
        ),
        (Method::POST, "/api/v1/record/documents".into(), 403),
        (Method::GET, "/api/v1/record/items/x/file".into(), 401),
        (Method::GET, "/api/v1/record/access-log".into(), 401),
        (
            Method::GET,
            "/api/v1/healthspaces/x/clients/y/items/z/file".into(),
            401,
        ),
        (
            Method::GET,
            "/api/v1/healthspaces/x/clients/y/record".into(),
            401,
        ),
        (Method::GET, "/api/v1/conversations".into(), 401),
        (Method::POST, "/api/v1/conversations".into(), 403),
        (Method::GET, "/api/v1/conversations/x".into(), 401),
        (Method::POST, "/api/v1/conversations/x/read".into(), 403),
        (Method::POST, "/api/v1/conversations/x/messages".into(), 403),
        (
            Method::DELETE,
            "/api/v1/conversations/x/messages/y".into(),
            403,
        ),
        (
            Method::GET,
            "/api/v1/conversations/x/messages/y/files/0".into(),
            401,
        ),
        (Method::POST, "/language".into(), 403),
        (Method::GET, "/events".into(), 401),
        (Method::GET, "/healthz".into(), 200),
        (Method::GET, "/metrics".into(), 200),
        (Method::GET, "/static/not-an-asset.css".into(), 404),
        (Method::GET, "/no/such/page".into(), 404),
        (Method::DELETE, "/".into(), 403),
        (Method::PUT, "/healthz".into(), 403),
        (Method::GET, "/api/v1/nothing".into(), 404),
    ]
}

/// Whether a concrete path (query aside) fits a route pattern such as `/h/{alias}/members`.
pub fn fits(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (pattern, path): (Vec<_>, Vec<_>) =
        (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
}

#[test]
fn the_route_table_holds_every_route_the_site_has() {
    let table = every_route();
    let missing: Vec<_> = carespace_web::routes::paths()
        .into_iter()
        .filter(|pattern| !table.iter().any(|(_, path, _)| fits(pattern, path)))
        .collect();
    assert!(
        missing.is_empty(),
        "add these routes to every_route(): {missing:?}"
    );
}

#[tokio::test]
async fn every_route_answers_with_the_security_headers() {
    let app = spawn_app().await;
    let start = app.get("/").await.text().await.unwrap();
    let asset = start
        .split("href=\"")
        .find_map(|s| s.strip_prefix("/static/app."))
        .map(|s| format!("/static/app.{}", &s[..s.find('"').unwrap()]))
        .unwrap();
    let mut routes = every_route();
    routes.push((Method::GET, asset, 200));
    for (method, path, status) in routes {
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "{method} {path}: CSP lacks {directive}: {csp}"
            );
        }
        assert!(!csp.contains("unsafe-inline"), "{method} {path}: {csp}");
        assert_eq!(
            headers["x-content-type-options"], "nosniff",
            "{method} {path}"
        );
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{method} {path}"
        );
        let permissions = headers["permissions-policy"].to_str().unwrap();
        assert!(permissions.contains("camera=(self)") && permissions.contains("microphone=(self)"));
        assert!(permissions.contains("geolocation=()"));
        assert!(headers.contains_key("x-request-id"), "{method} {path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_https() {
    let app = spawn_app_with(
        |c| c.web.public_url = "https://care.example.nl".into(),
        Router::new(),
    )
    .await;
    for path in ["/", "/no/such/page", "/healthz"] {
        let response = app.get(path).await;
        let hsts = response.headers()["strict-transport-security"]
            .to_str()
            .unwrap();
        let max_age: u64 = hsts
            .split(';')
            .find_map(|p| p.trim().strip_prefix("max-age="))
            .unwrap()
            .parse()
            .unwrap();
        assert!(max_age >= 180 * 24 * 3600, "{path}: {hsts}");
        // Over HTTPS the CSRF cookie is Secure and host-bound.
        if let Some(cookie) = response.headers().get("set-cookie") {
            let cookie = cookie.to_str().unwrap();
            assert!(
                cookie.starts_with("__Host-csrf=") && cookie.contains("Secure"),
                "{cookie}"
            );
        }
    }
}

#[tokio::test]
async fn pages_are_not_cached_but_assets_are_cached_for_a_year() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    for prefix in ["/static/app.", "/static/icon."] {
        let start = html.find(prefix).unwrap();
        let end = start + html[start..].find('"').unwrap();
        let asset = app.get(&html[start..end]).await;
        assert_eq!(asset.status(), 200);
        assert_eq!(
            asset.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(!asset.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_start_page_says_what_carespace_is_and_leads_to_login() {
    let app = spawn_app().await;
    let html = app.get_in("/", "en").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("personal health record"));
    assert!(html.contains("href=\"/login\""));
    assert!(html.contains("<main id=\"main\""));
    assert!(html.contains("class=\"skip-link\" href=\"#main\""));
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "no inline script or style"
    );
    let login = app.get_in("/login", "en").await;
    assert_eq!(login.status(), 200);
    assert_eq!(
        carespace_tests::heading(&login.text().await.unwrap()),
        "Log in"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_job_queue() {
    let app = spawn_app().await;
    app.get("/").await;
    app.get("/").await;
    app.get("/no/such/page").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"carespace_http_requests_total{method="GET",route="/",status="200"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"route="unmatched",status="404"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("carespace_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"carespace_jobs{state="pending"} 0"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = spawn_app_with(
        |c| c.web.metrics_token = Some(carespace_core::secret::Secret::new("scrape-me")),
        Router::new(),
    )
    .await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
