//! [`special_mask`](super::special_mask) with SSE2, part of every x86_64
//! processor: three compares per 16 bytes, ORed, and one move-mask per
//! vector, where the word-at-a-time fallback spends a dozen operations on
//! each eight bytes.
//!
//! The intrinsics come from `safe_arch`, which offers those that touch no
//! raw pointer as safe functions when their target feature is on at compile
//! time. `core::arch`'s own are safe only inside a `#[target_feature]`
//! function, and calling one of those is `unsafe` even where the build
//! enables the feature, so the crate's `forbid(unsafe_code)` rules them out.
//! The vector helpers here serve the outline's block classes too.

use safe_arch::{
    cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, min_u8_m128i, move_mask_i8_m128i,
    set_splat_i8_m128i,
};

use super::BLOCK;

/// A 64-byte block as four vectors.
pub type Vectors = [m128i; 4];

/// The block's four vectors.
#[inline(always)]
pub fn vectors(block: &[u8; BLOCK]) -> Vectors {
    core::array::from_fn(|index| {
        // Sixteen bytes of a 64-byte array: the conversion cannot fail.
        let lane: &[u8; 16] = block[16 * index..][..16].try_into().unwrap_or(&[0; 16]);
        load_unaligned_m128i(lane)
    })
}

/// `class` of each of the four vectors.
#[inline(always)]
pub fn each(vectors: &Vectors, class: impl Fn(m128i) -> m128i) -> Vectors {
    [
        class(vectors[0]),
        class(vectors[1]),
        class(vectors[2]),
        class(vectors[3]),
    ]
}

/// The bytes of `vector` equal to `byte`.
#[inline(always)]
pub fn equal(vector: m128i, byte: u8) -> m128i {
    cmp_eq_mask_i8_m128i(vector, set_splat_i8_m128i(byte as i8))
}

/// The bytes of `vector` below 0x20: those the unsigned minimum with 0x1F
/// leaves unchanged (SSE2 compares bytes only as signed numbers, which would
/// put 0x80 and up below too).
#[inline(always)]
pub fn below_space(vector: m128i) -> m128i {
    cmp_eq_mask_i8_m128i(min_u8_m128i(vector, set_splat_i8_m128i(0x1F)), vector)
}

/// The four vectors' masks (or, for the bytes themselves, their high bits)
/// as one bit per byte of the block.
#[inline(always)]
pub fn plane(masks: &Vectors) -> u64 {
    // The move-mask fills only the low 16 bits of a non-negative `i32`.
    let bits = |index: usize| (move_mask_i8_m128i(masks[index]) as u64 & 0xFFFF) << (16 * index);
    bits(0) | bits(1) | bits(2) | bits(3)
}

/// Bit `i` set when `bytes[i]` is a quote, a backslash or below 0x20.
#[inline(always)]
pub fn special_mask(bytes: &[u8; BLOCK]) -> u64 {
    plane(&each(&vectors(bytes), |vector| {
        equal(vector, b'"') | equal(vector, b'\\') | below_space(vector)
    }))
}

/// Calls `check` with the blocks that hold a SIMD version to its fallback,
/// and what each block is: every byte value at every position of a block of
/// each of `backgrounds`, then every 64-byte window of the bytes 0 to 255 in
/// order.
#[cfg(test)]
pub(crate) fn for_each_probe_block(
    backgrounds: &[u8],
    mut check: impl FnMut(&[u8; BLOCK], std::fmt::Arguments),
) {
    for &background in backgrounds {
        for position in 0..BLOCK {
            for byte in 0..=u8::MAX {
                let mut block = [background; BLOCK];
                block[position] = byte;
                check(
                    &block,
                    format_args!("{byte:#x} at {position} among {background:#x}"),
                );
            }
        }
    }
    let every_byte: Vec<u8> = (0..=u8::MAX).cycle().take(256 + BLOCK).collect();
    for start in 0..256 {
        let block = every_byte[start..][..BLOCK].try_into().expect("a block");
        check(block, format_args!("from {start}"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::special_mask_by_words;
    use super::*;

    /// The fallback other targets use finds the same bytes: every byte value
    /// at every position of blocks of a few backgrounds (the bytes on either
    /// side of each class's edge among them).
    #[test]
    fn agrees_with_the_word_at_a_time_fallback() {
        let backgrounds = [b'a', b' ', b'"', b'\\', 0x00, 0x1F, 0x7F, 0x80, 0xFF];
        for_each_probe_block(&backgrounds, |block, probe| {
            assert_eq!(special_mask(block), special_mask_by_words(block), "{probe}");
        });
    }
}
