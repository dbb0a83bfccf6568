//! Organisations and Healthspaces: owners only, aliases for ever,
//! inactive until activated.

use carespace_app::audit::Origin;
use carespace_app::{healthspaces, organisations};
use carespace_core::ids::OrganisationId;
use carespace_store::audit::entries_after;
use carespace_tests::{Person, TestApp, actor_of, heading, link_in, new_client, spawn_app};

fn cli() -> Origin {
    Origin {
        ip: "command-line".into(),
        ..Origin::default()
    }
}

/// An organisation owned by a signed-up person; returns its id and the owner's browser.
async fn organisation_of(
    app: &TestApp,
    first_name: &str,
    name: &str,
) -> (OrganisationId, Person, reqwest::Client) {
    let owner = Person::new(first_name);
    app.sign_up(&owner).await;
    let organisation = organisations::create(&app.ctx, name, &owner.email, &cli())
        .await
        .unwrap();
    let client = app.logged_in(&owner).await;
    app.enrol_app(&client, &owner).await;
    (organisation.id, owner, client)
}

async fn create_healthspace(
    app: &TestApp,
    client: &reqwest::Client,
    org: &OrganisationId,
    name: &str,
    alias: &str,
) -> reqwest::Response {
    let token = app
        .token_with(client, &format!("/organisation/{org}"))
        .await;
    app.post_with(
        client,
        &format!("/organisation/{org}/healthspaces"),
        &[("csrf_token", &token), ("name", name), ("alias", alias)],
    )
    .await
}

#[tokio::test]
async fn the_operator_creates_an_organisation_and_its_owner_finds_it_in_the_menu() {
    let app = spawn_app().await;
    let (org, owner, client) = organisation_of(&app, "Olga", "Praktijk De Linde").await;
    let mail = app
        .mails_to(&owner.email)
        .await
        .into_iter()
        .find(|m| m.subject == "Je bent nu eigenaar van een organisatie")
        .expect("the owner is told");
    assert!(mail.text.contains("Praktijk De Linde"));

    let account = app
        .get_with(&client, "/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        account.contains("href=\"/organisation\""),
        "the owner has My organisation in the menu"
    );
    let index = app.get_with(&client, "/organisation").await;
    assert_eq!(
        index.headers()["location"],
        format!("/organisation/{org}").as_str()
    );
    let page = app
        .get_with(&client, &format!("/organisation/{org}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(heading(&page), "Praktijk De Linde");
    assert!(page.contains("verandert het adres van de Healthspaces niet"));

    let entries = entries_after(&app.ctx.db, 0, 100).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.record.action == "organisation_created"
                && e.record.ip.as_deref() == Some("command-line"))
    );
}

#[tokio::test]
async fn everything_behind_my_organisation_is_not_found_for_anyone_but_its_owners() {
    let app = spawn_app().await;
    let (org, _, owner) = organisation_of(&app, "Olga", "De Linde").await;
    create_healthspace(&app, &owner, &org, "De Linde", "de-linde").await;
    let hs = healthspaces::public_page(&app.ctx, "de-linde", None).await;
    assert!(matches!(hs, Err(carespace_app::AppError::NotFound)));
    let hs_id = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap()
        .id;

    let (_, _, other_owner) = organisation_of(&app, "Otto", "Elders").await;
    let (_, client) = app.signed_up("Cleo").await;
    for outsider in [&other_owner, &client] {
        let token = app.token_with(outsider, "/account").await;
        assert_eq!(
            app.get_with(outsider, &format!("/organisation/{org}"))
                .await
                .status(),
            404
        );
        assert_eq!(
            app.get_with(outsider, &format!("/healthspaces/{hs_id}/deactivate"))
                .await
                .status(),
            404
        );
        for path in [
            format!("/organisation/{org}"),
            format!("/organisation/{org}/healthspaces"),
            format!("/healthspaces/{hs_id}/activate"),
            format!("/healthspaces/{hs_id}/deactivate"),
        ] {
            let response = app
                .post_with(
                    outsider,
                    &path,
                    &[("csrf_token", &token), ("name", "X"), ("alias", "xyz-1")],
                )
                .await;
            assert_eq!(response.status(), 404, "{path}");
        }
    }
    // Someone who owns nothing has no "My organisation" at all.
    assert_eq!(app.get_with(&client, "/organisation").await.status(), 404);
    let page = app
        .get_with(&client, "/account")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("href=\"/organisation\""));
    // Nothing changed.
    let stored = carespace_store::organisations::find(&app.ctx.db, &org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "De Linde");
    assert_eq!(
        healthspaces::of_organisation(
            &app.ctx,
            &carespace_store::accounts::find_by_email(&app.ctx.db, "olga@example.nl")
                .await
                .unwrap()
                .unwrap()
                .id,
            &org
        )
        .await
        .unwrap()
        .len(),
        1
    );
}

