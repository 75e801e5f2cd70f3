//! Terraform's built-in functions, as far as they can be computed without running Terraform.
//!
//! [`call`] evaluates the arguments, applies the common unknown rule (an unknown argument makes
//! the result unknown, named by the call's text) and dispatches on the function name to a
//! small function per built-in. Functions whose results depend on the machine, the clock or
//! randomness, and a few rarely used ones, evaluate to unknown with a reason.

use crate::eval::{
    to_bool, to_number, to_string_value, unknown_reason, values_equal, Evaluator, PieceBuf,
    MAX_ITERATIONS, MAX_STRING,
};
use crate::value::{format_number, TfValue, UnknownVal};
use hcl_edit::expr::{Expression, FuncCall};
use indexmap::IndexMap;
use std::collections::HashSet;

/// The functions computed here (others evaluate to unknown).
pub const SUPPORTED: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "log",
    "max",
    "min",
    "parseint",
    "pow",
    "signum",
    // strings
    "chomp",
    "endswith",
    "format",
    "formatlist",
    "indent",
    "join",
    "lower",
    "replace",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "title",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    // collections
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "list",
    "lookup",
    "map",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
    // conversions
    "can",
    "nonsensitive",
    "sensitive",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "try",
    // encoding
    "base64decode",
    "base64encode",
    "jsondecode",
    "jsonencode",
    "urlencode",
    // files and paths
    "abspath",
    "basename",
    "dirname",
    "file",
    "filebase64",
    "fileexists",
    "pathexpand",
    "templatefile",
];

type R = Result<TfValue, String>;

/// Evaluate a function call; `text` is the call's canonical text, naming unknown results.
pub(crate) fn call(ev: &mut Evaluator<'_>, call: &FuncCall, text: &str) -> TfValue {
    let name = call.name.name.value().as_str();
    let namespace: Vec<&str> = call
        .name
        .namespace
        .iter()
        .map(|n| n.value().as_str())
        .collect();
    if !namespace.is_empty() && namespace != ["core"] {
        return TfValue::unknown_ref(
            text,
            format!(
                "provider function {}::{name} is not supported",
                namespace.join("::")
            ),
        );
    }
    let exprs: Vec<&Expression> = call.args.iter().collect();
    match name {
        "try" => return try_fn(ev, &exprs, text),
        "can" => return can_fn(ev, &exprs, text),
        _ => {}
    }
    let mut args = Vec::with_capacity(exprs.len());
    for e in &exprs {
        args.push(ev.eval(e));
    }
    if call.args.expand_final() {
        match args.pop() {
            Some(TfValue::List(l)) => args.extend(l),
            Some(TfValue::Unknown(u)) => return TfValue::unknown_ref(text, u.reason),
            Some(other) => {
                return TfValue::unknown_ref(
                    text,
                    format!("cannot expand a {} into arguments", other.type_name()),
                )
            }
            None => {}
        }
    }
    if !tolerates_unknown(name) {
        if let Some(TfValue::Unknown(u)) = args.iter().find(|v| v.is_unknown()) {
            return TfValue::unknown_ref(text, u.reason.clone());
        }
    }
    match dispatch(ev, name, &args, text) {
        Ok(v) => finish(ev, v, text),
        Err(reason) => TfValue::unknown_ref(text, reason),
    }
}

/// Functions that look at unknown arguments themselves.
fn tolerates_unknown(name: &str) -> bool {
    matches!(
        name,
        "coalesce"
            | "format"
            | "jsonencode"
            | "jsondecode"
            | "nonsensitive"
            | "sensitive"
            | "tostring"
    )
}

/// Final checks on a result: size limits, and unknowns named by the call.
fn finish(ev: &mut Evaluator<'_>, v: TfValue, text: &str) -> TfValue {
    match v {
        TfValue::String(s) if s.len() > MAX_STRING => {
            TfValue::unknown_ref(text, format!("string longer than {MAX_STRING} bytes"))
        }
        TfValue::Unknown(u) if u.pieces.is_empty() && u.json.is_none() => {
            TfValue::unknown_ref(text, u.reason)
        }
        v if !ev.charge_value(&v) => Evaluator::over_budget(),
        v => v,
    }
}

