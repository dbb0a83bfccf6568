//! `carespace`: the whole platform in one binary.

mod commands;

use carespace_cli::config::{Config, FlagOverrides, LogFormat, ServerFlags};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Carespace: an open-source platform for online (blended) care.
///
/// Settings come from defaults, then carespace.toml, then CARESPACE_* environment variables
/// (DATABASE_URL too), then these flags. See carespace.example.toml for every setting.
#[derive(Parser)]
#[command(name = "carespace", version)]
struct Cli {
    /// The configuration file to read [default: carespace.toml, if it exists].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the embedded database, files and mail folder live.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server and the background worker (migrates the database first).
    Serve {
        /// The address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Load demo data first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Fill an empty database with demo data and print how to log in. Refuses a database
    /// that already holds data.
    Demo,
    /// Tasks for the platform operator.
    Admin {
        #[command(subcommand)]
        task: commands::admin::AdminTask,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen, .. } => *listen,
        _ => None,
    };
    let flags = FlagOverrides {
        data_dir: cli.data_dir.clone(),
        server: listen.map(|listen| ServerFlags {
            listen: Some(listen),
        }),
    };
    let (file, required) = match &cli.config {
        Some(file) => (file.clone(), true),
        None => (PathBuf::from("carespace.toml"), false),
    };
    let config = match Config::load(&file, required, &flags) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve { demo, .. } => commands::serve::run(&config, demo).await,
            Command::Migrate => commands::migrate::run(&config).await,
            Command::Demo => commands::demo::run(&config).await,
            Command::Admin { task } => commands::admin::run(&config, task).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
