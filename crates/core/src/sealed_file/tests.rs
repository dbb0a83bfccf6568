use super::*;

fn key() -> DataKey {
    DataKey::from_bytes(&[9; 32]).unwrap()
}

/// Bytes that differ from position to position, so a misplaced range shows.
fn plaintext(size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[1])
        .collect()
}

/// Seals `plain` the way an upload does: in uneven pieces.
fn seal_all(file_id: &str, plain: &[u8]) -> Vec<u8> {
    let (mut sealer, header) = Sealer::new(&key(), file_id).unwrap();
    let mut stored = header.to_vec();
    for piece in plain.chunks(10_007) {
        for chunk in sealer.push(piece) {
            stored.extend_from_slice(&chunk);
        }
    }
    stored.extend_from_slice(&sealer.finish());
    stored
}

/// The chunks of a stored file, split as its size says.
fn chunks_of(stored: &[u8], size: u64) -> Vec<Vec<u8>> {
    let mut at = HEADER_LEN;
    (0..chunk_count(size))
        .map(|index| {
            let len = sealed_chunk_len(size, index);
            let chunk = stored[at..at + len].to_vec();
            at += len;
            chunk
        })
        .collect()
}

/// Opens the plaintext range `first..=last` reading only the stored bytes its span names.
fn open_range(file_id: &str, stored: &[u8], size: u64, first: u64, last: u64) -> Option<Vec<u8>> {
    let span = span_of(size, first, last)?;
    let opener = Opener::new(&key(), file_id, size, &stored[..HEADER_LEN]).unwrap();
    let read = &stored[span.stored_first as usize..=span.stored_last as usize];
    let mut plain = Vec::new();
    let mut at = 0;
    for index in span.first_chunk..span.first_chunk + span.chunks {
        let len = sealed_chunk_len(size, index);
        plain.extend(opener.open_chunk(index, &read[at..at + len]).unwrap());
        at += len;
    }
    assert_eq!(at, read.len(), "the span reads exactly its chunks");
    Some(plain[span.skip as usize..(span.skip + span.take) as usize].to_vec())
}

fn open_whole(file_id: &str, stored: &[u8], size: u64) -> Result<Vec<u8>, Unreadable> {
    let opener = Opener::new(&key(), file_id, size, &stored[..HEADER_LEN])?;
    let mut plain = Vec::new();
    for (index, chunk) in chunks_of(stored, size).iter().enumerate() {
        plain.extend(opener.open_chunk(index as u64, chunk)?);
    }
    Ok(plain)
}

const SIZES: [usize; 8] = [
    0,
    1,
    CHUNK_LEN - 1,
    CHUNK_LEN,
    CHUNK_LEN + 1,
    2 * CHUNK_LEN,
    3 * CHUNK_LEN + 17,
    5 * 1024 * 1024 + 3,
];

#[test]
fn every_size_round_trips_and_takes_its_computed_length() {
    for size in SIZES {
        let plain = plaintext(size);
        let stored = seal_all("f", &plain);
        assert_eq!(stored.len() as u64, sealed_len(size as u64), "size {size}");
        assert_eq!(
            open_whole("f", &stored, size as u64).unwrap(),
            plain,
            "size {size}"
        );
    }
}

#[test]
fn plaintext_does_not_show_in_what_is_stored() {
    let plain = b"verwijsbrief van de huisarts ".repeat(5000);
    let stored = seal_all("f", &plain);
    assert!(!stored.windows(12).any(|w| w == b"verwijsbrief"));
}

#[test]
fn every_range_between_chunk_borders_opens_only_its_chunks() {
    let size = 3 * CHUNK_LEN + 17;
    let plain = plaintext(size);
    let stored = seal_all("f", &plain);
    let c = CHUNK_LEN;
    let points = [
        0,
        1,
        c - 1,
        c,
        c + 1,
        2 * c - 1,
        2 * c,
        2 * c + 1,
        3 * c - 1,
        3 * c,
        size - 2,
        size - 1,
    ];
    for &first in &points {
        for &last in &points {
            let got = open_range("f", &stored, size as u64, first as u64, last as u64);
            if first > last {
                assert_eq!(got, None);
            } else {
                assert_eq!(got.unwrap(), plain[first..=last], "{first}..={last}");
            }
        }
    }
}

