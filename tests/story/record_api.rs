//! My Record over the API: a program with the client's token keeps links, renames, deletes and
//! shares them per Healthspace, and reads who viewed the record; a connected staff member's
//! program reads what is shared with their Healthspace. Bad input is 422 with each problem and
//! stores nothing; anyone else's item, an unconnected staff member and a token for another
//! Healthspace get 404; a read-only token changes nothing.

use crate::api::{create_scoped_token, create_token};
use crate::practice::{accept, account_id, connect, healthspace, healthspace_id, invite, join};
use carespace_app::audit::Origin;
use carespace_core::healthspaces::HealthspaceState;
use carespace_tests::{Person, TestApp, new_client};
use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::{AnyPool, Row};

/// Cleo, a client of De Linde, and Bram, staff there connected to her; Eva is staff there
/// too, not connected. Each has a read-write token of their own; Olga's browser owns the
/// organisation.
struct Practice {
    owner: reqwest::Client,
    bram: Person,
    bram_browser: reqwest::Client,
    cleo_id: String,
    cleo_token: String,
    bram_token: String,
    eva_token: String,
}

async fn practice(app: &TestApp) -> Practice {
    let owner = healthspace(app, "de-linde").await;
    let (bram, cleo, eva) = (Person::new("Bram"), Person::new("Cleo"), Person::new("Eva"));
    let bram_browser = join(app, &owner, "de-linde", &bram, "staff").await;
    let eva_browser = join(app, &owner, "de-linde", &eva, "staff").await;
    let cleo_browser = join(app, &owner, "de-linde", &cleo, "client").await;
    app.enrol_app(&cleo_browser, &cleo).await;
    let made = connect(app, &owner, "de-linde", &bram.email, &cleo.email).await;
    assert_eq!(made.status(), 303);
    Practice {
        cleo_id: account_id(app, &cleo.email).await.to_string(),
        cleo_token: create_token(app, &cleo_browser, "Cleo's script").await,
        bram_token: create_token(app, &bram_browser, "Bram's script").await,
        eva_token: create_token(app, &eva_browser, "Eva's script").await,
        owner,
        bram,
        bram_browser,
    }
}

/// Sends a request with `token`, with `body` as JSON when there is one.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let request = new_client()
        .request(method, app.url(path))
        .bearer_auth(token);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn json_of(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

/// Each problem of a 422 answer as (field, code).
fn problems(answer: &Value) -> Vec<(String, String)> {
    assert_eq!(answer["error"]["code"], "invalid_input");
    answer["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()));
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (text(&p["field"]), text(&p["code"]))
        })
        .collect()
}

/// Adds a link over the API; the new item.
async fn add_link(app: &TestApp, token: &str, title: &str) -> Value {
    let body = json!({ "title": title, "url": "https://www.thuisarts.nl/angst", "note": "Tip" });
    let added = call(app, token, Method::POST, "/api/v1/record/links", Some(body)).await;
    json_of(added, 201).await
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(&app.database_url()).await.unwrap();
    let n = sqlx::query(sql)
        .bind(bind.to_owned())
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap();
    pool.close().await;
    n
}

async fn items_of(app: &TestApp, account: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM record_items WHERE account_id = $1";
    count(app, sql, account).await
}

