//! A client is emailed whenever who can see their record changes: a staff member connected to
//! them, or no longer connected because the staff member left or was let go.

use crate::practice::{cancel_action, connect, healthspace, join};
use carespace_tests::{Person, TestApp};

/// The link that leaves (or ends) the first membership a page links to.
fn first_link(page: &str, prefix: &str) -> String {
    let start = page.find(prefix).unwrap();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].to_owned()
}

async fn subjects(app: &TestApp, email: &str) -> Vec<String> {
    app.mails_to(email)
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

#[tokio::test]
async fn the_client_is_emailed_when_staff_are_connected_and_when_they_are_no_longer() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let dana = Person::new("Dana");
    let cleo = Person::new("Cleo");
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &dana, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let before = app.mails_to(&cleo.email).await.len();

    for staff in [&bram, &dana] {
        let made = connect(&app, &owner, "de-linde", &staff.email, &cleo.email).await;
        assert_eq!(made.status(), 303);
    }
    let mails = app.mails_to(&cleo.email).await;
    assert_eq!(mails.len(), before + 2);
    let made = &mails[before];
    assert_eq!(made.subject, "Er is iemand met je verbonden");
    assert!(
        made.text
            .contains("Bram Jansen is nu met je verbonden in De Linde"),
        "{}",
        made.text
    );
    assert!(made.text.contains("/account/connections"));

    // Bram leaves the Healthspace himself.
    let memberships = app
        .get_with(&bram_browser, "/account/memberships")
        .await
        .text()
        .await
        .unwrap();
    let leave = first_link(&memberships, "/account/memberships/");
    let token = carespace_tests::csrf_token_in(&memberships).unwrap();
    let left = app
        .post_with(&bram_browser, &leave, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(left.status(), 303);
    let ended = app.last_mail_to(&cleo.email).await;
    assert_eq!(ended.subject, "Een connectie is beëindigd");
    assert!(
        ended
            .text
            .contains("Bram Jansen is niet meer met je verbonden")
    );

    // The provider ends Dana's membership: Cleo is told too.
    let list = app
        .get_with(
            &owner,
            &format!("/h/de-linde/members?state=active&search={}", "dana"),
        )
        .await
        .text()
        .await
        .unwrap();
    let end = cancel_action(&list);
    let token = app.token_with(&owner, "/h/de-linde/members").await;
    let cancelled = app
        .post_with(&owner, &end, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(cancelled.status(), 303);
    let ended = app.last_mail_to(&cleo.email).await;
    assert!(
        ended
            .text
            .contains("Dana Jansen is niet meer met je verbonden"),
        "{}",
        ended.text
    );
    assert_eq!(
        subjects(&app, &cleo.email).await.len(),
        before + 4,
        "two connections made, two ended"
    );
    // Staff are not emailed about the client's connections.
    assert!(
        !subjects(&app, &dana.email)
            .await
            .iter()
            .any(|s| s.contains("verbonden"))
    );
}

#[tokio::test]
async fn admins_see_every_connection_and_end_one_and_both_people_are_told() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let bram = Person::new("Bram");
    let dana = Person::new("Dana");
    let cleo = Person::new("Cleo");
    let bram_browser = join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &dana, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    for staff in [&bram, &dana] {
        connect(&app, &owner, "de-linde", &staff.email, &cleo.email).await;
    }

    let page = app
        .get_with(&owner, "/h/de-linde/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Bram Jansen") && page.contains("Dana Jansen"));
    assert!(page.contains("Olga Jansen"), "who made them");
    // Filtered on one staff member.
    let filtered = app
        .get_with(&owner, "/h/de-linde/connections?staff=bram%40example.nl")
        .await
        .text()
        .await
        .unwrap();
    assert!(filtered.contains("Bram Jansen") && !filtered.contains("Dana Jansen"));
    // Staff cannot see the list, nor end a connection.
    assert_eq!(
        app.get_with(&bram_browser, "/h/de-linde/connections")
            .await
            .status(),
        404
    );
    let end = first_link(&filtered, "/h/de-linde/connections/");
    assert!(end.ends_with("/end"), "{end}");
    let token = app.token_with(&bram_browser, "/account").await;
    let refused = app
        .post_with(&bram_browser, &end, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(refused.status(), 404);

    let token = app.token_with(&owner, "/h/de-linde/connections").await;
    let ended = app
        .post_with(&owner, &end, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(ended.status(), 303);
    assert_eq!(
        ended.headers()["location"],
        "/h/de-linde/connections?done=ended"
    );
    let page = app
        .get_with(&owner, "/h/de-linde/connections")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Bram Jansen") && page.contains("Dana Jansen"));
    let to_cleo = app.last_mail_to(&cleo.email).await;
    assert!(
        to_cleo
            .text
            .contains("Bram Jansen is niet meer met je verbonden")
    );
    let to_bram = app.last_mail_to(&bram.email).await;
    assert_eq!(to_bram.subject, "Een connectie is beëindigd");
    assert!(to_bram.text.contains("Cleo Jansen"), "{}", to_bram.text);
    // Ending it again finds nothing.
    let again = app
        .post_with(&owner, &end, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(again.status(), 404);
    // Reads are written through the batched appender: wait for its batch.
    app.ctx.audit.flush().await;
    let actions: Vec<String> = carespace_store::audit::entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "connection_ended").count(),
        1
    );
    assert!(actions.iter().any(|a| a == "connections_listed"));
}
