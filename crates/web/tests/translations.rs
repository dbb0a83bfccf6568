//! Every text the site can show exists in Dutch and English: the keys written out in templates
//! and code, and the keys built from a code at run time (`problem-…` from the problem codes
//! anywhere in core, app and web; `role-…`, `audit-action-…`, `audit-role-…`, `device-…` and
//! `error-…` from their enums).
#![allow(clippy::unwrap_used)]

use carespace_core::audit::{ActorRole, AuditAction};
use carespace_core::language::Language;
use carespace_core::memberships::Role;
use carespace_core::sessions::DeviceType;
use carespace_web::errors::WebError;
use carespace_web::i18n::Translations;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, extension: &str, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, extension, found);
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
}

fn read_all(crate_dir: &str, sub: &str, extension: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir);
    let mut files = Vec::new();
    sources(&root.join(sub), extension, &mut files);
    assert!(
        !files.is_empty(),
        "no .{extension} files under {crate_dir}/{sub}"
    );
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// Keys written out: `t("key")`, `t1("key", …)` and `t(language, "key", …)`.
fn written_keys() -> BTreeSet<String> {
    let call = Regex::new(r#"\bt1?\(\s*(?:[a-z_.]+,\s*)?"([a-z0-9]+(?:-[a-z0-9]+)+)""#).unwrap();
    let mut texts = read_all("web", "templates", "html");
    texts.extend(read_all("web", "src", "rs"));
    texts
        .iter()
        .flat_map(|text| call.captures_iter(text).map(|c| c[1].to_owned()))
        .collect::<BTreeSet<_>>()
}

/// Problem codes: what a parser refuses with (`Err("code")`) and what a use case or handler
/// names for a field (`field("name", "code")`, `add("name", "code")`, `problem("name", "code")`,
/// and the API's `InputProblem::new(name, "code")`).
fn problem_keys() -> BTreeSet<String> {
    let refused = Regex::new(r#"Err\("([a-z_]+)"\)"#).unwrap();
    let named = Regex::new(r#"\b(?:field|add|problem)\(\s*"[a-z_]+",\s*"([a-z_]+)""#).unwrap();
    let api = Regex::new(r#"InputProblem::new\(\s*[^,()]+,\s*"([a-z_]+)""#).unwrap();
    let mut texts = read_all("core", "src", "rs");
    texts.extend(read_all("app", "src", "rs"));
    texts.extend(read_all("web", "src", "rs"));
    // Upload problems are named constants, not literals at the call.
    let mut codes: BTreeSet<String> = carespace_app::files::problems::ALL
        .iter()
        .map(|code| (*code).to_owned())
        .collect();
    for text in &texts {
        codes.extend(refused.captures_iter(text).map(|c| c[1].to_owned()));
        codes.extend(named.captures_iter(text).map(|c| c[1].to_owned()));
        codes.extend(api.captures_iter(text).map(|c| c[1].to_owned()));
    }
    codes
        .into_iter()
        .map(|code| format!("problem-{}", code.replace('_', "-")))
        .collect()
}

fn built_keys() -> BTreeSet<String> {
    let mut keys = problem_keys();
    keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.code())));
    keys.extend(
        AuditAction::ALL
            .iter()
            .map(|a| format!("audit-action-{}", a.code().replace('_', "-"))),
    );
    keys.extend(
        ActorRole::ALL
            .iter()
            .map(|r| format!("audit-role-{}", r.code())),
    );
    keys.extend(
        DeviceType::ALL
            .iter()
            .map(|d| format!("device-{}", d.code())),
    );
    for error in WebError::ALL {
        let (title, text) = error.message_keys();
        keys.extend([title.to_owned(), text.to_owned()]);
    }
    keys
}

#[test]
fn every_key_the_site_can_show_exists_in_both_languages() {
    let translations = Translations::load().unwrap();
    let written = written_keys();
    let built = built_keys();
    assert!(
        written.len() > 100,
        "the scan found only {} keys",
        written.len()
    );
    assert!(built.iter().any(|k| k == "problem-email-invalid"));
    let mut missing = Vec::new();
    for key in written.iter().chain(&built) {
        for language in Language::ALL {
            if translations.message(language, key) == *key {
                missing.push(format!("{language}: {key}"));
            }
        }
    }
    assert!(missing.is_empty(), "untranslated: {missing:#?}");
}
