//! The `kql-detect` command: events in (files or stdin), alerts out (NDJSON on
//! stdout), diagnostics and a one-line summary on stderr.
//!
//! Exit codes: 0 success (with or without alerts), 1 some input lines were
//! invalid (each reported; the rest processed), 2 bad usage, query or mapping.
//! Every subcommand is a thin shell over the library: it reads files, calls
//! one engine function and prints the result.

mod dsl;
mod evaluate;
mod inputs;
mod normalize;
mod replay;
mod rule_test;
mod setup;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use dsl::DslArguments;
use evaluate::EvaluateArguments;
use replay::ReplayArguments;
use rule_test::TestArguments;

/// What the exit code says, as `--help` prints it.
const EXIT_CODES: &str = "Exit codes: 0 success (with or without alerts); 1 some input lines were \
invalid or an input could not be read to its end (each reported with its line number, the rest \
processed); 2 bad usage, query, rule or mapping, or an input file that cannot be opened.";

/// Evaluate Elastic Security KQL detection rules against JSON events.
///
/// Reads events as NDJSON, a JSON array, or pretty-printed JSON documents, from
/// the files given (or stdin), and prints one alert per line for every rule
/// that matches. Without --rules or --query, the built-in rule "Azure External
/// Guest User Invitation" runs.
#[derive(Parser, Debug)]
#[command(
    name = "kql-detect",
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    evaluate: EvaluateArguments,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay the rules' scheduled executions over the input's time span, as
    /// Kibana would have run them: alerts on stdout, warnings, gaps and a
    /// summary on stderr.
    Replay(ReplayArguments),
    /// Run each rule against its sample events (NAME.positive.ndjson and
    /// NAME.negative.ndjson beside NAME.toml) and report per rule: text, JSON
    /// or JUnit XML. Exit code 1 when a rule fails, for CI.
    Test(TestArguments),
    /// Print the Elasticsearch query DSL Kibana builds from each --query, or,
    /// for --rules, each rule's search request of one execution (at --now),
    /// ready for _search.
    Dsl(DslArguments),
    /// Print the ECS documents the inputs become (NDJSON): raw Azure records
    /// normalised as Elastic's Azure integration would, search hits unwrapped,
    /// ECS documents unchanged.
    Normalize(normalize::NormalizeArguments),
}

/// The rules to run and the mapping they are read against.
#[derive(Args, Debug, Clone)]
pub struct RuleArguments {
    /// Rules to run instead of the built-in rule (repeatable): detection-rules TOML,
    /// rules API JSON, a Kibana export (NDJSON), or a directory of them (searched
    /// recursively). Unsupported rules are reported and skipped.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<std::path::PathBuf>,

    /// Run this KQL query as an ad-hoc rule (repeatable; with --rules, in addition).
    #[arg(long = "query", value_name = "KQL")]
    pub queries: Vec<String>,

    /// Rule exceptions (repeatable): a Kibana exception list export (NDJSON) or
    /// API JSON. Items of lists a rule's `exceptions_list` names apply to that
    /// rule; items of lists no rule names apply to every rule. Lists in a Kibana
    /// rule export given to --rules are read too.
    #[arg(long = "exceptions", value_name = "FILE")]
    pub exceptions: Vec<std::path::PathBuf>,

    /// Value lists for `is in list` exception entries: a JSON object
    /// {"list id": ["value", ...]}.
    #[arg(long, value_name = "FILE")]
    pub value_lists: Option<std::path::PathBuf>,

    /// The mapping to use instead of the built-in one (ECS + Elastic's Azure
    /// integration): a {"field": "type"} object, a GET _mapping or _field_caps
    /// response, or a Kibana data view's field list. It is complete: unlisted
    /// fields are unmapped and match nothing.
    #[arg(long, value_name = "FILE")]
    pub field_types: Option<std::path::PathBuf>,

    /// A mapping (same formats) to add to the built-in one, or to --field-types.
    #[arg(long, value_name = "FILE")]
    pub extra_field_types: Option<std::path::PathBuf>,

    /// What `now` means in date math and the alerts' creation time (RFC 3339), instead of the clock.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// Where events come from.
#[derive(Args, Debug, Clone)]
pub struct InputArguments {
    /// Input files; stdin when none is given, or for `-`.
    pub files: Vec<std::path::PathBuf>,

    /// The index or data stream the input belongs to, for the rules' index
    /// patterns (a search hit's own `_index` wins).
    #[arg(long, value_name = "NAME")]
    pub index: Option<String>,

    #[command(flatten)]
    pub read: ReadArguments,
}

/// How events are read.
#[derive(Args, Debug, Clone)]
pub struct ReadArguments {
    /// How to read events: `auto` normalises raw Azure records (alone, in
    /// {"records": [...]} envelopes, Graph API items or pages, or inside a
    /// Filebeat `message`) as Elastic's Azure integration would and passes ECS
    /// documents through; `ecs` takes every event as ingested; `azure` takes
    /// every event as a raw record.
    #[arg(long, value_name = "KIND", default_value = "auto")]
    pub input: InputChoice,

    /// Keep each raw Azure record's JSON as `event.original` (Elastic's
    /// preserve_original_event tag).
    #[arg(long)]
    pub keep_original: bool,
}

/// `--input`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum InputChoice {
    Auto,
    Ecs,
    Azure,
}

impl ReadArguments {
    /// The library's ingest options.
    pub fn options(&self) -> kql_detect::ingest::IngestOptions {
        use kql_detect::ingest::InputKind;
        kql_detect::ingest::IngestOptions {
            input: match self.input {
                InputChoice::Auto => InputKind::Auto,
                InputChoice::Ecs => InputKind::Ecs,
                InputChoice::Azure => InputKind::Azure,
            },
            keep_original: self.keep_original,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Replay(arguments)) => replay::run(&arguments),
        Some(Command::Test(arguments)) => rule_test::run(&arguments),
        Some(Command::Normalize(arguments)) => normalize::run(&arguments),
        Some(Command::Dsl(arguments)) => dsl::run(&arguments),
        None => evaluate::run(&cli.evaluate),
    }
}
