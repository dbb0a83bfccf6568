//! The audit-log viewer: owners and admins read their Healthspace's log, filtered by person,
//! client and period, page by page; nothing of another Healthspace shows.

use crate::practice::{account_id, connect, healthspace, join};
use carespace_app::audit::{self, Origin};
use carespace_app::memberships::invitations::{self, InvitationInput};
use carespace_app::organisations;
use carespace_store::audit::entries_after;
use carespace_tests::{Person, actor_of, new_client, spawn_app};

#[tokio::test]
async fn owners_read_their_healthspace_log_filtered_and_paged() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    join(&app, &owner, "de-linde", &Person::new("Dirk"), "client").await;
    connect(&app, &owner, "de-linde", &bram.email, &cleo.email).await;

    // Another Healthspace of the same organisation, with its own entries.
    let olga = account_id(&app, "olga@example.nl").await;
    let org = organisations::owned(&app.ctx, &olga)
        .await
        .unwrap()
        .remove(0);
    carespace_app::healthspaces::create(
        &app.ctx,
        &olga,
        &org.id,
        "Jeugd",
        "jeugd",
        &Origin::default(),
    )
    .await
    .unwrap();
    let invitation = InvitationInput {
        email: "elsewhere@example.nl".into(),
        role: "client".into(),
        birth_date: "1990-05-31".into(),
    };
    invitations::invite(&app.ctx, &actor_of(olga.as_str()), "jeugd", invitation)
        .await
        .unwrap();

    let page = app.get_with(&owner, "/h/de-linde/audit").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Medewerker aan cliënt gekoppeld"));
    assert!(page.contains("Lidmaatschap gestart"));
    assert!(page.contains("Uitnodiging verstuurd"));
    assert!(!page.contains("audit-action-"), "every action has a label");
    assert!(
        !page.contains("elsewhere"),
        "nothing of another Healthspace"
    );
    assert_eq!(page.matches("Uitnodiging verstuurd").count(), 3);

    let by_client = app
        .get_with(&owner, "/h/de-linde/audit?client=cleo%40example.nl")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_client.contains("Medewerker aan cliënt gekoppeld"));
    assert!(!by_client.contains("Uitnodiging verstuurd"));
    assert!(by_client.contains("value=\"cleo@example.nl\""));
    // Reading the log filtered on one client is a read of that client's data.
    app.ctx.audit.flush().await;
    let cleo_id = account_id(&app, &cleo.email).await;
    let viewed = entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.record.action == "audit_log_viewed")
        .unwrap();
    assert_eq!(
        viewed.record.client_account_id.as_deref(),
        Some(cleo_id.as_str())
    );

    let by_person = app
        .get_with(&owner, "/h/de-linde/audit?person=bram%40example.nl")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(by_person.matches("Lidmaatschap gestart").count(), 1);
    assert!(!by_person.contains("Medewerker aan cliënt gekoppeld"));

    let today = app.ctx.now().utc_date();
    let tomorrow = app.ctx.now().plus_millis(86_400_000).utc_date();
    let later = app
        .get_with(&owner, &format!("/h/de-linde/audit?from={tomorrow}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(later.contains("Geen regels gevonden."));
    let within = app
        .get_with(
            &owner,
            &format!("/h/de-linde/audit?from={today}&to={today}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(within.contains("Medewerker aan cliënt gekoppeld"));

    let bad = app
        .get_with(&owner, "/h/de-linde/audit?from=24-11-2026")
        .await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("Vul een datum in zoals 2026-11-24."));
    assert!(bad.contains("value=\"24-11-2026\""));

    // Many entries: pages of 50, the next one by keyset.
    for n in 0..55 {
        let invitation = InvitationInput {
            email: format!("person{n}@example.nl"),
            role: "client".into(),
            birth_date: "1990-05-31".into(),
        };
        invitations::invite(&app.ctx, &actor_of(olga.as_str()), "de-linde", invitation)
            .await
            .unwrap();
    }
    let first = app
        .get_with(&owner, "/h/de-linde/audit")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        first.matches("<tr>").count(),
        51,
        "a header row and 50 entries"
    );
    let start = first
        .find("/h/de-linde/audit?person=")
        .expect("a next page");
    let next = first[start..start + first[start..].find('"').unwrap()].replace("&#38;", "&");
    let second = app.get_with(&owner, &next).await.text().await.unwrap();
    assert!(
        second.contains("Medewerker aan cliënt gekoppeld"),
        "older entries"
    );
    assert!(
        !second.contains("person54@"),
        "the newest are on the first page only"
    );
}

#[tokio::test]
async fn reading_the_members_list_and_the_audit_log_and_refusals_leave_entries_by_id() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let olga = account_id(&app, "olga@example.nl").await;
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    for path in ["/h/de-linde/members", "/h/de-linde/audit"] {
        let page = owner
            .get(app.url(path))
            .header("user-agent", "Firefox/140.0")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
    }
    let secret = crate::api::create_token(&app, &owner, "Script").await;
    let listed = new_client()
        .get(app.url("/api/v1/healthspaces/de-linde/members"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    // Someone else is refused: no read entry, but a refusal.
    let (sven, stranger) = app.signed_up("Sven").await;
    let refused = app.get_with(&stranger, "/h/de-linde/members").await;
    assert_eq!(refused.status(), 404);

    app.ctx.audit.flush().await;
    let entries = entries_after(&app.ctx.db, 0, 1000).await.unwrap();
    let reads: Vec<_> = entries
        .iter()
        .map(|e| &e.record)
        .filter(|r| r.action == "members_listed" || r.action == "audit_log_viewed")
        .collect();
    let actions: Vec<&str> = reads.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["members_listed", "audit_log_viewed", "members_listed"]
    );
    for read in &reads {
        assert_eq!(read.actor_account_id.as_deref(), Some(olga.as_str()));
        assert_eq!(read.actor_role.as_deref(), Some("owner"));
        assert_eq!(read.healthspace_id.as_deref(), Some(hs.id.as_str()));
        assert_eq!(read.object_id.as_deref(), Some(hs.id.as_str()));
        let text = format!("{read:?}");
        assert!(!text.contains("olga@") && !text.contains("Olga"), "{text}");
    }
    assert_eq!(reads[0].user_agent.as_deref(), Some("Firefox/140.0"));
    assert!(reads[0].session_id.is_some() && reads[0].api_token_id.is_none());
    assert!(reads[2].session_id.is_none() && reads[2].api_token_id.is_some());
    let token_id = reads[2].api_token_id.clone().unwrap();
    assert!(!secret.contains(&token_id), "the token's id, not the token");
    let sven_id = account_id(&app, &sven.email).await;
    let refusals: Vec<_> = entries
        .iter()
        .map(|e| &e.record)
        .filter(|r| r.action == "access_refused")
        .collect();
    assert_eq!(refusals.len(), 1);
    assert_eq!(
        refusals[0].actor_account_id.as_deref(),
        Some(sven_id.as_str())
    );
    assert_eq!(refusals[0].object_type, "manage_members");
    assert_eq!(refusals[0].healthspace_id.as_deref(), Some(hs.id.as_str()));
    assert_eq!(refusals[0].outcome, carespace_core::audit::Outcome::Denied);
    let log = app
        .get_with(&owner, "/h/de-linde/audit")
        .await
        .text()
        .await
        .unwrap();
    assert!(log.contains("Toegang geweigerd") && log.contains("Ledenlijst bekeken"));
    // Someone without a role there is named as such, in the reader's language.
    assert_eq!(refusals[0].actor_role.as_deref(), Some("none"));
    assert!(
        log.contains("Geen lid") && !log.contains("audit-role-"),
        "{log}"
    );
    assert_eq!(audit::verify(&app.ctx.db).await.unwrap().broken_at, None);
}
