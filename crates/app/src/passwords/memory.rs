//! Argon2's working memory (19 MiB a hash), kept and reused. Allocating and freeing it for every
//! hash leaves the freed memory with the allocator of whichever blocking thread ran it, so a
//! flood of hashes grew the process by hundreds of megabytes; with the gate's few turns, a few
//! buffers serve every hash for the life of the process.

use argon2::Block;
use std::sync::Mutex;

#[derive(Debug)]
pub struct WorkingMemory {
    free: Mutex<Vec<Vec<Block>>>,
    /// The most buffers kept: one per turn of the gate.
    keep: usize,
}

impl WorkingMemory {
    pub fn new(keep: usize) -> WorkingMemory {
        WorkingMemory {
            free: Mutex::new(Vec::with_capacity(keep)),
            keep,
        }
    }

    /// A buffer of `blocks` blocks: a kept one when there is one of that size.
    pub fn take(&self, blocks: usize) -> Vec<Block> {
        let kept = self.free.lock().ok().and_then(|mut free| {
            let at = free.iter().position(|b| b.len() == blocks)?;
            Some(free.swap_remove(at))
        });
        kept.unwrap_or_else(|| vec![Block::default(); blocks])
    }

    /// Returns a buffer for the next hash, wiped first (what a password's hash left in memory
    /// does not stay there); past `keep` buffers it is freed.
    pub fn give_back(&self, mut buffer: Vec<Block>) {
        buffer.fill(Block::default());
        if let Ok(mut free) = self.free.lock()
            && free.len() < self.keep
        {
            free.push(buffer);
        }
    }

    /// How many buffers are kept now.
    #[cfg(test)]
    pub fn kept(&self) -> usize {
        self.free.lock().map_or(0, |free| free.len())
    }
}
