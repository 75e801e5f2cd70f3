//! `terraform show -json` output: plans (and state) → the lambdasec model.
//!
//! Resources come from `planned_values` (or `values` for a shown state). Values Terraform
//! only knows after apply are marked in `resource_changes[].change.after_unknown`; they
//! become unknowns that remember what they refer to, found through the plan's
//! `configuration` (`expressions.<attr>.references`), following module outputs and module
//! inputs. The builder then links them exactly as it links HCL references.
//!
//! The text is parsed once; a light scanner over the raw text finds the top-level keys (to
//! recognise plans without parsing) and the positions of resource addresses (for locations).

use crate::build::Builder;
use crate::module::{json_to_tf, Attr, EvalBody, Instance, Mode};
use crate::value::{ResourceObj, TfValue};
use indexmap::IndexMap;
use lambdasec_model::{Inventory, Location, SourceError, SourceKind};
use serde_json::Value as J;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Larger plan files are reported as errors instead of read.
pub const MAX_PLAN_BYTES: u64 = 256 * 1024 * 1024;
/// How much of the text `is_plan_json` looks at before scanning the top-level keys.
const SNIFF_BYTES: usize = 4096;
/// Deepest chain of module outputs / inputs followed to resolve a reference, and deepest
/// module nesting walked.
const MAX_DEPTH: usize = 16;

/// Attributes whose value is a list of identifiers: when one is unknown as a whole, each
/// resource attribute its expression refers to becomes one unknown element.
const LIST_ATTRS: &[&str] = &[
    "layers",
    "security_group_ids",
    "subnet_ids",
    "managed_policy_arns",
    "policy_arns",
    "roles",
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "security_groups",
    "compatible_runtimes",
    "allow_origins",
    "allow_methods",
];

// ----- raw text scanning (no allocation, no parsing) -----

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// End (exclusive) of the JSON string whose opening quote is at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = b.get(j..)?.iter().position(|&c| c == b'"' || c == b'\\')?;
        j += k;
        if b[j] == b'"' {
            return Some(j + 1);
        }
        j += 2;
    }
}

/// End (exclusive) of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The members of the top-level JSON object: raw key (without quotes) and the byte span of
/// its value. Stops at the first malformed member.
struct TopLevel<'t> {
    text: &'t str,
    pos: usize,
    first: bool,
    done: bool,
}

impl<'t> TopLevel<'t> {
    fn new(text: &'t str) -> Self {
        let b = text.as_bytes();
        let i = skip_ws(b, 0);
        let ok = b.get(i) == Some(&b'{');
        TopLevel {
            text,
            pos: i + 1,
            first: true,
            done: !ok,
        }
    }

    fn member(&mut self) -> Option<(&'t str, Range<usize>)> {
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if *b.get(i)? == b'}' {
            return None;
        }
        if !self.first {
            if b[i] != b',' {
                return None;
            }
            i = skip_ws(b, i + 1);
        }
        if *b.get(i)? != b'"' {
            return None;
        }
        let ke = string_end(b, i)?;
        let key = self.text.get(i + 1..ke - 1)?;
        i = skip_ws(b, ke);
        if *b.get(i)? != b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        let ve = value_end(b, i)?;
        self.pos = ve;
        self.first = false;
        Some((key, i..ve))
    }
}

