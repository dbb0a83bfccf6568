//! People who use Carespace in the story tests, and the steps every story starts with.

use crate::{TestApp, csrf_token_in, link_in, new_client};

#[derive(Debug, Clone)]
pub struct Person {
    pub email: String,
    pub name: String,
    pub password: String,
    pub birth_date: String,
}

impl Person {
    /// Someone called `first_name`, with a strong password of their own.
    pub fn new(first_name: &str) -> Person {
        Person {
            email: format!("{}@example.nl", first_name.to_lowercase()),
            name: format!("{first_name} Jansen"),
            password: "lantern orbit meadow quietly".into(),
            birth_date: "1990-05-31".into(),
        }
    }
}

impl TestApp {
    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of the forms on `page`, as `client` sees it.
    pub async fn token_with(&self, client: &reqwest::Client, page: &str) -> String {
        let html = self.get_with(client, page).await.text().await.unwrap();
        csrf_token_in(&html).expect("a form with a CSRF token")
    }

    /// Fills in the registration form with `client`.
    pub async fn register_with(
        &self,
        client: &reqwest::Client,
        person: &Person,
    ) -> reqwest::Response {
        let token = self.token_with(client, "/register").await;
        self.post_with(
            client,
            "/register",
            &[
                ("csrf_token", &token),
                ("email", &person.email),
                ("full_name", &person.name),
                ("birth_date", &person.birth_date),
                ("password", &person.password),
            ],
        )
        .await
    }

    /// Opens the verification link of the newest email to the person and confirms with their
    /// password.
    pub async fn follow_verification(
        &self,
        client: &reqwest::Client,
        person: &Person,
    ) -> reqwest::Response {
        let mail = self.last_mail_to(&person.email).await;
        self.verify_with(client, &link_in(&mail, "/verify-email"), &person.password)
            .await
    }

    /// Opens a verification link and confirms it with `password`.
    pub async fn verify_with(
        &self,
        client: &reqwest::Client,
        link: &str,
        password: &str,
    ) -> reqwest::Response {
        let html = self.get_with(client, link).await.text().await.unwrap();
        let csrf = csrf_token_in(&html).unwrap();
        let token = link.split_once("?token=").unwrap().1;
        self.post_with(
            client,
            "/verify-email",
            &[
                ("csrf_token", &csrf),
                ("token", token),
                ("password", password),
            ],
        )
        .await
    }

    /// Opens an emailed link (`/path?token=…`) and presses its confirm button.
    pub async fn confirm_link(&self, client: &reqwest::Client, link: &str) -> reqwest::Response {
        let html = self.get_with(client, link).await.text().await.unwrap();
        let csrf = csrf_token_in(&html).unwrap();
        let (path, query) = link.split_once("?token=").unwrap();
        self.post_with(client, path, &[("csrf_token", &csrf), ("token", query)])
            .await
    }

    /// Registers and verifies the person (with a client of its own).
    pub async fn sign_up(&self, person: &Person) {
        let client = new_client();
        assert_eq!(self.register_with(&client, person).await.status(), 303);
        assert_eq!(
            self.follow_verification(&client, person).await.status(),
            200
        );
    }

    /// Logs in with `client`; returns the response (a redirect when it worked).
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.token_with(client, "/login").await;
        self.post_with(
            client,
            "/login",
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// A new browser, logged in as the person (with the second step, when they set up an
    /// authenticator app in this test).
    pub async fn logged_in(&self, person: &Person) -> reqwest::Client {
        let client = new_client();
        let mut response = self
            .login_with(&client, &person.email, &person.password)
            .await;
        if self.has_app(&person.email) {
            let location = response.headers()["location"].to_str().unwrap();
            assert!(location.starts_with("/login/second-step"), "{location}");
            response = self.second_step_with(&client, person).await;
        }
        assert_eq!(response.status(), 303, "login of {}", person.email);
        client
    }

    /// A person who has signed up, and a browser logged in as them.
    pub async fn signed_up(&self, first_name: &str) -> (Person, reqwest::Client) {
        let person = Person::new(first_name);
        self.sign_up(&person).await;
        let client = self.logged_in(&person).await;
        (person, client)
    }
}
