//! Memberships, invitations and connections.

use crate::practice::{accept, account_id, cancel_action, connect, healthspace, invite};
use carespace_app::audit::Origin;
use carespace_app::healthspaces;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, MembershipId};
use carespace_core::memberships::{MembershipState, Role};
use carespace_store::audit::entries_after;
use carespace_tests::{Person, TestApp, heading, link_in, new_client, spawn_app};

#[tokio::test]
async fn invited_people_join_get_connected_and_the_client_cancels() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    assert_eq!(
        invite(&app, &owner, "de-linde", &bram.email, "staff", "")
            .await
            .status(),
        303
    );
    assert_eq!(
        invite(
            &app,
            &owner,
            "de-linde",
            &cleo.email,
            "client",
            &cleo.birth_date
        )
        .await
        .status(),
        303
    );
    let invitation = app.last_mail_to(&cleo.email).await;
    assert_eq!(
        invitation.subject,
        "Je bent uitgenodigd voor een Healthspace"
    );
    assert!(
        invitation.text.contains("als Cliënt"),
        "{}",
        invitation.text
    );

    // Not logged in: the invitation asks to log in or register first.
    let link = link_in(&invitation, "/invitations/accept?token=");
    let anonymous = app
        .get_with(&new_client(), &link)
        .await
        .text()
        .await
        .unwrap();
    assert!(anonymous.contains("Log in om te accepteren"));

    app.sign_up(&bram).await;
    app.sign_up(&cleo).await;
    let bram_browser = app.logged_in(&bram).await;
    let cleo_browser = app.logged_in(&cleo).await;
    assert_eq!(accept(&app, &bram_browser, &bram, "").await.status(), 303);

    let wrong = accept(&app, &cleo_browser, &cleo, "1991-05-31").await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("komt niet overeen"));
    let joined = accept(&app, &cleo_browser, &cleo, &cleo.birth_date).await;
    assert_eq!(joined.status(), 303);
    assert_eq!(joined.headers()["location"], "/h/de-linde");

    assert_eq!(
        connect(&app, &owner, "de-linde", &bram.email, &cleo.email)
            .await
            .status(),
        303
    );
    let mine = app
        .get_with(&cleo_browser, "/account/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Bram Jansen") && mine.contains("De Linde"));

    // Cleo cancels: Bram loses the connection at once; Cleo's membership is kept as cancelled.
    let memberships = app
        .get_with(&cleo_browser, "/account/memberships")
        .await
        .text()
        .await
        .unwrap();
    let id_start =
        memberships.find("/account/memberships/").unwrap() + "/account/memberships/".len();
    let id = &memberships[id_start..id_start + 36];
    let confirm = app
        .get_with(&cleo_browser, &format!("/account/memberships/{id}/cancel"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        confirm.contains("kunnen de medewerkers van deze Healthspace je dossier niet meer zien")
    );
    let token = app.token_with(&cleo_browser, "/account/memberships").await;
    let cancelled = app
        .post_with(
            &cleo_browser,
            &format!("/account/memberships/{id}/cancel"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(cancelled.status(), 303);
    let after = app
        .get_with(&cleo_browser, "/account/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(!after.contains("Bram Jansen"));
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let cleo_id = account_id(&app, &cleo.email).await;
    let bram_id = account_id(&app, &bram.email).await;
    assert!(
        !carespace_store::connections::is_connected(&app.ctx.db, &hs.id, &bram_id, &cleo_id)
            .await
            .unwrap()
    );
    let stored = carespace_store::memberships::find(&app.ctx.db, &MembershipId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, MembershipState::Cancelled);
    assert_eq!(
        stored.cancelled_by.as_ref().map(AccountId::as_str),
        Some(cleo_id.as_str())
    );

    let actions: Vec<String> = entries_after(&app.ctx.db, 0, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    for expected in [
        "invitation_sent",
        "invitation_identity_check_failed",
        "membership_created",
        "connection_created",
        "membership_cancelled",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected}: {actions:?}"
        );
    }
    let connection_entry = entries_after(&app.ctx.db, 0, 500)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.record.action == "connection_created")
        .unwrap();
    assert_eq!(
        connection_entry.record.client_account_id.as_deref(),
        Some(cleo_id.as_str())
    );
}

#[tokio::test]
async fn a_provider_cancels_and_the_client_is_emailed() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");
    app.sign_up(&cleo).await;
    invite(
        &app,
        &owner,
        "de-linde",
        &cleo.email,
        "client",
        "1990-05-31",
    )
    .await;
    let cleo_browser = app.logged_in(&cleo).await;
    accept(&app, &cleo_browser, &cleo, &cleo.birth_date).await;
    let list = app
        .get_with(&owner, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Cleo Jansen"));
    let action = &cancel_action(&list);
    let token = app.token_with(&owner, "/h/de-linde/members").await;
    assert_eq!(
        app.post_with(&owner, action, &[("csrf_token", &token)])
            .await
            .status(),
        303
    );
    let mail = app.last_mail_to(&cleo.email).await;
    assert_eq!(mail.subject, "Je lidmaatschap is opgezegd");
    assert!(
        !mail.text.to_lowercase().contains("dossier:"),
        "no health content"
    );
}

#[tokio::test]
async fn invitations_are_reminded_after_3_and_7_days_and_expire() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    invite(
        &app,
        &owner,
        "de-linde",
        "dirk@example.nl",
        "client",
        "1990-05-31",
    )
    .await;
    assert_eq!(app.mails_to("dirk@example.nl").await.len(), 1);
    app.advance(3 * 24 * 3_600_000 + 1_000);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mails = app.mails_to("dirk@example.nl").await;
    assert_eq!(mails.len(), 2);
    assert_eq!(
        mails[1].subject,
        "Herinnering: je bent uitgenodigd voor een Healthspace"
    );
    // The reminder leads to "Memberships", where the invited address finds it waiting; it
    // carries no link to accept with, and neither does its job.
    assert!(mails[1].text.contains("/account/memberships"));
    assert!(!mails[1].text.contains("/invitations/accept"));
    let first_link = link_in(&mails[0], "/invitations/accept?token=");
    let token = first_link.split_once("token=").unwrap().1;
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM jobs")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(payloads.iter().all(|p| !p.contains(token)));
    assert!(
        payloads.iter().any(|p| p.contains("invitation_id")),
        "the later reminder waits, with the invitation's id"
    );
    app.advance(11 * 24 * 3_600_000);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let link = link_in(
        &app.mails_to("dirk@example.nl").await[0],
        "/invitations/accept",
    );
    assert_eq!(
        app.get_with(&new_client(), &link).await.status(),
        400,
        "expired after 14 days"
    );
}