impl<'t> Iterator for TopLevel<'t> {
    type Item = (&'t str, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let m = self.member();
        self.done = m.is_none();
        m
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// True when `text` looks like `terraform show -json` output of a plan or state (a JSON
/// object with `"format_version"` and `"planned_values"`, `"values"` or `"prior_state"`).
///
/// Looks for `"format_version"` in the first few KB, then walks only the top-level keys of
/// the object without building any value.
pub fn is_plan_json(text: &str) -> bool {
    let text = strip_bom(text);
    let mut end = text.len().min(SNIFF_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    if !head.trim_start().starts_with('{') || !head.contains("\"format_version\"") {
        return false;
    }
    let (mut version, mut values) = (false, false);
    for (key, _) in TopLevel::new(text) {
        match key {
            "format_version" => version = true,
            "planned_values" | "values" | "prior_state" => values = true,
            _ => {}
        }
        if version && values {
            return true;
        }
    }
    false
}

// ----- addresses -----

/// Splits a Terraform address or reference on the dots outside `[...]` and strings.
fn split_address(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut esc, mut start) = (0usize, false, false, 0usize);
    for (i, c) in s.char_indices() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `name["key"]` → `name`.
fn name_part(token: &str) -> &str {
    token.split('[').next().unwrap_or(token)
}

/// The address without any instance key: `module.m[0].aws_x.y["a"]` → `module.m.aws_x.y`.
fn strip_indices(addr: &str) -> String {
    split_address(addr)
        .into_iter()
        .map(name_part)
        .collect::<Vec<_>>()
        .join(".")
}

/// A module instance: the raw `module.<token>` segments, e.g. `["m[0]", "inner"]`.
#[derive(Clone, Default)]
struct Scope {
    segs: Vec<String>,
}

impl Scope {
    /// The module instance holding the resource at `address`.
    fn of_address(address: &str) -> Scope {
        let toks = split_address(address);
        let mut segs = Vec::new();
        let mut i = 0;
        while i + 2 < toks.len() && toks[i] == "module" {
            segs.push(toks[i + 1].to_string());
            i += 2;
        }
        Scope { segs }
    }

    fn prefix(&self) -> String {
        self.segs.iter().map(|s| format!("module.{s}.")).collect()
    }

    fn names(&self) -> Vec<String> {
        self.segs.iter().map(|s| name_part(s).to_string()).collect()
    }

    fn child(&self, seg: &str) -> Scope {
        let mut segs = self.segs.clone();
        segs.push(seg.to_string());
        Scope { segs }
    }

    fn parent(&self) -> Option<(Scope, String)> {
        let mut segs = self.segs.clone();
        let last = segs.pop()?;
        Some((Scope { segs }, name_part(&last).to_string()))
    }
}

/// A resource attribute a reference resolves to.
#[derive(Clone, PartialEq)]
struct Target {
    address: String,
    /// `aws_x`, or `data.aws_x` for data sources (as in [`ResourceObj::rtype`]).
    rtype: String,
    attr: String,
}

impl Target {
    fn value(&self) -> TfValue {
        ResourceObj {
            address: self.address.clone(),
            rtype: self.rtype.clone(),
            attrs: IndexMap::new(),
        }
        .attr(&self.attr)
    }
}

/// The references of an expression that no other reference extends
/// (`aws_iam_role.r.arn` is kept, `aws_iam_role.r` dropped), in order, without repeats.
fn leaf_refs(expr: &J) -> Vec<&str> {
    let refs: Vec<&str> = expr
        .get("references")
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<&str> = Vec::new();
    for r in &refs {
        let extended = refs.iter().any(|o| {
            o.len() > r.len() && o.starts_with(r) && matches!(o.as_bytes()[r.len()], b'.' | b'[')
        });
        if !extended && !out.contains(r) {
            out.push(r);
        }
    }
    out
}

// ----- configuration expressions -----

/// Where the configuration expression of a value is.
#[derive(Clone, Copy)]
enum Expr<'a> {
    None,
    /// A block body (object of attribute expressions) or a list of them.
    Block(&'a J),
    /// An attribute expression (`{"references": [...]}` / `{"constant_value": ...}`).
    Attr(&'a J),
}

/// Which part of an attribute's expression an unknown value is.
#[derive(Clone, Copy)]
enum Slot {
    /// The whole attribute.
    Whole,
    /// Element `k` of the `n` unknown elements of a list attribute.
    Element(usize, usize),
    /// A member of an object/map attribute.
    Member,
}

impl<'a> Expr<'a> {
    fn of(v: Option<&'a J>) -> Self {
        match v {
            Some(a @ J::Array(_)) => Expr::Block(a),
            Some(o @ J::Object(m)) => {
                if m.is_empty() || m.contains_key("references") || m.contains_key("constant_value")
                {
                    Expr::Attr(o)
                } else {
                    Expr::Block(o)
                }
            }
            _ => Expr::None,
        }
    }

    fn member(self, key: &str) -> (Expr<'a>, Slot) {
        match self {
            Expr::Block(J::Object(o)) => (Expr::of(o.get(key)), Slot::Whole),
            Expr::Block(J::Array(a)) if a.len() == 1 => Expr::Block(&a[0]).member(key),
            Expr::Attr(e) => (Expr::Attr(e), Slot::Member),
            _ => (Expr::None, Slot::Whole),
        }
    }

    fn element(self, i: usize, k: usize, n: usize) -> (Expr<'a>, Slot) {
        match self {
            Expr::Block(J::Array(a)) => (Expr::of(a.get(i)), Slot::Whole),
            Expr::Block(o @ J::Object(_)) => (Expr::Block(o), Slot::Whole),
            Expr::Attr(e) => (Expr::Attr(e), Slot::Element(k, n)),
            _ => (Expr::None, Slot::Whole),
        }
    }
}

// ----- the plan -----

type ResKey = (Vec<String>, Mode, String, String);

struct Plan<'a> {
    rel: Arc<str>,
    /// Every instance address in the plan.
    addresses: HashSet<&'a str>,
    /// Unindexed address → instance addresses.
    by_unindexed: HashMap<String, Vec<&'a str>>,
    /// `after_unknown` by address.
    unknowns: HashMap<&'a str, &'a J>,
    /// Configuration modules by module path (call names).
    modules: HashMap<Vec<String>, &'a J>,
    /// Configuration `expressions` by module path, mode, type and name.
    exprs: HashMap<ResKey, &'a J>,
    positions: HashMap<String, (u32, u32)>,
}

fn mode_of(r: &J) -> Mode {
    match r.get("mode").and_then(J::as_str) {
        Some("data") => Mode::Data,
        _ => Mode::Managed,
    }
}

/// The resources of a `root_module` (or child module) and its children, in order.
fn module_resources<'a>(m: &'a J, depth: usize, out: &mut Vec<&'a J>) {
    if let Some(rs) = m.get("resources").and_then(J::as_array) {
        out.extend(rs.iter().filter(|r| r.is_object()));
    }
    if depth >= MAX_DEPTH {
        return;
    }
    if let Some(cs) = m.get("child_modules").and_then(J::as_array) {
        for c in cs {
            module_resources(c, depth + 1, out);
        }
    }
}

fn walk_config<'a>(
    m: &'a J,
    names: Vec<String>,
    depth: usize,
    modules: &mut HashMap<Vec<String>, &'a J>,
    exprs: &mut HashMap<ResKey, &'a J>,
) {
    if let Some(rs) = m.get("resources").and_then(J::as_array) {
        for r in rs {
            let (Some(t), Some(n), Some(e)) = (
                r.get("type").and_then(J::as_str),
                r.get("name").and_then(J::as_str),
                r.get("expressions"),
            ) else {
                continue;
            };
            exprs.insert((names.clone(), mode_of(r), t.to_string(), n.to_string()), e);
        }
    }
    if depth < MAX_DEPTH {
        if let Some(calls) = m.get("module_calls").and_then(J::as_object) {
            for (name, call) in calls {
                if let Some(child) = call.get("module") {
                    let mut n = names.clone();
                    n.push(name.clone());
                    walk_config(child, n, depth + 1, modules, exprs);
                }
            }
        }
    }
    modules.insert(names, m);
}

/// 1-based line and column (in characters) of the first `"address": "<a>"` of each address
/// inside `spans` (earlier spans win), in one pass over the text.
fn address_positions(text: &str, spans: &[Range<usize>]) -> HashMap<String, (u32, u32)> {
    const KEY: &str = "\"address\"";
    let b = text.as_bytes();
    let mut seen: HashSet<String> = HashSet::new();
    let mut found: Vec<(usize, String)> = Vec::new();
    for span in spans {
        let Some(seg) = text.get(span.clone()) else {
            continue;
        };
        for (off, _) in seg.match_indices(KEY) {
            let at = span.start + off;
            let mut i = skip_ws(b, at + KEY.len());
            if b.get(i) != Some(&b':') {
                continue;
            }
            i = skip_ws(b, i + 1);
            if b.get(i) != Some(&b'"') {
                continue;
            }
            let Some(end) = string_end(b, i) else {
                continue;
            };
            let raw = &text[i..end];
            let addr = if raw.contains('\\') {
                match serde_json::from_str::<String>(raw) {
                    Ok(s) => s,
                    Err(_) => continue,
                }
            } else {
                raw[1..raw.len() - 1].to_string()
            };
            if seen.insert(addr.clone()) {
                found.push((at, addr));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let mut out = HashMap::with_capacity(found.len());
    let (mut pos, mut line, mut col) = (0usize, 1u32, 1u32);
    for (at, addr) in found {
        let seg = &text[pos..at];
        match seg.rfind('\n') {
            Some(nl) => {
                line += seg.bytes().filter(|&c| c == b'\n').count() as u32;
                col = seg[nl + 1..].chars().count() as u32 + 1;
            }
            None => col += seg.chars().count() as u32,
        }
        pos = at;
        out.insert(addr, (line, col));
    }
    out
}

/// An identifier list the provider computes and the configuration does not set (a role's
/// `managed_policy_arns` when attachments are separate resources): left out, as in HCL
/// where the body holds what is configured, rather than read as an unknown attachment.
fn computed_list(parent: &Expr, expr: Expr, val: Option<&J>, unk: Option<&J>, name: &str) -> bool {
    matches!(parent, Expr::Block(_))
        && matches!(expr, Expr::None)
        && val.is_none_or(J::is_null)
        && unk == Some(&J::Bool(true))
        && LIST_ATTRS.contains(&name)
}

/// One resource instance being converted.
struct Res<'r> {
    address: &'r str,
    /// `aws_x` or `data.aws_x`.
    obj_rtype: String,
    scope: Scope,
}

impl<'a> Plan<'a> {
    /// The instance address a reference target names: itself when it is an instance, else
    /// the only instance of that resource, else the address as written (unindexed).
    fn canonical(&self, candidate: String) -> String {
        if self.addresses.contains(candidate.as_str()) {
            return candidate;
        }
        let key = strip_indices(&candidate);
        match self.by_unindexed.get(&key).map(Vec::as_slice) {
            Some([one]) => one.to_string(),
            _ if candidate.contains("[*]") => key,
            _ => candidate,
        }
    }

    fn module_call(&self, scope: &Scope, call: &str) -> Option<&'a J> {
        self.modules
            .get(&scope.names())?
            .get("module_calls")?
            .get(call)
    }

    /// The resource attribute a reference (as written in module `scope`) stands for,
    /// following module outputs and module inputs.
    fn resolve(&self, scope: &Scope, reference: &str, depth: usize) -> Option<Target> {
        if depth > MAX_DEPTH {
            return None;
        }
        let toks = split_address(reference);
        let first = |expr: &'a J, scope: &Scope| {
            leaf_refs(expr)
                .into_iter()
                .find_map(|r| self.resolve(scope, r, depth + 1))
        };
        match name_part(toks[0]) {
            "var" => {
                let var = name_part(toks.get(1)?);
                let (parent, call) = scope.parent()?;
                let expr = self
                    .module_call(&parent, &call)?
                    .get("expressions")?
                    .get(var)?;
                first(expr, &parent)
            }
            "module" => {
                let seg = *toks.get(1)?;
                let output = name_part(toks.get(2)?);
                let expr = self
                    .module_call(scope, name_part(seg))?
                    .get("module")?
                    .get("outputs")?
                    .get(output)?
                    .get("expression")?;
                first(expr, &scope.child(seg))
            }
            "local" | "each" | "count" | "path" | "terraform" | "self" => None,
            "data" => {
                let (t, n, a) = (*toks.get(1)?, *toks.get(2)?, *toks.get(3)?);
                Some(Target {
                    address: self.canonical(format!("{}data.{t}.{n}", scope.prefix())),
                    rtype: format!("data.{t}"),
                    attr: name_part(a).to_string(),
                })
            }
            t => {
                if t != toks[0] || !t.contains('_') {
                    return None;
                }
                let (n, a) = (*toks.get(1)?, *toks.get(2)?);
                Some(Target {
                    address: self.canonical(format!("{}{t}.{n}", scope.prefix())),
                    rtype: t.to_string(),
                    attr: name_part(a).to_string(),
                })
            }
        }
    }

    /// The unknown value of `path` (an attribute of `res`, or a part of one) whose
    /// configuration is `expr`.
    fn unknown_for(&self, expr: Expr, slot: Slot, name: &str, path: &str, res: &Res) -> TfValue {
        let generic = || {
            if path.contains(['.', '[']) {
                let e = format!("{}.{path}", res.address);
                let reason = format!("{e} is known only after apply");
                TfValue::unknown_ref(e, reason)
            } else {
                ResourceObj {
                    address: res.address.to_string(),
                    rtype: res.obj_rtype.clone(),
                    attrs: IndexMap::new(),
                }
                .attr(path)
            }
        };
        let Expr::Attr(e) = expr else {
            return generic();
        };
        let leaves = leaf_refs(e);
        let mut targets: Vec<Target> = Vec::new();
        let mut unresolved = 0;
        for l in &leaves {
            match self.resolve(&res.scope, l, 0) {
                Some(t) => {
                    if !targets.contains(&t) {
                        targets.push(t);
                    }
                }
                None => unresolved += 1,
            }
        }
        match slot {
            Slot::Whole if LIST_ATTRS.contains(&name) && unresolved == 0 && !targets.is_empty() => {
                TfValue::List(targets.iter().map(Target::value).collect())
            }
            Slot::Whole => match (targets.first(), leaves.first()) {
                (Some(t), _) => t.value(),
                (None, Some(l)) => TfValue::unknown_ref(
                    *l,
                    format!("{}.{path} is known only after apply ({l})", res.address),
                ),
                (None, None) => generic(),
            },
            Slot::Element(k, n) if unresolved == 0 && targets.len() == n => targets[k].value(),
            Slot::Element(..) | Slot::Member if unresolved == 0 && targets.len() == 1 => {
                targets[0].value()
            }
            Slot::Element(..) | Slot::Member => generic(),
        }
    }

    /// A planned value merged with its `after_unknown` marks.
    #[allow(clippy::too_many_arguments)]
    fn convert(
        &self,
        val: Option<&J>,
        unk: Option<&J>,
        expr: Expr,
        slot: Slot,
        name: &str,
        path: &str,
        res: &Res,
    ) -> Option<TfValue> {
        match unk {
            Some(J::Bool(true)) => Some(self.unknown_for(expr, slot, name, path, res)),
            Some(J::Object(u)) if matches!(val, None | Some(J::Null) | Some(J::Object(_))) => {
                let empty = serde_json::Map::new();
                let vo = val.and_then(J::as_object).unwrap_or(&empty);
                let mut out = IndexMap::new();
                let keys = vo.keys().chain(u.keys().filter(|k| !vo.contains_key(*k)));
                for k in keys {
                    let (ce, cs) = expr.member(k);
                    if path.is_empty() && computed_list(&expr, ce, vo.get(k), u.get(k), k) {
                        continue;
                    }
                    let cp = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    if let Some(v) = self.convert(vo.get(k), u.get(k), ce, cs, k, &cp, res) {
                        out.insert(k.clone(), v);
                    }
                }
                Some(TfValue::Object(out))
            }
            Some(J::Array(u)) if matches!(val, None | Some(J::Null) | Some(J::Array(_))) => {
                let va: &[J] = val.and_then(J::as_array).map_or(&[], Vec::as_slice);
                let n = u.iter().filter(|x| **x == J::Bool(true)).count();
                let mut k = 0;
                let mut out = Vec::new();
                for i in 0..va.len().max(u.len()) {
                    let (ce, cs) = expr.element(i, k, n);
                    if u.get(i) == Some(&J::Bool(true)) {
                        k += 1;
                    }
                    let cp = format!("{path}[{i}]");
                    out.push(
                        self.convert(va.get(i), u.get(i), ce, cs, name, &cp, res)
                            .unwrap_or(TfValue::Null),
                    );
                }
                Some(TfValue::List(out))
            }
            _ => val.map(json_to_tf),
        }
    }

    fn instance(&self, r: &'a J) -> Option<Instance> {
        let address = r.get("address")?.as_str()?;
        let rtype = r.get("type")?.as_str()?;
        let name = r.get("name").and_then(J::as_str).unwrap_or_default();
        let mode = mode_of(r);
        let scope = Scope::of_address(address);
        let expr = self
            .exprs
            .get(&(scope.names(), mode, rtype.to_string(), name.to_string()))
            .map_or(Expr::None, |e| Expr::Block(e));
        let res = Res {
            address,
            obj_rtype: match mode {
                Mode::Managed => rtype.to_string(),
                Mode::Data => format!("data.{rtype}"),
            },
            scope,
        };
        let unk = self.unknowns.get(address).copied();
        let values = r.get("values");
        let (line, column) = self.positions.get(address).copied().unwrap_or((1, 1));
        let loc = Location::new(self.rel.clone(), line, column);
        let mut body = EvalBody::default();
        if let Some(TfValue::Object(o)) = self.convert(values, unk, expr, Slot::Whole, "", "", &res)
        {
            for (k, value) in o {
                body.attrs.insert(k, Attr::new(value, loc.clone()));
            }
        }
        // A layer lookup's `version` in the plan is the version found now; as in HCL, the body
        // keeps it only when the configuration sets it (else it follows the newest version).
        if mode == Mode::Data
            && rtype == "aws_lambda_layer_version"
            && self.layer_lookup_unpinned(&res.scope, name)
        {
            body.attrs.shift_remove("version");
        }
        Some(Instance {
            address: address.to_string(),
            mode,
            rtype: rtype.to_string(),
            body,
            loc,
            end_line: line,
        })
    }
}

impl Plan<'_> {
    /// The configuration of `data.aws_lambda_layer_version.<name>` in module `scope` is known
    /// and sets no `version` (or sets it to null).
    fn layer_lookup_unpinned(&self, scope: &Scope, name: &str) -> bool {
        let key = (
            scope.names(),
            Mode::Data,
            "aws_lambda_layer_version".to_string(),
            name.to_string(),
        );
        self.exprs
            .get(&key)
            .is_some_and(|e| match e.get("version") {
                None => true,
                Some(v) => {
                    v.get("constant_value").is_some_and(J::is_null) && leaf_refs(v).is_empty()
                }
            })
    }

