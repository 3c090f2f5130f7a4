//! A lazy JSON reader: the values of the fields the rules ask about, and
//! nothing else.
//!
//! A detection rule reads a handful of an event's fields; building a whole
//! `serde_json::Value` for every event costs more than the rules themselves.
//! [`Scanner`] walks the JSON text once, follows only the keys that lead to a
//! field some rule reads (an exact name, or a `*` pattern still alive), skips
//! every other value (an object by its own member loop, an array by its
//! brackets and quotes), and records the leaves it keeps. The result,
//! [`Projected`], is an [`Event`] with exactly the flattened view of
//! [`crate::event::JsonEvent`]: a field's name is its keys
//! joined with `.` (so dotted keys and nested objects are one field), arrays
//! are looked through, `null` is no value and an object is not a value.
//!
//! On anything it does not accept (malformed JSON, nesting deeper than
//! [`MAX_DEPTH`]) it returns `None`, and the caller reads the event with
//! `serde_json`, which reports the fault. What it accepts is one JSON object
//! serde_json reads too: the tokens it reads are read as JSON's grammar says,
//! and the values it skips are checked against the same grammar (objects by
//! its own member loop with every member let go, arrays by the outline's
//! pass, see [`outline_object`]), so a caller may count a text it answers
//! for as an event without parsing it.

mod outline;
mod specials;

pub use outline::{outline_bytes, outline_object, KeyWatch, Outline};

use crate::compile::{CompiledQuery, Matcher, MatcherKind};
use crate::event::{Event, PathVisitor, Scalar, Visitor};
use crate::pattern::{same_bytes, Glob, GlobState};
use outline::{skip_container, string_end};
use specials::Specials;

/// The nesting the lazy reader accepts, the top level included: serde_json's
/// default limit refuses one level less, so callers let the reader answer only
/// under a depth limit at least this high (the full parse then runs without
/// serde_json's own).
pub const MAX_DEPTH: usize = 128;

/// The fields some rule reads: exact names and `*` patterns; and top-level
/// keys whose mere presence the caller wants to know of.
#[derive(Clone, Debug, Default)]
pub struct FieldSet {
    exact: Vec<Box<[u8]>>,
    globs: Vec<Glob>,
    watched_keys: Vec<Box<[u8]>>,
    /// The lengths of the watched keys, as [`length_bit`]s: most keys have
    /// none of them and are let go without a comparison.
    watched_lengths: u64,
    watched_prefixes: Vec<Box<[u8]>>,
    /// Where the wanted paths lead, rebuilt whenever `exact` or `globs` change.
    trie: PathTrie,
    /// Each pattern's state after its literal start.
    after_prefix: Vec<GlobState>,
}

impl FieldSet {
    /// The fields `queries` read, or `None` if one of them needs whole objects
    /// (a nested query), which only a full parse provides.
    pub fn of<'q>(queries: impl IntoIterator<Item = &'q CompiledQuery>) -> Option<FieldSet> {
        let mut fields = FieldSet::default();
        for query in queries {
            fields.add_matcher(&query.root)?;
        }
        crate::sort::sort(&mut fields.exact);
        fields.exact.dedup();
        let mut unique: Vec<Glob> = Vec::new();
        for glob in fields.globs.drain(..) {
            if !unique.contains(&glob) {
                unique.push(glob);
            }
        }
        fields.globs = unique;
        fields.index();
        Some(fields)
    }

    /// Rebuilds the trie of wanted paths after `exact` or `globs` changed.
    fn index(&mut self) {
        self.trie = PathTrie::new(&self.exact, &self.globs);
        self.after_prefix = self
            .globs
            .iter()
            .map(|glob| glob.feed(glob.start(), glob.literal_prefix()))
            .collect();
    }

    /// Adds a field read by other means than a query (the data stream fields).
    pub fn with_exact(mut self, path: &str) -> FieldSet {
        self.exact.push(path.as_bytes().into());
        crate::sort::sort(&mut self.exact);
        self.exact.dedup();
        self.index();
        self
    }

    /// Reports ([`Projected::saw_watched_key`]) whether the event has one of
    /// these top-level keys, or one starting with one of `prefixes`.
    pub fn watching(mut self, keys: &[&str], prefixes: &[&str]) -> FieldSet {
        self.watched_keys
            .extend(keys.iter().map(|key| key.as_bytes().into()));
        self.watched_lengths |= keys
            .iter()
            .fold(0, |bits, key| bits | length_bit(key.len()));
        self.watched_prefixes
            .extend(prefixes.iter().map(|prefix| prefix.as_bytes().into()));
        self
    }

    fn is_watched(&self, key: &[u8]) -> bool {
        (self.watched_lengths & length_bit(key.len()) != 0
            && self
                .watched_keys
                .iter()
                .any(|watched| watched.len() == key.len() && starts_with(key, watched)))
            || self
                .watched_prefixes
                .iter()
                .any(|prefix| starts_with(key, prefix))
    }

    fn add_matcher(&mut self, matcher: &Matcher) -> Option<()> {
        match &matcher.kind {
            MatcherKind::All | MatcherKind::Nothing(_) => {}
            MatcherKind::And(children) | MatcherKind::Or(children) => {
                for child in children {
                    self.add_matcher(child)?;
                }
            }
            MatcherKind::Not(child) => self.add_matcher(child)?,
            MatcherKind::Field(clause) => self.exact.push(clause.path.as_bytes().into()),
            MatcherKind::Walk(clause) => self.globs.push(clause.pattern.clone()),
            MatcherKind::FlattenedKey(clause) => {
                self.globs
                    .push(Glob::new(&crate::schema::wildcard_pattern(&format!(
                        "{}.*",
                        clause.root
                    ))))
            }
            MatcherKind::Nested { .. } => return None,
        }
        Some(())
    }

    /// The position of `path` among the exact fields, by a linear search
    /// (ordering them by length and bytes for a binary search saved 1.8 k
    /// instructions a line with the 68 Azure rules but cost the seed rule
    /// 0.9 k), lengths first and then bytes by a loop (slice equality is a
    /// `memcmp` call in the wasm, for every rule's lookup of every event).
    fn exact_index(&self, path: &[u8]) -> Option<usize> {
        self.exact.iter().position(|entry| same_bytes(entry, path))
    }
}

/// The paths every wanted field's path starts with, as a trie: the exact
/// fields' names and the patterns' literal starts. The reader walks a key's
/// bytes down it from its object's place (after a `.` below the top level);
/// a key whose path falls off the trie holds nothing wanted, unless a
/// pattern is already past its literal start (then any key may lead to a
/// match) or one's literal start ends within the key. So most keys are
/// skipped after a byte or two, without building their path. A run of bytes
/// without a branch or a wanted path ending in it is one node's label,
/// compared at once.
#[derive(Clone, Debug, Default)]
struct PathTrie {
    /// Node 0 is the root, whose label starts at the empty path (when there
    /// is anything to want).
    nodes: Vec<TrieNode>,
    /// The labels of all nodes.
    labels: Vec<u8>,
    /// The children of every node, each node's together: (the first byte of
    /// the child's label, the child).
    edges: Vec<(u8, u32)>,
    /// The whole path to each node's end, every node's in turn.
    routes: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct TrieNode {
    /// The bytes from the parent's end to this node's: `labels[label..label + length]`.
    label: u32,
    length: u32,
    /// This node's children: `edges[first..first + count]`.
    first: u32,
    count: u32,
    /// The exact field whose path ends at this node's end (its position),
    /// or `NOT_EXACT`.
    exact: u32,
    /// Some pattern's literal start ends at this node's end.
    pattern_start: bool,
    /// Some wanted path goes on from this node's end with `.`.
    dotted: bool,
    /// The first bytes of its children's labels, as a [`ByteSet`].
    child_bytes: ByteSet,
    /// The path to this node's end: its start in `routes` and length.
    route: (u32, u32),
}

/// A path's place in the trie: `offset` bytes into `node`'s label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    node: u32,
    offset: u32,
}

const ROOT: Place = Place { node: 0, offset: 0 };

/// A set of ASCII bytes, one bit each, that holds every byte from 0x80 up:
/// a screen that lets a key off the wanted paths go by its first byte,
/// without a walk down the trie (keys are mostly ASCII, so the few others
/// are always walked).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ByteSet([u64; 2]);

impl ByteSet {
    fn with(self, byte: u8) -> ByteSet {
        let ByteSet([mut low, mut high]) = self;
        match byte {
            0..=63 => low |= 1 << byte,
            64..=127 => high |= 1 << (byte - 64),
            _ => {}
        }
        ByteSet([low, high])
    }

    #[inline(always)]
    fn may_hold(self, byte: u8) -> bool {
        let ByteSet([low, high]) = self;
        match byte {
            0..=63 => low >> byte & 1 != 0,
            64..=127 => high >> (byte - 64) & 1 != 0,
            _ => true,
        }
    }
}

