//! Elasticsearch's full-text matching for `text` and `match_only_text` fields.
//!
//! A KQL clause on a field that is not exactly `keyword` is not a string
//! comparison: Kibana turns it into a full-text query and Elasticsearch
//! compares *tokens*. `message: Error` matches `"disk ERROR, retrying"`
//! because both sides go through the `standard` analyzer. To say whether an
//! event would raise an alert we must reproduce, bit for bit:
//!
//! * the `standard` analyzer: Lucene's `StandardTokenizer` (UAX #29 word
//!   breaks, as Lucene tailors them) with `max_token_length` 255, then
//!   `LowerCaseFilter` — see [`analyze`];
//! * the three queries Kibana builds from a KQL value (Kibana
//!   `src/platform/packages/shared/kbn-es-query/src/kuery/functions/is.ts`):
//!   an unquoted value becomes `match {f: v}` ([`TextQuery::match_query`]), a
//!   quoted one `match_phrase {f: v}` ([`TextQuery::phrase`]), and a value with
//!   an unescaped `*` becomes `query_string {fields: [f], query: q}`
//!   ([`TextQuery::query_string`]), where `q` is the value with query-string
//!   syntax escaped ([`kibana_query_string`]).
//!
//! The same `query_string` on a keyword-like field (`constant_keyword`,
//! `wildcard`, or an index where a conflicting field is a keyword) is
//! evaluated by [`KeywordQueryString`]: same parsing, no analysis.
//!
//! Field-less KQL values (`multi_match` and `query_string` without `fields`)
//! reduce to the same per-field semantics and are left to the caller, with one
//! caveat: without `fields`, Elasticsearch's query-string parser has a default
//! field (`*`), and a term that starts with `<` or `>` becomes a range query
//! (`QueryStringQueryParser.getFieldQuery` in elastic/elasticsearch
//! `server/src/main/java/org/elasticsearch/index/search/QueryStringQueryParser.java`);
//! with `fields: [f]` the default field is null and that never happens, so
//! this module does not model it.
//!
//! Unicode data: Lucene generates its tokenizer with JFlex from Unicode 12.1
//! (`%unicode 12.1` in apache/lucene
//! `lucene/core/src/java/org/apache/lucene/analysis/standard/StandardTokenizerImpl.jflex`).
//! The property table at the bottom of this file was generated from the
//! Unicode 15.0 character database with every code point assigned after 12.1
//! treated as unassigned, so new letters are dropped exactly as Elasticsearch
//! drops them. Lower-casing uses Rust's own Unicode tables where Elasticsearch
//! uses its JDK's; they differ only for characters added in between.

use std::fmt;

/// Lucene's `StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH`, which Elasticsearch's
/// `standard` analyzer keeps as its `max_token_length` default. It is counted
/// in UTF-16 code units, the unit of the JFlex scanner buffer.
const MAX_TOKEN_LENGTH: usize = 255;

// ---------------------------------------------------------------------------
// The standard analyzer
// ---------------------------------------------------------------------------

/// The tokens the `standard` analyzer produces for `text`, in order.
///
/// Tokens are consecutive positions: the standard tokenizer never leaves a
/// position gap, because over-long tokens are split rather than skipped.
pub fn analyze(text: &str) -> Vec<String> {
    let chars: Vec<Char> = text.chars().map(Char::new).collect();
    let units = utf16_prefix_sums(&chars);
    let mut tokens = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let window = &chars[start..window_end(&units, start)];
        match longest_token(window) {
            0 => start += 1,
            len => {
                tokens.push(
                    window[..len]
                        .iter()
                        .map(|c| java_lower_case(c.ch))
                        .collect(),
                );
                start += len;
            }
        }
    }
    tokens
}

/// A character with its Unicode properties looked up once.
#[derive(Clone, Copy, Debug)]
struct Char {
    ch: char,
    wb: u8,
    flags: u8,
}

impl Char {
    fn new(ch: char) -> Char {
        let (wb, flags) = ucd::lookup(ch);
        Char { ch, wb, flags }
    }

    fn has(self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// UAX #29 WB4: Extend, Format and ZWJ attach to the character before.
    fn is_ext(self) -> bool {
        matches!(self.wb, ucd::EXTEND | ucd::FO | ucd::ZWJ)
    }

    /// Lucene's `ExtFmtZwjSansPresSel`: WB4 characters other than the text
    /// and emoji presentation selectors, which its emoji rule handles itself.
    fn is_ext_in_emoji(self) -> bool {
        self.is_ext() && !matches!(self.ch, '\u{FE0E}' | '\u{FE0F}')
    }
}

/// `sums[i]` is the UTF-16 length of the first `i` characters.
fn utf16_prefix_sums(chars: &[Char]) -> Vec<usize> {
    let mut sums = Vec::with_capacity(chars.len() + 1);
    sums.push(0);
    let mut total = 0;
    for c in chars {
        total += c.ch.len_utf16();
        sums.push(total);
    }
    sums
}

/// Where the scanner's view ends for a token starting at `start`.
///
/// Lucene splits long tokens by giving its JFlex scanner a buffer of
/// `max_token_length` UTF-16 units that never grows (`StandardTokenizer.setMaxTokenLength`
/// and `StandardTokenizerImpl.zzRefill`, which reports end of input when the
/// buffer is full and holds back a high surrogate that does not fit). The
/// longest match inside that window is emitted and scanning resumes after it,
/// so `"b" × 256` gives `"b" × 255` then `"b"` (Lucene
/// `TestStandardAnalyzer.testMaxTokenLengthDefault`).
fn window_end(units: &[usize], start: usize) -> usize {
    let limit = units[start] + MAX_TOKEN_LENGTH;
    start + units[start..].partition_point(|&u| u <= limit) - 1
}

/// The length in characters of the token at the start of `window`, or 0 when
/// no rule matches and the first character is skipped.
///
/// JFlex takes the longest match over all rules of the grammar (a tie keeps
/// the earlier rule, which only changes the token type, not its text). The
/// rules, in `StandardTokenizerImpl.jflex` order: emoji sequences, numbers,
/// Hangul, Katakana, words (numbers, Hangul and Katakana runs are all words
/// too), South-East Asian runs, one ideograph, one hiragana; anything else is
/// skipped one character at a time (punctuation, symbols, spaces).
fn longest_token(window: &[Char]) -> usize {
    [
        emoji_len(window),
        word_len(window),
        south_east_asian_len(window),
        single_ideograph_len(window),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
}

/// Number of leading characters of `chars` that satisfy `pred`.
fn run_len(chars: &[Char], pred: impl Fn(Char) -> bool) -> usize {
    chars.iter().take_while(|&&c| pred(c)).count()
}

/// `{ComplexContextEx}+`: Thai, Lao, Myanmar, Khmer… (Line_Break=SA) runs are
/// one token, because UAX #29 cannot find their word boundaries (Lucene
/// `TestStandardAnalyzer.testThai`).
fn south_east_asian_len(window: &[Char]) -> usize {
    let mut i = 0;
    while i < window.len() && window[i].has(ucd::SA) {
        i += 1;
        i += run_len(&window[i..], Char::is_ext);
    }
    i
}

/// `{HanEx}` and `{HiraganaEx}`: each ideograph or hiragana is its own token
/// (UAX #29 WB999), with its combining marks (Lucene `testChinese`,
/// `testJapanese`, `testCombiningMarks`).
fn single_ideograph_len(window: &[Char]) -> usize {
    match window.first() {
        Some(c) if c.has(ucd::HAN | ucd::HIRA) => 1 + run_len(&window[1..], Char::is_ext),
        _ => 0,
    }
}

/// Where the word rule of the grammar stands after some characters.
///
/// The JFlex word rule is a regular expression over Word_Break classes
/// (UAX #29 rules WB5–WB13b, each class followed by any WB4 characters):
///
/// ```text
/// ENL* CORE (ENL+ CORE)* ENL*
/// CORE = KA (ENL* KA)*
///      | ( HL (SQ | DQ HL) | NU ((ENL* | MIDNUM) NU)* | AHL ((ENL* | MIDLET) AHL)* )+
/// ```
///
/// which this automaton recognises one character at a time. What it means in
/// practice: letters and digits stick together (`B2B`), `_` (ExtendNumLet)
/// joins anything, `.` `'` `:` (MidLetter/MidNumLet) join two letters
/// (`O'Reilly`, `example.com`, `user:admin`), `.` `,` `;` (MidNum/MidNumLet)
/// join two digits (`3.14`, `1,000`), and one such character between a letter
/// and a digit breaks (`v1.a` → `v1`, `a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Start,
    /// Leading `_`s: not a token on their own.
    LeadingConnector,
    Letter,
    HebrewLetter,
    Number,
    Katakana,
    /// `_` after a core: accepted (trailing `ENL*`), and anything may follow.
    Connector,
    /// A letter then MidLetter/MidNumLet/Single_Quote: needs a letter next.
    LetterThenMid,
    /// A digit then MidNum/MidNumLet/Single_Quote: needs a digit next.
    NumberThenMid,
    /// WB7a: a Hebrew letter then `'` is a complete token.
    HebrewThenQuote,
    /// WB7b: a Hebrew letter then `"` needs a Hebrew letter next.
    HebrewThenDoubleQuote,
}

impl Word {
    fn is_accepting(self) -> bool {
        matches!(
            self,
            Word::Letter
                | Word::HebrewLetter
                | Word::Number
                | Word::Katakana
                | Word::Connector
                | Word::HebrewThenQuote
        )
    }

    /// The state entered by a letter, Hebrew letter, digit or katakana.
    fn core(wb: u8) -> Option<Word> {
        match wb {
            ucd::LE => Some(Word::Letter),
            ucd::HL => Some(Word::HebrewLetter),
            ucd::NU => Some(Word::Number),
            ucd::KA => Some(Word::Katakana),
            _ => None,
        }
    }

    fn next(self, wb: u8) -> Option<Word> {
        use ucd::{DQ, EX, HL, KA, LE, MB, ML, MN, NU, SQ};
        match (self, wb) {
            (Word::Start | Word::LeadingConnector, EX) => Some(Word::LeadingConnector),
            (Word::Connector, EX) => Some(Word::Connector),
            (Word::Start | Word::LeadingConnector | Word::Connector, _) => Word::core(wb),
            (Word::HebrewLetter, SQ) => Some(Word::HebrewThenQuote),
            (Word::HebrewLetter, DQ) => Some(Word::HebrewThenDoubleQuote),
            (Word::Letter | Word::HebrewLetter, ML | MB | SQ) => Some(Word::LetterThenMid),
            (Word::Number, MN | MB | SQ) => Some(Word::NumberThenMid),
            (
                Word::Letter | Word::HebrewLetter | Word::Number | Word::HebrewThenQuote,
                LE | HL | NU,
            ) => Word::core(wb),
            (Word::Katakana, KA) => Some(Word::Katakana),
            (
                Word::Letter
                | Word::HebrewLetter
                | Word::Number
                | Word::Katakana
                | Word::HebrewThenQuote,
                EX,
            ) => Some(Word::Connector),
            (Word::LetterThenMid, LE | HL) => Word::core(wb),
            (Word::NumberThenMid, NU) => Some(Word::Number),
            (Word::HebrewThenDoubleQuote, HL) => Some(Word::HebrewLetter),
            _ => None,
        }
    }
}

/// Length of the longest match of the word rule (0 if none).
fn word_len(window: &[Char]) -> usize {
    let mut state = Word::Start;
    let mut longest = 0;
    for (i, c) in window.iter().enumerate() {
        if state == Word::Start || !c.is_ext() {
            match state.next(c.wb) {
                Some(next) => state = next,
                None => break,
            }
        }
        if state.is_accepting() {
            longest = i + 1;
        }
    }
    longest
}

/// Length of the longest emoji token at the start of `window` (0 if none).
///
/// Lucene's emoji rule follows the `emoji_sequence` grammar of UTS #51
/// instead of UAX #29 (`StandardTokenizerImpl.jflex`): a ZWJ sequence of
/// emoji elements, a keycap (`#️⃣`), or a pair of regional indicators (a flag).
/// An emoji character is any `\p{Extended_Pictographic}` (which includes
/// `©®™`), or a `\p{Emoji}` other than digits, `#`, `*`, regional indicators
/// and skin-tone modifiers — so `©` alone is a token, `#` alone is not.
fn emoji_len(window: &[Char]) -> usize {
    [
        emoji_sequence_len(window),
        keycap_len(window),
        flag_len(window),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
}

/// States of the emoji ZWJ-sequence rule, as bits of a set (an NFA).
///
/// ```text
/// SEQ  = ELEM ( (ZWJ ELEM)* | TAG_SPEC+ TAG_TERM )
/// ELEM = ZWJ* EMOJI X* FE0F?  |  (ZWJ* MOD_BASE X*)? MODIFIER X*     (X = WB4 minus FE0E/FE0F)
/// ```
mod emoji_state {
    /// Nothing read yet.
    pub const START: u16 = 1;
    /// Leading ZWJs of an element (a modifier alone may not follow them).
    pub const ZWJS: u16 = 2;
    /// After an emoji character and its extenders. Accepting.
    pub const EMOJI: u16 = 4;
    /// After an emoji presentation selector U+FE0F. Accepting.
    pub const PRESENTED: u16 = 8;
    /// After the ZWJ that joins two elements.
    pub const JOINED: u16 = 16;
    /// After a modifier base waiting for its modifier.
    pub const BASE: u16 = 32;
    /// After a skin-tone modifier. Accepting.
    pub const MODIFIED: u16 = 64;
    /// Inside a tag sequence after a presentation selector.
    pub const TAGS: u16 = 128;
    /// After the tag terminator U+E007F: a complete token. Accepting.
    pub const TAGGED: u16 = 256;
    pub const ACCEPTING: u16 = EMOJI | PRESENTED | MODIFIED | TAGGED;
}

/// The states reached from the set `from` by reading `c`.
fn emoji_step(from: u16, c: Char) -> u16 {
    use emoji_state::*;
    let mut to = 0;
    let element_start = from & (START | ZWJS | JOINED) != 0;
    if element_start && c.ch == '\u{200D}' {
        to |= ZWJS;
    }
    if element_start && c.has(ucd::EMO) {
        to |= EMOJI;
    }
    if element_start && c.has(ucd::EBASE) {
        to |= BASE;
    }
    if from & (START | JOINED) != 0 && c.has(ucd::EMOD) {
        to |= MODIFIED;
    }
    if from & EMOJI != 0 && c.ch == '\u{FE0F}' {
        to |= PRESENTED;
    }
    if from & (EMOJI | PRESENTED | MODIFIED) != 0 && c.ch == '\u{200D}' {
        to |= JOINED;
    }
    to | emoji_extend_step(from, c)
}

/// Extenders (`X*`) after an element, and tag characters. Tags are Extend,
/// so `X*` already absorbs them after an emoji; the explicit tag rule only
/// matters after U+FE0F (Lucene `testEmojiTagSequence`: 🏴 + tags is one token).
fn emoji_extend_step(from: u16, c: Char) -> u16 {
    use emoji_state::*;
    let mut to = 0;
    if c.is_ext_in_emoji() {
        to |= from & (EMOJI | BASE | MODIFIED);
    }
    if from & BASE != 0 && c.has(ucd::EMOD) {
        to |= MODIFIED;
    }
    let tag_spec = ('\u{E0020}'..='\u{E007E}').contains(&c.ch);
    if from & (PRESENTED | TAGS) != 0 && tag_spec {
        to |= TAGS;
    }
    if from & TAGS != 0 && c.ch == '\u{E007F}' {
        to |= TAGGED;
    }
    to
}

fn emoji_sequence_len(window: &[Char]) -> usize {
    let mut states = emoji_state::START;
    let mut longest = 0;
    for (i, &c) in window.iter().enumerate() {
        states = emoji_step(states, c);
        if states == 0 {
            break;
        }
        if states & emoji_state::ACCEPTING != 0 {
            longest = i + 1;
        }
    }
    longest
}

/// `[0-9#*] X* FE0F? U+20E3 X*`: keycap sequences, with or without the
/// presentation selector (Lucene `testEmojiVariationSequence`: `#️⃣`, `3️⃣`).
fn keycap_len(window: &[Char]) -> usize {
    let Some(first) = window.first() else {
        return 0;
    };
    if !matches!(first.ch, '0'..='9' | '#' | '*') {
        return 0;
    }
    let ext_end = 1 + run_len(&window[1..], Char::is_ext_in_emoji);
    // U+20E3 is itself an extender, so a keycap inside the run ends at the run's end.
    let mut longest = if window[1..ext_end].iter().any(|c| c.ch == '\u{20E3}') {
        ext_end
    } else {
        0
    };
    let after_selector = window
        .get(ext_end..ext_end + 2)
        .map(|pair| (pair[0].ch, pair[1].ch));
    if after_selector == Some(('\u{FE0F}', '\u{20E3}')) {
        let keycap_end = ext_end + 2;
        longest = longest.max(keycap_end + run_len(&window[keycap_end..], Char::is_ext_in_emoji));
    }
    longest
}

/// `RI X* RI X*`: two regional indicators make a flag; a lone one is dropped
/// and four make two flags (Lucene `testEmojiRegionalIndicator`).
fn flag_len(window: &[Char]) -> usize {
    let is_ri = |c: Option<&Char>| c.is_some_and(|c| c.wb == ucd::RI);
    if !is_ri(window.first()) {
        return 0;
    }
    let second = 1 + run_len(&window[1..], Char::is_ext);
    if !is_ri(window.get(second)) {
        return 0;
    }
    second + 1 + run_len(&window[second + 1..], Char::is_ext)
}

/// Lucene's `LowerCaseFilter`: `Character.toLowerCase` on each code point
/// (apache/lucene `lucene/core/src/java/org/apache/lucene/analysis/CharacterUtils.java`,
/// `toLowerCase`). That is Unicode's *simple* lowercase mapping, one code point
/// to one: `İ` (U+0130) becomes `i`, where Rust's full mapping gives `i̇`
/// (U+0069 U+0307). U+0130 is the only character whose full and simple
/// lowercase mappings differ, and `Σ` always becomes `σ` (no final-sigma rule).
fn java_lower_case(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => 'i', // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE
    }
}

// ---------------------------------------------------------------------------
// Queries on text fields
// ---------------------------------------------------------------------------

/// A KQL value compiled for a `text` or `match_only_text` field.
///
/// `match_only_text` indexes no positions and re-analyses `_source` to check
/// phrases, one array element at a time (elastic/elasticsearch
/// `modules/mapper-extras/.../SourceConfirmedTextQuery.java`, `computeFreq`),
/// so every query below answers the same for both types.
#[derive(Clone, Debug, PartialEq)]
pub enum TextQuery {
    /// `match` with the default operator `or`: any of these terms.
    Match {
        /// The analysed query terms; empty means no document matches
        /// (`zero_terms_query: none`).
        terms: Vec<String>,
    },
    /// `match_phrase` with slop 0: these terms, consecutive and in order,
    /// within one array element.
    Phrase {
        /// The analysed query terms; empty means no document matches.
        terms: Vec<String>,
    },
    /// `query_string` with `fields: [f]` and `default_operator: or`.
    QueryString {
        /// The Boolean clauses of the parsed query; empty matches nothing.
        clauses: Vec<Clause>,
    },
    /// A query string Elasticsearch would reject: the search fails, so for an
    /// alerting rule nothing matches.
    Invalid(QueryStringError),
}

impl TextQuery {
    /// `match {f: value}`, what Kibana sends for an unquoted value.
    pub fn match_query(value: &str) -> TextQuery {
        TextQuery::Match {
            terms: analyze(value),
        }
    }

