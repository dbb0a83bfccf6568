use anyhow::Context;
use carespace_cli::config::Config;
use carespace_cli::wiring;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let db = wiring::connect_database(config).await?;
    db.migrate().await.context("cannot migrate the database")?;
    println!("The {} database is up to date.", db.backend().name());
    db.close().await;
    Ok(())
}
