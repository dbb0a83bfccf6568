//! The record's file pipeline on a running app: uploads stream in sealed, typed by content,
//! limited while streaming and scanned by the real clamd; downloads give back the exact bytes,
//! whole or a range; the sweep clears what a crash left in staging. Runs on the local data
//! directory, or on S3 with `TEST_FILES=s3`; one story always uses S3 when a server is there.

use bytes::Bytes;
use carespace_app::AppError;
use carespace_app::files::scanner::{ClamdAddress, Scanner, Verdict};
use carespace_app::files::{self, ByteRange, DOCUMENT_KINDS, Staged, UploadRules};
use carespace_core::crypto::DataKey;
use carespace_core::file_types::FileKind;
use carespace_core::ids::FileId;
use carespace_core::sealed_file::CHUNK_LEN;
use carespace_store::stored_files::{self, StoredFileRow};
use carespace_tests::files::{
    clamd, clamd_unix, new_bucket, overwrite_object, s3_endpoint, stored_objects, use_bucket,
};
use carespace_tests::{TestApp, spawn_app, spawn_app_with};
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt, TryStreamExt};

const MARKER: &[u8] = b"MARKER-OF-THE-PLAINTEXT";
const PNG_HEADER: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
/// The antivirus test file every scanner knows (harmless, detected by agreement).
const EICAR: &str = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn rules(max_bytes: u64) -> UploadRules {
    UploadRules {
        field: "file",
        max_bytes,
        allowed: DOCUMENT_KINDS,
    }
}

/// `bytes` as an upload body, in uneven pieces as a network gives them.
fn body(bytes: Vec<u8>) -> BoxStream<'static, std::io::Result<Bytes>> {
    let pieces: Vec<std::io::Result<Bytes>> = bytes
        .chunks(50_001)
        .map(|piece| Ok(Bytes::copy_from_slice(piece)))
        .collect();
    stream::iter(pieces).boxed()
}

/// A PNG-headed file of `len` random bytes with the marker in it here and there.
fn png_with_marker(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).unwrap();
    bytes[..PNG_HEADER.len()].copy_from_slice(PNG_HEADER);
    for at in [1_000, len / 2, len - MARKER.len() - 1] {
        bytes[at..at + MARKER.len()].copy_from_slice(MARKER);
    }
    bytes
}

fn problem(error: AppError) -> &'static str {
    match error {
        AppError::Invalid(problems) => {
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].field, "file");
            problems[0].code
        }
        other => panic!("expected a field problem, got {other:?}"),
    }
}

async fn read(
    app: &TestApp,
    key: &DataKey,
    staged: &Staged,
    range: Option<ByteRange>,
) -> Option<(ByteRange, Vec<u8>)> {
    let opened = files::open(&app.ctx, key, &staged.id, staged.size, range)
        .await
        .unwrap()?;
    assert_eq!(opened.total_len, staged.size);
    let parts: Vec<Bytes> = opened.body.try_collect().await.unwrap();
    Some((opened.range, parts.concat()))
}

async fn nothing_stored(app: &TestApp) {
    assert_eq!(stored_objects(&app.config).await, Vec::new());
}

/// Uploads, reads back whole and in ranges, and checks what is stored holds no plaintext.
async fn round_trip(app: &TestApp) {
    let key = DataKey::generate().unwrap();
    let plain = png_with_marker(3 * 1024 * 1024 + 123);
    let staged = files::stage(&app.ctx, &key, body(plain.clone()), &rules(25_000_000))
        .await
        .unwrap();
    assert_eq!(
        (staged.size, staged.kind),
        (plain.len() as u64, FileKind::Png)
    );
    let objects = stored_objects(&app.config).await;
    assert_eq!(objects.len(), 1);
    assert!(objects[0].0.contains("staging"), "{}", objects[0].0);
    files::promote(&app.ctx, &staged.id).await.unwrap();
    let objects = stored_objects(&app.config).await;
    assert_eq!(objects.len(), 1);
    assert!(objects[0].0.contains("objects"), "{}", objects[0].0);
    assert!(objects[0].0.contains(staged.id.as_str()));
    assert!(objects[0].1.len() > plain.len());
    assert!(!objects[0].1.windows(MARKER.len()).any(|w| w == MARKER));

    let (range, whole) = read(app, &key, &staged, None).await.unwrap();
    assert_eq!(
        range,
        ByteRange {
            first: 0,
            last: plain.len() as u64 - 1
        }
    );
    assert!(whole == plain, "the file comes back byte for byte");

    let last = plain.len() as u64 - 1;
    let border = CHUNK_LEN as u64;
    let ranges = [
        (0, 0),
        (last, last),
        (border - 10, border + 10),
        (last - 5, last + 100),
    ];
    for (first, asked_last) in ranges {
        let (range, part) = read(
            app,
            &key,
            &staged,
            Some(ByteRange {
                first,
                last: asked_last,
            }),
        )
        .await
        .unwrap();
        let end = asked_last.min(last);
        assert_eq!(range, ByteRange { first, last: end });
        assert_eq!(
            part,
            plain[first as usize..=end as usize],
            "{first}..={asked_last}"
        );
    }
    let past = ByteRange {
        first: last + 1,
        last: last + 10,
    };
    assert!(read(app, &key, &staged, Some(past)).await.is_none());

    let wrong_key = DataKey::generate().unwrap();
    assert!(
        files::open(&app.ctx, &wrong_key, &staged.id, staged.size, None)
            .await
            .is_err()
    );
    files::remove(&app.ctx, &staged.id).await.unwrap();
    files::remove(&app.ctx, &staged.id).await.unwrap();
    nothing_stored(app).await;
}