fn dispatch(ev: &mut Evaluator<'_>, name: &str, a: &[TfValue], text: &str) -> R {
    match name {
        // numbers
        "abs" => num1(a, f64::abs),
        "ceil" => num1(a, f64::ceil),
        "floor" => num1(a, f64::floor),
        "signum" => num1(a, |n| if n == 0.0 { 0.0 } else { n.signum() }),
        "max" => fold_num(a, f64::max),
        "min" => fold_num(a, f64::min),
        "parseint" => parseint(a),
        "pow" => {
            arity(a, 2, 2)?;
            finite(to_number(&a[0])?.powf(to_number(&a[1])?))
        }
        "log" => {
            arity(a, 2, 2)?;
            finite(to_number(&a[0])?.ln() / to_number(&a[1])?.ln())
        }
        // strings
        "chomp" => str1(a, |s| {
            let mut s = s;
            loop {
                if let Some(t) = s.strip_suffix("\r\n") {
                    s = t;
                } else if let Some(t) = s.strip_suffix('\n') {
                    s = t;
                } else {
                    return s.to_string();
                }
            }
        }),
        "format" => format_fn(a, text),
        "formatlist" => formatlist(a, text),
        "indent" => indent(a),
        "join" => join(a, text),
        "lower" => str1(a, |s| s.to_lowercase()),
        "upper" => str1(a, |s| s.to_uppercase()),
        "replace" => replace(a),
        "split" => split(a),
        "strrev" => str1(a, |s| s.chars().rev().collect()),
        "substr" => substr(a),
        "title" => str1(a, title),
        "trim" => {
            arity(a, 2, 2)?;
            let cut: Vec<char> = str_arg(&a[1])?.chars().collect();
            Ok(TfValue::String(
                str_arg(&a[0])?.trim_matches(cut.as_slice()).to_string(),
            ))
        }
        "trimprefix" => str2(a, |s, p| s.strip_prefix(p).unwrap_or(s).to_string()),
        "trimsuffix" => str2(a, |s, p| s.strip_suffix(p).unwrap_or(s).to_string()),
        "trimspace" => str1(a, |s| s.trim().to_string()),
        "startswith" => str_pred(a, |s, p| s.starts_with(p)),
        "endswith" => str_pred(a, |s, p| s.ends_with(p)),
        "strcontains" => str_pred(a, |s, p| s.contains(p)),
        "regex" | "regexall" => Err(format!("{name} is not supported (regular expressions)")),
        // collections
        "alltrue" => all_any(a, true),
        "anytrue" => all_any(a, false),
        "chunklist" => chunklist(a),
        "coalesce" => coalesce(a),
        "coalescelist" => {
            for v in a {
                if let TfValue::List(l) = v {
                    if !l.is_empty() {
                        return Ok(v.clone());
                    }
                } else {
                    return Err(format!("coalescelist needs lists, not a {}", v.type_name()));
                }
            }
            Err("no non-empty list arguments".into())
        }
        "compact" => compact(a),
        "concat" => {
            let mut out = Vec::new();
            for v in a {
                out.extend(list_arg(v)?.iter().cloned());
            }
            Ok(TfValue::List(out))
        }
        "contains" => contains(a),
        "distinct" => {
            arity(a, 1, 1)?;
            Ok(TfValue::List(dedupe(list_arg(&a[0])?.clone())?))
        }
        "element" => element(a),
        "flatten" => {
            arity(a, 1, 1)?;
            let mut out = Vec::new();
            flatten_into(list_arg(&a[0])?, &mut out, 0)?;
            Ok(TfValue::List(out))
        }
        "index" => index_fn(a),
        "keys" => {
            arity(a, 1, 1)?;
            Ok(TfValue::List(
                sorted_entries(obj_arg(&a[0])?)
                    .into_iter()
                    .map(|(k, _)| TfValue::String(k.clone()))
                    .collect(),
            ))
        }
        "values" => {
            arity(a, 1, 1)?;
            Ok(TfValue::List(
                sorted_entries(obj_arg(&a[0])?)
                    .into_iter()
                    .map(|(_, v)| v.clone())
                    .collect(),
            ))
        }
        "length" => length(a),
        "list" => Ok(TfValue::List(a.to_vec())),
        "tolist" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null | TfValue::List(_) => Ok(a[0].clone()),
                other => Err(format!("cannot convert a {} to a list", other.type_name())),
            }
        }
        "toset" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null => Ok(TfValue::Null),
                TfValue::List(l) => Ok(TfValue::List(dedupe(l.clone())?)),
                other => Err(format!("cannot convert a {} to a set", other.type_name())),
            }
        }
        "lookup" => lookup(a),
        "map" => {
            if !a.chunks_exact(2).remainder().is_empty() {
                return Err("map needs an even number of arguments".into());
            }
            let mut out = IndexMap::new();
            for pair in a.chunks(2) {
                if let [k, v] = pair {
                    out.insert(str_arg(k)?, v.clone());
                }
            }
            Ok(TfValue::Object(out))
        }
        "tomap" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null | TfValue::Object(_) => Ok(a[0].clone()),
                other => Err(format!("cannot convert a {} to a map", other.type_name())),
            }
        }
        "merge" => merge(a),
        "one" => {
            arity(a, 1, 1)?;
            let l = list_arg(&a[0])?;
            match l.as_slice() {
                [] => Ok(TfValue::Null),
                [x] => Ok(x.clone()),
                _ => Err(format!("one needs at most one element, got {}", l.len())),
            }
        }
        "range" => range(a),
        "reverse" => {
            arity(a, 1, 1)?;
            Ok(TfValue::List(
                list_arg(&a[0])?.iter().rev().cloned().collect(),
            ))
        }
        "setintersection" => set_op(a, SetOp::Intersection),
        "setsubtract" => set_op(a, SetOp::Subtract),
        "setunion" => set_op(a, SetOp::Union),
        "setproduct" => setproduct(a),
        "slice" => slice(a),
        "sort" => {
            arity(a, 1, 1)?;
            let mut items = Vec::new();
            for v in list_arg(&a[0])? {
                items.push(str_arg(v)?);
            }
            items.sort();
            Ok(TfValue::List(
                items.into_iter().map(TfValue::String).collect(),
            ))
        }
        "sum" => {
            arity(a, 1, 1)?;
            let l = list_arg(&a[0])?;
            if l.is_empty() {
                return Err("sum of an empty list".into());
            }
            let mut total = 0.0;
            for v in l {
                total += to_number(v)?;
            }
            finite(total)
        }
        "transpose" => transpose(a),
        "zipmap" => zipmap(a),
        // conversions
        "tostring" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null | TfValue::Unknown(_) => Ok(a[0].clone()),
                v => to_string_value(v)
                    .map(TfValue::String)
                    .ok_or_else(|| format!("cannot convert a {} to a string", v.type_name())),
            }
        }
        "tonumber" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null => Ok(TfValue::Null),
                v => to_number(v).map(TfValue::Number),
            }
        }
        "tobool" => {
            arity(a, 1, 1)?;
            match &a[0] {
                TfValue::Null => Ok(TfValue::Null),
                v => to_bool(v).map(TfValue::Bool),
            }
        }
        "sensitive" | "nonsensitive" => {
            arity(a, 1, 1)?;
            Ok(a[0].clone())
        }
        // encoding
        "jsonencode" => jsonencode(a),
        "jsondecode" => jsondecode(a),
        "base64encode" => str1(a, |s| base64_encode(s.as_bytes())),
        "base64decode" => {
            arity(a, 1, 1)?;
            let bytes = base64_decode(&str_arg(&a[0])?)?;
            String::from_utf8(bytes)
                .map(TfValue::String)
                .map_err(|_| "base64decode result is not valid UTF-8".to_string())
        }
        "urlencode" => str1(a, urlencode),
        "yamlencode" | "yamldecode" | "csvdecode" | "textencodebase64" | "textdecodebase64"
        | "base64gzip" => Err(format!("{name} is not supported")),
        // files and paths
        "file" => {
            arity(a, 1, 1)?;
            read_file(ev, &str_arg(&a[0])?).map(TfValue::String)
        }
        "fileexists" => {
            arity(a, 1, 1)?;
            let path = str_arg(&a[0])?;
            match ev.resolver.read_file(&path) {
                Ok(_) => Ok(TfValue::Bool(true)),
                Err(e) => Err(format!("cannot tell whether {path} exists: {e}")),
            }
        }
        "filebase64" => {
            arity(a, 1, 1)?;
            let content = read_file(ev, &str_arg(&a[0])?)?;
            Ok(TfValue::String(base64_encode(content.as_bytes())))
        }
        "templatefile" => templatefile(ev, a),
        "abspath" => str1_result(a, |p| {
            if p.starts_with('/') {
                Ok(p.to_string())
            } else {
                Err("an absolute path depends on where Terraform runs".into())
            }
        }),
        "pathexpand" => str1_result(a, |p| {
            if p.starts_with('~') {
                Err("the home directory depends on where Terraform runs".into())
            } else {
                Ok(p.to_string())
            }
        }),
        "basename" => str1(a, basename),
        "dirname" => str1(a, dirname),
        "fileset" => Err("fileset is not supported".into()),
        // not computable here
        "timestamp" | "plantimestamp" | "timeadd" | "timecmp" | "formatdate" => {
            Err(format!("{name}() depends on the time Terraform runs"))
        }
        "uuid" | "uuidv5" | "bcrypt" => Err(format!("{name}() is random or not computed")),
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "filemd5"
        | "filesha1" | "filesha256" | "filesha512" | "filebase64sha256" | "filebase64sha512" => {
            Err(format!("hash function {name} is not computed"))
        }
        "cidrhost" | "cidrnetmask" | "cidrsubnet" | "cidrsubnets" => {
            Err(format!("{name} is not supported"))
        }
        _ => Err(format!("function {name} is not supported")),
    }
}

// ---------------------------------------------------------------------------------------------
// Argument helpers

fn arity(a: &[TfValue], min: usize, max: usize) -> Result<(), String> {
    if a.len() < min || a.len() > max {
        if min == max {
            Err(format!("expected {min} arguments, got {}", a.len()))
        } else {
            Err(format!(
                "expected {min} to {max} arguments, got {}",
                a.len()
            ))
        }
    } else {
        Ok(())
    }
}

/// A string argument (numbers and bools convert, as Terraform does).
fn str_arg(v: &TfValue) -> Result<String, String> {
    match v {
        TfValue::Unknown(u) => Err(u.reason.clone()),
        TfValue::Null => Err("a string is required, not null".into()),
        v => to_string_value(v)
            .ok_or_else(|| format!("a string is required, not a {}", v.type_name())),
    }
}

/// A whole-number argument.
fn int_arg(v: &TfValue) -> Result<i64, String> {
    let n = to_number(v)?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(format!("{} is not a whole number", format_number(n)));
    }
    Ok(n as i64)
}

fn list_arg(v: &TfValue) -> Result<&Vec<TfValue>, String> {
    match v {
        TfValue::List(l) => Ok(l),
        TfValue::Unknown(u) => Err(u.reason.clone()),
        other => Err(format!("a list is required, not a {}", other.type_name())),
    }
}

