//! The syntax tree as JSON: the shape the playground shows, with the byte span
//! of every node and literal.

use kql_detect::kql::parse;
use serde_json::json;

fn ast(query: &str) -> serde_json::Value {
    serde_json::to_value(parse(query).expect("the query parses")).expect("the tree serialises")
}

#[test]
fn nodes_and_literals_carry_byte_spans() {
    assert_eq!(
        ast(r#"a:1 and not b:"x y""#),
        json!({
            "type": "and",
            "span": {"start": 0, "end": 19},
            "children": [
                {
                    "type": "is",
                    "span": {"start": 0, "end": 3},
                    "field": {"span": {"start": 0, "end": 1}, "kind": "text", "text": "a", "quoted": false},
                    "value": {"span": {"start": 2, "end": 3}, "kind": "text", "text": "1", "quoted": false}
                },
                {
                    "type": "not",
                    "span": {"start": 8, "end": 19},
                    "child": {
                        "type": "is",
                        "span": {"start": 12, "end": 19},
                        "field": {"span": {"start": 12, "end": 13}, "kind": "text", "text": "b", "quoted": false},
                        "value": {"span": {"start": 14, "end": 19}, "kind": "text", "text": "x y", "quoted": true}
                    }
                }
            ]
        })
    );
}

#[test]
fn wildcards_ranges_nested_and_special_literals_serialise_readably() {
    assert_eq!(
        ast("a.*.b:gu\\*e*t"),
        json!({
            "type": "is",
            "span": {"start": 0, "end": 13},
            "field": {"span": {"start": 0, "end": 5}, "kind": "wildcard", "pattern": "a.*.b"},
            "value": {"span": {"start": 6, "end": 13}, "kind": "wildcard", "pattern": "gu\\*e*t"}
        })
    );
    assert_eq!(
        ast("n >= 5"),
        json!({
            "type": "range",
            "span": {"start": 0, "end": 6},
            "field": {"span": {"start": 0, "end": 1}, "kind": "text", "text": "n", "quoted": false},
            "operator": "gte",
            "value": {"span": {"start": 5, "end": 6}, "kind": "text", "text": "5", "quoted": false}
        })
    );
    assert_eq!(
        ast("u:{ ok:true or x:null }")["query"]["children"],
        json!([
            {
                "type": "is",
                "span": {"start": 4, "end": 11},
                "field": {"span": {"start": 4, "end": 6}, "kind": "text", "text": "ok", "quoted": false},
                "value": {"span": {"start": 7, "end": 11}, "kind": "boolean", "value": true}
            },
            {
                "type": "is",
                "span": {"start": 15, "end": 21},
                "field": {"span": {"start": 15, "end": 16}, "kind": "text", "text": "x", "quoted": false},
                "value": {"span": {"start": 17, "end": 21}, "kind": "null"}
            }
        ])
    );
}

#[test]
fn value_list_members_span_their_value() {
    let tree = ast("f:(a or b)");
    assert_eq!(tree["type"], "or");
    assert_eq!(tree["span"], json!({"start": 0, "end": 10}));
    assert_eq!(tree["children"][0]["span"], json!({"start": 3, "end": 4}));
    assert_eq!(tree["children"][1]["span"], json!({"start": 8, "end": 9}));
}

#[test]
fn spans_count_bytes_not_characters() {
    let tree = ast("é:ü");
    assert_eq!(tree["field"]["span"], json!({"start": 0, "end": 2}));
    assert_eq!(tree["value"]["span"], json!({"start": 3, "end": 5}));
}

/// A printed query parses back to a tree that prints the same, whatever its
/// literals hold. Found by fuzzing: an empty literal (`\f` is no KQL space,
/// and Kibana trims it away) printed as nothing, and a value ending in an
/// operator word (`\or`, or ` or` inside a word for Kibana 7.x, where U+00A0
/// is no space) printed as the operator.
#[test]
fn printed_queries_parse_back_to_themselves() {
    use kql_detect::kql::{parse_with, Grammar};
    for (query, grammar, printed) in [
        ("\u{c} >= 1", Grammar::Current, "\\u0020 >= 1"),
        ("a:\u{c}", Grammar::Current, "a:\\u0020"),
        ("hello \\or or b", Grammar::Current, "(hello \\or or b)"),
        ("a:(x \\AND and y)", Grammar::Current, "(a:x \\AND and a:y)"),
        ("b \\u006eot or c", Grammar::Current, "(b \\u006eot or c)"),
        ("x\u{a0}or or y", Grammar::Kibana7, "(x\u{a0}\\or or y)"),
    ] {
        let tree = parse_with(query, grammar).expect("a query");
        assert_eq!(tree.to_string(), printed, "{query:?}");
        let reparsed = parse(printed).expect("the printed query parses");
        assert_eq!(reparsed.to_string(), printed, "{query:?}");
    }
}
