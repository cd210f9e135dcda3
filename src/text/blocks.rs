//! Looking at bytes sixteen at a time.
//!
//! The writers' escaping, the tokenizer's runs of letters and the date scanner's first look all
//! ask a long byte string the same question: where is the first byte of some small class? SSE2,
//! which every x86-64 CPU has, answers it for sixteen bytes in a few instructions where a loop
//! would test each byte. [`first_block`] walks the blocks (it holds the one unaligned load);
//! the caller says which bytes it wants by combining the tests of [`Block`]. Elsewhere a
//! [`Block`] is sixteen plain bytes and gives the same answers.

/// Sixteen bytes, or sixteen lanes that are each all ones (a byte that passed a test) or zero.
#[derive(Clone, Copy)]
pub(crate) struct Block(imp::Lanes);

impl Block {
    /// No lane set.
    #[inline(always)]
    pub(crate) fn none() -> Block {
        Block(imp::none())
    }

    /// The lanes whose byte is `byte`.
    #[inline(always)]
    pub(crate) fn eq(self, byte: u8) -> Block {
        Block(imp::eq(self.0, byte))
    }

    /// The lanes whose byte lies in `lo..=lo + width` (no wrap past 0xFF: `lo + width` must not
    /// exceed it).
    #[inline(always)]
    pub(crate) fn in_range(self, lo: u8, width: u8) -> Block {
        debug_assert!(lo.checked_add(width).is_some());
        Block(imp::in_range(self.0, lo, width))
    }

    /// The lanes set in `self` or in `other`.
    #[inline(always)]
    pub(crate) fn or(self, other: Block) -> Block {
        Block(imp::or(self.0, other.0))
    }

    /// Each byte with the bits of `bits` set (`0x20` turns ASCII capitals into small letters).
    #[inline(always)]
    pub(crate) fn with_bits(self, bits: u8) -> Block {
        Block(imp::with_bits(self.0, bits))
    }

    /// Bit `k` set where lane `k` is (a lane is set when its high bit is).
    #[inline(always)]
    pub(crate) fn mask(self) -> u32 {
        imp::mask(self.0)
    }
}

