use carespace_app::AppError;
use carespace_app::audit::Origin;
use carespace_app::{healthspaces, organisations, second_factors};
use carespace_cli::backup::{self, Backup};
use carespace_cli::config::Config;
use carespace_cli::master_key::{self, Rotation};
use carespace_cli::wiring;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AdminTask {
    /// Print the configuration in effect, secrets redacted.
    Config,
    /// Show how many jobs are waiting, running and failed, and which worker holds each running
    /// job since when.
    Jobs,
    /// Check the audit log's hash chain; exits with 1 when an entry was changed or removed.
    VerifyAudit,
    /// Create an organisation with its first owner, who is emailed (an invitation to register
    /// when the address has no account yet).
    CreateOrganisation {
        /// The organisation's name.
        #[arg(long)]
        name: String,
        /// The first owner's email address.
        #[arg(long)]
        owner: String,
    },
    /// Make an account a platform operator.
    GrantOperator {
        /// The account's email address.
        email: String,
    },
    /// Make an account no longer a platform operator.
    RevokeOperator {
        /// The account's email address.
        email: String,
    },
    /// Turn off a person's two-step verification when they lost every factor (their app, their
    /// passkeys and their recovery codes: all are removed); they are emailed and log in with their password only until they set it
    /// up again. Audit-logged with the reason.
    ResetSecondFactor {
        /// The account's email address.
        email: String,
        /// Why, as checked with the person (e.g. "phone lost; identity checked by phone").
        #[arg(long)]
        reason: String,
    },
    /// Make a new master key, the key that wraps every client's data key (refuses to overwrite
    /// an existing file). Back it up apart from the database: without it no data can be read.
    InitKey {
        /// Where to write it [default: keys.master_key_file, else DATA_DIR/master.key].
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
    /// Replace the master key with a new one, every data key wrapped anew under it; the old key
    /// is kept beside it as master.key.old. Run it with every server stopped; an interrupted run
    /// is finished by running it again. Audit-logged.
    RotateMasterKey,
    /// Copy the SQLite database and the key store (and the audit head file) into DIR while the
    /// server runs. The master key and the files directory are backed up separately.
    Backup {
        /// An empty directory (made when missing).
        dir: PathBuf,
    },
    /// Give a Healthspace a new alias; the old one keeps leading to it and is never reused.
    ChangeAlias {
        /// The current (or an old) alias.
        old: String,
        /// The new alias.
        new: String,
    },
}

/// Where the command line acts from, in the audit log.
fn origin() -> Origin {
    Origin {
        ip: "command-line".into(),
        ..Origin::default()
    }
}

fn describe(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(problems) => {
            let list: Vec<String> = problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.code))
                .collect();
            anyhow::anyhow!("not accepted: {}", list.join(", "))
        }
        AppError::NotFound => anyhow::anyhow!("not found"),
        other => other.into(),
    }
}

