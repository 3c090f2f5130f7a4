//! The bytes of a 64-byte block sorted into the classes JSON's grammar cares
//! about, one bit per byte.
//!
//! Checking a line nobody reads must cost far less than parsing it. Looking
//! at its bytes one at a time cannot: most of them are string contents,
//! which only matter for where strings end. So each block's bytes are
//! classified at once (SIMD on wasm32; plain loops the compiler vectorises
//! elsewhere, as the crate forbids `unsafe` and native SIMD intrinsics still
//! need it), and the outline then works on masks: strings by prefix XOR of
//! their quotes, tokens as the set bits left outside them.

/// One block's classes: bit `i` describes byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classes {
    /// `"`
    pub quote: u64,
    /// `\`
    pub backslash: u64,
    /// Below 0x20 (raw control characters, tab and line ends included).
    pub control: u64,
    /// Tab, line feed and carriage return: the control characters that may
    /// stand between tokens.
    pub line_space: u64,
    /// Above 0x20: anything but a space or a control character.
    pub visible: u64,
    /// `{ } [ ] : ,`
    pub structural: u64,
    /// `:` and `,`: what a token directly after a string or a scalar may be
    /// checked with (see `tokens`).
    pub separator: u64,
    /// `{`, a space, `\\` or a byte of a multi-byte character: a string that
    /// starts with one may hold JSON text (the other whitespace JSON allows
    /// before a `{` cannot stand raw in a string).
    pub may_open_json: u64,
    /// Some byte is 0x80 or above: only then can the block hold text that
    /// is not UTF-8, so only then need a line be validated as UTF-8.
    pub non_ascii: bool,
}

/// The block length.
pub const BLOCK: usize = 64;

/// The classes of `bytes[from..]`'s first [`BLOCK`] bytes, the part past the
/// end of `bytes` taken as spaces (which belong to no class but
/// `may_open_json`, and only a string opening at the last byte, which never
/// closes, could start with one).
pub fn classify_at(bytes: &[u8], from: usize) -> Classes {
    match bytes.get(from..from + BLOCK) {
        Some(block) => classify(block),
        None => {
            let mut padded = [b' '; BLOCK];
            let tail = bytes.get(from..).unwrap_or_default();
            padded[..tail.len()].copy_from_slice(tail);
            classify(&padded)
        }
    }
}

/// The classes of a 64-byte block.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn classify(block: &[u8]) -> Classes {
    use core::arch::wasm32::{
        i8x16, i8x16_lt, u64x2, u8x16_bitmask, u8x16_eq, u8x16_gt, u8x16_lt, u8x16_splat,
        u8x16_swizzle, v128, v128_or,
    };
    let quote = u8x16_splat(b'"');
    let backslash = u8x16_splat(b'\\');
    let space = u8x16_splat(b' ');
    let case_bit = u8x16_splat(0x20);
    let (open, close) = (u8x16_splat(b'{'), u8x16_splat(b'}'));
    let (colon, comma) = (u8x16_splat(b':'), u8x16_splat(b','));
    let zero = u8x16_splat(0);
    // Indexed by the byte itself: bytes 16 and up read 0 (swizzle's rule).
    let line_space_table = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, -1, 0, 0);
    let mut classes = Classes::default();
    let mut words = block.chunks_exact(8).map(le_word);
    for index in 0..BLOCK / 16 {
        let (low, high) = (words.next().unwrap_or(0), words.next().unwrap_or(0));
        let vector: v128 = u64x2(low, high);
        // `|0x20` maps `[` onto `{` and `]` onto `}` and no other byte onto either.
        let folded = v128_or(vector, case_bit);
        let separator = v128_or(u8x16_eq(vector, colon), u8x16_eq(vector, comma));
        let structural = v128_or(
            v128_or(u8x16_eq(folded, open), u8x16_eq(folded, close)),
            separator,
        );
        let shift = 16 * index;
        let bits = |mask: v128| u64::from(u8x16_bitmask(mask)) << shift;
        classes.quote |= bits(u8x16_eq(vector, quote));
        classes.backslash |= bits(u8x16_eq(vector, backslash));
        classes.control |= bits(u8x16_lt(vector, space));
        classes.line_space |= bits(u8x16_swizzle(line_space_table, vector));
        classes.visible |= bits(u8x16_gt(vector, space));
        classes.structural |= bits(structural);
        classes.separator |= bits(separator);
        let may_open_json = v128_or(
            v128_or(u8x16_eq(vector, open), u8x16_eq(vector, space)),
            // Signed: bytes from 0x80 up.
            v128_or(i8x16_lt(vector, zero), u8x16_eq(vector, backslash)),
        );
        classes.may_open_json |= bits(may_open_json);
        // Signed: bytes from 0x80 up.
        classes.non_ascii |= u8x16_bitmask(vector) != 0;
    }
    classes
}