impl PathTrie {
    fn new(exact: &[Box<[u8]>], globs: &[Glob]) -> PathTrie {
        let mut builder = TrieBuilder::default();
        builder.insert(b"");
        for (position, path) in exact.iter().enumerate() {
            let node = builder.insert(path);
            builder.exact[node] = position as u32;
        }
        for glob in globs {
            let node = builder.insert(glob.literal_prefix());
            builder.pattern_start[node] = true;
        }
        // Each node of the byte trie that ends a run (a branch, a leaf or a
        // wanted path's end) ends a node here. Work: (the edge to patch, the
        // first byte of the label, the byte trie's node after it, the
        // parent's route in `routes`).
        let mut trie = PathTrie::default();
        let mut work = vec![(None, None, 0, (0, 0))];
        while let Some((edge, first, mut at, (parent_route, parent_length))) = work.pop() {
            let index = trie.nodes.len() as u32;
            if let Some(edge) = edge {
                trie.edges[edge] = (first.unwrap_or_default(), index);
            }
            let label = trie.labels.len() as u32;
            trie.labels.extend(first);
            while let [(byte, child)] = builder.children[at][..] {
                if builder.exact[at] != NOT_EXACT || builder.pattern_start[at] {
                    break;
                }
                trie.labels.push(byte);
                at = child as usize;
            }
            let mut children = builder.children[at].clone();
            crate::sort::sort(&mut children);
            let route = trie.routes.len();
            trie.routes
                .extend_from_within(parent_route..parent_route + parent_length);
            trie.routes
                .extend_from_slice(&trie.labels[label as usize..]);
            let route_length = trie.routes.len() - route;
            trie.nodes.push(TrieNode {
                label,
                length: trie.labels.len() as u32 - label,
                first: trie.edges.len() as u32,
                count: children.len() as u32,
                exact: builder.exact[at],
                pattern_start: builder.pattern_start[at],
                dotted: children.iter().any(|&(byte, _)| byte == b'.'),
                child_bytes: children
                    .iter()
                    .fold(ByteSet::default(), |set, &(byte, _)| set.with(byte)),
                route: (route as u32, route_length as u32),
            });
            for (byte, child) in children {
                let route = (route, route_length);
                work.push((Some(trie.edges.len()), Some(byte), child as usize, route));
                trie.edges.push((byte, u32::MAX));
            }
        }
        trie
    }

    #[inline(always)]
    fn node(&self, node: u32) -> Option<&TrieNode> {
        self.nodes.get(node as usize)
    }

    /// The place `bytes` lead to from `place`, if the trie goes that far;
    /// sets `pattern_start` when a pattern's literal start ends on the way.
    // Inlined: it runs for every key of an object on a wanted path, and the
    // wasm's opt-level "s" leaves it a call.
    #[inline(always)]
    fn walk(&self, place: Place, bytes: &[u8], pattern_start: &mut bool) -> Option<Place> {
        let mut at = Walker {
            trie: self,
            node: self.node(place.node)?,
            place,
        };
        at.run(bytes, pattern_start)?;
        Some(at.place)
    }

    /// The bytes a path may go on with from `place` and stay on the trie.
    fn next_bytes(&self, place: Place) -> ByteSet {
        let Some(node) = self.node(place.node) else {
            return ByteSet::default();
        };
        if place.offset < node.length {
            let next = self.labels.get((node.label + place.offset) as usize);
            next.map_or(ByteSet::default(), |&byte| ByteSet::default().with(byte))
        } else {
            node.child_bytes
        }
    }

    /// The path to `place`, as text (`None` if it ends inside a character,
    /// which no object's path does).
    fn route(&self, place: Place) -> Option<&str> {
        let node = self.node(place.node)?;
        let (start, length) = node.route;
        let end = (start + length).checked_sub(node.length - place.offset)?;
        std::str::from_utf8(self.routes.get(start as usize..end as usize)?).ok()
    }

    /// The exact field whose path ends at `place`.
    fn exact(&self, place: Place) -> Option<usize> {
        let node = self.node(place.node)?;
        (place.offset == node.length && node.exact != NOT_EXACT).then_some(node.exact as usize)
    }

    /// Whether some wanted path goes on from `place` with `.`.
    #[inline(always)]
    fn dotted(&self, place: Place) -> bool {
        let Some(node) = self.node(place.node) else {
            return false;
        };
        if place.offset < node.length {
            self.labels.get((node.label + place.offset) as usize) == Some(&b'.')
        } else {
            node.dotted
        }
    }
}

/// A walk down a [`PathTrie`], comparing a key with a node's whole label at once.
struct Walker<'t> {
    trie: &'t PathTrie,
    /// The node of `place`.
    node: &'t TrieNode,
    place: Place,
}

impl Walker<'_> {
    /// Moves on by `bytes`; `None` when no wanted path goes that way. The
    /// bytes along one node's label are compared in one go.
    #[inline(always)]
    fn run(&mut self, mut bytes: &[u8], pattern_start: &mut bool) -> Option<()> {
        while let Some((&first, rest)) = bytes.split_first() {
            if self.place.offset == self.node.length {
                let node = self.node;
                let edges = self
                    .trie
                    .edges
                    .get(node.first as usize..(node.first + node.count) as usize)?;
                let child = edges.iter().find(|(edge, _)| *edge == first)?.1;
                self.node = self.trie.node(child)?;
                // The child's label starts with `first`.
                self.place = Place {
                    node: child,
                    offset: 1,
                };
                bytes = rest;
            } else {
                let from = (self.node.label + self.place.offset) as usize;
                let to = (self.node.label + self.node.length) as usize;
                let label = self.trie.labels.get(from..to)?;
                // As far as both go, at once: a key that differs anywhere
                // before the label's end leads nowhere.
                // (A byte loop: slice equality calls `memcmp`, which in the
                // wasm is a call and a loop of its own for these few bytes.)
                let common = label.len().min(bytes.len());
                if label.iter().zip(bytes).any(|(label, byte)| label != byte) {
                    return None;
                }
                self.place.offset += common as u32;
                bytes = bytes.get(common..)?;
            }
            if self.place.offset == self.node.length {
                *pattern_start |= self.node.pattern_start;
            }
        }
        Some(())
    }
}

/// A [`PathTrie`] being built: each node's children unordered.
#[derive(Default)]
struct TrieBuilder {
    children: Vec<Vec<(u8, u32)>>,
    exact: Vec<u32>,
    pattern_start: Vec<bool>,
}

impl TrieBuilder {
    /// The node of `path`, added (with the nodes on the way) if new.
    fn insert(&mut self, path: &[u8]) -> usize {
        if self.children.is_empty() {
            self.add();
        }
        let mut node = 0;
        for &byte in path {
            node = match self.children[node].iter().find(|(edge, _)| *edge == byte) {
                Some(&(_, child)) => child as usize,
                None => {
                    let child = self.add();
                    self.children[node].push((byte, child as u32));
                    child
                }
            };
        }
        node
    }

    fn add(&mut self) -> usize {
        self.children.push(Vec::new());
        self.exact.push(NOT_EXACT);
        self.pattern_start.push(false);
        self.children.len() - 1
    }
}

/// The most mask words a [`Scanner`] keeps between texts: those of 2 MiB of
/// text, far above an ordinary event (the reader needs a word per 64 bytes).
const MASKS_KEPT: usize = 1 << 15;

/// Reusable buffers for reading events one after another without allocating.
#[derive(Debug, Default)]
pub struct Scanner {
    /// The buffer of the masks of the text's special bytes ([`Specials`]).
    masks: Vec<u64>,
    entries: Vec<Entry>,
    /// Per exact field of the [`FieldSet`], its first and last entry (or
    /// [`NO_ENTRY`]), the entries between chained by [`Entry::next`]: a
    /// lookup visits its own field's values, not every value read (an event
    /// is looked up nine times or so, mostly for fields it lacks).
    field_entries: Vec<(u32, u32)>,
    /// The dotted path of the key being read, from where the first
    /// pattern's literal start ends (`Reader::path_start` on: before it,
    /// only escaped keys' text, and above it the trie says where a path
    /// stands).
    path: String,
    /// The paths of leaves kept for patterns (exact fields are known by number).
    paths: String,
    /// Strings and numbers that had to be rewritten (escapes, exponents).
    strings: String,
    /// One frame of pattern progress per open object, `globs.len()` wide.
    glob_states: Vec<Progress>,
    /// Whether a watched top-level key was seen.
    saw_watched_key: bool,
    /// A key with escapes, decoded.
    key: String,
    /// The keys read (not skipped) of the open objects, in order, the
    /// innermost object's last: a repeated key's values give way to its last
    /// one's.
    kept: Vec<Kept>,
    /// The decoded text of the keys in `kept` that had escapes.
    kept_keys: String,
}

/// A key whose value was read: where its text is, and the entries its value
/// recorded.
#[derive(Clone, Copy, Debug)]
struct Kept {
    /// Start and length in the source text, or in `kept_keys` if `decoded`
    /// (a key with escapes; the others are not copied).
    key: (u32, u32),
    decoded: bool,
    entries: (u32, u32),
}

/// How far a `*` pattern has got along the current path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Progress {
    /// The path is still a proper prefix of the pattern's literal start.
    InPrefix,
    /// The pattern's automaton state after the whole path.
    At(GlobState),
    /// The pattern can no longer match anything below.
    Dead,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The exact field's position in [`FieldSet`], or `NOT_EXACT`.
    field: u32,
    /// The path, in `paths`, for leaves kept for a pattern.
    path: (u32, u32),
    /// The patterns that want it: bit `i` for pattern `i` of [`FieldSet`]
    /// (bit 63 for those from 63 on); 0 when no pattern does.
    patterns: u64,
    value: Stored,
    /// The next entry of the same exact field, or [`NO_ENTRY`].
    next: u32,
}

const NOT_EXACT: u32 = u32::MAX;

/// No entry: the end of a field's chain, or the chain of a field not seen.
const NO_ENTRY: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
enum Stored {
    /// A string without escapes, in the source text.
    Borrowed(u32, u32),
    /// A string with escapes, decoded into `strings`.
    Decoded(u32, u32),
    Number(u32, u32),
    /// A number with an exponent, rewritten as serde_json writes it (`1E2` → `1e+2`).
    RewrittenNumber(u32, u32),
    Boolean(bool),
}