pub async fn run(config: &Config, task: AdminTask) -> anyhow::Result<()> {
    match task {
        AdminTask::Config => {
            println!("{config:#?}");
            Ok(())
        }
        AdminTask::Jobs => {
            let ctx = wiring::app_context(config).await?;
            let depth = carespace_app::jobs::queue_depth(&ctx).await;
            let held = carespace_app::jobs::held(&ctx).await;
            let now = ctx.now();
            ctx.close().await;
            super::jobs::print(&depth?, &held?, now);
            Ok(())
        }
        AdminTask::CreateOrganisation { name, owner } => {
            let ctx = wiring::app_context(config).await?;
            let result = organisations::create(&ctx, &name, &owner, &origin()).await;
            ctx.close().await;
            let organisation = result.map_err(describe)?;
            println!(
                "Organisation {:?} created ({}); {owner} has been emailed.",
                organisation.name, organisation.id
            );
            Ok(())
        }
        AdminTask::GrantOperator { email } => set_operator(config, &email, true).await,
        AdminTask::RevokeOperator { email } => set_operator(config, &email, false).await,
        AdminTask::ResetSecondFactor { email, reason } => {
            let ctx = wiring::app_context(config).await?;
            let result = second_factors::reset_by_operator(&ctx, &email, &reason, &origin()).await;
            ctx.close().await;
            result.map_err(describe)?;
            println!("Two-step verification of {email} is off; they have been emailed.");
            Ok(())
        }
        AdminTask::ChangeAlias { old, new } => {
            let ctx = wiring::app_context(config).await?;
            let result = healthspaces::change_alias(&ctx, &old, &new, &origin()).await;
            ctx.close().await;
            result.map_err(describe)?;
            println!(
                "The Healthspace at /h/{old} is now at /h/{new}; the old address leads there."
            );
            Ok(())
        }
        AdminTask::InitKey { file } => {
            let file = master_key::init(config, file)?;
            println!(
                "Made a new master key in {} (readable by its owner only). Back it up apart \
                 from the database and its backups: without it no client's data can be read.",
                file.display()
            );
            Ok(())
        }
        AdminTask::RotateMasterKey => {
            let ctx = wiring::app_context(config).await?;
            let result = master_key::rotate(config, &ctx, &origin()).await;
            ctx.close().await;
            print_rotation(&result?);
            Ok(())
        }
        AdminTask::Backup { dir } => {
            let ctx = wiring::app_context(config).await?;
            let result = backup::run(config, &ctx, &dir).await;
            ctx.close().await;
            print_backup(config, &result?)
        }
        AdminTask::VerifyAudit => {
            let ctx = wiring::app_context(config).await?;
            let report = carespace_app::audit::verify(&ctx.db).await;
            ctx.close().await;
            let report = report?;
            match report.broken_at {
                None => {
                    println!(
                        "The audit log is intact: {} entries, of which {} written before the chain had a key.",
                        report.entries, report.unkeyed
                    );
                    Ok(())
                }
                Some(seq) => {
                    eprintln!(
                        "The audit log was tampered with: entry {seq} is the first that is changed, missing or out of place."
                    );
                    std::process::exit(1);
                }
            }
        }
    }
}

async fn set_operator(config: &Config, email: &str, operator: bool) -> anyhow::Result<()> {
    let ctx = wiring::app_context(config).await?;
    let result = organisations::set_operator(&ctx, email, operator, &origin()).await;
    ctx.close().await;
    if !result.map_err(describe)? {
        anyhow::bail!("no account has the address {email}");
    }
    if operator {
        println!("{email} is now a platform operator.");
    } else {
        println!("{email} is no longer a platform operator.");
    }
    Ok(())
}

fn print_rotation(rotation: &Rotation) {
    let rotated = &rotation.rotated;
    if rotation.resumed {
        println!("An interrupted rotation was finished.");
    }
    println!(
        "The master key is now {} (id {}): {} data keys wrapped anew{}.",
        rotation.file.display(),
        rotated.new_master_key_id,
        rotated.rewrapped,
        if rotated.already_new > 0 {
            format!(", {} already were", rotated.already_new)
        } else {
            String::new()
        }
    );
    println!(
        "The old key (id {}) is kept as {}: back up the new key, then remove the old one once no \
         backup of the key store needs it.",
        rotated.old_master_key_id,
        rotation.old_file.display()
    );
}

fn print_backup(config: &Config, backup: &Backup) -> anyhow::Result<()> {
    for part in &backup.on_postgres {
        println!(
            "Not copied: {} is on PostgreSQL; back it up with pg_dump.",
            part.describe()
        );
    }
    if backup.written.is_empty() {
        anyhow::bail!("nothing to copy: back up the PostgreSQL databases with pg_dump");
    }
    println!("Wrote:");
    for (part, file) in &backup.written {
        println!("  {:<15} {}", part.describe(), file.display());
    }
    let master_key = match &config.keys.master_key {
        Some(_) => "keys.master_key".to_owned(),
        None => config.master_key_file().display().to_string(),
    };
    println!(
        "Back up separately: the master key ({master_key}), the audit key and the files \
         directory ({}). Keep the key store's backups for less time than the deletion delay.",
        config.data_dir.join("files").display()
    );
    Ok(())
}
