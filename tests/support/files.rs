//! The file store and virus scanner of a test: a local data directory, or a bucket of its own
//! on the S3-compatible server at `TEST_S3_ENDPOINT` when `TEST_FILES=s3`; clamd at
//! `TEST_CLAMD` when set (`scripts/test-servers` starts both). A test that needs one of them
//! and finds it unset skips with a notice, except under CI, where it fails.

use carespace_cli::config::{Config, FileStoreKind};
use carespace_core::secret::Secret;
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use std::path::PathBuf;

/// `TEST_<name>`, or `None` with a printed notice; under CI a missing server is a failure.
fn server(name: &str, what: &str) -> Option<String> {
    match std::env::var(format!("TEST_{name}")) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("CI").is_ok_and(|ci| !ci.is_empty()) => {
            panic!("TEST_{name} is not set under CI: start {what} with scripts/test-servers")
        }
        _ => {
            eprintln!("notice: TEST_{name} is not set, skipping what needs {what}");
            None
        }
    }
}

/// clamd's address, `tcp://…` (`None`: skip).
pub fn clamd() -> Option<String> {
    server("CLAMD", "clamd")
}

/// clamd's unix socket, `unix:/…` (`None`: skip).
pub fn clamd_unix() -> Option<String> {
    server("CLAMD_UNIX", "clamd on a unix socket")
}

/// The S3-compatible server's address (`None`: skip).
pub fn s3_endpoint() -> Option<String> {
    server("S3_ENDPOINT", "an S3-compatible server")
}

/// Whether this run keeps files in S3 (`TEST_FILES=s3`).
pub fn files_in_s3() -> bool {
    match std::env::var("TEST_FILES").as_deref() {
        Ok("s3") => true,
        Ok("local") | Ok("") | Err(_) => false,
        Ok(other) => panic!("TEST_FILES must be local or s3, not {other:?}"),
    }
}

/// Configures clamd when there is one, and S3 when this run asks for it.
pub async fn configure(config: &mut Config) {
    if let Ok(clamd) = std::env::var("TEST_CLAMD")
        && !clamd.is_empty()
    {
        config.files.clamd = Some(clamd);
    }
    if files_in_s3() {
        let endpoint = std::env::var("TEST_S3_ENDPOINT")
            .expect("TEST_FILES=s3 needs TEST_S3_ENDPOINT (see scripts/test-servers)");
        let bucket = new_bucket(&endpoint).await;
        use_bucket(config, &endpoint, &bucket);
    }
}

/// A new, empty bucket on the S3 server at `endpoint`.
pub async fn new_bucket(endpoint: &str) -> String {
    let bucket = format!("carespace-{}", carespace_core::ids::new_id());
    // The test server checks no signatures, so a plain PUT makes the bucket.
    let made = reqwest::Client::new()
        .put(format!("{}/{bucket}", endpoint.trim_end_matches('/')))
        .send()
        .await
        .unwrap();
    assert!(
        made.status().is_success(),
        "bucket not made: {}",
        made.status()
    );
    bucket
}

/// Points `config` at `bucket` on the S3 server at `endpoint`.
pub fn use_bucket(config: &mut Config, endpoint: &str, bucket: &str) {
    let bucket = bucket.to_owned();
    let files = &mut config.files;
    files.store = FileStoreKind::S3;
    files.s3_endpoint = Some(endpoint.to_owned());
    files.s3_bucket = Some(bucket);
    files.s3_region = "us-east-1".into();
    files.s3_access_key_id = Some("test".into());
    files.s3_secret_access_key = Some(Secret::new("test"));
}

/// Every object in the test's file store, by its name in the store, with its bytes.
pub async fn stored_objects(config: &Config) -> Vec<(String, Vec<u8>)> {
    match config.files.store {
        FileStoreKind::Local => {
            let mut found = Vec::new();
            local_files(&config.data_dir.join("files"), &mut found);
            let mut objects: Vec<_> = found
                .into_iter()
                .map(|path| {
                    let bytes = std::fs::read(&path).unwrap();
                    (path.display().to_string(), bytes)
                })
                .collect();
            objects.sort();
            objects
        }
        FileStoreKind::S3 => {
            let bucket = bucket(config);
            let listed: Vec<_> = bucket.list(None).try_collect().await.unwrap();
            let mut objects = Vec::new();
            for meta in listed {
                let bytes = bucket
                    .get(&meta.location)
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                objects.push((meta.location.to_string(), bytes.to_vec()));
            }
            objects
        }
    }
}

/// Makes the stored object `name` (as [`stored_objects`] names it) hold `bytes` instead.
pub async fn overwrite_object(config: &Config, name: &str, bytes: Vec<u8>) {
    match config.files.store {
        FileStoreKind::Local => std::fs::write(name, bytes).unwrap(),
        FileStoreKind::S3 => {
            bucket(config)
                .put(&Path::from(name), bytes.into())
                .await
                .unwrap();
        }
    }
}

fn bucket(config: &Config) -> AmazonS3 {
    let files = &config.files;
    AmazonS3Builder::new()
        .with_endpoint(files.s3_endpoint.clone().unwrap())
        .with_bucket_name(files.s3_bucket.clone().unwrap())
        .with_region(&files.s3_region)
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_allow_http(true)
        .build()
        .unwrap()
}

fn local_files(dir: &std::path::Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            local_files(&path, found);
        } else {
            found.push(path);
        }
    }
}