/// Where a value's field stands with respect to the fields read.
#[derive(Clone, Copy)]
struct Interest {
    /// The field itself is read by name: its position in the field set.
    exact: Option<usize>,
    /// Its path's place in the trie of wanted paths, if a wanted path
    /// starts with it.
    node: Option<Place>,
    /// The frame of pattern states for this field, if any pattern is alive.
    frame: Option<usize>,
    /// Some pattern of the frame is past its literal start.
    live: bool,
}

impl Scanner {
    /// Reads `text` (one JSON object) for the fields in `fields`; `None` when
    /// the text is not something this reader accepts.
    pub fn scan<'s>(&'s mut self, text: &'s str, fields: &'s FieldSet) -> Option<Projected<'s>> {
        self.entries.clear();
        self.field_entries.clear();
        self.field_entries
            .resize(fields.exact.len(), (NO_ENTRY, NO_ENTRY));
        self.path.clear();
        self.paths.clear();
        self.strings.clear();
        self.glob_states.clear();
        self.saw_watched_key = false;
        self.kept.clear();
        self.kept_keys.clear();
        // The masks' buffer goes to the reader and comes back, so that no
        // text allocates its own.
        let masks = std::mem::take(&mut self.masks);
        let mut reader = Reader {
            text,
            bytes: text.as_bytes(),
            specials: Specials::new(text.as_bytes(), masks),
            position: 0,
            path_start: 0,
            fields,
            scanner: self,
        };
        let read = reader.document();
        self.masks = reader.specials.into_buffer();
        // A huge text's masks are not kept for the next (most likely an
        // ordinary event): a scanner lives as long as its thread.
        if self.masks.capacity() > MASKS_KEPT {
            self.masks = Vec::new();
        }
        read?;
        Some(Projected {
            text,
            scanner: self,
            fields,
        })
    }
}

struct Reader<'r> {
    text: &'r str,
    bytes: &'r [u8],
    /// Where strings end.
    specials: Specials,
    position: usize,
    /// Where the dotted path of the current key starts in `scanner.path`
    /// (after the decoded text of escaped keys above the first frame).
    path_start: usize,
    fields: &'r FieldSet,
    scanner: &'r mut Scanner,
}