fn obj_arg(v: &TfValue) -> Result<&IndexMap<String, TfValue>, String> {
    match v {
        TfValue::Object(o) => Ok(o),
        TfValue::Unknown(u) => Err(u.reason.clone()),
        other => Err(format!(
            "a map or object is required, not a {}",
            other.type_name()
        )),
    }
}

fn finite(n: f64) -> R {
    if n.is_finite() {
        Ok(TfValue::Number(n))
    } else {
        Err("numeric result out of range".into())
    }
}

fn num1(a: &[TfValue], f: impl Fn(f64) -> f64) -> R {
    arity(a, 1, 1)?;
    finite(f(to_number(&a[0])?))
}

fn fold_num(a: &[TfValue], f: impl Fn(f64, f64) -> f64) -> R {
    let (first, rest) = a.split_first().ok_or("at least one argument is required")?;
    let mut acc = to_number(first)?;
    for v in rest {
        acc = f(acc, to_number(v)?);
    }
    finite(acc)
}

fn str1(a: &[TfValue], f: impl Fn(&str) -> String) -> R {
    arity(a, 1, 1)?;
    Ok(TfValue::String(f(&str_arg(&a[0])?)))
}

fn str1_result(a: &[TfValue], f: impl Fn(&str) -> Result<String, String>) -> R {
    arity(a, 1, 1)?;
    f(&str_arg(&a[0])?).map(TfValue::String)
}

fn str2(a: &[TfValue], f: impl Fn(&str, &str) -> String) -> R {
    arity(a, 2, 2)?;
    Ok(TfValue::String(f(&str_arg(&a[0])?, &str_arg(&a[1])?)))
}

fn str_pred(a: &[TfValue], f: impl Fn(&str, &str) -> bool) -> R {
    arity(a, 2, 2)?;
    Ok(TfValue::Bool(f(&str_arg(&a[0])?, &str_arg(&a[1])?)))
}

/// Object entries in lexicographic key order (Terraform's map order).
fn sorted_entries(o: &IndexMap<String, TfValue>) -> Vec<(&String, &TfValue)> {
    let mut e: Vec<(&String, &TfValue)> = o.iter().collect();
    e.sort_by(|a, b| a.0.cmp(b.0));
    e
}

// ---------------------------------------------------------------------------------------------
// Lazy functions

fn try_fn(ev: &mut Evaluator<'_>, exprs: &[&Expression], text: &str) -> TfValue {
    // Only evaluation errors (a missing attribute, an index out of range) fall through to
    // the next argument; a value that is merely not known yet keeps the result unknown, or a
    // fallback would be reported as if it were the real value.
    let mut reason = "try needs at least one argument".to_string();
    for e in exprs {
        match ev.eval(e) {
            TfValue::Unknown(u) if u.error => reason = u.reason,
            TfValue::Unknown(u) => return TfValue::unknown_ref(text, u.reason),
            v => return v,
        }
    }
    TfValue::unknown_ref(text, reason)
}

fn can_fn(ev: &mut Evaluator<'_>, exprs: &[&Expression], text: &str) -> TfValue {
    match exprs {
        [e] => match ev.eval(e) {
            TfValue::Unknown(u) if u.error => TfValue::Bool(false),
            TfValue::Unknown(u) => TfValue::unknown_ref(text, u.reason),
            _ => TfValue::Bool(true),
        },
        _ => TfValue::unknown_ref(text, "can needs exactly one argument"),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn parseint(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let s = str_arg(&a[0])?;
    let base = int_arg(&a[1])?;
    if !(2..=36).contains(&base) {
        return Err(format!("parseint base {base} is not supported"));
    }
    let n = i64::from_str_radix(&s, base as u32)
        .map_err(|_| format!("cannot parse \"{s}\" as a base {base} integer"))?;
    Ok(TfValue::Number(n as f64))
}

// ---------------------------------------------------------------------------------------------
// Strings

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_letter = false;
    for c in s.chars() {
        if !prev_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_letter = c.is_alphanumeric() || c == '_' || c == '\'';
    }
    out
}

fn indent(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let n = int_arg(&a[0])?;
    let s = str_arg(&a[1])?;
    let n = usize::try_from(n).map_err(|_| "indent needs a non-negative number".to_string())?;
    let lines = s.matches('\n').count();
    if n.saturating_mul(lines).saturating_add(s.len()) > MAX_STRING {
        return Err(format!("string longer than {MAX_STRING} bytes"));
    }
    let pad = format!("\n{}", " ".repeat(n));
    Ok(TfValue::String(s.replace('\n', &pad)))
}

fn replace(a: &[TfValue]) -> R {
    arity(a, 3, 3)?;
    let s = str_arg(&a[0])?;
    let sub = str_arg(&a[1])?;
    let rep = str_arg(&a[2])?;
    if sub.len() > 2 && sub.starts_with('/') && sub.ends_with('/') {
        return Err("replace with a regular expression is not supported".into());
    }
    let count = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(sub.as_str()).count()
    };
    if count.saturating_mul(rep.len()).saturating_add(s.len()) > MAX_STRING {
        return Err(format!("string longer than {MAX_STRING} bytes"));
    }
    Ok(TfValue::String(s.replace(sub.as_str(), &rep)))
}

fn split(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let sep = str_arg(&a[0])?;
    let s = str_arg(&a[1])?;
    let parts: Vec<TfValue> = if sep.is_empty() {
        s.chars().map(|c| TfValue::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str())
            .map(|p| TfValue::String(p.to_string()))
            .collect()
    };
    if parts.len() > MAX_ITERATIONS {
        return Err(format!("split produces more than {MAX_ITERATIONS} parts"));
    }
    Ok(TfValue::List(parts))
}

fn substr(a: &[TfValue]) -> R {
    arity(a, 3, 3)?;
    let s = str_arg(&a[0])?;
    let offset = int_arg(&a[1])?;
    let length = int_arg(&a[2])?;
    let chars: Vec<char> = s.chars().collect();
    let total = chars.len() as i64;
    let start = if offset < 0 { total + offset } else { offset };
    if start < 0 || start > total {
        return Err(format!("substr offset {offset} out of range"));
    }
    let end = if length < 0 {
        if length != -1 {
            return Err(format!("substr length {length} is invalid"));
        }
        total
    } else {
        start.saturating_add(length).min(total)
    };
    let (start, end) = (start as usize, end as usize);
    Ok(TfValue::String(
        chars.get(start..end).unwrap_or(&[]).iter().collect(),
    ))
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn basename(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

fn dirname(p: &str) -> String {
    match p.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let dir = p.get(..i).unwrap_or("").trim_end_matches('/');
            if dir.is_empty() {
                "/".into()
            } else {
                dir.to_string()
            }
        }
    }
}

fn join(a: &[TfValue], text: &str) -> R {
    let (sep, lists) = a.split_first().ok_or("join needs a separator")?;
    if lists.is_empty() {
        return Err("join needs at least one list".into());
    }
    let sep = str_arg(sep)?;
    let mut buf = PieceBuf::default();
    let mut first = true;
    for list in lists {
        for v in list_arg(list)? {
            if !first {
                buf.lit(&sep);
            }
            first = false;
            match v {
                TfValue::Null => return Err("join: an element is null".into()),
                v => buf.value(v, || text.to_string()),
            }
            if buf.too_long() {
                return Err(format!("string longer than {MAX_STRING} bytes"));
            }
        }
    }
    Ok(buf.finish())
}

// format ------------------------------------------------------------------------------------

#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

