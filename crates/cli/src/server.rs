//! Starting and stopping the web server together with the job worker.

use crate::config::Config;
use crate::wiring;
use anyhow::anyhow;
use axum::Router;
use carespace_app::AppContext;
use carespace_app::mail::{SendMailHandler, parse_sender};
use carespace_app::worker::{Worker, WorkerSettings};
use carespace_web::{WebState, build_router, serve};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct RunningServer {
    pub addr: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Asks the server to stop: no new connections; requests in flight and the job being run
    /// are finished first (up to the configured grace time).
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Waits until the server and worker have stopped.
    pub async fn stopped(self) -> anyhow::Result<()> {
        self.task
            .await
            .map_err(|e| anyhow!("server task failed: {e}"))?
    }
}

/// Starts serving on `listener`. `extra` routes get the same middleware as all others.
pub async fn start(
    config: &Config,
    ctx: AppContext,
    listener: TcpListener,
    extra: Router<WebState>,
) -> anyhow::Result<RunningServer> {
    let addr = listener.local_addr()?;
    refuse_exposure(config, addr)?;
    let web = config.web.resolved_for(addr);
    let dev_inbox = config.mail.dev_inbox.then(|| config.mail_dir());
    let state = WebState::new(ctx.clone(), web, dev_inbox).map_err(|e| anyhow!(e))?;
    let mail = SendMailHandler::new(
        Arc::new(carespace_web::mail::SiteMailRenderer::new(state.clone())),
        wiring::mail_transport(config).await?,
        parse_sender(&config.mail.from).map_err(|e| anyhow!(e))?,
    );
    let header_timeout = Duration::from_secs(config.web.header_timeout_seconds);
    let router = build_router(state, extra);
    let stop = CancellationToken::new();
    let worker = Worker::new(
        ctx.clone(),
        WorkerSettings {
            poll_interval: Duration::from_millis(config.worker.poll_interval_ms),
            lease: Duration::from_secs(config.worker.lease_seconds),
        },
    )
    .with_handler(Arc::new(mail))
    .with_handler(Arc::new(
        carespace_app::memberships::invitations::ReminderHandler,
    ));
    let worker_task = tokio::spawn(worker.run_until(stop.clone()));
    let live_task = tokio::spawn(ctx.live.clone().run_until(stop.clone()));
    tokio::spawn(carespace_app::retention::run_until(
        ctx.clone(),
        stop.clone(),
    ));
    tokio::spawn(carespace_app::files::sweep::run_until(
        ctx.clone(),
        stop.clone(),
    ));
    tokio::spawn(carespace_app::messages::notices::run_until(
        ctx.clone(),
        stop.clone(),
    ));
    let summary_task = tokio::spawn(carespace_app::throttle::summarise_refusals_until(
        ctx.clone(),
        Duration::from_secs(config.audit.throttle_summary_minutes * 60),
        stop.clone(),
    ));
    let grace = config.shutdown_grace();
    let server_stop = stop.clone();
    let task = tokio::spawn(async move {
        let server = serve(
            listener,
            router,
            header_timeout,
            server_stop.clone().cancelled_owned(),
        );
        let grace_elapsed = async {
            server_stop.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server => result?,
            () = grace_elapsed => tracing::warn!("requests still running after the grace time were cut off"),
        }
        if let Err(error) = live_task.await {
            tracing::error!(%error, "live channel ended abnormally");
        }
        if let Err(error) = worker_task.await {
            tracing::error!(%error, "job worker ended abnormally");
        }
        // The last counts are written before the database closes.
        if let Err(error) = summary_task.await {
            tracing::error!(%error, "throttle summary ended abnormally");
        }
        ctx.close().await;
        tracing::info!("stopped");
        Ok(())
    });
    Ok(RunningServer { addr, stop, task })
}

/// What may only be open on this computer: the dev inbox shows every email (reset links
/// included), and `/metrics` without a token answers anyone. Listening on another address, the
/// start stops with what to change.
fn refuse_exposure(config: &Config, addr: SocketAddr) -> anyhow::Result<()> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    if config.mail.dev_inbox {
        anyhow::bail!(
            "the dev inbox (mail.dev_inbox, or serve --demo) shows every email to anyone who can \
             reach the server, so it is only served on a loopback address, not on {addr}: listen \
             on 127.0.0.1 or turn it off"
        );
    }
    if config.web.metrics_token.is_none() {
        anyhow::bail!(
            "web.metrics_token must be set when listening on {addr}, a non-loopback address: \
             /metrics would otherwise answer anyone"
        );
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
