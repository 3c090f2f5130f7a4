//! The grok processors of the Azure pipelines: resource ids broken into
//! subscription, group, provider and name, tenant ids read from tenant-scoped
//! resource ids, and user principal names split into user and domain.
//!
//! Grok runs Joni regular expressions: unanchored (the leftmost match wins),
//! greedy with backtracking, `.` stopping at a line break, `$` matching at a
//! line end. The resource-id expressions are reproduced by a small
//! backtracking matcher over their parts rather than a regex engine (no
//! dependency, and the crate runs in WebAssembly). Backtracking over crafted
//! text can take long, so every grok processor gets a budget of work; when it
//! runs out the processor is treated as not matching, which is what
//! Elasticsearch's grok watchdog does to a match that runs too long (the
//! processors ignore that failure).

use std::cell::Cell;

/// One element of a grok expression.
pub(crate) enum Part {
    /// Text that must appear as written.
    Literal(&'static str),
    /// Text that must appear, in any ASCII case (the `(?i)` flag).
    LiteralAnyCase(&'static str),
    /// A greedy run of `min..=max` characters the predicate accepts.
    Run(fn(char) -> bool, usize, usize),
    /// `((?!WORD).)*$`: characters up to the line end, none starting WORD.
    LineWithout(&'static str),
    /// A named capture around a sub-expression; the name is the target field.
    Capture(&'static str, &'static [Part]),
    /// A sub-expression, as a grok pattern names one (`%{SUBID}`).
    Sequence(&'static [Part]),
}

use Part::{Capture, LineWithout, Literal, LiteralAnyCase, Run, Sequence};

/// What a grok processor captured: (target field, text).
pub(crate) type Captures = Vec<(&'static str, String)>;

/// Work allowed to one grok processor, in characters examined.
const WORK_BUDGET: usize = 1_000_000;

/// `.+` and the other unbounded runs.
const MANY: usize = usize::MAX;

fn any(c: char) -> bool {
    c != '\n'
}
fn hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}
fn letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}
fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
fn not_slash(c: char) -> bool {
    c != '/'
}
fn open_brace(c: char) -> bool {
    c == '{'
}
fn close_brace(c: char) -> bool {
    c == '}'
}

/// A GUID, optionally in braces.
const GUID: &[Part] = &[
    Run(open_brace, 0, 1),
    Run(hex, 8, 8),
    Literal("-"),
    Run(hex, 4, 4),
    Literal("-"),
    Run(hex, 4, 4),
    Literal("-"),
    Run(hex, 4, 4),
    Literal("-"),
    Run(hex, 12, 12),
    Run(close_brace, 0, 1),
];

/// `.+`
const ANYTHING: &[Part] = &[Run(any, 1, MANY)];

/// `([A-Za-z])\w+.([A-Za-z])\w+/`: the `Namespace.Service/` of a provider.
const NAMESPACE_SERVICE: &[Part] = &[
    Run(letter, 1, 1),
    Run(word, 1, MANY),
    Run(any, 1, 1),
    Run(letter, 1, 1),
    Run(word, 1, MANY),
    Literal("/"),
];

/// `… ([A-Za-z])\w+.`: `Namespace.Service/type` and one more character.
const PROVIDER_WITH_TAIL: &[Part] = &[
    Sequence(NAMESPACE_SERVICE),
    Run(letter, 1, 1),
    Run(word, 1, MANY),
    Run(any, 1, 1),
];

/// `… ([A-Za-z][^/])\w+`: `Namespace.Service/type`.
const PROVIDER_TYPE: &[Part] = &[
    Sequence(NAMESPACE_SERVICE),
    Run(letter, 1, 1),
    Run(not_slash, 1, 1),
    Run(word, 1, MANY),
];

const NAME_WITHOUT_RULES: &[Part] = &[LineWithout("AUTHORIZATIONRULES")];

const SUBSCRIPTION: &str = "azure.subscription_id";
const GROUP: &str = "azure.resource.group";
const PROVIDER: &str = "azure.resource.provider";
const NAMESPACE: &str = "azure.resource.namespace";
const RULE: &str = "azure.resource.authorization_rule";
const NAME: &str = "azure.resource.name";

/// The path keywords in the two spellings the expressions list.
struct Keywords {
    subscriptions: &'static str,
    groups: &'static str,
    providers: &'static str,
    namespaces: &'static str,
    rules: &'static str,
}

const UPPER: Keywords = Keywords {
    subscriptions: "/SUBSCRIPTIONS/",
    groups: "/RESOURCEGROUPS/",
    providers: "/PROVIDERS/",
    namespaces: "/NAMESPACES/",
    rules: "/AUTHORIZATIONRULES/",
};

const MIXED: Keywords = Keywords {
    subscriptions: "/subscriptions/",
    groups: "/resourceGroups/",
    providers: "/providers/",
    namespaces: "/namespaces/",
    rules: "/authorizationRules/",
};

/// The resource-id expressions in one spelling, most specific first.
macro_rules! resource_expressions {
    ($k:expr) => {{
        const SUBSCRIPTION_ID: &[Part] = &[Literal($k.subscriptions), Capture(SUBSCRIPTION, GUID)];
        const RESOURCE_GROUP: &[Part] = &[
            Sequence(SUBSCRIPTION_ID),
            Literal($k.groups),
            Capture(GROUP, ANYTHING),
        ];
        [
            // An Event Hub authorization rule.
            &[
                Sequence(RESOURCE_GROUP),
                Literal($k.providers),
                Capture(PROVIDER, ANYTHING),
                Literal($k.namespaces),
                Capture(NAMESPACE, ANYTHING),
                Literal($k.rules),
                Capture(RULE, ANYTHING),
            ] as &[Part],
            // A named resource whose name holds no authorization rule.
            &[
                Sequence(RESOURCE_GROUP),
                Literal($k.providers),
                Capture(PROVIDER, PROVIDER_WITH_TAIL),
                Literal("/"),
                Capture(NAME, NAME_WITHOUT_RULES),
            ],
            // Any other named resource.
            &[
                Sequence(RESOURCE_GROUP),
                Literal($k.providers),
                Capture(PROVIDER, PROVIDER_TYPE),
                Literal("/"),
                Capture(NAME, ANYTHING),
            ],
            // A provider at subscription level.
            &[
                Sequence(SUBSCRIPTION_ID),
                Literal($k.providers),
                Capture(PROVIDER, PROVIDER_TYPE),
            ],
            RESOURCE_GROUP,
            SUBSCRIPTION_ID,
        ]
    }};
}

const UPPER_EXPRESSIONS: [&[Part]; 6] = resource_expressions!(UPPER);
const MIXED_EXPRESSIONS: [&[Part]; 6] = resource_expressions!(MIXED);

/// The grok processors of the resource-scoped shared pipeline, in order,
/// each with its alternative expressions. The provider-only grok sits
/// between the named-resource and subscription-level ones and lists its
/// mixed-case spelling first.
const RESOURCE_GROKS: [&[&[Part]]; 7] = [
    &[UPPER_EXPRESSIONS[0], MIXED_EXPRESSIONS[0]],
    &[UPPER_EXPRESSIONS[1], MIXED_EXPRESSIONS[1]],
    &[UPPER_EXPRESSIONS[2], MIXED_EXPRESSIONS[2]],
    &[
        &[Literal("/providers/"), Capture(PROVIDER, ANYTHING)],
        &[Literal("/PROVIDERS/"), Capture(PROVIDER, ANYTHING)],
    ],
    &[UPPER_EXPRESSIONS[3], MIXED_EXPRESSIONS[3]],
    &[UPPER_EXPRESSIONS[4], MIXED_EXPRESSIONS[4]],
    &[UPPER_EXPRESSIONS[5], MIXED_EXPRESSIONS[5]],
];

/// The resource-scoped shared pipeline's groks over a resource id: the first
/// (Event Hub authorization rules) always runs, each later one only while no
/// subscription has been found, and a later one may overwrite a field found
/// earlier. Matching is case-sensitive, so other spellings reach only the
/// provider-only expressions. Returns the fields to set, in order.
pub(crate) fn parse_resource_id(resource_id: &str) -> Captures {
    let text: Vec<char> = resource_id.chars().collect();
    let mut fields = Captures::new();
    for (index, grok) in RESOURCE_GROKS.iter().enumerate() {
        let found_subscription = fields.iter().any(|(field, _)| *field == SUBSCRIPTION);
        if index > 0 && found_subscription {
            break;
        }
        fields.extend(search(grok, &text).unwrap_or_default());
    }
    fields
}

/// Which spelling of the tenant-scoped expression a pipeline version uses.
#[derive(Clone, Copy)]
pub(crate) enum TenantGrok {
    /// `/TENANTS/<guid>/PROVIDERS/<rest>` or `/tenants/…/providers/…`,
    /// case-sensitive, into `azure.tenant_id` (older shared pipelines).
    TwoSpellings,
    /// `(?i)/tenants/<guid>/providers/<rest>` into `azure.tenant.id` and
    /// `azure.resource_provider.namespace` (the tenant-scoped shared pipeline).
    AnyCase,
}

const TENANT_EXPRESSION_UPPER: &[Part] = &[
    Literal("/TENANTS/"),
    Capture("azure.tenant_id", GUID),
    Literal("/PROVIDERS/"),
    Capture(PROVIDER, ANYTHING),
];
const TENANT_EXPRESSION_LOWER: &[Part] = &[
    Literal("/tenants/"),
    Capture("azure.tenant_id", GUID),
    Literal("/providers/"),
    Capture(PROVIDER, ANYTHING),
];
const TENANT_EXPRESSION_ANY_CASE: &[Part] = &[
    LiteralAnyCase("/tenants/"),
    Capture("azure.tenant.id", GUID),
    LiteralAnyCase("/providers/"),
    Capture("azure.resource_provider.namespace", ANYTHING),
];

/// The tenant and provider of a tenant-scoped resource id
/// (`/tenants/<guid>/providers/Microsoft.aadiam`), as the given pipeline
/// version's grok captures them; empty where it does not match.
pub(crate) fn parse_tenant_resource_id(resource_id: &str, grok: TenantGrok) -> Captures {
    let expressions: &[&[Part]] = match grok {
        TenantGrok::TwoSpellings => &[TENANT_EXPRESSION_UPPER, TENANT_EXPRESSION_LOWER],
        TenantGrok::AnyCase => &[TENANT_EXPRESSION_ANY_CASE],
    };
    let text: Vec<char> = resource_id.chars().collect();
    search(expressions, &text).unwrap_or_default()
}

/// One grok processor: the leftmost match of any of its expressions (the
/// first expression wins at a given position, as grok joins them into one
/// alternation). `None` when nothing matches or the work budget runs out.
fn search(expressions: &[&[Part]], text: &[char]) -> Option<Captures> {
    let matcher = Matcher {
        text,
        work_left: Cell::new(WORK_BUDGET),
    };
    (0..=text.len()).find_map(|start| {
        if matcher.work_left.get() == 0 {
            return None;
        }
        expressions
            .iter()
            .find_map(|expression| matcher.match_at(expression, start))
    })
}

type Spans = Vec<(&'static str, usize, usize)>;
type Continuation<'a> = dyn FnMut(usize, &mut Spans) -> bool + 'a;

/// One grok processor's state: the text and the work it may still do.
struct Matcher<'t> {
    text: &'t [char],
    work_left: Cell<usize>,
}

impl Matcher<'_> {
    /// The captures of `expression` matched at `start`, if it matches there.
    fn match_at(&self, expression: &[Part], start: usize) -> Option<Captures> {
        let mut found: Option<Spans> = None;
        self.match_parts(expression, start, &mut Spans::new(), &mut |_, spans| {
            found = Some(spans.clone());
            true
        });
        let spans = found?;
        Some(
            spans
                .into_iter()
                .map(|(field, from, to)| {
                    let captured = self.text.get(from..to).unwrap_or_default();
                    (field, captured.iter().collect())
                })
                .collect(),
        )
    }

    /// Spends `cost` units of work; false once the budget is exhausted.
    fn spend(&self, cost: usize) -> bool {
        let left = self.work_left.get();
        self.work_left.set(left.saturating_sub(cost));
        left > cost
    }

    /// Whether `parts` match at `position` and `next` accepts the end.
    fn match_parts(
        &self,
        parts: &[Part],
        position: usize,
        spans: &mut Spans,
        next: &mut Continuation<'_>,
    ) -> bool {
        let Some((first, rest)) = parts.split_first() else {
            return next(position, spans);
        };
        if self.work_left.get() == 0 {
            return false;
        }
        match first {
            Literal(literal) => {
                let length = literal.chars().count();
                self.spend(length)
                    && self.literal_at(position, literal, char::eq)
                    && self.match_parts(rest, position + length, spans, next)
            }
            LiteralAnyCase(literal) => {
                let length = literal.chars().count();
                self.spend(length)
                    && self.literal_at(position, literal, |a, b| a.eq_ignore_ascii_case(b))
                    && self.match_parts(rest, position + length, spans, next)
            }
            Run(accepts, min, max) => {
                let available = self.run_length(position, *max, accepts);
                self.spend(available + 1)
                    && available >= *min
                    && (*min..=available)
                        .rev()
                        .any(|length| self.match_parts(rest, position + length, spans, next))
            }
            LineWithout(word) => {
                let available = self.line_without(position, word);
                let end = position + available;
                let at_line_end = self.text.get(end).is_none_or(|c| *c == '\n');
                self.spend(available + 1) && at_line_end && self.match_parts(rest, end, spans, next)
            }
            Capture(field, inner) => self.match_parts(inner, position, spans, &mut |end, spans| {
                spans.push((field, position, end));
                let matched = self.match_parts(rest, end, spans, next);
                if !matched {
                    spans.pop();
                }
                matched
            }),
            Sequence(inner) => self.match_parts(inner, position, spans, &mut |end, spans| {
                self.match_parts(rest, end, spans, next)
            }),
        }
    }

    fn literal_at(
        &self,
        position: usize,
        literal: &str,
        same: impl Fn(&char, &char) -> bool,
    ) -> bool {
        let mut text = self.text.get(position..).unwrap_or_default().iter();
        literal
            .chars()
            .all(|expected| text.next().is_some_and(|c| same(c, &expected)))
    }

    fn run_length(&self, position: usize, max: usize, accepts: impl Fn(char) -> bool) -> usize {
        self.text
            .get(position..)
            .unwrap_or_default()
            .iter()
            .take(max)
            .take_while(|c| accepts(**c))
            .count()
    }

    /// How many characters from `position` are on the line and start no `word`.
    fn line_without(&self, position: usize, word: &str) -> usize {
        (position..self.text.len())
            .take_while(|&at| {
                self.text.get(at).is_some_and(|c| *c != '\n')
                    && !self.literal_at(at, word, char::eq)
            })
            .count()
    }
}

/// The grok `%{USERNAME}@%{HOSTNAME}` searched anywhere in the text: the
/// leftmost `[A-Za-z0-9._-]+` run followed by `@` and a host name (dot
/// separated labels of an alphanumeric and up to 62 alphanumerics or
/// hyphens, and an optional final dot). Returns (user, domain).
///
/// A run that is not followed by `@` and a host rules out every start inside
/// it, so the scan is linear.
pub(crate) fn split_user_at_host(text: &str) -> Option<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < chars.len() {
        let end = start + count_while(&chars, start, is_username_char);
        if end > start && chars.get(end) == Some(&'@') {
            if let Some(host_end) = hostname_end(&chars, end + 1) {
                return Some((
                    collect(&chars, start, end),
                    collect(&chars, end + 1, host_end),
                ));
            }
        }
        start = end + 1;
    }
    None
}

/// Grok's `GREEDYDATA`: the text up to its first line break.
pub(crate) fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or_default()
}

fn is_username_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn count_while(chars: &[char], start: usize, accepts: fn(char) -> bool) -> usize {
    chars
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| accepts(**c))
        .count()
}

fn collect(chars: &[char], from: usize, to: usize) -> String {
    chars.get(from..to).unwrap_or_default().iter().collect()
}

fn hostname_end(chars: &[char], start: usize) -> Option<usize> {
    let mut end = hostname_label_end(chars, start)?;
    while chars.get(end) == Some(&'.') {
        match hostname_label_end(chars, end + 1) {
            Some(label_end) => end = label_end,
            None => break,
        }
    }
    if chars.get(end) == Some(&'.') {
        end += 1;
    }
    Some(end)
}

fn hostname_label_end(chars: &[char], start: usize) -> Option<usize> {
    if !chars.get(start)?.is_ascii_alphanumeric() {
        return None;
    }
    let rest = chars
        .get(start + 1..)
        .unwrap_or_default()
        .iter()
        .take(62)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
        .count();
    Some(start + 1 + rest)
}
