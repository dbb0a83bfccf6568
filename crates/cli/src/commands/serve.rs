use super::demo::load_if_empty;
use anyhow::Context;
use axum::Router;
use carespace_cli::config::Config;
use carespace_cli::{server, wiring};

pub async fn run(config: &Config, demo: bool) -> anyhow::Result<()> {
    let ctx = wiring::app_context(config).await?;
    if demo {
        load_if_empty(&ctx).await?;
    }
    let listener = tokio::net::TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    let running = server::start(config, ctx, listener, Router::new()).await?;
    tracing::info!(addr = %running.addr, "listening");
    println!(
        "Carespace is running: open http://{} in your browser (Ctrl-C stops it).",
        running.addr
    );
    server::shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop();
    running.stopped().await
}
