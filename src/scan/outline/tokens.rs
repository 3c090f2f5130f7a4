//! JSON's grammar checked token by token, the tokens found by mask.
//!
//! Each block's [`Classes`] give, after a few bit operations, where its
//! strings are and where each token starts: brackets, colons and commas
//! outside strings, closing quotes, the first bytes of numbers and literals.
//! Only those positions are visited. A string is checked at its closing
//! quote (nothing between its quotes is a token), so that a `:` or `,`
//! written directly after it, as in `"key":` and `"value",`, is checked in
//! the same step and never visited on its own: in minified JSON that halves
//! the steps. A separator directly after a number, a literal or a closing
//! bracket (`}],"key":`) is checked with it likewise. Whether the container around a token is an object or
//! an array is part of the state, so a comma or a closing bracket is checked
//! without looking at the stack of open containers; the stack (one bit per
//! level) is read only when a container closes.
//!
//! Most of an object is runs of `"key":"value",` members. Where a key is
//! due, such a member is two tokens, a closing quote with a colon directly
//! after it and then one with a comma directly after it, so it is taken by
//! two mask tests ([`Members`]) instead of two trips through the grammar's
//! match; so is a last member whose string value has a closing bracket
//! directly after it (`"key":"value"}`, the bracket left to the match,
//! which alone tells `}` from `]`), and a member whose value is an object
//! (`"key":{`, the run going on inside it). At the top level each key so
//! taken is still looked at for the watch.