#[tokio::test]
async fn a_file_comes_back_byte_for_byte_and_is_stored_sealed() {
    let app = spawn_app().await;
    round_trip(&app).await;
}

#[tokio::test]
async fn files_round_trip_through_an_s3_bucket() {
    let Some(endpoint) = s3_endpoint() else {
        return;
    };
    let bucket = new_bucket(&endpoint).await;
    let app = spawn_app_with(
        |config| use_bucket(config, &endpoint, &bucket),
        Default::default(),
    )
    .await;
    round_trip(&app).await;
}

#[tokio::test]
async fn a_changed_stored_byte_stops_the_download() {
    let app = spawn_app().await;
    let key = DataKey::generate().unwrap();
    let plain = png_with_marker(2 * CHUNK_LEN + 7);
    let staged = files::stage(&app.ctx, &key, body(plain), &rules(25_000_000))
        .await
        .unwrap();
    files::promote(&app.ctx, &staged.id).await.unwrap();
    let (name, mut bytes) = stored_objects(&app.config).await.remove(0);
    // In the last chunk: the download starts, and breaks off there.
    let near_end = bytes.len() - 3;
    bytes[near_end] ^= 1;
    overwrite_object(&app.config, &name, bytes.clone()).await;
    let opened = files::open(&app.ctx, &key, &staged.id, staged.size, None)
        .await
        .unwrap()
        .unwrap();
    let read: Result<Vec<Bytes>, _> = opened.body.try_collect().await;
    assert_eq!(read.unwrap_err().kind(), std::io::ErrorKind::InvalidData);
    // In the first chunk: the download does not start.
    bytes[near_end] ^= 1;
    bytes[100] ^= 1;
    overwrite_object(&app.config, &name, bytes).await;
    let opened = files::open(&app.ctx, &key, &staged.id, staged.size, None).await;
    assert!(matches!(opened, Err(AppError::Internal(_))));
}

#[tokio::test]
async fn the_size_limit_cuts_an_endless_upload_and_leaves_nothing() {
    let app = spawn_app().await;
    let key = DataKey::generate().unwrap();
    let start = stream::once(async { Ok(Bytes::from_static(b"%PDF-1.7\n")) });
    let endless = stream::repeat_with(|| Ok(Bytes::from(vec![b'a'; 10_000])));
    let upload = start.chain(endless).boxed();
    let refused = files::stage(&app.ctx, &key, upload, &rules(1_000_000))
        .await
        .unwrap_err();
    assert_eq!(problem(refused), "file_too_large");
    nothing_stored(&app).await;

    let exactly = body([b"%PDF-1.7\n".as_slice(), &[b'a'; 991]].concat());
    let staged = files::stage(&app.ctx, &key, exactly, &rules(1_000))
        .await
        .unwrap();
    assert_eq!(staged.size, 1_000);
}

#[tokio::test]
async fn the_type_is_decided_by_content_and_programs_are_refused() {
    let app = spawn_app().await;
    let key = DataKey::generate().unwrap();
    // Uploaded as "scan.jpg", it is a PDF: the name is only a label.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let staged = files::stage(&app.ctx, &key, body(pdf.clone()), &rules(1_000_000))
        .await
        .unwrap();
    assert_eq!(staged.kind, FileKind::Pdf);
    files::remove(&app.ctx, &staged.id).await.unwrap();
    let only_pictures = UploadRules {
        allowed: &[FileKind::Jpeg, FileKind::Png],
        ..rules(1_000_000)
    };
    let refused = files::stage(&app.ctx, &key, body(pdf), &only_pictures).await;
    assert_eq!(problem(refused.unwrap_err()), "file_type");

    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.resize(200_000, 0);
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00%PDF-1.4".to_vec();
    exe.resize(5_000, 0);
    for program in [elf, exe] {
        let refused = files::stage(&app.ctx, &key, body(program), &rules(1_000_000)).await;
        assert_eq!(problem(refused.unwrap_err()), "file_type");
    }
    let empty = files::stage(&app.ctx, &key, body(Vec::new()), &rules(1_000_000)).await;
    assert_eq!(problem(empty.unwrap_err()), "file_empty");
    nothing_stored(&app).await;
}