impl Reader<'_> {
    fn document(&mut self) -> Option<()> {
        self.whitespace();
        if self.peek()? != b'{' {
            return None;
        }
        let (frame, live) = self.root_frame();
        let root = Interest {
            exact: None,
            node: self.fields.trie.node(ROOT.node).map(|_| ROOT),
            frame,
            live,
        };
        self.object(0, root)?;
        self.whitespace();
        (self.position == self.bytes.len()).then_some(())
    }

    /// The patterns' frame at the top level, and whether one is live there:
    /// none unless some pattern starts with `*`. A frame opens where the
    /// first pattern's literal start ends ([`Reader::prefix_frame`]): until
    /// then the trie tells which paths lead to one, and no path is built.
    fn root_frame(&mut self) -> (Option<usize>, bool) {
        let globs = &self.fields.globs;
        if !globs.iter().any(|glob| glob.literal_prefix().is_empty()) {
            return (None, false);
        }
        let start = self.scanner.glob_states.len();
        let mut live = false;
        for glob in &self.fields.globs {
            let progress = if glob.literal_prefix().is_empty() {
                live = true;
                Progress::At(glob.start())
            } else {
                Progress::InPrefix
            };
            self.scanner.glob_states.push(progress);
        }
        (Some(start), live)
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    // The byte after a token is most often the next token (events are
    // mostly written without spaces): one compare lets it go, where the
    // match alone was a jump table in the wasm.
    #[inline(always)]
    fn whitespace(&mut self) {
        while let Some(&byte) = self.bytes.get(self.position) {
            if byte > b' ' || !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return;
            }
            self.position += 1;
        }
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek()? == byte).then(|| self.position += 1)
    }

    /// The value starting here, read for what `interest` says is wanted in
    /// it. An object is read member by member even when nothing below it is
    /// wanted (see [`Reader::skip_value`]).
    fn value(&mut self, depth: usize, interest: Interest) -> Option<()> {
        self.whitespace();
        match self.peek()? {
            b'{' => self.object(depth, interest),
            b'[' => self.array(depth, interest),
            b'"' => self.string_value(interest),
            b't' => self.literal(b"true", Some(Stored::Boolean(true)), interest),
            b'f' => self.literal(b"false", Some(Stored::Boolean(false)), interest),
            b'n' => self.literal(b"null", None, interest),
            _ => self.number(interest),
        }
    }

    /// Steps into the container opening here, `depth` containers around it
    /// (it is the `depth + 1`th open, and at most [`MAX_DEPTH`] may be):
    /// `Some(true)` when it closes at once with `close`, crossed.
    #[inline(always)]
    fn enter(&mut self, depth: usize, close: u8) -> Option<bool> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.position += 1;
        self.whitespace();
        let empty = self.peek()? == close;
        self.position += usize::from(empty);
        Some(empty)
    }

    /// Steps past what follows a member or element: `Some(true)` past the
    /// container's `close`, `Some(false)` past a comma, `None` for anything else.
    #[inline(always)]
    fn closes(&mut self, close: u8) -> Option<bool> {
        self.whitespace();
        let byte = self.peek()?;
        if byte != b',' && byte != close {
            return None;
        }
        self.position += 1;
        Some(byte == close)
    }

    /// The object opening here, `depth` containers around it: it is the
    /// `depth + 1`th open, and at most [`MAX_DEPTH`] may be.
    fn object(&mut self, depth: usize, interest: Interest) -> Option<()> {
        if self.enter(depth, b'}')? {
            return Some(());
        }
        let kept = (self.scanner.kept.len(), self.scanner.kept_keys.len());
        let keys = self.keys_start(depth, interest);
        loop {
            self.member(depth, interest, keys)?;
            if self.closes(b'}')? {
                self.scanner.drop_repeated_keys(kept.0, self.bytes);
                self.scanner.kept.truncate(kept.0);
                self.scanner.kept_keys.truncate(kept.1);
                return Some(());
            }
        }
    }

    /// Where the keys of an object at `depth` whose own field is described
    /// by `interest` start down the trie: past the `.` joining them to the
    /// object's path (none at the top level), walked once for all its keys.
    #[inline(always)]
    fn keys_start(&self, depth: usize, interest: Interest) -> KeysStart {
        let mut pattern_start = false;
        let place = match interest.node {
            Some(place) if depth > 0 => self.fields.trie.walk(place, b".", &mut pattern_start),
            place => place,
        };
        let first_bytes = place.map_or(ByteSet::default(), |place| {
            self.fields.trie.next_bytes(place)
        });
        KeysStart {
            place,
            pattern_start,
            first_bytes,
        }
    }

    /// One `"key": value` of an object at `depth` (0 for the top level)
    /// whose own field is described by `parent`, its keys starting at `keys`.
    fn member(&mut self, depth: usize, parent: Interest, keys: KeysStart) -> Option<()> {
        self.whitespace();
        if self.peek()? != b'"' {
            return None;
        }
        let (start, end, escaped) = self.string_span()?;
        let bytes = self.bytes;
        let key = if escaped {
            self.scanner.key.clear();
            decode(&bytes[start..end], &mut self.scanner.key)?;
            self.scanner.key.as_bytes()
        } else {
            &bytes[start..end]
        };
        let top = depth == 0;
        if top && self.fields.is_watched(key) {
            self.scanner.saw_watched_key = true;
        }
        // Down the trie by the key (which may hold several segments).
        let trie = &self.fields.trie;
        let mut pattern_start = keys.pattern_start;
        let node = keys
            .place_for(key)
            .and_then(|place| trie.walk(place, key, &mut pattern_start));
        self.expect(b':')?;
        if node.is_none() && !pattern_start && !parent.live {
            // Nothing wanted lies at or below this key. Most such values are
            // strings, crossed here without a call.
            self.whitespace();
            if self.peek() == Some(b'"') {
                return self.string_span().map(|_| ());
            }
            return self.skip_value(depth + 1);
        }
        let outer = (
            self.scanner.path.len(),
            self.scanner.glob_states.len(),
            self.path_start,
        );
        let parent_frame = match parent.frame {
            None if pattern_start => Some(self.prefix_frame(parent.node)?),
            frame => frame,
        };
        let mark = self.scanner.path.len();
        // The path is read only by the patterns alive here; where none is,
        // only an escaped key's decoded text is put there, for `keep`.
        let needs_path = parent_frame.is_some();
        if needs_path && !top {
            self.scanner.path.push('.');
        }
        let key_start = self.scanner.path.len();
        if escaped {
            let Scanner { path, key, .. } = &mut *self.scanner;
            path.push_str(key);
        } else if needs_path {
            // Quotes are ASCII, so a key's span lies on character boundaries.
            self.scanner.path.push_str(self.text.get(start..end)?);
        }
        let (frame, live) = self.child_frame(parent_frame, mark);
        let exact = node.and_then(|place| trie.exact(place));
        let interest = Interest {
            exact,
            node,
            frame,
            live,
        };
        let entries = self.scanner.entries.len();
        let outcome = if interest.exact.is_some() || self.leads_further(interest) || frame.is_some()
        {
            self.value(depth + 1, interest)
        } else {
            self.skip_value(depth + 1)
        };
        self.scanner.glob_states.truncate(outer.1);
        let source = (!escaped).then_some((start, end - start));
        self.scanner.keep(source, key_start, entries);
        self.scanner.path.truncate(outer.0);
        self.path_start = outer.2;
        outcome
    }

    /// The patterns' frame for the members of the object at `place`, where
    /// no frame is open above (so no pattern is past its literal start) and
    /// a key walks past the end of one's: each pattern whose literal start
    /// goes on past the object's path is in its prefix, the others dead.
    /// The object's path, never built so far, is put in `path`.
    // Apart: it runs once where a pattern starts, not for every member.
    #[inline(never)]
    fn prefix_frame(&mut self, place: Option<Place>) -> Option<usize> {
        let fields = self.fields;
        let route = fields.trie.route(place?)?;
        self.path_start = self.scanner.path.len();
        self.scanner.path.push_str(route);
        let start = self.scanner.glob_states.len();
        for glob in &fields.globs {
            let prefix = glob.literal_prefix();
            let progress = if prefix.len() > route.len() && starts_with(prefix, route.as_bytes()) {
                Progress::InPrefix
            } else {
                Progress::Dead
            };
            self.scanner.glob_states.push(progress);
        }
        Some(start)
    }

    /// The patterns' progress after the key just read (the path from `mark`
    /// on), if any pattern is still alive; and whether one is live (past its
    /// literal start).
    // Inlined into its one caller, which `prefix_frame` made large enough
    // to leave it a call (3% more instructions a worst-case line natively).
    #[inline(always)]
    fn child_frame(&mut self, parent: Option<usize>, mark: usize) -> (Option<usize>, bool) {
        let Some(parent) = parent else {
            return (None, false);
        };
        let start = self.scanner.glob_states.len();
        let mut alive = false;
        let mut live = false;
        let patterns = self.fields.globs.iter().zip(&self.fields.after_prefix);
        for (index, (glob, &after_prefix)) in patterns.enumerate() {
            let before = self.scanner.glob_states[parent + index];
            // `path_start` is never past the path's end (both go back together).
            let path = &self.scanner.path.as_bytes()[self.path_start..];
            let after = advance(glob, after_prefix, before, path, mark - self.path_start);
            alive |= after != Progress::Dead;
            live |= matches!(after, Progress::At(_));
            self.scanner.glob_states.push(after);
        }
        if alive {
            (Some(start), live)
        } else {
            self.scanner.glob_states.truncate(start);
            (None, false)
        }
    }

    /// True when some wanted path goes on below this field (`field.…`).
    #[inline(always)]
    fn leads_further(&self, interest: Interest) -> bool {
        interest
            .node
            .is_some_and(|place| self.fields.trie.dotted(place))
    }

    fn array(&mut self, depth: usize, interest: Interest) -> Option<()> {
        if self.enter(depth, b']')? {
            return Some(());
        }
        loop {
            self.value(depth + 1, interest)?;
            if self.closes(b']')? {
                return Some(());
            }
        }
    }

    /// True when a leaf at the current path is read by some rule.
    #[inline(always)]
    fn wanted(&self, interest: Interest) -> bool {
        interest.exact.is_some() || self.pattern_wants(interest)
    }

    fn pattern_wants(&self, interest: Interest) -> bool {
        self.wanting_patterns(interest) != 0
    }

    /// The patterns that want a leaf at the current path, as in [`Entry::patterns`].
    fn wanting_patterns(&self, interest: Interest) -> u64 {
        let Some(frame) = interest.frame.filter(|_| interest.live) else {
            return 0;
        };
        let mut wanting = 0;
        for (index, glob) in self.fields.globs.iter().enumerate() {
            if matches!(self.scanner.glob_states[frame + index], Progress::At(state) if glob.accepts(state))
            {
                wanting |= pattern_bit(index);
            }
        }
        wanting
    }

    /// Keeps a leaf: by field number when an exact field, with its path when a
    /// pattern wants it.
    fn record(&mut self, interest: Interest, value: Stored) {
        let patterns = self.wanting_patterns(interest);
        let path = if patterns != 0 {
            let start = self.scanner.paths.len();
            let path = self.scanner.path.get(self.path_start..).unwrap_or_default();
            self.scanner.paths.push_str(path);
            (start as u32, path.len() as u32)
        } else {
            (0, 0)
        };
        let field = interest.exact.map_or(NOT_EXACT, |index| index as u32);
        self.scanner.chain(field);
        self.scanner.entries.push(Entry {
            field,
            path,
            patterns,
            value,
            next: NO_ENTRY,
        });
    }

    fn string_value(&mut self, interest: Interest) -> Option<()> {
        let (start, end, escaped) = self.string_span()?;
        if !self.wanted(interest) {
            return Some(());
        }
        let raw = &self.bytes[start..end];
        let stored = if escaped {
            let from = self.scanner.strings.len();
            decode(raw, &mut self.scanner.strings)?;
            Stored::Decoded(from as u32, (self.scanner.strings.len() - from) as u32)
        } else {
            Stored::Borrowed(start as u32, raw.len() as u32)
        };
        self.record(interest, stored);
        Some(())
    }

    /// The span of the string starting at the current quote, and whether it has
    /// escapes; the position moves past the closing quote.
    #[inline(always)]
    fn string_span(&mut self) -> Option<(usize, usize, bool)> {
        let (end, escaped) = string_end(self.bytes, &self.specials, self.position)?;
        let start = self.position + 1;
        self.position = end + 1;
        Some((start, end, escaped))
    }

    fn literal(&mut self, word: &[u8], stored: Option<Stored>, interest: Interest) -> Option<()> {
        if !starts_with(self.bytes.get(self.position..)?, word) {
            return None;
        }
        self.position += word.len();
        if let Some(stored) = stored.filter(|_| self.wanted(interest)) {
            self.record(interest, stored);
        }
        Some(())
    }

    fn number(&mut self, interest: Interest) -> Option<()> {
        let start = self.position;
        self.position = start + number_length(&self.bytes[start..])?;
        if !self.wanted(interest) {
            return Some(());
        }
        let text = &self.bytes[start..self.position];
        let stored = match text.iter().position(|&b| b == b'e' || b == b'E') {
            None => Stored::Number(start as u32, text.len() as u32),
            Some(exponent) => {
                // The slow path reads numbers with serde_json, which keeps the
                // digits but writes the exponent as `e` with an explicit sign;
                // both paths must see the same text.
                let from = self.scanner.strings.len();
                let strings = &mut self.scanner.strings;
                // A number is ASCII, so every byte offset is a character boundary.
                let number = self.text.get(start..self.position)?;
                strings.push_str(number.get(..exponent)?);
                strings.push('e');
                let rest = number.get(exponent + 1..)?;
                if !rest.starts_with('-') {
                    strings.push('+');
                }
                strings.push_str(rest.strip_prefix('+').unwrap_or(rest));
                Stored::RewrittenNumber(from as u32, (strings.len() - from) as u32)
            }
        };
        self.record(interest, stored);
        Some(())
    }

    /// Crosses a value no rule reads, checking it. An object is crossed
    /// member by member ([`Reader::skip_object`]): for the small objects of
    /// events (`client`, `source`, `user`…) that costs less than
    /// `skip_container`'s setup and its byte-by-byte token checks (the worst
    /// case 3% faster in the wasm, BENCHMARKS.md stop 27). Arrays keep
    /// `skip_container`: read element by element they measured no faster.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        self.whitespace();
        match self.peek()? {
            b'{' => self.skip_object(depth),
            b'[' => self.skip_container(depth),
            b'"' => self.string_span().map(|_| ()),
            b't' => self.literal(b"true", None, NO_INTEREST),
            b'f' => self.literal(b"false", None, NO_INTEREST),
            b'n' => self.literal(b"null", None, NO_INTEREST),
            _ => self.number(NO_INTEREST),
        }
    }

    /// Crosses the object opening here, `depth` containers around it, of
    /// which no rule reads anything: each member's key and value crossed and
    /// checked as [`Reader::object`] would, without its bookkeeping (the
    /// trie, the kept keys, the watch), which has nothing to do here.
    fn skip_object(&mut self, depth: usize) -> Option<()> {
        if self.enter(depth, b'}')? {
            return Some(());
        }
        loop {
            self.whitespace();
            if self.peek()? != b'"' {
                return None;
            }
            self.string_span()?;
            self.expect(b':')?;
            self.whitespace();
            // Most values are strings, crossed here without a call.
            if self.peek() == Some(b'"') {
                self.string_span()?;
            } else {
                self.skip_value(depth + 1)?;
            }
            if self.closes(b'}')? {
                return Some(());
            }
        }
    }

    /// Skips an array whose contents no rule reads, checking only that
    /// brackets balance, strings close and escapes are well formed.
    fn skip_container(&mut self, depth: usize) -> Option<()> {
        let max_open = MAX_DEPTH.saturating_sub(depth);
        self.position = skip_container(
            self.bytes,
            &self.specials,
            self.position,
            max_open,
            |_, _, _| {},
        )?;
        Some(())
    }
}

/// Where an object's keys start down the trie of wanted paths.
#[derive(Clone, Copy)]
struct KeysStart {
    /// The place after the object's path and `.`, if a wanted path goes on so.
    place: Option<Place>,
    /// A pattern's literal start ends with that `.`.
    pattern_start: bool,
    /// The bytes a key may start with and stay on the trie from `place`.
    first_bytes: ByteSet,
}