#[tokio::test]
async fn a_clients_program_keeps_links_and_shares_them_with_the_connected_staff_only() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let hs = healthspace_id(&app, "de-linde").await.to_string();

    let added = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/record/links",
        Some(json!({
            "title": " Thuisarts over angst ",
            "url": "https://www.thuisarts.nl/angst",
            "note": "Tip van de huisarts",
        })),
    )
    .await;
    assert_eq!(added.status(), 201);
    let id = {
        let location = added.headers()["location"].to_str().unwrap().to_owned();
        let item: Value = added.json().await.unwrap();
        assert_eq!(
            location,
            format!("/api/v1/record/items/{}", item["id"].as_str().unwrap())
        );
        assert_eq!(item["kind"], "link");
        assert_eq!(item["title"], "Thuisarts over angst", "trimmed");
        assert_eq!(item["url"], "https://www.thuisarts.nl/angst");
        assert_eq!(item["note"], "Tip van de huisarts");
        assert_eq!(item["file"], Value::Null);
        assert_eq!(item["shared_with"], json!([]), "private by default");
        assert!(item["created_at"].is_i64());
        item["id"].as_str().unwrap().to_owned()
    };
    assert_eq!(items_of(&app, &p.cleo_id).await, 1);

    let record = json_of(
        call(&app, &p.cleo_token, Method::GET, "/api/v1/record", None).await,
        200,
    )
    .await;
    let entries = record["entries"].as_array().unwrap();
    let item = entries.iter().find(|e| e["type"] == "item").unwrap();
    assert_eq!(item["id"], id.as_str());
    let kinds: Vec<&str> = entries
        .iter()
        .filter(|e| e["type"] == "event")
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"membership_started"), "{kinds:?}");
    assert!(kinds.contains(&"connection_made"), "{kinds:?}");
    assert!(record.get("next").is_none(), "one page");
    assert_eq!(
        record["share_targets"],
        json!([{ "healthspace_id": hs, "name": "De Linde" }])
    );

    // Private: Bram reads nothing of it yet.
    let shared_path = format!("/api/v1/healthspaces/de-linde/clients/{}/record", p.cleo_id);
    let seen = json_of(
        call(&app, &p.bram_token, Method::GET, &shared_path, None).await,
        200,
    )
    .await;
    assert_eq!(seen["items"], json!([]));

    let share = format!("/api/v1/record/items/{id}/shares/{hs}");
    let shared = call(&app, &p.cleo_token, Method::PUT, &share, None).await;
    assert_eq!(shared.status(), 204);
    let stored = "SELECT COUNT(*) FROM record_shares WHERE item_id = $1";
    assert_eq!(count(&app, stored, &id).await, 1);
    let item_path = format!("/api/v1/record/items/{id}");
    let item = json_of(
        call(&app, &p.cleo_token, Method::GET, &item_path, None).await,
        200,
    )
    .await;
    assert_eq!(item["shared_with"][0]["healthspace_id"], hs.as_str());
    assert_eq!(item["shared_with"][0]["name"], "De Linde");
    assert!(item["shared_with"][0]["since"].is_i64());
    // Sharing again changes nothing.
    assert_eq!(
        call(&app, &p.cleo_token, Method::PUT, &share, None)
            .await
            .status(),
        204
    );
    assert_eq!(count(&app, stored, &id).await, 1);

    let seen = json_of(
        call(&app, &p.bram_token, Method::GET, &shared_path, None).await,
        200,
    )
    .await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    assert_eq!(seen["items"][0]["title"], "Thuisarts over angst");
    assert!(
        seen["items"][0].get("shared_with").is_none(),
        "staff do not learn where else it is shared"
    );
    let shared_event = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "document_shared")
        .unwrap();
    assert_eq!(shared_event["item"], id.as_str());
    assert_eq!(shared_event["healthspace"], "De Linde");
    // Bram's browser, the site's own scripts, reads the same.
    let by_browser = p
        .bram_browser
        .get(app.url(&shared_path))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(by_browser, 200).await["items"][0]["id"],
        id.as_str()
    );

    // A new title alone keeps the note; an empty note removes it.
    let renamed = call(
        &app,
        &p.cleo_token,
        Method::PATCH,
        &item_path,
        Some(json!({ "title": "Angst" })),
    )
    .await;
    let renamed = json_of(renamed, 200).await;
    assert_eq!(
        (&renamed["title"], &renamed["note"]),
        (&json!("Angst"), &json!("Tip van de huisarts"))
    );
    let cleared = call(
        &app,
        &p.cleo_token,
        Method::PATCH,
        &item_path,
        Some(json!({ "note": "" })),
    )
    .await;
    let cleared = json_of(cleared, 200).await;
    assert_eq!(
        (&cleared["title"], &cleared["note"]),
        (&json!("Angst"), &Value::Null)
    );
    let again = json_of(
        call(&app, &p.cleo_token, Method::GET, &item_path, None).await,
        200,
    )
    .await;
    assert_eq!(again["title"], "Angst", "stored");

    // Private again: gone for Bram.
    assert_eq!(
        call(&app, &p.cleo_token, Method::DELETE, &share, None)
            .await
            .status(),
        204
    );
    assert_eq!(count(&app, stored, &id).await, 0);
    let seen = json_of(
        call(&app, &p.bram_token, Method::GET, &shared_path, None).await,
        200,
    )
    .await;
    assert_eq!(seen["items"], json!([]));

    // Eva is not connected to Cleo: a refused try, which Cleo sees too.
    let refused = call(&app, &p.eva_token, Method::GET, &shared_path, None).await;
    assert_eq!(refused.status(), 404);

    app.ctx.audit.flush().await;
    let log = call(
        &app,
        &p.cleo_token,
        Method::GET,
        "/api/v1/record/access-log",
        None,
    )
    .await;
    let log = json_of(log, 200).await;
    let lines = log["lines"].as_array().unwrap();
    let bram_views: Vec<&Value> = lines
        .iter()
        .filter(|l| l["who"] == p.bram.name.as_str() && l["action"] == "client_viewed")
        .collect();
    assert_eq!(bram_views.len(), 4, "four reads by Bram: {lines:?}");
    let listed = lines
        .iter()
        .filter(|l| l["who"] == p.bram.name.as_str() && l["action"] == "record_listed")
        .count();
    assert_eq!(listed, 4, "each with the shared record read: {lines:?}");
    for view in &bram_views {
        assert_eq!(view["action"], "client_viewed");
        assert_eq!(view["role"], "staff");
        assert_eq!(view["healthspace"], "De Linde");
        assert_eq!(view["organisation"], "De Linde");
        assert_eq!(view["refused"], false);
        assert!(view["at"].is_i64());
    }
    let eva_try: Vec<&Value> = lines.iter().filter(|l| l["who"] == "Eva Jansen").collect();
    assert_eq!(eva_try.len(), 1, "{lines:?}");
    assert_eq!(eva_try[0]["action"], "access_refused");
    assert_eq!(eva_try[0]["refused"], true);
    assert!(
        lines.iter().all(|l| l["who"] != "Cleo Jansen"),
        "Cleo's own doings are not listed: {lines:?}"
    );
    let today = carespace_core::time::Timestamp::from_millis(lines[0]["at"].as_i64().unwrap())
        .utc_date()
        .to_string();
    let period = format!("/api/v1/record/access-log?from={today}&to={today}");
    let same = json_of(
        call(&app, &p.cleo_token, Method::GET, &period, None).await,
        200,
    )
    .await;
    assert_eq!(same["lines"].as_array().unwrap().len(), lines.len());
    let earlier = json_of(
        call(
            &app,
            &p.cleo_token,
            Method::GET,
            "/api/v1/record/access-log?to=2020-01-01",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(earlier["lines"], json!([]));

    // Deleted: gone for good.
    assert_eq!(
        call(&app, &p.cleo_token, Method::DELETE, &item_path, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        call(&app, &p.cleo_token, Method::GET, &item_path, None)
            .await
            .status(),
        404
    );
    assert_eq!(items_of(&app, &p.cleo_id).await, 0);
}

#[tokio::test]
async fn bad_input_is_answered_with_each_problem_and_nothing_is_stored() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;

    let bad = json!({ "title": "  ", "url": "javascript:alert(1)", "note": "x".repeat(2001) });
    let refused = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/record/links",
        Some(bad),
    )
    .await;
    let refused = json_of(refused, 422).await;
    let mut found = problems(&refused);
    found.sort();
    let expected = [
        ("note", "note_too_long"),
        ("title", "title_missing"),
        ("url", "url_invalid"),
    ];
    assert_eq!(found, expected.map(|(f, c)| (f.to_owned(), c.to_owned())));
    let url_message = refused["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["field"] == "url")
        .unwrap()["message"]
        .clone();
    assert_eq!(
        url_message,
        "Vul een volledig webadres in dat begint met https:// (of http://)."
    );
    let missing = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/record/links",
        Some(json!({})),
    )
    .await;
    let mut found = problems(&json_of(missing, 422).await);
    found.sort();
    assert_eq!(
        found,
        [("title", "title_missing"), ("url", "url_missing")]
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    let not_json = new_client()
        .post(app.url("/api/v1/record/links"))
        .bearer_auth(&p.cleo_token)
        .body("title=x")
        .send()
        .await
        .unwrap();
    let not_json = json_of(not_json, 422).await;
    assert_eq!(
        problems(&not_json),
        [("body".to_owned(), "body_not_json".to_owned())]
    );
    let wrong_type = json!({ "title": 7, "url": "https://example.org" });
    let wrong = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/record/links",
        Some(wrong_type),
    )
    .await;
    assert_eq!(
        problems(&json_of(wrong, 422).await),
        [("title".to_owned(), "value_invalid".to_owned())]
    );
    assert_eq!(items_of(&app, &p.cleo_id).await, 0, "nothing stored");

    let item = add_link(&app, &p.cleo_token, "Verwijzing").await;
    let item_path = format!("/api/v1/record/items/{}", item["id"].as_str().unwrap());
    let too_long = json!({ "title": "a".repeat(201), "note": "kept?" });
    let refused = call(
        &app,
        &p.cleo_token,
        Method::PATCH,
        &item_path,
        Some(too_long),
    )
    .await;
    assert_eq!(
        problems(&json_of(refused, 422).await),
        [("title".to_owned(), "title_too_long".to_owned())]
    );
    let unchanged = json_of(
        call(&app, &p.cleo_token, Method::GET, &item_path, None).await,
        200,
    )
    .await;
    assert_eq!(
        (&unchanged["title"], &unchanged["note"]),
        (&json!("Verwijzing"), &json!("Tip"))
    );
    assert_eq!(unchanged["updated_at"], item["updated_at"]);

    for (path, field, code) in [
        (
            "/api/v1/record?before=yesterday",
            "before",
            "cursor_invalid",
        ),
        ("/api/v1/record?before=", "before", "value_empty"),
        (
            "/api/v1/record/access-log?from=31-12-2026",
            "from",
            "date_invalid",
        ),
        (
            "/api/v1/record/access-log?to=2026-02-30",
            "to",
            "date_invalid",
        ),
        (
            "/api/v1/record/access-log?before=1:x",
            "before",
            "cursor_invalid",
        ),
    ] {
        let answer = call(&app, &p.cleo_token, Method::GET, path, None).await;
        assert_eq!(answer.status(), 422, "{path}");
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(
            problems(&answer),
            [(field.to_owned(), code.to_owned())],
            "{path}"
        );
    }
    // In the language of the account.
    let english = Some(json!({ "language": "en" }));
    assert_eq!(
        call(&app, &p.cleo_token, Method::PATCH, "/api/v1/me", english)
            .await
            .status(),
        200
    );
    let path = "/api/v1/record/access-log?from=yesterday";
    let answer = json_of(
        call(&app, &p.cleo_token, Method::GET, path, None).await,
        422,
    )
    .await;
    assert_eq!(
        answer["error"]["problems"][0]["message"],
        "Enter a date like 2026-11-24."
    );
}

