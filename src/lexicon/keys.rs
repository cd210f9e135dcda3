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
//!
//! A slot is 32 bytes, two to a cache line, and holds its value: a look-up reads one slot
//! (most often) and nothing else. The table is asked at random places for keys met in text,
//! so each line it touches is most likely a cache miss; a second load from a table of values
//! would be another.

use crate::text::{load4, load8};

/// Set in `value[0]` of an occupied slot.
const OCCUPIED: u64 = 1 << 63;
/// Set in `value[0]` of a slot whose key is 16 bytes or longer (then `words` are its first 16
/// bytes; otherwise they are its bytes, zero-padded, with its length in the top byte).
const LONG: u64 = 1 << 62;
/// The bits of `value[0]` a caller may use.
pub(super) const VALUE_BITS: u64 = LONG - 1;

/// One slot: a key's words (see [`LONG`]) and a value of two words.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    words: [u64; 2],
    value: [u64; 2],
}

/// Open addressing with linear probing over a power-of-two number of slots, at most half full.
#[derive(Debug)]
pub(super) struct KeyTable {
    slots: Vec<Slot>,
    /// Keys of 16 bytes or longer, by slot index (sorted): the bytes the slot does not hold.
    long_keys: Vec<(u32, Box<str>)>,
    /// `64 - log2(slots.len())`: a hash's top bits give its first slot.
    shift: u32,
}

/// The words a slot holds for a key whose [`prefix_words`] are `words`, and whether the key
/// is long.
#[inline]
fn slot_words(words: [u64; 2], n: usize) -> ([u64; 2], bool) {
    if n < 16 {
        // Byte 15 of a shorter key is padding: its length goes there, so that keys differing
        // only in trailing zero bytes ("a", "a\0") differ.
        ([words[0], words[1] | (n as u64) << 56], false)
    } else {
        (words, true)
    }
}

impl KeyTable {
    /// A table of `entries` (keys distinct; values within [`VALUE_BITS`] in their first word).
    pub(super) fn new(entries: Vec<(String, [u64; 2])>) -> Self {
        let bits = (entries.len().max(1) * 2)
            .next_power_of_two()
            .trailing_zeros();
        let mut table = KeyTable {
            slots: vec![Slot::default(); 1 << bits],
            long_keys: Vec::new(),
            shift: 64 - bits,
        };
        let mask = table.slots.len() - 1;
        for (key, value) in entries {
            assert!(value[0] & !VALUE_BITS == 0, "value bits out of range");
            let raw = prefix_words(key.as_bytes());
            let (words, long) = slot_words(raw, key.len());
            let mut i = table.first_slot(hash(raw, key.len()));
            while table.slots[i].value[0] & OCCUPIED != 0 {
                i = (i + 1) & mask;
            }
            table.slots[i] = Slot {
                words,
                value: [value[0] | OCCUPIED | if long { LONG } else { 0 }, value[1]],
            };
            if long {
                table.long_keys.push((i as u32, key.into_boxed_str()));
            }
        }
        table.long_keys.sort_unstable_by_key(|&(i, _)| i);
        table
    }

    fn first_slot(&self, h: u64) -> usize {
        // `shift` is 64 for a table of one slot: no bits, slot 0.
        h.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// The value of `key` (its first word within [`VALUE_BITS`]), if it is in the table.
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<[u64; 2]> {
        self.get_bytes(key.as_bytes())
    }

    /// [`KeyTable::get`] of a key's bytes (the table compares bytes only).
    #[inline]
    pub(super) fn get_bytes(&self, b: &[u8]) -> Option<[u64; 2]> {
        let raw = prefix_words(b);
        let (words, long) = slot_words(raw, b.len());
        let mask = self.slots.len() - 1;
        let mut i = self.first_slot(hash(raw, b.len()));
        loop {
            let slot = &self.slots[i];
            let v = slot.value[0];
            if v & OCCUPIED == 0 {
                return None;
            }
            if slot.words == words && (v & LONG != 0) == long && (!long || self.long_key_is(i, b)) {
                return Some([v & VALUE_BITS, slot.value[1]]);
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether the long key of slot `i` is `b` (whose first 16 bytes match it).
    #[cold]
    fn long_key_is(&self, i: usize, b: &[u8]) -> bool {
        self.long_keys
            .binary_search_by_key(&(i as u32), |&(j, _)| j)
            .is_ok_and(|x| self.long_keys[x].1.as_bytes() == b)
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
                "a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\u{1}",
                "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
                "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
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
        let table = KeyTable::new(keys.iter().cloned().zip((0..).map(|i| [i, !i])).collect());
        for (i, k) in keys.iter().enumerate() {
            let i = i as u64;
            assert_eq!(table.get(k), Some([i, !i]), "{k:?}");
            assert_eq!(table.get_bytes(k.as_bytes()), Some([i, !i]), "{k:?}");
        }
        for k in [
            "",
            "xx ",
            "abd",
            "uss",
            "a\0\0",
            "a\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            "a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\u{1}x",
            "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            "\0",
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
                keys.iter()
                    .position(|x| x == k)
                    .map(|i| [i as u64, !(i as u64)]),
                "{k:?}"
            );
        }
        let empty = KeyTable::new(Vec::new());
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
