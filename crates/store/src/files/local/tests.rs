use super::*;
use futures_util::TryStreamExt;

async fn store() -> (tempfile::TempDir, LocalDirFileStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalDirFileStore::open_dir(dir.path()).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn stores_and_reads_back_by_content_id() {
    let (_dir, store) = store().await;
    let id = store
        .put(Bytes::from_static(b"referral letter"))
        .await
        .unwrap();
    assert_eq!(id, ContentId::of(b"referral letter"));
    let file = store.open(&id, None).await.unwrap().unwrap();
    assert_eq!(file.total_len, 15);
    assert_eq!(file.read_all().await.unwrap(), b"referral letter");
}

#[tokio::test]
async fn reads_a_byte_range_clamped_to_the_file() {
    let (_dir, store) = store().await;
    let id = store.put(Bytes::from_static(b"0123456789")).await.unwrap();
    let part = store
        .open(&id, Some(ByteRange { first: 2, last: 4 }))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(part.range, ByteRange { first: 2, last: 4 });
    assert_eq!(part.read_all().await.unwrap(), b"234");
    let tail = store
        .open(
            &id,
            Some(ByteRange {
                first: 8,
                last: 100,
            }),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tail.read_all().await.unwrap(), b"89");
    let beyond = store
        .open(
            &id,
            Some(ByteRange {
                first: 10,
                last: 12,
            }),
        )
        .await
        .unwrap();
    assert!(beyond.is_none());
}

#[tokio::test]
async fn same_bytes_are_kept_once_and_delete_is_idempotent() {
    let (dir, store) = store().await;
    let a = store.put(Bytes::from_static(b"x-ray")).await.unwrap();
    let b = store.put(Bytes::from_static(b"x-ray")).await.unwrap();
    assert_eq!(a, b);
    store.delete(&a).await.unwrap();
    store.delete(&a).await.unwrap();
    assert!(store.open(&a, None).await.unwrap().is_none());
    let leftovers = std::fs::read_dir(dir.path().join("incoming"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0);
}

async fn stage(store: &LocalDirFileStore, bytes: &'static [u8]) -> FileId {
    let id = FileId::generate();
    let mut writer = store.stage(&id).await.unwrap();
    writer.write(Bytes::from_static(&bytes[..2])).await.unwrap();
    writer.write(Bytes::from_static(&bytes[2..])).await.unwrap();
    writer.finish().await.unwrap();
    id
}

async fn read(store: &LocalDirFileStore, id: &FileId, range: Option<ByteRange>) -> Option<Vec<u8>> {
    let object = store.open_object(id, range).await.unwrap()?;
    let parts: Vec<Bytes> = object.body.try_collect().await.unwrap();
    Some(parts.concat())
}

#[tokio::test]
async fn a_staged_object_reads_before_and_after_promotion() {
    let (dir, store) = store().await;
    let id = stage(&store, b"sealed bytes").await;
    assert_eq!(read(&store, &id, None).await.unwrap(), b"sealed bytes");
    store.promote(&id).await.unwrap();
    store.promote(&id).await.unwrap();
    assert!(!dir.path().join("staging").join(id.as_str()).exists());
    let part = read(&store, &id, Some(ByteRange { first: 7, last: 99 })).await;
    assert_eq!(part.unwrap(), b"bytes");
    assert_eq!(
        read(
            &store,
            &id,
            Some(ByteRange {
                first: 12,
                last: 12
            })
        )
        .await,
        None
    );
}

#[tokio::test]
async fn deleting_an_object_removes_it_from_both_places_and_is_idempotent() {
    let (_dir, store) = store().await;
    let promoted = stage(&store, b"one").await;
    store.promote(&promoted).await.unwrap();
    let staged = stage(&store, b"two").await;
    for id in [&promoted, &staged] {
        store.delete_object(id).await.unwrap();
        store.delete_object(id).await.unwrap();
        assert_eq!(read(&store, id, None).await, None);
    }
    assert!(store.promote(&staged).await.is_err());
}

#[tokio::test]
async fn an_aborted_object_leaves_nothing_and_staged_ones_are_listed_by_age() {
    let (dir, store) = store().await;
    let id = FileId::generate();
    let mut writer = store.stage(&id).await.unwrap();
    writer.write(Bytes::from_static(b"half")).await.unwrap();
    writer.abort().await.unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path().join("staging"))
            .unwrap()
            .count(),
        0
    );
    let kept = stage(&store, b"kept").await;
    let now = Timestamp::from_millis(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap(),
    );
    assert!(
        store
            .list_staged(now.plus_millis(-3_600_000))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.list_staged(now.plus_millis(60_000)).await.unwrap(),
        vec![kept]
    );
}
