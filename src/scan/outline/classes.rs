//! The bytes of a 64-byte block sorted into the classes JSON's grammar cares
//! about, one bit per byte.
//!
//! Checking a line nobody reads must cost far less than parsing it. Looking
//! at its bytes one at a time cannot: most of them are string contents,
//! which only matter for where strings end. So each block's bytes are
//! classified at once (SIMD: simd128 on wasm32, SSE2 on x86_64, AVX2 on
//! the x86_64 processors that have it; plain loops the compiler vectorises
//! elsewhere), and the outline then works on masks:
//! strings by prefix XOR of their quotes, tokens as the set bits left
//! outside them.

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
    /// `:` and `,`: what a token directly after a string, a scalar or a
    /// closing bracket may be checked with (see `tokens`).
    pub separator: u64,
    /// `}` and `]`.
    pub closing: u64,
    /// `:`: a closing quote directly before one ends a key (see `tokens`).
    pub colon: u64,
    /// `{`, `[`, a space, `\\` or a byte of a multi-byte character: a string
    /// that starts with one but `[` may hold JSON text (the other whitespace
    /// JSON allows before a `{` cannot stand raw in a string). `[` is in
    /// the class because the opening brackets' plane is taken anyway; a
    /// string rarely starts with one, so its first byte is looked at then.
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
// One call of `classify`, on the block in place or on the padded copy: with
// a call in each arm, the wasm's opt-level "s" kept `classify` out of line,
// its `Classes` written to memory and read back for every block.
#[inline(always)]
pub fn classify_at(bytes: &[u8], from: usize, classifier: impl Classify) -> Classes {
    let padded;
    let block = match bytes
        .get(from..from + BLOCK)
        .and_then(|block| block.try_into().ok())
    {
        Some(block) => block,
        None => {
            padded = padded_tail(bytes.get(from..).unwrap_or_default());
            &padded
        }
    };
    classifier.classes(block)
}

/// `tail` (shorter than a block) followed by spaces up to a block.
// Apart: it runs once a text, and the block loop need not hold its buffer.
// The `min` cannot bind for the caller's tails; it keeps the copy panic-free.
#[inline(never)]
fn padded_tail(tail: &[u8]) -> [u8; BLOCK] {
    let mut padded = [b' '; BLOCK];
    let length = tail.len().min(BLOCK);
    padded[..length].copy_from_slice(&tail[..length]);
    padded
}

/// The classes of a 64-byte block, its four vectors written out one by one
/// (a loop ORing each vector's bits into the fields kept them in memory and
/// cost more than the compares) and each class's four bitmasks combined
/// directly.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub fn classify(block: &[u8; BLOCK]) -> Classes {
    use core::arch::wasm32::{
        i8x16, u8x16_eq, u8x16_lt, u8x16_min, u8x16_splat, u8x16_swizzle, v128_any_true, v128_or,
    };
    let vectors = [
        vector_at(block, 0),
        vector_at(block, 16),
        vector_at(block, 32),
        vector_at(block, 48),
    ];
    let equal = |byte: u8| each(&vectors, |vector| u8x16_eq(vector, u8x16_splat(byte)));
    let space = plane(&equal(b' '));
    let backslash = plane(&equal(b'\\'));
    // Signed bytes: the bitmask of the bytes themselves marks those from 0x80 up.
    let high = plane(&vectors);
    // `|0x20` maps `[` onto `{` and `]` onto `}` and no other byte onto either.
    let folded = each(&vectors, |vector| v128_or(vector, u8x16_splat(0x20)));
    let closing = each(&folded, |vector| u8x16_eq(vector, u8x16_splat(b'}')));
    let opening = each(&folded, |vector| u8x16_eq(vector, u8x16_splat(b'{')));
    let colon = equal(b':');
    let separator = either(&colon, &equal(b','));
    // Control characters are rare: the smallest byte of the four vectors
    // tells that a block has none without taking out their planes.
    let lowest = u8x16_min(
        u8x16_min(vectors[0], vectors[1]),
        u8x16_min(vectors[2], vectors[3]),
    );
    let (control, line_space) = if v128_any_true(u8x16_lt(lowest, u8x16_splat(b' '))) {
        // Indexed by the byte itself: bytes 16 and up read 0 (swizzle's rule).
        let table = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, -1, 0, 0);
        (
            plane(&each(&vectors, |vector| {
                u8x16_lt(vector, u8x16_splat(b' '))
            })),
            plane(&each(&vectors, |vector| u8x16_swizzle(table, vector))),
        )
    } else {
        (0, 0)
    };
    Planes {
        quote: plane(&equal(b'"')),
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

/// The planes a SIMD classification takes out of a block, one compare
/// each; what [`Classes`] derives from them is the same on every target.
#[cfg(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    all(target_arch = "x86_64", target_feature = "sse2")
))]
struct Planes {
    quote: u64,
    backslash: u64,
    control: u64,
    line_space: u64,
    space: u64,
    /// `{` and `[`: one plane for both, `{` told from `[` only where that
    /// matters (`may_open_json`), instead of a plane of `{` and one of all
    /// structurals.
    opening: u64,
    /// `}`, `]` and `:` share a plane: the separator plane, taken anyway,
    /// tells them apart for two ANDs instead of one more plane.
    closing_or_colon: u64,
    separator: u64,
    /// Bytes from 0x80 up.
    high: u64,
}