#[tokio::test]
async fn an_owner_without_an_account_is_invited_and_becomes_owner_after_verifying() {
    let app = spawn_app().await;
    let organisation = organisations::create(&app.ctx, "Nieuw", "nina@example.nl", &cli())
        .await
        .unwrap();
    let invite = app.last_mail_to("nina@example.nl").await;
    assert_eq!(
        invite.subject,
        "Je bent eigenaar gemaakt van een organisatie"
    );
    assert!(invite.text.starts_with("Hallo,"));
    link_in(&invite, "/register");
    let nina = Person::new("Nina");
    app.sign_up(&nina).await;
    let client = app.logged_in(&nina).await;
    // An owner sees clients' data: two-step verification first.
    let path = format!("/organisation/{}", organisation.id);
    let first = app.get_with(&client, &path).await;
    assert_eq!(first.headers()["location"], "/account/two-step");
    app.enrol_app(&client, &nina).await;
    assert_eq!(
        app.get_with(&client, &format!("/organisation/{}", organisation.id))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_new_healthspace_is_inactive_until_activated_and_only_owners_reach_it_meanwhile() {
    let app = spawn_app().await;
    let (org, _, owner) = organisation_of(&app, "Olga", "De Linde").await;
    let created = create_healthspace(&app, &owner, &org, "De Linde Jeugd", "de-linde-jeugd").await;
    assert_eq!(created.status(), 303);
    let page = app
        .get_with(&owner, &format!("/organisation/{org}?done=created"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Niet actief"));

    let anonymous = new_client();
    let closed = app.get_with(&anonymous, "/h/de-linde-jeugd").await;
    assert_eq!(closed.status(), 404);
    let closed = closed.text().await.unwrap();
    assert_eq!(
        heading(&closed),
        "Pagina niet gevonden",
        "as an unknown alias"
    );
    assert!(
        !closed.contains("De Linde Jeugd"),
        "nothing about it is shown"
    );
    let owners_view = app.get_with(&owner, "/h/de-linde-jeugd").await;
    assert_eq!(owners_view.status(), 200);

    let hs_id = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde-jeugd")
        .await
        .unwrap()
        .unwrap()
        .id;
    let token = app
        .token_with(&owner, &format!("/organisation/{org}"))
        .await;
    app.post_with(
        &owner,
        &format!("/healthspaces/{hs_id}/activate"),
        &[("csrf_token", &token)],
    )
    .await;
    let open = app.get_with(&anonymous, "/h/de-linde-jeugd").await;
    assert_eq!(open.status(), 200);
    assert_eq!(heading(&open.text().await.unwrap()), "De Linde Jeugd");

    let confirm = app
        .get_with(&owner, &format!("/healthspaces/{hs_id}/deactivate"))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirm.contains("Lidmaatschappen worden niet opgezegd"));
    assert!(confirm.contains("Er zijn 0 bestaande lidmaatschappen."));
    app.post_with(
        &owner,
        &format!("/healthspaces/{hs_id}/deactivate"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(
        app.get_with(&anonymous, "/h/de-linde-jeugd").await.status(),
        404
    );

    let actions: Vec<String> = entries_after(&app.ctx.db, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    assert!(
        actions.ends_with(&[
            "healthspace_created".into(),
            "healthspace_activated".into(),
            "healthspace_deactivated".into()
        ]),
        "{actions:?}"
    );
}

#[tokio::test]
async fn aliases_follow_the_rules_and_are_never_given_out_twice() {
    let app = spawn_app().await;
    let (org, _, owner) = organisation_of(&app, "Olga", "De Linde").await;
    for (alias, message) in [
        ("De Linde", "Gebruik alleen kleine letters"),
        ("ab", "3 tot 40 tekens"),
        ("api", "Dit woord is gereserveerd"),
    ] {
        let response = create_healthspace(&app, &owner, &org, "Naam", alias).await;
        assert_eq!(response.status(), 422, "{alias}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{alias}");
        assert!(
            html.contains(&format!("value=\"{alias}\"")),
            "what was typed is kept"
        );
    }
    assert_eq!(
        create_healthspace(&app, &owner, &org, "Eerste", "de-linde")
            .await
            .status(),
        303
    );
    let taken = create_healthspace(&app, &owner, &org, "Tweede", "de-linde").await;
    assert_eq!(taken.status(), 422);
    assert!(taken.text().await.unwrap().contains("Deze alias is bezet"));

    // Only the operator changes an alias; the old one leads on and stays taken.
    healthspaces::change_alias(&app.ctx, "de-linde", "linde-zorg", &cli())
        .await
        .unwrap();
    let token = app.token_with(&owner, "/account").await;
    let hs_id = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "linde-zorg")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.post_with(
        &owner,
        &format!("/healthspaces/{hs_id}/activate"),
        &[("csrf_token", &token)],
    )
    .await;
    let moved = app.get("/h/de-linde").await;
    assert_eq!(moved.status(), 308);
    assert_eq!(moved.headers()["location"], "/h/linde-zorg");
    assert_eq!(
        create_healthspace(&app, &owner, &org, "Derde", "de-linde")
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn changing_the_organisations_address_leaves_the_healthspaces_address_alone() {
    let app = spawn_app().await;
    let (org, _, owner) = organisation_of(&app, "Olga", "De Linde").await;
    create_healthspace(&app, &owner, &org, "De Linde", "de-linde").await;
    let token = app
        .token_with(&owner, &format!("/organisation/{org}"))
        .await;
    let saved = app
        .post_with(
            &owner,
            &format!("/organisation/{org}"),
            &[
                ("csrf_token", &token),
                ("name", "De Linde"),
                ("address", "Lindelaan 1\n1234 AB Utrecht"),
                ("billing_address", "Postbus 9"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let stored = carespace_store::organisations::find(&app.ctx.db, &org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.address, "Lindelaan 1\n1234 AB Utrecht");
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hs.address, "");

    let empty = app
        .post_with(
            &owner,
            &format!("/organisation/{org}"),
            &[("csrf_token", &token), ("name", " ")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Dit veld is verplicht.")
    );
}

#[tokio::test]
async fn operators_are_granted_and_revoked_with_an_audit_entry() {
    let app = spawn_app().await;
    let (pim, _) = app.signed_up("Pim").await;
    assert!(
        organisations::set_operator(&app.ctx, &pim.email, true, &cli())
            .await
            .unwrap()
    );
    assert!(
        !organisations::set_operator(&app.ctx, "nobody@example.nl", true, &cli())
            .await
            .unwrap()
    );
    assert!(
        organisations::set_operator(&app.ctx, &pim.email, false, &cli())
            .await
            .unwrap()
    );
    let actions: Vec<String> = entries_after(&app.ctx.db, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    assert!(actions.ends_with(&["operator_granted".into(), "operator_revoked".into()]));
}

#[tokio::test]
async fn owners_add_and_remove_owners_but_never_the_last_one() {
    let app = carespace_tests::spawn_app().await;
    let owner = crate::practice::healthspace(&app, "de-linde").await;
    let olga = crate::practice::account_id(&app, "olga@example.nl").await;
    let org = carespace_app::organisations::owned(&app.ctx, &olga)
        .await
        .unwrap()
        .remove(0);
    let path = format!("/organisation/{}", org.id);
    let post = |to: &'static str, email: &'static str| {
        let (app, owner, path) = (&app, &owner, path.clone());
        async move {
            let token = app.token_with(owner, &path).await;
            app.post_with(
                owner,
                &format!("{path}{to}"),
                &[("csrf_token", token.as_str()), ("email", email)],
            )
            .await
        }
    };

    // A new owner with an account is emailed and can use "My organisation" once they have
    // set up two-step verification.
    let (pieter_person, pieter) = app.signed_up("Pieter").await;
    let added = post("/owners", "pieter@example.nl").await;
    assert_eq!(
        added.headers()["location"],
        format!("{path}?done=owner-added")
    );
    assert!(
        app.last_mail_to("pieter@example.nl")
            .await
            .text
            .contains("De Linde")
    );
    assert_eq!(
        app.get_with(&pieter, &path).await.headers()["location"],
        "/account/two-step"
    );
    app.enrol_app(&pieter, &pieter_person).await;
    assert_eq!(app.get_with(&pieter, &path).await.status(), 200);
    let again = post("/owners", "pieter@example.nl").await;
    assert_eq!(again.status(), 422);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Dit adres is al eigenaar.")
    );

    // Olga removes Pieter; then she cannot remove herself, the last owner.
    assert_eq!(
        post("/owners/remove", "pieter@example.nl").await.status(),
        303
    );
    assert_eq!(app.get_with(&pieter, &path).await.status(), 404);
    let last = post("/owners/remove", "olga@example.nl").await;
    assert_eq!(last.status(), 422);
    assert!(
        last.text()
            .await
            .unwrap()
            .contains("De laatste eigenaar kan niet worden verwijderd.")
    );
    assert_eq!(
        app.get_with(&owner, &path).await.status(),
        200,
        "still owner"
    );
    // An invited address without an account does not count as an owner who can manage.
    assert_eq!(post("/owners", "nieuw@example.nl").await.status(), 303);
    assert_eq!(
        post("/owners/remove", "olga@example.nl").await.status(),
        422
    );

    let actions: Vec<_> = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .filter(|a| a.starts_with("organisation_owner"))
        .collect();
    assert_eq!(
        actions,
        [
            "organisation_owner_added",
            "organisation_owner_removed",
            "organisation_owner_added"
        ]
    );
}

#[tokio::test]
async fn deactivating_can_cancel_every_membership_first_and_each_member_is_emailed() {
    let app = carespace_tests::spawn_app().await;
    let owner = crate::practice::healthspace(&app, "de-linde").await;
    let bram = carespace_tests::Person::new("Bram");
    let cleo = carespace_tests::Person::new("Cleo");
    crate::practice::join(&app, &owner, "de-linde", &bram, "staff").await;
    let cleo_browser = crate::practice::join(&app, &owner, "de-linde", &cleo, "client").await;
    crate::practice::connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let path = format!("/healthspaces/{}/deactivate", hs.id);
    let confirm = app.get_with(&owner, &path).await.text().await.unwrap();
    assert!(confirm.contains("Eerst alle lidmaatschappen opzeggen"));
    let token = carespace_tests::csrf_token_in(&confirm).unwrap();
    let done = app
        .post_with(
            &owner,
            &path,
            &[("csrf_token", token.as_str()), ("cancel_memberships", "on")],
        )
        .await;
    assert!(
        done.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?done=deactivated-cancelled")
    );
    for person in [&bram, &cleo] {
        let mail = app.last_mail_to(&person.email).await;
        assert_eq!(
            mail.subject, "Je lidmaatschap is opgezegd",
            "{}",
            person.email
        );
    }
    let connections = app
        .get_with(&cleo_browser, "/account/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(!connections.contains("Bram Jansen"), "connections ended");

    // Activating again brings nobody back; the seats of this month still count them.
    let olga = crate::practice::account_id(&app, "olga@example.nl").await;
    carespace_app::healthspaces::set_state(
        &app.ctx,
        &olga,
        hs.id.as_str(),
        carespace_core::healthspaces::HealthspaceState::Active,
        &carespace_app::audit::Origin::default(),
    )
    .await
    .unwrap();
    let members = app
        .get_with(&owner, "/h/de-linde/members?state=active")
        .await
        .text()
        .await
        .unwrap();
    assert!(!members.contains("Bram Jansen") && !members.contains("Cleo Jansen"));
    let report = carespace_app::seats::report(&app.ctx, &actor_of(olga.as_str()), "de-linde")
        .await
        .unwrap();
    assert_eq!(report.months[0].total(), 2);
    let cancelled = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "membership_cancelled")
        .count();
    assert_eq!(cancelled, 2);
}

#[tokio::test]
async fn an_inactive_healthspace_and_its_old_alias_are_not_found_as_an_unknown_alias_is() {
    let app = spawn_app().await;
    let (org, _, owner) = organisation_of(&app, "Olga", "De Linde").await;
    create_healthspace(&app, &owner, &org, "De Linde", "de-linde").await;
    healthspaces::change_alias(&app.ctx, "de-linde", "linde", &cli())
        .await
        .unwrap();
    let (_, member_of_nothing) = app.signed_up("Sven").await;
    let unknown = app
        .get_with(&new_client(), "/h/nergens")
        .await
        .text()
        .await
        .unwrap();
    for browser in [&new_client(), &member_of_nothing] {
        for path in ["/h/de-linde", "/h/linde"] {
            let page = app.get_with(browser, path).await;
            assert_eq!(page.status(), 404, "{path}");
            let page = page.text().await.unwrap();
            assert_eq!(heading(&page), heading(&unknown), "{path}");
        }
    }
    // Its owners still follow the old alias to it.
    let moved = app.get_with(&owner, "/h/de-linde").await;
    assert_eq!(moved.status(), 308);
    assert_eq!(moved.headers()["location"], "/h/linde");
    assert_eq!(app.get_with(&owner, "/h/linde").await.status(), 200);

    // Once active, the old alias leads everyone there.
    let hs_id = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "linde")
        .await
        .unwrap()
        .unwrap()
        .id;
    let token = app
        .token_with(&owner, &format!("/organisation/{org}"))
        .await;
    app.post_with(
        &owner,
        &format!("/healthspaces/{hs_id}/activate"),
        &[("csrf_token", &token)],
    )
    .await;
    let moved = app.get_with(&new_client(), "/h/de-linde").await;
    assert_eq!(moved.status(), 308);
}
