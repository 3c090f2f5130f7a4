//! Writes the benchmark data as NDJSON files for the Node benchmark:
//! `cargo run --release --example bench-data -- DIR [LINES]`.

#[path = "data.rs"]
mod data;

fn main() -> std::io::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let directory = std::path::PathBuf::from(
        arguments
            .next()
            .unwrap_or_else(|| "target/bench-data".to_string()),
    );
    let lines: usize = arguments
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    std::fs::create_dir_all(&directory)?;
    std::fs::write(directory.join("mix.ndjson"), data::mix(lines))?;
    std::fs::write(directory.join("worst.ndjson"), data::worst(lines))?;
    Ok(())
}