#[cfg(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    all(target_arch = "x86_64", target_feature = "sse2")
))]
impl Planes {
    #[inline(always)]
    fn classes(self) -> Classes {
        Classes {
            quote: self.quote,
            backslash: self.backslash,
            control: self.control,
            line_space: self.line_space,
            visible: !(self.space | self.control),
            structural: self.opening | self.closing_or_colon | self.separator,
            separator: self.separator,
            closing: self.closing_or_colon & !self.separator,
            colon: self.closing_or_colon & self.separator,
            may_open_json: self.opening | self.space | self.backslash | self.high,
            non_ascii: self.high != 0,
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Vectors = [core::arch::wasm32::v128; 4];

/// The 16 bytes from `at` as a vector, read as two words (the crate forbids
/// the `unsafe` of a vector load).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn vector_at(block: &[u8; BLOCK], at: usize) -> core::arch::wasm32::v128 {
    core::arch::wasm32::u64x2(
        le_word(&block[at..at + 8]),
        le_word(&block[at + 8..at + 16]),
    )
}

/// `class` of each of the four vectors.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn each(
    vectors: &Vectors,
    class: impl Fn(core::arch::wasm32::v128) -> core::arch::wasm32::v128,
) -> Vectors {
    [
        class(vectors[0]),
        class(vectors[1]),
        class(vectors[2]),
        class(vectors[3]),
    ]
}

/// The union of two classes' masks, vector by vector.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn either(one: &Vectors, other: &Vectors) -> Vectors {
    use core::arch::wasm32::v128_or;
    [
        v128_or(one[0], other[0]),
        v128_or(one[1], other[1]),
        v128_or(one[2], other[2]),
        v128_or(one[3], other[3]),
    ]
}

/// The four vectors' masks as one bit per byte of the block.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn plane(masks: &Vectors) -> u64 {
    use core::arch::wasm32::u8x16_bitmask;
    let bits = |index: usize| u64::from(u8x16_bitmask(masks[index])) << (16 * index);
    bits(0) | bits(1) | bits(2) | bits(3)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub use sse2::classify;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod avx2;

/// A block classifier: [`Plain`], or on x86_64 processors that have it the
/// AVX2 one.
pub trait Classify: Copy {
    /// The classes of `block`.
    fn classes(self, block: &[u8; BLOCK]) -> Classes;
}

/// [`classify`] (SSE2, simd128 or the fallback), the classifier of every
/// processor. Called directly, not as a function item through its `Fn`
/// shim, which the wasm's opt-level "s" left a call a block: the mix 3.5%
/// slower paired (0.906 against 0.938, BENCHMARKS.md, stop 29).
#[derive(Clone, Copy)]
pub struct Plain;

impl Classify for Plain {
    #[inline(always)]
    fn classes(self, block: &[u8; BLOCK]) -> Classes {
        classify(block)
    }
}

/// A classifier given as a closure: the AVX2 one, whose intrinsics are safe
/// to call only in code compiled for AVX2, which a trait method cannot be
/// declared to be, while a closure written inside a `#[target_feature]`
/// function inherits its features.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[derive(Clone, Copy)]
pub struct ByClosure<F>(pub F);

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
impl<F: Fn(&[u8; BLOCK]) -> Classes + Copy> Classify for ByClosure<F> {
    #[inline(always)]
    fn classes(self, block: &[u8; BLOCK]) -> Classes {
        (self.0)(block)
    }
}

/// Work done with a block classifier, run by [`with_best_classifier`].
pub trait WithClassifier {
    /// What the work gives.
    type Output;
    /// Does the work with `classify`. Inlined where it is run, so that
    /// each copy is compiled with its classifier's target features.
    fn run(self, classify: impl Classify) -> Self::Output;
}

/// Runs `work` with the AVX2 classifier, the whole of it compiled for the
/// processors that have AVX2 (and the BMI, LZCNT and POPCNT instructions
/// that came with it: the token walk's bit operations), where this one has
/// them; else with [`Plain`]. Dispatched once per call (a text), not per
/// block: a per-block call could not be inlined into the block loop and
/// gained 5-7% where the whole loop compiled for AVX2 gained 10%
/// (BENCHMARKS.md, stop 29).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
#[allow(unsafe_code)]
pub fn with_best_classifier<W: WithClassifier>(work: W) -> W::Output {
    if *avx2::DETECTED {
        // SAFETY: `avx2::DETECTED` holds only if the processor running this
        // has every feature `avx2::run` is compiled for, detected at run time.
        unsafe { avx2::run(work) }
    } else {
        work.run(Plain)
    }
}

/// Runs `work` with [`Plain`], the only classifier of this target.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
pub fn with_best_classifier<W: WithClassifier>(work: W) -> W::Output {
    work.run(Plain)
}

