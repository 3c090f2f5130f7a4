//! JSON's grammar checked token by token, the tokens found by mask.
//!
//! Each block's [`Classes`] give, after a few bit operations, where its
//! strings are and where each token starts: brackets, colons and commas
//! outside strings, opening quotes, the first bytes of numbers and literals.
//! Only those positions are visited. Whether the container around a token
//! is an object or an array is part of the state, so a comma or a closing
//! bracket is checked without looking at the stack of open containers; the
//! stack (one bit per level) is read only when a container closes.

use super::classes::{classify_at, Classes};
use super::{decode_escape, literal_length, number_length, KeyWatch, Outline, MAX_DEPTH};

/// What may come next: the grammar's state between tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before the top-level object (its `{` is checked before the first block).
    Start,
    /// After `{`: a key or `}`.
    KeyOrEnd,
    /// After `,` in an object: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After `:`: a value.
    MemberValue,
    /// After a member's value: `,` or `}`.
    MemberEnd,
    /// After `[`: a value or `]`.
    ItemOrEnd,
    /// After `,` in an array: a value.
    Item,
    /// After an item: `,` or `]`.
    ItemEnd,
    /// The top-level object has closed: nothing but whitespace may follow.
    Done,
}

use State::*;

impl State {
    /// Whether a value may start here, and the state after it.
    fn after_value(self) -> Option<State> {
        match self {
            MemberValue => Some(MemberEnd),
            ItemOrEnd | Item => Some(ItemEnd),
            // Only the top-level `{` meets `Start` (`outline_object` checks
            // the first byte), so no scalar stands at the top level.
            Start => Some(Done),
            _ => None,
        }
    }
}

/// The check of one text, block by block.
pub struct Check<'t, 'w> {
    bytes: &'t [u8],
    watch: &'w KeyWatch<'w>,
    state: State,
    /// Containers open around the next token.
    depth: usize,
    /// Bit `i` set when the container `i` levels out from the innermost is
    /// an object (at most [`MAX_DEPTH`] levels, so 128 bits).
    objects: u128,
    /// The opening quote of the top-level key being read, until its colon.
    top_level_key: usize,
    /// Escapes are checked up to here (a surrogate pair is one escape of
    /// twelve bytes whose second backslash must not be checked alone).
    escapes_checked: usize,
    carry: Carry,
    outline: Outline,
}

/// What one block leaves the next.
#[derive(Default)]
struct Carry {
    /// The block's last byte is a backslash that escapes the next byte.
    escapes_next: bool,
    /// The block ends inside a string.
    in_string: bool,
    /// The block ends inside a number or a literal.
    in_scalar: bool,
    /// The block's last byte opens a string.
    opens_string: bool,
}

impl<'t, 'w> Check<'t, 'w> {
    /// A check of `bytes`, whose first token (after whitespace) is `{`.
    pub fn new(bytes: &'t [u8], watch: &'w KeyWatch<'w>) -> Self {
        Check {
            bytes,
            watch,
            state: Start,
            depth: 0,
            objects: 0,
            top_level_key: 0,
            escapes_checked: 0,
            carry: Carry::default(),
            outline: Outline::default(),
        }
    }

    /// The outline, if the text was one whole object.
    pub fn outline(&self) -> Option<Outline> {
        (self.state == Done).then_some(self.outline)
    }

    /// Checks the block starting at `block` (a multiple of 64).
    pub fn block(&mut self, block: usize) -> Option<()> {
        let tokens = self.token_starts(block)?;
        self.tokens(block, tokens)
    }

    /// The block's token starts (brackets, colons, commas, opening quotes,
    /// the first bytes of numbers and literals), after checking what masks
    /// can: escapes, control characters, backslashes outside strings.
    fn token_starts(&mut self, block: usize) -> Option<u64> {
        let classes = classify_at(self.bytes, block);
        let escaped = if classes.backslash == 0 && !self.carry.escapes_next {
            0
        } else {
            self.escapes(block, classes.backslash)?
        };
        let quotes = classes.quote & !escaped;
        let carry = &mut self.carry;
        // Bit `i` set from an opening quote up to, not including, its closing one.
        let in_string = prefix_xor(quotes) ^ if carry.in_string { u64::MAX } else { 0 };
        carry.in_string = in_string >> 63 == 1;
        if misplaced(&classes, in_string) {
            return None;
        }
        let openers = quotes & in_string;
        let first_bytes = openers << 1 | u64::from(carry.opens_string);
        carry.opens_string = openers >> 63 == 1;
        self.outline.may_embed_json |= first_bytes & classes.may_open_json != 0;
        let scalar = classes.visible & !in_string & !(classes.structural | classes.quote);
        let scalar_starts = scalar & !(scalar << 1 | u64::from(carry.in_scalar));
        carry.in_scalar = scalar >> 63 == 1;
        Some((classes.structural & !in_string) | openers | scalar_starts)
    }