fn format_fn(a: &[TfValue], text: &str) -> R {
    let (fmt, args) = a.split_first().ok_or("format needs a format string")?;
    let fmt = str_arg(fmt)?;
    let mut buf = PieceBuf::default();
    format_into(&fmt, args, &mut buf, text)?;
    Ok(buf.finish())
}

fn formatlist(a: &[TfValue], text: &str) -> R {
    let (fmt, args) = a.split_first().ok_or("formatlist needs a format string")?;
    let fmt = str_arg(fmt)?;
    let mut n: Option<usize> = None;
    for v in args {
        if let TfValue::List(l) = v {
            match n {
                Some(m) if m != l.len() => {
                    return Err("formatlist: all lists must have the same length".into())
                }
                _ => n = Some(l.len()),
            }
        }
    }
    let n = n.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row: Vec<TfValue> = args
            .iter()
            .map(|v| match v {
                TfValue::List(l) => l.get(i).cloned().unwrap_or(TfValue::Null),
                other => other.clone(),
            })
            .collect();
        let mut buf = PieceBuf::default();
        format_into(&fmt, &row, &mut buf, text)?;
        out.push(buf.finish());
    }
    Ok(TfValue::List(out))
}

fn read_digits(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Result<Option<usize>, String> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        let v = n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize);
        if v > 1_000_000 {
            return Err("format width or precision too large".into());
        }
        n = Some(v);
    }
    Ok(n)
}

fn format_into(fmt: &str, args: &[TfValue], buf: &mut PieceBuf, text: &str) -> Result<(), String> {
    let mut chars = fmt.chars().peekable();
    let mut lit = String::new();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => {}
                _ => break,
            }
            chars.next();
        }
        if chars.peek() == Some(&'[') {
            return Err("format: explicit argument indexes are not supported".into());
        }
        spec.width = read_digits(&mut chars)?;
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(read_digits(&mut chars)?.unwrap_or(0));
        }
        let verb = chars.next().ok_or("format string ends with %")?;
        if verb == '%' {
            lit.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or("format: not enough arguments for the format string")?;
        next += 1;
        if let TfValue::Unknown(u) = arg {
            buf.lit(&lit);
            lit.clear();
            buf.unknown(u, || text.to_string());
            continue;
        }
        let s = format_verb(verb, &spec, arg)?;
        lit.push_str(&s);
        if lit.len() > MAX_STRING {
            return Err(format!("string longer than {MAX_STRING} bytes"));
        }
    }
    if next < args.len() {
        return Err(format!(
            "format: too many arguments ({} given, {next} used)",
            args.len()
        ));
    }
    buf.lit(&lit);
    Ok(())
}

fn format_verb(verb: char, spec: &Spec, arg: &TfValue) -> Result<String, String> {
    let numeric = matches!(
        verb,
        'd' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'b' | 'o' | 'x' | 'X'
    );
    let body = match verb {
        's' => {
            let s = str_arg(arg)?;
            match spec.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'v' => match arg {
            TfValue::Null => "null".to_string(),
            TfValue::List(_) | TfValue::Object(_) => json_encode(arg)?,
            v => str_arg(v)?,
        },
        'q' => json_string(&str_arg(arg)?, false),
        't' => to_bool(arg)?.to_string(),
        'd' | 'b' | 'o' | 'x' | 'X' => {
            if verb == 'x' || verb == 'X' {
                if let TfValue::String(s) = arg {
                    if to_number(arg).is_err() {
                        let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                        return Ok(pad(
                            if verb == 'X' { hex.to_uppercase() } else { hex },
                            spec,
                            false,
                        ));
                    }
                }
            }
            let n = int_arg(arg)?;
            let mag = n.unsigned_abs();
            let digits = match verb {
                'b' => format!("{mag:b}"),
                'o' => format!("{mag:o}"),
                'x' => format!("{mag:x}"),
                'X' => format!("{mag:X}"),
                _ => mag.to_string(),
            };
            signed(n < 0, digits, spec)
        }
        'f' | 'F' => {
            let n = to_number(arg)?;
            let p = spec.precision.unwrap_or(6);
            signed(n < 0.0, format!("{:.*}", p, n.abs()), spec)
        }
        'e' | 'E' => {
            let n = to_number(arg)?;
            let p = spec.precision.unwrap_or(6);
            let s = go_exp(n.abs(), p);
            signed(
                n < 0.0,
                if verb == 'E' { s.to_uppercase() } else { s },
                spec,
            )
        }
        'g' | 'G' => {
            let n = to_number(arg)?;
            signed(n < 0.0, format_number(n.abs()), spec)
        }
        other => return Err(format!("format verb %{other} is not supported")),
    };
    Ok(pad(body, spec, numeric))
}

/// Go's `%e` form: mantissa with `p` decimals and a signed two-digit exponent.
fn go_exp(n: f64, p: usize) -> String {
    let s = format!("{:.*e}", p, n);
    match s.split_once('e') {
        Some((m, e)) => {
            let exp: i32 = e.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{m}e{sign}{:02}", exp.abs())
        }
        None => s,
    }
}

fn signed(negative: bool, digits: String, spec: &Spec) -> String {
    let sign = if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    format!("{sign}{digits}")
}

fn pad(body: String, spec: &Spec, numeric: bool) -> String {
    let Some(width) = spec.width else {
        return body;
    };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body.get(1..).unwrap_or("").to_string()),
            _ => (String::new(), body),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

// ---------------------------------------------------------------------------------------------
// Collections

fn all_any(a: &[TfValue], all: bool) -> R {
    arity(a, 1, 1)?;
    let mut unknown = None;
    for v in list_arg(&a[0])? {
        match v {
            TfValue::Unknown(u) => unknown = Some(u.reason.clone()),
            v => {
                if to_bool(v)? != all {
                    return Ok(TfValue::Bool(!all));
                }
            }
        }
    }
    match unknown {
        Some(r) => Err(r),
        None => Ok(TfValue::Bool(all)),
    }
}

fn chunklist(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let l = list_arg(&a[0])?;
    let size = int_arg(&a[1])?;
    if size < 0 {
        return Err("chunklist size must not be negative".into());
    }
    if size == 0 {
        return Ok(TfValue::List(vec![TfValue::List(l.clone())]));
    }
    let size = usize::try_from(size).map_err(|_| "chunk size too large".to_string())?;
    Ok(TfValue::List(
        l.chunks(size).map(|c| TfValue::List(c.to_vec())).collect(),
    ))
}

fn coalesce(a: &[TfValue]) -> R {
    for v in a {
        match v {
            TfValue::Unknown(_) => return Ok(v.clone()),
            TfValue::Null => {}
            TfValue::String(s) if s.is_empty() => {}
            v => return Ok(v.clone()),
        }
    }
    Err("no non-null, non-empty argument".into())
}

fn compact(a: &[TfValue]) -> R {
    arity(a, 1, 1)?;
    let mut out = Vec::new();
    for v in list_arg(&a[0])? {
        match v {
            TfValue::Unknown(u) => return Err(u.reason.clone()),
            TfValue::Null => {}
            TfValue::String(s) if s.is_empty() => {}
            v => out.push(v.clone()),
        }
    }
    Ok(TfValue::List(out))
}

fn contains(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let needle = &a[1];
    if let Some(r) = unknown_reason(needle) {
        return Err(r);
    }
    let mut unknown = None;
    for v in list_arg(&a[0])? {
        if let Some(r) = unknown_reason(v) {
            unknown = Some(r);
        } else if values_equal(v, needle) {
            return Ok(TfValue::Bool(true));
        }
    }
    match unknown {
        Some(r) => Err(r),
        None => Ok(TfValue::Bool(false)),
    }
}

fn element(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let l = list_arg(&a[0])?;
    let i = int_arg(&a[1])?;
    if l.is_empty() {
        return Err("element of an empty list".into());
    }
    if i < 0 {
        return Err("element index must not be negative".into());
    }
    let idx = (i as u64 % l.len() as u64) as usize;
    l.get(idx)
        .cloned()
        .ok_or_else(|| "index out of range".to_string())
}

fn flatten_into(l: &[TfValue], out: &mut Vec<TfValue>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("flatten: lists nested too deeply".into());
    }
    for v in l {
        match v {
            TfValue::List(inner) => flatten_into(inner, out, depth + 1)?,
            TfValue::Unknown(u) => return Err(u.reason.clone()),
            v => out.push(v.clone()),
        }
    }
    Ok(())
}

