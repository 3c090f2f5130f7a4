//! Where the next `"`, `\` or control character is, found 64 bytes at a time.
//!
//! JSON text in logs is mostly short strings, and reading it means finding
//! where each string ends: the next quote or backslash. A fresh search per
//! string (`memchr2`) pays its setup on every one of them. Instead the
//! positions of every such byte of a 64-byte block are computed at once, as
//! a bit mask (SIMD: simd128 on wasm32, SSE2 on x86_64; eight bytes per
//! `u64` step elsewhere), and each search is then a few bit operations.
//! Control characters (bytes below 0x20) are found in the
//! same pass because a JSON string may not hold them raw: a reader that
//! crosses strings this way sees every one it would otherwise have to look
//! for byte by byte.
//!
//! Every block's mask is computed before the first search, in one loop: a
//! reader crosses strings from the first block to the last, so it needs
//! them all, and computing each on the search that first reached its block
//! cost a call and the cursor's bookkeeping per block (the worst case ran
//! 3–4% slower so).

/// The quotes, backslashes and control characters of one text, a mask per
/// 64-byte block. Searches may go anywhere.
#[derive(Debug)]
pub struct Specials {
    /// Bit `i` of `masks[b]` set when byte `64 * b + i` is special (see
    /// [`special_mask`]).
    masks: Vec<u64>,
}

const BLOCK: usize = 64;

impl Specials {
    /// The special bytes of `text`, their masks written into `buffer`
    /// (emptied first: a reader keeps it from one text to the next, see
    /// [`Specials::into_buffer`]).
    pub fn new(text: &[u8], mut buffer: Vec<u64>) -> Specials {
        buffer.clear();
        let mut blocks = text.chunks_exact(BLOCK);
        for block in &mut blocks {
            buffer.push(block.try_into().map_or(0, special_mask));
        }
        let tail = blocks.remainder();
        if !tail.is_empty() {
            buffer.push(last_block_mask(text));
        }
        Specials { masks: buffer }
    }

    /// The masks' buffer, for the next text.
    pub fn into_buffer(self) -> Vec<u64> {
        self.masks
    }

    /// The position of the first `"`, `\` or byte below 0x20 at or after `from`.
    // Always inlined, and kept to a few instructions: it runs for every
    // string the readers cross, and most strings end in the block they start in.
    #[inline(always)]
    pub fn next(&self, from: usize) -> Option<usize> {
        let mut block = from / BLOCK;
        let mut mask = *self.masks.get(block)? & (u64::MAX << (from % BLOCK));
        while mask == 0 {
            block += 1;
            mask = *self.masks.get(block)?;
        }
        Some(block * BLOCK + mask.trailing_zeros() as usize)
    }
}

/// [`special_mask`] of the last, partial block of `text` (its length not a
/// multiple of [`BLOCK`]): where the text has 64 bytes or more, the mask of
/// its last 64 bytes shifted down to the tail's bits (a copy into a block of
/// spaces, which are not special, cost a fill and a copy call in wasm), else
/// the mask of the text padded with spaces. Apart, so that the padding's
/// stack space is not set up for every full block.
#[inline(never)]
fn last_block_mask(text: &[u8]) -> u64 {
    let last = text
        .len()
        .checked_sub(BLOCK)
        .and_then(|start| text.get(start..))
        .and_then(|block| block.try_into().ok());
    if let Some(block) = last {
        // Bits past the text's end come in as zeros, as spaces would give.
        return special_mask(block) >> ((BLOCK - text.len() % BLOCK) % BLOCK);
    }
    let mut padded = [b' '; BLOCK];
    let length = text.len().min(BLOCK);
    padded[..length].copy_from_slice(&text[..length]);
    special_mask(&padded)
}

/// Bit `i` set when `bytes[i]` is a quote, a backslash or below 0x20.
// The four vectors written out rather than looped over: the loop carried
// its shift and index through every step.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn special_mask(bytes: &[u8; BLOCK]) -> u64 {
    use core::arch::wasm32::{u64x2, u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128_or};
    let lane = |at: usize| {
        let vector = u64x2(
            le_word(&bytes[at..at + 8]),
            le_word(&bytes[at + 8..at + 16]),
        );
        let hits = v128_or(
            v128_or(
                u8x16_eq(vector, u8x16_splat(b'"')),
                u8x16_eq(vector, u8x16_splat(b'\\')),
            ),
            // Unsigned: bytes of multi-byte characters (0x80 and up) are not below.
            u8x16_lt(vector, u8x16_splat(b' ')),
        );
        u64::from(u8x16_bitmask(hits)) << at
    };
    lane(0) | lane(16) | lane(32) | lane(48)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(super) mod sse2;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use sse2::special_mask;

