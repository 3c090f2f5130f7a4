//! The built-in field tables as the module ships them: without their `#`
//! comment lines, removed at compile time.
//!
//! The built-in schema's field names borrow from these texts, so the texts
//! are data in the wasm module; the comments (1.4 KB: where each table comes
//! from and its format) are for people reading `ecs.fields` and
//! `azure.fields`, and no reader needs them (BENCHMARKS.md, stop 28).

/// `ecs.fields` without comments.
pub(super) const ECS: &str = as_text(&ECS_BYTES);
/// `azure.fields` without comments.
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

/// The length of `text` without its lines that start with `#`.
const fn uncommented_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut start, mut len) = (0, 0);
    while start < bytes.len() {
        let end = line_end(bytes, start);
        if bytes[start] != b'#' {
            len += end - start;
        }
        start = end;
    }
    len
}

/// `text` without its lines that start with `#` (`N` is [`uncommented_len`]).
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

    /// Each table is its source's lines, in order, less those starting with
    /// `#`, and the tables did have comments to drop.
    #[test]
    fn the_shipped_tables_are_their_sources_without_comments() {
        for (shipped, source) in [(ECS, ECS_SOURCE), (AZURE, AZURE_SOURCE)] {
            let kept: Vec<&str> = source
                .lines()
                .filter(|line| !line.starts_with('#'))
                .collect();
            assert_eq!(shipped.lines().collect::<Vec<_>>(), kept);
            let bytes: usize = kept.iter().map(|line| line.len() + 1).sum();
            assert_eq!(shipped.len(), bytes, "each kept line with its newline");
            assert!(kept.len() < source.lines().count());
        }
    }

    #[test]
    fn comment_lines_go_whole_wherever_they_are() {
        const SOURCE: &str = "# head\na\tkeyword\n#mid\nb\tlong\n# tail";
        const OUT: [u8; uncommented_len(SOURCE)] = uncommented(SOURCE);
        assert_eq!(as_text(&OUT), "a\tkeyword\nb\tlong\n");
        assert_eq!(uncommented_len("x#\n#\n"), 3);
        assert_eq!(uncommented_len(""), 0);
    }
}
