//! Splits input text into events, remembering where each one started.
//!
//! Three shapes are recognised from the first non-blank byte and line:
//! - a JSON **array** of events (`[` first);
//! - **NDJSON**, one event per line: the usual shape of log files and pipes.
//!   Each line stands alone, so a malformed line is reported and the next one
//!   is read as if nothing happened;
//! - **pretty-printed** JSON, one or more documents spread over lines (the
//!   first line is an incomplete document), as pasted from a console.
//!
//! Every line of NDJSON input has exactly one outcome: an event, an invalid
//! line (with its number and reason), or a blank line. Lines longer than
//! [`InputLimits::max_line_bytes`] are invalid without being held whole, and
//! events nested deeper than [`InputLimits::max_json_depth`] without being
//! parsed; an input to be read whole that is larger than
//! [`InputLimits::max_whole_input_bytes`] is read line by line instead.
//!
//! [`DocumentReader`] pulls from a reader; [`read_batch`] is pushed pieces of
//! an input (a stream's chunks) and reads the complete lines each one holds.

use std::io::{BufRead, Read};

use serde_json::Value;

use crate::error::{Error, ErrorType};
use crate::limits::{parse_first_json, parse_json, InputLimits, JsonFault};
use crate::scan::{outline_bytes, KeyWatch};

/// One item of input.
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// A parsed event and the 1-based line it starts on.
    Event {
        /// Where the event starts.
        line: usize,
        /// The event.
        value: Value,
        /// The line's text, for NDJSON input (kept as `event.original` when asked);
        /// `None` for documents of an array or pretty-printed input.
        raw: Option<String>,
    },
    /// A document that could not be read, and why.
    Invalid {
        /// Where the document starts.
        line: usize,
        /// What is wrong with it.
        error: Error,
    },
}

/// Reads documents from `reader`, streaming when the input is NDJSON.
pub struct DocumentReader<R> {
    reader: R,
    state: State,
    limits: InputLimits,
    line: usize,
    blank: usize,
    buffer: Vec<u8>,
    /// Bytes already taken from `reader` that are still to be read as lines:
    /// the rest of an input too large to be read whole.
    ahead: Vec<u8>,
    ahead_read: usize,
    /// Reading failed: the line being read was reported invalid, and the
    /// input ends there (a reader that failed once, say on a directory,
    /// would fail again on every call).
    failed: bool,
}

enum State {
    Undetected,
    Lines,
    Buffered(std::vec::IntoIter<Document>),
}

/// What [`DocumentReader::next_line`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineRead {
    /// The end of the input.
    End,
    /// A line, now in the buffer without its terminator.
    Line,
    /// A line longer than the limit; the buffer holds none of it.
    TooLong,
}

impl<R: BufRead> DocumentReader<R> {
    /// A reader over `reader` with the default [`InputLimits`]; the shape is detected on the first read.
    pub fn new(reader: R) -> DocumentReader<R> {
        DocumentReader::with_limits(reader, InputLimits::default())
    }

    /// A reader over `reader` that holds its input to `limits`.
    pub fn with_limits(reader: R, limits: InputLimits) -> DocumentReader<R> {
        DocumentReader {
            reader,
            state: State::Undetected,
            limits,
            line: 0,
            blank: 0,
            buffer: Vec::new(),
            ahead: Vec::new(),
            ahead_read: 0,
            failed: false,
        }
    }

    /// Lines read so far, blank and invalid ones included.
    pub fn lines(&self) -> usize {
        self.line
    }

    /// Blank lines read so far.
    pub fn blank_lines(&self) -> usize {
        self.blank
    }

    /// Reads the next line into `self.buffer` without its terminator (and,
    /// on line 1, without a byte order mark). A line longer than the limit
    /// is read to its end but not kept.
    fn next_line(&mut self) -> Result<LineRead, Error> {
        self.buffer.clear();
        if self.failed {
            return Ok(LineRead::End);
        }
        // Room for the terminator, a `\r` and a byte order mark, which do not count.
        let room = self.limits.max_line_bytes.saturating_add(5);
        let (mut read_any, mut too_long) = (false, false);
        loop {
            let available = if self.ahead_read < self.ahead.len() {
                &self.ahead[self.ahead_read..]
            } else {
                match self.reader.fill_buf() {
                    Ok(available) => available,
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(error) => {
                        self.failed = true;
                        self.line += 1;
                        return Err(read_failed(&error));
                    }
                }
            };
            if available.is_empty() {
                break;
            }
            read_any = true;
            let newline = find_newline(available);
            let take = newline.map_or(available.len(), |end| end + 1);
            if !too_long && self.buffer.len() + take <= room {
                self.buffer.extend_from_slice(&available[..take]);
            } else if !too_long {
                too_long = true;
                self.buffer = Vec::new();
            }
            if self.ahead_read < self.ahead.len() {
                self.ahead_read += take;
            } else {
                self.reader.consume(take);
            }
            if newline.is_some() {
                break;
            }
        }
        if self.ahead_read == self.ahead.len() && !self.ahead.is_empty() {
            (self.ahead, self.ahead_read) = (Vec::new(), 0);
        }
        if !read_any {
            return Ok(LineRead::End);
        }
        self.line += 1;
        if too_long {
            return Ok(LineRead::TooLong);
        }
        let end = trim_terminator(&self.buffer).len();
        let start = if self.line == 1 && self.buffer[..end].starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        self.buffer.truncate(end);
        self.buffer.drain(..start);
        if self.buffer.len() > self.limits.max_line_bytes {
            return Ok(LineRead::TooLong);
        }
        Ok(LineRead::Line)
    }

