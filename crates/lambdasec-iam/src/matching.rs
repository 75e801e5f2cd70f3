//! Wildcard matching for actions, resource ARNs and condition values, and policy variables.
//!
//! Everything here is iterative (a two-row dynamic programme over the pattern and the value),
//! uses no regular expressions, and accepts any input without panicking.
//!
//! Rules (UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/):
//! - Actions (UG:reference_policies_elements_action): case-insensitive; `*` is any run of
//!   characters and `?` any single character.
//! - Resources (UG:reference_policies_elements_resource): case-sensitive; `*`/`?` match within
//!   one colon-separated segment of the ARN, `*` also crosses `/`. In the resource part (after
//!   the fifth colon) a wildcard may match `:` as well. A `*` that is the last character of a
//!   segment "can expand to match beyond the colon boundaries" (so `arn:aws:sqs:*` matches every
//!   queue and `*` matches everything).
//! - `StringLike` (UG:reference_policies_elements_condition_operators): `*`/`?` anywhere,
//!   case-sensitive.
//! - `ArnLike`/`ArnEquals`: each of the six colon-separated parts is compared on its own.
//! - Policy variables (UG:reference_policies_variables): `${key}` is replaced by the single
//!   value of the request context key, `${key, 'default'}` falls back to `default`; `${*}`,
//!   `${?}` and `${$}` are a literal `*`, `?` and `$`. Substituted text never acts as a wildcard.

use crate::condition::{KeyLookup, RequestContext};

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A character that must match itself.
    Lit(char),
    /// `?`: one character; `colon` says whether it may be `:`.
    One { colon: bool },
    /// `*`: any run of characters; `colon` says whether they may include `:`.
    Many { colon: bool },
}

/// Result of compiling a pattern that may contain policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Compiled {
    Tokens(Vec<Tok>),
    /// A variable has no value in the request context (and no default): the pattern matches
    /// nothing.
    Missing,
    /// A variable's value is unknown in the request context.
    Unknown,
}

/// How a pattern is compiled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mode {
    /// `*` and `?` are wildcards (false for `StringEquals`, where they are literal).
    pub wildcards: bool,
    /// Expand `${...}` policy variables (the policy has `"Version": "2012-10-17"`).
    pub variables: bool,
}

/// Compiles `pattern` into tokens. Wildcards may cross `:` (fixed up later for resources).
pub(crate) fn compile(pattern: &str, ctx: Option<&RequestContext>, mode: Mode) -> Compiled {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if mode.variables && c == '$' && chars.get(i + 1) == Some(&'{') {
            if let Some(close) = find_var_end(&chars, i + 2) {
                let inner: String = chars[i + 2..close].iter().collect();
                match expand_variable(&inner, ctx) {
                    VarResult::Text(t) => out.extend(t.chars().map(Tok::Lit)),
                    VarResult::Missing => return Compiled::Missing,
                    VarResult::Unknown => return Compiled::Unknown,
                    VarResult::NotAVariable => {
                        // Keep the text as written.
                        out.extend(chars[i..=close].iter().map(|&c| Tok::Lit(c)));
                    }
                }
                i = close + 1;
                continue;
            }
        }
        out.push(match c {
            '*' if mode.wildcards => Tok::Many { colon: true },
            '?' if mode.wildcards => Tok::One { colon: true },
            _ => Tok::Lit(c),
        });
        i += 1;
    }
    Compiled::Tokens(out)
}

/// The index of the `}` closing a variable whose body starts at `start`, skipping `}` inside
/// a quoted default (`''` is an escaped quote).
fn find_var_end(chars: &[char], start: usize) -> Option<usize> {
    let mut in_quote = false;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        if in_quote {
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                    continue;
                }
                in_quote = false;
            }
        } else if c == '\'' {
            in_quote = true;
        } else if c == '}' {
            return Some(i);
        }
        i += 1;
    }
    None
}

enum VarResult {
    Text(String),
    Missing,
    Unknown,
    NotAVariable,
}