/// Without SIMD, by words.
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    all(target_arch = "x86_64", target_feature = "sse2")
)))]
pub fn classify(block: &[u8; BLOCK]) -> Classes {
    classify_by_words(block)
}

/// The classes of a 64-byte block, without SIMD: first one byte of class
/// bits per input byte (a loop of compares compilers vectorise), then each
/// class's bit taken out of eight such bytes at a time. One pass over the
/// block instead of one per class.
// On x86_64 only the tests call it, holding the SSE2 version to it.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
fn classify_by_words(block: &[u8; BLOCK]) -> Classes {
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
    let control = plane(CONTROL);
    // Closing brackets and colons share a class bit (eight bits per byte
    // leave no room for a ninth); the separator plane tells them apart.
    let closing_or_colon = plane(CLOSING_OR_COLON);
    let separator = plane(SEPARATOR);
    Classes {
        non_ascii: high_bits & 0x8080_8080_8080_8080 != 0,
        quote: plane(QUOTE),
        backslash: plane(BACKSLASH),
        control,
        line_space: line_space(block, control),
        visible: plane(VISIBLE),
        structural: plane(STRUCTURAL),
        separator,
        closing: closing_or_colon & !separator,
        colon: closing_or_colon & separator,
        may_open_json: plane(MAY_OPEN_JSON),
    }
}

/// Which of the control characters at `control` are tab or line ends,
/// looked at one by one: eight class bits per byte leave no room for a
/// ninth, and blocks with control characters are rare.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn line_space(block: &[u8; BLOCK], control: u64) -> u64 {
    let mut line_space = 0;
    let mut remaining = control;
    while remaining != 0 {
        let at = remaining.trailing_zeros();
        remaining &= remaining - 1;
        if matches!(block[at as usize], b'\t' | b'\n' | b'\r') {
            line_space |= 1 << at;
        }
    }
    line_space
}

// The bit of each class in a byte of class bits.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const QUOTE: u32 = 0;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const BACKSLASH: u32 = 1;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const CONTROL: u32 = 2;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const CLOSING_OR_COLON: u32 = 3;
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
        | bit((folded == b'}') | (byte == b':'), CLOSING_OR_COLON)
        | bit(byte > b' ', VISIBLE)
        | bit(
            (folded == b'{') | (folded == b'}') | (byte == b':') | (byte == b','),
            STRUCTURAL,
        )
        | bit(
            (folded == b'{') | (byte == b' ') | (byte == b'\\') | (byte >= 0x80),
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
            set(&mut classes.closing, matches!(byte, b'}' | b']'));
            set(&mut classes.colon, byte == b':');
            classes.non_ascii |= byte >= 0x80;
            set(
                &mut classes.may_open_json,
                matches!(byte, b'{' | b'[' | b' ' | b'\\' | 0x80..),
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
            b'"', b'\\', 0x01, b'\t', b'\n', b'\r', b' ', b'a', b'{', b'}', b'[', b']', b':', b',',
            0x80, 0xff,
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

    /// A block read from anywhere in a text agrees with a byte-by-byte
    /// reading of the text's bytes from there, padded with spaces: texts of
    /// every length up to three blocks, of bytes of every class (high bytes
    /// among them, before and after the last block's start), read from
    /// every position.
    #[test]
    fn blocks_at_the_end_of_a_text_read_as_padded_with_spaces() {
        let classes_bytes = [
            b'"', b'\\', 0x01, b'\t', b'\n', b' ', b'a', b'{', b'}', b'[', b']', b':', b',', 0xC3,
        ];
        for stride in [1, 5] {
            let text: Vec<u8> = (0..3 * BLOCK)
                .map(|index| classes_bytes[index * stride / 3 % classes_bytes.len()])
                .collect();
            for length in 0..=text.len() {
                let text = &text[..length];
                for from in 0..=length {
                    let mut padded = [b' '; BLOCK];
                    let read = &text[from..(from + BLOCK).min(length)];
                    padded[..read.len()].copy_from_slice(read);
                    assert_eq!(
                        classify_at(text, from, Plain),
                        by_bytes(&padded),
                        "from {from} of {length}, stride {stride}"
                    );
                }
            }
        }
    }

    /// Every byte value in every position agrees with a byte-by-byte reading.
    #[test]
    fn every_byte_value_lands_in_its_classes_at_every_position() {
        for offset in 0..4 {
            let block: [u8; BLOCK] =
                core::array::from_fn(|index| ((index * 4 + offset) % 256) as u8);
            assert_eq!(classify(&block), by_bytes(&block), "offset {offset}");
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for start in (0..256).step_by(BLOCK) {
            let block = all[start..start + BLOCK].try_into().expect("a block");
            assert_eq!(classify(block), by_bytes(block), "from {start}");
        }
        let tail = b"{\"a\": [1, 2]}\t\n";
        assert_eq!(
            classify_at(tail, 0, Plain),
            by_bytes(&{
                let mut padded = [b' '; BLOCK];
                padded[..tail.len()].copy_from_slice(tail);
                padded
            })
        );
    }
}