/// The classes of a 64-byte block, without SIMD: first one byte of class
/// bits per input byte (a loop of compares compilers vectorise), then each
/// class's bit taken out of eight such bytes at a time. One pass over the
/// block instead of one per class.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn classify(block: &[u8]) -> Classes {
    let mut kinds = [0u8; BLOCK];
    for (kind, &byte) in kinds.iter_mut().zip(block) {
        *kind = kind_of(byte);
    }
    let words: [u64; BLOCK / 8] = core::array::from_fn(|index| le_word(&kinds[8 * index..][..8]));
    // Backslashes and control characters are rare: most blocks have none,
    // and their planes are then known to be empty without taking them out.
    let present = words.iter().fold(0, |present, word| present | word);
    let plane = |class: u32| {
        if present >> class & 0x0101_0101_0101_0101 == 0 {
            return 0;
        }
        words.iter().enumerate().fold(0, |mask, (index, word)| {
            mask | packed(word >> class) << (8 * index)
        })
    };
    let high_bits = block
        .chunks_exact(8)
        .fold(0, |high, eight| high | le_word(eight));
    Classes {
        non_ascii: high_bits & 0x8080_8080_8080_8080 != 0,
        quote: plane(QUOTE),
        backslash: plane(BACKSLASH),
        control: plane(CONTROL),
        line_space: plane(LINE_SPACE),
        visible: plane(VISIBLE),
        structural: plane(STRUCTURAL),
        separator: plane(SEPARATOR),
        may_open_json: plane(MAY_OPEN_JSON),
    }
}

// The bit of each class in a byte of class bits.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const QUOTE: u32 = 0;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const BACKSLASH: u32 = 1;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const CONTROL: u32 = 2;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const LINE_SPACE: u32 = 3;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const VISIBLE: u32 = 4;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const STRUCTURAL: u32 = 5;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const MAY_OPEN_JSON: u32 = 6;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const SEPARATOR: u32 = 7;

/// The class bits of one byte. Branch-free, so that the loop over a block
/// vectorises.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn kind_of(byte: u8) -> u8 {
    let folded = byte | 0x20;
    let bit = |on: bool, class: u32| u8::from(on) << class;
    bit(byte == b'"', QUOTE)
        | bit(byte == b'\\', BACKSLASH)
        | bit(byte < b' ', CONTROL)
        | bit(
            (byte == b'\t') | (byte == b'\n') | (byte == b'\r'),
            LINE_SPACE,
        )
        | bit(byte > b' ', VISIBLE)
        | bit(
            (folded == b'{') | (folded == b'}') | (byte == b':') | (byte == b','),
            STRUCTURAL,
        )
        | bit(
            (byte == b'{') | (byte == b' ') | (byte == b'\\') | (byte >= 0x80),
            MAY_OPEN_JSON,
        )
        | bit((byte == b':') | (byte == b','), SEPARATOR)
}

/// Bit 0 of each byte of `word`, packed into the low eight bits (byte `i`'s
/// at bit `i`).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn packed(word: u64) -> u64 {
    // Each byte's 1 lands in the top byte at its own bit; no two meet.
    (word & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Eight bytes as a little-endian word (byte `i` in bits `8i..8i+8`).
fn le_word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_bytes(block: &[u8]) -> Classes {
        let mut classes = Classes::default();
        for (index, &byte) in block.iter().enumerate() {
            let bit = 1u64 << index;
            let set = |mask: &mut u64, on: bool| {
                if on {
                    *mask |= bit;
                }
            };
            set(&mut classes.quote, byte == b'"');
            set(&mut classes.backslash, byte == b'\\');
            set(&mut classes.control, byte < 0x20);
            set(
                &mut classes.line_space,
                matches!(byte, b'\t' | b'\n' | b'\r'),
            );
            set(&mut classes.visible, byte > 0x20);
            set(
                &mut classes.structural,
                matches!(byte, b'{' | b'}' | b'[' | b']' | b':' | b','),
            );
            set(&mut classes.separator, matches!(byte, b':' | b','));
            classes.non_ascii |= byte >= 0x80;
            set(
                &mut classes.may_open_json,
                matches!(byte, b'{' | b' ' | b'\\' | 0x80..),
            );
        }
        classes
    }

    /// Blocks missing most classes (whose planes the classifier without SIMD
    /// leaves empty without taking them out) agree too: each byte of a few
    /// kinds alone in a block of another, at every position.
    #[test]
    fn blocks_without_some_classes_agree_with_a_byte_by_byte_reading() {
        let kinds = [
            b'"', b'\\', 0x01, b'\t', b'\n', b'\r', b' ', b'a', b'{', b']', b':', b',', 0x80, 0xff,
        ];
        for background in kinds {
            for lone in kinds {
                for position in 0..BLOCK {
                    let mut block = [background; BLOCK];
                    block[position] = lone;
                    assert_eq!(
                        classify(&block),
                        by_bytes(&block),
                        "{lone:#x} at {position} among {background:#x}"
                    );
                }
            }
        }
    }

    /// Every byte value in every position agrees with a byte-by-byte reading.
    #[test]
    fn every_byte_value_lands_in_its_classes_at_every_position() {
        for offset in 0..4 {
            let block: Vec<u8> = (0..BLOCK)
                .map(|index| ((index * 4 + offset) % 256) as u8)
                .collect();
            assert_eq!(classify(&block), by_bytes(&block), "offset {offset}");
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for start in (0..256).step_by(BLOCK) {
            let block = &all[start..start + BLOCK];
            assert_eq!(classify(block), by_bytes(block), "from {start}");
        }
        let tail = b"{\"a\": [1, 2]}\t\n";
        assert_eq!(
            classify_at(tail, 0),
            by_bytes(&{
                let mut padded = [b' '; BLOCK];
                padded[..tail.len()].copy_from_slice(tail);
                padded
            })
        );
    }
}