impl KeysStart {
    /// Where `key` starts down the trie, unless its first byte shows that it
    /// falls off at once (the walk would say so too, setting nothing).
    #[inline(always)]
    fn place_for(&self, key: &[u8]) -> Option<Place> {
        match key.first() {
            Some(&first) if !self.first_bytes.may_hold(first) => None,
            _ => self.place,
        }
    }
}

const NO_INTEREST: Interest = Interest {
    exact: None,
    node: None,
    frame: None,
    live: false,
};

/// A key length's bit in [`FieldSet::watched_lengths`] (63 and up share one).
fn length_bit(length: usize) -> u64 {
    1 << length.min(63)
}

/// Pattern `index`'s bit in [`Entry::patterns`].
fn pattern_bit(index: usize) -> u64 {
    1 << index.min(63)
}

impl Scanner {
    /// Puts the entry about to be pushed at the end of `field`'s chain.
    fn chain(&mut self, field: u32) {
        let at = self.entries.len() as u32;
        let Some((first, last)) = self.field_entries.get_mut(field as usize) else {
            return;
        };
        match self.entries.get_mut(*last as usize) {
            Some(previous) => previous.next = at,
            None => *first = at,
        }
        *last = at;
    }

    /// Notes that the key at `path[key_start..]` was read, its value
    /// recording the entries from `entries` on; `source` is where the key
    /// stands in the source text, unless it had escapes.
    // Inlined for the reason `child_frame` is.
    #[inline(always)]
    fn keep(&mut self, source: Option<(usize, usize)>, key_start: usize, entries: usize) {
        let key = match source {
            Some((start, length)) => (start as u32, length as u32),
            None => {
                let Some(key) = self.path.get(key_start..) else {
                    return;
                };
                let start = self.kept_keys.len() as u32;
                self.kept_keys.push_str(key);
                (start, key.len() as u32)
            }
        };
        self.kept.push(Kept {
            key,
            decoded: source.is_none(),
            entries: (entries as u32, self.entries.len() as u32),
        });
    }

    /// When an object (whose kept keys are `kept[from..]`) has a key more
    /// than once, only its last value counts, as in a parsed object: the
    /// entries of the earlier ones are dropped (made invisible).
    fn drop_repeated_keys(&mut self, from: usize, source: &[u8]) {
        let Scanner {
            kept,
            kept_keys,
            entries,
            ..
        } = self;
        let Some(kept) = kept.get_mut(from..).filter(|kept| kept.len() > 1) else {
            return;
        };
        let text = |kept: &Kept| {
            let (start, length) = kept.key;
            let within = if kept.decoded {
                kept_keys.as_bytes()
            } else {
                source
            };
            within
                .get(start as usize..(start + length) as usize)
                .unwrap_or_default()
        };
        let mut drop = |gone: &Kept| {
            let (start, end) = gone.entries;
            for entry in entries
                .get_mut(start as usize..end as usize)
                .unwrap_or_default()
            {
                entry.field = NOT_EXACT;
                entry.patterns = 0;
            }
        };
        if kept.len() <= 16 {
            // Few keys (the usual case): each against the later ones, by
            // length first.
            for (index, earlier) in kept.iter().enumerate() {
                let repeated = kept[index + 1..]
                    .iter()
                    .any(|later| same_bytes(text(later), text(earlier)));
                if repeated {
                    drop(earlier);
                }
            }
            return;
        }
        // By key, then in document order: by where the entries start and
        // end, since two members of one key start at the same entry when
        // the earlier one recorded nothing (and then ends there). Of each
        // run of one key all but the last go.
        kept.sort_unstable_by(|a, b| text(a).cmp(text(b)).then(a.entries.cmp(&b.entries)));
        for pair in kept.windows(2) {
            if text(&pair[0]) == text(&pair[1]) {
                drop(&pair[0]);
            }
        }
    }
}

/// Whether `text` starts with `prefix`, by a byte loop: slice equality is a
/// `memcmp` call in the wasm, dear for the few bytes of keys and words.
#[inline(always)]
fn starts_with(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text.iter().zip(prefix).all(|(text, prefix)| text == prefix)
}

/// Decodes a JSON string body with escapes into `out`; `None` for a lone surrogate.
fn decode(raw: &[u8], out: &mut String) -> Option<()> {
    let mut at = 0;
    while at < raw.len() {
        let Some(offset) = memchr::memchr(b'\\', &raw[at..]) else {
            out.push_str(std::str::from_utf8(&raw[at..]).ok()?);
            break;
        };
        out.push_str(std::str::from_utf8(&raw[at..at + offset]).ok()?);
        at += offset;
        let (character, length) = decode_escape(&raw[at..])?;
        out.push(character);
        at += length;
    }
    Some(())
}

/// A pattern's progress after the path grew to `path` (the new key from
/// `mark`); `after_prefix` is its state after its literal start.
fn advance(
    glob: &Glob,
    after_prefix: GlobState,
    before: Progress,
    path: &[u8],
    mark: usize,
) -> Progress {
    let prefix = glob.literal_prefix();
    let state = match before {
        Progress::Dead => return Progress::Dead,
        Progress::At(state) => glob.feed(state, &path[mark..]),
        // The path up to `mark` is known to start the literal start (that is
        // what `InPrefix` says), so only the new key's bytes are compared.
        Progress::InPrefix => {
            let (Some(expected), Some(key)) = (prefix.get(mark..), path.get(mark..)) else {
                return Progress::Dead;
            };
            if key.len() < expected.len() {
                return if starts_with(expected, key) {
                    Progress::InPrefix
                } else {
                    Progress::Dead
                };
            }
            // The path now reaches the literal start's end: run the
            // automaton on from there.
            if !starts_with(key, expected) {
                return Progress::Dead;
            }
            glob.feed(after_prefix, key.get(expected.len()..).unwrap_or_default())
        }
    };
    if glob.is_dead(state) {
        Progress::Dead
    } else {
        Progress::At(state)
    }
}