    /// Looks at the first non-blank line to choose a shape, and returns its first document.
    fn detect(&mut self) -> Option<Document> {
        loop {
            match self.next_line() {
                Ok(LineRead::End) => {
                    self.state = State::Buffered(Vec::new().into_iter());
                    return None;
                }
                Err(error) => {
                    self.state = State::Lines;
                    return Some(Document::Invalid {
                        line: self.line,
                        error,
                    });
                }
                Ok(LineRead::TooLong) => {
                    self.state = State::Lines;
                    return Some(too_long(self.line, self.limits.max_line_bytes));
                }
                Ok(LineRead::Line) if is_blank(&self.buffer) => self.blank += 1,
                Ok(LineRead::Line) => break,
            }
        }
        let first_line = self.line;
        let whole_line = parse_json(&self.buffer, self.limits.max_json_depth);
        if !opens_whole_input(&self.buffer, &whole_line) {
            self.state = State::Lines;
            return Some(line_document(first_line, &self.buffer, whole_line));
        }
        let mut text = std::mem::take(&mut self.buffer);
        text.push(b'\n');
        let room = self.limits.max_whole_input_bytes.saturating_sub(text.len());
        let read = (&mut self.reader)
            .take(room.saturating_add(1) as u64)
            .read_to_end(&mut text);
        if let Err(error) = read {
            (self.state, self.failed) = (State::Lines, true);
            return Some(Document::Invalid {
                line: first_line,
                error: read_failed(&error),
            });
        }
        if text.len() > self.limits.max_whole_input_bytes {
            // Too large to hold: the rest is read line by line, each judged alone.
            let first_line_end = text
                .iter()
                .position(|&b| b == b'\n')
                .map_or(0, |end| end + 1);
            self.ahead = text.split_off(first_line_end);
            self.state = State::Lines;
            return Some(too_large(first_line, self.limits.max_whole_input_bytes));
        }
        let (documents, framing) = read_whole_text(&text, first_line, self.limits);
        self.line = first_line - 1 + framing.lines;
        self.blank += framing.blank;
        let mut documents = documents.into_iter();
        let first = documents.next();
        self.state = State::Buffered(documents);
        first
    }
}

impl<R: BufRead> DocumentReader<R> {
    /// The next NDJSON line as its bytes, not parsed, or the next document
    /// (of an input read whole, or a line that is no event): for callers
    /// that need not parse every line (`Engine::evaluate_input_line`).
    pub fn next_piece(&mut self) -> Option<Piece<'_>> {
        match &mut self.state {
            State::Undetected => self.detect().map(Piece::Document),
            State::Buffered(documents) => documents.next().map(Piece::Document),
            State::Lines => loop {
                match self.next_line() {
                    Ok(LineRead::End) => return None,
                    Err(error) => {
                        return Some(Piece::Document(Document::Invalid {
                            line: self.line,
                            error,
                        }))
                    }
                    Ok(LineRead::TooLong) => {
                        let too_long = too_long(self.line, self.limits.max_line_bytes);
                        return Some(Piece::Document(too_long));
                    }
                    Ok(LineRead::Line) if is_blank(&self.buffer) => self.blank += 1,
                    Ok(LineRead::Line) => {
                        return Some(Piece::Line {
                            line: self.line,
                            text: &self.buffer,
                            candidate: true,
                        })
                    }
                }
            },
        }
    }
}

impl<R: BufRead> Iterator for DocumentReader<R> {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        let max_json_depth = self.limits.max_json_depth;
        self.next_piece()
            .map(|piece| piece.into_document(max_json_depth))
    }
}