fn index_fn(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    if let Some(r) = unknown_reason(&a[1]) {
        return Err(r);
    }
    for (i, v) in list_arg(&a[0])?.iter().enumerate() {
        if let Some(r) = unknown_reason(v) {
            return Err(r);
        }
        if values_equal(v, &a[1]) {
            return Ok(TfValue::Number(i as f64));
        }
    }
    Err("index: value not found in list".into())
}

fn length(a: &[TfValue]) -> R {
    arity(a, 1, 1)?;
    let n = match &a[0] {
        TfValue::List(l) => l.len(),
        TfValue::Object(o) => o.len(),
        TfValue::String(s) => s.chars().count(),
        other => return Err(format!("cannot take the length of a {}", other.type_name())),
    };
    Ok(TfValue::Number(n as f64))
}

fn lookup(a: &[TfValue]) -> R {
    arity(a, 2, 3)?;
    let key = str_arg(&a[1])?;
    let found = match &a[0] {
        TfValue::Object(o) => o.get(&key).cloned(),
        TfValue::Resource(r) => r.attrs.get(&key).cloned(),
        other => return Err(format!("lookup needs a map, not a {}", other.type_name())),
    };
    match (found, a.get(2)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("lookup: no key \"{key}\"")),
    }
}

fn merge(a: &[TfValue]) -> R {
    let mut out = IndexMap::new();
    for v in a {
        match v {
            TfValue::Null => {}
            TfValue::Object(o) => {
                for (k, v) in o {
                    out.insert(k.clone(), v.clone());
                }
            }
            other => {
                return Err(format!(
                    "merge needs maps or objects, not a {}",
                    other.type_name()
                ))
            }
        }
    }
    Ok(TfValue::Object(out))
}

fn range(a: &[TfValue]) -> R {
    arity(a, 1, 3)?;
    let nums: Vec<f64> = a.iter().map(to_number).collect::<Result<_, _>>()?;
    let (start, limit, step) = match nums.as_slice() {
        [l] => (0.0, *l, 1.0),
        [s, l] => (*s, *l, if s <= l { 1.0 } else { -1.0 }),
        [s, l, st] => (*s, *l, *st),
        _ => return Err("range needs 1 to 3 arguments".into()),
    };
    if step == 0.0 {
        return Err("range step must not be zero".into());
    }
    if (step > 0.0 && start > limit) || (step < 0.0 && start < limit) {
        return Ok(TfValue::List(Vec::new()));
    }
    let count = ((limit - start) / step).ceil();
    if !count.is_finite() || count > MAX_ITERATIONS as f64 {
        return Err(format!(
            "range would have more than {MAX_ITERATIONS} elements"
        ));
    }
    let count = count.max(0.0) as usize;
    Ok(TfValue::List(
        (0..count)
            .map(|i| TfValue::Number(start + step * i as f64))
            .collect(),
    ))
}

fn slice(a: &[TfValue]) -> R {
    arity(a, 3, 3)?;
    let l = list_arg(&a[0])?;
    let start = int_arg(&a[1])?;
    let end = int_arg(&a[2])?;
    if start < 0 || end < start || end as u64 > l.len() as u64 {
        return Err(format!(
            "slice indexes {start}..{end} out of range ({} items)",
            l.len()
        ));
    }
    Ok(TfValue::List(
        l.get(start as usize..end as usize).unwrap_or(&[]).to_vec(),
    ))
}

fn transpose(a: &[TfValue]) -> R {
    arity(a, 1, 1)?;
    let mut out: IndexMap<String, Vec<TfValue>> = IndexMap::new();
    for (k, v) in sorted_entries(obj_arg(&a[0])?) {
        for item in list_arg(v)? {
            out.entry(str_arg(item)?)
                .or_default()
                .push(TfValue::String(k.clone()));
        }
    }
    out.sort_keys();
    Ok(TfValue::Object(
        out.into_iter()
            .map(|(k, v)| (k, TfValue::List(v)))
            .collect(),
    ))
}

fn zipmap(a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let keys = list_arg(&a[0])?;
    let vals = list_arg(&a[1])?;
    if keys.len() != vals.len() {
        return Err("zipmap: keys and values have different lengths".into());
    }
    let mut out = IndexMap::new();
    for (k, v) in keys.iter().zip(vals) {
        out.insert(str_arg(k)?, v.clone());
    }
    Ok(TfValue::Object(out))
}

// sets ----------------------------------------------------------------------------------------

/// A canonical key for set membership; unknown values have none.
fn canon(v: &TfValue, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("value nested too deeply".into());
    }
    match v {
        TfValue::Null => out.push('n'),
        TfValue::Bool(b) => out.push_str(if *b { "t" } else { "f" }),
        TfValue::Number(n) => {
            out.push('#');
            out.push_str(&format!("{n:?};"));
        }
        TfValue::String(s) => {
            out.push_str(&format!("s{}:", s.len()));
            out.push_str(s);
        }
        TfValue::List(l) => {
            out.push('[');
            for x in l {
                canon(x, out, depth + 1)?;
            }
            out.push(']');
        }
        TfValue::Object(o) => {
            out.push('{');
            for (k, x) in sorted_entries(o) {
                out.push_str(&format!("{}:", k.len()));
                out.push_str(k);
                canon(x, out, depth + 1)?;
            }
            out.push('}');
        }
        TfValue::Resource(r) => {
            out.push_str(&format!("r{}:", r.address.len()));
            out.push_str(&r.address);
        }
        TfValue::Unknown(u) => return Err(u.reason.clone()),
    }
    Ok(())
}

fn key_of(v: &TfValue) -> Result<String, String> {
    let mut s = String::new();
    canon(v, &mut s, 0)?;
    Ok(s)
}

