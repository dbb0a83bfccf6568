//! Authenticator apps in the story tests: staff, admins and owners set one up before they
//! reach a Healthspace, and their logins take its codes. The test app keeps each person's
//! secret by email address (tests make the same `Person` anew), and the last time step typed:
//! a code is accepted once, so the next login waits for the app's next code, moving the
//! server's clock on when it must.

use crate::{Person, TestApp, new_client};
use carespace_core::second_factors::{decode_secret, totp_code};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const STEP_MS: i64 = 30_000;

/// An authenticator secret and the last time step typed from it.
type App = (Vec<u8>, i64);

/// Each person's app, by email address.
#[derive(Debug, Clone, Default)]
pub struct Authenticators(Arc<Mutex<HashMap<String, App>>>);

/// The secret an authenticator-app setup page shows as text.
pub fn secret_in(html: &str) -> Vec<u8> {
    let marker = "<code class=\"secret\">";
    let start = html.find(marker).expect("the secret as text") + marker.len();
    let text = &html[start..start + html[start..].find('<').unwrap()];
    decode_secret(&text.replace(' ', "")).unwrap()
}

impl TestApp {
    /// Sets up an authenticator app for the person logged in with `browser`, as they would on
    /// "Two-step verification"; returns the recovery codes shown.
    pub async fn enrol_app(&self, browser: &reqwest::Client, person: &Person) -> Vec<String> {
        let token = self.token_with(browser, "/account/two-step").await;
        let setup = self
            .post_with(
                browser,
                "/account/two-step/app",
                &[("csrf_token", &token), ("password", &person.password)],
            )
            .await;
        assert_eq!(
            setup.status(),
            200,
            "setting up an app for {}",
            person.email
        );
        let secret = secret_in(&setup.text().await.unwrap());
        self.authenticators
            .0
            .lock()
            .unwrap()
            .insert(person.email.clone(), (secret, i64::MIN));
        let code = self.app_code(&person.email);
        let confirmed = self
            .post_with(
                browser,
                "/account/two-step/app/confirm",
                &[("csrf_token", &token), ("code", &code)],
            )
            .await;
        assert_eq!(
            confirmed.status(),
            200,
            "confirming the app of {}",
            person.email
        );
        let html = confirmed.text().await.unwrap();
        html.split("<li><code>")
            .skip(1)
            .map(|part| part.split('<').next().unwrap().to_owned())
            .collect()
    }

    /// Takes note of an app set up outside the test's own steps (the demo's, from its secret).
    pub fn add_app(&self, email: &str, base32_secret: &str) {
        let secret = decode_secret(base32_secret).expect("a base32 secret");
        self.authenticators
            .0
            .lock()
            .unwrap()
            .insert(email.to_owned(), (secret, i64::MIN));
    }

    /// Whether the person has set up an app in this test.
    pub fn has_app(&self, email: &str) -> bool {
        self.authenticators.0.lock().unwrap().contains_key(email)
    }

    /// The code the person's app shows now, never one typed before: when the current one was,
    /// the clock moves on to the next step.
    pub fn app_code(&self, email: &str) -> String {
        let mut apps = self.authenticators.0.lock().unwrap();
        let (secret, last_step) = apps.get_mut(email).expect("an app set up in this test");
        let mut step = self.ctx.now().millis().div_euclid(STEP_MS);
        if step <= *last_step {
            self.advance((*last_step + 1 - step) * STEP_MS);
            step = *last_step + 1;
        }
        *last_step = step;
        totp_code(secret, self.ctx.now()).unwrap()
    }

    /// Answers a login's second step in `browser` with the person's app.
    pub async fn second_step_with(
        &self,
        browser: &reqwest::Client,
        person: &Person,
    ) -> reqwest::Response {
        let code = self.app_code(&person.email);
        self.type_code(browser, &code).await
    }

    /// The password step of a login in a new browser: the browser and where it was sent.
    pub async fn first_step(&self, person: &Person, password: &str) -> (reqwest::Client, String) {
        let browser = new_client();
        let answer = self.login_with(&browser, &person.email, password).await;
        assert_eq!(answer.status(), 303);
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        (browser, location)
    }

    /// Types `code` (from an app or a text message, or a recovery code) on the second step of
    /// the login waiting in `browser`.
    pub async fn type_code(&self, browser: &reqwest::Client, code: &str) -> reqwest::Response {
        let token = self.token_with(browser, "/login").await;
        self.post_with(
            browser,
            "/login/second-step",
            &[("csrf_token", &token), ("code", code)],
        )
        .await
    }
}
