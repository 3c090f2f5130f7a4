//! Blocks of nothing but objects and strings, checked whole.
//!
//! Most 64-byte blocks of a minified log line hold only keys, string values,
//! `:`, `,`, `{` and `}`: no whitespace, number, literal or array. In such
//! text what may follow each byte outside strings is fixed by the byte alone
//! (a key's closing quote only `:`, a `:` only a string or `{`, a `,` only a
//! key, ...) and a string is a key exactly when a `{` or `,` stands directly
//! before it. So a few mask tests over the whole block check its grammar
//! instead of a step per token; only the brackets are still read one by one,
//! to tell `{` from `[`, to carry the depth and to find the top-level keys
//! the watch asks about. A block that fails a test is left to the token
//! steps, which decide: the tests must never pass a block the steps refuse,
//! and must leave the check as the steps would.

use super::{Check, State, State::*, MAX_DEPTH};

/// A block's masks the tests read, all of them outside strings but
/// `in_string` and `openers`.
pub struct Layout {
    /// Bit `i` set from an opening quote up to, not including, its closing one.
    pub in_string: u64,
    pub openers: u64,
    pub closers: u64,
    pub colons: u64,
    pub commas: u64,
    /// `{ } [ ]`
    pub brackets: u64,
    /// `}` and `]`.
    pub closing: u64,
    /// The block starts inside a string.
    pub entered_string: bool,
    /// Its first byte is a separator the steps checked with the value before it.
    pub first_checked: bool,
}

/// Bits 0 to 62: the bytes whose successor is in the same block.
const INNER: u64 = u64::MAX >> 1;

/// The block's last byte.
const LAST: u64 = 1 << 63;

/// The strings of a block that are values: their opening quotes and their
/// closing quotes.
struct Values {
    openers: u64,
    closers: u64,
}

impl Check<'_, '_> {
    /// Whether the block at `block` was checked whole (see the module's
    /// notes); `None` where it breaks the grammar (and the steps would
    /// refuse it too).
    pub(super) fn object_run(&mut self, block: usize, layout: &Layout) -> Option<bool> {
        let Some(values) = values(layout, self.state) else {
            return Some(false);
        };
        let Some((depth, objects, top_level)) = self.nesting(block, layout.brackets) else {
            return Some(false);
        };
        let state = self.state;
        self.depth = depth;
        self.objects = objects;
        let mut keys = layout.closers & !values.closers & top_level;
        while keys != 0 {
            let key = keys & keys.wrapping_neg();
            keys ^= key;
            let close = block + key.trailing_zeros() as usize;
            self.note_top_level_key(block, layout.openers & (key - 1), close);
        }
        self.state = self.end_state(block, layout, &values, state)?;
        Some(true)
    }

    /// The depth and the container kinds after the block's `brackets`, and
    /// the bits where the depth is one (the top-level object's own keys), if
    /// each is `{` or `}`, no `}` closes the top-level object or leaves an
    /// array innermost, and no `{` passes the depth limit.
    fn nesting(&self, block: usize, brackets: u64) -> Option<(usize, u128, u64)> {
        let (mut depth, mut objects) = (self.depth, self.objects);
        let mut top_level = 0;
        // The bits up to and including the last bracket read.
        let mut read = 0;
        let mut remaining = brackets;
        while remaining != 0 {
            let bit = remaining & remaining.wrapping_neg();
            remaining ^= bit;
            if depth == 1 {
                top_level |= (bit - 1) & !read;
            }
            read = bit | (bit - 1);
            match self.bytes.get(block + bit.trailing_zeros() as usize)? {
                b'{' if depth < MAX_DEPTH => {
                    depth += 1;
                    objects = objects << 1 | 1;
                }
                b'}' => {
                    depth -= 1;
                    objects >>= 1;
                    if depth == 0 || objects & 1 == 0 {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        if depth == 1 {
            top_level |= !read;
        }
        Some((depth, objects, top_level))
    }

    /// The state after the block's last byte, `state` the one before the
    /// block: a closing quote or bracket there is checked with the separator
    /// after it, as the steps do (the next block's steps skip that separator).
    fn end_state(
        &self,
        block: usize,
        layout: &Layout,
        values: &Values,
        state: State,
    ) -> Option<State> {
        Some(if layout.in_string & LAST != 0 {
            match layout.openers {
                0 => state,
                openers if values.openers >> (63 - openers.leading_zeros()) & 1 != 0 => MemberValue,
                _ => Key,
            }
        } else if layout.closers & LAST != 0 {
            let after = if values.closers & LAST != 0 {
                MemberEnd
            } else {
                Colon
            };
            self.separated(after, block + 64)?
        } else if layout.colons & LAST != 0 {
            MemberValue
        } else if layout.commas & LAST != 0 {
            Key
        } else if layout.closing & LAST != 0 {
            self.separated(MemberEnd, block + 64)?
        } else {
            KeyOrEnd
        })
    }
}

/// The block's value strings, if its bytes are all strings, `:`, `,` and
/// brackets each followed by a byte that may follow it in an object of
/// strings and objects, in `state` before the block.
fn values(layout: &Layout, state: State) -> Option<Values> {
    let l = layout;
    let opening = l.brackets & !l.closing;
    let separators = l.colons | l.commas;
    if !l.in_string & !(l.closers | separators | l.brackets) != 0 {
        return None;
    }
    let wrong = l.closers & !((separators | l.closing) >> 1)
        | l.colons & !((l.openers | opening) >> 1)
        | l.commas & !(l.openers >> 1)
        | opening & !((l.openers | l.closing) >> 1)
        | l.closing & !((l.commas | l.closing) >> 1);
    if wrong & INNER != 0 {
        return None;
    }
    let entry = entry(l, state)?;
    let openers = l.openers & (l.colons << 1 | u64::from(entry.value_first));
    // Adding an opening quote's bit to its string's run of bits carries
    // into the closing quote: the closing quotes of the strings opened as values.
    let mut closers = l.in_string.wrapping_add(openers) & l.closers;
    if entry.in_value {
        closers |= l.closers & l.closers.wrapping_neg();
    }
    let followed_as_values = l.closers & ((l.commas | l.closing) >> 1);
    (closers & INNER == followed_as_values & INNER).then_some(Values { openers, closers })
}

/// How a block starts, from the state before it.
struct Entry {
    /// A string opening at the first byte is a value.
    value_first: bool,
    /// The block starts inside a value string.
    in_value: bool,
}

/// The block's start checked against `state`, the state before it: a
/// string it starts inside must be a key or a value, its first byte must
/// be able to follow what the state stands after (unless the steps checked
/// it with the value before), and the innermost container an object.
fn entry(l: &Layout, state: State) -> Option<Entry> {
    let key_or_end = matches!(state, Key | KeyOrEnd);
    if l.entered_string {
        return (key_or_end || state == MemberValue).then_some(Entry {
            value_first: false,
            in_value: state == MemberValue,
        });
    }
    let opening = l.brackets & !l.closing;
    let may_start = match state {
        _ if l.first_checked => (state == Key || state == MemberValue).then_some(u64::MAX)?,
        Key => l.openers,
        KeyOrEnd => l.openers | l.closing,
        MemberValue => l.openers | opening,
        MemberEnd => l.commas | l.closing,
        _ => return None,
    };
    (may_start & 1 != 0).then_some(Entry {
        value_first: state == MemberValue && !l.first_checked,
        in_value: false,
    })
}