    /// A layer lookup read while planning gives the function a known ARN, with the version
    /// that is newest *now*. Marks as `resolves_to_latest` the function layers whose value is
    /// the `arn` of a `data.aws_lambda_layer_version` that the `layers` expression refers to
    /// and whose configuration sets no version.
    fn mark_layer_lookups(&self, resources: &[&J], inv: &mut Inventory) {
        let by_address: HashMap<&str, &J> = resources
            .iter()
            .filter_map(|r| Some((r.get("address")?.as_str()?, *r)))
            .collect();
        for f in &mut inv.functions {
            let Some(r) = by_address.get(f.id.as_str()) else {
                continue;
            };
            let scope = Scope::of_address(&f.id);
            let name = r.get("name").and_then(J::as_str).unwrap_or_default();
            let key = (
                scope.names(),
                Mode::Managed,
                "aws_lambda_function".to_string(),
                name.to_string(),
            );
            let Some(expr) = self.exprs.get(&key).and_then(|e| e.get("layers")) else {
                continue;
            };
            let mut latest: Vec<&str> = Vec::new();
            for l in leaf_refs(expr) {
                let Some(t) = self.resolve(&scope, l, 0) else {
                    continue;
                };
                if t.rtype != "data.aws_lambda_layer_version" || t.attr != "arn" {
                    continue;
                }
                let Some(d) = by_address.get(t.address.as_str()) else {
                    continue;
                };
                let dname = d.get("name").and_then(J::as_str).unwrap_or_default();
                if !self.layer_lookup_unpinned(&Scope::of_address(&t.address), dname) {
                    continue;
                }
                if let Some(arn) = d.pointer("/values/arn").and_then(J::as_str) {
                    latest.push(arn);
                }
            }
            if latest.is_empty() {
                continue;
            }
            if let lambdasec_model::Value::Known { value, .. } = &mut f.layers {
                for l in value.iter_mut() {
                    if let lambdasec_model::Value::Known { value: lr, .. } = l {
                        if lr.arn.as_str().is_some_and(|a| latest.contains(&a)) {
                            lr.resolves_to_latest = true;
                        }
                    }
                }
            }
        }
    }
}

