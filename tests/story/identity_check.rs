//! The second check on who accepts an invitation: a client is invited with their date of
//! birth, and three wrong dates block the invitation until the Healthspace sends it again.

use crate::practice::{accept, healthspace, invite};
use carespace_store::audit::entries_after;
use carespace_tests::{Person, TestApp};

async fn failed_checks(app: &TestApp) -> usize {
    entries_after(&app.ctx.db, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "invitation_identity_check_failed")
        .count()
}

async fn members_page(app: &TestApp, owner: &reqwest::Client) -> String {
    app.get_with(owner, "/h/de-linde/members")
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_client_is_invited_with_a_date_of_birth_and_three_wrong_ones_block_the_invitation() {
    let app = carespace_tests::spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let cleo = Person::new("Cleo");

    // Without a date of birth a client is not invited; what was typed stays in the form.
    let refused = invite(&app, &owner, "de-linde", &cleo.email, "client", "").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Vul de geboortedatum van de cliënt in"),
        "{page}"
    );
    assert!(page.contains(&cleo.email), "the address typed is kept");
    assert!(app.mails_to(&cleo.email).await.is_empty(), "nothing sent");
    // Staff may be invited without one.
    let staff = invite(&app, &owner, "de-linde", "bram@example.nl", "staff", "").await;
    assert_eq!(staff.status(), 303);

    let invited = invite(
        &app,
        &owner,
        "de-linde",
        &cleo.email,
        "client",
        "1990-05-31",
    )
    .await;
    assert_eq!(invited.status(), 303);
    app.sign_up(&cleo).await;
    let browser = app.logged_in(&cleo).await;
    for _ in 0..2 {
        let wrong = accept(&app, &browser, &cleo, "1991-05-31").await;
        assert_eq!(wrong.status(), 422);
        assert!(wrong.text().await.unwrap().contains("komt niet overeen"));
    }
    let third = accept(&app, &browser, &cleo, "1992-05-31").await;
    assert_eq!(third.status(), 422);
    let page = third.text().await.unwrap();
    assert!(
        page.contains("geblokkeerd na 3 verkeerde geboortedata"),
        "{page}"
    );
    // Blocked: even the right date no longer lets her in.
    let right = accept(&app, &browser, &cleo, &cleo.birth_date).await;
    assert_eq!(right.status(), 422);
    assert!(right.text().await.unwrap().contains("geblokkeerd"));
    assert_eq!(
        failed_checks(&app).await,
        3,
        "each wrong date is audit-logged"
    );
    let members = members_page(&app, &owner).await;
    assert!(
        members.contains("Geblokkeerd na 3 verkeerde geboortedata"),
        "{members}"
    );
    assert!(!members.contains("Cleo Jansen"), "not a member");

    // Sent again, the new invitation has its own three tries.
    let start = members.find("/h/de-linde/invitations/").unwrap();
    let end = members[start..].find('"').unwrap() + start;
    let resend = &members[start..end];
    assert!(resend.ends_with("/resend"), "{resend}");
    let token = app.token_with(&owner, "/h/de-linde/members").await;
    let sent = app
        .post_with(&owner, resend, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(sent.status(), 303);
    assert!(!members_page(&app, &owner).await.contains("Geblokkeerd"));
    let joined = accept(&app, &browser, &cleo, &cleo.birth_date).await;
    assert_eq!(joined.status(), 303);
    assert_eq!(joined.headers()["location"], "/h/de-linde");
}
