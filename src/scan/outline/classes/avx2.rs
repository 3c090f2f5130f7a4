//! [`classify`](super::classify) with AVX2: the SSE2 version's compares on
//! 32-byte vectors, two a block instead of four; and [`run`], the copy of
//! the work given it compiled for the processors that have AVX2.
//!
//! `core::arch`'s AVX2 intrinsics are safe to call inside functions
//! compiled for AVX2 (`#[target_feature]`), and calling such a function
//! from code not so compiled is `unsafe`: the crate's one `unsafe` is that
//! call, in [`super::with_best_classifier`], after [`DETECTED`].

use core::arch::x86_64::{
    __m256i, _mm256_cmpeq_epi8, _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256,
    _mm256_set1_epi8, _mm256_set_m128i,
};
use std::sync::LazyLock;

use safe_arch::load_unaligned_m128i;

use super::{ByClosure, Classes, Planes, WithClassifier, BLOCK};

/// Whether this processor has every feature [`run`] is compiled for:
/// detected once, then a load per text. Set `KQL_DETECT_NO_AVX2` in the
/// environment to run the plain copy anyway (the tests run both copies so).
pub static DETECTED: LazyLock<bool> = LazyLock::new(|| {
    std::env::var_os("KQL_DETECT_NO_AVX2").is_none()
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
        && std::is_x86_feature_detected!("popcnt")
});

/// `work` run with [`classify`], all of it (inlined here) compiled for
/// AVX2 and the bit instructions of the same processors.
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
pub fn run<W: WithClassifier>(work: W) -> W::Output {
    // The closure inherits this function's features, so it may call `classify`.
    work.run(ByClosure(|block: &[u8; BLOCK]| classify(block)))
}

/// A 64-byte block as two vectors.
type Halves = [__m256i; 2];