#[test]
fn ranges_are_cut_at_the_end_and_none_past_it() {
    let plain = plaintext(100);
    let stored = seal_all("f", &plain);
    assert_eq!(
        open_range("f", &stored, 100, 90, 1_000).unwrap(),
        plain[90..]
    );
    assert_eq!(open_range("f", &stored, 100, 100, 100), None);
    assert_eq!(span_of(0, 0, 0), None);
}

#[test]
fn a_span_of_one_chunk_starts_and_ends_at_its_borders() {
    let size = (2 * CHUNK_LEN) as u64;
    let span = span_of(size, CHUNK_LEN as u64, CHUNK_LEN as u64).unwrap();
    assert_eq!(span.first_chunk, 1);
    assert_eq!(span.chunks, 1);
    assert_eq!(span.stored_first, (HEADER_LEN + SEALED_CHUNK_LEN) as u64);
    assert_eq!(
        span.stored_last,
        (HEADER_LEN + 2 * SEALED_CHUNK_LEN - 1) as u64
    );
    assert_eq!((span.skip, span.take), (0, 1));
}

#[test]
fn swapped_chunks_do_not_open() {
    let size = 2 * CHUNK_LEN;
    let stored = seal_all("f", &plaintext(size));
    let chunks = chunks_of(&stored, size as u64);
    let mut swapped = stored[..HEADER_LEN].to_vec();
    swapped.extend_from_slice(&chunks[1]);
    swapped.extend_from_slice(&chunks[0]);
    assert_eq!(open_whole("f", &swapped, size as u64), Err(Unreadable));
}

#[test]
fn a_dropped_chunk_or_a_file_cut_at_a_chunk_border_does_not_open() {
    let size = 3 * CHUNK_LEN;
    let stored = seal_all("f", &plaintext(size));
    let chunks = chunks_of(&stored, size as u64);
    // The middle chunk dropped: read as a file of two chunks, the third is in second place.
    let mut dropped = stored[..HEADER_LEN].to_vec();
    dropped.extend_from_slice(&chunks[0]);
    dropped.extend_from_slice(&chunks[2]);
    assert_eq!(
        open_whole("f", &dropped, (2 * CHUNK_LEN) as u64),
        Err(Unreadable)
    );
    // Cut after two chunks and claimed to be two chunks long: the second is not the last.
    let cut = stored[..HEADER_LEN + 2 * SEALED_CHUNK_LEN].to_vec();
    assert_eq!(
        open_whole("f", &cut, (2 * CHUNK_LEN) as u64),
        Err(Unreadable)
    );
}

#[test]
fn a_chunk_of_another_file_or_a_changed_byte_does_not_open() {
    let size = CHUNK_LEN + 5;
    let stored = seal_all("file-a", &plaintext(size));
    assert_eq!(open_whole("file-b", &stored, size as u64), Err(Unreadable));
    let mut changed = stored.clone();
    changed[HEADER_LEN + 3] ^= 1;
    assert_eq!(open_whole("file-a", &changed, size as u64), Err(Unreadable));
    let mut other_version = stored;
    other_version[0] = FORMAT_VERSION + 1;
    assert!(Opener::new(&key(), "file-a", size as u64, &other_version[..HEADER_LEN]).is_err());
}

#[test]
fn nonces_differ_per_chunk_and_per_file() {
    let base = [0xff; NONCE_LEN];
    assert_ne!(nonce_of(&base, 0), nonce_of(&base, 1));
    let a = seal_all("f", b"same");
    let b = seal_all("f", b"same");
    assert_ne!(a, b);
}