impl Piece<'_> {
    /// The document this piece is: a line parsed (with `max_json_depth`), or
    /// the document itself.
    pub fn into_document(self, max_json_depth: usize) -> Document {
        match self {
            Piece::Line { line, text, .. } => {
                line_document(line, text, parse_json(text, max_json_depth))
            }
            Piece::Document(document) => document,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A line without its `\n` and `\r` terminators.
fn trim_terminator(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn read_failed(error: &std::io::Error) -> Error {
    Error::new(
        ErrorType::EventInvalid,
        "read_failed",
        format!("cannot read input: {error}"),
    )
}

/// Whether an input whose first non-blank line is `line` (parsed as
/// `parsed`) can only be read whole: it opens a JSON array, or a document
/// spread over several lines.
fn opens_whole_input(line: &[u8], parsed: &Result<Value, JsonFault>) -> bool {
    trim_ascii_start(line).starts_with(b"[")
        || matches!(parsed, Err(JsonFault::Malformed(error)) if error.is_eof())
}

/// [`opens_whole_input`] for a batch's first non-blank line. A line the
/// structure check passes is one object as serde_json reads it, which opens
/// neither an array nor a document spread over lines: the check is code a
/// batch runs for its lines anyway, and the parse into a `Value` (some 15 KB
/// of wasm a host's first batch would otherwise compile for this line alone)
/// is left to the lines the check cannot vouch for.
fn batch_opens_whole_input(line: &[u8], max_json_depth: usize) -> bool {
    const NO_KEYS: KeyWatch<'static> = KeyWatch {
        keys: &[],
        prefixes: &[],
    };
    outline_bytes(line, &NO_KEYS).is_none()
        && opens_whole_input(line, &parse_json(line, max_json_depth))
}

/// A piece of an input, as a stream delivers it, and where it sits in the whole input.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'b> {
    /// The bytes: complete lines, and perhaps the start of an incomplete one.
    pub bytes: &'b [u8],
    /// The line of the input `bytes` starts on; 1 is the start of the input.
    pub first_line: usize,
    /// Whether no bytes follow: an incomplete last line is then read as it is.
    pub end_of_input: bool,
    /// What lines, events and inputs read whole may hold. A line longer than
    /// the limit is invalid (`too_long`) even before it is complete, so a
    /// stream need not hold it.
    pub limits: InputLimits,
}

impl Batch<'_> {
    /// A whole input, with the default limits.
    pub fn whole(bytes: &[u8]) -> Batch<'_> {
        Batch {
            bytes,
            first_line: 1,
            end_of_input: true,
            limits: InputLimits::default(),
        }
    }
}

/// How much of a [`Batch`] [`read_batch`] read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Framing {
    /// Lines read, blank and too long ones included.
    pub lines: usize,
    /// Blank lines among them.
    pub blank: usize,
    /// Bytes read; the rest (an incomplete last line) belongs to the next batch.
    pub consumed: usize,
    /// The input is a JSON array or pretty-printed documents: nothing is read
    /// until the batch holds the whole input (or more than an input read whole may hold).
    pub whole_input_needed: bool,
    /// The last line read was too long and incomplete: the bytes up to its
    /// newline, which the next batches bring, are not part of any line.
    pub rest_of_line_skipped: bool,
}

/// Bytes a line may hold beyond its content: a byte order mark and a `\r`.
/// An incomplete line is known to be too long once it is longer than the
/// limit by more than this.
const LINE_SLACK: usize = 4;

/// Reads the documents of a batch and passes each to `each`.
///
/// Only complete lines are read, unless the batch ends the input: a caller
/// streaming chunks keeps `bytes[consumed..]` and puts it in front of the next
/// chunk. At the start of the input nothing is read until the first non-blank
/// line is complete, since that line decides the shape exactly as
/// [`DocumentReader`] decides it; an array or pretty-printed documents are
/// read once the batch is the whole input, or line by line once it holds more
/// than [`InputLimits::max_whole_input_bytes`].
pub fn read_batch(batch: Batch, mut each: impl FnMut(Document)) -> Framing {
    let max_json_depth = batch.limits.max_json_depth;
    read_batch_lazily(batch, |piece| match piece {
        Piece::Line { line, text, .. } => {
            each(line_document(line, text, parse_json(text, max_json_depth)))
        }
        Piece::Document(document) => each(document),
    })
}

/// A piece of input as [`read_batch_lazily`] and [`DocumentReader::next_piece`] hand it over.
#[derive(Debug)]
pub enum Piece<'a> {
    /// A complete NDJSON line (not blank, within the line limit), neither
    /// parsed nor validated as UTF-8: a reader that can answer without
    /// parsing it saves the cost, and checks its UTF-8 in the same pass as
    /// its JSON (see [`crate::scan::outline_bytes`]).
    Line {
        /// The line's number in the input.
        line: usize,
        /// Its bytes, without the line terminator (or the byte order mark on line 1).
        text: &'a [u8],
        /// False only when a search of the whole batch showed that nothing
        /// a reader looks for starts in the line (see
        /// [`read_batch_marking_candidates`]); true when something may, or
        /// when the line was not searched.
        candidate: bool,
    },
    /// A document read otherwise (from an array or pretty-printed input), or
    /// a line that is not an event (too long, too large).
    Document(Document),
}

