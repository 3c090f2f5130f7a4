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
//! line (with its number and reason), or a blank line.
//!
//! [`DocumentReader`] pulls from a reader; [`read_batch`] is pushed pieces of
//! an input (a stream's chunks) and reads the complete lines each one holds.

use std::io::BufRead;

use serde_json::Value;

use crate::error::{Error, ErrorType};

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
    line: usize,
    buffer: Vec<u8>,
}

enum State {
    Undetected,
    Lines,
    Buffered(std::vec::IntoIter<Document>),
}

impl<R: BufRead> DocumentReader<R> {
    /// A reader over `reader`; the shape is detected on the first read.
    pub fn new(reader: R) -> DocumentReader<R> {
        DocumentReader {
            reader,
            state: State::Undetected,
            line: 0,
            buffer: Vec::new(),
        }
    }

    /// Reads the next line into `self.buffer` without its terminator; false at the end.
    fn next_line(&mut self) -> Result<bool, Error> {
        self.buffer.clear();
        let read = self
            .reader
            .read_until(b'\n', &mut self.buffer)
            .map_err(|error| {
                Error::new(
                    ErrorType::EventInvalid,
                    "read_failed",
                    format!("cannot read input: {error}"),
                )
            })?;
        if read == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
        }
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        if self.line == 1 && self.buffer.starts_with(b"\xEF\xBB\xBF") {
            self.buffer.drain(..3);
        }
        Ok(true)
    }

    /// Looks at the first non-blank line to choose a shape, and returns its first document.
    fn detect(&mut self) -> Option<Document> {
        loop {
            match self.next_line() {
                Ok(false) => {
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
                Ok(true) if is_blank(&self.buffer) => continue,
                Ok(true) => break,
            }
        }
        let first_line = self.line;
        let whole_line = serde_json::from_slice::<Value>(&self.buffer);
        if opens_whole_input(&self.buffer, &whole_line) {
            let mut text = std::mem::take(&mut self.buffer);
            text.push(b'\n');
            let documents = match self.reader.read_to_end(&mut text) {
                Ok(_) if trimmed_starts_with_bracket(&text) => parse_documents(&text, first_line),
                Ok(_) => pretty_or_lines(&text, first_line),
                Err(error) => vec![Document::Invalid {
                    line: first_line,
                    error: Error::new(
                        ErrorType::EventInvalid,
                        "read_failed",
                        format!("cannot read input: {error}"),
                    ),
                }],
            };
            let mut documents = documents.into_iter();
            let first = documents.next();
            self.state = State::Buffered(documents);
            return first;
        }
        self.state = State::Lines;
        Some(line_document(first_line, &self.buffer, whole_line))
    }
}

impl<R: BufRead> Iterator for DocumentReader<R> {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        match &mut self.state {
            State::Undetected => self.detect(),
            State::Buffered(documents) => documents.next(),
            State::Lines => loop {
                match self.next_line() {
                    Ok(false) => return None,
                    Err(error) => {
                        return Some(Document::Invalid {
                            line: self.line,
                            error,
                        })
                    }
                    Ok(true) if is_blank(&self.buffer) => continue,
                    Ok(true) => {
                        let parsed = serde_json::from_slice::<Value>(&self.buffer);
                        return Some(line_document(self.line, &self.buffer, parsed));
                    }
                }
            },
        }
    }
}

/// Whether an input whose first non-blank line is `line` (parsed as
/// `parsed`) can only be read whole: it opens a JSON array, or a document
/// spread over several lines.
fn opens_whole_input(line: &[u8], parsed: &serde_json::Result<Value>) -> bool {
    trim_ascii_start(line).starts_with(b"[") || matches!(parsed, Err(error) if error.is_eof())
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
    /// Lines longer than this are invalid (`too_long`) without being parsed,
    /// even before they are complete, so a stream need not hold them.
    pub max_line_bytes: usize,
}

impl Batch<'_> {
    /// A whole input, with no limit on its lines.
    pub fn whole(bytes: &[u8]) -> Batch<'_> {
        Batch {
            bytes,
            first_line: 1,
            end_of_input: true,
            max_line_bytes: usize::MAX,
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
    /// until the batch holds the whole input.
    pub whole_input_needed: bool,
    /// The last line read was too long and incomplete: the bytes up to its
    /// newline, which the next batches bring, are not part of any line.
    pub rest_of_line_skipped: bool,
}

/// Reads the documents of a batch and passes each to `each`.
///
/// Only complete lines are read, unless the batch ends the input: a caller
/// streaming chunks keeps `bytes[consumed..]` and puts it in front of the next
/// chunk. At the start of the input nothing is read until the first non-blank
/// line is complete, since that line decides the shape exactly as
/// [`DocumentReader`] decides it; an array or pretty-printed documents are
/// read once the batch is the whole input.
pub fn read_batch(batch: Batch, mut each: impl FnMut(Document)) -> Framing {
    read_batch_lazily(batch, |piece| match piece {
        Piece::Line { line, text } => each(line_document(
            line,
            text.as_bytes(),
            serde_json::from_str(text),
        )),
        Piece::Document(document) => each(document),
    })
}

/// A piece of a batch as [`read_batch_lazily`] hands it over.
#[derive(Debug)]
pub enum Piece<'a> {
    /// A complete NDJSON line (UTF-8, not blank), not yet parsed: a reader
    /// that can answer without parsing it saves the cost.
    Line {
        /// The line's number in the input.
        line: usize,
        /// Its text, without the line terminator (or the byte order mark on line 1).
        text: &'a str,
    },
    /// A document read otherwise (from an array or pretty-printed input), or
    /// a line that is not an event (invalid UTF-8, too long).
    Document(Document),
}