#[tokio::test]
async fn nobody_else_reaches_a_clients_record_over_the_api() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let item = add_link(&app, &p.cleo_token, "Verwijzing").await;
    let id = item["id"].as_str().unwrap();
    let item_path = format!("/api/v1/record/items/{id}");
    let hs = healthspace_id(&app, "de-linde").await;
    let share = format!("{item_path}/shares/{hs}");
    assert_eq!(
        call(&app, &p.cleo_token, Method::PUT, &share, None)
            .await
            .status(),
        204
    );

    // Another person's program, and the connected staff member's own: Cleo's items are not
    // theirs.
    let (dirk_person, dirk_browser) = app.signed_up("Dirk").await;
    app.enrol_app(&dirk_browser, &dirk_person).await;
    let dirk = create_token(&app, &dirk_browser, "Dirk's script").await;
    for token in [&dirk, &p.bram_token] {
        assert_eq!(
            call(&app, token, Method::GET, &item_path, None)
                .await
                .status(),
            404
        );
        let rename = Some(json!({ "title": "Van mij" }));
        assert_eq!(
            call(&app, token, Method::PATCH, &item_path, rename)
                .await
                .status(),
            404
        );
        assert_eq!(
            call(&app, token, Method::DELETE, &share, None)
                .await
                .status(),
            404
        );
        assert_eq!(
            call(&app, token, Method::PUT, &share, None).await.status(),
            404
        );
        assert_eq!(
            call(&app, token, Method::DELETE, &item_path, None)
                .await
                .status(),
            404
        );
    }
    let still = json_of(
        call(&app, &p.cleo_token, Method::GET, &item_path, None).await,
        200,
    )
    .await;
    assert_eq!(still["title"], "Verwijzing");
    assert_eq!(
        still["shared_with"][0]["healthspace_id"],
        hs.as_str(),
        "still shared"
    );
    assert_eq!(items_of(&app, &p.cleo_id).await, 1);
    // Not an id, or no Healthspace where the one sharing is a client: 404.
    let nowhere = format!(
        "{item_path}/shares/{}",
        carespace_core::ids::HealthspaceId::generate()
    );
    assert_eq!(
        call(&app, &p.cleo_token, Method::PUT, &nowhere, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &p.cleo_token,
            Method::GET,
            "/api/v1/record/items/x",
            None
        )
        .await
        .status(),
        404
    );
    let bram_link = add_link(&app, &p.bram_token, "Eigen link").await;
    let as_staff = format!(
        "/api/v1/record/items/{}/shares/{hs}",
        bram_link["id"].as_str().unwrap()
    );
    assert_eq!(
        call(&app, &p.bram_token, Method::PUT, &as_staff, None)
            .await
            .status(),
        404,
        "staff, not a client, of De Linde"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM record_shares WHERE healthspace_id = $1",
            hs.as_str()
        )
        .await,
        1
    );

    // The client's record in the Healthspace: only for staff connected to her.
    let shared_path = format!("/api/v1/healthspaces/de-linde/clients/{}/record", p.cleo_id);
    assert_eq!(
        call(&app, &p.eva_token, Method::GET, &shared_path, None)
            .await
            .status(),
        404,
        "not connected"
    );
    let owner_token = create_token(&app, &p.owner, "Olga's script").await;
    assert_eq!(
        call(&app, &owner_token, Method::GET, &shared_path, None)
            .await
            .status(),
        404,
        "the owner"
    );
    assert_eq!(
        call(&app, &dirk, Method::GET, &shared_path, None)
            .await
            .status(),
        404,
        "no member"
    );

    // Bram's token for another Healthspace of his reaches nothing in De Linde, nor his own
    // record; one for De Linde reaches Cleo's shared items, and not the record of his own.
    let olga = account_id(&app, "olga@example.nl").await;
    let org = carespace_app::organisations::owned(&app.ctx, &olga)
        .await
        .unwrap()
        .remove(0);
    let eik = carespace_app::healthspaces::create(
        &app.ctx,
        &olga,
        &org.id,
        "De Eik",
        "de-eik",
        &Origin::default(),
    )
    .await
    .unwrap();
    carespace_app::healthspaces::set_state(
        &app.ctx,
        &olga,
        eik.id.as_str(),
        HealthspaceState::Active,
        &Origin::default(),
    )
    .await
    .unwrap();
    let invited = invite(
        &app,
        &p.owner,
        "de-eik",
        &p.bram.email,
        "staff",
        &p.bram.birth_date,
    )
    .await;
    assert_eq!(invited.status(), 303);
    let accepted = accept(&app, &p.bram_browser, &p.bram, &p.bram.birth_date).await;
    assert_eq!(accepted.status(), 303);
    let elsewhere = format!("/api/v1/healthspaces/de-eik/clients/{}/record", p.cleo_id);
    let status = call(&app, &p.bram_token, Method::GET, &elsewhere, None)
        .await
        .status();
    assert_eq!(status, 404, "Cleo is no client of De Eik");
    let eik_token = create_scoped_token(&app, &p.bram_browser, "Eik", "read_write", "de-eik").await;
    assert_eq!(
        call(&app, &eik_token, Method::GET, &shared_path, None)
            .await
            .status(),
        404
    );
    let linde_token =
        create_scoped_token(&app, &p.bram_browser, "Linde", "read_only", "de-linde").await;
    let seen = json_of(
        call(&app, &linde_token, Method::GET, &shared_path, None).await,
        200,
    )
    .await;
    assert_eq!(seen["items"][0]["id"], id);
    assert_eq!(
        call(&app, &linde_token, Method::GET, "/api/v1/record", None)
            .await
            .status(),
        403,
        "a token for one Healthspace does not reach the account's own record"
    );
}