#[tokio::test]
async fn only_admins_and_owners_see_the_members_and_only_in_an_active_healthspace() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let (bram, ali) = (Person::new("Bram"), Person::new("Ali"));
    app.sign_up(&bram).await;
    app.sign_up(&ali).await;
    invite(&app, &owner, "de-linde", &bram.email, "staff", "").await;
    invite(&app, &owner, "de-linde", &ali.email, "admin", "").await;
    let bram_browser = app.logged_in(&bram).await;
    let ali_browser = app.logged_in(&ali).await;
    accept(&app, &bram_browser, &bram, "").await;
    accept(&app, &ali_browser, &ali, "").await;
    app.enrol_app(&bram_browser, &bram).await;
    app.enrol_app(&ali_browser, &ali).await;
    assert_eq!(
        app.get_with(&ali_browser, "/h/de-linde/members")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_with(&bram_browser, "/h/de-linde/members")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_with(&owner, "/h/de-linde/members").await.status(),
        200
    );

    // Deactivated: the admin is locked out, the owner is not; memberships stay.
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let owner_id = account_id(&app, "olga@example.nl").await;
    healthspaces::set_state(
        &app.ctx,
        &owner_id,
        hs.id.as_str(),
        HealthspaceState::Inactive,
        &Origin::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.get_with(&ali_browser, "/h/de-linde/members")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_with(&owner, "/h/de-linde/members").await.status(),
        200
    );
    assert_eq!(
        heading(
            &app.get_with(&bram_browser, "/h/de-linde")
                .await
                .text()
                .await
                .unwrap()
        ),
        "Pagina niet gevonden"
    );
    let confirm = app
        .get_with(&owner, &format!("/healthspaces/{}/deactivate", hs.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirm.contains("Er zijn 2 bestaande lidmaatschappen."));
    healthspaces::set_state(
        &app.ctx,
        &owner_id,
        hs.id.as_str(),
        HealthspaceState::Active,
        &Origin::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        app.get_with(&ali_browser, "/h/de-linde/members")
            .await
            .status(),
        200,
        "valid again"
    );
}

