use carespace_cli::config::Config;
use carespace_cli::wiring;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let ctx = wiring::app_context(config).await?;
    println!("The {} database is up to date.", ctx.db.backend().name());
    ctx.close().await;
    Ok(())
}
