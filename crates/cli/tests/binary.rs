//! The `carespace` binary as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn carespace(data_dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carespace"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
        .current_dir(data_dir)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.env_remove("DATABASE_URL").output().unwrap()
}

/// A data directory with a master key, as `carespace admin init-key` makes it before a first
/// start.
fn keyed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = carespace(dir.path(), &["admin", "init-key"], &[]);
    assert!(output.status.success(), "{output:?}");
    dir
}

#[test]
fn a_bad_setting_stops_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = carespace(
        dir.path(),
        &["serve"],
        &[("CARESPACE_SERVER__LISTEN", "not-an-address")],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("configuration error: server.listen:"),
        "{stderr}"
    );
}

#[test]
fn demo_loads_once_and_then_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let first = carespace(dir.path(), &["demo"], &[]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        String::from_utf8(first.stdout)
            .unwrap()
            .contains("Demo data loaded")
    );
    let second = carespace(dir.path(), &["demo"], &[]);
    assert!(!second.status.success());
    let stderr = String::from_utf8(second.stderr).unwrap();
    assert!(stderr.contains("already holds data"), "{stderr}");
}

#[test]
fn migrate_creates_the_embedded_database_in_the_data_directory() {
    let dir = keyed_dir();
    let output = carespace(dir.path(), &["migrate"], &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(dir.path().join("carespace.db").exists());
    assert!(dir.path().join("keys.sqlite").exists());
}

#[test]
fn every_command_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["serve", "migrate", "demo", "admin"] {
        let output = carespace(dir.path(), &[command, "--help"], &[]);
        assert!(output.status.success(), "{command}");
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("Usage:"), "{command}: {help}");
    }
}

#[test]
fn verify_audit_says_whether_the_chain_is_intact() {
    let dir = keyed_dir();
    let intact = carespace(dir.path(), &["admin", "verify-audit"], &[]);
    assert!(intact.status.success(), "{intact:?}");
    assert!(
        String::from_utf8(intact.stdout)
            .unwrap()
            .contains("The audit log is intact: 0 entries, of which 0 written before")
    );
    // A head that points past the last entry: entries were removed.
    let db = dir.path().join("carespace.db");
    let status = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import sqlite3; c = sqlite3.connect({:?}); c.execute('UPDATE audit_head SET last_seq = 3'); c.commit()",
            db.display().to_string()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let broken = carespace(dir.path(), &["admin", "verify-audit"], &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8(broken.stderr)
            .unwrap()
            .contains("entry 1 is the first that is changed, missing or out of place")
    );
}