#[tokio::test]
async fn the_members_list_pages_by_keyset_and_filters() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let now = carespace_core::time::Timestamp::from_millis(1_700_000_000_000);
    let mut tx = app.ctx.db.begin().await.unwrap();
    for n in 0..30 {
        let id = AccountId::generate();
        carespace_store::accounts::insert(
            &mut tx,
            &carespace_store::accounts::AccountRow {
                id: id.clone(),
                email: format!("member{n:02}@example.nl"),
                full_name: format!("Member {n:02}"),
                birth_date: "1980-01-01".into(),
                password_hash: "x".into(),
                language: "nl".into(),
                phone: None,
                photo_id: None,
                email_verified_at: Some(now),
                created_at: now,
            },
        )
        .await
        .unwrap();
        carespace_store::memberships::insert(
            &mut tx,
            &carespace_store::memberships::MembershipRow {
                id: MembershipId::generate(),
                healthspace_id: hs.id.clone(),
                account_id: id,
                role: if n % 3 == 0 {
                    Role::Staff
                } else {
                    Role::Client
                },
                state: MembershipState::Active,
                created_at: now,
                cancelled_at: None,
                cancelled_by: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let first = app
        .get_with(&owner, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("Member 00") && first.contains("Member 24") && !first.contains("Member 25")
    );
    let start = first.find("/h/de-linde/members?").unwrap();
    let next = first[start..first[start..].find('"').unwrap() + start].replace("&#38;", "&");
    let second = app.get_with(&owner, &next).await.text().await.unwrap();
    assert!(
        second.contains("Member 25")
            && second.contains("Member 29")
            && !second.contains("Member 24")
    );
    let staff = app
        .get_with(&owner, "/h/de-linde/members?role=staff")
        .await
        .text()
        .await
        .unwrap();
    assert!(staff.contains("Member 03") && !staff.contains("Member 04"));
    let search = app
        .get_with(&owner, "/h/de-linde/members?q=member07")
        .await
        .text()
        .await
        .unwrap();
    assert!(search.contains("Member 07") && !search.contains("Member 08"));
}

async fn on_invitation(app: &TestApp, admin: &reqwest::Client, action: &str) -> reqwest::Response {
    let page = app
        .get_with(admin, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap();
    let marker = "/h/de-linde/invitations/";
    let start = page
        .match_indices(marker)
        .map(|(i, _)| i)
        .find(|i| page[*i..].starts_with(marker) && page[*i..].contains(action))
        .expect("a pending invitation");
    let id = page[start + marker.len()..]
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let token = carespace_tests::csrf_token_in(&page).unwrap();
    app.post_with(
        admin,
        &format!("{marker}{id}/{action}"),
        &[("csrf_token", token.as_str())],
    )
    .await
}

#[tokio::test]
async fn an_expired_invitation_is_sent_again_and_a_revoked_one_stops_working() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    invite(
        &app,
        &owner,
        "de-linde",
        "dirk@example.nl",
        "client",
        "1990-05-31",
    )
    .await;
    let first = link_in(
        &app.mails_to("dirk@example.nl").await[0],
        "/invitations/accept",
    );
    app.advance(15 * 24 * 3_600_000);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Sessions end within days; the owner logs in again.
    let owner = app.logged_in(&Person::new("Olga")).await;
    let members = app
        .get_with(&owner, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains("dirk@example.nl") && members.contains("Verlopen"));
    let sent_before = app.mails_to("dirk@example.nl").await.len();

    let resent = on_invitation(&app, &owner, "resend").await;
    assert_eq!(
        resent.headers()["location"],
        "/h/de-linde/members?done=resent"
    );
    let mails = app.mails_to("dirk@example.nl").await;
    assert_eq!(mails.len(), sent_before + 1);
    let second = link_in(mails.last().unwrap(), "/invitations/accept");
    assert_ne!(first, second);
    assert_eq!(app.get_with(&new_client(), &first).await.status(), 400);
    assert_eq!(app.get_with(&new_client(), &second).await.status(), 200);

    let revoked = on_invitation(&app, &owner, "revoke").await;
    assert_eq!(
        revoked.headers()["location"],
        "/h/de-linde/members?done=revoked"
    );
    assert_eq!(app.get_with(&new_client(), &second).await.status(), 400);
    let members = app
        .get_with(&owner, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap();
    assert!(!members.contains("dirk@example.nl"));
    // The new invitation's reminders find it revoked and send nothing.
    let sent = app.mails_to("dirk@example.nl").await.len();
    app.advance(8 * 24 * 3_600_000);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mails_to("dirk@example.nl").await.len(), sent);

    let actions: Vec<_> = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .filter(|a| a.starts_with("invitation_"))
        .collect();
    assert_eq!(
        actions,
        ["invitation_sent", "invitation_sent", "invitation_revoked"]
    );
}

#[tokio::test]
async fn over_the_api_a_client_reads_and_leaves_and_managers_read_the_seats() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    crate::practice::join(&app, &owner, "de-linde", &Person::new("Bram"), "staff").await;
    let cleo = Person::new("Cleo");
    let cleo_browser = crate::practice::join(&app, &owner, "de-linde", &cleo, "client").await;
    connect(&app, &owner, "de-linde", "bram@example.nl", &cleo.email).await;
    app.enrol_app(&cleo_browser, &cleo).await;
    let secret = crate::api::create_token(&app, &cleo_browser, "app").await;
    let program = new_client();
    let get = |path: &'static str, secret: String| {
        let (program, url) = (program.clone(), app.url(path));
        async move { program.get(url).bearer_auth(secret).send().await.unwrap() }
    };

    let mine: serde_json::Value = get("/api/v1/memberships", secret.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["alias"], "de-linde");
    assert_eq!(mine[0]["role"], "client");
    assert_eq!(mine[0]["active"], true);
    let connections: serde_json::Value = get("/api/v1/connections", secret.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(connections[0]["staff"], "Bram Jansen");
    assert_eq!(
        get("/api/v1/healthspaces/de-linde/seats", secret.clone())
            .await
            .status(),
        404,
        "a client does not see the seats"
    );

    let id = mine[0]["id"].as_str().unwrap();
    let left = program
        .delete(app.url(&format!("/api/v1/memberships/{id}")))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 204);
    let connections: serde_json::Value = get("/api/v1/connections", secret.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        connections,
        serde_json::json!([]),
        "staff lost access at once"
    );

    let owner_secret = crate::api::create_token(&app, &owner, "reports").await;
    let seats: serde_json::Value = get("/api/v1/healthspaces/de-linde/seats", owner_secret)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seats.as_array().unwrap().len(), 12);
    assert_eq!(
        seats[0]["clients"], 1,
        "cancelled this month: still counted"
    );
    assert_eq!(seats[0]["staff"], 1);
}

