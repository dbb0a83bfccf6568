//! Logging in and out: no account enumeration, new session ids, slowing down guessing without
//! locking the real user out (ASVS 6.3.1, 7.2.4).

use carespace_store::audit::entries_after;
use carespace_tests::{Person, new_client, spawn_app};

fn without(html: &str, typed: &str) -> String {
    html.replace(typed, "EMAIL")
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    let wrong = app
        .login_with(&client, &anna.email, "not her password at all")
        .await;
    let unknown = app
        .login_with(&client, "nobody@example.nl", "not her password at all")
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let wrong = without(&wrong.text().await.unwrap(), &anna.email);
    let unknown = without(&unknown.text().await.unwrap(), "nobody@example.nl");
    assert_eq!(wrong, unknown);
    assert!(wrong.contains("Het e-mailadres of wachtwoord klopt niet."));
    assert!(wrong.contains("value=\"EMAIL\""), "the email typed is kept");
}

#[tokio::test]
async fn an_address_with_a_nul_byte_is_a_failed_login_not_an_error() {
    let app = spawn_app().await;
    let client = new_client();
    let response = app
        .login_with(&client, "anna\u{0}@example.nl", "not her password at all")
        .await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("Het e-mailadres of wachtwoord klopt niet."));
}

#[tokio::test]
async fn each_login_gets_a_new_session_and_logout_ends_it() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    let first = app.login_with(&client, &anna.email, &anna.password).await;
    let cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("session="))
            .unwrap()
    };
    let first_cookie = cookie(&first);
    assert!(first_cookie.contains("HttpOnly"));
    assert!(first_cookie.contains("SameSite=Lax"));
    let second = app
        .login_with(&new_client(), &anna.email, &anna.password)
        .await;
    assert_ne!(first_cookie, cookie(&second));
    let session_value = first_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("session=");
    assert_eq!(session_value.len(), 64, "256 random bits");
    // Only the hash is stored.
    let stored = carespace_store::sessions::find_by_token_hash(
        &app.ctx.db,
        &carespace_core::tokens::hash(session_value),
    )
    .await
    .unwrap();
    assert!(stored.is_some());

    let token = app.token_with(&client, "/account").await;
    let logout = app
        .post_with(&client, "/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(logout.status(), 303);
    assert_eq!(app.get_with(&client, "/account").await.status(), 303);
    // The old cookie no longer works even if kept.
    let replay = new_client()
        .get(app.url("/account"))
        .header("cookie", format!("session={session_value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 303);
    assert_eq!(replay.headers()["location"], "/login?next=%2Faccount");
}

#[tokio::test]
async fn the_csrf_token_changes_at_login() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let client = new_client();
    let before = app.token_with(&client, "/login").await;
    app.login_with(&client, &anna.email, &anna.password).await;
    let after = app.token_with(&client, "/account").await;
    assert_ne!(before, after);
    let stale = app
        .post_with(
            &client,
            "/account/profile",
            &[("csrf_token", &before), ("full_name", "X")],
        )
        .await;
    assert_eq!(stale.status(), 403);
}

#[tokio::test]
async fn guessing_is_slowed_down_and_the_real_user_still_gets_in() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    // Anna logged in from her own browser before: it is a trusted device now.
    let annas_browser = app.logged_in(&anna).await;
    let token = app.token_with(&annas_browser, "/account").await;
    app.post_with(&annas_browser, "/logout", &[("csrf_token", &token)])
        .await;

    let attacker = new_client();
    for attempt in 1..=5 {
        let response = app
            .login_with(&attacker, &anna.email, &format!("guess number {attempt} x"))
            .await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let slowed = app.login_with(&attacker, &anna.email, &anna.password).await;
    assert_eq!(slowed.status(), 429, "even the right password waits");
    assert_eq!(slowed.headers()["retry-after"], "30");
    assert!(slowed.text().await.unwrap().contains("Te veel pogingen"));

    // Anna's own browser is not held back by the attacker.
    let anna_in = app
        .login_with(&annas_browser, &anna.email, &anna.password)
        .await;
    assert_eq!(anna_in.status(), 303);

    // Another browser gets in once the wait is over; the waits double meanwhile.
    app.advance(30_000);
    assert_eq!(
        app.login_with(&attacker, &anna.email, "guess number 6 x")
            .await
            .status(),
        401
    );
    let longer = app.login_with(&attacker, &anna.email, &anna.password).await;
    assert_eq!(longer.status(), 429);
    assert_eq!(longer.headers()["retry-after"], "60");
    app.advance(60_000);
    let new_browser = new_client();
    assert_eq!(
        app.login_with(&new_browser, &anna.email, &anna.password)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn unknown_addresses_are_slowed_down_the_same_way() {
    let app = spawn_app().await;
    let client = new_client();
    for _ in 1..=5 {
        assert_eq!(
            app.login_with(&client, "nobody@example.nl", "some guess here")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        app.login_with(&client, "nobody@example.nl", "some guess here")
            .await
            .status(),
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_get_no_more_tries_than_the_limit() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let attacker = new_client();
    let token = app.token_with(&attacker, "/login").await;
    let guesses = (0..60).map(|n| {
        let (app, attacker, token, email) = (&app, &attacker, &token, &anna.email);
        async move {
            let password = format!("parallel guess {n}");
            let fields = [
                ("csrf_token", token.as_str()),
                ("email", email.as_str()),
                ("password", password.as_str()),
            ];
            app.post_with(attacker, "/login", &fields)
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 60, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    // And the right password now waits too.
    let slowed = app.login_with(&attacker, &anna.email, &anna.password).await;
    assert_eq!(slowed.status(), 429);
}

#[tokio::test]
async fn a_busy_office_address_gets_its_tries_back_with_each_good_login() {
    let app = spawn_app().await;
    let mut people = Vec::new();
    for n in 0..4 {
        let person = Person::new(&format!("Colleague{n}"));
        app.sign_up(&person).await;
        people.push(person);
    }
    // Thirty good logins from one address, from new browsers, and a few typos in between:
    // the address's counter only holds the typos.
    for round in 0..30 {
        let person = &people[round % people.len()];
        if round % 10 == 0 {
            let typo = app
                .login_with(&new_client(), &person.email, "a typo in the password")
                .await;
            assert_eq!(typo.status(), 401);
        }
        let good = app
            .login_with(&new_client(), &person.email, &person.password)
            .await;
        assert_eq!(good.status(), 303, "round {round}");
    }
}

#[tokio::test]
async fn throttled_logins_write_nothing_and_are_summarised_in_one_audit_entry() {
    let app = spawn_app().await;
    let anna = Person::new("Anna");
    app.sign_up(&anna).await;
    let attacker = new_client();
    for attempt in 1..=5 {
        let guess = format!("guess number {attempt} x");
        assert_eq!(
            app.login_with(&attacker, &anna.email, &guess)
                .await
                .status(),
            401
        );
    }
    let before = entries_after(&app.ctx.db, 0, 1000).await.unwrap();

    for attempt in 1..=30 {
        let guess = format!("flood number {attempt} x");
        let refused = app.login_with(&attacker, &anna.email, &guess).await;
        assert_eq!(refused.status(), 429, "attempt {attempt}");
        assert_eq!(refused.headers()["retry-after"], "30");
    }
    assert_eq!(
        entries_after(&app.ctx.db, 0, 1000).await.unwrap().len(),
        before.len(),
        "a throttled login writes no audit entry"
    );
    // The refusal is held in memory: with the database's counters gone, the wait still holds
    // until it is over (the database is not asked meanwhile).
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    sqlx::query("DELETE FROM login_failures")
        .execute(&pool)
        .await
        .unwrap();
    let held = app.login_with(&attacker, &anna.email, &anna.password).await;
    assert_eq!(held.status(), 429);

    let summary = carespace_app::throttle::summarise_refusals(&app.ctx)
        .await
        .unwrap();
    assert_eq!(summary.as_deref(), Some("login=31"));
    let after = entries_after(&app.ctx.db, 0, 1000).await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    let entry = &after.last().unwrap().record;
    assert_eq!(entry.action, "throttled_requests_summarised");
    assert_eq!(entry.object_id.as_deref(), Some("login=31"));
    assert_eq!(entry.actor_account_id, None);

    // The counts start again: nothing new, nothing written.
    assert_eq!(
        carespace_app::throttle::summarise_refusals(&app.ctx)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        entries_after(&app.ctx.db, 0, 1000).await.unwrap().len(),
        after.len()
    );
    // Once the wait is over the database decides again.
    app.advance(30_000);
    assert_eq!(
        app.login_with(&attacker, &anna.email, &anna.password)
            .await
            .status(),
        303
    );
}