    /// `match_phrase {f: value}`, what Kibana sends for a quoted value.
    pub fn phrase(value: &str) -> TextQuery {
        TextQuery::Phrase {
            terms: analyze(value),
        }
    }

    /// `query_string {fields: [f], query}`, with `query` exactly as sent
    /// (query-string syntax escaped). A query Elasticsearch rejects becomes
    /// [`TextQuery::Invalid`], which matches nothing; use
    /// [`TextQuery::try_query_string`] to report the reason.
    pub fn query_string(query: &str) -> TextQuery {
        TextQuery::try_query_string(query).unwrap_or_else(TextQuery::Invalid)
    }

    /// Like [`TextQuery::query_string`], but returns why a query is rejected.
    pub fn try_query_string(query: &str) -> Result<TextQuery, QueryStringError> {
        let steps = parse_query_string(query)?;
        Ok(TextQuery::QueryString {
            clauses: compile_steps(&steps, FieldKind::Text),
        })
    }

    /// The `query_string` Kibana builds for a KQL wildcard value given as its
    /// literal pieces between unescaped `*`s: `["a b", ""]` is `a b*`.
    pub fn query_string_from_parts(parts: &[&str]) -> TextQuery {
        TextQuery::query_string(&kibana_query_string(parts))
    }

    /// True when a document whose field has these values (one entry per
    /// array element, nulls left out) matches.
    pub fn matches(&self, values: &[&str]) -> bool {
        match self {
            TextQuery::Match { terms } => values
                .iter()
                .any(|value| analyze(value).iter().any(|token| terms.contains(token))),
            TextQuery::Phrase { terms } => {
                !terms.is_empty()
                    && values
                        .iter()
                        .any(|value| contains_phrase(&analyze(value), terms))
            }
            TextQuery::QueryString { clauses } => {
                let tokens: Vec<String> = values.iter().flat_map(|value| analyze(value)).collect();
                boolean_matches(clauses, |test| {
                    test.matches_any(&tokens, !values.is_empty())
                })
            }
            TextQuery::Invalid(_) => false,
        }
    }
}

/// True when `phrase` occurs as consecutive tokens of one value. Elasticsearch
/// leaves a `position_increment_gap` of 100 between array elements
/// (`TextFieldMapper.Defaults.POSITION_INCREMENT_GAP`), so with slop 0 a
/// phrase never spans two elements; checking each value alone is the same.
fn contains_phrase(tokens: &[String], phrase: &[String]) -> bool {
    tokens.windows(phrase.len()).any(|window| window == phrase)
}

/// `query_string` on a keyword-like field: `keyword` with no normalizer,
/// `constant_keyword`, `wildcard`, or the keyword side of a type conflict
/// (each index uses its own mapping).
///
/// The query is parsed exactly as for text (see [`TextQuery::query_string`]);
/// what differs is that the field's search analyzer is the keyword analyzer:
///
/// * a plain term is compared with the whole value, case-sensitively, instead
///   of being analysed into tokens; and consecutive plain terms are one term
///   joined by single spaces (Lucene's `MultiTerm` rule with
///   `splitOnWhitespace = false`): `foo* a  b` matches the value `a b`;
/// * prefix and wildcard terms are not lower-cased (the keyword analyzer's
///   `normalize` is the identity);
/// * patterns are matched against whole values, not tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct KeywordQueryString {
    /// The Boolean clauses; empty matches nothing.
    pub clauses: Vec<Clause>,
}

impl KeywordQueryString {
    /// Parses `query` exactly as sent to Elasticsearch.
    pub fn parse(query: &str) -> Result<KeywordQueryString, QueryStringError> {
        let steps = parse_query_string(query)?;
        Ok(KeywordQueryString {
            clauses: compile_steps(&steps, FieldKind::Keyword),
        })
    }

    /// The query Kibana builds for a KQL wildcard value given as its literal
    /// pieces between unescaped `*`s.
    pub fn from_parts(parts: &[&str]) -> Result<KeywordQueryString, QueryStringError> {
        KeywordQueryString::parse(&kibana_query_string(parts))
    }

    /// True when a document whose field has these values matches.
    pub fn matches(&self, values: &[&str]) -> bool {
        boolean_matches(&self.clauses, |test| {
            test.matches_any(values, !values.is_empty())
        })
    }

    /// Like [`KeywordQueryString::matches`], with each clause's term test
    /// answered by the caller: for fields where clauses of different kinds read
    /// different values (a key of a flattened field, see the compiler).
    pub fn matches_by(&self, test: impl Fn(&TermTest) -> bool) -> bool {
        boolean_matches(&self.clauses, test)
    }
}

/// Kibana's `wildcard.toQueryStringQuery`
/// (`src/platform/packages/shared/kbn-es-query/src/kuery/node_types/wildcard.ts`):
/// each literal piece has `+ - = & | > < ! ( ) { } [ ] ^ " ~ * ? : \ /`
/// backslash-escaped, and the pieces are joined with `*`. Whitespace is not
/// escaped, so it separates query-string terms.
pub fn kibana_query_string(parts: &[&str]) -> String {
    let escaped: Vec<String> = parts.iter().map(|part| escape_query_string(part)).collect();
    escaped.join("*")
}

fn escape_query_string(part: &str) -> String {
    let mut escaped = String::with_capacity(part.len());
    for c in part.chars() {
        if "+-=&|><!(){}[]^\"~*?:\\/".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// How a clause takes part in the Boolean query (Lucene `BooleanClause.Occur`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occur {
    /// Optional; at least one must match when there is no [`Occur::Must`].
    Should,
    /// Required (`+term`, or either side of `AND`).
    Must,
    /// Prohibited (`-term`, `NOT term`).
    MustNot,
}

/// One clause of a parsed `query_string`.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// How the clause combines with the others.
    pub occur: Occur,
    /// What a term of the field must look like.
    pub test: TermTest,
}

/// A term-level test: against tokens on text fields, whole values on keywords.
#[derive(Clone, Debug, PartialEq)]
pub enum TermTest {
    /// Equal to one of these (a plain term analysed into several tokens
    /// matches when any of them does: the analysed query is a `should` list).
    AnyOf(Vec<String>),
    /// Starts with this (`foo*`: Lucene's prefix-term form).
    Prefix(String),
    /// Matches this pattern (any other term with `*` or `?`).
    Wildcard(Wildcard),
    /// A lone `*`: the field has a value (an `exists` query).
    Exists,
}

impl TermTest {
    /// True when one of `terms` passes; `has_value` answers [`TermTest::Exists`].
    pub fn matches_any(&self, terms: &[impl AsRef<str>], has_value: bool) -> bool {
        let mut terms = terms.iter().map(AsRef::as_ref);
        match self {
            TermTest::AnyOf(wanted) => terms.any(|term| wanted.iter().any(|w| w == term)),
            TermTest::Prefix(prefix) => terms.any(|term| term.starts_with(prefix.as_str())),
            TermTest::Wildcard(pattern) => terms.any(|term| pattern.matches(term)),
            TermTest::Exists => has_value,
        }
    }
}

/// Lucene `BooleanQuery` semantics over `clauses`: every `Must`, no `MustNot`,
/// and — when there is no `Must` — at least one `Should`. A query of only
/// `MustNot` clauses gets a match-all clause added by Elasticsearch
/// (`Queries.fixNegativeQueryIfNeeded`, called from
/// `QueryStringQueryParser.getBooleanQuery`), so it matches everything else.
fn boolean_matches(clauses: &[Clause], test: impl Fn(&TermTest) -> bool) -> bool {
    if clauses.is_empty() {
        return false;
    }
    let mut has_must = false;
    let mut any_should = false;
    let mut all_must_not = true;
    for clause in clauses {
        match clause.occur {
            Occur::Must if !test(&clause.test) => return false,
            Occur::MustNot if test(&clause.test) => return false,
            Occur::Must => has_must = true,
            Occur::Should => any_should = any_should || test(&clause.test),
            Occur::MustNot => continue,
        }
        all_must_not = false;
    }
    has_must || any_should || all_must_not
}

/// A wildcard pattern as Lucene's `WildcardQuery` reads it: `*` is any
/// sequence of code points, `?` one code point, `\x` a literal `x` (a trailing
/// `\` is a literal backslash).
///
/// Matching is linear in text and pattern when the pattern has no `?`, and
/// never worse than their product: the pattern is cut at its stars into
/// segments of fixed length, the first anchored at the start of the text,
/// the last at its end, and each one between at its leftmost place after
/// the one before (leftmost is always right when only stars separate them),
/// found with a substring search. No backtracking, so `*a*a*a*…*b` against a
/// long value costs no more than one pass per segment over what is left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wildcard {
    pieces: Vec<WildcardPiece>,
    /// The pieces between stars: always one more than the stars.
    segments: Vec<WildcardSegment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WildcardPiece {
    Literal(char),
    AnyChar,
    AnyString,
}

/// Literals and `?`, matching exactly as many code points as it has pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
struct WildcardSegment {
    pieces: Vec<WildcardPiece>,
    /// The segment's text, when it has no `?`: found by substring search.
    literal: Option<String>,
}

impl Wildcard {
    /// Reads a wildcard term, lower-casing its unescaped characters when
    /// `lower_case` is set.
    ///
    /// On a text field Elasticsearch normalises the pattern with the search
    /// analyzer — `LowerCaseFilter` for `standard` — but only the text between
    /// escapes and wildcards: an escaped character is kept as written
    /// (`StringFieldType.normalizeWildcardPattern` splits on `\\.` and
    /// `[?*]+`). Kibana only escapes characters without case, so for its
    /// queries this amounts to lower-casing the literal text.
    pub fn parse(term: &str, lower_case: bool) -> Wildcard {
        let mut pieces = Vec::new();
        let mut chars = term.chars();
        while let Some(c) = chars.next() {
            pieces.push(match c {
                '*' => WildcardPiece::AnyString,
                '?' => WildcardPiece::AnyChar,
                '\\' => WildcardPiece::Literal(chars.next().unwrap_or('\\')),
                _ if lower_case => WildcardPiece::Literal(java_lower_case(c)),
                _ => WildcardPiece::Literal(c),
            });
        }
        let segments = pieces
            .split(|piece| *piece == WildcardPiece::AnyString)
            .map(WildcardSegment::new)
            .collect();
        Wildcard { pieces, segments }
    }

    /// True when the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            // No star: the one segment is the whole text.
            return first.match_start(text) == Some(text.len());
        };
        let Some(after_first) = first.match_start(text) else {
            return false;
        };
        let Some(last_start) = last.match_end(&text[after_first..]) else {
            return false;
        };
        let mut between = &text[after_first..after_first + last_start];
        for segment in middle {
            match segment.find(between) {
                Some(after) => between = &between[after..],
                None => return false,
            }
        }
        true
    }
}

impl WildcardSegment {
    fn new(pieces: &[WildcardPiece]) -> WildcardSegment {
        let literal = pieces
            .iter()
            .map(|piece| match piece {
                WildcardPiece::Literal(c) => Some(*c),
                _ => None,
            })
            .collect();
        WildcardSegment {
            pieces: pieces.to_vec(),
            literal,
        }
    }

    /// Whether `c` is what `piece` matches.
    fn fits(piece: WildcardPiece, c: char) -> bool {
        match piece {
            WildcardPiece::Literal(literal) => literal == c,
            WildcardPiece::AnyChar | WildcardPiece::AnyString => true,
        }
    }

    /// The byte length of the match at the start of `text`, if it starts with one.
    fn match_start(&self, text: &str) -> Option<usize> {
        let mut chars = text.char_indices();
        for &piece in &self.pieces {
            match chars.next() {
                Some((_, c)) if Self::fits(piece, c) => {}
                _ => return None,
            }
        }
        Some(chars.next().map_or(text.len(), |(offset, _)| offset))
    }

    /// Where a match at the end of `text` starts, if it ends with one.
    fn match_end(&self, text: &str) -> Option<usize> {
        let mut chars = text.char_indices().rev();
        let mut start = text.len();
        for &piece in self.pieces.iter().rev() {
            match chars.next() {
                Some((offset, c)) if Self::fits(piece, c) => start = offset,
                _ => return None,
            }
        }
        Some(start)
    }

    /// Where the leftmost match in `text` ends, if there is one.
    fn find(&self, text: &str) -> Option<usize> {
        if let Some(literal) = &self.literal {
            // UTF-8 text matches UTF-8 text only at character boundaries.
            let start = memchr::memmem::find(text.as_bytes(), literal.as_bytes())?;
            return Some(start + literal.len());
        }
        text.char_indices().find_map(|(start, _)| {
            self.match_start(&text[start..])
                .map(|length| start + length)
        })
    }
}

impl fmt::Display for Wildcard {
    /// The pattern in Lucene's syntax, metacharacters of literals escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                WildcardPiece::AnyString => f.write_str("*")?,
                WildcardPiece::AnyChar => f.write_str("?")?,
                WildcardPiece::Literal(c @ ('*' | '?' | '\\')) => write!(f, "\\{c}")?,
                WildcardPiece::Literal(c) => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// query_string parsing (Lucene's classic QueryParser, as Elasticsearch uses it)
// ---------------------------------------------------------------------------

/// Why Elasticsearch would reject a `query_string`, or why this module cannot
/// evaluate it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryStringError {
    /// The query parser fails (a `ParseException`/`TokenMgrError`): the search
    /// request fails with a `query_shard_exception`.
    Syntax(String),
    /// Valid syntax Kibana never produces from KQL (it escapes every such
    /// character): fields, groups, phrases, ranges, boosts, fuzzy or regex terms.
    Unsupported(char),
}

impl fmt::Display for QueryStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryStringError::Syntax(reason) => write!(f, "invalid query_string: {reason}"),
            QueryStringError::Unsupported(c) => {
                write!(
                    f,
                    "query_string syntax `{c}` is not supported (Kibana always escapes it)"
                )
            }
        }
    }
}

impl std::error::Error for QueryStringError {}

/// The tokens of Lucene's `QueryParser.jj` that KQL-built queries can contain.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// `<TERM>`: no unescaped wildcard. Raw image, escapes included.
    Term(String),
    /// `<PREFIXTERM>`: a term whose only unescaped wildcard is one final `*`.
    /// Raw image without that `*`.
    Prefix(String),
    /// `<WILDTERM>`: any other run containing `*` or `?`. Raw image.
    Wild(String),
    /// `<STAR>`: a lone `*`.
    Star,
    And,
    Or,
    Not,
    Plus,
    Minus,
    /// `<BAREOPER>`: `+`, `-` or `!` followed by whitespace, read as a term.
    BareOperator(char),
}

/// `_WHITESPACE` of `QueryParser.jj`: only these five separate terms.
fn is_query_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{3000}')
}

/// Characters that end a term unless escaped (`_TERM_START_CHAR` excludes
/// them; `+` and `-` are allowed after the first character).
fn is_query_special(c: char) -> bool {
    is_query_whitespace(c) || "+-!():^[]\"{}~*?\\/".contains(c)
}

fn tokenize_query(query: &str) -> Result<Vec<Token>, QueryStringError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_query_whitespace(c) {
            i += 1;
        } else if matches!(c, '+' | '-' | '!') {
            let bare = chars
                .get(i + 1)
                .is_some_and(|&next| is_query_whitespace(next));
            tokens.push(match (c, bare) {
                (_, true) => Token::BareOperator(c),
                ('+', _) => Token::Plus,
                ('-', _) => Token::Minus,
                _ => Token::Not,
            });
            i += if bare { 2 } else { 1 };
        } else if c == '*' || c == '?' || c == '\\' || !is_query_special(c) {
            let end = term_end(&chars, i)?;
            tokens.push(classify_term(&chars[i..end]));
            i = end;
        } else {
            return Err(QueryStringError::Unsupported(c));
        }
    }
    Ok(tokens)
}

/// End of the longest `<WILDTERM>` starting at `start`: escaped pairs, `*`,
/// `?`, and term characters (plus `+`/`-` after the first).
fn term_end(chars: &[char], start: usize) -> Result<usize, QueryStringError> {
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            if i + 1 == chars.len() {
                return Err(QueryStringError::Syntax(
                    "term can not end with escape character".into(),
                ));
            }
            i += 2;
        } else if c == '*'
            || c == '?'
            || !is_query_special(c)
            || (i > start && (c == '+' || c == '-'))
        {
            i += 1;
        } else {
            break;
        }
    }
    Ok(i)
}

/// Picks the token kind JavaCC would: the longest match, ties going to the
/// earliest declared of `AND`/`OR`/`NOT`, `<STAR>`, `<TERM>`, `<PREFIXTERM>`,
/// `<WILDTERM>`.
fn classify_term(run: &[char]) -> Token {
    let image: String = run.iter().collect();
    let wildcards = unescaped_wildcard_positions(run);
    match (image.as_str(), wildcards.as_slice()) {
        ("*", _) => Token::Star,
        ("AND" | "&&", []) => Token::And,
        ("OR" | "||", []) => Token::Or,
        ("NOT", []) => Token::Not,
        (_, []) => Token::Term(image),
        (_, [last]) if *last == run.len() - 1 && run[*last] == '*' => {
            Token::Prefix(run[..*last].iter().collect())
        }
        _ => Token::Wild(image),
    }
}

fn unescaped_wildcard_positions(run: &[char]) -> Vec<usize> {
    let mut positions = Vec::new();
    let mut i = 0;
    while i < run.len() {
        match run[i] {
            '\\' => i += 1,
            '*' | '?' => positions.push(i),
            _ => {}
        }
        i += 1;
    }
    positions
}

/// Lucene's `discardEscapeChar`: drops escaping backslashes and decodes
/// `\uXXXX` (as UTF-16). Every bare term goes through it first, wildcard terms
/// included (`QueryParserBase.handleBareTokenQuery`), so a bad escape anywhere
/// is a syntax error.
fn discard_escapes(image: &str) -> Result<String, QueryStringError> {
    let mut units: Vec<u16> = Vec::with_capacity(image.len());
    let mut chars = image.chars();
    while let Some(c) = chars.next() {
        let c = if c == '\\' {
            match chars.next() {
                Some('u') => {
                    units.push(read_hex_unit(&mut chars)?);
                    continue;
                }
                Some(escaped) => escaped,
                None => {
                    return Err(QueryStringError::Syntax(
                        "term can not end with escape character".into(),
                    ));
                }
            }
        } else {
            c
        };
        let mut buffer = [0; 2];
        units.extend_from_slice(c.encode_utf16(&mut buffer));
    }
    Ok(String::from_utf16_lossy(&units))
}

fn read_hex_unit(chars: &mut std::str::Chars<'_>) -> Result<u16, QueryStringError> {
    let mut unit = 0u16;
    for _ in 0..4 {
        let digit = chars
            .next()
            .ok_or_else(|| QueryStringError::Syntax("truncated unicode escape sequence".into()))?
            .to_digit(16)
            .ok_or_else(|| {
                QueryStringError::Syntax("non-hex character in unicode escape".into())
            })?;
        unit = unit * 16 + digit as u16;
    }
    Ok(unit)
}