#[tokio::test]
async fn someone_invited_before_registering_finds_the_invitation_waiting_after_login() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let dirk = Person::new("Dirk");
    invite(
        &app,
        &owner,
        "de-linde",
        &dirk.email,
        "client",
        &dirk.birth_date,
    )
    .await;

    app.sign_up(&dirk).await;
    let browser = new_client();
    let login = app.login_with(&browser, &dirk.email, &dirk.password).await;
    assert_eq!(login.headers()["location"], "/account/memberships");
    let page = app
        .get_with(&browser, "/account/memberships")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Uitnodigingen voor jou") && page.contains("De Linde"));
    let start = page.find("/account/invitations/").unwrap();
    let action = page[start..start + page[start..].find('"').unwrap()].to_owned();
    let token = carespace_tests::csrf_token_in(&page).unwrap();

    // Someone else cannot accept it, even knowing its address.
    let (_, eve) = app.signed_up("Eve").await;
    let eve_token = app.token_with(&eve, "/account/memberships").await;
    let stolen = app
        .post_with(
            &eve,
            &action,
            &[
                ("csrf_token", eve_token.as_str()),
                ("birth_date", "1990-05-31"),
            ],
        )
        .await;
    assert_eq!(stolen.status(), 404);

    let wrong = app
        .post_with(
            &browser,
            &action,
            &[("csrf_token", token.as_str()), ("birth_date", "1991-01-01")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("komt niet overeen"));
    assert!(wrong.contains("value=\"1991-01-01\""));
    let joined = app
        .post_with(
            &browser,
            &action,
            &[
                ("csrf_token", token.as_str()),
                ("birth_date", dirk.birth_date.as_str()),
            ],
        )
        .await;
    assert_eq!(joined.headers()["location"], "/h/de-linde");
    let mine = app
        .get_with(&browser, "/account/memberships")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !mine.contains("Uitnodigingen voor jou"),
        "nothing waits any more"
    );
    let again = app
        .login_with(&new_client(), &dirk.email, &dirk.password)
        .await;
    assert_eq!(again.headers()["location"], "/account");
}

