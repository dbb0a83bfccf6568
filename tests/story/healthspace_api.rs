//! Managing a Healthspace over the API with a personal access token: invitations, the members
//! list, connections and the audit log, with the same rules and answers as the pages.

use crate::api::create_token;
use crate::practice::{healthspace, join};
use carespace_tests::{Person, new_client, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn an_owner_invites_lists_connects_and_reads_the_log_over_the_api() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let secret = create_token(&app, &owner, "practice system").await;
    let program = new_client();
    let url = |path: &str| app.url(&format!("/api/v1/healthspaces/de-linde{path}"));

    let bad = program
        .post(url("/invitations"))
        .bearer_auth(&secret)
        .header("accept-language", "en")
        .json(&json!({ "email": "not an address", "role": "client" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["problems"][0]["field"], "email");
    assert_eq!(bad["error"]["problems"][0]["code"], "email_invalid");

    // A parameter given without a value is not "left out": the document gives each its form.
    let empty = program
        .get(url("/audit?before=&person="))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    let empty: Value = empty.json().await.unwrap();
    let fields: Vec<_> = empty["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].clone(), p["code"].clone()))
        .collect();
    assert_eq!(
        fields,
        [
            (json!("before"), json!("value_empty")),
            (json!("person"), json!("value_empty"))
        ]
    );
    assert_eq!(
        empty["error"]["problems"][0]["message"],
        "Geef deze parameter een waarde, of laat hem weg."
    );

    // A client is invited with their date of birth, the second check on who accepts.
    let without = program
        .post(url("/invitations"))
        .bearer_auth(&secret)
        .json(&json!({ "email": "dirk@example.nl", "role": "client" }))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 422);
    let refused: Value = without.json().await.unwrap();
    assert_eq!(
        refused["error"]["problems"][0]["code"],
        "birth_date_required_for_client"
    );
    assert!(app.mails_to("dirk@example.nl").await.is_empty());
    let sent = program
        .post(url("/invitations"))
        .bearer_auth(&secret)
        .json(&json!({ "email": "dirk@example.nl", "role": "client", "birth_date": "1990-05-31" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    assert_eq!(app.mails_to("dirk@example.nl").await.len(), 1);

    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    let staff = join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;

    let members: Value = program
        .get(url("/members?role=client"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(members["members"].as_array().unwrap().len(), 1);
    assert_eq!(members["members"][0]["email"], "cleo@example.nl");
    assert!(members.get("next").is_none());

    let connected = program
        .post(url("/connections"))
        .bearer_auth(&secret)
        .json(&json!({ "staff": bram.email, "client": cleo.email }))
        .send()
        .await
        .unwrap();
    assert_eq!(connected.status(), 204);

    let log: Value = program
        .get(url("/audit?client=cleo%40example.nl"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["entries"][0]["action"], "connection_created");
    assert_eq!(log["entries"][0]["client"], "Cleo Jansen");
    assert_eq!(log["entries"][0]["role"], "owner");

    // Staff get nothing of this, with a token or a browser.
    let staff_secret = create_token(&app, &staff, "mine").await;
    for path in ["/members", "/audit"] {
        let answer = program
            .get(url(path))
            .bearer_auth(&staff_secret)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn over_the_api_admins_list_resend_and_revoke_invitations_and_list_and_end_connections() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let secret = create_token(&app, &owner, "practice system").await;
    let program = new_client();
    let url = |path: &str| app.url(&format!("/api/v1/healthspaces/de-linde{path}"));
    for email in ["dirk@example.nl", "eva@example.nl"] {
        let sent = program
            .post(url("/invitations"))
            .bearer_auth(&secret)
            .json(&json!({ "email": email, "role": "staff" }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 202);
    }
    let pending: Value = program
        .get(url("/invitations"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pending = pending.as_array().unwrap();
    assert_eq!(pending.len(), 2);
    let id_of = |email: &str| {
        pending.iter().find(|i| i["email"] == email).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(pending[0]["blocked"], false);
    let resent = program
        .post(url(&format!(
            "/invitations/{}/resend",
            id_of("dirk@example.nl")
        )))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status(), 202);
    assert_eq!(app.mails_to("dirk@example.nl").await.len(), 2);
    let revoked = program
        .delete(url(&format!("/invitations/{}", id_of("eva@example.nl"))))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let emails: Vec<String> = program
        .get(url("/invitations"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails, ["dirk@example.nl"]);

    let bram = Person::new("Bram");
    let cleo = Person::new("Cleo");
    join(&app, &owner, "de-linde", &bram, "staff").await;
    join(&app, &owner, "de-linde", &cleo, "client").await;
    let connected = program
        .post(url("/connections"))
        .bearer_auth(&secret)
        .json(&json!({ "staff": bram.email, "client": cleo.email }))
        .send()
        .await
        .unwrap();
    assert_eq!(connected.status(), 204);
    let listed: Value = program
        .get(url("/connections?client=cleo%40example.nl"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let connection = &listed["connections"][0];
    assert_eq!(connection["staff"], "Bram Jansen");
    assert_eq!(connection["client_email"], "cleo@example.nl");
    let bad = program
        .get(url("/connections?before=yesterday"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let id = connection["id"].as_str().unwrap();
    let ended = program
        .delete(url(&format!("/connections/{id}")))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    let again = program
        .delete(url(&format!("/connections/{id}")))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
    assert!(
        app.last_mail_to(&cleo.email)
            .await
            .text
            .contains("niet meer met je verbonden")
    );
}
