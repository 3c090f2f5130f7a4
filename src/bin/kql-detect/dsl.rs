//! `kql-detect dsl`: the Elasticsearch query DSL Kibana builds, for running
//! rules where the data is.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Args;
use kql_detect::dsl::{self, DataView, Form};
use kql_detect::Error;
use serde_json::{json, Value};

use crate::{setup, RuleArguments};

/// Arguments of `dsl`.
#[derive(Args, Debug)]
pub struct DslArguments {
    #[command(flatten)]
    rules: RuleArguments,

    /// Translate as Kibana 7.x did (its grammar; match, match_phrase and query_string only).
    #[arg(long)]
    legacy: bool,

    /// Indent the JSON (one document after another) instead of one document per line.
    #[arg(long)]
    pretty: bool,
}

/// Runs `dsl`: exit 0, or 2 on a bad query, rule or usage.
pub fn run(arguments: &DslArguments) -> ExitCode {
    match documents(arguments).and_then(|documents| print(&documents, arguments.pretty)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error.rendered());
            ExitCode::from(2)
        }
    }
}

/// For `--query`, each query's DSL; otherwise each rule's search request.
fn documents(arguments: &DslArguments) -> Result<Vec<Value>, Error> {
    let form = if arguments.legacy {
        Form::Legacy
    } else {
        Form::Current
    };
    let rules = &arguments.rules;
    match (rules.queries.is_empty(), rules.rules.is_empty()) {
        (false, false) => Err(setup::usage(
            "give --query or --rules, not both".to_string(),
        )),
        (false, true) => {
            let schema = setup::schema(&rules.field_types, &rules.extra_field_types)?;
            let data_view = DataView::of(&schema);
            rules
                .queries
                .iter()
                .map(|query| {
                    let translation = dsl::to_elasticsearch_query(query, &data_view, form)?;
                    warn(query, &translation.unlisted_fields);
                    Ok(translation.query)
                })
                .collect()
        }
        (true, _) => {
            let (engine, now) = setup::rules_engine(rules)?;
            let searches = engine.search_requests(form, now)?;
            Ok(searches
                .into_iter()
                .map(|search| {
                    for warning in &search.warnings {
                        eprintln!("warning: rule {}: {warning}", search.rule_id);
                    }
                    json!({"rule_id": search.rule_id, "name": search.name, "request": search.request})
                })
                .collect())
        }
    }
}

fn warn(query: &str, unlisted_fields: &[String]) {
    for field in unlisted_fields {
        eprintln!(
            "warning: query `{query}`: {}",
            dsl::unlisted_field_warning(field)
        );
    }
}

fn print(documents: &[Value], pretty: bool) -> Result<(), Error> {
    let write = || -> io::Result<()> {
        let stdout = io::stdout();
        let mut output = BufWriter::new(stdout.lock());
        for document in documents {
            if pretty {
                serde_json::to_writer_pretty(&mut output, document)?;
            } else {
                serde_json::to_writer(&mut output, document)?;
            }
            output.write_all(b"\n")?;
        }
        output.flush()
    };
    match write() {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(setup::usage(error.to_string()))
        }
        _ => Ok(()),
    }
}
