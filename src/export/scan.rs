//! Finding the bytes a format escapes, sixteen at a time.
//!
//! Every format looks for a few bytes in each string it writes (JSON `"`, `\` and control
//! characters; XML markup characters; CSV `,` and `"`…), and the evidence sentences, a
//! hundred bytes or more each, are most of what is written. Eight bytes at a time in a `u64`
//! costs four operations per byte looked for; the SSE2 instructions every x86-64 CPU has
//! compare sixteen bytes with one ([`crate::text::blocks`]).

use crate::text::blocks::{first_block, Block};

/// From `at`, the bytes in steps of sixteen: the start of the first block of sixteen that
/// holds a byte below `below` or equal to one of `eq`, with a mask of those bytes in it (bit
/// `k` for the byte at `start + k`); or, when no whole block from `at` holds one, where the
/// last bytes (fewer than sixteen) start, with an empty mask. `below` 0 looks for no byte below
/// anything.
#[inline(always)]
pub(crate) fn block_with(bytes: &[u8], at: usize, below: u8, eq: &[u8]) -> (usize, u32) {
    first_block(bytes, at, |v| {
        let mut m = match below {
            0 => Block::none(),
            _ => v.in_range(0, below - 1),
        };
        for &b in eq {
            m = m.or(v.eq(b));
        }
        m.mask()
    })
}

/// Whether `flag` proves that no byte of `bytes[at..]` is one looked for, when fewer than
/// sixteen are left (what [`block_with`] leaves) and `bytes` holds at least eight: the rest is
/// then covered by two words of eight (overlapping each other, or bytes already looked at)
/// instead of a loop over each byte. `flag(w)` is nonzero where the word may hold such a byte
/// (exactly or too often, never too rarely). False means "not proven": the caller looks at the
/// bytes one by one.
#[inline(always)]
pub(crate) fn rest_clear(bytes: &[u8], at: usize, flag: impl Fn(u64) -> u64) -> bool {
    let n = bytes.len();
    if at >= n {
        return true;
    }
    if n < 8 || n - at > 16 {
        return false;
    }
    let first = crate::text::load8(bytes, at.min(n - 8));
    let last = crate::text::load8(bytes, n - 8);
    flag(first) | flag(last) == 0
}

/// Of a word, the high bit of each byte equal to `b` (exact but for a borrow that can also
/// flag a byte after a flagged one).
#[inline(always)]
pub(crate) fn word_has(w: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask a byte-at-a-time loop gives for the block at `start`.
    fn slow(bytes: &[u8], start: usize, below: u8, eq: &[u8]) -> u32 {
        (0..16)
            .filter(|&k| {
                let b = bytes[start + k];
                b < below || eq.contains(&b)
            })
            .fold(0, |m, k| m | 1 << k)
    }

    #[test]
    fn finds_the_first_block_with_a_stop_and_every_stop_in_it() {
        let sets: [(u8, &[u8]); 4] = [
            (0x20, b"\"\\"),
            (0x20, b"&<>\"'\xEF"),
            (0, b",\"\r\n"),
            (0x80, b""),
        ];
        for (below, eq) in sets {
            for len in [0, 1, 15, 16, 17, 31, 32, 33, 50] {
                for at in 0..len.min(20) {
                    for b in 0..=255u8 {
                        let mut s = vec![b'a'; len];
                        s[at] = b;
                        if at + 5 < len {
                            s[at + 5] = b'"';
                        }
                        for from in [0, 1, 3] {
                            let (start, bits) = block_with(&s, from, below, eq);
                            assert!(start >= from);
                            if bits == 0 {
                                // No whole block before `start` holds a stop, and fewer than 16
                                // bytes are left.
                                assert!(start + 16 > len);
                                let whole = (from..start).step_by(16);
                                assert!(whole.into_iter().all(|s0| slow(&s, s0, below, eq) == 0));
                            } else {
                                assert_eq!(bits, slow(&s, start, below, eq), "{b:#x} at {at}");
                                assert!((from..start)
                                    .step_by(16)
                                    .all(|s0| slow(&s, s0, below, eq) == 0));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rest_clear_never_clears_a_rest_holding_a_byte_looked_for() {
        let flag = |w: u64| word_has(w, b'"') | word_has(w, b',');
        for len in 0..40usize {
            for at in 0..=len {
                for stop in [
                    None,
                    Some(0),
                    Some(at.saturating_sub(1)),
                    Some(at),
                    Some(len / 2),
                ]
                .into_iter()
                .chain((at..len).map(Some))
                {
                    for b in [b'"', b',', b'x', 0xE2] {
                        let mut s = vec![b'a'; len];
                        if let Some(i) = stop.filter(|&i| i < len) {
                            s[i] = b;
                        }
                        let has = s[at..].iter().any(|&c| c == b'"' || c == b',');
                        let clear = rest_clear(&s, at, flag);
                        assert!(!(clear && has), "len {len} at {at} stop {stop:?} byte {b}");
                        // Where it can tell (eight bytes or more, fewer than sixteen left), a
                        // rest without the bytes is cleared.
                        if !has && at < len && len >= 8 && len - at <= 16 {
                            let near = s[at.min(len - 8)..].iter().any(|&c| c == b'"' || c == b',');
                            assert_eq!(clear, !near, "len {len} at {at}");
                        }
                    }
                }
            }
        }
    }
}