/// Without SIMD, eight bytes per `u64` step.
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    all(target_arch = "x86_64", target_feature = "sse2")
)))]
fn special_mask(bytes: &[u8; BLOCK]) -> u64 {
    special_mask_by_words(bytes)
}

/// Bit `i` set when `bytes[i]` (64 bytes) is a quote, a backslash or below
/// 0x20, found eight bytes per `u64` step: what targets without SIMD use.
// On x86_64 only the tests call it, holding the SSE2 version to it.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
fn special_mask_by_words(bytes: &[u8; BLOCK]) -> u64 {
    const QUOTES: u64 = u64::from_ne_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_ne_bytes([b'\\'; 8]);
    let mut mask = 0u64;
    for (index, word) in bytes.chunks_exact(8).enumerate() {
        let word = le_word(word);
        let hits = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES) | below_space(word);
        mask |= gather_high_bits(hits) << (8 * index);
    }
    mask
}

/// Eight bytes as a little-endian word (byte `i` in bits `8i..8i+8`).
fn le_word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

/// The high bit of each byte of `word` that is zero, and no other bit. (The
/// usual `(x - 0x01…) & !x` test is cheaper but may flag a byte after a zero.)
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn zero_bytes(word: u64) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((word & LOW_SEVEN).wrapping_add(LOW_SEVEN)) | word | LOW_SEVEN)
}

/// The high bit of each byte of `word` below 0x20, and no other bit: a byte's
/// low seven bits plus 0x60 reach its high bit exactly when they are 0x20 or
/// more (at most 0xDF, so nothing carries into the next byte), and a byte
/// whose own high bit is set is not below 0x20.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn below_space(word: u64) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const TO_HIGH_BIT: u64 = u64::from_ne_bytes([0x60; 8]);
    const HIGH_BITS: u64 = !LOW_SEVEN;
    !((word & LOW_SEVEN) + TO_HIGH_BIT) & !word & HIGH_BITS
}

/// Packs the high bit of each byte (byte `i`'s into bit `i`): each set bit
/// is shifted into the top byte by its own term of the multiplier, and no
/// two terms meet, so nothing carries.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn gather_high_bits(high_bits: u64) -> u64 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_special(byte: u8) -> bool {
        byte == b'"' || byte == b'\\' || byte < 0x20
    }

    /// Every search from every position agrees with a byte-by-byte search.
    #[test]
    fn finds_what_a_byte_loop_finds_from_every_position() {
        let mut text = Vec::new();
        for round in 0..300u32 {
            // Quotes, backslashes, their neighbours, control characters and
            // the bytes around 0x20 and 0x80, at irregular spacing across
            // block boundaries.
            let byte = match round % 17 {
                0 => b'"',
                3 => b'\\',
                5 => b'!',
                6 => b']',
                7 => 0,
                8 => 0xA2,
                9 => 0xDC,
                10 => 0x1F,
                11 => b' ',
                12 => b'\t',
                13 => 0x9F,
                14 => 0x7F,
                15 => 0xFF,
                _ => b'a' + (round % 26) as u8,
            };
            text.push(byte);
            if round % 37 == 0 {
                text.extend_from_slice(&[b'x'; 70]);
            }
        }
        // Every length up to three blocks: every size of last block, of
        // texts shorter and longer than a block.
        for length in (0..=3 * BLOCK).chain([text.len()]) {
            let text = &text[..length];
            let specials = Specials::new(text, Vec::new());
            for from in 0..=length + 1 {
                let expected = text
                    .iter()
                    .skip(from)
                    .position(|&byte| is_special(byte))
                    .map(|offset| from + offset);
                assert_eq!(specials.next(from), expected, "from {from} of {length}");
            }
            // Backwards too.
            for from in (0..=length).rev().step_by(13) {
                let expected = text[from..]
                    .iter()
                    .position(|&byte| is_special(byte))
                    .map(|offset| from + offset);
                assert_eq!(specials.next(from), expected, "back to {from} of {length}");
            }
        }
    }
}