fn decode_escape(bytes: &[u8]) -> Option<(char, usize)> {
    let simple = match bytes.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return decode_unicode(bytes),
        _ => return None,
    };
    Some((simple, 2))
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`.
fn decode_unicode(bytes: &[u8]) -> Option<(char, usize)> {
    let unit = hex4(bytes.get(2..6)?)?;
    match unit {
        0xD800..=0xDBFF => {
            if bytes.get(6..8)? != b"\\u" {
                return None;
            }
            let low = hex4(bytes.get(8..12)?)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return None;
            }
            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            Some((char::from_u32(code)?, 12))
        }
        0xDC00..=0xDFFF => None,
        _ => Some((char::from_u32(unit)?, 6)),
    }
}

fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &digit| {
        Some(value * 16 + (digit as char).to_digit(16)?)
    })
}

/// The length of the JSON number at the start of `bytes`
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
fn number_length(bytes: &[u8]) -> Option<usize> {
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    match bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at += digits(at),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
    }
    Some(at)
}

/// An event read by a [`Scanner`]: only the fields it was asked for.
#[derive(Debug)]
pub struct Projected<'s> {
    text: &'s str,
    scanner: &'s Scanner,
    fields: &'s FieldSet,
}

impl Projected<'_> {
    /// Whether the event has a top-level key the field set watches.
    pub fn saw_watched_key(&self) -> bool {
        self.scanner.saw_watched_key
    }

    fn scalar(&self, value: Stored) -> Option<Scalar<'_>> {
        let range = |start: u32, length: u32| start as usize..(start + length) as usize;
        Some(match value {
            Stored::Borrowed(start, length) => Scalar::Text(self.text.get(range(start, length))?),
            Stored::Decoded(start, length) => {
                Scalar::Text(self.scanner.strings.get(range(start, length))?)
            }
            Stored::Number(start, length) => Scalar::Number(self.text.get(range(start, length))?),
            Stored::RewrittenNumber(start, length) => {
                Scalar::Number(self.scanner.strings.get(range(start, length))?)
            }
            Stored::Boolean(flag) => Scalar::Boolean(flag),
        })
    }

    fn path_of(&self, entry: &Entry) -> Option<&str> {
        let (start, length) = entry.path;
        self.scanner
            .paths
            .get(start as usize..(start + length) as usize)
    }
}

impl Event for Projected<'_> {
    fn any_value(&self, path: &str, visit: &mut Visitor<'_>) -> bool {
        let Some(field) = self.fields.exact_index(path.as_bytes()) else {
            return false;
        };
        let Some(&(first, _)) = self.scanner.field_entries.get(field) else {
            return false;
        };
        let entries = &self.scanner.entries;
        let chain = std::iter::successors(entries.get(first as usize), |entry| {
            entries.get(entry.next as usize)
        });
        // An entry of a repeated key's earlier value is dropped by taking
        // its field away, not by leaving the chain.
        chain
            .filter(|entry| entry.field == field as u32)
            .filter_map(|entry| self.scalar(entry.value))
            .any(visit)
    }

    fn any_value_matching(&self, pattern: &Glob, visit: &mut PathVisitor<'_>) -> bool {
        // The reader noted which of the field set's patterns want each leaf;
        // another pattern is matched against the leaves' paths.
        let bit = self
            .fields
            .globs
            .iter()
            .position(|glob| glob == pattern)
            .filter(|&index| index < 63)
            .map(pattern_bit);
        self.scanner
            .entries
            .iter()
            .filter(|entry| match bit {
                Some(bit) => entry.patterns & bit != 0,
                None => entry.patterns != 0,
            })
            .filter_map(|entry| Some((self.path_of(entry)?, self.scalar(entry.value)?)))
            .filter(|(path, _)| bit.is_some() || pattern.matches(path))
            .any(|(path, value)| visit(path, value))
    }

    /// Never asked: [`FieldSet::of`] refuses queries that read whole objects.
    fn any_object(&self, _path: &str, _visit: &mut dyn FnMut(&dyn Event) -> bool) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::JsonEvent;
    use crate::schema::wildcard_pattern;

    fn fields(exact: &[&str], globs: &[&str]) -> FieldSet {
        let mut fields = FieldSet::default();
        for path in exact {
            fields = fields.with_exact(path);
        }
        fields.globs = globs
            .iter()
            .map(|glob| Glob::new(&wildcard_pattern(glob)))
            .collect();
        fields.index();
        fields
    }

    /// The values of `path` in `event`, debug-printed and sorted.
    pub(super) fn sorted_values(event: &dyn Event, path: &str) -> Vec<String> {
        let mut values = Vec::new();
        event.any_value(path, &mut |value| {
            values.push(format!("{value:?}"));
            false
        });
        values.sort();
        values
    }

    /// The projected and the parsed event agree on `path`'s values.
    fn agree(text: &str, paths: &[&str]) {
        let parsed: serde_json::Value = serde_json::from_str(text).unwrap();
        let set = fields(paths, &[]);
        let mut scanner = Scanner::default();
        let projected = scanner.scan(text, &set).expect("accepted");
        for path in paths {
            assert_eq!(
                sorted_values(&projected, path),
                sorted_values(&JsonEvent(&parsed), path),
                "{path} in {text}"
            );
        }
    }

    #[test]
    fn the_masks_of_a_huge_text_are_not_kept() {
        let fields = fields(&["a"], &[]);
        let mut scanner = Scanner::default();
        let ordinary = r#"{"a":"x"}"#;
        for (text, kept) in [
            (ordinary.to_string(), true),
            (format!(r#"{{"a":"{}"}}"#, "x".repeat(4 << 20)), false),
            (ordinary.to_string(), true),
        ] {
            assert!(scanner.scan(&text, &fields).is_some());
            let capacity = scanner.masks.capacity();
            assert_eq!((1..=MASKS_KEPT).contains(&capacity), kept, "{capacity}");
        }
    }

    #[test]
    fn dotted_keys_nested_objects_arrays_and_nulls_are_read_as_elasticsearch_does() {
        agree(
            r#"{"a.b": 1, "a": {"b": [2, null, [3]], "b.c": "no"}, "x": [{"y": "first"}, {"y": "second"}], "n": null}"#,
            &["a.b", "x.y", "a", "n", "a.b.c", "missing"],
        );
        agree(
            r#"{"o": {"p": {}}, "e": [], "t": true, "f": false, "z": -0.5e+3}"#,
            &["o", "o.p", "e", "t", "f", "z"],
        );
    }

    #[test]
    fn escapes_in_keys_and_values_are_decoded() {
        agree(
            r#"{"k\u0065y": "caf\u00e9 \"quoted\" \ud83d\ude00", "path\\x": "a\/b\n", "plain": "x"}"#,
            &["key", "path\\x", "plain"],
        );
    }

    #[test]
    fn patterns_see_every_matching_leaf_with_its_full_name() {
        let text = r#"{"t": {"0": {"d": "guest"}, "1.d": "other"}, "u": {"d": 1}}"#;
        let set = fields(&[], &["t.*.d"]);
        let mut scanner = Scanner::default();
        let projected = scanner.scan(text, &set).unwrap();
        let mut seen = Vec::new();
        projected.any_value_matching(&set.globs[0], &mut |path, value| {
            seen.push(format!("{path}={value:?}"));
            false
        });
        assert_eq!(seen, ["t.0.d=Text(\"guest\")", "t.1.d=Text(\"other\")"]);
    }

    #[test]
    fn what_the_reader_does_not_accept_is_left_to_serde_json() {
        let set = fields(&["a"], &[]);
        let mut scanner = Scanner::default();
        for text in [
            r#"{"a": 1"#,
            r#"{"a": tru}"#,
            r#"{"a": 01}"#,
            r#"{"a": "\x"}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"b": [1, 2}"#,
            r#"{"a": 1} trailing"#,
            r#"[1, 2]"#,
            "{\"a\": \"raw\ttab\"}",
            // Faults in values no rule reads, which are skipped, not read.
            r#"{"b": 1 "c": 2}"#,
            r#"{"b": [1,]}"#,
            r#"{"b": {"c" 1}}"#,
            r#"{"b": [01]}"#,
            r#"{"b": ["\ud800"]}"#,
            r#"{"b": "\udc00"}"#,
            "{\"b\": \"raw\u{0}nul\"}",
            "{\"b\": {\"raw\ttab\": 1}}",
        ] {
            assert!(scanner.scan(text, &set).is_none(), "{text}");
        }
        let deep = format!("{{\"b\": {}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(scanner.scan(&deep, &set).is_none(), "too deep");
        let fine = format!("{{\"b\": {}1{}}}", "[".repeat(100), "]".repeat(100));
        assert!(scanner.scan(&fine, &set).is_some());
    }

    /// Objects no rule reads into are crossed by the member loop with every
    /// member let go (not by the outline's skip): each is accepted exactly
    /// when the parse accepts the text around it, wherever it stands (let
    /// go, an exact field's object, below a followed key, in an array), and
    /// then read as the parse reads the fields beside it.
    #[test]
    fn objects_nobody_reads_are_checked_as_the_parse_checks_them() {
        let paths = ["a", "b.c", "d"];
        let set = fields(&paths, &[]);
        let mut scanner = Scanner::default();
        for object in [
            "{}",
            " { } ",
            r#"{"k": 1}"#,
            r#"{"k\"}": "{\"]", "[": "}"}"#,
            r#"{"k": {"}": "{", "[": ["}", {"]": null}]}}"#,
            r#"{"\u0041\n": "\ud83d\ude00", "e": -1.5e3, "t": true, "f": false}"#,
            r#"{"k": {"c": 1}, "k": {"c": 2}}"#,
            // Wanted names inside must not leak out of an object nobody reads.
            r#"{"a": 5, "d": {"b": 1}, "b.c": 7}"#,
            " {\n\t\"k\" : [ 1 , { } ] ,\r\"l\":{\"m\":{}} } ",
            // Escapes where a string's end is looked for: first, last, alone.
            r#"{"\\": "\\", "k": "\"", "\u0041b\"": "a\"\u00e9\\"}"#,
            "{ \"k\" :\"v\" , \"l\"\t:\t{ \"m\" : \"n\" } }",
            // Malformed, each in its own way.
            r#"{"k" 1}"#,
            r#"{"k": 1,}"#,
            r#"{"k": 1"#,
            r#"{,}"#,
            r#"{"k": }"#,
            r#"{"k": "\x"}"#,
            r#"{"\ud800": 1}"#,
            r#"{"k": "\udc00"}"#,
            r#"{"k\": 1}"#,
            r#"{1: 2}"#,
            r#"{"k": 1]"#,
            r#"{"k": [1}"#,
            r#"{"k": {"c": 1}"#,
            "{\"k\": \"raw\u{1}\"}",
            "{\"raw\u{1f}\": 1}",
            r#"{"k": 1 "l": 2}"#,
            r#"{"k": tru}"#,
            r#"{"k": 01}"#,
            r#"{"k": {"c" 1}}"#,
            r#"{"k": "\"}"#,
            r#"{"k\": "v"}"#,
            "{\"k\": \"\\\\\u{1}\"}",
            "{\"\\u0041\u{1}\": 1}",
            r#"{"k": "v",}"#,
            r#"{"k": "v" , }"#,
            r#"{"k": "v"]"#,
            r#"{"k" "v"}"#,
            r#"{"k": "v"  "l": 1}"#,
        ] {
            for text in [
                format!(r#"{{"x": {object}, "a": 1}}"#),
                format!(r#"{{"a": {object}, "d": "last"}}"#),
                format!(r#"{{"b": {{"x": {object}, "c": 2}}}}"#),
                format!(r#"{{"d": [{object}, 3]}}"#),
            ] {
                let parsed = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                assert_eq!(scanner.scan(&text, &set).is_some(), parsed, "{text}");
                if parsed {
                    agree(&text, &paths);
                }
            }
        }
        // The depth limit holds inside them: the top-level object and
        // `MAX_DEPTH - 1` nested below it are read, one more is refused.
        for (levels, accepted) in [(MAX_DEPTH - 1, true), (MAX_DEPTH, false)] {
            let text = format!(
                r#"{{"x": {}1{}, "a": 1}}"#,
                r#"{"k": "#.repeat(levels),
                "}".repeat(levels)
            );
            assert_eq!(scanner.scan(&text, &set).is_some(), accepted, "{levels}");
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        agree(
            r#"{"n": 1.50, "m": 12345678901234567890, "e": 1E2, "f": -2.5e-03, "g": 7e+1}"#,
            &["n", "m", "e", "f", "g"],
        );
    }
}

#[cfg(test)]
mod watched_key_tests {
    use super::*;

    #[test]
    fn only_top_level_keys_are_watched() {
        let fields = FieldSet::default().watching(&["records"], &["@odata."]);
        let mut scanner = Scanner::default();
        let saw = |scanner: &mut Scanner, text: &str| {
            scanner.scan(text, &fields).unwrap().saw_watched_key()
        };
        assert!(saw(&mut scanner, r#"{"a": 1, "records": []}"#));
        assert!(saw(&mut scanner, r#"{"@odata.context": "x"}"#));
        assert!(!saw(&mut scanner, r#"{"a": {"records": []}}"#));
        assert!(!saw(&mut scanner, r#"{"record": 1}"#));
        // Keys are told apart by length first; long ones share a length bit.
        let long = "k".repeat(70);
        let fields = FieldSet::default().watching(&[&long, "value"], &[]);
        for (key, watched) in [
            (long.clone(), true),
            ("k".repeat(63), false),
            ("k".repeat(71), false),
            ("value".to_string(), true),
            ("valuE".to_string(), false),
            ("event".to_string(), false),
        ] {
            let text = format!(r#"{{"{key}": 1}}"#);
            let saw = scanner.scan(&text, &fields).unwrap().saw_watched_key();
            assert_eq!(saw, watched, "{key}");
        }
    }
}

/// The reader against the parsed event on documents built to trip it:
/// every field whose name a document spells (and every prefix of one, and
/// patterns made from them) must have the same values both ways.
#[cfg(test)]
mod differential_tests {
    use super::*;
    use crate::event::JsonEvent;
    use crate::schema::wildcard_pattern;
    use serde_json::Value;
    use tests::sorted_values;

    fn field_set(exact: &[String], globs: &[String]) -> FieldSet {
        let mut fields = FieldSet {
            exact: exact.iter().map(|path| path.as_bytes().into()).collect(),
            globs: globs
                .iter()
                .map(|glob| Glob::new(&wildcard_pattern(glob)))
                .collect(),
            ..FieldSet::default()
        };
        fields.exact.sort();
        fields.exact.dedup();
        fields.index();
        fields
    }

    /// Every field name of `value` (keys joined with `.`, arrays looked through).
    fn names(value: &Value, prefix: Option<&str>, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let name = match prefix {
                        None => key.clone(),
                        Some(prefix) => format!("{prefix}.{key}"),
                    };
                    out.push(name.clone());
                    names(child, Some(&name), out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| names(item, prefix, out)),
            _ => {}
        }
    }

    fn matching(event: &dyn Event, pattern: &Glob) -> Vec<String> {
        let mut values = Vec::new();
        event.any_value_matching(pattern, &mut |path, value| {
            values.push(format!("{path}={value:?}"));
            false
        });
        values.sort();
        values
    }

    /// The fields and patterns to try on `value`: its names, their prefixes
    /// (whole characters), and patterns with a `*` for a prefix, a suffix or a
    /// segment of each name.
    fn probes(value: &Value) -> (Vec<String>, Vec<String>) {
        let mut found = Vec::new();
        names(value, None, &mut found);
        let mut exact = found.clone();
        for name in &found {
            for (at, _) in name.char_indices() {
                exact.push(name[..at].to_string());
            }
            exact.push(format!("{name}.x"));
            exact.push(format!("{name}x"));
        }
        exact.sort();
        exact.dedup();
        let mut globs: Vec<String> = ["*", "*.*", "*d", "t.*.d", "a*", "*.b"]
            .iter()
            .map(|glob| glob.to_string())
            .collect();
        for name in &found {
            if name.contains(['*', '\\', '?']) {
                continue;
            }
            globs.push(format!("{name}*"));
            globs.push(format!("*{name}"));
            let segments: Vec<&str> = name.split('.').collect();
            for index in 0..segments.len() {
                let mut pattern = segments.clone();
                pattern[index] = "*";
                globs.push(pattern.join("."));
            }
        }
        globs.sort();
        globs.dedup();
        (exact, globs)
    }

    fn check(text: &str) {
        let parsed: Value = serde_json::from_str(text).unwrap();
        let event = JsonEvent(&parsed);
        let (exact, globs) = probes(&parsed);
        let mut scanner = Scanner::default();
        // All at once (more than 63 patterns share a bit), then one by one.
        let all = field_set(&exact, &globs);
        let projected = scanner.scan(text, &all).expect("accepted");
        for path in &exact {
            assert_eq!(
                sorted_values(&projected, path),
                sorted_values(&event, path),
                "{path} in {text}"
            );
        }
        for (glob, pattern) in globs.iter().zip(&all.globs) {
            assert_eq!(
                matching(&projected, pattern),
                matching(&event, pattern),
                "pattern {glob} in {text}"
            );
        }
        for path in &exact {
            let one = field_set(std::slice::from_ref(path), &[]);
            let projected = scanner.scan(text, &one).expect("accepted");
            assert_eq!(
                sorted_values(&projected, path),
                sorted_values(&event, path),
                "{path} alone in {text}"
            );
        }
        for glob in &globs {
            let one = field_set(&[], std::slice::from_ref(glob));
            let projected = scanner.scan(text, &one).expect("accepted");
            assert_eq!(
                matching(&projected, &one.globs[0]),
                matching(&event, &one.globs[0]),
                "pattern {glob} alone in {text}"
            );
        }
    }

    /// `text` read for random sets of 1–4 of the patterns `probes` and
    /// `extra` give that do not start with `*`, with 0–3 exact fields, each
    /// against the full parse. `check` always reads `*`-led patterns too,
    /// which open their frames at the top level, so it never reaches
    /// `Reader::prefix_frame` (a frame opened where a pattern's literal start
    /// ends) with several patterns or with exact fields beside them.
    fn check_several_patterns_with_exact_fields(text: &str, extra: &[&str]) {
        let parsed: Value = serde_json::from_str(text).unwrap();
        let event = JsonEvent(&parsed);
        let (exact, mut globs) = probes(&parsed);
        globs.extend(extra.iter().map(|g| g.to_string()));
        globs.retain(|g| !g.starts_with('*'));
        globs.sort();
        globs.dedup();
        let mut scanner = Scanner::default();
        let mut seed: u64 = 0x1234_5678;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        for _ in 0..3000 {
            let patterns: Vec<String> = (0..1 + next(4))
                .map(|_| globs[next(globs.len())].clone())
                .collect();
            let exact_fields: Vec<String> = (0..next(4))
                .map(|_| exact[next(exact.len())].clone())
                .collect();
            assert_read_as_parsed(&mut scanner, text, &event, &exact_fields, &patterns);
        }
    }

    /// `text` read for `exact_fields` and `patterns` together gives each
    /// of them what the full parse (`event`) gives.
    fn assert_read_as_parsed(
        scanner: &mut Scanner,
        text: &str,
        event: &JsonEvent<'_>,
        exact_fields: &[String],
        patterns: &[String],
    ) {
        let set = field_set(exact_fields, patterns);
        let projected = scanner.scan(text, &set).expect("accepted");
        for path in exact_fields {
            assert_eq!(
                sorted_values(&projected, path),
                sorted_values(event, path),
                "{path} with {exact_fields:?} {patterns:?} in {text}"
            );
        }
        for (glob, pattern) in patterns.iter().zip(&set.globs) {
            assert_eq!(
                matching(&projected, pattern),
                matching(event, pattern),
                "pattern {glob} with {exact_fields:?} {patterns:?} in {text}"
            );
        }
    }

    #[test]
    fn patterns_not_led_by_a_star_together_and_beside_exact_fields() {
        let extra = [
            "a.b.c.*.g",
            "a.b.*.*.*.g",
            "a.*.f.*",
            "d.x*",
            "a.b.c*",
            "a.bc.*",
            "a.*",
            "a*b.c",
            "a.*.*.c",
            "azure.aud*",
            "t.*.d",
            "t.1*",
            "a.b*",
            "a.*.c",
            "x.*",
            ".*",
            "c.*",
            "aa*",
            "a.bc*",
            "a.b.*",
            "azure.*.p.x",
            "a*",
            "t*",
            "ab*",
            "a.x*",
            "a.bc.d*",
            "d.*.ee",
            "d.*e.eee",
        ];
        for text in [
            r#"{"a.b": 1, "a": {"b": [2, null, [3]], "b.c": "no"}, "x": [{"y": "first"}, {"y": "second"}], "n": null}"#,
            r#"{"a": {"b.c": {"d": 1}}, "a.b": {"c.d": 2, "c": {"d": 3}}, "a.b.c.d": 4}"#,
            r#"{"t": {"0": {"d": "guest"}, "1.d": "other", "1": {"d.e": 5}}, "t.2": {"d": true}, "u": {"d": 1}}"#,
            r#"{"\u0061zure": {"audit\u006cogs": {"p": {"x": 1, "xy": {"x": 2}}}, "auditx": 3}, "azure.auditlogs.p": {"x": 4}, "azure.aud": {"p.x": 5}}"#,
            r#"{"t": {"\u0030": {"d": "guest"}, "1.d": 2}, "t.\u0031": {"d": 3}, "\u0074": {"2": {"e": {"d": 4}}, "3": {"d\u0065": 5}}}"#,
            r#"{"a": {"x": {"y": {"c": 1}}, "x.y": {"c": 2}, "x\u002ey.c": 3, "b": {"c": 4, "c": 5}}, "a.x": [{"y.c": 6}, {"y": {"c": 7}}], "ab": {"c": 8}, "a\u002ebc": {"d": 9}}"#,
            r#"{"a": {"bc": {"d": 1, "dd": 2}}, "a.bc.d": 3, "a.bc.de": {"f": 4}, "a": {"bc": {"d": 10}}, "aab": {"b.c": 1}}"#,
            r#"{"d": {"x": {"ee": 1, "eee": 2, "eeee": 3, "e": 4}, "xe": {"eee": 5}, "e.ee": 6, "e.eee": 7}, "d.e.e": {"ee": 8}}"#,
            r#"{"": {"b": 1, "": 2, ".": 3}, "b": 4, ".b": 5, "c": {"": {"": 6}}, "c.": 7, ".": {"x": 8}}"#,
            r#"{"\u00e9t\u00e9": {"x": 1}, "été.y": 2, "ét": {"é": {"z": 3}}, "t": [{"a": [{"b": 1}]}, {"a.b": 2}]}"#,
            r#"{"a": {"bc": 1, "b": {"c": 0}}, "\u0061": {"bd": 2, "b.c": 9}}"#,
            r#"{"a": {"b": {"c": 1}}, "a": 5, "ab": [{"c": 1}], "ab": {"c": 2}}"#,
            r#"{"a.b": {"c": 1}, "a": {"b": {"c": 2}}, "a\u002eb": {"c": 3}, "a": {"b\u002ec": 4, "b.c": 5}}"#,
            r#"{"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}, "a.b.c.d.e.f": {"g": 2}, "a": {"b": [[{"c": 1}]]}}"#,
            r#"{"d": {"\u0078": {"e\u0065": 1, "\u0065ee": 2}}, "d\u002ex": {"ee": 3}, "d.x.eee": 4}"#,
        ] {
            check_several_patterns_with_exact_fields(text, &extra);
        }
    }

    /// Random documents (keys that are empty, dotted, escaped, non-ASCII or
    /// repeated; nested objects and arrays) read for random patterns, half
    /// of them with a literal start, and exact fields, against the full parse.
    #[test]
    fn random_documents_for_random_fields() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below.max(1) as u64) as usize
        };
        const KEYS: [&str; 12] = [
            "a",
            "b",
            "ab",
            "a.b",
            "",
            ".",
            "\\u0061",
            "a\\u002eb",
            "é",
            "bb",
            "b.a",
            "aa",
        ];
        fn gen(next: &mut dyn FnMut(usize) -> usize, depth: usize, out: &mut String) {
            match if depth > 3 { 3 + next(2) } else { next(6) } {
                0..=2 => {
                    out.push('{');
                    for i in 0..next(4) {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push('"');
                        out.push_str(KEYS[next(KEYS.len())]);
                        out.push_str("\":");
                        gen(next, depth + 1, out);
                    }
                    out.push('}');
                }
                3 => out.push_str(&format!("\"v{}\"", next(100))),
                4 => out.push_str(&format!("{}", next(100))),
                _ => {
                    out.push('[');
                    for i in 0..next(3) {
                        if i > 0 {
                            out.push(',');
                        }
                        gen(next, depth + 1, out);
                    }
                    out.push(']');
                }
            }
        }
        const PIECES: [&str; 9] = ["a", "b", "ab", "*", ".", "a*", "*b", "é", "ba"];
        let mut scanner = Scanner::default();
        for round in 0..20000 {
            let mut text = String::from("{");
            for i in 0..1 + next(4) {
                if i > 0 {
                    text.push(',');
                }
                text.push('"');
                text.push_str(KEYS[next(KEYS.len())]);
                text.push_str("\":");
                gen(&mut next, 1, &mut text);
            }
            text.push('}');
            let parsed: Value = serde_json::from_str(&text).unwrap();
            let event = JsonEvent(&parsed);
            let mut globs = Vec::new();
            for _ in 0..1 + next(3) {
                let mut g = String::new();
                for _ in 0..1 + next(4) {
                    g.push_str(PIECES[next(PIECES.len())]);
                }
                if !g.contains('*') {
                    g.push('*');
                }
                if round % 2 == 0 && g.starts_with('*') {
                    g.insert(0, 'a');
                }
                globs.push(g);
            }
            let mut exact = Vec::new();
            for _ in 0..next(3) {
                let mut e = String::new();
                for j in 0..1 + next(3) {
                    if j > 0 {
                        e.push('.');
                    }
                    e.push_str(["a", "b", "ab", "é", ""][next(5)]);
                }
                exact.push(e);
            }
            assert_read_as_parsed(&mut scanner, &text, &event, &exact, &globs);
        }
    }

    #[test]
    fn dotted_and_nested_keys_mixed() {
        check(
            r#"{"a.b": 1, "a": {"b": [2, null, [3]], "b.c": "no"}, "x": [{"y": "first"}, {"y": "second"}], "n": null}"#,
        );
        check(r#"{"a": {"b.c": {"d": 1}}, "a.b": {"c.d": 2, "c": {"d": 3}}, "a.b.c.d": 4}"#);
        check(
            r#"{"t": {"0": {"d": "guest"}, "1.d": "other", "1": {"d.e": 5}}, "t.2": {"d": true}, "u": {"d": 1}}"#,
        );
    }

    #[test]
    fn patterns_start_inside_keys_at_dots_and_below_escaped_keys() {
        // A pattern's frame opens where its literal start ends, the path
        // built from there: inside a key (`azure.aud*`), at a `.`
        // (`t.*.d`), in a dotted key, below keys with escapes (whose decoded
        // text is kept in the path's buffer before it).
        check(
            r#"{"\u0061zure": {"audit\u006cogs": {"p": {"x": 1, "xy": {"x": 2}}}, "auditx": 3},
                "azure.auditlogs.p": {"x": 4}, "azure.aud": {"p.x": 5}}"#,
        );
        check(
            r#"{"t": {"\u0030": {"d": "guest"}, "1.d": 2}, "t.\u0031": {"d": 3},
                "\u0074": {"2": {"e": {"d": 4}}, "3": {"d\u0065": 5}}}"#,
        );
    }

    #[test]
    fn keys_that_are_prefixes_of_wanted_paths() {
        check(
            r#"{"azure": {"auditlogs": {"operation": "x", "operation_name": "y", "operation_name_x": "z"}},
                "azure.audit": 1, "azure.auditlogs.operation_name.more": 2, "azure.auditlogs.operation_nam": 3,
                "azurex": {"auditlogs": 4}, "azure.": {"x": 5}}"#,
        );
    }

    #[test]
    fn empty_keys_are_empty_segments() {
        check(r#"{"": {"b": 1, "": 2, ".": 3}, "b": 4, ".b": 5, "c": {"": {"": 6}}, "c.": 7}"#);
        check(r#"{"": "top"}"#);
        // Both readers name the field below a top-level empty key `.b`, as
        // the parsed event's exact lookup does.
        let parsed: Value = serde_json::from_str(r#"{"": {"b": 1}}"#).unwrap();
        let every = Glob::new(&wildcard_pattern("*"));
        assert_eq!(matching(&JsonEvent(&parsed), &every), [".b=Number(\"1\")"]);
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        check(
            r#"{"a": 1, "a": 2, "b": {"c": 1}, "b": {"d": 2}, "e": {"f": 1}, "e": null, "g": [1], "g": {"h": 5}, "a.x": 3}"#,
        );
        check(
            r#"{"l": [{"k": 1, "k": 2}, {"k": 3}], "p": {"q": 1}, "p.q": 2, "p": {"r": 3}, "s": {"t": 1, "u": 2, "t": 3}}"#,
        );
        check(r#"{"z": [1, 2], "y": 0, "z": [], "y": {"y": 1, "y": {"y": 2}}}"#);
        // Objects with more keys than the pairwise comparison takes; the
        // earlier copy of a repeated key recording nothing (null), so both
        // copies' entries start at the same place.
        for count in [17, 21, 40, 100, 300] {
            let mut members = Vec::new();
            for index in 0..count {
                // Keys out of order, every third one repeated right away.
                let key = format!("k{}", (index * 7919) % count);
                members.push(format!("\"{key}\": {index}"));
                if index % 3 == 0 {
                    members.push(format!("\"{key}\": null, \"{key}\": {{\"x\": {index}}}"));
                }
            }
            check(&format!("{{{}}}", members.join(", ")));
        }
        for count in [16, 17, 40] {
            let members: Vec<String> = (0..count)
                .map(|index| format!("\"k{}\": {index}", index % (count / 2 + 1)))
                .collect();
            check(&format!(
                "{{{}, \"o\": {{{}}}}}",
                members.join(", "),
                members.join(", ")
            ));
        }
    }

    #[test]
    fn escaped_keys_are_decoded_before_they_are_compared() {
        check(
            r#"{"\u0061": {"b": 1}, "a": {"c": 2}, "k\u0065y.x": "v", "a\"b": 3, "\u00e9t\u00e9": {"\ud83d\ude00": 4}}"#,
        );
        check(r#"{"d\u002ee": 1, "d": {"e": 2}, "q\\": {"r": 3}}"#);
    }

    #[test]
    fn arrays_of_objects_and_scalars() {
        check(
            r#"{"r": [{"s": [{"t": 1}, {"t": [2, {"u": 3}]}]}, {"s.t": 4}, 5, null, [{"s": {"t": 6}}]]}"#,
        );
        check(r#"{"e": [], "o": {}, "m": [[], {}, [[{}]]], "v": [true, false, -0.5e+3, "x"]}"#);
    }

    #[test]
    fn nesting_up_to_the_limit() {
        for depth in [1, 2, 63, 64, 65, MAX_DEPTH - 1] {
            let keys: Vec<String> = (0..depth).map(|level| format!("k{}", level % 3)).collect();
            let mut text = String::new();
            for key in &keys {
                text.push_str(&format!("{{\"{key}\": "));
            }
            text.push_str("\"leaf\"");
            text.push_str(&"}".repeat(depth));
            check(&text);
            // Arrays and objects alternating.
            let mut text = String::new();
            for key in keys.iter().take(depth / 2) {
                text.push_str(&format!("{{\"{key}\": ["));
            }
            text.push_str("{\"z\": 1}");
            text.push_str(&"]}".repeat(depth / 2));
            if depth > 1 {
                check(&text);
            }
        }
    }
}