/// From `at`, in steps of sixteen bytes: the start of the first block of sixteen of `bytes` for
/// which `test` gives a nonzero mask, with that mask (bit `k` for the byte at `start + k`);
/// when no whole block from `at` gives one, where the last bytes (fewer than sixteen) start,
/// with an empty mask: the caller looks at those one by one.
#[inline(always)]
pub(crate) fn first_block(
    bytes: &[u8],
    mut at: usize,
    test: impl Fn(Block) -> u32,
) -> (usize, u32) {
    while at + 16 <= bytes.len() {
        let bits = test(Block(imp::load(bytes, at)));
        if bits != 0 {
            return (at, bits);
        }
        at += 16;
    }
    (at, 0)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_setzero_si128, _mm_sub_epi8,
    };

    pub(super) type Lanes = __m128i;

    #[inline(always)]
    pub(super) fn none() -> Lanes {
        // SAFETY (here and below): SSE2 is enabled for the whole build (the cfg above), so
        // its instructions can run; these take and give values, no memory.
        unsafe { _mm_setzero_si128() }
    }

    /// The sixteen bytes of `bytes` from `at`, which the caller has checked are there.
    #[inline(always)]
    pub(super) fn load(bytes: &[u8], at: usize) -> Lanes {
        assert!(at + 16 <= bytes.len());
        // SAFETY: SSE2 is enabled for the whole build (the cfg above); the sixteen bytes read
        // from `at` lie inside `bytes` (the assertion, which the caller's loop condition lets
        // the compiler drop); the load needs no alignment.
        unsafe { _mm_loadu_si128(bytes.as_ptr().add(at).cast::<__m128i>()) }
    }

    #[inline(always)]
    pub(super) fn eq(v: Lanes, byte: u8) -> Lanes {
        unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8)) }
    }

    #[inline(always)]
    pub(super) fn in_range(v: Lanes, lo: u8, width: u8) -> Lanes {
        // x - lo <= width (unsigned, wrapping) exactly where x is in lo..=lo + width.
        unsafe {
            let d = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
            _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(width as i8)), d)
        }
    }

    #[inline(always)]
    pub(super) fn or(a: Lanes, b: Lanes) -> Lanes {
        unsafe { _mm_or_si128(a, b) }
    }

    #[inline(always)]
    pub(super) fn with_bits(v: Lanes, bits: u8) -> Lanes {
        unsafe { _mm_or_si128(v, _mm_set1_epi8(bits as i8)) }
    }

    #[inline(always)]
    pub(super) fn mask(v: Lanes) -> u32 {
        (unsafe { _mm_movemask_epi8(v) }) as u32
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
mod imp {
    pub(super) type Lanes = [u8; 16];

    pub(super) fn none() -> Lanes {
        [0; 16]
    }

    #[inline(always)]
    pub(super) fn load(bytes: &[u8], at: usize) -> Lanes {
        let mut v = [0; 16];
        v.copy_from_slice(&bytes[at..at + 16]);
        v
    }

    fn lanes(v: Lanes, f: impl Fn(u8) -> bool) -> Lanes {
        v.map(|x| if f(x) { 0xFF } else { 0 })
    }

    pub(super) fn eq(v: Lanes, byte: u8) -> Lanes {
        lanes(v, |x| x == byte)
    }

    pub(super) fn in_range(v: Lanes, lo: u8, width: u8) -> Lanes {
        lanes(v, |x| x.wrapping_sub(lo) <= width)
    }

    pub(super) fn or(a: Lanes, b: Lanes) -> Lanes {
        std::array::from_fn(|k| a[k] | b[k])
    }

    pub(super) fn with_bits(v: Lanes, bits: u8) -> Lanes {
        v.map(|x| x | bits)
    }

    pub(super) fn mask(v: Lanes) -> u32 {
        (0..16)
            .filter(|&k| v[k] & 0x80 != 0)
            .fold(0, |m, k| m | 1 << k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test of a [`Block`] against the same test of each byte, on every byte value in
    /// every lane position.
    #[test]
    fn block_tests_agree_with_byte_tests() {
        /// A name, a test of a block and the same test of one byte.
        type Case = (&'static str, fn(Block) -> Block, fn(u8) -> bool);
        let tests: [Case; 5] = [
            ("eq", |v| v.eq(b'"'), |x| x == b'"'),
            (
                "in_range",
                |v| v.in_range(b'A', 25),
                |x| x.is_ascii_uppercase(),
            ),
            ("below", |v| v.in_range(0, 0x1F), |x| x < 0x20),
            (
                "alnum",
                |v| v.in_range(b'0', 9).or(v.with_bits(0x20).in_range(b'a', 25)),
                |x| x.is_ascii_alphanumeric(),
            ),
            ("top", |v| v.in_range(0x80, 0x7F), |x| x >= 0x80),
        ];
        for (name, block, byte) in tests {
            for x in 0..=255u8 {
                for lane in 0..16 {
                    let mut b = [b'.'; 16];
                    b[lane] = x;
                    let want = (0..16).filter(|&k| byte(b[k])).fold(0, |m, k| m | 1 << k);
                    let (_, bits) = first_block(&b, 0, |v| block(v).mask());
                    assert_eq!(bits, want, "{name}: {x:#04x} in lane {lane}");
                }
            }
        }
    }

    #[test]
    fn first_block_stops_at_the_first_block_holding_a_byte_and_leaves_the_tail() {
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 47, 48, 50] {
            for hit in 0..len + 1 {
                let mut s = vec![b'a'; len];
                if hit < len {
                    s[hit] = b'"';
                }
                for from in [0, 1, 5] {
                    let (start, bits) = first_block(&s, from, |v| v.eq(b'"').mask());
                    assert!(start >= from);
                    if hit >= from && hit < len && hit < from + (len.saturating_sub(from)) / 16 * 16
                    {
                        assert_eq!(
                            (start, bits),
                            (from + (hit - from) / 16 * 16, 1 << ((hit - from) % 16))
                        );
                    } else {
                        assert_eq!(bits, 0, "len {len}, hit {hit}, from {from}");
                        assert!(start + 16 > len || len < from + 16);
                        assert_eq!((start - from) % 16, 0);
                    }
                }
            }
        }
    }
}
