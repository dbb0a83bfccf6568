//! How a file's contents are kept at rest: sealed in chunks of [`CHUNK_LEN`] bytes of plaintext,
//! so that a file streams in and out without ever being held whole, and a byte range is read by
//! opening only the chunks that hold it.
//!
//! The stored object is a header (the format version, then a random nonce base for this file)
//! followed by the sealed chunks, each its ciphertext and tag. A chunk's nonce is the base with
//! the chunk's index added into its last eight bytes, so no nonce repeats within a file, and a
//! random base per file keeps files apart. Its associated data binds the file id, the chunk's
//! index and whether it is the last chunk: a chunk moved to another place or file, a dropped
//! chunk and a file cut short at a chunk border all fail to open. An empty file still has one
//! (empty) last chunk, so even it cannot be cut off unnoticed.

use crate::crypto::{self, DataKey, NONCE_LEN, NoNonce, TAG_LEN, Unreadable};

/// The version byte that starts every sealed file.
pub const FORMAT_VERSION: u8 = 1;
/// Bytes of the header: the version, then the nonce base.
pub const HEADER_LEN: usize = 1 + NONCE_LEN;
/// Bytes of plaintext in every chunk but the last.
pub const CHUNK_LEN: usize = 64 * 1024;
/// Bytes a full chunk takes in storage.
pub const SEALED_CHUNK_LEN: usize = CHUNK_LEN + TAG_LEN;

const AAD_DOMAIN: &[u8] = b"carespace sealed file v1";

/// How many chunks a file of `size` plaintext bytes has (at least one).
pub fn chunk_count(size: u64) -> u64 {
    size.div_ceil(CHUNK_LEN as u64).max(1)
}

/// Bytes a file of `size` plaintext bytes takes in storage.
pub fn sealed_len(size: u64) -> u64 {
    HEADER_LEN as u64 + chunk_count(size) * TAG_LEN as u64 + size
}

/// Plaintext bytes in chunk `index` of a file of `size` bytes.
fn plain_len_of_chunk(size: u64, index: u64) -> u64 {
    let start = index * CHUNK_LEN as u64;
    (size - start.min(size)).min(CHUNK_LEN as u64)
}

/// Where the chunks holding a plaintext range lie in storage, and which of their plaintext to
/// keep once opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSpan {
    /// The index of the first chunk to read.
    pub first_chunk: u64,
    /// How many chunks to read.
    pub chunks: u64,
    /// The first stored byte to read (inclusive).
    pub stored_first: u64,
    /// The last stored byte to read (inclusive).
    pub stored_last: u64,
    /// Plaintext bytes to skip at the start of the first chunk.
    pub skip: u64,
    /// Plaintext bytes to keep after skipping.
    pub take: u64,
}

/// The chunks of a file of `size` bytes that hold its plaintext bytes `first..=last`, or `None`
/// when that range is empty or starts past the end. `last` past the end is cut to the end.
pub fn span_of(size: u64, first: u64, last: u64) -> Option<ChunkSpan> {
    if first >= size || first > last {
        return None;
    }
    let last = last.min(size - 1);
    let chunk = CHUNK_LEN as u64;
    let first_chunk = first / chunk;
    let last_chunk = last / chunk;
    let stored_first = HEADER_LEN as u64 + first_chunk * SEALED_CHUNK_LEN as u64;
    let stored_last = HEADER_LEN as u64
        + last_chunk * SEALED_CHUNK_LEN as u64
        + plain_len_of_chunk(size, last_chunk)
        + TAG_LEN as u64
        - 1;
    Some(ChunkSpan {
        first_chunk,
        chunks: last_chunk - first_chunk + 1,
        stored_first,
        stored_last,
        skip: first - first_chunk * chunk,
        take: last - first + 1,
    })
}

/// Stored bytes of chunk `index` of a file of `size` bytes.
pub fn sealed_chunk_len(size: u64, index: u64) -> usize {
    // A chunk's plaintext is at most CHUNK_LEN, so this always fits.
    plain_len_of_chunk(size, index) as usize + TAG_LEN
}

fn nonce_of(base: &[u8; NONCE_LEN], index: u64) -> [u8; NONCE_LEN] {
    let mut nonce = *base;
    let (_, tail) = nonce.split_at_mut(NONCE_LEN - 8);
    let mut counter = [0u8; 8];
    counter.copy_from_slice(tail);
    tail.copy_from_slice(
        &u64::from_be_bytes(counter)
            .wrapping_add(index)
            .to_be_bytes(),
    );
    nonce
}

