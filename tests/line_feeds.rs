//! NDJSON framing finds every line feed wherever it falls in the 64-byte
//! steps the WebAssembly build searches by (`input::find_newline`, simd128;
//! natively memchr): lines of every length across block boundaries, read
//! by `read_batch_lazily`, come out as a split on `\n` gives them. Run
//! natively and, through tests/wasm_node.rs, in WebAssembly.

use kql_detect::input::{read_batch_lazily, Batch, Piece};

/// Lines of `lengths` bytes each (`{"k":"x…"}`, never blank), joined by
/// line feeds, and their texts.
fn lines_of(lengths: &[usize]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let lines: Vec<Vec<u8>> = lengths
        .iter()
        .map(|&length| {
            let filler = "x".repeat(length.saturating_sub(10));
            format!("{{\"k\":\"{filler}\"}}").into_bytes()
        })
        .collect();
    (lines.join(&b'\n'), lines)
}

fn framed(input: &[u8]) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    read_batch_lazily(Batch::whole(input), |piece| match piece {
        Piece::Line { text, .. } => lines.push(text.to_vec()),
        Piece::Document(document) => panic!("not a line: {document:?}"),
    });
    lines
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_line_feed_is_found_wherever_it_falls_in_a_block() {
    // Every line length from 10 to 200 bytes, first alone, then after lines
    // that put its start at every offset of a 64-byte block.
    for length in 10..=200 {
        for lead in [10, 11, 40, 62, 63, 64, 65, 127, 128, 129] {
            let (input, lines) = lines_of(&[lead, length, length + 1, 64, lead]);
            assert_eq!(framed(&input), lines, "lines of {lead} and {length} bytes");
        }
        let (input, lines) = lines_of(&[length]);
        assert_eq!(framed(&input), lines, "one line of {length} bytes");
    }
}