#[tokio::test]
async fn a_read_only_token_reads_the_record_and_changes_nothing() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let item = add_link(&app, &p.cleo_token, "Verwijzing").await;
    let item_path = format!("/api/v1/record/items/{}", item["id"].as_str().unwrap());
    let cleo_browser = app.logged_in(&Person::new("Cleo")).await;
    let reader = create_scoped_token(&app, &cleo_browser, "Reader", "read_only", "").await;

    assert_eq!(
        call(&app, &reader, Method::GET, &item_path, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, &reader, Method::GET, "/api/v1/record", None)
            .await
            .status(),
        200
    );
    let rename = call(
        &app,
        &reader,
        Method::PATCH,
        &item_path,
        Some(json!({ "title": "Anders" })),
    )
    .await;
    let rename = json_of(rename, 403).await;
    assert_eq!(rename["error"]["code"], "forbidden");
    let hs = healthspace_id(&app, "de-linde").await;
    let share = format!("{item_path}/shares/{hs}");
    assert_eq!(
        call(&app, &reader, Method::PUT, &share, None)
            .await
            .status(),
        403
    );
    assert_eq!(
        call(&app, &reader, Method::DELETE, &item_path, None)
            .await
            .status(),
        403
    );
    let link = Some(json!({ "title": "Nog een", "url": "https://example.org" }));
    assert_eq!(
        call(&app, &reader, Method::POST, "/api/v1/record/links", link)
            .await
            .status(),
        403
    );

    let unchanged = json_of(
        call(&app, &p.cleo_token, Method::GET, &item_path, None).await,
        200,
    )
    .await;
    assert_eq!(unchanged["title"], "Verwijzing");
    assert_eq!(unchanged["shared_with"], json!([]));
    assert_eq!(items_of(&app, &p.cleo_id).await, 1);
}

