//! [`classify`](super::classify) with SSE2, part of every x86_64 processor:
//! each class of the block is a few 16-byte compares and four move-masks,
//! where the fallback takes each class's bits out of eight bytes at a time.
//! Written like the simd128 version, whose notes hold here too; the vector
//! helpers (and why they are safe without `unsafe`) are in
//! `specials::sse2`.

use safe_arch::{min_u8_m128i, move_mask_i8_m128i, set_splat_i8_m128i};

use super::{Classes, Planes, BLOCK};
use crate::scan::specials::sse2::{below_space, each, equal, plane, vectors, Vectors};

/// The classes of a 64-byte block.
#[inline(always)]
pub fn classify(block: &[u8; BLOCK]) -> Classes {
    let vectors = vectors(block);
    let equal_to = |byte: u8| each(&vectors, |vector| equal(vector, byte));
    let space = plane(&equal_to(b' '));
    let backslash = plane(&equal_to(b'\\'));
    // The move-mask of the bytes themselves marks those from 0x80 up.
    let high = plane(&vectors);
    // `|0x20` maps `[` onto `{` and `]` onto `}` and no other byte onto either.
    let folded = each(&vectors, |vector| vector | set_splat_i8_m128i(0x20));
    let closing = each(&folded, |vector| equal(vector, b'}'));
    let opening = each(&folded, |vector| equal(vector, b'{'));
    let colon = equal_to(b':');
    let separator = either(&colon, &equal_to(b','));
    let (control, line_space) = control_planes(&vectors);
    Planes {
        quote: plane(&equal_to(b'"')),
        backslash,
        control,
        line_space,
        space,
        opening: plane(&opening),
        closing_or_colon: plane(&either(&closing, &colon)),
        separator: plane(&separator),
        high,
    }
    .classes()
}

/// The control characters' plane and that of tab and line ends. Control
/// characters are rare: the smallest byte of the four vectors tells that a
/// block has none without taking out either plane.
#[inline(always)]
fn control_planes(vectors: &Vectors) -> (u64, u64) {
    let lowest = min_u8_m128i(
        min_u8_m128i(vectors[0], vectors[1]),
        min_u8_m128i(vectors[2], vectors[3]),
    );
    if move_mask_i8_m128i(below_space(lowest)) == 0 {
        return (0, 0);
    }
    let line_space = each(vectors, |vector| {
        equal(vector, b'\t') | equal(vector, b'\n') | equal(vector, b'\r')
    });
    (plane(&each(vectors, below_space)), plane(&line_space))
}

/// The union of two classes' masks, vector by vector.
#[inline(always)]
fn either(one: &Vectors, other: &Vectors) -> Vectors {
    [
        one[0] | other[0],
        one[1] | other[1],
        one[2] | other[2],
        one[3] | other[3],
    ]
}

#[cfg(test)]
mod tests {
    use super::super::classify_by_words;
    use super::*;
    use crate::scan::specials::sse2::for_each_probe_block;

    /// The fallback other targets use sorts every byte alike: every byte
    /// value at every position of blocks of a few backgrounds (a byte of
    /// each class among them, so that the fallback's skipped planes and the
    /// control planes taken only for some blocks are both exercised).
    #[test]
    fn agrees_with_the_fallback_without_simd() {
        let backgrounds = [
            b'a', b' ', b'"', b'\\', b'\t', 0x00, 0x1F, b'{', b']', b':', b',', 0x7F, 0x80, 0xFF,
        ];
        for_each_probe_block(&backgrounds, |block, probe| {
            assert_eq!(classify(block), classify_by_words(block), "{probe}");
        });
    }
}
