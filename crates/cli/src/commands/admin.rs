use carespace_cli::config::Config;
use carespace_cli::wiring;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AdminTask {
    /// Print the configuration in effect, secrets redacted.
    Config,
    /// Show how many jobs are waiting, running and failed.
    Jobs,
    /// Check the audit log's hash chain; exits with 1 when an entry was changed or removed.
    VerifyAudit,
}

pub async fn run(config: &Config, task: AdminTask) -> anyhow::Result<()> {
    match task {
        AdminTask::Config => {
            println!("{config:#?}");
            Ok(())
        }
        AdminTask::Jobs => {
            let ctx = wiring::app_context(config).await?;
            let depth = carespace_app::jobs::queue_depth(&ctx).await?;
            ctx.db.close().await;
            if depth.is_empty() {
                println!("No jobs waiting, running or failed.");
            }
            for (state, n) in depth {
                println!("{:<8} {n}", state.as_str());
            }
            Ok(())
        }
        AdminTask::VerifyAudit => {
            let ctx = wiring::app_context(config).await?;
            let report = carespace_app::audit::verify(&ctx).await;
            ctx.db.close().await;
            let report = report?;
            match report.broken_at {
                None => {
                    println!("The audit log is intact: {} entries.", report.entries);
                    Ok(())
                }
                Some(seq) => {
                    eprintln!(
                        "The audit log was tampered with: entry {seq} is changed, missing or out of place."
                    );
                    std::process::exit(1);
                }
            }
        }
    }
}