/// Remove duplicates, keeping the first occurrence.
fn dedupe(items: Vec<TfValue>) -> Result<Vec<TfValue>, String> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for v in items {
        if seen.insert(key_of(&v)?) {
            out.push(v);
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

fn set_op(a: &[TfValue], op: SetOp) -> R {
    let (first, rest) = a.split_first().ok_or("at least one set is required")?;
    if op == SetOp::Subtract && rest.len() != 1 {
        return Err("setsubtract needs exactly two sets".into());
    }
    let first = list_arg(first)?;
    match op {
        SetOp::Union => {
            let mut all = first.clone();
            for s in rest {
                all.extend(list_arg(s)?.iter().cloned());
            }
            Ok(TfValue::List(dedupe(all)?))
        }
        SetOp::Intersection | SetOp::Subtract => {
            let mut others: Vec<HashSet<String>> = Vec::new();
            for s in rest {
                others.push(list_arg(s)?.iter().map(key_of).collect::<Result<_, _>>()?);
            }
            let mut out = Vec::new();
            for v in dedupe(first.clone())? {
                let k = key_of(&v)?;
                let keep = if op == SetOp::Intersection {
                    others.iter().all(|o| o.contains(&k))
                } else {
                    !others.iter().any(|o| o.contains(&k))
                };
                if keep {
                    out.push(v);
                }
            }
            Ok(TfValue::List(out))
        }
    }
}

fn setproduct(a: &[TfValue]) -> R {
    if a.len() < 2 {
        return Err("setproduct needs at least two sets".into());
    }
    let mut lists = Vec::new();
    let mut total: usize = 1;
    for v in a {
        let l = list_arg(v)?;
        total = total.saturating_mul(l.len());
        lists.push(l);
    }
    if total > MAX_ITERATIONS {
        return Err(format!(
            "setproduct would have more than {MAX_ITERATIONS} elements"
        ));
    }
    let mut out: Vec<Vec<TfValue>> = vec![Vec::new()];
    for l in lists {
        let mut next = Vec::with_capacity(out.len() * l.len());
        for prefix in &out {
            for x in l {
                let mut row = prefix.clone();
                row.push(x.clone());
                next.push(row);
            }
        }
        out = next;
    }
    Ok(TfValue::List(out.into_iter().map(TfValue::List).collect()))
}

// ---------------------------------------------------------------------------------------------
// JSON

fn jsonencode(a: &[TfValue]) -> R {
    arity(a, 1, 1)?;
    let v = &a[0];
    if let TfValue::Unknown(u) = v {
        return Err(u.reason.clone());
    }
    if let Some(reason) = unknown_reason(v) {
        return Ok(TfValue::Unknown(Box::new(UnknownVal {
            reason: format!("jsonencode of a value with unknown parts: {reason}"),
            pieces: Vec::new(),
            json: Some(v.clone()),
            error: false,
        })));
    }
    json_encode(v).map(TfValue::String)
}

/// Compact JSON with sorted object keys, as Terraform's `jsonencode` writes it.
pub(crate) fn json_encode(v: &TfValue) -> Result<String, String> {
    let mut out = String::new();
    write_json(v, &mut out, 0)?;
    Ok(out)
}

fn write_json(v: &TfValue, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > 128 {
        return Err("value nested too deeply for jsonencode".into());
    }
    if out.len() > MAX_STRING {
        return Err(format!("string longer than {MAX_STRING} bytes"));
    }
    match v {
        TfValue::Null => out.push_str("null"),
        TfValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        TfValue::Number(n) => out.push_str(&format_number(*n)),
        TfValue::String(s) => out.push_str(&json_string(s, true)),
        TfValue::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out, depth + 1)?;
            }
            out.push(']');
        }
        TfValue::Object(o) => {
            out.push('{');
            for (i, (k, x)) in sorted_entries(o).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k, true));
                out.push(':');
                write_json(x, out, depth + 1)?;
            }
            out.push('}');
        }
        TfValue::Resource(r) => {
            return Err(format!("{} is a whole resource, not a value", r.address))
        }
        TfValue::Unknown(u) => return Err(u.reason.clone()),
    }
    Ok(())
}