fn expand_variable(inner: &str, ctx: Option<&RequestContext>) -> VarResult {
    match inner {
        "*" => return VarResult::Text("*".into()),
        "?" => return VarResult::Text("?".into()),
        "$" => return VarResult::Text("$".into()),
        _ => {}
    }
    let (key, default) = match inner.find(',') {
        Some(comma) => {
            let key = inner[..comma].trim();
            let rest = inner[comma + 1..].trim();
            match parse_quoted(rest) {
                Some(d) => (key, Some(d)),
                None => return VarResult::NotAVariable,
            }
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return VarResult::NotAVariable;
    }
    let lookup = match ctx {
        Some(ctx) => ctx.lookup(key),
        None => KeyLookup::Missing,
    };
    match lookup {
        // A multivalued key cannot be used as a variable: like a missing one.
        KeyLookup::Values(v) if v.len() == 1 => VarResult::Text(v[0].clone()),
        KeyLookup::Unknown(_) => VarResult::Unknown,
        _ => match default {
            Some(d) => VarResult::Text(d),
            None => VarResult::Missing,
        },
    }
}

/// `'text'` with `''` for a quote inside.
fn parse_quoted(s: &str) -> Option<String> {
    let body = s.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Replaces the policy variables in `pattern` with their values from `ctx`.
///
/// Returns `None` when a variable has no value (or an unknown one) in the request context and
/// no default. Escapes (`${*}`, `${?}`, `${$}`) become the plain character, so the result is
/// for display: matching uses the compiled form, in which substituted text is always literal.
pub fn substitute_variables(pattern: &str, ctx: &RequestContext) -> Option<String> {
    let mode = Mode {
        wildcards: true,
        variables: true,
    };
    match compile(pattern, Some(ctx), mode) {
        Compiled::Tokens(toks) => Some(
            toks.iter()
                .map(|t| match t {
                    Tok::Lit(c) => *c,
                    Tok::One { .. } => '?',
                    Tok::Many { .. } => '*',
                })
                .collect(),
        ),
        Compiled::Missing | Compiled::Unknown => None,
    }
}

fn chars_eq(a: char, b: char, ignore_case: bool) -> bool {
    if a == b {
        return true;
    }
    ignore_case && a.to_lowercase().eq(b.to_lowercase())
}

/// Does the token sequence match the whole value?
pub(crate) fn match_tokens(toks: &[Tok], value: &[char], ignore_case: bool) -> bool {
    // Collapse runs of `*` (keeping the most permissive colon rule) to bound the work.
    let mut pat: Vec<Tok> = Vec::with_capacity(toks.len());
    for &t in toks {
        if let (Tok::Many { colon: c1 }, Some(Tok::Many { colon: c0 })) = (t, pat.last().copied()) {
            let last = pat.len() - 1;
            pat[last] = Tok::Many { colon: c0 || c1 };
            continue;
        }
        pat.push(t);
    }
    let m = value.len();
    let mut prev = vec![false; m + 1];
    let mut cur = vec![false; m + 1];
    prev[0] = true;
    for t in &pat {
        match *t {
            Tok::Lit(c) => {
                cur[0] = false;
                for j in 0..m {
                    cur[j + 1] = prev[j] && chars_eq(c, value[j], ignore_case);
                }
            }
            Tok::One { colon } => {
                cur[0] = false;
                for j in 0..m {
                    cur[j + 1] = prev[j] && (colon || value[j] != ':');
                }
            }
            Tok::Many { colon } => {
                cur[0] = prev[0];
                for j in 0..m {
                    cur[j + 1] = prev[j + 1] || (cur[j] && (colon || value[j] != ':'));
                }
            }
        }
        std::mem::swap(&mut prev, &mut cur);
        if !prev.iter().any(|&b| b) {
            return false;
        }
    }
    prev[m]
}

/// Does the action pattern (`s3:Get*`, `*`, `iam:?etRole`) match the action? Case-insensitive.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let mode = Mode {
        wildcards: true,
        variables: false,
    };
    match compile(pattern, None, mode) {
        Compiled::Tokens(t) => {
            let v: Vec<char> = action.chars().collect();
            match_tokens(&t, &v, true)
        }
        _ => false,
    }
}

