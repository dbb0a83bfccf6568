use super::error_response;
use super::input::JsonBody;
use crate::actor;
use crate::auth::ApiUser;
use crate::client::{Client, origin};
use crate::page::Page;
use crate::state::WebState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use carespace_app::accounts::{self, Account, ProfileInput, Registration};
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::secret::Secret;
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct RegisterBody {
    email: String,
    full_name: String,
    birth_date: String,
    password: String,
    language: Option<Language>,
}

#[derive(Serialize)]
struct Accepted {
    status: &'static str,
}

/// 202 whether or not the address already had an account.
pub async fn register(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    JsonBody(body): JsonBody<RegisterBody>,
) -> Response {
    let input = Registration {
        email: body.email,
        full_name: body.full_name,
        birth_date: body.birth_date,
        password: Secret::new(body.password),
        language: body.language.unwrap_or(page.lang),
    };
    match accounts::register(&state.app, input, &origin(&client, None)).await {
        Ok(()) => (
            StatusCode::ACCEPTED,
            Json(Accepted {
                status: "check_email",
            }),
        )
            .into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct ResetBody {
    email: String,
}

pub async fn request_reset(
    State(state): State<WebState>,
    page: Page,
    Client(client): Client,
    JsonBody(body): JsonBody<ResetBody>,
) -> Response {
    match accounts::request_password_reset(&state.app, &body.email, &origin(&client, None)).await {
        Ok(()) => (
            StatusCode::ACCEPTED,
            Json(Accepted {
                status: "check_email",
            }),
        )
            .into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Serialize)]
pub struct AccountBody {
    id: AccountId,
    email: String,
    full_name: String,
    birth_date: String,
    language: Language,
    phone: Option<String>,
    has_photo: bool,
}

impl From<Account> for AccountBody {
    fn from(account: Account) -> Self {
        AccountBody {
            id: account.id,
            email: account.email,
            full_name: account.full_name,
            birth_date: account.birth_date,
            language: account.language,
            phone: account.phone,
            has_photo: account.has_photo,
        }
    }
}

pub async fn me(State(state): State<WebState>, page: Page, ApiUser(auth): ApiUser) -> Response {
    match accounts::find(&state.app, &auth.account().id).await {
        Ok(account) => Json(AccountBody::from(account)).into_response(),
        Err(error) => error_response(&page, error),
    }
}

#[derive(Deserialize)]
pub struct ProfileBody {
    full_name: Option<String>,
    language: Option<Language>,
    phone: Option<String>,
    /// The account's password, required only when `phone` changes.
    phone_password: Option<String>,
}

#[derive(Deserialize)]
pub struct BirthDateBody {
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    password: String,
}

/// Corrects a date of birth registered wrongly: with the password, at most once in 30 days.
pub async fn correct_birth_date(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    JsonBody(body): JsonBody<BirthDateBody>,
) -> Response {
    let me = &auth.account().id;
    let origin = actor::of(&auth, &client).origin;
    let password = Secret::new(body.password);
    let result =
        accounts::correct_birth_date(&state.app, me, &body.birth_date, password, &origin).await;
    match result {
        Ok(()) => match accounts::find(&state.app, me).await {
            Ok(account) => Json(AccountBody::from(account)).into_response(),
            Err(error) => error_response(&page, error),
        },
        Err(error) => error_response(&page, error),
    }
}

/// Changes what is given and keeps the rest.
pub async fn update_me(
    State(state): State<WebState>,
    Client(client): Client,
    page: Page,
    ApiUser(auth): ApiUser,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Response {
    let current = auth.account();
    let input = ProfileInput {
        full_name: body.full_name.unwrap_or_else(|| current.full_name.clone()),
        language: body.language.unwrap_or(current.language),
        phone: body
            .phone
            .unwrap_or_else(|| current.phone.clone().unwrap_or_default()),
        password: body.phone_password.map(Secret::new),
    };
    let origin = actor::of(&auth, &client).origin;
    let result = accounts::update_profile(&state.app, &current.id, input, &origin).await;
    match result {
        Ok(()) => match accounts::find(&state.app, &current.id).await {
            Ok(account) => Json(AccountBody::from(account)).into_response(),
            Err(error) => error_response(&page, error),
        },
        Err(error) => error_response(&page, error),
    }
}