fn read_plan(path: &Path, rel: &str) -> Result<String, SourceError> {
    let err = |line: Option<u32>, message: String| SourceError {
        file: rel.to_string(),
        line,
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    if meta.len() > MAX_PLAN_BYTES {
        return Err(err(
            None,
            format!(
                "file is {} bytes, over the {} MiB limit for plan files; skipped",
                meta.len(),
                MAX_PLAN_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&c| c == b'\n')
            .count() as u32
            + 1;
        err(Some(line), "file is not valid UTF-8".into())
    })
}

/// Scans one `terraform show -json` file (absolute path under `scan_root`). Unreadable,
/// oversized or invalid files become inventory errors.
pub fn scan_plan(scan_root: &Path, path: &Path) -> Inventory {
    let rel = crate::relative(scan_root, path);
    let mut inv = match read_plan(path, &rel) {
        Ok(text) => plan_inventory(&rel, strip_bom(&text)),
        Err(e) => Inventory {
            errors: vec![e],
            ..Default::default()
        },
    };
    inv.files = 1;
    inv
}

/// The inventory of the plan `text` (already read) from the file `rel`.
pub fn plan_inventory(rel: &str, text: &str) -> Inventory {
    let error = |line: Option<u32>, message: String| Inventory {
        errors: vec![SourceError {
            file: rel.to_string(),
            line,
            message,
        }],
        ..Default::default()
    };
    let doc: J = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => return error(Some(e.line() as u32), format!("invalid JSON: {e}")),
    };
    let planned = doc
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
        .or_else(|| doc.get("values").and_then(|v| v.get("root_module")));
    let Some(planned) = planned else {
        return error(
            Some(1),
            "no planned_values or values: not a `terraform show -json` plan or state".into(),
        );
    };
    let mut resources = Vec::new();
    module_resources(planned, 0, &mut resources);
    let planned_addrs: HashSet<&str> = resources
        .iter()
        .filter_map(|r| r.get("address").and_then(J::as_str))
        .collect();
    // Data sources read while planning are only in the prior state.
    if let Some(prior) = doc
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        let mut prior_res = Vec::new();
        module_resources(prior, 0, &mut prior_res);
        resources.extend(prior_res.into_iter().filter(|r| {
            mode_of(r) == Mode::Data
                && r.get("address")
                    .and_then(J::as_str)
                    .is_some_and(|a| !planned_addrs.contains(a))
        }));
    }

    let mut addresses = HashSet::new();
    let mut by_unindexed: HashMap<String, Vec<&str>> = HashMap::new();
    for a in resources
        .iter()
        .filter_map(|r| r.get("address").and_then(J::as_str))
    {
        if addresses.insert(a) {
            by_unindexed.entry(strip_indices(a)).or_default().push(a);
        }
    }
    let mut unknowns = HashMap::new();
    for rc in doc
        .get("resource_changes")
        .and_then(J::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        if rc.get("deposed").is_some() {
            continue;
        }
        let (Some(a), Some(u)) = (
            rc.get("address").and_then(J::as_str),
            rc.get("change").and_then(|c| c.get("after_unknown")),
        ) else {
            continue;
        };
        unknowns.entry(a).or_insert(u);
    }
    let mut modules = HashMap::new();
    let mut exprs = HashMap::new();
    if let Some(root) = doc.get("configuration").and_then(|c| c.get("root_module")) {
        walk_config(root, Vec::new(), 0, &mut modules, &mut exprs);
    }
    let spans: Vec<Range<usize>> = {
        let mut by_key: HashMap<&str, Range<usize>> = HashMap::new();
        for (k, span) in TopLevel::new(text) {
            by_key.entry(k).or_insert(span);
        }
        let s: Vec<_> = ["planned_values", "values", "prior_state"]
            .iter()
            .filter_map(|k| by_key.remove(k))
            .collect();
        if s.is_empty() {
            vec![Range {
                start: 0,
                end: text.len(),
            }]
        } else {
            s
        }
    };
    let plan = Plan {
        rel: Arc::from(rel),
        addresses,
        by_unindexed,
        unknowns,
        modules,
        exprs,
        positions: address_positions(text, &spans),
    };
    let instances: Vec<Instance> = resources.iter().filter_map(|r| plan.instance(r)).collect();
    let mut inv = Builder::new(&instances, SourceKind::TerraformPlan).build();
    plan.mark_layer_lookups(&resources, &mut inv);
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_addresses() {
        assert_eq!(
            split_address(r#"module.m["a.b"].aws_x.y[0].arn"#),
            vec!["module", r#"m["a.b"]"#, "aws_x", "y[0]", "arn"]
        );
        assert_eq!(
            strip_indices(r#"module.m[1].aws_x.y["k"]"#),
            "module.m.aws_x.y"
        );
        let s = Scope::of_address(r#"module.a["x"].module.b.aws_x.y"#);
        assert_eq!(s.prefix(), r#"module.a["x"].module.b."#);
        assert_eq!(s.names(), vec!["a", "b"]);
        assert_eq!(Scope::of_address("aws_x.module").segs.len(), 0);
    }

    #[test]
    fn leaf_references() {
        let e: J = serde_json::json!({"references": [
            "aws_iam_role.r.arn", "aws_iam_role.r", "var.x", "aws_s3_bucket.b[0].arn",
            "aws_s3_bucket.b[0]", "aws_s3_bucket.b"
        ]});
        assert_eq!(
            leaf_refs(&e),
            vec!["aws_iam_role.r.arn", "var.x", "aws_s3_bucket.b[0].arn"]
        );
    }

    #[test]
    fn top_level_members() {
        let t = r#" {"a": {"x": "}"}, "b" : [1, "]"], "c": 3, "d": "q\"}"}"#;
        let keys: Vec<_> = TopLevel::new(t).map(|(k, r)| (k, &t[r])).collect();
        assert_eq!(
            keys,
            vec![
                ("a", r#"{"x": "}"}"#),
                ("b", r#"[1, "]"]"#),
                ("c", "3"),
                ("d", r#""q\"}""#)
            ]
        );
    }

    #[test]
    fn positions_in_one_pass() {
        let t = "{\"planned_values\": {\"resources\": [\n  {\"address\": \"a.b\"},\n  {\"address\":\"c.d[\\\"k\\\"]\"}]}}";
        let p = address_positions(
            t,
            &[Range {
                start: 0,
                end: t.len(),
            }],
        );
        assert_eq!(p["a.b"], (2, 4));
        assert_eq!(p["c.d[\"k\"]"], (3, 4));
    }
}
