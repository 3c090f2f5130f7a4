//! The built-in field tables as the module ships them: their `#` comment
//! lines emptied at compile time, each keeping its newline so a line's number
//! (in a table's error) is still the file's.
//!
//! The built-in schema's field names borrow from these texts, so the texts
//! are data in the wasm module; the comments (1.4 KB: where each table comes
//! from and its format) are for people reading `ecs.fields` and
//! `azure.fields`, and no reader needs them (BENCHMARKS.md, stop 28).

/// `ecs.fields`, comments emptied.
pub(super) const ECS: &str = as_text(&ECS_BYTES);
/// `azure.fields`, comments emptied.
pub(super) const AZURE: &str = as_text(&AZURE_BYTES);

const ECS_SOURCE: &str = include_str!("ecs.fields");
const AZURE_SOURCE: &str = include_str!("azure.fields");
const ECS_BYTES: [u8; uncommented_len(ECS_SOURCE)] = uncommented(ECS_SOURCE);
const AZURE_BYTES: [u8; uncommented_len(AZURE_SOURCE)] = uncommented(AZURE_SOURCE);

/// The end of the line starting at `start`: past its `\n`, or the text's end.
const fn line_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() {
        end += 1;
        if bytes[end - 1] == b'\n' {
            break;
        }
    }
    end
}

/// The length of `text` with its lines that start with `#` emptied.
const fn uncommented_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut start, mut len) = (0, 0);
    while start < bytes.len() {
        let end = line_end(bytes, start);
        if bytes[start] != b'#' {
            len += end - start;
        } else if bytes[end - 1] == b'\n' {
            len += 1;
        }
        start = end;
    }
    len
}

/// `text` with its lines that start with `#` emptied (`N` is [`uncommented_len`]).
const fn uncommented<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0; N];
    let (mut start, mut len) = (0, 0);
    while start < bytes.len() {
        let end = line_end(bytes, start);
        if bytes[start] != b'#' {
            let mut at = start;
            while at < end {
                out[len] = bytes[at];
                len += 1;
                at += 1;
            }
        } else if bytes[end - 1] == b'\n' {
            out[len] = b'\n';
            len += 1;
        }
        start = end;
    }
    out
}

/// Whole lines removed from UTF-8 leave UTF-8; checked anyway, at compile
/// time, as the crate has no `unsafe` to assume it.
const fn as_text(bytes: &'static [u8]) -> &'static str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("a built-in field table without comments is not UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each table is its source's lines, in order, those starting with `#`
    /// emptied, and the tables did have comments to empty.
    #[test]
    fn the_shipped_tables_are_their_sources_with_comments_emptied() {
        for (shipped, source) in [(ECS, ECS_SOURCE), (AZURE, AZURE_SOURCE)] {
            let kept: Vec<&str> = source
                .lines()
                .map(|line| if line.starts_with('#') { "" } else { line })
                .collect();
            assert_eq!(shipped.lines().collect::<Vec<_>>(), kept);
            let bytes: usize = kept.iter().map(|line| line.len() + 1).sum();
            assert_eq!(shipped.len(), bytes, "each line with its newline");
            assert!(shipped.len() < source.len());
        }
    }

    #[test]
    fn comment_lines_are_emptied_wherever_they_are() {
        const SOURCE: &str = "# head\na\tkeyword\n#mid\nb\tlong\n# tail";
        const OUT: [u8; uncommented_len(SOURCE)] = uncommented(SOURCE);
        assert_eq!(as_text(&OUT), "\na\tkeyword\n\nb\tlong\n");
        assert_eq!(uncommented_len("x#\n#\n"), 4);
        assert_eq!(uncommented_len(""), 0);
    }
}