/// [`read_batch`], handing over NDJSON lines as text rather than parsed.
pub fn read_batch_lazily(batch: Batch, each: impl FnMut(Piece<'_>)) -> Framing {
    read_batch_pieces(batch, None, each)
}

/// [`read_batch_lazily`] for a reader that need not look into some NDJSON
/// lines: `next_candidate(offset)` is the first offset of the batch at or
/// after `offset` where something it looks for may start (the batch's
/// length when nothing does), asked with offsets that never decrease. A
/// line ending before it is handed over as a [`Piece::Line`] that is no
/// candidate; every outcome, and the framing, is as [`read_batch_lazily`]'s.
pub fn read_batch_marking_candidates(
    batch: Batch,
    next_candidate: &mut dyn FnMut(usize) -> usize,
    each: impl FnMut(Piece<'_>),
) -> Framing {
    let mut places = CandidatePlaces::new(next_candidate, false);
    read_batch_pieces(batch, Some(&mut places), each)
}

/// [`read_batch_marking_candidates`] for a reader that leaves the lines
/// that are no candidates unread: they are not handed over, only counted
/// (the second number returned).
pub fn read_batch_unless_candidate(
    batch: Batch,
    next_candidate: &mut dyn FnMut(usize) -> usize,
    each: impl FnMut(Piece<'_>),
) -> (Framing, usize) {
    let mut places = CandidatePlaces::new(next_candidate, true);
    let framing = read_batch_pieces(batch, Some(&mut places), each);
    (framing, places.unread)
}

/// Where lines may start to be candidates, as
/// [`read_batch_marking_candidates`] describes.
struct CandidatePlaces<'c> {
    next_candidate: &'c mut dyn FnMut(usize) -> usize,
    /// The place `next_candidate` gave when last asked; `None` before the
    /// first line, so that a batch whose lines are not read (an array, a
    /// document pretty-printed, an incomplete first line) is not searched.
    next: Option<usize>,
    /// Whether the lines that are no candidates are left unread.
    leaves_unread: bool,
    /// How many lines were left unread.
    unread: usize,
    /// How many lines are still handed over as candidates without a search
    /// (a line may always be, since its reader searches it on its own).
    unsearched: usize,
    /// How many lines the last search that found a place in the very line
    /// it started from left unsearched after it (none when the last search
    /// went further).
    backoff: usize,
}

/// The most lines handed over unsearched in a row: where every line is a
/// candidate (the worst case), a search from each line's start to its
/// literal cost 3% of a run in the wasm build, on top of each line's own
/// search; so after a search that stops in the line it started from, the
/// next lines are not searched, twice as many each time.
const MAX_UNSEARCHED_LINES: usize = 64;

impl<'c> CandidatePlaces<'c> {
    fn new(next_candidate: &'c mut dyn FnMut(usize) -> usize, leaves_unread: bool) -> Self {
        CandidatePlaces {
            next: None,
            next_candidate,
            leaves_unread,
            unread: 0,
            unsearched: 0,
            backoff: 0,
        }
    }

    /// Whether the line from `start` to `end` (its terminator included) is
    /// a candidate (it reaches the next place something may start); `None`
    /// when it is no candidate and left unread, counting it.
    fn handed_over(&mut self, start: usize, end: usize) -> Option<bool> {
        let next = match self.next {
            Some(next) if next >= start => next,
            Some(_) if self.unsearched > 0 => {
                self.unsearched -= 1;
                return Some(true);
            }
            searched_before => {
                let next = (self.next_candidate)(start);
                self.backoff = if searched_before.is_some() && end > next {
                    (self.backoff * 2).clamp(1, MAX_UNSEARCHED_LINES)
                } else {
                    0
                };
                self.unsearched = self.backoff;
                self.next = Some(next);
                next
            }
        };
        let candidate = end > next;
        if !candidate && self.leaves_unread {
            self.unread += 1;
            return None;
        }
        Some(candidate)
    }
}

fn read_batch_pieces(
    batch: Batch,
    candidates: Option<&mut CandidatePlaces>,
    each: impl FnMut(Piece<'_>),
) -> Framing {
    let batch = Batch {
        first_line: batch.first_line.max(1),
        ..batch
    };
    if batch.first_line > 1 {
        return read_lines(batch, None, candidates, each);
    }
    match input_start(batch) {
        Start::Incomplete => Framing::default(),
        Start::Lines => read_lines(batch, None, candidates, each),
        Start::Whole { line, size } if size > batch.limits.max_whole_input_bytes => {
            read_lines(batch, Some(line), candidates, each)
        }
        Start::Whole { .. } if !batch.end_of_input => Framing {
            whole_input_needed: true,
            ..Framing::default()
        },
        Start::Whole { .. } => read_whole(batch, each),
    }
}

/// How an input starts, as far as a batch at its start shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// Its first non-blank line is not complete yet.
    Incomplete,
    /// NDJSON.
    Lines,
    /// An array or pretty-printed documents, from `line` on, `size` bytes so
    /// far as [`DocumentReader`] counts them (from the first line's content on).
    Whole { line: usize, size: usize },
}

/// The shape of the input `batch` starts, decided by its first non-blank line.
fn input_start(batch: Batch) -> Start {
    let bytes = batch.bytes;
    let max_line_bytes = batch.limits.max_line_bytes;
    let (mut start, mut number) = (0, 1);
    loop {
        let rest = &bytes[start..];
        let (line, next) = match find_newline(rest) {
            Some(end) => (&rest[..end], start + end + 1),
            None if batch.end_of_input => (rest, bytes.len()),
            // Too long whatever follows: an invalid NDJSON line.
            None if rest.len() > max_line_bytes.saturating_add(LINE_SLACK) => return Start::Lines,
            None => return Start::Incomplete,
        };
        let line = line_content(line, number);
        if line.len() > max_line_bytes {
            return Start::Lines;
        }
        if !is_blank(line) {
            if !batch_opens_whole_input(line, batch.limits.max_json_depth) {
                return Start::Lines;
            }
            let size = line.len() + 1 + (bytes.len() - next);
            return Start::Whole { line: number, size };
        }
        if next >= bytes.len() {
            // Only blank lines so far: NDJSON if nothing follows.
            return if batch.end_of_input {
                Start::Lines
            } else {
                Start::Incomplete
            };
        }
        (start, number) = (next, number + 1);
    }
}

/// An array or pretty-printed documents, read as [`DocumentReader`] reads them.
fn read_whole(batch: Batch, mut each: impl FnMut(Piece<'_>)) -> Framing {
    let mut reader = DocumentReader::with_limits(batch.bytes, batch.limits);
    reader
        .by_ref()
        .for_each(|document| each(Piece::Document(document)));
    Framing {
        lines: reader.lines(),
        blank: reader.blank_lines(),
        consumed: batch.bytes.len(),
        ..Framing::default()
    }
}

/// NDJSON: every complete line (and, at the end of the input, the last one)
/// on its own. `too_large` is the first line of an input that should have
/// been read whole but is too large to be: it is reported, not read.
fn read_lines(
    batch: Batch,
    too_large_line: Option<usize>,
    mut candidates: Option<&mut CandidatePlaces>,
    mut each: impl FnMut(Piece<'_>),
) -> Framing {
    let limits = batch.limits;
    let mut framing = Framing::default();
    while framing.consumed < batch.bytes.len() {
        let start = framing.consumed;
        let rest = &batch.bytes[start..];
        let newline = find_newline(rest);
        let (line, length) = match newline {
            Some(end) => (&rest[..end], end + 1),
            None if batch.end_of_input => (rest, rest.len()),
            None if rest.len() > limits.max_line_bytes.saturating_add(LINE_SLACK) => {
                (rest, rest.len())
            }
            None => break,
        };
        let number = batch.first_line.saturating_add(framing.lines);
        framing.lines += 1;
        framing.consumed += length;
        let incomplete = newline.is_none() && !batch.end_of_input;
        let line = line_content(line, number);
        if incomplete || line.len() > limits.max_line_bytes {
            framing.rest_of_line_skipped = incomplete;
            each(Piece::Document(too_long(number, limits.max_line_bytes)));
        } else if is_blank(line) {
            framing.blank += 1;
        } else if too_large_line == Some(number) {
            each(Piece::Document(too_large(
                number,
                limits.max_whole_input_bytes,
            )));
        } else if let Some(candidate) = candidates.as_deref_mut().map_or(Some(true), |places| {
            places.handed_over(start, framing.consumed)
        }) {
            each(Piece::Line {
                line: number,
                text: line,
                candidate,
            });
        }
    }
    framing
}

fn too_long(line: usize, max_line_bytes: usize) -> Document {
    Document::Invalid {
        line,
        error: Error::new(
            ErrorType::EventInvalid,
            "too_long",
            format!("the line is longer than {max_line_bytes} bytes, the most a line may hold"),
        ),
    }
}

fn too_large(line: usize, max_whole_input_bytes: usize) -> Document {
    Document::Invalid {
        line,
        error: Error::new(
            ErrorType::EventInvalid,
            "too_large",
            format!(
                "the input opens a JSON array or a document spread over lines, and is larger than \
                 {max_whole_input_bytes} bytes, the most an input read whole may hold: \
                 each of its lines is read as NDJSON instead (`jq -c '.[]'` turns an array into NDJSON)"
            ),
        ),
    }
}

/// A line without its `\r` terminator, and without the byte order mark on line 1.
fn line_content(line: &[u8], number: usize) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.strip_prefix(BOM) {
        Some(rest) if number == 1 => rest,
        _ => line,
    }
}

/// The documents of an input read whole (`text` starts with its first
/// non-blank line, on line `first_line`), and its lines.
fn read_whole_text(
    text: &[u8],
    first_line: usize,
    limits: InputLimits,
) -> (Vec<Document>, Framing) {
    let documents = if trim_ascii_start(text).starts_with(b"[") {
        parse_documents(text, first_line, limits)
    } else {
        pretty_or_lines(text, first_line, limits)
    };
    let mut framing = Framing::default();
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() && line.is_empty() {
            // What follows the last newline is no line.
            break;
        }
        framing.lines += 1;
        framing.blank += usize::from(is_blank(line));
    }
    (documents, framing)
}

/// Pretty-printed documents if the whole text reads as such; otherwise the text
/// is NDJSON whose first line happens to be truncated, and each line is judged alone.
fn pretty_or_lines(text: &[u8], first_line: usize, limits: InputLimits) -> Vec<Document> {
    let documents = parse_documents(text, first_line, limits);
    if documents
        .iter()
        .all(|document| matches!(document, Document::Event { .. }))
    {
        return documents;
    }
    text.split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| !is_blank(line))
        .map(|(index, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let number = first_line + index;
            if line.len() > limits.max_line_bytes {
                return too_long(number, limits.max_line_bytes);
            }
            line_document(number, line, parse_json(line, limits.max_json_depth))
        })
        .collect()
}

fn line_document(line: usize, bytes: &[u8], parsed: Result<Value, JsonFault>) -> Document {
    match parsed {
        Ok(value) => Document::Event {
            line,
            value,
            raw: Some(String::from_utf8_lossy(bytes).into_owned()),
        },
        Err(fault) => Document::Invalid {
            line,
            error: fault
                .into_error(&String::from_utf8_lossy(bytes))
                .starting_at_line(line),
        },
    }
}

/// The line of each offset of a text, counted incrementally: offsets asked
/// for in increasing order cost one pass over the text in all.
struct LineCounter<'t> {
    text: &'t [u8],
    first_line: usize,
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            (self.offset, self.line) = (0, self.first_line);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.offset..offset]).count();
        self.offset = offset;
        self.line
    }
}