/// The classes of a 64-byte block.
#[target_feature(enable = "avx2")]
#[inline]
fn classify(block: &[u8; BLOCK]) -> Classes {
    let halves = halves(block);
    let equal_to = |byte: u8| each(&halves, |half| equal(half, byte));
    let space = plane(&equal_to(b' '));
    let backslash = plane(&equal_to(b'\\'));
    // The move-mask of the bytes themselves marks those from 0x80 up.
    let high = plane(&halves);
    // `|0x20` maps `[` onto `{` and `]` onto `}` and no other byte onto either.
    let folded = each(&halves, |half| {
        _mm256_or_si256(half, _mm256_set1_epi8(0x20))
    });
    let closing = each(&folded, |half| equal(half, b'}'));
    let opening = each(&folded, |half| equal(half, b'{'));
    let colon = equal_to(b':');
    let separator = either(&colon, &equal_to(b','));
    let (control, line_space) = control_planes(&halves);
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

/// The block's two halves, each built from two safe 16-byte loads (the
/// 32-byte load takes a raw pointer, which is `unsafe`).
#[target_feature(enable = "avx2")]
#[inline]
fn halves(block: &[u8; BLOCK]) -> Halves {
    let lane = |at: usize| {
        // Sixteen bytes of a 64-byte array: the conversion cannot fail.
        let lane: &[u8; 16] = block[at..][..16].try_into().unwrap_or(&[0; 16]);
        load_unaligned_m128i(lane).0
    };
    [
        _mm256_set_m128i(lane(16), lane(0)),
        _mm256_set_m128i(lane(48), lane(32)),
    ]
}

/// The control characters' plane and that of tab and line ends, both
/// empty without taking them out when the smaller byte of each pair of the
/// halves' bytes shows none (control characters are rare).
#[target_feature(enable = "avx2")]
#[inline]
fn control_planes(halves: &Halves) -> (u64, u64) {
    if _mm256_movemask_epi8(below_space(_mm256_min_epu8(halves[0], halves[1]))) == 0 {
        return (0, 0);
    }
    let line_space = each(halves, |half| {
        _mm256_or_si256(
            _mm256_or_si256(equal(half, b'\t'), equal(half, b'\n')),
            equal(half, b'\r'),
        )
    });
    (
        plane(&each(halves, |half| below_space(half))),
        plane(&line_space),
    )
}

/// `class` of both halves.
#[target_feature(enable = "avx2")]
#[inline]
fn each(halves: &Halves, class: impl Fn(__m256i) -> __m256i) -> Halves {
    [class(halves[0]), class(halves[1])]
}

/// The union of two classes' masks, half by half.
#[target_feature(enable = "avx2")]
#[inline]
fn either(one: &Halves, other: &Halves) -> Halves {
    [
        _mm256_or_si256(one[0], other[0]),
        _mm256_or_si256(one[1], other[1]),
    ]
}

/// The bytes of `half` equal to `byte`.
#[target_feature(enable = "avx2")]
#[inline]
fn equal(half: __m256i, byte: u8) -> __m256i {
    _mm256_cmpeq_epi8(half, _mm256_set1_epi8(byte as i8))
}

/// The bytes of `half` below 0x20: those the unsigned minimum with 0x1F
/// leaves unchanged (AVX2 compares bytes only as signed numbers).
#[target_feature(enable = "avx2")]
#[inline]
fn below_space(half: __m256i) -> __m256i {
    _mm256_cmpeq_epi8(_mm256_min_epu8(half, _mm256_set1_epi8(0x1F)), half)
}

/// The two halves' masks (or, for the bytes themselves, their high bits) as
/// one bit per byte of the block.
#[target_feature(enable = "avx2")]
#[inline]
fn plane(masks: &Halves) -> u64 {
    // Each move-mask is 32 bits, the sign bit byte 31's.
    let bits = |index: usize| u64::from(_mm256_movemask_epi8(masks[index]) as u32) << (32 * index);
    bits(0) | bits(1)
}

#[cfg(test)]
mod tests {
    use super::super::{sse2, with_best_classifier, Classify};
    use super::*;
    use crate::scan::specials::sse2::for_each_probe_block;

    /// The classes of each block by the classifier it is run with.
    struct ClassesOf<'b>(&'b [[u8; BLOCK]]);

    impl WithClassifier for ClassesOf<'_> {
        type Output = Vec<Classes>;

        fn run(self, classify: impl Classify) -> Vec<Classes> {
            self.0.iter().map(|block| classify.classes(block)).collect()
        }
    }

    /// The SSE2 version sorts every byte alike: every byte value at every
    /// position of blocks of a few backgrounds, and runs of quotes and
    /// backslashes of every length ending at every position (across the
    /// halves' boundary among them).
    #[test]
    fn agrees_with_sse2() {
        if !*DETECTED {
            println!("SKIPPED: this processor lacks AVX2, BMI1, BMI2, LZCNT or POPCNT");
            return;
        }
        let backgrounds = [
            b'a', b' ', b'"', b'\\', b'\t', 0x00, 0x1F, b'{', b']', b':', b',', 0x7F, 0x80, 0xFF,
        ];
        let mut blocks = Vec::new();
        let mut probes = Vec::new();
        for_each_probe_block(&backgrounds, |block, probe| {
            blocks.push(*block);
            probes.push(probe.to_string());
        });
        for run in [b'"', b'\\'] {
            for length in 1..=BLOCK {
                for end in length..=BLOCK {
                    let mut block = [b'x'; BLOCK];
                    block[end - length..end].fill(run);
                    blocks.push(block);
                    probes.push(format!("{run} {length} to {end}"));
                }
            }
        }
        let by_avx2 = with_best_classifier(ClassesOf(&blocks));
        assert_eq!(by_avx2.len(), blocks.len());
        for ((block, classes), probe) in blocks.iter().zip(by_avx2).zip(probes) {
            assert_eq!(classes, sse2::classify(block), "{probe}");
        }
    }
}