#[tokio::test]
async fn the_real_clamd_refuses_the_eicar_test_file_and_passes_a_clean_one() {
    let Some(clamd) = clamd() else {
        return;
    };
    let app = spawn_app_with(
        |config| config.files.clamd = Some(clamd),
        Default::default(),
    )
    .await;
    let key = DataKey::generate().unwrap();
    let refused = files::stage(&app.ctx, &key, body(EICAR.into()), &rules(1_000_000)).await;
    assert_eq!(problem(refused.unwrap_err()), "file_infected");
    nothing_stored(&app).await;

    let clean = png_with_marker(300_000);
    let staged = files::stage(&app.ctx, &key, body(clean.clone()), &rules(1_000_000))
        .await
        .unwrap();
    let (_, back) = read(&app, &key, &staged, None).await.unwrap();
    assert!(back == clean);
}

#[tokio::test]
async fn clamd_answers_on_its_unix_socket_too() {
    let Some(socket) = clamd_unix() else {
        return;
    };
    let scanner = Scanner::new(ClamdAddress::parse(&socket).unwrap());
    scanner.ping().await.unwrap();
    let mut scan = scanner.start().await.unwrap();
    scan.feed(&EICAR.as_bytes()[..10]).await.unwrap();
    scan.feed(&EICAR.as_bytes()[10..]).await.unwrap();
    match scan.finish().await.unwrap() {
        Verdict::Infected(signature) => assert!(signature.contains("EICAR"), "{signature}"),
        Verdict::Clean => panic!("clamd missed the EICAR test file"),
    }
    let mut scan = scanner.start().await.unwrap();
    scan.feed(b"an ordinary letter").await.unwrap();
    assert_eq!(scan.finish().await.unwrap(), Verdict::Clean);
}

#[tokio::test]
async fn uploads_are_refused_while_the_configured_scanner_is_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = spawn_app_with(
        |config| config.files.clamd = Some(address),
        Default::default(),
    )
    .await;
    let key = DataKey::generate().unwrap();
    let refused = files::stage(
        &app.ctx,
        &key,
        body(png_with_marker(5_000)),
        &rules(1_000_000),
    )
    .await;
    assert_eq!(problem(refused.unwrap_err()), "file_scanner_unavailable");
    nothing_stored(&app).await;
}

#[tokio::test]
async fn the_sweep_promotes_recorded_staged_files_and_deletes_the_rest() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_up("Anna").await;
    let owner = carespace_store::accounts::find_by_email(&app.ctx.db, &anna.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let key = DataKey::generate().unwrap();
    let limit = rules(1_000_000);
    let stage = || files::stage(&app.ctx, &key, body(png_with_marker(100_000)), &limit);
    let recorded = stage().await.unwrap();
    let unrecorded = stage().await.unwrap();
    let mut tx = app.ctx.db.begin().await.unwrap();
    let row = StoredFileRow {
        id: recorded.id.clone(),
        owner_account_id: owner,
        content_type: recorded.kind.media_type().into(),
        size: recorded.size,
        created_at: app.ctx.now(),
    };
    stored_files::insert(&mut tx, &row).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        stored_files::find(&app.ctx.db, &recorded.id).await.unwrap(),
        Some(row)
    );
    let ids = [
        recorded.id.clone(),
        unrecorded.id.clone(),
        FileId::generate(),
    ];
    assert_eq!(
        stored_files::referenced(&app.ctx.db, &ids).await.unwrap(),
        vec![recorded.id.clone()]
    );

    // Staged a moment ago: an upload may still be on its way to being recorded.
    assert_eq!(
        files::sweep::sweep_staged(&app.ctx).await.unwrap(),
        Default::default()
    );
    assert_eq!(stored_objects(&app.config).await.len(), 2);

    app.advance(2 * 3_600_000);
    let swept = files::sweep::sweep_staged(&app.ctx).await.unwrap();
    assert_eq!((swept.promoted, swept.deleted), (1, 1));
    let objects = stored_objects(&app.config).await;
    assert_eq!(objects.len(), 1);
    assert!(objects[0].0.contains("objects") && objects[0].0.contains(recorded.id.as_str()));
    let gone = files::open(&app.ctx, &key, &unrecorded.id, unrecorded.size, None).await;
    assert!(matches!(gone, Err(AppError::NotFound)));
    assert!(read(&app, &key, &recorded, None).await.is_some());

    let mut tx = app.ctx.db.begin().await.unwrap();
    assert!(stored_files::delete(&mut tx, &recorded.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        stored_files::find(&app.ctx.db, &recorded.id).await.unwrap(),
        None
    );
}