/// A bare term once its kind is known; text is unescaped except for wildcards.
#[derive(Clone, Debug, PartialEq)]
enum Bare {
    /// A plain term (or several joined by single spaces, see [`Step::multi_term`]).
    Plain(String),
    Prefix(String),
    /// The raw image: escapes are read by the wildcard pattern itself.
    Wildcard(String),
    Exists,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conjunction {
    None,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    None,
    Required,
    Prohibited,
}

/// One clause as parsed, before the field's analysis gives it a test.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    conjunction: Conjunction,
    modifier: Modifier,
    bare: Bare,
    /// From Lucene's `MultiTerm` production: consecutive plain terms are
    /// analysed as one text (`QueryParser.DEFAULT_SPLIT_ON_WHITESPACE` is
    /// false, and Elasticsearch no longer offers `split_on_whitespace`).
    multi_term: bool,
}

/// Parses `query` with the grammar of Lucene's classic `QueryParser.jj`
/// (`Query := (MultiTerm | Modifiers Clause) (MultiTerm | Conjunction Modifiers Clause)*`).
fn parse_query_string(query: &str) -> Result<Vec<Step>, QueryStringError> {
    // `QueryStringQueryParser.parse`: a blank query (Java `trim`) matches nothing.
    if query.chars().all(|c| c <= ' ') {
        return Ok(Vec::new());
    }
    let tokens = tokenize_query(query)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        steps: Vec::new(),
    };
    parser.query()?;
    Ok(parser.steps)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    steps: Vec<Step>,
}

impl Parser<'_> {
    fn query(&mut self) -> Result<(), QueryStringError> {
        let mut first = true;
        while first || self.at < self.tokens.len() {
            if self.multi_term_ahead() {
                self.multi_term()?;
            } else {
                let conjunction = if first {
                    Conjunction::None
                } else {
                    self.conjunction()
                };
                let modifier = self.modifier();
                let bare = self.clause()?;
                self.steps.push(Step {
                    conjunction,
                    modifier,
                    bare,
                    multi_term: false,
                });
            }
            first = false;
        }
        Ok(())
    }

    /// `MultiTerm` is taken when two `<TERM>`s follow and the token after the
    /// second is not `:`, `*`, `~`, `^`, `AND` or `OR`
    /// (`QueryParser.disallowedPostMultiTerm`).
    fn multi_term_ahead(&self) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Term(_)))
            && self.term_continues_multi(self.at + 1)
    }

    fn term_continues_multi(&self, at: usize) -> bool {
        matches!(self.tokens.get(at), Some(Token::Term(_)))
            && !matches!(
                self.tokens.get(at + 1),
                Some(Token::Star | Token::And | Token::Or)
            )
    }

    fn multi_term(&mut self) -> Result<(), QueryStringError> {
        let mut images = vec![self.term_image(self.at)];
        self.at += 1;
        while self.term_continues_multi(self.at) {
            images.push(self.term_image(self.at));
            self.at += 1;
        }
        let text = discard_escapes(&images.join(" "))?;
        self.steps.push(Step {
            conjunction: Conjunction::None,
            modifier: Modifier::None,
            bare: Bare::Plain(text),
            multi_term: true,
        });
        Ok(())
    }

    fn term_image(&self, at: usize) -> String {
        match &self.tokens[at] {
            Token::Term(image) => image.clone(),
            _ => unreachable!("multi_term_ahead checked for a term"),
        }
    }

    fn conjunction(&mut self) -> Conjunction {
        let conjunction = match self.tokens.get(self.at) {
            Some(Token::And) => Conjunction::And,
            Some(Token::Or) => Conjunction::Or,
            _ => return Conjunction::None,
        };
        self.at += 1;
        conjunction
    }

    fn modifier(&mut self) -> Modifier {
        let modifier = match self.tokens.get(self.at) {
            Some(Token::Plus) => Modifier::Required,
            Some(Token::Minus | Token::Not) => Modifier::Prohibited,
            _ => return Modifier::None,
        };
        self.at += 1;
        modifier
    }

    fn clause(&mut self) -> Result<Bare, QueryStringError> {
        let token = self.tokens.get(self.at).ok_or_else(|| {
            QueryStringError::Syntax("expected a term, found the end of the query".into())
        })?;
        let bare = match token {
            Token::Term(image) => Bare::Plain(discard_escapes(image)?),
            Token::BareOperator(c) => Bare::Plain(c.to_string()),
            Token::Prefix(image) => Bare::Prefix(discard_escapes(image)?),
            Token::Wild(image) => {
                discard_escapes(image)?;
                Bare::Wildcard(image.clone())
            }
            Token::Star => Bare::Exists,
            Token::And | Token::Or | Token::Not | Token::Plus | Token::Minus => {
                return Err(QueryStringError::Syntax(format!(
                    "expected a term, found {token:?}"
                )));
            }
        };
        self.at += 1;
        Ok(bare)
    }
}

/// How a field turns parsed terms into term tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldKind {
    /// Analysed with `standard`; patterns lower-cased.
    Text,
    /// Keyword analyzer: whole values, nothing normalised.
    Keyword,
}

/// Builds the Boolean clauses as Lucene's `QueryParserBase.addClause` and
/// `addMultiTermClauses` do, with the default operator OR.
fn compile_steps(steps: &[Step], kind: FieldKind) -> Vec<Clause> {
    let mut clauses = Vec::new();
    for step in steps {
        let test = term_test(&step.bare, kind);
        if step.multi_term {
            add_multi_term_clauses(&mut clauses, test, kind);
        } else {
            add_clause(&mut clauses, step.conjunction, step.modifier, test);
        }
    }
    clauses
}

/// The query Elasticsearch builds for one bare term; `None` when analysis
/// leaves no token (the clause is then dropped, as Lucene drops null queries).
fn term_test(bare: &Bare, kind: FieldKind) -> Option<TermTest> {
    let text = kind == FieldKind::Text;
    match bare {
        // `QueryStringQueryParser.getFieldQuery` → a `match` on the field.
        Bare::Plain(term) if text => Some(analyze(term))
            .filter(|t| !t.is_empty())
            .map(TermTest::AnyOf),
        Bare::Plain(term) => Some(TermTest::AnyOf(vec![term.clone()])),
        // `getPossiblyAnalyzedPrefixQuery` without analyze_wildcard: the
        // analyzer's `normalize` (lower-casing) on text, nothing on keywords.
        Bare::Prefix(prefix) if text => Some(TermTest::Prefix(
            prefix.chars().map(java_lower_case).collect(),
        )),
        Bare::Prefix(prefix) => Some(TermTest::Prefix(prefix.clone())),
        // `getWildcardQuerySingle` → `normalizedWildcardQuery`.
        Bare::Wildcard(pattern) => Some(TermTest::Wildcard(Wildcard::parse(pattern, text))),
        // `getWildcardQuerySingle("*")` → `existsQuery`.
        Bare::Exists => Some(TermTest::Exists),
    }
}

fn add_clause(
    clauses: &mut Vec<Clause>,
    conjunction: Conjunction,
    modifier: Modifier,
    test: Option<TermTest>,
) {
    // "If this term is introduced by AND, make the preceding term required,
    // unless it's already prohibited" — even when this term is dropped.
    if conjunction == Conjunction::And {
        if let Some(last) = clauses
            .last_mut()
            .filter(|last| last.occur != Occur::MustNot)
        {
            last.occur = Occur::Must;
        }
    }
    let Some(test) = test else { return };
    let occur = match modifier {
        Modifier::Prohibited => Occur::MustNot,
        Modifier::Required => Occur::Must,
        Modifier::None if conjunction == Conjunction::And => Occur::Must,
        Modifier::None => Occur::Should,
    };
    clauses.push(Clause { occur, test });
}

/// A multi-term's analysed terms become separate `Should` clauses when its
/// query is a Boolean query of term queries (text analysed into several
/// tokens); otherwise it is one `Should` clause.
fn add_multi_term_clauses(clauses: &mut Vec<Clause>, test: Option<TermTest>, kind: FieldKind) {
    let should = |test| Clause {
        occur: Occur::Should,
        test,
    };
    match test {
        Some(TermTest::AnyOf(terms)) if kind == FieldKind::Text => {
            clauses.extend(
                terms
                    .into_iter()
                    .map(|term| should(TermTest::AnyOf(vec![term]))),
            );
        }
        Some(test) => clauses.push(should(test)),
        None => {}
    }
}

// ---------------------------------------------------------------------------
// Unicode properties
// ---------------------------------------------------------------------------

/// The character properties Lucene's tokenizer grammar uses, for Unicode 12.1.
///
/// Generated from the Unicode Character Database 15.0 (Debian package
/// `unicode-data`): `auxiliary/WordBreakProperty.txt`, `Scripts.txt` (Han,
/// Hiragana), `LineBreak.txt` (SA), `emoji/emoji-data.txt`; code points whose
/// `DerivedAge.txt` is after 12.1 get no property except
/// Extended_Pictographic. The generator is the Python script in the comment
/// at the end of this file; the table lists, for each code point where the
/// properties change, the Word_Break value and the flags below.
mod ucd {
    // Word_Break values, by their short Unicode aliases.
    /// Other.
    pub const XX: u8 = 0;
    /// ALetter.
    pub const LE: u8 = 1;
    /// Hebrew_Letter.
    pub const HL: u8 = 2;
    /// Numeric.
    pub const NU: u8 = 3;
    /// Katakana.
    pub const KA: u8 = 4;
    /// ExtendNumLet (`_` and other connector punctuation).
    pub const EX: u8 = 5;
    /// MidLetter (`:` `·` …).
    pub const ML: u8 = 6;
    /// MidNum (`,` `;` …).
    pub const MN: u8 = 7;
    /// MidNumLet (`.` `’` …).
    pub const MB: u8 = 8;
    /// Single_Quote (`'`).
    pub const SQ: u8 = 9;
    /// Double_Quote (`"`).
    pub const DQ: u8 = 10;
    /// Extend (combining marks, variation selectors, skin tones, tags).
    pub const EXTEND: u8 = 11;
    /// Format.
    pub const FO: u8 = 12;
    /// ZWJ (U+200D).
    pub const ZWJ: u8 = 13;
    /// Regional_Indicator.
    pub const RI: u8 = 14;

    // Flags.
    /// Script=Han.
    pub const HAN: u8 = 1;
    /// Script=Hiragana.
    pub const HIRA: u8 = 2;
    /// Line_Break=Complex_Context (SA).
    pub const SA: u8 = 4;
    /// Lucene's `EmojiChar`: Extended_Pictographic, or Emoji other than
    /// `[0-9#*©®™〰〽]`, regional indicators and Emoji_Modifier.
    pub const EMO: u8 = 8;
    /// Emoji_Modifier (skin tones).
    pub const EMOD: u8 = 16;
    /// Emoji_Modifier_Base.
    pub const EBASE: u8 = 32;

    /// One table entry: the first code point of a range, its Word_Break value
    /// and its flags, packed as `start << 11 | wb << 7 | flags`.
    const fn e(start: u32, wb: u8, flags: u8) -> u32 {
        start << 11 | (wb as u32) << 7 | flags as u32
    }

    pub const fn unpack(entry: u32) -> (u8, u8) {
        (((entry >> 7) & 0xF) as u8, (entry & 0x7F) as u8)
    }

    /// The Word_Break value and flags of `c`.
    pub fn lookup(c: char) -> (u8, u8) {
        let code = c as u32;
        if let Some(&ascii) = ASCII.get(code as usize) {
            return ascii;
        }
        let table = property_table();
        let index = table.partition_point(|&entry| entry >> 11 <= code) - 1;
        unpack(table[index])
    }

