use carespace_app::demo::{self, DemoSummary};
use carespace_app::{AppContext, AppError};
use carespace_cli::config::Config;
use carespace_cli::{master_key, wiring};

pub async fn run(config: &Config) -> anyhow::Result<()> {
    make_master_key(config)?;
    let ctx = wiring::app_context(config).await?;
    let result = demo::load(&ctx).await;
    ctx.close().await;
    match result {
        Ok(summary) => {
            print_summary(&summary);
            Ok(())
        }
        Err(AppError::DatabaseNotEmpty) => Err(anyhow::anyhow!(
            "the database already holds data; demo data is only loaded into an empty database"
        )),
        Err(error) => Err(error.into()),
    }
}

/// Someone trying Carespace has no master key yet: the demo makes one in its data directory.
pub fn make_master_key(config: &Config) -> anyhow::Result<()> {
    if master_key::make_for_demo(config)? {
        println!(
            "Made a master key in {}; keep it with the data directory.",
            config.master_key_file().display()
        );
    }
    Ok(())
}

/// Loads demo data when the database is empty; says so when it is not.
pub async fn load_if_empty(ctx: &AppContext) -> anyhow::Result<()> {
    match demo::load(ctx).await {
        Ok(summary) => print_summary(&summary),
        Err(AppError::DatabaseNotEmpty) => {
            println!("The database already holds data; no demo data loaded.");
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

fn print_summary(summary: &DemoSummary) {
    println!("Demo data loaded.");
    if let Some(path) = &summary.healthspace {
        println!("  The practice's Healthspace is at {path}.");
    }
    for login in &summary.logins {
        println!(
            "  {:<8} {}  password: {}",
            login.role, login.email, login.password
        );
        if let Some(secret) = &login.authenticator_secret {
            println!(
                "           authenticator app secret: {secret}  (oathtool --totp -b {secret})"
            );
        }
    }
}