/// Parses a whole buffered input: an array of events, or a sequence of
/// (possibly pretty-printed) documents. `first_line` is the line `text` starts on.
fn parse_documents(text: &[u8], first_line: usize, limits: InputLimits) -> Vec<Document> {
    let mut lines = LineCounter {
        text,
        first_line,
        offset: 0,
        line: first_line,
    };
    let start = text.len() - trim_ascii_start(text).len();
    let (items_start, is_array) = if text[start..].starts_with(b"[") {
        (start + 1, true)
    } else {
        (start, false)
    };
    let mut documents = Vec::new();
    let mut offset = items_start;
    loop {
        offset += text[offset..].len() - trim_ascii_start(&text[offset..]).len();
        if is_array && text[offset..].starts_with(b"]") {
            offset += 1;
            offset += text[offset..].len() - trim_ascii_start(&text[offset..]).len();
            if offset < text.len() {
                documents.push(invalid_at(
                    text,
                    offset,
                    &mut lines,
                    "unexpected text after the closing `]`",
                ));
            }
            return documents;
        }
        if offset >= text.len() {
            if is_array {
                let end = text
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .map_or(0, |last| last + 1);
                documents.push(invalid_at(
                    text,
                    end,
                    &mut lines,
                    "the array is never closed with `]`",
                ));
            }
            return documents;
        }
        match parse_first_json(&text[offset..], limits.max_json_depth) {
            Some(Ok((value, length))) => {
                documents.push(Document::Event {
                    line: lines.line_at(offset),
                    value,
                    raw: None,
                });
                offset += length;
            }
            Some(Err(fault)) => {
                let line = lines.line_at(offset);
                let document_text = String::from_utf8_lossy(&text[offset..]);
                documents.push(Document::Invalid {
                    line,
                    error: fault.into_error(&document_text).starting_at_line(line),
                });
                return documents;
            }
            None => return documents,
        }
        if is_array {
            offset += text[offset..].len() - trim_ascii_start(&text[offset..]).len();
            if text[offset..].starts_with(b",") {
                offset += 1;
            } else if !text[offset..].starts_with(b"]") {
                documents.push(invalid_at(
                    text,
                    offset,
                    &mut lines,
                    "expected `,` or `]` after an array element",
                ));
                return documents;
            }
        }
    }
}