    /// The escaped bytes of the block at `block` (each byte after an escaping
    /// backslash), each escape checked as a parse checks it.
    fn escapes(&mut self, block: usize, backslashes: u64) -> Option<u64> {
        let mut escaped = u64::from(self.carry.escapes_next);
        self.carry.escapes_next = false;
        let mut remaining = backslashes;
        while remaining != 0 {
            let bit = remaining & remaining.wrapping_neg();
            remaining &= remaining - 1;
            if escaped & bit != 0 {
                continue;
            }
            // This backslash starts an escape (it is not itself escaped).
            escaped |= bit << 1;
            self.carry.escapes_next = bit == 1 << 63;
            let at = block + bit.trailing_zeros() as usize;
            if at >= self.escapes_checked {
                self.escapes_checked = at + decode_escape(self.bytes.get(at..)?)?.1;
            }
        }
        Some(escaped)
    }

    /// Steps the state over each token of `tokens` (bits of the block at `block`).
    fn tokens(&mut self, block: usize, mut tokens: u64) -> Option<()> {
        let mut state = self.state;
        while tokens != 0 {
            let at = block + tokens.trailing_zeros() as usize;
            tokens &= tokens - 1;
            state = match *self.bytes.get(at)? {
                b'"' => match state {
                    KeyOrEnd | Key => {
                        self.top_level_key = at;
                        Colon
                    }
                    _ => state.after_value()?,
                },
                b':' if state == Colon => {
                    if self.depth == 1 {
                        self.note_top_level_key(at);
                    }
                    MemberValue
                }
                b',' => match state {
                    MemberEnd => Key,
                    ItemEnd => Item,
                    _ => return None,
                },
                b'{' => self.open(state, true)?,
                b'[' => self.open(state, false)?,
                b'}' if matches!(state, KeyOrEnd | MemberEnd) => self.close(),
                b']' if matches!(state, ItemOrEnd | ItemEnd) => self.close(),
                b':' | b'}' | b']' => return None,
                first => {
                    let after = state.after_value()?;
                    self.scalar(at, first)?;
                    after
                }
            };
        }
        self.state = state;
        Some(())
    }

    fn open(&mut self, state: State, object: bool) -> Option<State> {
        // The state after the container's value, checked now: a container may stand here.
        state.after_value()?;
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.objects = self.objects << 1 | u128::from(object);
        // The state to return to is found again from the stack on closing.
        Some(if object { KeyOrEnd } else { ItemOrEnd })
    }

    fn close(&mut self) -> State {
        self.depth -= 1;
        self.objects >>= 1;
        match (self.depth, self.objects & 1) {
            (0, _) => Done,
            (_, 1) => MemberEnd,
            _ => ItemEnd,
        }
    }

    /// Checks the number or literal starting at `at` with `first`: it must be
    /// all of its run of bytes.
    fn scalar(&self, at: usize, first: u8) -> Option<()> {
        let text = self.bytes.get(at..)?;
        let length = match first {
            b't' => literal_length(text, b"true")?,
            b'f' => literal_length(text, b"false")?,
            b'n' => literal_length(text, b"null")?,
            _ => number_length(text)?,
        };
        match text.get(length) {
            None => Some(()),
            Some(&after) if after <= b' ' => Some(()),
            Some(b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"') => Some(()),
            Some(_) => None,
        }
    }

    /// Notes whether the top-level key whose colon is at `colon` is watched.
    fn note_top_level_key(&mut self, colon: usize) {
        let Some(key) = self.bytes.get(self.top_level_key + 1..colon) else {
            return;
        };
        // Only whitespace stands between the closing quote and the colon.
        let close = key
            .iter()
            .rposition(|&byte| byte == b'"')
            .unwrap_or_default();
        if self.watch.covers(&key[..close]) {
            self.outline.saw_watched_key = true;
        }
    }
}

/// Whether a control character or a backslash stands where JSON forbids
/// it: a control character may stand only between tokens, and only tab and
/// line ends; a backslash only in a string.
fn misplaced(classes: &Classes, in_string: u64) -> bool {
    let control = classes.control & (in_string | !classes.line_space);
    control | (classes.backslash & !in_string) != 0
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `bits`.
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^ bits << 32
}
