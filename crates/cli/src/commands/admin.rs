use carespace_cli::config::Config;
use carespace_cli::wiring;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum AdminTask {
    /// Print the configuration in effect, secrets redacted.
    Config,
    /// Show how many jobs are waiting, running and failed.
    Jobs,
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
    }
}