/// Applies the ARN segment rules to compiled resource tokens: a wildcard in one of the first
/// five segments may not match `:` unless it is a `*` at the end of its segment.
pub(crate) fn resource_rules(toks: &mut [Tok]) {
    let mut segment = 0usize;
    let n = toks.len();
    for i in 0..n {
        match toks[i] {
            Tok::Lit(':') => segment += 1,
            Tok::Lit(_) => {}
            Tok::One { .. } => {
                toks[i] = Tok::One {
                    colon: segment >= 5,
                }
            }
            Tok::Many { .. } => {
                let last_of_segment = i + 1 == n || toks[i + 1] == Tok::Lit(':');
                toks[i] = Tok::Many {
                    colon: segment >= 5 || last_of_segment,
                };
            }
        }
    }
}

/// Matches a compiled resource pattern against an ARN.
pub(crate) fn resource_tokens_match(toks: &[Tok], arn: &str) -> bool {
    let mut toks = toks.to_vec();
    resource_rules(&mut toks);
    let v: Vec<char> = arn.chars().collect();
    match_tokens(&toks, &v, false)
}

/// Does the `Resource` pattern match the ARN? Case-sensitive; see the module notes for the
/// segment rules. Policy variables are not expanded here (see [`crate::eval`]).
pub fn resource_matches(pattern: &str, arn: &str) -> bool {
    let mode = Mode {
        wildcards: true,
        variables: false,
    };
    match compile(pattern, None, mode) {
        Compiled::Tokens(t) => resource_tokens_match(&t, arn),
        _ => false,
    }
}

/// `StringLike`: `*` and `?` anywhere, case-sensitive unless `ignore_case`.
pub fn string_like(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let mode = Mode {
        wildcards: true,
        variables: false,
    };
    match compile(pattern, None, mode) {
        Compiled::Tokens(t) => {
            let v: Vec<char> = value.chars().collect();
            match_tokens(&t, &v, ignore_case)
        }
        _ => false,
    }
}

/// Splits a value into the six ARN parts (the last one keeps its colons). `None` when the
/// value has fewer than six parts.
fn split_arn_chars(value: &str) -> Option<Vec<Vec<char>>> {
    let mut parts: Vec<Vec<char>> = vec![Vec::new()];
    for c in value.chars() {
        if c == ':' && parts.len() < 6 {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    if parts.len() == 6 {
        Some(parts)
    } else {
        None
    }
}

/// Splits compiled tokens the same way on literal `:`.
fn split_arn_tokens(toks: &[Tok]) -> Vec<Vec<Tok>> {
    let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
    for &t in toks {
        if t == Tok::Lit(':') && parts.len() < 6 {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(t);
        }
    }
    parts
}

/// `ArnLike`/`ArnEquals` on compiled tokens.
pub(crate) fn arn_tokens_like(toks: &[Tok], value: &str) -> bool {
    let parts = split_arn_tokens(toks);
    if parts.len() < 6 {
        // Not a six-part pattern (e.g. `*`): fall back to resource matching.
        return resource_tokens_match(toks, value);
    }
    let Some(vparts) = split_arn_chars(value) else {
        return false;
    };
    parts
        .iter()
        .zip(vparts.iter())
        .all(|(p, v)| match_tokens(p, v, false))
}

/// `ArnLike`: compares each of the six colon-separated parts with `*`/`?` wildcards; the
/// resource part may contain `:`. Case-sensitive. A value that is not a six-part ARN matches
/// only a pattern that is not one either (e.g. `*`).
pub fn arn_like(pattern: &str, value: &str) -> bool {
    let mode = Mode {
        wildcards: true,
        variables: false,
    };
    match compile(pattern, None, mode) {
        Compiled::Tokens(t) => arn_tokens_like(&t, value),
        _ => false,
    }
}