    /// [`PROPERTY_TABLE`], unpacked from [`PACKED`] at its first use. An
    /// array, not a `Vec`: searched at a known length, tokenizing non-ASCII
    /// text took 1% more instructions than with the `const` table, not 6%
    /// (BENCHMARKS.md, stop 28); its zeros are not module data.
    pub fn property_table() -> &'static [u32; PROPERTY_TABLE.len()] {
        static TABLE: std::sync::OnceLock<[u32; PROPERTY_TABLE.len()]> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let mut bytes = PACKED.iter();
            let mut next = || read_leb128(&mut bytes);
            let mut table = [0; PROPERTY_TABLE.len()];
            let mut start = 0;
            for entry in &mut table {
                let (Some(step), Some(properties)) = (next(), next()) else {
                    break;
                };
                start += step;
                *entry = start << 11 | properties;
            }
            table
        })
    }

    /// [`PROPERTY_TABLE`] as the module ships it: per entry, how far its
    /// start is past the previous one's, then its Word_Break value and flags,
    /// each a LEB128 number. Why: the table itself is a run of growing `u32`s
    /// that gzip cannot shorten (7.9 KB, 5.7 KB gzipped); packed it is 5.0
    /// KB, 2.3 KB gzipped, and the `const` table is then only read at
    /// compile time, so it is not in the module.
    static PACKED: [u8; PACKED_LEN] = {
        let mut bytes = [0; PACKED_LEN];
        pack(&mut bytes);
        bytes
    };

    /// The length of [`PACKED`]: what [`pack`] writes into room for the longest packing.
    const PACKED_LEN: usize = pack(&mut [0; 2 * 5 * PROPERTY_TABLE.len()]);

    /// Writes the packed [`PROPERTY_TABLE`] at the start of `bytes`; returns its length.
    const fn pack(bytes: &mut [u8]) -> usize {
        let (mut length, mut index, mut previous) = (0, 0, 0);
        while index < PROPERTY_TABLE.len() {
            let entry = PROPERTY_TABLE[index];
            length = write_leb128(bytes, length, (entry >> 11) - previous);
            length = write_leb128(bytes, length, entry & 0x7FF);
            previous = entry >> 11;
            index += 1;
        }
        length
    }

    /// Writes `value` as LEB128 at `bytes[at..]`; returns where it ends.
    const fn write_leb128(bytes: &mut [u8], mut at: usize, mut value: u32) -> usize {
        while value >= 0x80 {
            bytes[at] = (value & 0x7F) as u8 | 0x80;
            value >>= 7;
            at += 1;
        }
        bytes[at] = value as u8;
        at + 1
    }

    /// The LEB128 number `bytes` start with, read from them.
    fn read_leb128(bytes: &mut std::slice::Iter<'_, u8>) -> Option<u32> {
        let (mut value, mut shift) = (0, 0);
        loop {
            let byte = *bytes.next()?;
            value |= u32::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    /// `lookup` for ASCII without the binary search: most log text is ASCII.
    const ASCII: [(u8, u8); 128] = {
        let mut table = [(0, 0); 128];
        let (mut code, mut index) = (0, 0);
        while code < 128 {
            while PROPERTY_TABLE[index + 1] >> 11 <= code {
                index += 1;
            }
            table[code as usize] = unpack(PROPERTY_TABLE[index]);
            code += 1;
        }
        table
    };

    #[rustfmt::skip]
    pub const PROPERTY_TABLE: [u32; 1986] = [
        e(0x00000,XX,0), e(0x00022,DQ,0), e(0x00023,XX,0), e(0x00027,SQ,0), e(0x00028,XX,0),
        e(0x0002C,MN,0), e(0x0002D,XX,0), e(0x0002E,MB,0), e(0x0002F,XX,0), e(0x00030,NU,0),
        e(0x0003A,ML,0), e(0x0003B,MN,0), e(0x0003C,XX,0), e(0x00041,LE,0), e(0x0005B,XX,0),
        e(0x0005F,EX,0), e(0x00060,XX,0), e(0x00061,LE,0), e(0x0007B,XX,0), e(0x000A9,XX,EMO),
        e(0x000AA,LE,0), e(0x000AB,XX,0), e(0x000AD,FO,0), e(0x000AE,XX,EMO), e(0x000AF,XX,0),
        e(0x000B5,LE,0), e(0x000B6,XX,0), e(0x000B7,ML,0), e(0x000B8,XX,0), e(0x000BA,LE,0),
        e(0x000BB,XX,0), e(0x000C0,LE,0), e(0x000D7,XX,0), e(0x000D8,LE,0), e(0x000F7,XX,0),
        e(0x000F8,LE,0), e(0x002D8,XX,0), e(0x002DE,LE,0), e(0x00300,EXTEND,0), e(0x00370,LE,0),
        e(0x00375,XX,0), e(0x00376,LE,0), e(0x00378,XX,0), e(0x0037A,LE,0), e(0x0037E,MN,0),
        e(0x0037F,LE,0), e(0x00380,XX,0), e(0x00386,LE,0), e(0x00387,ML,0), e(0x00388,LE,0),
        e(0x0038B,XX,0), e(0x0038C,LE,0), e(0x0038D,XX,0), e(0x0038E,LE,0), e(0x003A2,XX,0),
        e(0x003A3,LE,0), e(0x003F6,XX,0), e(0x003F7,LE,0), e(0x00482,XX,0), e(0x00483,EXTEND,0),
        e(0x0048A,LE,0), e(0x00530,XX,0), e(0x00531,LE,0), e(0x00557,XX,0), e(0x00559,LE,0),
        e(0x0055D,XX,0), e(0x0055E,LE,0), e(0x0055F,ML,0), e(0x00560,LE,0), e(0x00589,MN,0),
        e(0x0058A,LE,0), e(0x0058B,XX,0), e(0x00591,EXTEND,0), e(0x005BE,XX,0), e(0x005BF,EXTEND,0),
        e(0x005C0,XX,0), e(0x005C1,EXTEND,0), e(0x005C3,XX,0), e(0x005C4,EXTEND,0), e(0x005C6,XX,0),
        e(0x005C7,EXTEND,0), e(0x005C8,XX,0), e(0x005D0,HL,0), e(0x005EB,XX,0), e(0x005EF,HL,0),
        e(0x005F3,LE,0), e(0x005F4,ML,0), e(0x005F5,XX,0), e(0x00600,FO,0), e(0x00606,XX,0),
        e(0x0060C,MN,0), e(0x0060E,XX,0), e(0x00610,EXTEND,0), e(0x0061B,XX,0), e(0x0061C,FO,0),
        e(0x0061D,XX,0), e(0x00620,LE,0), e(0x0064B,EXTEND,0), e(0x00660,NU,0), e(0x0066A,XX,0),
        e(0x0066B,NU,0), e(0x0066C,MN,0), e(0x0066D,XX,0), e(0x0066E,LE,0), e(0x00670,EXTEND,0),
        e(0x00671,LE,0), e(0x006D4,XX,0), e(0x006D5,LE,0), e(0x006D6,EXTEND,0), e(0x006DD,FO,0),
        e(0x006DE,XX,0), e(0x006DF,EXTEND,0), e(0x006E5,LE,0), e(0x006E7,EXTEND,0), e(0x006E9,XX,0),
        e(0x006EA,EXTEND,0), e(0x006EE,LE,0), e(0x006F0,NU,0), e(0x006FA,LE,0), e(0x006FD,XX,0),
        e(0x006FF,LE,0), e(0x00700,XX,0), e(0x0070F,FO,0), e(0x00710,LE,0), e(0x00711,EXTEND,0),
        e(0x00712,LE,0), e(0x00730,EXTEND,0), e(0x0074B,XX,0), e(0x0074D,LE,0), e(0x007A6,EXTEND,0),
        e(0x007B1,LE,0), e(0x007B2,XX,0), e(0x007C0,NU,0), e(0x007CA,LE,0), e(0x007EB,EXTEND,0),
        e(0x007F4,LE,0), e(0x007F6,XX,0), e(0x007F8,MN,0), e(0x007F9,XX,0), e(0x007FA,LE,0),
        e(0x007FB,XX,0), e(0x007FD,EXTEND,0), e(0x007FE,XX,0), e(0x00800,LE,0), e(0x00816,EXTEND,0),
        e(0x0081A,LE,0), e(0x0081B,EXTEND,0), e(0x00824,LE,0), e(0x00825,EXTEND,0), e(0x00828,LE,0),
        e(0x00829,EXTEND,0), e(0x0082E,XX,0), e(0x00840,LE,0), e(0x00859,EXTEND,0), e(0x0085C,XX,0),
        e(0x00860,LE,0), e(0x0086B,XX,0), e(0x008A0,LE,0), e(0x008B5,XX,0), e(0x008B6,LE,0),
        e(0x008BE,XX,0), e(0x008D3,EXTEND,0), e(0x008E2,FO,0), e(0x008E3,EXTEND,0), e(0x00904,LE,0),
        e(0x0093A,EXTEND,0), e(0x0093D,LE,0), e(0x0093E,EXTEND,0), e(0x00950,LE,0),
        e(0x00951,EXTEND,0), e(0x00958,LE,0), e(0x00962,EXTEND,0), e(0x00964,XX,0), e(0x00966,NU,0),
        e(0x00970,XX,0), e(0x00971,LE,0), e(0x00981,EXTEND,0), e(0x00984,XX,0), e(0x00985,LE,0),
        e(0x0098D,XX,0), e(0x0098F,LE,0), e(0x00991,XX,0), e(0x00993,LE,0), e(0x009A9,XX,0),
        e(0x009AA,LE,0), e(0x009B1,XX,0), e(0x009B2,LE,0), e(0x009B3,XX,0), e(0x009B6,LE,0),
        e(0x009BA,XX,0), e(0x009BC,EXTEND,0), e(0x009BD,LE,0), e(0x009BE,EXTEND,0), e(0x009C5,XX,0),
        e(0x009C7,EXTEND,0), e(0x009C9,XX,0), e(0x009CB,EXTEND,0), e(0x009CE,LE,0), e(0x009CF,XX,0),
        e(0x009D7,EXTEND,0), e(0x009D8,XX,0), e(0x009DC,LE,0), e(0x009DE,XX,0), e(0x009DF,LE,0),
        e(0x009E2,EXTEND,0), e(0x009E4,XX,0), e(0x009E6,NU,0), e(0x009F0,LE,0), e(0x009F2,XX,0),
        e(0x009FC,LE,0), e(0x009FD,XX,0), e(0x009FE,EXTEND,0), e(0x009FF,XX,0), e(0x00A01,EXTEND,0),
        e(0x00A04,XX,0), e(0x00A05,LE,0), e(0x00A0B,XX,0), e(0x00A0F,LE,0), e(0x00A11,XX,0),
        e(0x00A13,LE,0), e(0x00A29,XX,0), e(0x00A2A,LE,0), e(0x00A31,XX,0), e(0x00A32,LE,0),
        e(0x00A34,XX,0), e(0x00A35,LE,0), e(0x00A37,XX,0), e(0x00A38,LE,0), e(0x00A3A,XX,0),
        e(0x00A3C,EXTEND,0), e(0x00A3D,XX,0), e(0x00A3E,EXTEND,0), e(0x00A43,XX,0),
        e(0x00A47,EXTEND,0), e(0x00A49,XX,0), e(0x00A4B,EXTEND,0), e(0x00A4E,XX,0),
        e(0x00A51,EXTEND,0), e(0x00A52,XX,0), e(0x00A59,LE,0), e(0x00A5D,XX,0), e(0x00A5E,LE,0),
        e(0x00A5F,XX,0), e(0x00A66,NU,0), e(0x00A70,EXTEND,0), e(0x00A72,LE,0), e(0x00A75,EXTEND,0),
        e(0x00A76,XX,0), e(0x00A81,EXTEND,0), e(0x00A84,XX,0), e(0x00A85,LE,0), e(0x00A8E,XX,0),
        e(0x00A8F,LE,0), e(0x00A92,XX,0), e(0x00A93,LE,0), e(0x00AA9,XX,0), e(0x00AAA,LE,0),
        e(0x00AB1,XX,0), e(0x00AB2,LE,0), e(0x00AB4,XX,0), e(0x00AB5,LE,0), e(0x00ABA,XX,0),
        e(0x00ABC,EXTEND,0), e(0x00ABD,LE,0), e(0x00ABE,EXTEND,0), e(0x00AC6,XX,0),
        e(0x00AC7,EXTEND,0), e(0x00ACA,XX,0), e(0x00ACB,EXTEND,0), e(0x00ACE,XX,0), e(0x00AD0,LE,0),
        e(0x00AD1,XX,0), e(0x00AE0,LE,0), e(0x00AE2,EXTEND,0), e(0x00AE4,XX,0), e(0x00AE6,NU,0),
        e(0x00AF0,XX,0), e(0x00AF9,LE,0), e(0x00AFA,EXTEND,0), e(0x00B00,XX,0), e(0x00B01,EXTEND,0),
        e(0x00B04,XX,0), e(0x00B05,LE,0), e(0x00B0D,XX,0), e(0x00B0F,LE,0), e(0x00B11,XX,0),
        e(0x00B13,LE,0), e(0x00B29,XX,0), e(0x00B2A,LE,0), e(0x00B31,XX,0), e(0x00B32,LE,0),
        e(0x00B34,XX,0), e(0x00B35,LE,0), e(0x00B3A,XX,0), e(0x00B3C,EXTEND,0), e(0x00B3D,LE,0),
        e(0x00B3E,EXTEND,0), e(0x00B45,XX,0), e(0x00B47,EXTEND,0), e(0x00B49,XX,0),
        e(0x00B4B,EXTEND,0), e(0x00B4E,XX,0), e(0x00B56,EXTEND,0), e(0x00B58,XX,0), e(0x00B5C,LE,0),
        e(0x00B5E,XX,0), e(0x00B5F,LE,0), e(0x00B62,EXTEND,0), e(0x00B64,XX,0), e(0x00B66,NU,0),
        e(0x00B70,XX,0), e(0x00B71,LE,0), e(0x00B72,XX,0), e(0x00B82,EXTEND,0), e(0x00B83,LE,0),
        e(0x00B84,XX,0), e(0x00B85,LE,0), e(0x00B8B,XX,0), e(0x00B8E,LE,0), e(0x00B91,XX,0),
        e(0x00B92,LE,0), e(0x00B96,XX,0), e(0x00B99,LE,0), e(0x00B9B,XX,0), e(0x00B9C,LE,0),
        e(0x00B9D,XX,0), e(0x00B9E,LE,0), e(0x00BA0,XX,0), e(0x00BA3,LE,0), e(0x00BA5,XX,0),
        e(0x00BA8,LE,0), e(0x00BAB,XX,0), e(0x00BAE,LE,0), e(0x00BBA,XX,0), e(0x00BBE,EXTEND,0),
        e(0x00BC3,XX,0), e(0x00BC6,EXTEND,0), e(0x00BC9,XX,0), e(0x00BCA,EXTEND,0), e(0x00BCE,XX,0),
        e(0x00BD0,LE,0), e(0x00BD1,XX,0), e(0x00BD7,EXTEND,0), e(0x00BD8,XX,0), e(0x00BE6,NU,0),
        e(0x00BF0,XX,0), e(0x00C00,EXTEND,0), e(0x00C05,LE,0), e(0x00C0D,XX,0), e(0x00C0E,LE,0),
        e(0x00C11,XX,0), e(0x00C12,LE,0), e(0x00C29,XX,0), e(0x00C2A,LE,0), e(0x00C3A,XX,0),
        e(0x00C3D,LE,0), e(0x00C3E,EXTEND,0), e(0x00C45,XX,0), e(0x00C46,EXTEND,0), e(0x00C49,XX,0),
        e(0x00C4A,EXTEND,0), e(0x00C4E,XX,0), e(0x00C55,EXTEND,0), e(0x00C57,XX,0), e(0x00C58,LE,0),
        e(0x00C5B,XX,0), e(0x00C60,LE,0), e(0x00C62,EXTEND,0), e(0x00C64,XX,0), e(0x00C66,NU,0),
        e(0x00C70,XX,0), e(0x00C80,LE,0), e(0x00C81,EXTEND,0), e(0x00C84,XX,0), e(0x00C85,LE,0),
        e(0x00C8D,XX,0), e(0x00C8E,LE,0), e(0x00C91,XX,0), e(0x00C92,LE,0), e(0x00CA9,XX,0),
        e(0x00CAA,LE,0), e(0x00CB4,XX,0), e(0x00CB5,LE,0), e(0x00CBA,XX,0), e(0x00CBC,EXTEND,0),
        e(0x00CBD,LE,0), e(0x00CBE,EXTEND,0), e(0x00CC5,XX,0), e(0x00CC6,EXTEND,0), e(0x00CC9,XX,0),
        e(0x00CCA,EXTEND,0), e(0x00CCE,XX,0), e(0x00CD5,EXTEND,0), e(0x00CD7,XX,0), e(0x00CDE,LE,0),
        e(0x00CDF,XX,0), e(0x00CE0,LE,0), e(0x00CE2,EXTEND,0), e(0x00CE4,XX,0), e(0x00CE6,NU,0),
        e(0x00CF0,XX,0), e(0x00CF1,LE,0), e(0x00CF3,XX,0), e(0x00D00,EXTEND,0), e(0x00D04,XX,0),
        e(0x00D05,LE,0), e(0x00D0D,XX,0), e(0x00D0E,LE,0), e(0x00D11,XX,0), e(0x00D12,LE,0),
        e(0x00D3B,EXTEND,0), e(0x00D3D,LE,0), e(0x00D3E,EXTEND,0), e(0x00D45,XX,0),
        e(0x00D46,EXTEND,0), e(0x00D49,XX,0), e(0x00D4A,EXTEND,0), e(0x00D4E,LE,0), e(0x00D4F,XX,0),
        e(0x00D54,LE,0), e(0x00D57,EXTEND,0), e(0x00D58,XX,0), e(0x00D5F,LE,0), e(0x00D62,EXTEND,0),
        e(0x00D64,XX,0), e(0x00D66,NU,0), e(0x00D70,XX,0), e(0x00D7A,LE,0), e(0x00D80,XX,0),
        e(0x00D82,EXTEND,0), e(0x00D84,XX,0), e(0x00D85,LE,0), e(0x00D97,XX,0), e(0x00D9A,LE,0),
        e(0x00DB2,XX,0), e(0x00DB3,LE,0), e(0x00DBC,XX,0), e(0x00DBD,LE,0), e(0x00DBE,XX,0),
        e(0x00DC0,LE,0), e(0x00DC7,XX,0), e(0x00DCA,EXTEND,0), e(0x00DCB,XX,0), e(0x00DCF,EXTEND,0),
        e(0x00DD5,XX,0), e(0x00DD6,EXTEND,0), e(0x00DD7,XX,0), e(0x00DD8,EXTEND,0), e(0x00DE0,XX,0),
        e(0x00DE6,NU,0), e(0x00DF0,XX,0), e(0x00DF2,EXTEND,0), e(0x00DF4,XX,0), e(0x00E01,XX,SA),
        e(0x00E31,EXTEND,SA), e(0x00E32,XX,SA), e(0x00E34,EXTEND,SA), e(0x00E3B,XX,0),
        e(0x00E40,XX,SA), e(0x00E47,EXTEND,SA), e(0x00E4F,XX,0), e(0x00E50,NU,0), e(0x00E5A,XX,0),
        e(0x00E81,XX,SA), e(0x00E83,XX,0), e(0x00E84,XX,SA), e(0x00E85,XX,0), e(0x00E86,XX,SA),
        e(0x00E8B,XX,0), e(0x00E8C,XX,SA), e(0x00EA4,XX,0), e(0x00EA5,XX,SA), e(0x00EA6,XX,0),
        e(0x00EA7,XX,SA), e(0x00EB1,EXTEND,SA), e(0x00EB2,XX,SA), e(0x00EB4,EXTEND,SA),
        e(0x00EBD,XX,SA), e(0x00EBE,XX,0), e(0x00EC0,XX,SA), e(0x00EC5,XX,0), e(0x00EC6,XX,SA),
        e(0x00EC7,XX,0), e(0x00EC8,EXTEND,SA), e(0x00ECE,XX,0), e(0x00ED0,NU,0), e(0x00EDA,XX,0),
        e(0x00EDC,XX,SA), e(0x00EE0,XX,0), e(0x00F00,LE,0), e(0x00F01,XX,0), e(0x00F18,EXTEND,0),
        e(0x00F1A,XX,0), e(0x00F20,NU,0), e(0x00F2A,XX,0), e(0x00F35,EXTEND,0), e(0x00F36,XX,0),
        e(0x00F37,EXTEND,0), e(0x00F38,XX,0), e(0x00F39,EXTEND,0), e(0x00F3A,XX,0),
        e(0x00F3E,EXTEND,0), e(0x00F40,LE,0), e(0x00F48,XX,0), e(0x00F49,LE,0), e(0x00F6D,XX,0),
        e(0x00F71,EXTEND,0), e(0x00F85,XX,0), e(0x00F86,EXTEND,0), e(0x00F88,LE,0),
        e(0x00F8D,EXTEND,0), e(0x00F98,XX,0), e(0x00F99,EXTEND,0), e(0x00FBD,XX,0),
        e(0x00FC6,EXTEND,0), e(0x00FC7,XX,0), e(0x01000,XX,SA), e(0x0102B,EXTEND,SA),
        e(0x0103F,XX,SA), e(0x01040,NU,0), e(0x0104A,XX,0), e(0x01050,XX,SA), e(0x01056,EXTEND,SA),
        e(0x0105A,XX,SA), e(0x0105E,EXTEND,SA), e(0x01061,XX,SA), e(0x01062,EXTEND,SA),
        e(0x01065,XX,SA), e(0x01067,EXTEND,SA), e(0x0106E,XX,SA), e(0x01071,EXTEND,SA),
        e(0x01075,XX,SA), e(0x01082,EXTEND,SA), e(0x0108E,XX,SA), e(0x0108F,EXTEND,SA),
        e(0x01090,NU,0), e(0x0109A,EXTEND,SA), e(0x0109E,XX,SA), e(0x010A0,LE,0), e(0x010C6,XX,0),
        e(0x010C7,LE,0), e(0x010C8,XX,0), e(0x010CD,LE,0), e(0x010CE,XX,0), e(0x010D0,LE,0),
        e(0x010FB,XX,0), e(0x010FC,LE,0), e(0x01249,XX,0), e(0x0124A,LE,0), e(0x0124E,XX,0),
        e(0x01250,LE,0), e(0x01257,XX,0), e(0x01258,LE,0), e(0x01259,XX,0), e(0x0125A,LE,0),
        e(0x0125E,XX,0), e(0x01260,LE,0), e(0x01289,XX,0), e(0x0128A,LE,0), e(0x0128E,XX,0),
        e(0x01290,LE,0), e(0x012B1,XX,0), e(0x012B2,LE,0), e(0x012B6,XX,0), e(0x012B8,LE,0),
        e(0x012BF,XX,0), e(0x012C0,LE,0), e(0x012C1,XX,0), e(0x012C2,LE,0), e(0x012C6,XX,0),
        e(0x012C8,LE,0), e(0x012D7,XX,0), e(0x012D8,LE,0), e(0x01311,XX,0), e(0x01312,LE,0),
        e(0x01316,XX,0), e(0x01318,LE,0), e(0x0135B,XX,0), e(0x0135D,EXTEND,0), e(0x01360,XX,0),
        e(0x01380,LE,0), e(0x01390,XX,0), e(0x013A0,LE,0), e(0x013F6,XX,0), e(0x013F8,LE,0),
        e(0x013FE,XX,0), e(0x01401,LE,0), e(0x0166D,XX,0), e(0x0166F,LE,0), e(0x01680,XX,0),
        e(0x01681,LE,0), e(0x0169B,XX,0), e(0x016A0,LE,0), e(0x016EB,XX,0), e(0x016EE,LE,0),
        e(0x016F9,XX,0), e(0x01700,LE,0), e(0x0170D,XX,0), e(0x0170E,LE,0), e(0x01712,EXTEND,0),
        e(0x01715,XX,0), e(0x01720,LE,0), e(0x01732,EXTEND,0), e(0x01735,XX,0), e(0x01740,LE,0),
        e(0x01752,EXTEND,0), e(0x01754,XX,0), e(0x01760,LE,0), e(0x0176D,XX,0), e(0x0176E,LE,0),
        e(0x01771,XX,0), e(0x01772,EXTEND,0), e(0x01774,XX,0), e(0x01780,XX,SA), e(0x017B4,EXTEND,SA),
        e(0x017D4,XX,0), e(0x017D7,XX,SA), e(0x017D8,XX,0), e(0x017DC,XX,SA), e(0x017DD,EXTEND,SA),
        e(0x017DE,XX,0), e(0x017E0,NU,0), e(0x017EA,XX,0), e(0x0180B,EXTEND,0), e(0x0180E,FO,0),
        e(0x0180F,XX,0), e(0x01810,NU,0), e(0x0181A,XX,0), e(0x01820,LE,0), e(0x01879,XX,0),
        e(0x01880,LE,0), e(0x01885,EXTEND,0), e(0x01887,LE,0), e(0x018A9,EXTEND,0), e(0x018AA,LE,0),
        e(0x018AB,XX,0), e(0x018B0,LE,0), e(0x018F6,XX,0), e(0x01900,LE,0), e(0x0191F,XX,0),
        e(0x01920,EXTEND,0), e(0x0192C,XX,0), e(0x01930,EXTEND,0), e(0x0193C,XX,0), e(0x01946,NU,0),
        e(0x01950,XX,SA), e(0x0196E,XX,0), e(0x01970,XX,SA), e(0x01975,XX,0), e(0x01980,XX,SA),
        e(0x019AC,XX,0), e(0x019B0,XX,SA), e(0x019CA,XX,0), e(0x019D0,NU,0), e(0x019DA,XX,SA),
        e(0x019DB,XX,0), e(0x019DE,XX,SA), e(0x019E0,XX,0), e(0x01A00,LE,0), e(0x01A17,EXTEND,0),
        e(0x01A1C,XX,0), e(0x01A20,XX,SA), e(0x01A55,EXTEND,SA), e(0x01A5F,XX,0),
        e(0x01A60,EXTEND,SA), e(0x01A7D,XX,0), e(0x01A7F,EXTEND,0), e(0x01A80,NU,0), e(0x01A8A,XX,0),
        e(0x01A90,NU,0), e(0x01A9A,XX,0), e(0x01AA0,XX,SA), e(0x01AAE,XX,0), e(0x01AB0,EXTEND,0),
        e(0x01ABF,XX,0), e(0x01B00,EXTEND,0), e(0x01B05,LE,0), e(0x01B34,EXTEND,0), e(0x01B45,LE,0),
        e(0x01B4C,XX,0), e(0x01B50,NU,0), e(0x01B5A,XX,0), e(0x01B6B,EXTEND,0), e(0x01B74,XX,0),
        e(0x01B80,EXTEND,0), e(0x01B83,LE,0), e(0x01BA1,EXTEND,0), e(0x01BAE,LE,0), e(0x01BB0,NU,0),
        e(0x01BBA,LE,0), e(0x01BE6,EXTEND,0), e(0x01BF4,XX,0), e(0x01C00,LE,0), e(0x01C24,EXTEND,0),
        e(0x01C38,XX,0), e(0x01C40,NU,0), e(0x01C4A,XX,0), e(0x01C4D,LE,0), e(0x01C50,NU,0),
        e(0x01C5A,LE,0), e(0x01C7E,XX,0), e(0x01C80,LE,0), e(0x01C89,XX,0), e(0x01C90,LE,0),
        e(0x01CBB,XX,0), e(0x01CBD,LE,0), e(0x01CC0,XX,0), e(0x01CD0,EXTEND,0), e(0x01CD3,XX,0),
        e(0x01CD4,EXTEND,0), e(0x01CE9,LE,0), e(0x01CED,EXTEND,0), e(0x01CEE,LE,0),
        e(0x01CF4,EXTEND,0), e(0x01CF5,LE,0), e(0x01CF7,EXTEND,0), e(0x01CFA,LE,0), e(0x01CFB,XX,0),
        e(0x01D00,LE,0), e(0x01DC0,EXTEND,0), e(0x01DFA,XX,0), e(0x01DFB,EXTEND,0), e(0x01E00,LE,0),
        e(0x01F16,XX,0), e(0x01F18,LE,0), e(0x01F1E,XX,0), e(0x01F20,LE,0), e(0x01F46,XX,0),
        e(0x01F48,LE,0), e(0x01F4E,XX,0), e(0x01F50,LE,0), e(0x01F58,XX,0), e(0x01F59,LE,0),
        e(0x01F5A,XX,0), e(0x01F5B,LE,0), e(0x01F5C,XX,0), e(0x01F5D,LE,0), e(0x01F5E,XX,0),
        e(0x01F5F,LE,0), e(0x01F7E,XX,0), e(0x01F80,LE,0), e(0x01FB5,XX,0), e(0x01FB6,LE,0),
        e(0x01FBD,XX,0), e(0x01FBE,LE,0), e(0x01FBF,XX,0), e(0x01FC2,LE,0), e(0x01FC5,XX,0),
        e(0x01FC6,LE,0), e(0x01FCD,XX,0), e(0x01FD0,LE,0), e(0x01FD4,XX,0), e(0x01FD6,LE,0),
        e(0x01FDC,XX,0), e(0x01FE0,LE,0), e(0x01FED,XX,0), e(0x01FF2,LE,0), e(0x01FF5,XX,0),
        e(0x01FF6,LE,0), e(0x01FFD,XX,0), e(0x0200C,EXTEND,0), e(0x0200D,ZWJ,0), e(0x0200E,FO,0),
        e(0x02010,XX,0), e(0x02018,MB,0), e(0x0201A,XX,0), e(0x02024,MB,0), e(0x02025,XX,0),
        e(0x02027,ML,0), e(0x02028,XX,0), e(0x0202A,FO,0), e(0x0202F,EX,0), e(0x02030,XX,0),
        e(0x0203C,XX,EMO), e(0x0203D,XX,0), e(0x0203F,EX,0), e(0x02041,XX,0), e(0x02044,MN,0),
        e(0x02045,XX,0), e(0x02049,XX,EMO), e(0x0204A,XX,0), e(0x02054,EX,0), e(0x02055,XX,0),
        e(0x02060,FO,0), e(0x02065,XX,0), e(0x02066,FO,0), e(0x02070,XX,0), e(0x02071,LE,0),
        e(0x02072,XX,0), e(0x0207F,LE,0), e(0x02080,XX,0), e(0x02090,LE,0), e(0x0209D,XX,0),
        e(0x020D0,EXTEND,0), e(0x020F1,XX,0), e(0x02102,LE,0), e(0x02103,XX,0), e(0x02107,LE,0),
        e(0x02108,XX,0), e(0x0210A,LE,0), e(0x02114,XX,0), e(0x02115,LE,0), e(0x02116,XX,0),
        e(0x02119,LE,0), e(0x0211E,XX,0), e(0x02122,XX,EMO), e(0x02123,XX,0), e(0x02124,LE,0),
        e(0x02125,XX,0), e(0x02126,LE,0), e(0x02127,XX,0), e(0x02128,LE,0), e(0x02129,XX,0),
        e(0x0212A,LE,0), e(0x0212E,XX,0), e(0x0212F,LE,0), e(0x02139,LE,EMO), e(0x0213A,XX,0),
        e(0x0213C,LE,0), e(0x02140,XX,0), e(0x02145,LE,0), e(0x0214A,XX,0), e(0x0214E,LE,0),
        e(0x0214F,XX,0), e(0x02160,LE,0), e(0x02189,XX,0), e(0x02194,XX,EMO), e(0x0219A,XX,0),
        e(0x021A9,XX,EMO), e(0x021AB,XX,0), e(0x0231A,XX,EMO), e(0x0231C,XX,0), e(0x02328,XX,EMO),
        e(0x02329,XX,0), e(0x02388,XX,EMO), e(0x02389,XX,0), e(0x023CF,XX,EMO), e(0x023D0,XX,0),
        e(0x023E9,XX,EMO), e(0x023F4,XX,0), e(0x023F8,XX,EMO), e(0x023FB,XX,0), e(0x024B6,LE,0),
        e(0x024C2,LE,EMO), e(0x024C3,LE,0), e(0x024EA,XX,0), e(0x025AA,XX,EMO), e(0x025AC,XX,0),
        e(0x025B6,XX,EMO), e(0x025B7,XX,0), e(0x025C0,XX,EMO), e(0x025C1,XX,0), e(0x025FB,XX,EMO),
        e(0x025FF,XX,0), e(0x02600,XX,EMO), e(0x02606,XX,0), e(0x02607,XX,EMO), e(0x02613,XX,0),
        e(0x02614,XX,EMO), e(0x0261D,XX,EMO|EBASE), e(0x0261E,XX,EMO), e(0x02686,XX,0),
        e(0x02690,XX,EMO), e(0x026F9,XX,EMO|EBASE), e(0x026FA,XX,EMO), e(0x02706,XX,0),
        e(0x02708,XX,EMO), e(0x0270A,XX,EMO|EBASE), e(0x0270E,XX,EMO), e(0x02713,XX,0),
        e(0x02714,XX,EMO), e(0x02715,XX,0), e(0x02716,XX,EMO), e(0x02717,XX,0), e(0x0271D,XX,EMO),
        e(0x0271E,XX,0), e(0x02721,XX,EMO), e(0x02722,XX,0), e(0x02728,XX,EMO), e(0x02729,XX,0),
        e(0x02733,XX,EMO), e(0x02735,XX,0), e(0x02744,XX,EMO), e(0x02745,XX,0), e(0x02747,XX,EMO),
        e(0x02748,XX,0), e(0x0274C,XX,EMO), e(0x0274D,XX,0), e(0x0274E,XX,EMO), e(0x0274F,XX,0),
        e(0x02753,XX,EMO), e(0x02756,XX,0), e(0x02757,XX,EMO), e(0x02758,XX,0), e(0x02763,XX,EMO),
        e(0x02768,XX,0), e(0x02795,XX,EMO), e(0x02798,XX,0), e(0x027A1,XX,EMO), e(0x027A2,XX,0),
        e(0x027B0,XX,EMO), e(0x027B1,XX,0), e(0x027BF,XX,EMO), e(0x027C0,XX,0), e(0x02934,XX,EMO),
        e(0x02936,XX,0), e(0x02B05,XX,EMO), e(0x02B08,XX,0), e(0x02B1B,XX,EMO), e(0x02B1D,XX,0),
        e(0x02B50,XX,EMO), e(0x02B51,XX,0), e(0x02B55,XX,EMO), e(0x02B56,XX,0), e(0x02C00,LE,0),
        e(0x02C2F,XX,0), e(0x02C30,LE,0), e(0x02C5F,XX,0), e(0x02C60,LE,0), e(0x02CE5,XX,0),
        e(0x02CEB,LE,0), e(0x02CEF,EXTEND,0), e(0x02CF2,LE,0), e(0x02CF4,XX,0), e(0x02D00,LE,0),
        e(0x02D26,XX,0), e(0x02D27,LE,0), e(0x02D28,XX,0), e(0x02D2D,LE,0), e(0x02D2E,XX,0),
        e(0x02D30,LE,0), e(0x02D68,XX,0), e(0x02D6F,LE,0), e(0x02D70,XX,0), e(0x02D7F,EXTEND,0),
        e(0x02D80,LE,0), e(0x02D97,XX,0), e(0x02DA0,LE,0), e(0x02DA7,XX,0), e(0x02DA8,LE,0),
        e(0x02DAF,XX,0), e(0x02DB0,LE,0), e(0x02DB7,XX,0), e(0x02DB8,LE,0), e(0x02DBF,XX,0),
        e(0x02DC0,LE,0), e(0x02DC7,XX,0), e(0x02DC8,LE,0), e(0x02DCF,XX,0), e(0x02DD0,LE,0),
        e(0x02DD7,XX,0), e(0x02DD8,LE,0), e(0x02DDF,XX,0), e(0x02DE0,EXTEND,0), e(0x02E00,XX,0),
        e(0x02E2F,LE,0), e(0x02E30,XX,0), e(0x02E80,XX,HAN), e(0x02E9A,XX,0), e(0x02E9B,XX,HAN),
        e(0x02EF4,XX,0), e(0x02F00,XX,HAN), e(0x02FD6,XX,0), e(0x03005,LE,HAN), e(0x03006,XX,0),
        e(0x03007,XX,HAN), e(0x03008,XX,0), e(0x03021,XX,HAN), e(0x0302A,EXTEND,0), e(0x03030,XX,EMO),
        e(0x03031,KA,0), e(0x03036,XX,0), e(0x03038,XX,HAN), e(0x0303B,LE,HAN), e(0x0303C,LE,0),
        e(0x0303D,XX,EMO), e(0x0303E,XX,0), e(0x03041,XX,HIRA), e(0x03097,XX,0), e(0x03099,EXTEND,0),
        e(0x0309B,KA,0), e(0x0309D,XX,HIRA), e(0x030A0,KA,0), e(0x030FB,XX,0), e(0x030FC,KA,0),
        e(0x03100,XX,0), e(0x03105,LE,0), e(0x03130,XX,0), e(0x03131,LE,0), e(0x0318F,XX,0),
        e(0x031A0,LE,0), e(0x031BB,XX,0), e(0x031F0,KA,0), e(0x03200,XX,0), e(0x03297,XX,EMO),
        e(0x03298,XX,0), e(0x03299,XX,EMO), e(0x0329A,XX,0), e(0x032D0,KA,0), e(0x032FF,XX,0),
        e(0x03300,KA,0), e(0x03358,XX,0), e(0x03400,XX,HAN), e(0x04DB6,XX,0), e(0x04E00,XX,HAN),
        e(0x09FF0,XX,0), e(0x0A000,LE,0), e(0x0A48D,XX,0), e(0x0A4D0,LE,0), e(0x0A4FE,XX,0),
        e(0x0A500,LE,0), e(0x0A60D,XX,0), e(0x0A610,LE,0), e(0x0A620,NU,0), e(0x0A62A,LE,0),
        e(0x0A62C,XX,0), e(0x0A640,LE,0), e(0x0A66F,EXTEND,0), e(0x0A673,XX,0), e(0x0A674,EXTEND,0),
        e(0x0A67E,XX,0), e(0x0A67F,LE,0), e(0x0A69E,EXTEND,0), e(0x0A6A0,LE,0), e(0x0A6F0,EXTEND,0),
        e(0x0A6F2,XX,0), e(0x0A708,LE,0), e(0x0A7C0,XX,0), e(0x0A7C2,LE,0), e(0x0A7C7,XX,0),
        e(0x0A7F7,LE,0), e(0x0A802,EXTEND,0), e(0x0A803,LE,0), e(0x0A806,EXTEND,0), e(0x0A807,LE,0),
        e(0x0A80B,EXTEND,0), e(0x0A80C,LE,0), e(0x0A823,EXTEND,0), e(0x0A828,XX,0), e(0x0A840,LE,0),
        e(0x0A874,XX,0), e(0x0A880,EXTEND,0), e(0x0A882,LE,0), e(0x0A8B4,EXTEND,0), e(0x0A8C6,XX,0),
        e(0x0A8D0,NU,0), e(0x0A8DA,XX,0), e(0x0A8E0,EXTEND,0), e(0x0A8F2,LE,0), e(0x0A8F8,XX,0),
        e(0x0A8FB,LE,0), e(0x0A8FC,XX,0), e(0x0A8FD,LE,0), e(0x0A8FF,EXTEND,0), e(0x0A900,NU,0),
        e(0x0A90A,LE,0), e(0x0A926,EXTEND,0), e(0x0A92E,XX,0), e(0x0A930,LE,0), e(0x0A947,EXTEND,0),
        e(0x0A954,XX,0), e(0x0A960,LE,0), e(0x0A97D,XX,0), e(0x0A980,EXTEND,0), e(0x0A984,LE,0),
        e(0x0A9B3,EXTEND,0), e(0x0A9C1,XX,0), e(0x0A9CF,LE,0), e(0x0A9D0,NU,0), e(0x0A9DA,XX,0),
        e(0x0A9E0,XX,SA), e(0x0A9E5,EXTEND,SA), e(0x0A9E6,XX,SA), e(0x0A9F0,NU,0), e(0x0A9FA,XX,SA),
        e(0x0A9FF,XX,0), e(0x0AA00,LE,0), e(0x0AA29,EXTEND,0), e(0x0AA37,XX,0), e(0x0AA40,LE,0),
        e(0x0AA43,EXTEND,0), e(0x0AA44,LE,0), e(0x0AA4C,EXTEND,0), e(0x0AA4E,XX,0), e(0x0AA50,NU,0),
        e(0x0AA5A,XX,0), e(0x0AA60,XX,SA), e(0x0AA7B,EXTEND,SA), e(0x0AA7E,XX,SA),
        e(0x0AAB0,EXTEND,SA), e(0x0AAB1,XX,SA), e(0x0AAB2,EXTEND,SA), e(0x0AAB5,XX,SA),
        e(0x0AAB7,EXTEND,SA), e(0x0AAB9,XX,SA), e(0x0AABE,EXTEND,SA), e(0x0AAC0,XX,SA),
        e(0x0AAC1,EXTEND,SA), e(0x0AAC2,XX,SA), e(0x0AAC3,XX,0), e(0x0AADB,XX,SA), e(0x0AAE0,LE,0),
        e(0x0AAEB,EXTEND,0), e(0x0AAF0,XX,0), e(0x0AAF2,LE,0), e(0x0AAF5,EXTEND,0), e(0x0AAF7,XX,0),
        e(0x0AB01,LE,0), e(0x0AB07,XX,0), e(0x0AB09,LE,0), e(0x0AB0F,XX,0), e(0x0AB11,LE,0),
        e(0x0AB17,XX,0), e(0x0AB20,LE,0), e(0x0AB27,XX,0), e(0x0AB28,LE,0), e(0x0AB2F,XX,0),
        e(0x0AB30,LE,0), e(0x0AB68,XX,0), e(0x0AB70,LE,0), e(0x0ABE3,EXTEND,0), e(0x0ABEB,XX,0),
        e(0x0ABEC,EXTEND,0), e(0x0ABEE,XX,0), e(0x0ABF0,NU,0), e(0x0ABFA,XX,0), e(0x0AC00,LE,0),
        e(0x0D7A4,XX,0), e(0x0D7B0,LE,0), e(0x0D7C7,XX,0), e(0x0D7CB,LE,0), e(0x0D7FC,XX,0),
        e(0x0F900,XX,HAN), e(0x0FA6E,XX,0), e(0x0FA70,XX,HAN), e(0x0FADA,XX,0), e(0x0FB00,LE,0),
        e(0x0FB07,XX,0), e(0x0FB13,LE,0), e(0x0FB18,XX,0), e(0x0FB1D,HL,0), e(0x0FB1E,EXTEND,0),
        e(0x0FB1F,HL,0), e(0x0FB29,XX,0), e(0x0FB2A,HL,0), e(0x0FB37,XX,0), e(0x0FB38,HL,0),
        e(0x0FB3D,XX,0), e(0x0FB3E,HL,0), e(0x0FB3F,XX,0), e(0x0FB40,HL,0), e(0x0FB42,XX,0),
        e(0x0FB43,HL,0), e(0x0FB45,XX,0), e(0x0FB46,HL,0), e(0x0FB50,LE,0), e(0x0FBB2,XX,0),
        e(0x0FBD3,LE,0), e(0x0FD3E,XX,0), e(0x0FD50,LE,0), e(0x0FD90,XX,0), e(0x0FD92,LE,0),
        e(0x0FDC8,XX,0), e(0x0FDF0,LE,0), e(0x0FDFC,XX,0), e(0x0FE00,EXTEND,0), e(0x0FE10,MN,0),
        e(0x0FE11,XX,0), e(0x0FE13,ML,0), e(0x0FE14,MN,0), e(0x0FE15,XX,0), e(0x0FE20,EXTEND,0),
        e(0x0FE30,XX,0), e(0x0FE33,EX,0), e(0x0FE35,XX,0), e(0x0FE4D,EX,0), e(0x0FE50,MN,0),
        e(0x0FE51,XX,0), e(0x0FE52,MB,0), e(0x0FE53,XX,0), e(0x0FE54,MN,0), e(0x0FE55,ML,0),
        e(0x0FE56,XX,0), e(0x0FE70,LE,0), e(0x0FE75,XX,0), e(0x0FE76,LE,0), e(0x0FEFD,XX,0),
        e(0x0FEFF,FO,0), e(0x0FF00,XX,0), e(0x0FF07,MB,0), e(0x0FF08,XX,0), e(0x0FF0C,MN,0),
        e(0x0FF0D,XX,0), e(0x0FF0E,MB,0), e(0x0FF0F,XX,0), e(0x0FF10,NU,0), e(0x0FF1A,ML,0),
        e(0x0FF1B,MN,0), e(0x0FF1C,XX,0), e(0x0FF21,LE,0), e(0x0FF3B,XX,0), e(0x0FF3F,EX,0),
        e(0x0FF40,XX,0), e(0x0FF41,LE,0), e(0x0FF5B,XX,0), e(0x0FF66,KA,0), e(0x0FF9E,EXTEND,0),
        e(0x0FFA0,LE,0), e(0x0FFBF,XX,0), e(0x0FFC2,LE,0), e(0x0FFC8,XX,0), e(0x0FFCA,LE,0),
        e(0x0FFD0,XX,0), e(0x0FFD2,LE,0), e(0x0FFD8,XX,0), e(0x0FFDA,LE,0), e(0x0FFDD,XX,0),
        e(0x0FFF9,FO,0), e(0x0FFFC,XX,0), e(0x10000,LE,0), e(0x1000C,XX,0), e(0x1000D,LE,0),
        e(0x10027,XX,0), e(0x10028,LE,0), e(0x1003B,XX,0), e(0x1003C,LE,0), e(0x1003E,XX,0),
        e(0x1003F,LE,0), e(0x1004E,XX,0), e(0x10050,LE,0), e(0x1005E,XX,0), e(0x10080,LE,0),
        e(0x100FB,XX,0), e(0x10140,LE,0), e(0x10175,XX,0), e(0x101FD,EXTEND,0), e(0x101FE,XX,0),
        e(0x10280,LE,0), e(0x1029D,XX,0), e(0x102A0,LE,0), e(0x102D1,XX,0), e(0x102E0,EXTEND,0),
        e(0x102E1,XX,0), e(0x10300,LE,0), e(0x10320,XX,0), e(0x1032D,LE,0), e(0x1034B,XX,0),
        e(0x10350,LE,0), e(0x10376,EXTEND,0), e(0x1037B,XX,0), e(0x10380,LE,0), e(0x1039E,XX,0),
        e(0x103A0,LE,0), e(0x103C4,XX,0), e(0x103C8,LE,0), e(0x103D0,XX,0), e(0x103D1,LE,0),
        e(0x103D6,XX,0), e(0x10400,LE,0), e(0x1049E,XX,0), e(0x104A0,NU,0), e(0x104AA,XX,0),
        e(0x104B0,LE,0), e(0x104D4,XX,0), e(0x104D8,LE,0), e(0x104FC,XX,0), e(0x10500,LE,0),
        e(0x10528,XX,0), e(0x10530,LE,0), e(0x10564,XX,0), e(0x10600,LE,0), e(0x10737,XX,0),
        e(0x10740,LE,0), e(0x10756,XX,0), e(0x10760,LE,0), e(0x10768,XX,0), e(0x10800,LE,0),
        e(0x10806,XX,0), e(0x10808,LE,0), e(0x10809,XX,0), e(0x1080A,LE,0), e(0x10836,XX,0),
        e(0x10837,LE,0), e(0x10839,XX,0), e(0x1083C,LE,0), e(0x1083D,XX,0), e(0x1083F,LE,0),
        e(0x10856,XX,0), e(0x10860,LE,0), e(0x10877,XX,0), e(0x10880,LE,0), e(0x1089F,XX,0),
        e(0x108E0,LE,0), e(0x108F3,XX,0), e(0x108F4,LE,0), e(0x108F6,XX,0), e(0x10900,LE,0),
        e(0x10916,XX,0), e(0x10920,LE,0), e(0x1093A,XX,0), e(0x10980,LE,0), e(0x109B8,XX,0),
        e(0x109BE,LE,0), e(0x109C0,XX,0), e(0x10A00,LE,0), e(0x10A01,EXTEND,0), e(0x10A04,XX,0),
        e(0x10A05,EXTEND,0), e(0x10A07,XX,0), e(0x10A0C,EXTEND,0), e(0x10A10,LE,0), e(0x10A14,XX,0),
        e(0x10A15,LE,0), e(0x10A18,XX,0), e(0x10A19,LE,0), e(0x10A36,XX,0), e(0x10A38,EXTEND,0),
        e(0x10A3B,XX,0), e(0x10A3F,EXTEND,0), e(0x10A40,XX,0), e(0x10A60,LE,0), e(0x10A7D,XX,0),
        e(0x10A80,LE,0), e(0x10A9D,XX,0), e(0x10AC0,LE,0), e(0x10AC8,XX,0), e(0x10AC9,LE,0),
        e(0x10AE5,EXTEND,0), e(0x10AE7,XX,0), e(0x10B00,LE,0), e(0x10B36,XX,0), e(0x10B40,LE,0),
        e(0x10B56,XX,0), e(0x10B60,LE,0), e(0x10B73,XX,0), e(0x10B80,LE,0), e(0x10B92,XX,0),
        e(0x10C00,LE,0), e(0x10C49,XX,0), e(0x10C80,LE,0), e(0x10CB3,XX,0), e(0x10CC0,LE,0),
        e(0x10CF3,XX,0), e(0x10D00,LE,0), e(0x10D24,EXTEND,0), e(0x10D28,XX,0), e(0x10D30,NU,0),
        e(0x10D3A,XX,0), e(0x10F00,LE,0), e(0x10F1D,XX,0), e(0x10F27,LE,0), e(0x10F28,XX,0),
        e(0x10F30,LE,0), e(0x10F46,EXTEND,0), e(0x10F51,XX,0), e(0x10FE0,LE,0), e(0x10FF7,XX,0),
        e(0x11000,EXTEND,0), e(0x11003,LE,0), e(0x11038,EXTEND,0), e(0x11047,XX,0), e(0x11066,NU,0),
        e(0x11070,XX,0), e(0x1107F,EXTEND,0), e(0x11083,LE,0), e(0x110B0,EXTEND,0), e(0x110BB,XX,0),
        e(0x110BD,FO,0), e(0x110BE,XX,0), e(0x110CD,FO,0), e(0x110CE,XX,0), e(0x110D0,LE,0),
        e(0x110E9,XX,0), e(0x110F0,NU,0), e(0x110FA,XX,0), e(0x11100,EXTEND,0), e(0x11103,LE,0),
        e(0x11127,EXTEND,0), e(0x11135,XX,0), e(0x11136,NU,0), e(0x11140,XX,0), e(0x11144,LE,0),
        e(0x11145,EXTEND,0), e(0x11147,XX,0), e(0x11150,LE,0), e(0x11173,EXTEND,0), e(0x11174,XX,0),
        e(0x11176,LE,0), e(0x11177,XX,0), e(0x11180,EXTEND,0), e(0x11183,LE,0), e(0x111B3,EXTEND,0),
        e(0x111C1,LE,0), e(0x111C5,XX,0), e(0x111C9,EXTEND,0), e(0x111CD,XX,0), e(0x111D0,NU,0),
        e(0x111DA,LE,0), e(0x111DB,XX,0), e(0x111DC,LE,0), e(0x111DD,XX,0), e(0x11200,LE,0),
        e(0x11212,XX,0), e(0x11213,LE,0), e(0x1122C,EXTEND,0), e(0x11238,XX,0), e(0x1123E,EXTEND,0),
        e(0x1123F,XX,0), e(0x11280,LE,0), e(0x11287,XX,0), e(0x11288,LE,0), e(0x11289,XX,0),
        e(0x1128A,LE,0), e(0x1128E,XX,0), e(0x1128F,LE,0), e(0x1129E,XX,0), e(0x1129F,LE,0),
        e(0x112A9,XX,0), e(0x112B0,LE,0), e(0x112DF,EXTEND,0), e(0x112EB,XX,0), e(0x112F0,NU,0),
        e(0x112FA,XX,0), e(0x11300,EXTEND,0), e(0x11304,XX,0), e(0x11305,LE,0), e(0x1130D,XX,0),
        e(0x1130F,LE,0), e(0x11311,XX,0), e(0x11313,LE,0), e(0x11329,XX,0), e(0x1132A,LE,0),
        e(0x11331,XX,0), e(0x11332,LE,0), e(0x11334,XX,0), e(0x11335,LE,0), e(0x1133A,XX,0),
        e(0x1133B,EXTEND,0), e(0x1133D,LE,0), e(0x1133E,EXTEND,0), e(0x11345,XX,0),
        e(0x11347,EXTEND,0), e(0x11349,XX,0), e(0x1134B,EXTEND,0), e(0x1134E,XX,0), e(0x11350,LE,0),
        e(0x11351,XX,0), e(0x11357,EXTEND,0), e(0x11358,XX,0), e(0x1135D,LE,0), e(0x11362,EXTEND,0),
        e(0x11364,XX,0), e(0x11366,EXTEND,0), e(0x1136D,XX,0), e(0x11370,EXTEND,0), e(0x11375,XX,0),
        e(0x11400,LE,0), e(0x11435,EXTEND,0), e(0x11447,LE,0), e(0x1144B,XX,0), e(0x11450,NU,0),
        e(0x1145A,XX,0), e(0x1145E,EXTEND,0), e(0x1145F,LE,0), e(0x11460,XX,0), e(0x11480,LE,0),
        e(0x114B0,EXTEND,0), e(0x114C4,LE,0), e(0x114C6,XX,0), e(0x114C7,LE,0), e(0x114C8,XX,0),
        e(0x114D0,NU,0), e(0x114DA,XX,0), e(0x11580,LE,0), e(0x115AF,EXTEND,0), e(0x115B6,XX,0),
        e(0x115B8,EXTEND,0), e(0x115C1,XX,0), e(0x115D8,LE,0), e(0x115DC,EXTEND,0), e(0x115DE,XX,0),
        e(0x11600,LE,0), e(0x11630,EXTEND,0), e(0x11641,XX,0), e(0x11644,LE,0), e(0x11645,XX,0),
        e(0x11650,NU,0), e(0x1165A,XX,0), e(0x11680,LE,0), e(0x116AB,EXTEND,0), e(0x116B8,LE,0),
        e(0x116B9,XX,0), e(0x116C0,NU,0), e(0x116CA,XX,0), e(0x11700,XX,SA), e(0x1171B,XX,0),
        e(0x1171D,EXTEND,SA), e(0x1172C,XX,0), e(0x11730,NU,0), e(0x1173A,XX,SA), e(0x1173C,XX,0),
        e(0x1173F,XX,SA), e(0x11740,XX,0), e(0x11800,LE,0), e(0x1182C,EXTEND,0), e(0x1183B,XX,0),
        e(0x118A0,LE,0), e(0x118E0,NU,0), e(0x118EA,XX,0), e(0x118FF,LE,0), e(0x11900,XX,0),
        e(0x119A0,LE,0), e(0x119A8,XX,0), e(0x119AA,LE,0), e(0x119D1,EXTEND,0), e(0x119D8,XX,0),
        e(0x119DA,EXTEND,0), e(0x119E1,LE,0), e(0x119E2,XX,0), e(0x119E3,LE,0), e(0x119E4,EXTEND,0),
        e(0x119E5,XX,0), e(0x11A00,LE,0), e(0x11A01,EXTEND,0), e(0x11A0B,LE,0), e(0x11A33,EXTEND,0),
        e(0x11A3A,LE,0), e(0x11A3B,EXTEND,0), e(0x11A3F,XX,0), e(0x11A47,EXTEND,0), e(0x11A48,XX,0),
        e(0x11A50,LE,0), e(0x11A51,EXTEND,0), e(0x11A5C,LE,0), e(0x11A8A,EXTEND,0), e(0x11A9A,XX,0),
        e(0x11A9D,LE,0), e(0x11A9E,XX,0), e(0x11AC0,LE,0), e(0x11AF9,XX,0), e(0x11C00,LE,0),
        e(0x11C09,XX,0), e(0x11C0A,LE,0), e(0x11C2F,EXTEND,0), e(0x11C37,XX,0), e(0x11C38,EXTEND,0),
        e(0x11C40,LE,0), e(0x11C41,XX,0), e(0x11C50,NU,0), e(0x11C5A,XX,0), e(0x11C72,LE,0),
        e(0x11C90,XX,0), e(0x11C92,EXTEND,0), e(0x11CA8,XX,0), e(0x11CA9,EXTEND,0), e(0x11CB7,XX,0),
        e(0x11D00,LE,0), e(0x11D07,XX,0), e(0x11D08,LE,0), e(0x11D0A,XX,0), e(0x11D0B,LE,0),
        e(0x11D31,EXTEND,0), e(0x11D37,XX,0), e(0x11D3A,EXTEND,0), e(0x11D3B,XX,0),
        e(0x11D3C,EXTEND,0), e(0x11D3E,XX,0), e(0x11D3F,EXTEND,0), e(0x11D46,LE,0),
        e(0x11D47,EXTEND,0), e(0x11D48,XX,0), e(0x11D50,NU,0), e(0x11D5A,XX,0), e(0x11D60,LE,0),
        e(0x11D66,XX,0), e(0x11D67,LE,0), e(0x11D69,XX,0), e(0x11D6A,LE,0), e(0x11D8A,EXTEND,0),
        e(0x11D8F,XX,0), e(0x11D90,EXTEND,0), e(0x11D92,XX,0), e(0x11D93,EXTEND,0), e(0x11D98,LE,0),
        e(0x11D99,XX,0), e(0x11DA0,NU,0), e(0x11DAA,XX,0), e(0x11EE0,LE,0), e(0x11EF3,EXTEND,0),
        e(0x11EF7,XX,0), e(0x12000,LE,0), e(0x1239A,XX,0), e(0x12400,LE,0), e(0x1246F,XX,0),
        e(0x12480,LE,0), e(0x12544,XX,0), e(0x13000,LE,0), e(0x1342F,XX,0), e(0x13430,FO,0),
        e(0x13439,XX,0), e(0x14400,LE,0), e(0x14647,XX,0), e(0x16800,LE,0), e(0x16A39,XX,0),
        e(0x16A40,LE,0), e(0x16A5F,XX,0), e(0x16A60,NU,0), e(0x16A6A,XX,0), e(0x16AD0,LE,0),
        e(0x16AEE,XX,0), e(0x16AF0,EXTEND,0), e(0x16AF5,XX,0), e(0x16B00,LE,0), e(0x16B30,EXTEND,0),
        e(0x16B37,XX,0), e(0x16B40,LE,0), e(0x16B44,XX,0), e(0x16B50,NU,0), e(0x16B5A,XX,0),
        e(0x16B63,LE,0), e(0x16B78,XX,0), e(0x16B7D,LE,0), e(0x16B90,XX,0), e(0x16E40,LE,0),
        e(0x16E80,XX,0), e(0x16F00,LE,0), e(0x16F4B,XX,0), e(0x16F4F,EXTEND,0), e(0x16F50,LE,0),
        e(0x16F51,EXTEND,0), e(0x16F88,XX,0), e(0x16F8F,EXTEND,0), e(0x16F93,LE,0), e(0x16FA0,XX,0),
        e(0x16FE0,LE,0), e(0x16FE2,XX,HAN), e(0x16FE3,LE,HAN), e(0x16FE4,XX,0), e(0x1B000,KA,0),
        e(0x1B001,XX,HIRA), e(0x1B11F,XX,0), e(0x1B150,XX,HIRA), e(0x1B153,XX,0), e(0x1B164,KA,0),
        e(0x1B168,XX,0), e(0x1BC00,LE,0), e(0x1BC6B,XX,0), e(0x1BC70,LE,0), e(0x1BC7D,XX,0),
        e(0x1BC80,LE,0), e(0x1BC89,XX,0), e(0x1BC90,LE,0), e(0x1BC9A,XX,0), e(0x1BC9D,EXTEND,0),
        e(0x1BC9F,XX,0), e(0x1BCA0,FO,0), e(0x1BCA4,XX,0), e(0x1D165,EXTEND,0), e(0x1D16A,XX,0),
        e(0x1D16D,EXTEND,0), e(0x1D173,FO,0), e(0x1D17B,EXTEND,0), e(0x1D183,XX,0),
        e(0x1D185,EXTEND,0), e(0x1D18C,XX,0), e(0x1D1AA,EXTEND,0), e(0x1D1AE,XX,0),
        e(0x1D242,EXTEND,0), e(0x1D245,XX,0), e(0x1D400,LE,0), e(0x1D455,XX,0), e(0x1D456,LE,0),
        e(0x1D49D,XX,0), e(0x1D49E,LE,0), e(0x1D4A0,XX,0), e(0x1D4A2,LE,0), e(0x1D4A3,XX,0),
        e(0x1D4A5,LE,0), e(0x1D4A7,XX,0), e(0x1D4A9,LE,0), e(0x1D4AD,XX,0), e(0x1D4AE,LE,0),
        e(0x1D4BA,XX,0), e(0x1D4BB,LE,0), e(0x1D4BC,XX,0), e(0x1D4BD,LE,0), e(0x1D4C4,XX,0),
        e(0x1D4C5,LE,0), e(0x1D506,XX,0), e(0x1D507,LE,0), e(0x1D50B,XX,0), e(0x1D50D,LE,0),
        e(0x1D515,XX,0), e(0x1D516,LE,0), e(0x1D51D,XX,0), e(0x1D51E,LE,0), e(0x1D53A,XX,0),
        e(0x1D53B,LE,0), e(0x1D53F,XX,0), e(0x1D540,LE,0), e(0x1D545,XX,0), e(0x1D546,LE,0),
        e(0x1D547,XX,0), e(0x1D54A,LE,0), e(0x1D551,XX,0), e(0x1D552,LE,0), e(0x1D6A6,XX,0),
        e(0x1D6A8,LE,0), e(0x1D6C1,XX,0), e(0x1D6C2,LE,0), e(0x1D6DB,XX,0), e(0x1D6DC,LE,0),
        e(0x1D6FB,XX,0), e(0x1D6FC,LE,0), e(0x1D715,XX,0), e(0x1D716,LE,0), e(0x1D735,XX,0),
        e(0x1D736,LE,0), e(0x1D74F,XX,0), e(0x1D750,LE,0), e(0x1D76F,XX,0), e(0x1D770,LE,0),
        e(0x1D789,XX,0), e(0x1D78A,LE,0), e(0x1D7A9,XX,0), e(0x1D7AA,LE,0), e(0x1D7C3,XX,0),
        e(0x1D7C4,LE,0), e(0x1D7CC,XX,0), e(0x1D7CE,NU,0), e(0x1D800,XX,0), e(0x1DA00,EXTEND,0),
        e(0x1DA37,XX,0), e(0x1DA3B,EXTEND,0), e(0x1DA6D,XX,0), e(0x1DA75,EXTEND,0), e(0x1DA76,XX,0),
        e(0x1DA84,EXTEND,0), e(0x1DA85,XX,0), e(0x1DA9B,EXTEND,0), e(0x1DAA0,XX,0),
        e(0x1DAA1,EXTEND,0), e(0x1DAB0,XX,0), e(0x1E000,EXTEND,0), e(0x1E007,XX,0),
        e(0x1E008,EXTEND,0), e(0x1E019,XX,0), e(0x1E01B,EXTEND,0), e(0x1E022,XX,0),
        e(0x1E023,EXTEND,0), e(0x1E025,XX,0), e(0x1E026,EXTEND,0), e(0x1E02B,XX,0), e(0x1E100,LE,0),
        e(0x1E12D,XX,0), e(0x1E130,EXTEND,0), e(0x1E137,LE,0), e(0x1E13E,XX,0), e(0x1E140,NU,0),
        e(0x1E14A,XX,0), e(0x1E14E,LE,0), e(0x1E14F,XX,0), e(0x1E2C0,LE,0), e(0x1E2EC,EXTEND,0),
        e(0x1E2F0,NU,0), e(0x1E2FA,XX,0), e(0x1E800,LE,0), e(0x1E8C5,XX,0), e(0x1E8D0,EXTEND,0),
        e(0x1E8D7,XX,0), e(0x1E900,LE,0), e(0x1E944,EXTEND,0), e(0x1E94B,LE,0), e(0x1E94C,XX,0),
        e(0x1E950,NU,0), e(0x1E95A,XX,0), e(0x1EE00,LE,0), e(0x1EE04,XX,0), e(0x1EE05,LE,0),
        e(0x1EE20,XX,0), e(0x1EE21,LE,0), e(0x1EE23,XX,0), e(0x1EE24,LE,0), e(0x1EE25,XX,0),
        e(0x1EE27,LE,0), e(0x1EE28,XX,0), e(0x1EE29,LE,0), e(0x1EE33,XX,0), e(0x1EE34,LE,0),
        e(0x1EE38,XX,0), e(0x1EE39,LE,0), e(0x1EE3A,XX,0), e(0x1EE3B,LE,0), e(0x1EE3C,XX,0),
        e(0x1EE42,LE,0), e(0x1EE43,XX,0), e(0x1EE47,LE,0), e(0x1EE48,XX,0), e(0x1EE49,LE,0),
        e(0x1EE4A,XX,0), e(0x1EE4B,LE,0), e(0x1EE4C,XX,0), e(0x1EE4D,LE,0), e(0x1EE50,XX,0),
        e(0x1EE51,LE,0), e(0x1EE53,XX,0), e(0x1EE54,LE,0), e(0x1EE55,XX,0), e(0x1EE57,LE,0),
        e(0x1EE58,XX,0), e(0x1EE59,LE,0), e(0x1EE5A,XX,0), e(0x1EE5B,LE,0), e(0x1EE5C,XX,0),
        e(0x1EE5D,LE,0), e(0x1EE5E,XX,0), e(0x1EE5F,LE,0), e(0x1EE60,XX,0), e(0x1EE61,LE,0),
        e(0x1EE63,XX,0), e(0x1EE64,LE,0), e(0x1EE65,XX,0), e(0x1EE67,LE,0), e(0x1EE6B,XX,0),
        e(0x1EE6C,LE,0), e(0x1EE73,XX,0), e(0x1EE74,LE,0), e(0x1EE78,XX,0), e(0x1EE79,LE,0),
        e(0x1EE7D,XX,0), e(0x1EE7E,LE,0), e(0x1EE7F,XX,0), e(0x1EE80,LE,0), e(0x1EE8A,XX,0),
        e(0x1EE8B,LE,0), e(0x1EE9C,XX,0), e(0x1EEA1,LE,0), e(0x1EEA4,XX,0), e(0x1EEA5,LE,0),
        e(0x1EEAA,XX,0), e(0x1EEAB,LE,0), e(0x1EEBC,XX,0), e(0x1F000,XX,EMO), e(0x1F100,XX,0),
        e(0x1F10D,XX,EMO), e(0x1F110,XX,0), e(0x1F12F,XX,EMO), e(0x1F130,LE,0), e(0x1F14A,XX,0),
        e(0x1F150,LE,0), e(0x1F16A,XX,0), e(0x1F16C,XX,EMO), e(0x1F170,LE,EMO), e(0x1F172,LE,0),
        e(0x1F17E,LE,EMO), e(0x1F180,LE,0), e(0x1F18A,XX,0), e(0x1F18E,XX,EMO), e(0x1F18F,XX,0),
        e(0x1F191,XX,EMO), e(0x1F19B,XX,0), e(0x1F1AD,XX,EMO), e(0x1F1E6,RI,0), e(0x1F200,XX,HIRA),
        e(0x1F201,XX,EMO), e(0x1F210,XX,0), e(0x1F21A,XX,EMO), e(0x1F21B,XX,0), e(0x1F22F,XX,EMO),
        e(0x1F230,XX,0), e(0x1F232,XX,EMO), e(0x1F23B,XX,0), e(0x1F23C,XX,EMO), e(0x1F240,XX,0),
        e(0x1F249,XX,EMO), e(0x1F385,XX,EMO|EBASE), e(0x1F386,XX,EMO), e(0x1F3C2,XX,EMO|EBASE),
        e(0x1F3C5,XX,EMO), e(0x1F3C7,XX,EMO|EBASE), e(0x1F3C8,XX,EMO), e(0x1F3CA,XX,EMO|EBASE),
        e(0x1F3CD,XX,EMO), e(0x1F3FB,EXTEND,EMOD), e(0x1F400,XX,EMO), e(0x1F442,XX,EMO|EBASE),
        e(0x1F444,XX,EMO), e(0x1F446,XX,EMO|EBASE), e(0x1F451,XX,EMO), e(0x1F466,XX,EMO|EBASE),
        e(0x1F479,XX,EMO), e(0x1F47C,XX,EMO|EBASE), e(0x1F47D,XX,EMO), e(0x1F481,XX,EMO|EBASE),
        e(0x1F484,XX,EMO), e(0x1F485,XX,EMO|EBASE), e(0x1F488,XX,EMO), e(0x1F48F,XX,EMO|EBASE),
        e(0x1F490,XX,EMO), e(0x1F491,XX,EMO|EBASE), e(0x1F492,XX,EMO), e(0x1F4AA,XX,EMO|EBASE),
        e(0x1F4AB,XX,EMO), e(0x1F53E,XX,0), e(0x1F546,XX,EMO), e(0x1F574,XX,EMO|EBASE),
        e(0x1F576,XX,EMO), e(0x1F57A,XX,EMO|EBASE), e(0x1F57B,XX,EMO), e(0x1F590,XX,EMO|EBASE),
        e(0x1F591,XX,EMO), e(0x1F595,XX,EMO|EBASE), e(0x1F597,XX,EMO), e(0x1F645,XX,EMO|EBASE),
        e(0x1F648,XX,EMO), e(0x1F64B,XX,EMO|EBASE), e(0x1F650,XX,0), e(0x1F680,XX,EMO),
        e(0x1F6A3,XX,EMO|EBASE), e(0x1F6A4,XX,EMO), e(0x1F6B4,XX,EMO|EBASE), e(0x1F6B7,XX,EMO),
        e(0x1F6C0,XX,EMO|EBASE), e(0x1F6C1,XX,EMO), e(0x1F6CC,XX,EMO|EBASE), e(0x1F6CD,XX,EMO),
        e(0x1F700,XX,0), e(0x1F774,XX,EMO), e(0x1F780,XX,0), e(0x1F7D5,XX,EMO), e(0x1F800,XX,0),
        e(0x1F80C,XX,EMO), e(0x1F810,XX,0), e(0x1F848,XX,EMO), e(0x1F850,XX,0), e(0x1F85A,XX,EMO),
        e(0x1F860,XX,0), e(0x1F888,XX,EMO), e(0x1F890,XX,0), e(0x1F8AE,XX,EMO), e(0x1F900,XX,0),
        e(0x1F90C,XX,EMO), e(0x1F90F,XX,EMO|EBASE), e(0x1F910,XX,EMO), e(0x1F918,XX,EMO|EBASE),
        e(0x1F920,XX,EMO), e(0x1F926,XX,EMO|EBASE), e(0x1F927,XX,EMO), e(0x1F930,XX,EMO|EBASE),
        e(0x1F93A,XX,EMO), e(0x1F93B,XX,0), e(0x1F93C,XX,EMO|EBASE), e(0x1F93F,XX,EMO),
        e(0x1F946,XX,0), e(0x1F947,XX,EMO), e(0x1F9B5,XX,EMO|EBASE), e(0x1F9B7,XX,EMO),
        e(0x1F9B8,XX,EMO|EBASE), e(0x1F9BA,XX,EMO), e(0x1F9BB,XX,EMO|EBASE), e(0x1F9BC,XX,EMO),
        e(0x1F9CD,XX,EMO|EBASE), e(0x1F9D0,XX,EMO), e(0x1F9D1,XX,EMO|EBASE), e(0x1F9DE,XX,EMO),
        e(0x1FB00,XX,0), e(0x1FC00,XX,EMO), e(0x1FFFE,XX,0), e(0x20000,XX,HAN), e(0x2A6D7,XX,0),
        e(0x2A700,XX,HAN), e(0x2B735,XX,0), e(0x2B740,XX,HAN), e(0x2B81E,XX,0), e(0x2B820,XX,HAN),
        e(0x2CEA2,XX,0), e(0x2CEB0,XX,HAN), e(0x2EBE1,XX,0), e(0x2F800,XX,HAN), e(0x2FA1E,XX,0),
        e(0xE0001,FO,0), e(0xE0002,XX,0), e(0xE0020,EXTEND,0), e(0xE0080,XX,0), e(0xE0100,EXTEND,0),
        e(0xE01F0,XX,0),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        analyze(text)
    }

    fn assert_tokens(text: &str, expected: &[&str]) {
        assert_eq!(tokens(text), expected, "analysing {text:?}");
    }

    // --- tokenisation -----------------------------------------------------

    /// The example of Elasticsearch's `standard` analyzer reference page.
    #[test]
    fn standard_analyzer_reference_example() {
        assert_tokens(
            "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.",
            &[
                "the", "2", "quick", "brown", "foxes", "jumped", "over", "the", "lazy", "dog's",
                "bone",
            ],
        );
    }

    #[test]
    fn punctuation_and_symbols_separate_and_vanish() {
        assert_tokens(
            "foo, bar! (baz) [qux] {a} <b> \"c\" #d $e %f",
            &["foo", "bar", "baz", "qux", "a", "b", "c", "d", "e", "f"],
        );
        assert_tokens(
            "ac/dc dogs,chase,cats",
            &["ac", "dc", "dogs", "chase", "cats"],
        );
        // Lucene TestStandardAnalyzer.testEmpty.
        assert_tokens("", &[]);
        assert_tokens(".", &[]);
        assert_tokens(" \t\n", &[]);
        assert_tokens("-- ... !!! ___", &[]);
    }

    /// Lucene testApostrophesSA; U+2019 is MidNumLet, so it joins like `'`.
    #[test]
    fn apostrophes_inside_words_are_kept() {
        assert_tokens("O'Reilly's you're", &["o'reilly's", "you're"]);
        assert_tokens("can\u{2019}t", &["can\u{2019}t"]);
        assert_tokens("'quoted' dogs'", &["quoted", "dogs"]);
    }

    #[test]
    fn hyphens_split_underscores_join() {
        assert_tokens("some-dashed-phrase", &["some", "dashed", "phrase"]);
        assert_tokens(
            "snake_case_name _lead trail_ __x__",
            &["snake_case_name", "_lead", "trail_", "__x__"],
        );
        assert_tokens("-5 +7", &["5", "7"]);
    }

    /// `.` joins two letters or two digits, `:` two letters, `,` two digits;
    /// doubled separators split (Lucene testMid).
    #[test]
    fn mid_word_punctuation() {
        assert_tokens("example.com e.g. A..B", &["example.com", "e.g", "a", "b"]);
        assert_tokens("user:admin A::B A.:B", &["user:admin", "a", "b", "a", "b"]);
        assert_tokens("host:8080 v1.a a1.2", &["host", "8080", "v1", "a", "a1.2"]);
        assert_tokens("A:B_A::B 1.2_1..2", &["a:b_a", "b", "1.2_1", "2"]);
    }

    #[test]
    fn numbers() {
        assert_tokens(
            "3.14 1,000 216.239.63.104 1,,2 1.,2",
            &["3.14", "1,000", "216.239.63.104", "1", "2", "1", "2"],
        );
        assert_tokens("R2D2 C3PO 2B 0x1F", &["r2d2", "c3po", "2b", "0x1f"]);
        // Semicolon is MidNum too.
        assert_tokens("1;2 a;b", &["1;2", "a", "b"]);
    }

    #[test]
    fn emails_and_urls_are_split() {
        assert_tokens("john.doe@example.com", &["john.doe", "example.com"]);
        assert_tokens(
            "https://www.elastic.co/guide/en?q=a-b&x=1#top",
            &[
                "https",
                "www.elastic.co",
                "guide",
                "en",
                "q",
                "a",
                "b",
                "x",
                "1",
                "top",
            ],
        );
        assert_tokens(
            "C:\\Windows\\System32\\cmd.exe",
            &["c", "windows", "system32", "cmd.exe"],
        );
    }

    /// Ideographs and hiragana are one token each, katakana and hangul runs
    /// one token (Lucene testChinese, testJapanese, testKoreanSA).
    #[test]
    fn cjk() {
        assert_tokens("我是中国人。", &["我", "是", "中", "国", "人"]);
        assert_tokens("仮名遣い カタカナ", &["仮", "名", "遣", "い", "カタカナ"]);
        assert_tokens("안녕하세요 한글입니다", &["안녕하세요", "한글입니다"]);
        assert_tokens("𩬅艱", &["𩬅", "艱"]);
        // Fullwidth digits are Numeric; fullwidth letters lower-case.
        assert_tokens("１２３４ Ｔｅｓｔｓ", &["１２３４", "ｔｅｓｔｓ"]);
        // 々 is ALetter, so it joins letters next to it.
        assert_tokens("々abc", &["々abc"]);
    }

    /// Line_Break=SA runs stay whole (Lucene testThai, testLao).
    #[test]
    fn south_east_asian_runs() {
        assert_tokens(
            "การที่ได้ต้องแสดงว่างานดี. แล้วเธอจะไปไหน? ๑๒๓๔",
            &["การที่ได้ต้องแสดงว่างานดี", "แล้วเธอจะไปไหน", "๑๒๓๔"],
        );
        assert_tokens("ສາທາລະນະລັດ ປະຊາທິປະໄຕ", &["ສາທາລະນະລັດ", "ປະຊາທິປະໄຕ"]);
    }

    /// Lucene testEmoji*, from TestStandardAnalyzer.
    #[test]
    fn emoji() {
        assert_tokens("💩 💩💩", &["💩", "💩", "💩"]);
        assert_tokens(
            "👩\u{200D}❤\u{FE0F}\u{200D}👩",
            &["👩\u{200D}❤\u{FE0F}\u{200D}👩"],
        );
        assert_tokens("👨🏼\u{200D}⚕\u{FE0F}", &["👨🏼\u{200D}⚕\u{FE0F}"]);
        assert_tokens("🇺🇸🇺🇸", &["🇺🇸", "🇺🇸"]);
        assert_tokens(
            "#\u{FE0F}\u{20E3} 3\u{FE0F}\u{20E3}",
            &["#\u{FE0F}\u{20E3}", "3\u{FE0F}\u{20E3}"],
        );
        assert_tokens("#\u{FE0E}", &[]);
        assert_tokens("3\u{FE0E}", &["3\u{FE0E}"]);
        assert_tokens(
            "\u{2B55}\u{FE0E}\u{200D}\u{2B55}\u{FE0E}",
            &["\u{2B55}", "\u{200D}\u{2B55}"],
        );
        let england = "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
        assert_tokens(england, &[england]);
        assert_tokens(
            "poo💩poo 💩中國💩",
            &["poo", "💩", "poo", "💩", "中", "國", "💩"],
        );
    }

    /// Derived from the grammar: `©` is Extended_Pictographic, so an emoji
    /// token; a lone regional indicator or skin tone modifier after a letter
    /// is not (the modifier is Extend and sticks to the letter).
    #[test]
    fn emoji_edge_cases_from_the_grammar() {
        assert_tokens(
            "Copyright © 2024 ACME™",
            &["copyright", "©", "2024", "acme", "™"],
        );
        assert_tokens("🇺 x", &["x"]);
        assert_tokens("a🏽 🏽", &["a🏽", "🏽"]);
        // 🥲 (Unicode 13) was a reserved Extended_Pictographic code point in 12.1.
        assert_tokens("🥲", &["🥲"]);
    }

    #[test]
    fn lower_cases_per_code_point_like_java() {
        assert_tokens("HeLLo WORLD", &["hello", "world"]);
        assert_tokens("ÉCOLE Ærø", &["école", "ærø"]);
        // Simple case mapping: İ → i, not i + U+0307 as Rust's to_lowercase gives.
        assert_tokens("İSTANBUL", &["istanbul"]);
        // No final-sigma rule; title-case digraph ǅ → ǆ.
        assert_tokens("ΣΊΣΥΦΟΣ ǅ", &["σίσυφοσ", "ǆ"]);
        // Combining marks stay with their letter (Lucene testLUCENE1545).
        assert_tokens("moͤchte", &["moͤchte"]);
    }

    /// U+0130 is the only character whose Rust (full) lowercase mapping is
    /// not a single code point, so `java_lower_case` agrees with Rust elsewhere.
    #[test]
    fn java_lower_case_differs_from_rust_only_for_dotted_capital_i() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let rust: String = c.to_lowercase().collect();
            if c == '\u{130}' {
                assert_eq!(java_lower_case(c), 'i');
            } else {
                assert_eq!(rust, java_lower_case(c).to_string(), "{c:?}");
            }
        }
    }

    /// Lucene TestStandardAnalyzer.testMaxTokenLengthDefault.
    #[test]
    fn tokens_longer_than_255_are_split() {
        let exact = "b".repeat(255);
        let input = format!("x {exact} {exact}b");
        assert_tokens(&input, &["x", &exact, &exact, "b"]);
        let long = "a".repeat(600);
        let expected = ["a".repeat(255), "a".repeat(255), "a".repeat(90)];
        assert_eq!(tokens(&long), expected);
    }

    /// The split is the longest match inside a 255-unit window, so a window
    /// ending on `.` gives back the `.`, which is then dropped; a character
    /// outside the BMP never straddles the window (StandardTokenizerImpl.zzRefill
    /// holds back a high surrogate that does not fit).
    #[test]
    fn long_token_split_points() {
        let before_dot = "a".repeat(254);
        assert_tokens(&format!("{before_dot}.b"), &[before_dot.as_str(), "b"]);
        let before_astral = "a".repeat(254);
        assert_tokens(&format!("{before_astral}𐌀"), &[before_astral.as_str(), "𐌀"]);
        let ideographs = "中".repeat(300);
        assert_eq!(tokens(&ideographs).len(), 300);
    }

    #[test]
    fn hebrew_quotes() {
        assert_tokens("א\"ב א' a\"b", &["א\"ב", "א'", "a", "b"]);
    }

    #[test]
    fn katakana_joins_letters_only_through_underscore() {
        assert_tokens("カタカナabc カタ_abc", &["カタカナ", "abc", "カタ_abc"]);
    }

    /// Characters assigned after Unicode 12.1 are unknown to Lucene's scanner
    /// and split words (U+A7C7 LATIN CAPITAL LETTER D WITH SHORT STROKE
    /// OVERLAY is from Unicode 13).
    #[test]
    fn letters_newer_than_unicode_12_1_are_dropped() {
        assert_tokens("x\u{A7C7}y", &["x", "y"]);
    }

    /// The packed table the module ships unpacks to the generated one, entry
    /// for entry.
    #[test]
    fn the_packed_property_table_unpacks_to_the_generated_one() {
        assert_eq!(*ucd::property_table(), ucd::PROPERTY_TABLE);
    }

    #[test]
    fn property_table_is_sorted_and_starts_at_zero() {
        assert!(ucd::PROPERTY_TABLE
            .windows(2)
            .all(|pair| pair[0] >> 11 < pair[1] >> 11));
        for c in (0..128u8).map(char::from) {
            let index = ucd::PROPERTY_TABLE.partition_point(|&e| e >> 11 <= c as u32) - 1;
            assert_eq!(
                ucd::lookup(c),
                ucd::unpack(ucd::PROPERTY_TABLE[index]),
                "{c:?}"
            );
        }
        assert_eq!(ucd::lookup('\0'), (ucd::XX, 0));
        assert_eq!(ucd::lookup('a'), (ucd::LE, 0));
        assert_eq!(ucd::lookup('_'), (ucd::EX, 0));
        assert_eq!(ucd::lookup('中'), (ucd::XX, ucd::HAN));
        assert_eq!(ucd::lookup('ก'), (ucd::XX, ucd::SA));
        assert_eq!(ucd::lookup('\u{10FFFF}'), (ucd::XX, 0));
    }

    // --- match and match_phrase -----------------------------------------

    #[test]
    fn match_needs_any_term_phrase_needs_all_in_order() {
        let doc = ["The quick brown fox"];
        assert!(TextQuery::match_query("QUICK wolf").matches(&doc));
        assert!(!TextQuery::match_query("wolf").matches(&doc));
        assert!(TextQuery::phrase("Brown-FOX").matches(&doc));
        assert!(!TextQuery::phrase("quick fox").matches(&doc));
        assert!(!TextQuery::phrase("fox brown").matches(&doc));
        assert!(TextQuery::phrase("fox").matches(&doc));
    }

    #[test]
    fn match_is_token_equality_not_substring() {
        assert!(!TextQuery::match_query("exam").matches(&["example.com"]));
        assert!(TextQuery::match_query("example.com").matches(&["Visit EXAMPLE.COM now"]));
        assert!(!TextQuery::match_query("example").matches(&["example.com"]));
    }

    #[test]
    fn phrase_with_repeated_terms() {
        assert!(TextQuery::phrase("a a").matches(&["a b a a"]));
        assert!(!TextQuery::phrase("a a").matches(&["a b a"]));
    }

    /// `zero_terms_query` defaults to `none`.
    #[test]
    fn no_query_terms_match_nothing() {
        assert_eq!(
            TextQuery::match_query("?!"),
            TextQuery::Match { terms: vec![] }
        );
        assert!(!TextQuery::match_query("?!").matches(&["anything ?!"]));
        assert!(!TextQuery::phrase("...").matches(&["..."]));
    }

    /// position_increment_gap 100: a phrase cannot span array elements.
    #[test]
    fn phrase_never_spans_array_elements() {
        let values = ["quick", "brown fox"];
        assert!(!TextQuery::phrase("quick brown").matches(&values));
        assert!(TextQuery::phrase("brown fox").matches(&values));
        assert!(TextQuery::match_query("quick brown").matches(&values));
        assert!(!TextQuery::match_query("quick").matches(&[]));
    }

    // --- query_string -----------------------------------------------------

    fn should(test: TermTest) -> Clause {
        Clause {
            occur: Occur::Should,
            test,
        }
    }

    fn any_of(terms: &[&str]) -> TermTest {
        TermTest::AnyOf(terms.iter().map(|t| t.to_string()).collect())
    }

    fn clauses(query: &str) -> Vec<Clause> {
        match TextQuery::try_query_string(query) {
            Ok(TextQuery::QueryString { clauses }) => clauses,
            other => panic!("{query:?} gave {other:?}"),
        }
    }

    /// Kibana wildcard.ts `escapeQueryString`: whitespace is not escaped.
    #[test]
    fn kibana_escapes_query_string_syntax_but_not_whitespace() {
        assert_eq!(kibana_query_string(&["a-b:c d", ""]), "a\\-b\\:c d*");
        assert_eq!(
            kibana_query_string(&["+-=&|><!(){}[]^\"~*?:\\/", "x"]),
            "\\+\\-\\=\\&\\|\\>\\<\\!\\(\\)\\{\\}\\[\\]\\^\\\"\\~\\*\\?\\:\\\\\\/*x"
        );
        assert_eq!(
            kibana_query_string(&["", "a.b@c,d'e#f", ""]),
            "*a.b@c,d'e#f*"
        );
    }

    /// Whitespace separates terms and the default operator is OR: KQL
    /// `f: hello wor*` matches any document with `hello` or a `wor…` token.
    #[test]
    fn whitespace_splits_terms_with_or() {
        assert_eq!(
            clauses("hello wor*"),
            vec![
                should(any_of(&["hello"])),
                should(TermTest::Prefix("wor".into()))
            ]
        );
        let query = TextQuery::query_string_from_parts(&["hello wor", ""]);
        assert!(query.matches(&["HELLO there"]));
        assert!(query.matches(&["the World"]));
        assert!(!query.matches(&["help"]));
    }

    /// Prefix and wildcard terms are lower-cased, not tokenised, and matched
    /// against single tokens.
    #[test]
    fn wildcard_terms_are_normalised_not_tokenised() {
        let query = TextQuery::query_string_from_parts(&["Hello-Wor", ""]);
        assert_eq!(
            query,
            TextQuery::QueryString {
                clauses: vec![should(TermTest::Prefix("hello-wor".into()))]
            }
        );
        // No token contains `-`, so this KQL clause can never match on text.
        assert!(!query.matches(&["Hello-World"]));
        let inner = TextQuery::query_string_from_parts(&["", "ELLO", ""]);
        assert!(inner.matches(&["say Hello!"]));
        let spanning = TextQuery::query_string_from_parts(&["quick", "fox"]);
        assert!(!spanning.matches(&["quick brown fox"]));
        assert!(spanning.matches(&["quick_brown_fox"]));
    }

    /// Kibana escapes `?`, so it is a literal character that no token has.
    #[test]
    fn question_mark_from_kql_is_literal() {
        let query = TextQuery::query_string_from_parts(&["what?", ""]);
        assert_eq!(
            query,
            TextQuery::QueryString {
                clauses: vec![should(TermTest::Prefix("what?".into()))]
            }
        );
        assert!(!query.matches(&["whatever"]));
    }

    /// A space inside a KQL wildcard value splits it into two clauses:
    /// `f: foo* bar` is `foo*` OR `bar`.
    #[test]
    fn space_in_a_wildcard_value_makes_two_clauses() {
        let query = TextQuery::query_string_from_parts(&["foo", " bar"]);
        assert!(query.matches(&["football"]));
        assert!(query.matches(&["a bar"]));
        // `bar` is a whole-token term: `bars` is another token.
        assert!(!query.matches(&["bars baz"]));
    }

    #[test]
    fn token_kinds() {
        assert_eq!(clauses("*"), vec![should(TermTest::Exists)]);
        assert_eq!(clauses("ab*"), vec![should(TermTest::Prefix("ab".into()))]);
        assert_eq!(
            clauses("a**"),
            vec![should(TermTest::Wildcard(Wildcard::parse("a**", true)))]
        );
        assert_eq!(
            clauses("*ab"),
            vec![should(TermTest::Wildcard(Wildcard::parse("*ab", true)))]
        );
        assert_eq!(
            clauses("a?*"),
            vec![should(TermTest::Wildcard(Wildcard::parse("a?*", true)))]
        );
        // An escaped star is literal, so `a\*b*` is a prefix query for "a*b".
        assert_eq!(
            clauses("a\\*b*"),
            vec![should(TermTest::Prefix("a*b".into()))]
        );
    }

    /// `normalizeWildcardPattern` keeps escaped characters as written.
    #[test]
    fn escaped_characters_in_wildcards_keep_their_case() {
        let pattern = Wildcard::parse("\\Ab*C", true);
        assert!(pattern.matches("Abxc"));
        assert!(!pattern.matches("abxc"));
        assert!(Wildcard::parse("a\\*b*", true).matches("a*bcd"));
        assert!(Wildcard::parse("trailing\\", false).matches("trailing\\"));
    }

    /// A non-wildcard term is analysed like `match`: `\-` keeps the hyphen,
    /// which then splits the term.
    #[test]
    fn plain_terms_are_analysed() {
        assert_eq!(
            clauses("foo\\-Bar x*"),
            vec![
                should(any_of(&["foo", "bar"])),
                should(TermTest::Prefix("x".into()))
            ]
        );
        // A term that analyses to nothing is dropped.
        assert_eq!(
            clauses("x* \\!\\?"),
            vec![should(TermTest::Prefix("x".into()))]
        );
        // Lucene's \uXXXX escape.
        assert_eq!(clauses("\\u0041b x*")[0], should(any_of(&["ab"])));
    }

    /// Consecutive plain terms are analysed together (MultiTerm) and
    /// flattened into separate should clauses.
    #[test]
    fn consecutive_plain_terms_form_a_multi_term() {
        assert_eq!(
            clauses("a b x*"),
            vec![
                should(any_of(&["a"])),
                should(any_of(&["b"])),
                should(TermTest::Prefix("x".into()))
            ]
        );
    }

    /// Only the query-parser whitespace separates terms: U+3000 does, U+00A0 does not.
    #[test]
    fn query_whitespace_is_five_characters() {
        assert_eq!(clauses("a\u{3000}b*").len(), 2);
        assert_eq!(
            clauses("a\u{A0}b*"),
            vec![should(TermTest::Prefix("a\u{A0}b".into()))]
        );
        assert!(!TextQuery::query_string("a\u{A0}b*").matches(&["a\u{A0}bc"]));
    }

    /// Escaped KQL keywords (`\AND`) reach the query string as operators.
    #[test]
    fn operators() {
        let and = TextQuery::query_string("foo* AND bar");
        assert!(and.matches(&["food bar"]));
        assert!(!and.matches(&["food"]));
        let not = TextQuery::query_string("NOT foo*");
        assert!(not.matches(&["bar"]));
        assert!(!not.matches(&["food"]));
        // A negative-only query matches documents without the field too.
        assert!(not.matches(&[]));
        let mixed = TextQuery::query_string("a* NOT b*");
        assert!(mixed.matches(&["ax"]));
        assert!(!mixed.matches(&["ax bx"]));
        assert!(!mixed.matches(&["cx"]));
        // `&&` is AND, lower-case `and` is a term.
        assert_eq!(clauses("x* && y")[0].occur, Occur::Must);
        assert_eq!(clauses("x* and y").len(), 3);
        // AND makes the previous clause required even when its own term is dropped.
        assert_eq!(
            clauses("x* AND ."),
            vec![Clause {
                occur: Occur::Must,
                test: TermTest::Prefix("x".into())
            }]
        );
        // `+ ` is a bare operator: the term "+", which analyses to nothing.
        assert_eq!(clauses("+ x*"), vec![should(TermTest::Prefix("x".into()))]);
        assert_eq!(
            clauses("-x*"),
            vec![Clause {
                occur: Occur::MustNot,
                test: TermTest::Prefix("x".into())
            }]
        );
    }

    #[test]
    fn lone_star_is_exists() {
        let query = TextQuery::query_string("* foo");
        assert!(query.matches(&[""]));
        assert!(!query.matches(&[]));
    }

    #[test]
    fn syntax_errors_match_nothing() {
        for query in [
            "x* AND",
            "AND x*",
            "x* OR",
            "NOT",
            "x* NOT NOT y",
            "x\\",
            "x* \\u12",
            "a*\\uZZZZ",
        ] {
            let result = TextQuery::try_query_string(query);
            assert!(
                matches!(result, Err(QueryStringError::Syntax(_))),
                "{query:?} gave {result:?}"
            );
            assert!(!TextQuery::query_string(query).matches(&["x"]));
        }
        assert_eq!(
            TextQuery::try_query_string("f:x*"),
            Err(QueryStringError::Unsupported(':'))
        );
        assert_eq!(
            TextQuery::try_query_string("(x*)"),
            Err(QueryStringError::Unsupported('('))
        );
    }

    #[test]
    fn blank_query_matches_nothing() {
        assert_eq!(clauses("  "), vec![]);
        assert!(!TextQuery::query_string(" ").matches(&["x"]));
    }

    // --- query_string on keyword-like fields ------------------------------

    fn keyword(query: &str) -> KeywordQueryString {
        KeywordQueryString::parse(query).expect(query)
    }

    #[test]
    fn keyword_query_string_is_case_sensitive_on_whole_values() {
        let query = KeywordQueryString::from_parts(&["Foo", ""]).unwrap();
        assert!(query.matches(&["Football"]));
        assert!(!query.matches(&["football"]));
        assert!(query.matches(&["x", "Foo bar"]));
        let inner = keyword("*bar");
        assert!(inner.matches(&["foo bar"]));
        assert!(!inner.matches(&["bar baz"]));
    }

    /// On a keyword, consecutive plain terms are one term joined by single spaces.
    #[test]
    fn keyword_multi_term_is_one_exact_value() {
        let query = keyword("x* a  b");
        assert_eq!(query.clauses[1], should(any_of(&["a b"])));
        assert!(query.matches(&["a b"]));
        assert!(!query.matches(&["a"]));
        assert!(!query.matches(&["a  b"]));
        // An escaped operator is a plain term; a bare operator (`+ `) is a
        // term of its own, never part of a multi-term.
        assert!(keyword("x* \\- y").matches(&["- y"]));
        assert!(keyword("x* + y").matches(&["+"]));
        assert!(!keyword("x* + y").matches(&["+ y"]));
    }

    // --- wildcard matching --------------------------------------------------

    #[test]
    fn wildcard_matching() {
        let matches = |pattern: &str, text: &str| Wildcard::parse(pattern, false).matches(text);
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXbYc"));
        assert!(matches("a*ab", "aaab"));
        assert!(!matches("a*ab", "aaba"));
        assert!(matches("?", "é"));
        assert!(matches("?", "𐌀"));
        assert!(!matches("?", ""));
        assert!(matches("**a**", "xa"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("a?c*", "abcdef"));
        assert!(matches("*?b?*", "xxbx"));
        assert!(!matches("*?b?*", "xxb"));
        assert!(matches("*é?*ü", "aébcü"));
        assert!(
            !matches("ab*ba", "aba"),
            "the last segment may not overlap the first"
        );
        assert!(matches("a*b*b", "abb"));
        assert!(!matches("a*b*b", "ab"));
    }

    /// Backtracking to the last star costs text × pattern on `*aaa…ab`
    /// against `aaa…a`; segments found by substring search cost one pass.
    #[test]
    fn adversarial_wildcards_stay_linear() {
        let text = "a".repeat(1 << 20);
        let many_stars = Wildcard::parse(&format!("{}b", "*a".repeat(5_000)), false);
        let long_segment = Wildcard::parse(&format!("*{}b*", "a".repeat(5_000)), false);
        let started = std::time::Instant::now();
        assert!(!many_stars.matches(&text));
        assert!(!long_segment.matches(&text));
        assert!(many_stars.matches(&format!("{text}b")));
        assert!(long_segment.matches(&format!("{text}b")));
        // About a millisecond each in a debug build; backtracking takes minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

// The generator of PROPERTY_TABLE (Python 3, reads /usr/share/unicode from
// Debian's unicode-data 15.0); its output replaces the table body.
//
// """Generates the character-property table of src/analysis.rs from the Unicode
// Character Database (Debian package `unicode-data`, /usr/share/unicode).
//
// Lucene's StandardTokenizer is generated by JFlex with `%unicode 12.1`, so code
// points assigned after Unicode 12.1 (DerivedAge) are treated as unassigned,
// except for Extended_Pictographic, which already covered those reserved code
// points in Unicode 12.1 (the property is stable by design)."""
// import re, sys
// U = "/usr/share/unicode"
// MAX_AGE = (12, 1)
//
// def ranges(path, wanted=None):
//     for line in open(path, encoding="utf-8"):
//         line = line.split("#", 1)[0].strip()
//         if not line:
//             continue
//         cps, prop = [f.strip() for f in line.split(";")[:2]]
//         if wanted and prop not in wanted:
//             continue
//         a, _, b = cps.partition("..")
//         yield int(a, 16), int(b or a, 16), prop
//
// N = 0x110000
// age_ok = bytearray(N)
// for a, b, v in ranges(f"{U}/DerivedAge.txt"):
//     major, minor = (int(x) for x in v.split("."))
//     if (major, minor) <= MAX_AGE:
//         for c in range(a, b + 1):
//             age_ok[c] = 1
//
// WB = {"ALetter": 1, "Hebrew_Letter": 2, "Numeric": 3, "Katakana": 4, "ExtendNumLet": 5,
//       "MidLetter": 6, "MidNum": 7, "MidNumLet": 8, "Single_Quote": 9, "Double_Quote": 10,
//       "Extend": 11, "Format": 12, "ZWJ": 13, "Regional_Indicator": 14}
// WB_NAMES = ["XX", "LE", "HL", "NU", "KA", "EX", "ML", "MN", "MB", "SQ", "DQ", "EXTEND", "FO", "ZWJ", "RI"]
// wb = bytearray(N)
// for a, b, v in ranges(f"{U}/auxiliary/WordBreakProperty.txt", WB):
//     for c in range(a, b + 1):
//         wb[c] = WB[v]
//
// HAN, HIRAGANA, SA, EMOJI, EMOJI_MOD, EMOJI_MOD_BASE = 1, 2, 4, 8, 16, 32
// flags = bytearray(N)
// for a, b, v in ranges(f"{U}/Scripts.txt", {"Han", "Hiragana"}):
//     for c in range(a, b + 1):
//         flags[c] |= HAN if v == "Han" else HIRAGANA
// for a, b, v in ranges(f"{U}/LineBreak.txt", {"SA"}):
//     for c in range(a, b + 1):
//         flags[c] |= SA
// emoji, pict = set(), set()
// for a, b, v in ranges(f"{U}/emoji/emoji-data.txt"):
//     for c in range(a, b + 1):
//         if v == "Emoji": emoji.add(c)
//         elif v == "Emoji_Modifier": flags[c] |= EMOJI_MOD
//         elif v == "Emoji_Modifier_Base": flags[c] |= EMOJI_MOD_BASE
//         elif v == "Extended_Pictographic": pict.add(c)
// # Lucene: EmojiChar = \p{Extended_Pictographic} | [\p{Emoji} -- RI, [0-9#*], [©®™〰〽], \p{Emoji_Modifier}]
// rkam = {ord(c) for c in "0123456789#*\u00a9\u00ae\u2122\u3030\u303d"}
// for c in emoji:
//     if wb[c] != WB["Regional_Indicator"] and c not in rkam and not flags[c] & EMOJI_MOD:
//         flags[c] |= EMOJI
// for c in range(N):
//     if not age_ok[c]:
//         wb[c] = 0
//         flags[c] = 0
// for c in pict:
//     flags[c] |= EMOJI
//
// FLAG_NAMES = [(HAN, "HAN"), (HIRAGANA, "HIRA"), (SA, "SA"), (EMOJI, "EMO"),
//               (EMOJI_MOD, "EMOD"), (EMOJI_MOD_BASE, "EBASE")]
// def flag_expr(f):
//     names = [n for bit, n in FLAG_NAMES if f & bit]
//     return "|".join(names) if names else "0"
//
// entries, prev = [], None
// for c in range(N):
//     key = (wb[c], flags[c])
//     if key != prev:
//         entries.append((c, key))
//         prev = key
// print(f"// {len(entries)} entries", file=sys.stderr)
// out = []
// for c, (w, f) in entries:
//     out.append(f"e(0x{c:05X},{WB_NAMES[w]},{flag_expr(f)})")
// lines, line = [], "    "
// for item in out:
//     piece = item + ", "
//     if len(line) + len(piece) > 99:
//         lines.append(line.rstrip())
//         line = "    "
//     line += piece
// lines.append(line.rstrip())
// print(f"const PROPERTY_TABLE: [u32; {len(entries)}] = [")
// print("\n".join(lines))
// print("];")
