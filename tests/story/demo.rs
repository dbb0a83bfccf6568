//! Demo data fills an empty database once and refuses a database that holds data.

use carespace_app::{AppError, demo};
use carespace_tests::{Person, new_client, spawn_app};

#[tokio::test]
async fn demo_data_loads_into_an_empty_database_only() {
    let app = spawn_app().await;
    assert!(!demo::is_loaded(&app.ctx).await.unwrap());
    demo::load(&app.ctx).await.unwrap();
    assert!(demo::is_loaded(&app.ctx).await.unwrap());
    let again = demo::load(&app.ctx).await;
    assert!(
        matches!(again, Err(AppError::DatabaseNotEmpty)),
        "{again:?}"
    );
}

#[tokio::test]
async fn the_demo_people_can_log_in_at_once() {
    let app = spawn_app().await;
    let summary = demo::load(&app.ctx).await.unwrap();
    assert!(summary.logins.len() >= 3);
    for login in &summary.logins {
        let client = new_client();
        let mut response = app.login_with(&client, &login.email, &login.password).await;
        assert_eq!(response.status(), 303, "{}", login.email);
        // Staff and owners need a second factor: theirs is printed with the password.
        if let Some(secret) = &login.authenticator_secret {
            assert_ne!(login.role, "client");
            let location = response.headers()["location"].to_str().unwrap();
            assert!(location.starts_with("/login/second-step"), "{location}");
            app.add_app(&login.email, secret);
            response = app.second_step_with(&client, &person(login)).await;
        }
        assert_eq!(
            response.headers()["location"],
            "/account",
            "verified: {}",
            login.email
        );
    }
}

/// The demo person as the tests' people are.
fn person(login: &demo::DemoLogin) -> Person {
    Person {
        email: login.email.clone(),
        password: login.password.clone(),
        ..Person::new("Demo")
    }
}

#[tokio::test]
async fn the_demo_has_a_practice_with_an_owner_a_client_and_a_connected_staff_member() {
    let app = spawn_app().await;
    let summary = demo::load(&app.ctx).await.unwrap();
    let path = summary.healthspace.unwrap();
    assert_eq!(
        app.get(&path).await.status(),
        200,
        "the Healthspace is active"
    );
    let login = |role: &str| {
        summary
            .logins
            .iter()
            .find(|l| l.role == role)
            .unwrap()
            .clone()
    };
    let anna = login("client");
    let client = new_client();
    app.login_with(&client, &anna.email, &anna.password).await;
    let connections = app
        .get_with(&client, "/account/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(connections.contains("Bram Visser"));
    // Anna lands in a branded Healthspace with its welcome text and opening hours.
    let dashboard = app.get_with(&client, &path).await.text().await.unwrap();
    assert!(dashboard.contains("Welkom bij <strong>Praktijk De Linde</strong>"));
    assert!(dashboard.contains("Vrijdag 9:00–12:30"));
    assert!(dashboard.contains("/brand.css?v="));
    let claire = login("owner");
    app.add_app(&claire.email, claire.authenticator_secret.as_ref().unwrap());
    let owner = app.logged_in(&person(&claire)).await;
    let members = app
        .get_with(&owner, &format!("{path}/members"))
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains("Anna de Vries") && members.contains("Bram Visser"));
}
