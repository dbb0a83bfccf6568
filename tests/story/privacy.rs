//! The privacy statement: public, linked from every page, with this installation's operator,
//! contact address, data location and retention values, and for someone signed in the care
//! providers responsible for their Healthspaces.

use crate::practice::{account_id, join};
use axum::Router;
use carespace_app::audit::Origin;
use carespace_app::{healthspaces, organisations};
use carespace_core::healthspaces::HealthspaceState;
use carespace_tests::{Person, TestApp, heading, spawn_app_with};

/// An installation whose privacy and retention settings all differ from the defaults.
async fn installation() -> TestApp {
    spawn_app_with(
        |c| {
            c.privacy.operator_name = "Stichting Zorgnet".into();
            c.privacy.contact_email = "privacy@zorgnet.example".into();
            c.privacy.data_location = "European Union (Netherlands)".into();
            c.retention.unverified_account_days = 9;
            c.retention.ended_days = 3;
            c.accounts.session_idle_minutes = 25;
            c.accounts.session_absolute_hours = 10;
        },
        Router::new(),
    )
    .await
}

/// An active Healthspace `name` at `alias` of the organisation `organisation`, owned by
/// `owner`; returns the owner's browser.
async fn provider(
    app: &TestApp,
    owner: &Person,
    organisation: &str,
    name: &str,
    alias: &str,
) -> reqwest::Client {
    app.sign_up(owner).await;
    let origin = Origin::default();
    let org = organisations::create(&app.ctx, organisation, &owner.email, &origin)
        .await
        .unwrap();
    let owner_id = account_id(app, &owner.email).await;
    let hs = healthspaces::create(&app.ctx, &owner_id, &org.id, name, alias, &origin)
        .await
        .unwrap();
    healthspaces::set_state(
        &app.ctx,
        &owner_id,
        hs.id.as_str(),
        HealthspaceState::Active,
        &origin,
    )
    .await
    .unwrap();
    let browser = app.logged_in(owner).await;
    app.enrol_app(&browser, owner).await;
    browser
}

#[tokio::test]
async fn signed_out_the_statement_shows_the_installations_own_facts() {
    let app = installation().await;
    let home = app.get_in("/", "nl").await.text().await.unwrap();
    assert!(home.contains("<a href=\"/privacy\">Privacyverklaring</a>"));

    let response = app.get_in("/privacy", "nl").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(heading(&html), "Privacyverklaring");
    assert!(html.contains("Stichting Zorgnet beheert deze Carespace-installatie"));
    assert!(
        html.contains("<a href=\"mailto:privacy@zorgnet.example\">privacy@zorgnet.example</a>")
    );
    assert!(html.contains("<strong>European Union (Netherlands)</strong>"));
    assert!(html.contains("wordt 9 dagen na de registratie verwijderd"));
    assert!(html.contains("na 25 minuten zonder activiteit"));
    assert!(html.contains("uiterlijk 10 uur na het inloggen"));
    assert!(html.contains("worden 3 dagen nadat ze eindigen verwijderd"));
    assert!(html.contains("minstens 16 jaar oud"));
    assert!(html.contains("aria-current=\"page\">Privacyverklaring</a>"));
    assert!(
        html.contains("href=\"/login?next=/privacy\""),
        "signed out, it asks to log in for the Healthspaces"
    );

    let html = app.get_in("/privacy", "en").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(heading(&html), "Privacy statement");
    assert!(html.contains("Stichting Zorgnet runs this Carespace installation"));
    assert!(html.contains("<strong>European Union (Netherlands)</strong>"));
    assert!(html.contains("is deleted 9 days after registering"));
    assert!(html.contains("after 25 minutes without activity"));
    assert!(html.contains("at the latest 10 hours after logging in"));
    assert!(html.contains("deleted 3 days after they end"));
}

#[tokio::test]
async fn signed_in_it_names_the_care_provider_of_each_healthspace_of_the_person() {
    let app = installation().await;
    let olga = provider(
        &app,
        &Person::new("Olga"),
        "Zorggroep Noord",
        "Praktijk De Linde",
        "de-linde",
    )
    .await;
    provider(
        &app,
        &Person::new("Otto"),
        "Zorggroep Zuid",
        "Praktijk Zuid",
        "zuid",
    )
    .await;
    let cleo = join(&app, &olga, "de-linde", &Person::new("Cleo"), "client").await;

    let html = app.get_with(&cleo, "/privacy").await.text().await.unwrap();
    assert!(html.contains("De Healthspaces waarvan je lid bent"));
    assert!(
        html.contains("<tr><th scope=\"row\">Praktijk De Linde</th><td>Zorggroep Noord</td></tr>")
    );
    assert!(
        !html.contains("Zorggroep Zuid"),
        "only the person's own Healthspaces"
    );
    assert!(!html.contains("/login?next=/privacy"));
    assert!(html.contains("<strong>European Union (Netherlands)</strong>"));

    let (_, dirk) = app.signed_up("Dirk").await;
    let html = app.get_with(&dirk, "/privacy").await.text().await.unwrap();
    assert!(html.contains(
        "Je bent geen lid van een Healthspace, dus Stichting Zorgnet is verantwoordelijk"
    ));
    assert!(!html.contains("Zorggroep"));
}