use super::classes::{classify_at, Classes, Classify};
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
            // Only the top-level `{` meets `Start` (the outline checks the
            // first byte before any block), so no scalar stands at the top level.
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
    /// The last opening quote of the blocks before the current one.
    last_opener: usize,
    /// Escapes are checked up to here (a surrogate pair is one escape of
    /// twelve bytes whose second backslash must not be checked alone).
    escapes_checked: usize,
    carry: Carry,
    outline: Outline,
    /// Some byte so far is 0x80 or above.
    non_ascii: bool,
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
    /// The block's last byte ends a string, a scalar or a container, so a
    /// separator starting the next block is checked with it.
    ends_value: bool,
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
            last_opener: 0,
            escapes_checked: 0,
            carry: Carry::default(),
            outline: Outline::default(),
            non_ascii: false,
        }
    }

    /// The outline, if the text was one whole object. A string is visited
    /// at its closing quote only, so one opened after the object and never
    /// closed is caught here, by the block carry.
    pub fn outline(&self) -> Option<Outline> {
        (self.state == Done && !self.carry.in_string).then_some(self.outline)
    }

    /// Whether some byte checked is 0x80 or above (else the text is ASCII).
    pub fn saw_non_ascii(&self) -> bool {
        self.non_ascii
    }

    /// Checks the block starting at `block` (a multiple of 64), its
    /// classes taken by `classify`.
    // Inlined, here and in the block's busiest steps, into the block loop:
    // natively into each copy of it (`classes::with_best_classifier`), so
    // that the AVX2 copy's bit operations are compiled for AVX2's processors
    // too; in the wasm as LLVM did by itself before the step was generic
    // (all of it one function, `checked`), where opt-level "s" now left this
    // step, `take_members` and `scalar` calls, the mix 6% slower
    // (BENCHMARKS.md, stop 29).
    #[inline(always)]
    pub fn block(&mut self, block: usize, classify: impl Classify) -> Option<()> {
        let (tokens, openers, members) = self.token_starts(block, classify)?;
        self.tokens(block, tokens, openers, members)?;
        if openers != 0 {
            self.last_opener = block + 63 - openers.leading_zeros() as usize;
        }
        Some(())
    }

    /// The block's token starts (brackets, colons and commas not directly
    /// after a string, scalar or closing bracket, closing quotes, the first bytes of numbers
    /// and literals) and its opening quotes, after checking what masks can:
    /// escapes, control characters, backslashes outside strings; and the
    /// closing quotes that may end a member's key or its string value.
    #[inline(always)]
    fn token_starts(
        &mut self,
        block: usize,
        classify: impl Classify,
    ) -> Option<(u64, u64, Members)> {
        let classes = classify_at(self.bytes, block, classify);
        self.non_ascii |= classes.non_ascii;
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
        let may_open_json = first_bytes & classes.may_open_json;
        let scalar = classes.visible & !in_string & !(classes.structural | classes.quote);
        let scalar_starts = scalar & !(scalar << 1 | u64::from(carry.in_scalar));
        carry.in_scalar = scalar >> 63 == 1;
        let closers = quotes & !in_string;
        let value_ends = closers | scalar & !(scalar >> 1) | classes.closing & !in_string;
        let checked_with_value =
            classes.separator & (value_ends << 1 | u64::from(carry.ends_value));
        carry.ends_value = value_ends >> 63 == 1;
        let structural = classes.structural & !in_string & !checked_with_value;
        // The byte after a closing quote is outside strings; a closing quote
        // at the block's last byte is in neither mask (its separator is in
        // the next block) and goes the long way.
        let members = Members {
            keys: closers & classes.colon >> 1,
            values: closers & (classes.separator & !classes.colon) >> 1,
            values_before_closing: closers & classes.closing >> 1,
        };
        if may_open_json != 0 && !self.outline.may_embed_json {
            self.outline.may_embed_json = self.opens_json(block, may_open_json);
        }
        Some((structural | closers | scalar_starts, openers, members))
    }

    /// Whether a string whose first byte is at one of `first_bytes` (bits of
    /// the block at `block`, each a byte of the `may_open_json` class) may
    /// hold JSON text: all of them may but `[`.
    fn opens_json(&self, block: usize, first_bytes: u64) -> bool {
        let mut remaining = first_bytes;
        while remaining != 0 {
            let at = block + remaining.trailing_zeros() as usize;
            remaining &= remaining - 1;
            if self.bytes.get(at) != Some(&b'[') {
                return true;
            }
        }
        false
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
            match self.bytes.get(at + 1) {
                Some(b'u') => self.outline.unicode_escape = true,
                Some(b'/') => self.outline.slash_escape = true,
                _ => {}
            }
        }
        Some(escaped)
    }

    /// Steps the state over each token of `tokens` (bits of the block at
    /// `block`, whose opening quotes are `openers`).
    #[inline(always)]
    fn tokens(
        &mut self,
        block: usize,
        mut tokens: u64,
        openers: u64,
        members: Members,
    ) -> Option<()> {
        let mut state = self.state;
        while tokens != 0 {
            if matches!(state, KeyOrEnd | Key) {
                (tokens, state) = self.take_members(block, tokens, state, openers, &members);
                if tokens == 0 {
                    break;
                }
            }
            let bit = tokens.trailing_zeros();
            tokens &= tokens - 1;
            let at = block + bit as usize;
            state = match *self.bytes.get(at)? {
                b'"' => {
                    let key = matches!(state, KeyOrEnd | Key);
                    if key && self.depth == 1 {
                        self.note_top_level_key(block, openers & !(u64::MAX << bit), at);
                    }
                    let after = if key { Colon } else { state.after_value()? };
                    self.separated(after, at + 1)?
                }
                b':' if state == Colon => MemberValue,
                b',' => comma(state)?,
                b'{' => self.open(state, true)?,
                b'[' => self.open(state, false)?,
                b'}' if matches!(state, KeyOrEnd | MemberEnd) => {
                    let after = self.close();
                    self.separated(after, at + 1)?
                }
                b']' if matches!(state, ItemOrEnd | ItemEnd) => {
                    let after = self.close();
                    self.separated(after, at + 1)?
                }
                b':' | b'}' | b']' => return None,
                first => {
                    let after = state.after_value()?;
                    let length = self.scalar(at, first)?;
                    self.separated(after, at + length)?
                }
            };
        }
        self.state = state;
        Some(())
    }

    /// Takes the whole `"key":"value",` members at the start of `tokens`,
    /// in `state` (a key is due), and the `{` of an object member's value
    /// with the members after it; then a last member if its key has a colon
    /// directly after it: its string value too if a closing bracket follows
    /// that directly (the bracket itself is left to the grammar's match, which
    /// tells `}` from `]`), else only its key. Returns the tokens left and the
    /// state before them, as the grammar's match would have stepped it.
    #[inline(always)]
    fn take_members(
        &mut self,
        block: usize,
        mut tokens: u64,
        mut state: State,
        openers: u64,
        members: &Members,
    ) -> (u64, State) {
        loop {
            let key = tokens & tokens.wrapping_neg();
            if key & members.keys == 0 {
                return (tokens, state);
            }
            if self.depth == 1 {
                let close = block + key.trailing_zeros() as usize;
                self.note_top_level_key(block, openers & (key - 1), close);
            }
            tokens ^= key;
            let value = tokens & tokens.wrapping_neg();
            if value & members.values != 0 {
                tokens ^= value;
                state = Key;
            } else if value & members.values_before_closing != 0 {
                return (tokens ^ value, MemberEnd);
            } else if value != 0 && self.opens_object(block, value) {
                tokens ^= value;
                state = KeyOrEnd;
            } else {
                return (tokens, MemberValue);
            }
        }
    }

    /// Opens the object if the token `bit` (of the block at `block`) is `{`
    /// and one more level is allowed; else leaves it to the grammar's match.
    fn opens_object(&mut self, block: usize, bit: u64) -> bool {
        let at = block + bit.trailing_zeros() as usize;
        self.bytes.get(at) == Some(&b'{') && self.push(true).is_some()
    }

    /// Records one more open container, an object or an array, on the
    /// stack; `None` past the depth limit.
    fn push(&mut self, object: bool) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        self.objects = self.objects << 1 | u128::from(object);
        Some(())
    }

    /// The state after the separator at `at`, if one stands there directly
    /// after a string, scalar or closing bracket (its token is left out of
    /// the block's tokens), from the state `after` that value.
    fn separated(&self, after: State, at: usize) -> Option<State> {
        match self.bytes.get(at) {
            Some(b',') => comma(after),
            Some(b':') => (after == Colon).then_some(MemberValue),
            _ => Some(after),
        }
    }

    fn open(&mut self, state: State, object: bool) -> Option<State> {
        // The state after the container's value, checked now: a container may stand here.
        state.after_value()?;
        self.push(object)?;
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

    /// The length of the number or literal starting at `at` with `first`,
    /// if it is all of its run of bytes.
    #[inline(always)]
    fn scalar(&self, at: usize, first: u8) -> Option<usize> {
        let text = self.bytes.get(at..)?;
        let length = match first {
            b't' => literal_length(text, b"true")?,
            b'f' => literal_length(text, b"false")?,
            b'n' => literal_length(text, b"null")?,
            _ => number_length(text)?,
        };
        match text.get(length) {
            None => Some(length),
            Some(&after) if after <= b' ' => Some(length),
            Some(b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"') => Some(length),
            Some(_) => None,
        }
    }

    /// Notes whether the top-level key closing at `close` is watched; its
    /// opening quote is the last of `openers_before` (bits of the block at
    /// `block` before `close`), or of the blocks before.
    fn note_top_level_key(&mut self, block: usize, openers_before: u64, close: usize) {
        let open = match openers_before {
            0 => self.last_opener,
            _ => block + 63 - openers_before.leading_zeros() as usize,
        };
        let Some(key) = self.bytes.get(open + 1..close) else {
            return;
        };
        if self.watch.covers(key) {
            self.outline.saw_watched_key = true;
        }
    }
}

/// A block's closing quotes that end a member's key with its colon directly
/// after, those that end a string value with a comma directly after, and
/// those with a closing bracket directly after.
struct Members {
    keys: u64,
    values: u64,
    values_before_closing: u64,
}

/// The state after a comma in `state`.
fn comma(state: State) -> Option<State> {
    match state {
        MemberEnd => Some(Key),
        ItemEnd => Some(Item),
        _ => None,
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