fn invalid_at(text: &[u8], offset: usize, lines: &mut LineCounter, message: &str) -> Document {
    let line = lines.line_at(offset);
    let line_start = text[..offset.min(text.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line_end = text[line_start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |end| line_start + end);
    let source = String::from_utf8_lossy(&text[line_start..line_end]).into_owned();
    let column = offset.saturating_sub(line_start).min(source.len());
    Document::Invalid {
        line,
        error: Error::new(
            ErrorType::EventInvalid,
            "malformed_json",
            format!("malformed JSON: {message}"),
        )
        .at(crate::span::Span::new(column, column), &source)
        .starting_at_line(line),
    }
}

/// Where the first line feed in `bytes` is.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn find_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// Where the first line feed in `bytes` is: 64 bytes a step, four vector
/// compares and one test. (memchr's search in wasm set itself up on every
/// line and made a call per 64 bytes: 4% of a run over 1.4 KB lines.)
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn find_newline(bytes: &[u8]) -> Option<usize> {
    use core::arch::wasm32::{u8x16_eq, u8x16_splat};
    find_vector_match(bytes, |vector| u8x16_eq(vector, u8x16_splat(b'\n'))).or_else(|| {
        let tail_start = bytes.len() - bytes.len() % VECTOR_BLOCK;
        bytes[tail_start..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map(|at| tail_start + at)
    })
}

/// The bytes [`find_vector_match`] looks at a step.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) const VECTOR_BLOCK: usize = 64;

/// Where the first byte `matches` marks is in the whole 64-byte blocks of
/// `text` (the line framing's search, and the prefilter's search of a batch).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) fn find_vector_match(
    text: &[u8],
    matches: impl Fn(core::arch::wasm32::v128) -> core::arch::wasm32::v128,
) -> Option<usize> {
    use core::arch::wasm32::{u64x2, u8x16_bitmask, v128_any_true, v128_or};
    for (index, block) in text.chunks_exact(VECTOR_BLOCK).enumerate() {
        // Every block is 64 bytes long, so every word is there.
        let word = |at: usize| {
            block
                .get(at..at + 8)
                .and_then(|word| word.try_into().ok())
                .map_or(0, u64::from_le_bytes)
        };
        let found = |at: usize| matches(u64x2(word(at), word(at + 8)));
        // Four named vectors, not an array: an array iterated over was
        // stored to the stack at every step.
        let (one, two, three, four) = (found(0), found(16), found(32), found(48));
        if v128_any_true(v128_or(v128_or(one, two), v128_or(three, four))) {
            let bits = |vector, lane: usize| u64::from(u8x16_bitmask(vector)) << (16 * lane);
            let mask = bits(one, 0) | bits(two, 1) | bits(three, 2) | bits(four, 3);
            return Some(index * VECTOR_BLOCK + mask.trailing_zeros() as usize);
        }
    }
    None
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// An `event_invalid` error pointing at where `serde_json` gave up in `text`.
pub(crate) fn invalid_json(error: &serde_json::Error, text: &str) -> Error {
    // At the end of the input, serde_json names the last character read; the
    // fault is what is missing after it.
    let offset = if error.is_eof() {
        text.trim_end().len()
    } else {
        offset_of(text, error.line(), error.column())
    };
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message)
        .to_string();
    Error::new(
        ErrorType::EventInvalid,
        "malformed_json",
        format!("malformed JSON: {message}"),
    )
    .at(crate::span::Span::new(offset, offset), text)
}

/// The byte offset of a 1-based line and (byte) column, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    crate::span::floor_char_boundary(text, line_start + column.saturating_sub(1))
}

/// How a JSON value that should have been an object is named in messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        DocumentReader::new(text.as_bytes())
            .map(|document| match document {
                Document::Event { line, value, .. } => format!("{line}: {value}"),
                Document::Invalid { line, error } => format!("{line}: invalid: {}", error.message),
            })
            .collect()
    }

    #[test]
    fn ndjson_lines_stand_alone() {
        assert_eq!(
            read("\u{feff}{\"a\":1}\r\n\n{\"a\":\n{\"b\":2}\n{\"c\":3}"),
            [
                "1: {\"a\":1}",
                "3: invalid: malformed JSON: EOF while parsing a value",
                "4: {\"b\":2}",
                "5: {\"c\":3}"
            ]
        );
    }

    #[test]
    fn arrays_and_pretty_documents_keep_their_line_numbers() {
        assert_eq!(
            read("[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n"),
            ["2: {\"a\":1}", "3: {\"b\":2}"]
        );
        assert_eq!(
            read("{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}"),
            ["1: {\"a\":1}", "4: {\"b\":2}"]
        );
        assert_eq!(
            read("[{\"a\":1} {\"b\":2}]"),
            [
                "1: {\"a\":1}",
                "1: invalid: malformed JSON: expected `,` or `]` after an array element"
            ]
        );
        assert_eq!(
            read("[{\"a\":1},"),
            [
                "1: {\"a\":1}",
                "1: invalid: malformed JSON: the array is never closed with `]`"
            ]
        );
        assert_eq!(
            read("{\"a\":\n{\"b\":2}\n"),
            [
                "1: invalid: malformed JSON: EOF while parsing a value",
                "2: {\"b\":2}"
            ]
        );
        assert!(read("").is_empty());
        assert!(read("\n \n").is_empty());
    }

    /// First lines of batches: the hostile accounting lines (BOMs, control
    /// characters, invalid UTF-8, deep nesting, several values a line…), the
    /// examples, and the openings of inputs read whole.
    fn first_lines() -> Vec<Vec<u8>> {
        let hostile: Value = serde_json::from_str(include_str!("../tests/accounting/hostile.json"))
            .expect("the hostile lines are JSON");
        let hostile = hostile["lines"].as_array().cloned().unwrap_or_default();
        let from_hex = |hex: &str| {
            (0..hex.len() / 2)
                .filter_map(|at| u8::from_str_radix(hex.get(2 * at..2 * at + 2)?, 16).ok())
                .collect::<Vec<u8>>()
        };
        let mut lines: Vec<Vec<u8>> = hostile
            .iter()
            .filter_map(|line| match (line["text"].as_str(), line["hex"].as_str()) {
                (Some(text), _) => Some(text.as_bytes().to_vec()),
                (None, Some(hex)) => Some(from_hex(hex)),
                (None, None) => None,
            })
            .collect();
        let examples = include_str!("../examples/azure-auditlogs.ndjson");
        lines.extend(examples.lines().map(|line| line.as_bytes().to_vec()));
        let deep = |depth: usize| format!("{}{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let openings = [
            "{",
            "[",
            "[{\"a\":1},",
            " [1]",
            "{\"a\":1,",
            "{\"a\":",
            "{}",
            "{} {}",
            "{}]",
            "{\"a\":1} x",
            "\u{feff}{}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":tru}",
            "{\"a\":1e}",
            "{\"a\":\"\\u00e9\"}",
            "\"text\"",
            "5",
            "null",
        ];
        lines.extend(openings.iter().map(|line| line.as_bytes().to_vec()));
        lines.extend([2, 3, 200, 600].map(|depth| deep(depth).into_bytes()));
        lines
    }

    #[test]
    fn a_batch_starts_as_the_parse_of_its_first_line_says() {
        for max_json_depth in [crate::limits::DEFAULT_MAX_JSON_DEPTH, 2] {
            for line in first_lines() {
                let parsed = parse_json(&line, max_json_depth);
                assert_eq!(
                    batch_opens_whole_input(&line, max_json_depth),
                    opens_whole_input(&line, &parsed),
                    "{:?} at depth {max_json_depth}",
                    String::from_utf8_lossy(&line)
                );
            }
        }
    }

    /// The batch is searched for candidates only once a line is read: an
    /// input whose start is not yet whole (an array, a pretty-printed
    /// document) is offered again as it grows, and searching it each time
    /// would be work thrown away (found by stop 25's review).
    #[test]
    fn a_batch_whose_lines_are_not_read_is_not_searched() {
        let mut searches = 0;
        let mut next_candidate = |_: usize| {
            searches += 1;
            usize::MAX
        };
        for text in ["[{\"a\":1},\n", "{\n  \"a\": 1,\n", "{\"a\":"] {
            let batch = Batch {
                end_of_input: false,
                ..Batch::whole(text.as_bytes())
            };
            let mut pieces = 0;
            read_batch_marking_candidates(batch, &mut next_candidate, |_| pieces += 1);
            assert_eq!(pieces, 0, "{text:?}");
        }
        let lines = Batch::whole(b"{\"a\":1}\n{\"a\":2}\n");
        read_batch_marking_candidates(lines, &mut next_candidate, |_| {});
        assert_eq!(searches, 1);
    }
}
