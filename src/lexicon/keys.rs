//! The table from lexicon keys to what is known of them, built once per run and asked for
//! most tokens of every document.
//!
//! Most keys asked are short words, and most of those are in the table (function words are
//! word-list entries). A general hash map hashes such a key byte by byte, then compares it
//! with a stored `String` through `memcmp`. Here a key of up to 16 bytes is read into two
//! zero-padded words in at most four loads, hashed with one multiplication, and compared with
//! the words stored in its slot: no byte loop, no call, no pointer to follow. Longer keys
//! (rare) compare their first 16 bytes that way and the rest in full. Only the speed depends
//! on the hash; the answer never does.

use crate::text::{load4, load8};

/// One slot: a key's first 16 bytes as two little-endian words, zero-padded, its length, and
/// 1 + the index of its entry (0: an empty slot).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    words: [u64; 2],
    len: u32,
    entry: u32,
}

/// Open addressing with linear probing over a power-of-two number of slots, at most half full.
#[derive(Debug)]
pub(super) struct KeyTable<V> {
    slots: Vec<Slot>,
    /// Keys (needed in full only beyond 16 bytes) and values.
    entries: Vec<(Box<str>, V)>,
    /// `64 - log2(slots.len())`: a hash's top bits give its first slot.
    shift: u32,
}

impl<V> KeyTable<V> {
    /// A table of `entries` (keys distinct).
    pub(super) fn new(entries: Vec<(String, V)>) -> Self {
        let bits = (entries.len().max(1) * 2)
            .next_power_of_two()
            .trailing_zeros();
        let mut table = KeyTable {
            slots: vec![Slot::default(); 1 << bits],
            entries: Vec::with_capacity(entries.len()),
            shift: 64 - bits,
        };
        let mask = table.slots.len() - 1;
        for (key, value) in entries {
            let words = prefix_words(key.as_bytes());
            let mut i = table.first_slot(hash(words, key.len()));
            while table.slots[i].entry != 0 {
                i = (i + 1) & mask;
            }
            table.slots[i] = Slot {
                words,
                len: key.len() as u32,
                entry: table.entries.len() as u32 + 1,
            };
            table.entries.push((key.into_boxed_str(), value));
        }
        table
    }

    fn first_slot(&self, h: u64) -> usize {
        // `shift` is 64 for a table of one slot: no bits, slot 0.
        h.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// The value of `key`, if it is in the table.
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<&V> {
        let b = key.as_bytes();
        let words = prefix_words(b);
        let mask = self.slots.len() - 1;
        let mut i = self.first_slot(hash(words, b.len()));
        loop {
            let slot = self.slots[i];
            if slot.entry == 0 {
                return None;
            }
            if slot.words == words && slot.len as usize == b.len() {
                let (k, v) = &self.entries[slot.entry as usize - 1];
                // Keys of up to 16 bytes are their words.
                if b.len() <= 16 || k.as_bytes()[16..] == b[16..] {
                    return Some(v);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

fn read4(b: &[u8], at: usize) -> u64 {
    u64::from(load4(b, at))
}

/// The first 16 bytes of `b` as two little-endian words, zero-padded. Short keys are read
/// with overlapping loads; where two loads overlap they hold the same bytes, so or-ing them
/// is exact.
#[inline]
fn prefix_words(b: &[u8]) -> [u64; 2] {
    let n = b.len();
    if n >= 16 {
        [load8(b, 0), load8(b, 8)]
    } else if n > 8 {
        // Bytes `n - 8 .. n` shifted so that byte 8 lands at the bottom.
        [load8(b, 0), load8(b, n - 8) >> (8 * (16 - n))]
    } else if n == 8 {
        [load8(b, 0), 0]
    } else if n >= 4 {
        [read4(b, 0) | (read4(b, n - 4) << (8 * (n - 4))), 0]
    } else if n > 0 {
        let (m, l) = (n / 2, n - 1);
        [
            u64::from(b[0]) | (u64::from(b[m]) << (8 * m)) | (u64::from(b[l]) << (8 * l)),
            0,
        ]
    } else {
        [0, 0]
    }
}

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;

/// A hash of a key from its first 16 bytes and its length (the 128-bit product of the two
/// words, its halves xored). Keys sharing their first 16 bytes and length share a slot run.
#[inline]
fn hash(words: [u64; 2], len: usize) -> u64 {
    let r = u128::from(words[0] ^ P0) * u128::from(words[1] ^ P1 ^ len as u64);
    (r as u64) ^ ((r >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_key_and_nothing_else() {
        // Keys of every length up to 40 bytes, near misses among them.
        let mut keys: Vec<String> = Vec::new();
        for n in 0..=40 {
            keys.push(
                "abcdefghijklmnopqrstuvwxyz0123456789.-'é"
                    .chars()
                    .take(n)
                    .collect(),
            );
            keys.push("x".repeat(n));
        }
        keys.extend(
            [
                "u.s.",
                "us",
                "s",
                "a\0",
                "president",
                "vice president",
                "bogotá",
                "department of homeland security",
                "department of homeland securitx",
            ]
            .map(String::from),
        );
        keys.sort();
        keys.dedup();
        let table = KeyTable::new(keys.iter().cloned().zip(0..).collect());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(table.get(k), Some(&i), "{k:?}");
        }
        for k in [
            "",
            "xx ",
            "abd",
            "uss",
            "a\0\0",
            "president ",
            "vice",
            "bogota",
            "X",
            "zz",
            "department of homeland securit",
            "department of homeland securitz",
        ] {
            assert_eq!(
                table.get(k),
                keys.iter().position(|x| x == k).as_ref(),
                "{k:?}"
            );
        }
        let empty: KeyTable<usize> = KeyTable::new(Vec::new());
        assert_eq!(empty.get(""), None);
        assert_eq!(empty.get("abc"), None);
    }

    #[test]
    fn prefix_words_are_the_padded_bytes() {
        let text = b"abcdefghijklmnopqrstuvwxyz";
        for n in 0..=text.len() {
            let b = &text[..n];
            let mut padded = [0u8; 16];
            let m = n.min(16);
            padded[..m].copy_from_slice(&b[..m]);
            let (lo, hi) = padded.split_at(8);
            let want = [
                u64::from_le_bytes(lo.try_into().unwrap()),
                u64::from_le_bytes(hi.try_into().unwrap()),
            ];
            assert_eq!(prefix_words(b), want, "{n}");
        }
    }
}