/// [`read_batch`], handing over NDJSON lines as text rather than parsed.
pub fn read_batch_lazily(batch: Batch, each: impl FnMut(Piece<'_>)) -> Framing {
    let batch = Batch {
        first_line: batch.first_line.max(1),
        ..batch
    };
    if batch.first_line == 1 {
        match needs_whole_input(batch.bytes, batch.end_of_input) {
            None => return Framing::default(),
            Some(true) if !batch.end_of_input => {
                return Framing {
                    whole_input_needed: true,
                    ..Framing::default()
                }
            }
            Some(true) => return read_whole(batch.bytes, each),
            Some(false) => {}
        }
    }
    read_lines(batch, each)
}

/// Whether the input `bytes` starts must be read whole; `None` while its
/// first non-blank line is incomplete.
fn needs_whole_input(bytes: &[u8], end_of_input: bool) -> Option<bool> {
    let (mut start, mut number) = (0, 1);
    loop {
        let rest = &bytes[start..];
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], start + end + 1),
            None if end_of_input => (rest, bytes.len()),
            None => return None,
        };
        let line = line_content(line, number);
        if !is_blank(line) {
            return Some(opens_whole_input(line, &serde_json::from_slice(line)));
        }
        if next >= bytes.len() {
            // Only blank lines so far: NDJSON if nothing follows.
            return end_of_input.then_some(false);
        }
        (start, number) = (next, number + 1);
    }
}

/// An array or pretty-printed documents, read as [`DocumentReader`] reads them.
fn read_whole(bytes: &[u8], mut each: impl FnMut(Piece<'_>)) -> Framing {
    DocumentReader::new(bytes).for_each(|document| each(Piece::Document(document)));
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let lines = match lines.split_last() {
        Some((&[], complete)) => complete,
        _ => &lines,
    };
    Framing {
        lines: lines.len(),
        blank: lines.iter().filter(|line| is_blank(line)).count(),
        consumed: bytes.len(),
        ..Framing::default()
    }
}

/// NDJSON: every complete line (and, at the end of the input, the last one) on its own.
fn read_lines(batch: Batch, mut each: impl FnMut(Piece<'_>)) -> Framing {
    let mut framing = Framing::default();
    while framing.consumed < batch.bytes.len() {
        let rest = &batch.bytes[framing.consumed..];
        let newline = rest.iter().position(|&b| b == b'\n');
        let (line, length) = match newline {
            Some(end) => (&rest[..end], end + 1),
            None if batch.end_of_input || rest.len() > batch.max_line_bytes => (rest, rest.len()),
            None => break,
        };
        let number = batch.first_line.saturating_add(framing.lines);
        framing.lines += 1;
        framing.consumed += length;
        let line = line_content(line, number);
        if line.len() > batch.max_line_bytes {
            framing.rest_of_line_skipped = newline.is_none() && !batch.end_of_input;
            each(Piece::Document(too_long(number, batch.max_line_bytes)));
        } else if is_blank(line) {
            framing.blank += 1;
        } else {
            match std::str::from_utf8(line) {
                Ok(text) => each(Piece::Line { line: number, text }),
                Err(_) => each(Piece::Document(line_document(
                    number,
                    line,
                    serde_json::from_slice(line),
                ))),
            }
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

/// A line without its `\r` terminator, and without the byte order mark on line 1.
fn line_content(line: &[u8], number: usize) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) if number == 1 => rest,
        _ => line,
    }
}

fn trimmed_starts_with_bracket(text: &[u8]) -> bool {
    trim_ascii_start(text).starts_with(b"[")
}

/// Pretty-printed documents if the whole text reads as such; otherwise the text
/// is NDJSON whose first line happens to be truncated, and each line is judged alone.
fn pretty_or_lines(text: &[u8], first_line: usize) -> Vec<Document> {
    let documents = parse_documents(text, first_line);
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
            line_document(first_line + index, line, serde_json::from_slice(line))
        })
        .collect()
}

fn line_document(line: usize, bytes: &[u8], parsed: serde_json::Result<Value>) -> Document {
    match parsed {
        Ok(value) => Document::Event {
            line,
            value,
            raw: Some(String::from_utf8_lossy(bytes).into_owned()),
        },
        Err(error) => Document::Invalid {
            line,
            error: invalid_json(&error, &String::from_utf8_lossy(bytes)).starting_at_line(line),
        },
    }
}

/// Parses a whole buffered input: an array of events, or a sequence of
/// (possibly pretty-printed) documents. `first_line` is the line `text` starts on.
fn parse_documents(text: &[u8], first_line: usize) -> Vec<Document> {
    let line_at = |offset: usize| {
        first_line
            + text[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
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
                    &line_at,
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
                    &line_at,
                    "the array is never closed with `]`",
                ));
            }
            return documents;
        }
        let mut stream = serde_json::Deserializer::from_slice(&text[offset..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                documents.push(Document::Event {
                    line: line_at(offset),
                    value,
                    raw: None,
                });
                offset += stream.byte_offset();
            }
            Some(Err(error)) => {
                let document_text = String::from_utf8_lossy(&text[offset..]);
                documents.push(Document::Invalid {
                    line: line_at(offset),
                    error: invalid_json(&error, &document_text).starting_at_line(line_at(offset)),
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
                    &line_at,
                    "expected `,` or `]` after an array element",
                ));
                return documents;
            }
        }
    }
}

fn invalid_at(
    text: &[u8],
    offset: usize,
    line_at: &dyn Fn(usize) -> usize,
    message: &str,
) -> Document {
    let line = line_at(offset);
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
        .at(crate::span::Span::new(column, column), &source),
    }
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
}