fn aad_of(file_id: &str, index: u64, last: bool) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_DOMAIN.len() + file_id.len() + 10);
    aad.extend_from_slice(AAD_DOMAIN);
    aad.extend_from_slice(file_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(&index.to_be_bytes());
    aad.push(u8::from(last));
    aad
}

/// Seals a file's plaintext as it streams by: bytes go in as they come, sealed chunks come out
/// as soon as it is known whether they are the last.
pub struct Sealer {
    key: DataKey,
    file_id: String,
    base: [u8; NONCE_LEN],
    index: u64,
    pending: Vec<u8>,
}

impl Sealer {
    /// A sealer for the file `file_id` with a new random nonce base, and the header that must
    /// start the stored object.
    pub fn new(key: &DataKey, file_id: &str) -> Result<(Sealer, [u8; HEADER_LEN]), NoNonce> {
        let mut base = [0u8; NONCE_LEN];
        getrandom::fill(&mut base).map_err(NoNonce::from)?;
        Ok(Self::with_base(key, file_id, base))
    }

    fn with_base(
        key: &DataKey,
        file_id: &str,
        base: [u8; NONCE_LEN],
    ) -> (Sealer, [u8; HEADER_LEN]) {
        let mut header = [0u8; HEADER_LEN];
        header[0] = FORMAT_VERSION;
        header[1..].copy_from_slice(&base);
        let sealer = Sealer {
            key: key.clone(),
            file_id: file_id.to_owned(),
            base,
            index: 0,
            pending: Vec::with_capacity(CHUNK_LEN),
        };
        (sealer, header)
    }

    /// Takes more plaintext; returns the chunks it completed, sealed. A full chunk is held
    /// back until more plaintext follows, as only then is it known not to be the last.
    pub fn push(&mut self, mut plaintext: &[u8]) -> Vec<Vec<u8>> {
        let mut sealed = Vec::new();
        while !plaintext.is_empty() {
            if self.pending.len() == CHUNK_LEN {
                sealed.push(self.seal_pending(false));
            }
            let room = CHUNK_LEN - self.pending.len();
            let (now, later) = plaintext.split_at(room.min(plaintext.len()));
            self.pending.extend_from_slice(now);
            plaintext = later;
        }
        sealed
    }

    /// Seals what is left as the last chunk.
    pub fn finish(mut self) -> Vec<u8> {
        self.seal_pending(true)
    }

    fn seal_pending(&mut self, last: bool) -> Vec<u8> {
        let nonce = nonce_of(&self.base, self.index);
        let aad = aad_of(&self.file_id, self.index, last);
        let mut sealed = crypto::seal_with_nonce(&self.key, &nonce, &aad, &self.pending);
        // The nonce is derived again when opening, so it is not stored with each chunk.
        sealed.drain(..NONCE_LEN);
        self.index += 1;
        self.pending.clear();
        sealed
    }
}

/// Opens the chunks of one sealed file.
pub struct Opener {
    key: DataKey,
    file_id: String,
    base: [u8; NONCE_LEN],
    chunks: u64,
}

impl Opener {
    /// An opener for the file `file_id` of `size` plaintext bytes, from its stored header.
    pub fn new(
        key: &DataKey,
        file_id: &str,
        size: u64,
        header: &[u8],
    ) -> Result<Opener, Unreadable> {
        if header.len() != HEADER_LEN || header[0] != FORMAT_VERSION {
            return Err(Unreadable);
        }
        let mut base = [0u8; NONCE_LEN];
        base.copy_from_slice(&header[1..]);
        Ok(Opener {
            key: key.clone(),
            file_id: file_id.to_owned(),
            base,
            chunks: chunk_count(size),
        })
    }

    /// The plaintext of chunk `index`, from its stored bytes.
    pub fn open_chunk(&self, index: u64, sealed: &[u8]) -> Result<Vec<u8>, Unreadable> {
        if index >= self.chunks {
            return Err(Unreadable);
        }
        let last = index + 1 == self.chunks;
        let mut with_nonce = Vec::with_capacity(NONCE_LEN + sealed.len());
        with_nonce.extend_from_slice(&nonce_of(&self.base, index));
        with_nonce.extend_from_slice(sealed);
        crypto::open(&self.key, &aad_of(&self.file_id, index, last), &with_nonce)
    }
}

#[cfg(test)]
mod tests;
