//! The two ways an input is read, side by side: [`DocumentReader`] pulling
//! from a reader (the command line), and [`read_batch`] pushed a stream's
//! chunks, carrying an incomplete line into the next chunk and dropping the
//! rest of a line too long, as `js/chunks.cjs` does. Whatever the chunks,
//! both must give the same documents and the same line counts.

use std::io::BufReader;

use kql_detect::input::{read_batch, Batch, Document, DocumentReader, Framing};
use kql_detect::limits::InputLimits;

/// What reading an input gave, comparable across ways of reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Each document: its line, then its value, or why it is invalid.
    pub documents: Vec<String>,
    /// Lines read, blank ones included.
    pub lines: usize,
    /// Blank lines.
    pub blank: usize,
}

impl Reading {
    /// True when every line has exactly one outcome (NDJSON: one document
    /// per non-blank line).
    pub fn accounts_for_every_line(&self) -> bool {
        self.lines == self.documents.len() + self.blank
    }
}

/// A document in a comparable form.
pub fn describe(document: &Document) -> String {
    match document {
        Document::Event { line, value, raw } => format!("{line}: {value} raw={raw:?}"),
        Document::Invalid { line, error } => {
            format!("{line}: invalid {}: {}", error.kind, error.message)
        }
    }
}

/// Reads `input` with a [`DocumentReader`] whose buffer holds `capacity`
/// bytes, so that lines also cross the reader's own refills.
pub fn by_reader(input: &[u8], capacity: usize, limits: InputLimits) -> Reading {
    let mut reader =
        DocumentReader::with_limits(BufReader::with_capacity(capacity.max(1), input), limits);
    let documents = reader
        .by_ref()
        .map(|document| describe(&document))
        .collect();
    Reading {
        documents,
        lines: reader.lines(),
        blank: reader.blank_lines(),
    }
}

/// Reads `input` as a stream cut at `cuts` (byte offsets, in any order).
pub fn by_batches(input: &[u8], cuts: &[usize], limits: InputLimits) -> Reading {
    let mut documents = Vec::new();
    let framing = in_chunks(input, cuts, limits, |batch| {
        read_batch(batch, |document| documents.push(describe(&document)))
    });
    Reading {
        documents,
        lines: framing.lines,
        blank: framing.blank,
    }
}

/// Hands `input` to `read` as a stream cut at `cuts` (byte offsets, in any
/// order) would: each batch is the bytes the previous one left unread followed
/// by the next piece, the rest of a line too long is dropped, and the last
/// batch ends the input. Returns the lines and blank lines read in all.
pub fn in_chunks(
    input: &[u8],
    cuts: &[usize],
    limits: InputLimits,
    mut read: impl FnMut(Batch) -> Framing,
) -> Framing {
    let mut cuts: Vec<usize> = cuts.iter().map(|&cut| cut.min(input.len())).collect();
    cuts.sort_unstable();
    let mut total = Framing::default();
    let mut carried: Vec<u8> = Vec::new();
    let (mut start, mut skipping) = (0, false);
    for end in cuts.into_iter().chain([input.len()]) {
        carried.extend_from_slice(&input[start..end]);
        start = end;
        if skipping {
            let Some(newline) = carried.iter().position(|&b| b == b'\n') else {
                carried.clear();
                continue;
            };
            carried.drain(..=newline);
        }
        let batch = Batch {
            bytes: &carried,
            first_line: total.lines + 1,
            end_of_input: end == input.len(),
            limits,
        };
        let framing = read(batch);
        skipping = framing.rest_of_line_skipped;
        total.lines += framing.lines;
        total.blank += framing.blank;
        carried.drain(..framing.consumed);
    }
    assert!(carried.is_empty(), "the end of the input reads everything");
    total
}