/// A JSON string literal; `html` escapes `<`, `>` and `&` as Terraform's encoder does.
fn json_string(s: &str, html: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn jsondecode(a: &[TfValue]) -> R {
    arity(a, 1, 1)?;
    match &a[0] {
        TfValue::Unknown(u) => match &u.json {
            Some(v) => Ok(v.clone()),
            None => Err(u.reason.clone()),
        },
        v => {
            let s = str_arg(v)?;
            let parsed: serde_json::Value =
                serde_json::from_str(&s).map_err(|e| format!("jsondecode: {e}"))?;
            Ok(from_json(&parsed))
        }
    }
}

fn from_json(v: &serde_json::Value) -> TfValue {
    match v {
        serde_json::Value::Null => TfValue::Null,
        serde_json::Value::Bool(b) => TfValue::Bool(*b),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) => TfValue::Number(f),
            None => TfValue::unknown("number out of range"),
        },
        serde_json::Value::String(s) => TfValue::String(s.clone()),
        serde_json::Value::Array(l) => TfValue::List(l.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            TfValue::Object(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// base64

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let data: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !data.chunks_exact(4).remainder().is_empty() {
        return Err("invalid base64 length".into());
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let chunks = data.len() / 4;
    for (ci, chunk) in data.chunks(4).enumerate() {
        let mut n: u32 = 0;
        let mut pads = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if ci + 1 == chunks && i >= 2 => {
                    pads += 1;
                    0
                }
                _ => return Err("invalid base64 character".into()),
            };
            if pads > 0 && c != b'=' {
                return Err("invalid base64 padding".into());
            }
            n = (n << 6) | u32::from(v);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(bytes.get(..3 - pads).unwrap_or(&[]));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Files

fn read_file(ev: &Evaluator<'_>, path: &str) -> Result<String, String> {
    let content = ev
        .resolver
        .read_file(path)
        .map_err(|e| format!("cannot read file {path}: {e}"))?;
    if content.len() > MAX_STRING {
        return Err(format!("file {path} is larger than {MAX_STRING} bytes"));
    }
    Ok(content)
}

fn templatefile(ev: &mut Evaluator<'_>, a: &[TfValue]) -> R {
    arity(a, 2, 2)?;
    let path = str_arg(&a[0])?;
    let vars = match &a[1] {
        TfValue::Object(o) => o.clone(),
        TfValue::Null => IndexMap::new(),
        other => {
            return Err(format!(
                "templatefile variables must be an object, not a {}",
                other.type_name()
            ))
        }
    };
    let content = read_file(ev, &path)?;
    let template = hcl_edit::parser::parse_template(&content)
        .map_err(|e| format!("cannot parse template {path}: {e}"))?;
    match ev.render_isolated(&template, vars) {
        v @ (TfValue::String(_) | TfValue::Unknown(_)) => Ok(v),
        v => to_string_value(&v)
            .map(TfValue::String)
            .ok_or_else(|| format!("template {path} produced a {}, not a string", v.type_name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::tests::{ev, ev_with, hole, lit, n, pieces, resolver, s};

    fn list(items: &[&str]) -> TfValue {
        TfValue::List(items.iter().map(|x| s(x)).collect())
    }

    fn reason(v: &TfValue) -> String {
        match v {
            TfValue::Unknown(u) => u.reason.clone(),
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(ev("abs(-2)"), n(2.0));
        assert_eq!(ev("ceil(1.2) + floor(1.8)"), n(3.0));
        assert_eq!(ev("max(1, 5, 3)"), n(5.0));
        assert_eq!(ev("min([4, 2]...)"), n(2.0));
        assert_eq!(ev("parseint(\"ff\", 16)"), n(255.0));
        assert_eq!(ev("signum(-7)"), n(-1.0));
        assert_eq!(ev("pow(2, 10)"), n(1024.0));
    }

    #[test]
    fn strings() {
        assert_eq!(ev("lower(\"AbC\")"), s("abc"));
        assert_eq!(ev("upper(var.name)"), s("APP"));
        assert_eq!(ev("chomp(\"x\\n\\r\\n\")"), s("x"));
        assert_eq!(ev("indent(2, \"a\\nb\")"), s("a\n  b"));
        assert_eq!(ev("replace(\"a-b-c\", \"-\", \"_\")"), s("a_b_c"));
        assert!(ev("replace(\"abc\", \"/b/\", \"x\")").is_unknown());
        assert_eq!(ev("split(\",\", \"a,b\")"), list(&["a", "b"]));
        assert_eq!(ev("strrev(\"abc\")"), s("cba"));
        assert_eq!(ev("substr(\"hello\", 1, 3)"), s("ell"));
        assert_eq!(ev("substr(\"hello\", -3, -1)"), s("llo"));
        assert_eq!(ev("title(\"hello world\")"), s("Hello World"));
        assert_eq!(ev("trim(\"?!hi!?\", \"!?\")"), s("hi"));
        assert_eq!(ev("trimprefix(\"arn:x\", \"arn:\")"), s("x"));
        assert_eq!(ev("trimsuffix(\"a.zip\", \".zip\")"), s("a"));
        assert_eq!(ev("trimspace(\"  a \\n\")"), s("a"));
        assert_eq!(ev("startswith(\"arn:aws\", \"arn:\")"), TfValue::Bool(true));
        assert_eq!(ev("endswith(\"arn:aws\", \"x\")"), TfValue::Bool(false));
        assert_eq!(ev("strcontains(\"abc\", \"b\")"), TfValue::Bool(true));
        assert_eq!(ev("join(\",\", var.list)"), s("a,b,c"));
        assert_eq!(ev("join(\"-\", [\"x\"], [\"y\", 1])"), s("x-y-1"));
        assert_eq!(ev("base64encode(\"hello!?\")"), s("aGVsbG8hPw=="));
        assert_eq!(ev("base64decode(base64encode(\"ab\"))"), s("ab"));
        assert_eq!(ev("urlencode(\"a b/c\")"), s("a+b%2Fc"));
        assert_eq!(ev("basename(\"a/b/c.zip\")"), s("c.zip"));
        assert_eq!(ev("dirname(\"a/b/c.zip\")"), s("a/b"));
    }

    #[test]
    fn format_and_formatlist() {
        assert_eq!(ev("format(\"%s-%d\", var.name, 7)"), s("app-7"));
        assert_eq!(
            ev("format(\"%05d|%-4s|%4s|%%\", 42, \"ab\", \"cd\")"),
            s("00042|ab  |  cd|%")
        );
        assert_eq!(
            ev("format(\"%.2f %q %v %t\", 3.14159, \"x\", [1], true)"),
            s("3.14 \"x\" [1] true")
        );
        assert_eq!(ev("format(\"%x %e\", 255, 1500)"), s("ff 1.500000e+03"));
        assert!(ev("format(\"%s %s\", \"a\")").is_unknown());
        assert!(ev("format(\"%s\", \"a\", \"b\")").is_unknown());
        let v = ev("format(\"arn:aws:s3:::%s/*\", var.unknown)");
        assert_eq!(
            pieces(&v),
            vec![lit("arn:aws:s3:::"), hole("var.unknown"), lit("/*")]
        );
        assert_eq!(
            ev("formatlist(\"%s=%s\", var.list, \"v\")"),
            list(&["a=v", "b=v", "c=v"])
        );
        let v = ev("join(\":\", [\"arn\", var.unknown, \"x\"])");
        assert_eq!(
            pieces(&v),
            vec![lit("arn:"), hole("var.unknown"), lit(":x")]
        );
    }

    #[test]
    fn collections() {
        assert_eq!(ev("length(var.list)"), n(3.0));
        assert_eq!(ev("length([var.unknown, 1])"), n(2.0));
        assert_eq!(ev("length(\"héllo\")"), n(5.0));
        assert_eq!(ev("concat(var.list, [\"d\"])"), list(&["a", "b", "c", "d"]));
        let TfValue::List(l) = ev("concat([var.unknown], [\"d\"])") else {
            panic!()
        };
        assert_eq!(l.len(), 2);
        assert!(l[0].is_unknown());
        assert!(ev("concat(var.unknown, [\"d\"])").is_unknown());
        let TfValue::Object(m) = ev("merge(var.tags, {Env = \"dev\", X = var.unknown}, null)")
        else {
            panic!()
        };
        assert_eq!(m.get("Env"), Some(&s("dev")));
        assert_eq!(m.get("App"), Some(&s("x")));
        assert!(m.get("X").is_some_and(TfValue::is_unknown));
        assert_eq!(ev("lookup(var.tags, \"Env\")"), s("prod"));
        assert_eq!(ev("lookup(var.tags, \"Nope\", \"d\")"), s("d"));
        assert!(ev("lookup(var.tags, \"Nope\")").is_unknown());
        assert_eq!(ev("keys(var.tags)"), list(&["App", "Env"]));
        assert_eq!(ev("values(var.tags)"), list(&["x", "prod"]));
        assert_eq!(ev("contains(var.list, \"b\")"), TfValue::Bool(true));
        assert_eq!(
            ev("contains([var.unknown, \"b\"], \"b\")"),
            TfValue::Bool(true)
        );
        assert!(ev("contains([var.unknown], \"b\")").is_unknown());
        assert_eq!(ev("distinct([\"a\", \"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(ev("toset([\"b\", \"a\", \"b\"])"), list(&["b", "a"]));
        assert_eq!(ev("element(var.list, 4)"), s("b"));
        assert_eq!(
            ev("flatten([[\"a\"], [[\"b\"]], \"c\"])"),
            list(&["a", "b", "c"])
        );
        assert_eq!(ev("index(var.list, \"c\")"), n(2.0));
        assert_eq!(ev("compact([\"a\", \"\", null, \"b\"])"), list(&["a", "b"]));
        assert_eq!(ev("coalesce(\"\", null, \"x\", var.unknown)"), s("x"));
        assert!(ev("coalesce(var.unknown, \"x\")").is_unknown());
        assert_eq!(ev("coalescelist([], [\"a\"])"), list(&["a"]));
        assert_eq!(ev("one([])"), TfValue::Null);
        assert_eq!(ev("one([\"a\"])"), s("a"));
        assert_eq!(ev("range(3)"), TfValue::List(vec![n(0.0), n(1.0), n(2.0)]));
        assert_eq!(ev("range(1, 7, 3)"), TfValue::List(vec![n(1.0), n(4.0)]));
        assert_eq!(
            ev("range(3, 0)"),
            TfValue::List(vec![n(3.0), n(2.0), n(1.0)])
        );
        assert_eq!(ev("reverse(var.list)"), list(&["c", "b", "a"]));
        assert_eq!(ev("slice(var.list, 1, 3)"), list(&["b", "c"]));
        assert_eq!(ev("sort([\"b\", \"a\", \"c\"])"), list(&["a", "b", "c"]));
        assert_eq!(ev("sum([1, 2, \"3\"])"), n(6.0));
        assert_eq!(ev("setunion([\"a\"], [\"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(
            ev("setintersection(var.list, [\"c\", \"a\"])"),
            list(&["a", "c"])
        );
        assert_eq!(ev("setsubtract(var.list, [\"b\"])"), list(&["a", "c"]));
        assert_eq!(
            ev("setproduct([\"a\", \"b\"], [1])"),
            TfValue::List(vec![
                TfValue::List(vec![s("a"), n(1.0)]),
                TfValue::List(vec![s("b"), n(1.0)])
            ])
        );
        assert_eq!(
            ev("chunklist(var.list, 2)"),
            TfValue::List(vec![list(&["a", "b"]), list(&["c"])])
        );
        assert_eq!(ev("alltrue([true, \"true\"])"), TfValue::Bool(true));
        assert_eq!(ev("anytrue([var.unknown, true])"), TfValue::Bool(true));
        assert!(ev("alltrue([var.unknown, true])").is_unknown());
        let TfValue::Object(z) = ev("zipmap([\"a\", \"b\"], [1, 2])") else {
            panic!()
        };
        assert_eq!(z.get("b"), Some(&n(2.0)));
        let TfValue::Object(t) = ev("transpose({a = [\"1\", \"2\"], b = [\"1\"]})") else {
            panic!()
        };
        assert_eq!(t.get("1"), Some(&list(&["a", "b"])));
        assert_eq!(ev("tolist(var.list)"), ev("var.list"));
        assert_eq!(ev("tomap(var.tags)"), ev("var.tags"));
    }

    #[test]
    fn conversions_try_can() {
        assert_eq!(ev("tostring(1)"), s("1"));
        assert_eq!(ev("tonumber(\"2.5\")"), n(2.5));
        assert_eq!(ev("tobool(\"true\")"), TfValue::Bool(true));
        assert_eq!(
            pieces(&ev("tostring(var.unknown)")),
            vec![hole("var.unknown")]
        );
        assert_eq!(
            pieces(&ev("sensitive(var.unknown)")),
            vec![hole("var.unknown")]
        );
        assert_eq!(ev("nonsensitive(var.name)"), s("app"));
        assert_eq!(
            ev("try(var.tags.Nope, var.missing, \"fallback\")"),
            s("fallback")
        );
        assert_eq!(ev("try(var.name, \"fallback\")"), s("app"));
        assert!(ev("try(var.missing)").is_unknown());
        assert_eq!(ev("can(var.tags.Env)"), TfValue::Bool(true));
        // A failed lookup on known data is `false`; a value not known yet stays unknown, and
        // `try` does not replace it with its fallback.
        assert_eq!(ev("can(var.tags.Nope)"), TfValue::Bool(false));
        assert!(ev("can(var.unknown)").is_unknown());
        assert!(ev("try(var.unknown, \"fallback\")").is_unknown());
        assert_eq!(ev("try(var.tags.Nope, \"fallback\")"), s("fallback"));
    }

    #[test]
    fn unknown_arguments_name_the_call() {
        let v = ev("lower(var.unknown)");
        assert_eq!(pieces(&v), vec![hole("lower(var.unknown)")]);
        assert_eq!(reason(&v), "var.unknown has no value");
    }

    #[test]
    fn unsupported_functions() {
        let v = ev("frobnicate(1)");
        assert_eq!(reason(&v), "function frobnicate is not supported");
        assert_eq!(pieces(&v), vec![hole("frobnicate(1)")]);
        assert!(reason(&ev("provider::aws::arn_parse(\"x\")")).contains("provider function"));
        assert_eq!(ev("core::upper(\"a\")"), s("A"));
        assert!(ev("timestamp()").is_unknown());
        assert!(ev("uuid()").is_unknown());
        assert!(ev("sha256(\"x\")").is_unknown());
        assert!(ev("regex(\"a\", \"a\")").is_unknown());
    }

    #[test]
    fn jsonencode_known() {
        let v = ev("jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = [\"s3:GetObject\"], Resource = \"*\", N = 1.5, B = true, Z = null}]})");
        assert_eq!(
            v,
            s(
                r#"{"Statement":[{"Action":["s3:GetObject"],"B":true,"Effect":"Allow","N":1.5,"Resource":"*","Z":null}],"Version":"2012-10-17"}"#
            )
        );
        assert_eq!(ev("jsonencode(\"<a&b>\")"), s(r#""\u003ca\u0026b\u003e""#));
        assert_eq!(ev("jsonencode(3)"), s("3"));
    }

    #[test]
    fn jsonencode_with_unknown_keeps_structure() {
        let v =
            ev("jsonencode({Statement = [{Effect = \"Allow\", Resource = aws_iam_role.r.arn}]})");
        let TfValue::Unknown(u) = &v else {
            panic!("expected unknown")
        };
        let Some(TfValue::Object(doc)) = &u.json else {
            panic!("expected json structure")
        };
        let TfValue::List(stmts) = doc.get("Statement").unwrap() else {
            panic!()
        };
        assert_eq!(stmts[0].get_attr("Effect"), s("Allow"));
        assert!(stmts[0].get_attr("Resource").is_unknown());
        // Passing through a template keeps it.
        let v2 = ev("\"${jsonencode({a = var.unknown})}\"");
        assert!(matches!(&v2, TfValue::Unknown(u) if u.json.is_some()));
        // jsondecode round trip.
        let back = ev("jsondecode(jsonencode({Statement = [{Effect = \"Allow\", Resource = aws_iam_role.r.arn}]}))");
        assert_eq!(Some(back), u.json.clone());
    }

    #[test]
    fn jsondecode_known() {
        let v = ev(r#"jsondecode("{\"b\": [1, true, null], \"a\": \"x\"}")"#);
        let TfValue::Object(o) = v else { panic!() };
        assert_eq!(o.keys().cloned().collect::<Vec<_>>(), vec!["b", "a"]);
        assert_eq!(
            o.get("b"),
            Some(&TfValue::List(vec![
                n(1.0),
                TfValue::Bool(true),
                TfValue::Null
            ]))
        );
        assert!(ev("jsondecode(\"{\")").is_unknown());
        assert_eq!(ev("jsondecode(jsonencode(var.tags))"), {
            // keys come back sorted
            let mut m = IndexMap::new();
            m.insert("App".to_string(), s("x"));
            m.insert("Env".to_string(), s("prod"));
            TfValue::Object(m)
        });
    }

    #[test]
    fn files_and_templatefile() {
        let mut r = resolver();
        r.files.insert("hello.txt".into(), "hi there\n".into());
        r.files.insert(
            "policy.tpl".into(),
            "%{ for a in actions ~}\n${a};\n%{ endfor ~}\nbucket=${bucket}%{ if admin } admin%{ endif }".into(),
        );
        r.files.insert("bad.tpl".into(), "${".into());
        r.files.insert("outside.tpl".into(), "${var.name}".into());
        r.files.insert(
            "loop.tpl".into(),
            "x${templatefile(\"loop.tpl\", {})}".into(),
        );
        assert_eq!(ev_with(&r, "file(\"hello.txt\")"), s("hi there\n"));
        assert!(ev_with(&r, "file(\"nope\")").is_unknown());
        assert_eq!(
            ev_with(&r, "fileexists(\"hello.txt\")"),
            TfValue::Bool(true)
        );
        assert_eq!(ev_with(&r, "filebase64(\"hello.txt\")"), s("aGkgdGhlcmUK"));
        assert_eq!(
            ev_with(
                &r,
                "templatefile(\"policy.tpl\", {actions = [\"s3:Get\", \"s3:Put\"], bucket = var.name, admin = true})"
            ),
            s("s3:Get;\ns3:Put;\nbucket=app admin")
        );
        let v = ev_with(
            &r,
            "templatefile(\"policy.tpl\", {actions = [], bucket = var.unknown, admin = false})",
        );
        assert_eq!(pieces(&v), vec![lit("bucket="), hole("var.unknown")]);
        let v = ev_with(&r, "templatefile(\"bad.tpl\", {})");
        assert!(reason(&v).contains("cannot parse template"));
        // Only the given variables are visible inside.
        assert!(ev_with(&r, "templatefile(\"outside.tpl\", {})").is_unknown());
        // Self-including templates stop at the depth limit.
        let v = ev_with(&r, "templatefile(\"loop.tpl\", {})");
        assert!(v.is_unknown());
    }

    #[test]
    fn limits() {
        assert!(reason(&ev("range(1000000)")).contains("more than"));
        assert!(ev("setproduct(range(1000), range(1000))").is_unknown());
        assert!(ev("format(\"%999999999d\", 1)").is_unknown());
        assert!(ev("indent(1000000, join(\"\\n\", range(100)))").is_unknown());
    }

    #[test]
    fn base64_roundtrip() {
        for input in ["", "a", "ab", "abc", "abcd", "hello world \u{e9}"] {
            let enc = base64_encode(input.as_bytes());
            assert_eq!(base64_decode(&enc).unwrap(), input.as_bytes());
        }
        assert!(base64_decode("a===").is_err());
        assert!(base64_decode("ab=c").is_err());
    }
}