/// A form with a title and a file named `name`, as a program sends it.
fn document_form(title: &str, name: &str, bytes: &[u8]) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
    reqwest::multipart::Form::new()
        .text("title", title.to_owned())
        .text("note", "Van de huisarts")
        .part("file", file)
}

async fn upload(app: &TestApp, token: &str, form: reqwest::multipart::Form) -> Response {
    new_client()
        .post(app.url("/api/v1/record/documents"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn download(app: &TestApp, token: &str, path: &str, range: Option<&str>) -> Response {
    let request = new_client().get(app.url(path)).bearer_auth(token);
    let request = match range {
        Some(range) => request.header("range", range),
        None => request,
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn documents_go_up_as_forms_and_come_back_whole_or_in_part_to_the_client_and_connected_staff()
{
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".to_vec();

    // Named like an image, it is a PDF: the content decides.
    let added = upload(
        &app,
        &p.cleo_token,
        document_form("Verwijsbrief", "brief.jpg", &pdf),
    )
    .await;
    assert_eq!(added.status(), 201);
    let location = added.headers()["location"].to_str().unwrap().to_owned();
    let item: Value = added.json().await.unwrap();
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/record/items/{id}"));
    assert_eq!(item["kind"], "document");
    assert_eq!(item["title"], "Verwijsbrief");
    assert_eq!(item["note"], "Van de huisarts");
    assert_eq!(item["url"], Value::Null);
    assert_eq!(
        item["file"],
        json!({ "name": "brief.jpg", "media_type": "application/pdf", "size": pdf.len() })
    );
    assert_eq!(item["shared_with"], json!([]));

    let file = format!("/api/v1/record/items/{id}/file");
    let whole = download(&app, &p.cleo_token, &file, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "application/pdf");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let disposition = whole.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(
        whole.bytes().await.unwrap(),
        pdf.as_slice(),
        "byte for byte"
    );
    let part = download(&app, &p.cleo_token, &file, Some("bytes=0-7")).await;
    assert_eq!(part.status(), 206);
    let range = format!("bytes 0-7/{}", pdf.len());
    assert_eq!(part.headers()["content-range"], range.as_str());
    assert_eq!(part.bytes().await.unwrap(), &pdf[..8]);
    let past = download(&app, &p.cleo_token, &file, Some("bytes=9999-")).await;
    assert_eq!(past.status(), 416);
    let size = format!("bytes */{}", pdf.len());
    assert_eq!(past.headers()["content-range"], size.as_str());
    // A link has no file; nobody else reaches hers.
    let link = add_link(&app, &p.cleo_token, "Thuisarts").await;
    let link_file = format!("/api/v1/record/items/{}/file", link["id"].as_str().unwrap());
    assert_eq!(
        download(&app, &p.cleo_token, &link_file, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        download(&app, &p.bram_token, &file, None).await.status(),
        404
    );

    // Shared with De Linde: Bram, connected to her, opens it there; Eva does not.
    let hs = healthspace_id(&app, "de-linde").await;
    let share = format!("/api/v1/record/items/{id}/shares/{hs}");
    assert_eq!(
        call(&app, &p.cleo_token, Method::PUT, &share, None)
            .await
            .status(),
        204
    );
    let shared = format!(
        "/api/v1/healthspaces/de-linde/clients/{}/items/{id}/file",
        p.cleo_id
    );
    let opened = download(&app, &p.bram_token, &shared, Some("bytes=-6")).await;
    assert_eq!(opened.status(), 206);
    assert_eq!(opened.bytes().await.unwrap(), &pdf[pdf.len() - 6..]);
    assert_eq!(
        download(&app, &p.eva_token, &shared, None).await.status(),
        404
    );
    let not_shared = format!(
        "/api/v1/healthspaces/de-linde/clients/{}/items/{}/file",
        p.cleo_id,
        link["id"].as_str().unwrap()
    );
    assert_eq!(
        download(&app, &p.bram_token, &not_shared, None)
            .await
            .status(),
        404
    );
    app.ctx.audit.flush().await;
    let log = call(
        &app,
        &p.cleo_token,
        Method::GET,
        "/api/v1/record/access-log",
        None,
    )
    .await;
    let log = json_of(log, 200).await;
    let lines = log["lines"].as_array().unwrap();
    let opened_by_bram = lines
        .iter()
        .filter(|l| l["who"] == p.bram.name.as_str() && l["action"] == "record_item_opened")
        .count();
    assert_eq!(opened_by_bram, 1, "{lines:?}");
    // His try at what she does not share is there too, and so is Eva's, who is not connected
    // to her but works in a Healthspace where she is a client.
    let refused_to_bram = lines
        .iter()
        .filter(|l| l["who"] == p.bram.name.as_str() && l["action"] == "access_refused")
        .count();
    assert_eq!(refused_to_bram, 1, "{lines:?}");
    let refused_to_eva = lines
        .iter()
        .filter(|l| l["who"] == "Eva Jansen" && l["refused"] == true)
        .count();
    assert_eq!(refused_to_eva, 1, "{lines:?}");
}

#[tokio::test]
async fn a_refused_upload_says_why_and_stores_nothing() {
    let app = carespace_tests::spawn_app().await;
    let p = practice(&app).await;
    let stored_files = "SELECT COUNT(*) FROM stored_files WHERE owner_account_id = $1";

    // A program, whatever its name says.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00%PDF-1.4".to_vec();
    let refused = upload(
        &app,
        &p.cleo_token,
        document_form("Brief", "brief.pdf", &exe),
    )
    .await;
    let refused = json_of(refused, 422).await;
    assert_eq!(
        problems(&refused),
        [("file".to_owned(), "file_type".to_owned())]
    );
    // The title is checked too, once the file is in.
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let untitled = upload(&app, &p.cleo_token, document_form(" ", "brief.pdf", pdf)).await;
    let untitled = json_of(untitled, 422).await;
    assert_eq!(
        problems(&untitled),
        [("title".to_owned(), "title_missing".to_owned())]
    );
    let without_file = reqwest::multipart::Form::new().text("title", "Brief");
    let missing = json_of(upload(&app, &p.cleo_token, without_file).await, 422).await;
    assert_eq!(
        problems(&missing),
        [("file".to_owned(), "file_missing".to_owned())]
    );
    let as_json = call(
        &app,
        &p.cleo_token,
        Method::POST,
        "/api/v1/record/documents",
        Some(json!({ "title": "Brief" })),
    )
    .await;
    let as_json = json_of(as_json, 422).await;
    assert_eq!(
        problems(&as_json),
        [("file".to_owned(), "file_missing".to_owned())]
    );
    assert_eq!(items_of(&app, &p.cleo_id).await, 0, "no item");
    assert_eq!(count(&app, stored_files, &p.cleo_id).await, 0, "no file");
}
