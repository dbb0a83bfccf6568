use super::demo::{load_if_empty, make_master_key};
use anyhow::Context;
use axum::Router;
use carespace_app::sms::{LogSmsSender, SmsService};
use carespace_cli::config::Config;
use carespace_cli::{server, wiring};
use std::sync::Arc;

pub async fn run(config: &Config, demo: bool) -> anyhow::Result<()> {
    let mut config = config.clone();
    if demo {
        make_master_key(&config)?;
    }
    let mut ctx = wiring::app_context(&config).await?;
    if demo {
        load_if_empty(&ctx).await?;
        // Someone trying Carespace has no mail server: show the emails in the browser.
        config.mail.dev_inbox = true;
        // Nor an SMS gateway: text messages go to the log.
        if ctx.sms.is_none() {
            ctx.sms = Some(Arc::new(SmsService {
                sender: Arc::new(LogSmsSender),
                sends_per_hour: config.sms.sends_per_hour,
            }));
            println!("Text messages are not sent but written to the log (target \"sms\").");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    let running = server::start(&config, ctx, listener, Router::new()).await?;
    tracing::info!(addr = %running.addr, "listening");
    println!(
        "Carespace is running: open http://{} in your browser (Ctrl-C stops it).",
        running.addr
    );
    if config.mail.dev_inbox {
        println!(
            "Emails are not sent but shown at http://{}/dev/inbox",
            running.addr
        );
    }
    server::shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop();
    running.stopped().await
}
