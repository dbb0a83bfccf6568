//! The load baseline: the same stack as Carespace (axum, sqlx's `Any` pool of the same size,
//! askama) with nothing else, answering `GET /h/<alias>` with one indexed `SELECT` and a small
//! page. `load/ratio.sh` runs it beside Carespace on the same database; how close Carespace's
//! signed-in pages come to it is the measure of what Carespace adds.
//!
//!   DATABASE_URL=sqlite:…|postgres:… carespace-load-bare 127.0.0.1:18090

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

/// Carespace's default pool size, so both sides have as many connections.
const MAX_CONNECTIONS: u32 = 10;

#[derive(Template)]
#[template(
    source = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ name }}</title></head>\
              <body><h1>{{ name }}</h1><p>/h/{{ alias }}</p></body></html>",
    ext = "html"
)]
struct HealthspacePage {
    name: String,
    alias: String,
}

async fn healthspace(State(pool): State<AnyPool>, Path(alias): Path<String>) -> Response {
    let row = sqlx::query("SELECT name, alias FROM healthspaces WHERE alias = $1")
        .bind(&alias)
        .fetch_optional(&pool)
        .await;
    let page = match row {
        Ok(Some(row)) => match (row.try_get("name"), row.try_get("alias")) {
            (Ok(name), Ok(alias)) => HealthspacePage { name, alias },
            _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set")?;
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect(&url)
        .await?;
    let app = Router::new()
        .route("/h/{alias}", get(healthspace))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