#[tokio::test]
async fn an_invitation_link_lets_in_only_the_account_of_the_invited_address() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let dirk = Person::new("Dirk");
    invite(
        &app,
        &owner,
        "de-linde",
        &dirk.email,
        "client",
        "1990-05-31",
    )
    .await;

    // The link reaches Mallory (forwarded, or read over a shoulder).
    let (mallory, mallory_browser) = app.signed_up("Mallory").await;
    let link = link_in(
        &app.last_mail_to(&dirk.email).await,
        "/invitations/accept?token=",
    );
    let html = app
        .get_with(&mallory_browser, &link)
        .await
        .text()
        .await
        .unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let token = link.split_once("token=").unwrap().1;
    let refused = app
        .post_with(
            &mallory_browser,
            "/invitations/accept",
            &[("csrf_token", &csrf), ("token", token), ("birth_date", "")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Deze uitnodiging is naar een ander e-mailadres gestuurd"));
    assert!(page.contains("log in met het adres waarnaar de uitnodiging is gestuurd"));
    let mallory_id = account_id(&app, &mallory.email).await;
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let memberships: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE account_id = $1")
            .bind(mallory_id.as_str())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(memberships, 0, "nothing stored");
    let denied = entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.record.action == "invitation_address_mismatch")
        .expect("the refusal is logged");
    assert_eq!(
        denied.record.actor_account_id.as_deref(),
        Some(mallory_id.as_str())
    );
    assert_eq!(
        denied.record.outcome,
        carespace_core::audit::Outcome::Denied
    );

    // The link still works for the invited address, however its owner typed it.
    let typed = Person {
        email: "Dirk@Example.NL".into(),
        ..dirk.clone()
    };
    let dirk_browser = new_client();
    assert_eq!(app.register_with(&dirk_browser, &typed).await.status(), 303);
    let verified = app.follow_verification(&dirk_browser, &dirk).await;
    assert_eq!(verified.status(), 200);
    let dirk_browser = app.logged_in(&typed).await;
    let html = app
        .get_with(&dirk_browser, &link)
        .await
        .text()
        .await
        .unwrap();
    let csrf = carespace_tests::csrf_token_in(&html).unwrap();
    let joined = app
        .post_with(
            &dirk_browser,
            "/invitations/accept",
            &[
                ("csrf_token", &csrf),
                ("token", token),
                ("birth_date", &dirk.birth_date),
            ],
        )
        .await;
    assert_eq!(joined.status(), 303);
    assert_eq!(joined.headers()["location"], "/h/de-linde");
}
