//! Serverless Framework (`serverless.yml`, v3 and v4 forms) compiled into plain CloudFormation.
//!
//! The Framework's own packaging step turns `provider` and `functions` into a CloudFormation
//! template; this module does the same on [`Node`]s so the one CloudFormation builder can read
//! the result. Every generated node keeps a location inside serverless.yml: the function's key
//! for what the Framework derives from a function, or the property that produced the value.
//!
//! Variables (`${self:…}`, `${opt:…}`, `${env:…}`, `${sls:stage}`, `${param:…}` with
//! fallbacks) are resolved first; values that only exist at deploy time (`${ssm:…}`,
//! `${aws:…}`, `${cf:…}`, `${s3:…}`, `${file(…)}`, …) become
//! `Fn::ImportValue "<original text>"`, which the evaluator treats as unknown, or an `Fn::Sub`
//! when only part of a string is unknown.

use crate::node::{Key, Node, NodeValue};
use lambdasec_model::Location;
use std::collections::{HashMap, HashSet};

const MAX_DEPTH: usize = 16;
const MAX_STEPS: usize = 20_000;
const DEFAULT_ROLE: &str = "IamRoleLambdaExecution";
const DEFAULT_RUNTIME: &str = "nodejs20.x";
const VPC_POLICY: &str = ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

/// Whether a loaded document is a Serverless Framework service: a top-level `service` and a
/// `provider` or `functions` section.
pub fn is_serverless(root: &Node) -> bool {
    let service = matches!(
        root.get("service").map(|n| &n.value),
        Some(NodeValue::String(_)) | Some(NodeValue::Map(_))
    );
    service && (root.get("provider").is_some() || root.get("functions").is_some())
}

/// Compiles a Serverless Framework service into a CloudFormation template (a map with
/// `Resources`), as `serverless package` would. `env` answers `${env:…}` variables. Returns the
/// template and warnings about what could not be resolved or compiled.
pub fn to_cloudformation(root: &Node, env: &HashMap<String, String>) -> (Node, Vec<String>) {
    let mut resolver = Resolver {
        root,
        env,
        stage: None,
        region: None,
        steps: 0,
        warnings: Vec::new(),
    };
    let provider_raw = root.get("provider");
    let stage = resolver.setting(provider_raw.and_then(|p| p.get("stage")), "dev");
    resolver.stage = Some(stage.clone());
    let region = resolver.setting(provider_raw.and_then(|p| p.get("region")), "us-east-1");
    resolver.region = Some(region);
    let doc = resolver.node(root, 0);
    let mut warnings = std::mem::take(&mut resolver.warnings);

    let service = match doc.get("service") {
        Some(n) if matches!(n.value, NodeValue::Map(_)) => n.get("name").cloned(),
        Some(n) => Some(n.clone()),
        None => None,
    }
    .unwrap_or_else(|| str_node("service", &root.loc));
    let null = Node::new(NodeValue::Null, root.loc.clone());
    let provider = doc.get("provider").unwrap_or(&null);
    let mut c = Compiler {
        doc: &doc,
        provider,
        service,
        stage,
        resources: MapB::default(),
        outputs: MapB::default(),
        warnings: Vec::new(),
        role: RoleAcc::default(),
        ids: HashSet::new(),
        rest_api_made: false,
        http_api_made: false,
        fn_names: HashMap::new(),
    };
    c.compile();
    warnings.append(&mut c.warnings);
    let resources = std::mem::take(&mut c.resources);
    let outputs = std::mem::take(&mut c.outputs);

    let loc = root.loc.clone();
    let mut template = MapB::default();
    template.put("AWSTemplateFormatVersion", str_node("2010-09-09", &loc));
    template.put(
        "Description",
        str_node(
            "The AWS CloudFormation template for this Serverless application",
            &loc,
        ),
    );
    template.put("Resources", resources.build(&loc));
    template.put("Outputs", outputs.build(&loc));
    let mut template = template.build(&loc);

    if let Some(res) = doc.get("resources") {
        let parts: Vec<&Node> = match &res.value {
            NodeValue::List(items) => items.iter().collect(),
            _ => vec![res],
        };
        for part in parts {
            match &part.value {
                NodeValue::Map(entries) => {
                    for (k, v) in entries {
                        if k.name == "extensions" {
                            if let Some(r) = map_get_mut(&mut template, "Resources") {
                                deep_merge(r, v.clone());
                            }
                            continue;
                        }
                        let over = Node::new(
                            NodeValue::Map(vec![(k.clone(), v.clone())]),
                            part.loc.clone(),
                        );
                        deep_merge(&mut template, over);
                    }
                }
                NodeValue::Null => {}
                _ => warnings.push(format!(
                    "serverless: `resources` entry at {} is not a map (unresolved?); ignored",
                    part.loc
                )),
            }
        }
    }
    let mut seen = HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    (template, warnings)
}

// ---------------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------------

/// A part of an interpolated string.
enum Piece {
    Text(String),
    Node(Node),
}

/// What one variable source answered.
enum Src {
    Known(Node),
    /// Not there: the next fallback applies.
    Missing,
    /// Only known at deploy time.
    External,
}

struct Resolver<'a> {
    root: &'a Node,
    env: &'a HashMap<String, String>,
    stage: Option<String>,
    region: Option<String>,
    steps: usize,
    warnings: Vec<String>,
}

impl<'a> Resolver<'a> {
    /// A provider setting (stage, region) as a plain string.
    fn setting(&mut self, n: Option<&Node>, default: &str) -> String {
        let Some(n) = n else {
            return default.to_string();
        };
        match scalar_text(&self.node(n, 0)) {
            Some(s) if !s.is_empty() => s,
            _ => default.to_string(),
        }
    }

    fn node(&mut self, n: &Node, depth: usize) -> Node {
        let value = match &n.value {
            NodeValue::String(s) if s.contains("${") => return self.string(s, &n.loc, depth),
            NodeValue::List(items) => {
                NodeValue::List(items.iter().map(|i| self.node(i, depth)).collect())
            }
            NodeValue::Map(entries) => NodeValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.node(v, depth)))
                    .collect(),
            ),
            NodeValue::Intrinsic { name, arg } => NodeValue::Intrinsic {
                name: name.clone(),
                arg: Box::new(self.node(arg, depth)),
            },
            other => other.clone(),
        };
        Node::new(value, n.loc.clone())
    }

    fn string(&mut self, s: &str, loc: &Location, depth: usize) -> Node {
        let pieces = self.pieces(s, loc, depth);
        concat(pieces, loc)
    }

    fn pieces(&mut self, s: &str, loc: &Location, depth: usize) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = matching_brace(after) else {
                break;
            };
            let content = &after[..end];
            text.push_str(&rest[..start]);
            let original = &rest[start..start + 2 + end + 1];
            if is_variable(content) {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Node(self.variable(content, original, loc, depth)));
            } else {
                text.push_str(original);
            }
            rest = &after[end + 1..];
        }
        text.push_str(rest);
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        out
    }

    fn variable(&mut self, content: &str, original: &str, loc: &Location, depth: usize) -> Node {
        self.steps += 1;
        if depth > MAX_DEPTH || self.steps > MAX_STEPS {
            self.warnings.push(format!(
                "serverless: variable {original} at {loc} is nested too deeply or circular; treated as unknown"
            ));
            return unknown(original, loc);
        }
        let alts = split_top_level(content);
        let n = alts.len();
        for (i, alt) in alts.iter().enumerate() {
            let alt = alt.trim();
            let more = i + 1 < n;
            // A whole nested variable as a fallback: `${opt:stage, ${self:provider.stage}}`.
            if alt.len() >= 3
                && alt.starts_with("${")
                && matching_brace(&alt[2..]) == Some(alt.len() - 3)
            {
                return self.variable(&alt[2..alt.len() - 1], alt, loc, depth + 1);
            }
            let owned;
            let alt = if alt.contains("${") {
                let pieces = self.pieces(alt, loc, depth + 1);
                match pieces_text(&pieces) {
                    Some(t) => {
                        owned = t;
                        owned.as_str()
                    }
                    None if more => continue,
                    None => return unknown(original, loc),
                }
            } else {
                alt
            };
            match self.source(alt, depth, more) {
                Src::Known(mut node) => {
                    node.loc = loc.clone();
                    return node;
                }
                Src::Missing => continue,
                Src::External => return unknown(original, loc),
            }
        }
        self.warnings.push(format!(
            "serverless: could not resolve {original} at {loc}; treated as unknown"
        ));
        unknown(original, loc)
    }

    fn source(&mut self, alt: &str, depth: usize, more: bool) -> Src {
        let loc = Location::none();
        if let Some(lit) = quoted(alt) {
            return Src::Known(str_node(lit, &loc));
        }
        if let Ok(n) = alt.parse::<f64>() {
            return Src::Known(Node::new(NodeValue::Number(n), loc));
        }
        match alt {
            "true" => return Src::Known(Node::new(NodeValue::Bool(true), loc)),
            "false" => return Src::Known(Node::new(NodeValue::Bool(false), loc)),
            "null" => return Src::Missing,
            _ => {}
        }
        let Some(idx) = alt.find([':', '(']) else {
            // A bare word as a fallback: taken literally.
            return Src::Known(str_node(alt, &loc));
        };
        let src = alt[..idx].trim();
        let addr = alt[idx + 1..].trim();
        let stage = self.stage.clone().unwrap_or_else(|| "dev".into());
        let region = self.region.clone().unwrap_or_else(|| "us-east-1".into());
        match src {
            "self" => self.self_lookup(addr, depth),
            "opt" => match addr {
                "stage" if !more => Src::Known(str_node(&stage, &loc)),
                "region" if !more => Src::Known(str_node(&region, &loc)),
                _ => Src::Missing,
            },
            "sls" => match addr {
                "stage" => Src::Known(str_node(&stage, &loc)),
                _ => Src::External,
            },
            "env" => match self.env.get(addr) {
                Some(v) => Src::Known(str_node(v, &loc)),
                None => Src::Missing,
            },
            "param" => {
                let root: &'a Node = self.root;
                let found = root.get("params").and_then(|p| {
                    p.get(&stage)
                        .and_then(|s| s.get(addr))
                        .or_else(|| p.get("default").and_then(|d| d.get(addr)))
                });
                match found {
                    Some(n) if n.value != NodeValue::Null => Src::Known(self.node(n, depth + 1)),
                    _ => Src::Missing,
                }
            }
            "strToBool" => {
                let inner = addr.trim_end_matches(')').trim();
                let inner = quoted(inner).unwrap_or(inner);
                Src::Known(Node::new(
                    NodeValue::Bool(inner.eq_ignore_ascii_case("true") || inner == "1"),
                    loc,
                ))
            }
            _ => Src::External,
        }
    }

    fn self_lookup(&mut self, addr: &str, depth: usize) -> Src {
        let root: &'a Node = self.root;
        let mut cur = root;
        for seg in addr.split('.').filter(|s| !s.is_empty()) {
            let next = match &cur.value {
                NodeValue::Map(_) => cur.get(seg),
                NodeValue::List(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return self.self_default(addr),
            }
        }
        if cur.value == NodeValue::Null {
            return self.self_default(addr);
        }
        Src::Known(self.node(cur, depth + 1))
    }

    fn self_default(&self, addr: &str) -> Src {
        let loc = Location::none();
        match addr {
            "provider.stage" => Src::Known(str_node(self.stage.as_deref().unwrap_or("dev"), &loc)),
            "provider.region" => Src::Known(str_node(
                self.region.as_deref().unwrap_or("us-east-1"),
                &loc,
            )),
            _ => Src::Missing,
        }
    }
}

/// Whether `${content}` is a Framework variable (`source:address`, `file(…)`), as opposed to a
/// CloudFormation `Fn::Sub` placeholder such as `${AWS::Region}` or `${Bucket}`.
fn is_variable(content: &str) -> bool {
    let content = content.trim_start();
    let name_len = content
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(content.len());
    if name_len == 0 {
        return false;
    }
    let rest = &content[name_len..];
    rest.starts_with('(') || (rest.starts_with(':') && !rest[1..].starts_with(':'))
}

/// Byte index of the `}` closing a `${` whose content starts `s`.
fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, ch) in s.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits variable content at commas outside quotes, parentheses and nested `${}`.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, ch) in s.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '{' | '(') => depth += 1,
            (None, '}' | ')') => depth -= 1,
            (None, ',') if depth <= 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn quoted(s: &str) -> Option<&str> {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('\'') && s.ends_with('\'')) || (s.starts_with('"') && s.ends_with('"')))
    {
        Some(&s[1..s.len() - 1])
    } else {
        None
    }
}

/// The Fn::ImportValue the evaluator treats as unknown, naming the original variable.
fn unknown(original: &str, loc: &Location) -> Node {
    intrinsic("Fn::ImportValue", str_node(original, loc), loc)
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        NodeValue::String(s) => Some(s.clone()),
        NodeValue::Number(x) => Some(number_text(*x)),
        NodeValue::Bool(b) => Some(b.to_string()),
        NodeValue::Null => Some(String::new()),
        _ => None,
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

fn pieces_text(pieces: &[Piece]) -> Option<String> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Node(n) => out.push_str(&scalar_text(n)?),
        }
    }
    Some(out)
}

/// Joins pieces into one node: the node itself when there is a single one, a string when all
/// are known text, else an `Fn::Sub` whose variables hold the unknown parts.
fn concat(pieces: Vec<Piece>, loc: &Location) -> Node {
    if pieces.len() == 1 {
        if let Some(Piece::Node(_)) = pieces.first() {
            let Some(Piece::Node(mut n)) = pieces.into_iter().next() else {
                unreachable!()
            };
            n.loc = loc.clone();
            return n;
        }
    }
    if let Some(t) = pieces_text(&pieces) {
        return str_node(&t, loc);
    }
    let parts = pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => SubPart::Lit(t),
            Piece::Node(n) => SubPart::Val(n),
        })
        .collect();
    sub(parts, loc)
}

enum SubPart {
    /// Already in `Fn::Sub` syntax (`${AWS::Region}`).
    Raw(String),
    /// Literal text (escaped).
    Lit(String),
    /// A value: inlined when a known scalar, else a Sub variable.
    Val(Node),
}

fn sub(parts: Vec<SubPart>, loc: &Location) -> Node {
    let mut template = String::new();
    let mut vars = MapB::default();
    let mut n = 0;
    for p in parts {
        match p {
            SubPart::Raw(s) => template.push_str(&s),
            SubPart::Lit(s) => template.push_str(&s.replace("${", "${!")),
            SubPart::Val(v) => match scalar_text(&v) {
                Some(s) => template.push_str(&s.replace("${", "${!")),
                None => {
                    n += 1;
                    let name = format!("Var{n}");
                    template.push_str(&format!("${{{name}}}"));
                    vars.put(&name, v);
                }
            },
        }
    }
    let arg = if n == 0 {
        str_node(&template, loc)
    } else {
        list(vec![str_node(&template, loc), vars.build(loc)], loc)
    };
    intrinsic("Fn::Sub", arg, loc)
}

// ---------------------------------------------------------------------------------------------
// Node helpers
// ---------------------------------------------------------------------------------------------

fn str_node(s: &str, loc: &Location) -> Node {
    Node::new(NodeValue::String(s.to_string()), loc.clone())
}

fn num(x: f64, loc: &Location) -> Node {
    Node::new(NodeValue::Number(x), loc.clone())
}

fn boolean(b: bool, loc: &Location) -> Node {
    Node::new(NodeValue::Bool(b), loc.clone())
}

fn list(items: Vec<Node>, loc: &Location) -> Node {
    Node::new(NodeValue::List(items), loc.clone())
}

fn intrinsic(name: &str, arg: Node, loc: &Location) -> Node {
    Node::new(
        NodeValue::Intrinsic {
            name: name.to_string(),
            arg: Box::new(arg),
        },
        loc.clone(),
    )
}

fn reference(name: &str, loc: &Location) -> Node {
    intrinsic("Ref", str_node(name, loc), loc)
}

fn get_att(res: &str, attr: &str, loc: &Location) -> Node {
    intrinsic(
        "Fn::GetAtt",
        list(vec![str_node(res, loc), str_node(attr, loc)], loc),
        loc,
    )
}

/// `Fn::Join ["", parts]`, as the Framework writes ARNs.
fn join(parts: Vec<Node>, loc: &Location) -> Node {
    intrinsic(
        "Fn::Join",
        list(vec![str_node("", loc), list(parts, loc)], loc),
        loc,
    )
}

/// `arn:<partition>:<service>:<region>:<account>:<rest…>` as a Framework-style `Fn::Join`.
fn arn_join(service: &str, rest: Vec<Node>, loc: &Location) -> Node {
    let mut parts = vec![
        str_node("arn:", loc),
        reference("AWS::Partition", loc),
        str_node(&format!(":{service}:"), loc),
        reference("AWS::Region", loc),
        str_node(":", loc),
        reference("AWS::AccountId", loc),
        str_node(":", loc),
    ];
    parts.extend(rest);
    join(parts, loc)
}

#[derive(Default)]
struct MapB(Vec<(Key, Node)>);

impl MapB {
    fn put(&mut self, name: &str, v: Node) {
        let loc = v.loc.clone();
        self.put_k(name, &loc, v);
    }

    fn put_k(&mut self, name: &str, kloc: &Location, v: Node) {
        if let Some(e) = self.0.iter_mut().find(|(k, _)| k.name == name) {
            e.1 = v;
            return;
        }
        self.0.push((
            Key {
                name: name.to_string(),
                loc: kloc.clone(),
            },
            v,
        ));
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k.name == name)
    }

    fn build(self, loc: &Location) -> Node {
        Node::new(NodeValue::Map(self.0), loc.clone())
    }
}

fn entry<'n>(n: &'n Node, key: &str) -> Option<(&'n Key, &'n Node)> {
    n.entries()
        .iter()
        .find(|(k, _)| k.name == key)
        .map(|(k, v)| (k, v))
        .filter(|(_, v)| v.value != NodeValue::Null)
}

fn map_get_mut<'n>(n: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut n.value {
        NodeValue::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v),
        _ => None,
    }
}

fn truthy(n: &Node) -> bool {
    match &n.value {
        NodeValue::Bool(b) => *b,
        NodeValue::String(s) => s.eq_ignore_ascii_case("true"),
        NodeValue::Number(x) => *x != 0.0,
        _ => false,
    }
}

/// lodash `merge`, as the Framework merges `resources` into the compiled template: maps merge
/// key by key, lists index by index, anything else is replaced.
fn deep_merge(base: &mut Node, over: Node) {
    let Node { value, loc } = over;
    match (&mut base.value, value) {
        (NodeValue::Map(be), NodeValue::Map(oe)) => {
            for (k, v) in oe {
                match be.iter_mut().find(|(bk, _)| bk.name == k.name) {
                    Some((_, bv)) => deep_merge(bv, v),
                    None => be.push((k, v)),
                }
            }
        }
        (NodeValue::List(bl), NodeValue::List(ol)) => {
            for (i, v) in ol.into_iter().enumerate() {
                match bl.get_mut(i) {
                    Some(b) => deep_merge(b, v),
                    None => bl.push(v),
                }
            }
        }
        (_, NodeValue::Null) => {}
        (_, value) => *base = Node::new(value, loc),
    }
}

/// `capitalize first letter`, the Framework's `normalizeName`.
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The Framework's `getNormalizedFunctionName`.
pub fn normalize_function_name(name: &str) -> String {
    upper_first(&name.replace('-', "Dash").replace('_', "Underscore"))
}

/// The Framework's `normalizeNameToAlphaNumericOnly`.
fn normalize_alnum(name: &str) -> String {
    upper_first(
        &name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>(),
    )
}

/// The Framework's `normalizePathPart` for API Gateway resource ids.
fn normalize_path(path: &str) -> String {
    path.split('/')
        .map(|part| {
            let mut p = part.replace('-', "Dash");
            if let (Some(a), Some(b)) = (p.find('{'), p.rfind('}')) {
                if a < b {
                    p = format!("{}{}Var{}", &p[..a], &p[a + 1..b], &p[b + 1..]);
                }
            }
            upper_first(
                &p.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct RoleAcc {
    /// Log group ARNs (`…:log-group:<name>`) of functions on the default role, with locations.
    log_groups: Vec<(Node, Location)>,
    statements: Vec<Node>,
    vpc: Option<Location>,
    used: bool,
}

struct Compiler<'d> {
    doc: &'d Node,
    provider: &'d Node,
    service: Node,
    stage: String,
    resources: MapB,
    outputs: MapB,
    warnings: Vec<String>,
    role: RoleAcc,
    ids: HashSet<String>,
    rest_api_made: bool,
    http_api_made: bool,
    /// Function key → its FunctionName node (for destinations naming a function).
    fn_names: HashMap<String, Node>,
}

struct FnCtx<'d> {
    name: String,
    norm: String,
    kloc: Location,
    f: &'d Node,
    fid: String,
}

impl<'d> Compiler<'d> {
    fn warn(&mut self, w: String) {
        self.warnings.push(format!("serverless: {w}"));
    }

    fn add(&mut self, id: &str, resource: Node) {
        self.ids.insert(id.to_string());
        let loc = resource.loc.clone();
        self.resources.put_k(id, &loc, resource);
    }

    fn resource(
        &mut self,
        id: &str,
        ty: &str,
        props: MapB,
        loc: &Location,
        extra: Vec<(&str, Node)>,
    ) {
        let mut r = MapB::default();
        r.put_k("Type", loc, str_node(ty, loc));
        r.put_k("Properties", loc, props.build(loc));
        for (k, v) in extra {
            r.put(k, v);
        }
        self.add(id, r.build(loc));
    }

    fn functions(&self) -> Vec<(&'d Key, &'d Node)> {
        let doc: &'d Node = self.doc;
        let Some(fns) = doc.get("functions") else {
            return Vec::new();
        };
        match &fns.value {
            NodeValue::Map(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
            // v1/v2 allowed a list of maps (e.g. one per included file).
            NodeValue::List(items) => items
                .iter()
                .flat_map(|i| i.entries().iter().map(|(k, v)| (k, v)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A setting of the function, else of the provider (with its key).
    fn pick(&self, f: &'d Node, key: &str) -> Option<(&'d Key, &'d Node)> {
        let p: &'d Node = self.provider;
        entry(f, key).or_else(|| entry(p, key))
    }

    fn iam_role(&self) -> Option<&'d Node> {
        let p: &'d Node = self.provider;
        p.get("iam").and_then(|i| i.get("role"))
    }

    /// The provider-wide existing role (`provider.iam.role: <arn|name>`, legacy `provider.role`).
    fn provider_role(&self) -> Option<&'d Node> {
        let p: &'d Node = self.provider;
        match self.iam_role() {
            Some(r) if !matches!(r.value, NodeValue::Map(_) | NodeValue::Null) => Some(r),
            _ => p.get("role").filter(|r| r.value != NodeValue::Null),
        }
    }

    fn fn_name_node(&self, name: &str, f: &Node, kloc: &Location) -> Node {
        if let Some(n) = f.get("name").filter(|n| n.value != NodeValue::Null) {
            return n.clone();
        }
        concat(
            vec![
                Piece::Node(self.service.clone()),
                Piece::Text(format!("-{}-{}", self.stage, name)),
            ],
            kloc,
        )
    }

    fn compile(&mut self) {
        let fns = self.functions();
        for (k, f) in &fns {
            let n = self.fn_name_node(&k.name, f, &k.loc);
            self.fn_names.insert(k.name.clone(), n);
        }
        let needs_bucket = fns.iter().any(|(_, f)| f.get("image").is_none());
        if needs_bucket {
            self.deployment_bucket();
        }
        for (k, f) in fns {
            if !matches!(f.value, NodeValue::Map(_)) {
                self.warn(format!(
                    "function `{}` at {} is not a map; skipped",
                    k.name, k.loc
                ));
                continue;
            }
            let norm = normalize_function_name(&k.name);
            let fx = FnCtx {
                name: k.name.clone(),
                fid: format!("{norm}LambdaFunction"),
                norm,
                kloc: k.loc.clone(),
                f,
            };
            self.function(&fx);
        }
        if self.role.used {
            self.default_role();
        }
    }

    fn deployment_bucket(&mut self) {
        let p: &'d Node = self.provider;
        let given = p.get("deploymentBucket").and_then(|b| match &b.value {
            NodeValue::Map(_) => b.get("name"),
            NodeValue::Null => None,
            _ => Some(b),
        });
        if given.is_some() {
            return;
        }
        let loc = self.doc.loc.clone();
        let mut enc = MapB::default();
        enc.put("SSEAlgorithm", str_node("AES256", &loc));
        let mut rule = MapB::default();
        rule.put("ServerSideEncryptionByDefault", enc.build(&loc));
        let mut be = MapB::default();
        be.put(
            "ServerSideEncryptionConfiguration",
            list(vec![rule.build(&loc)], &loc),
        );
        let mut props = MapB::default();
        props.put("BucketEncryption", be.build(&loc));
        self.resource(
            "ServerlessDeploymentBucket",
            "AWS::S3::Bucket",
            props,
            &loc,
            vec![],
        );

        let bucket_arn = |suffix: &str| {
            join(
                vec![
                    str_node("arn:", &loc),
                    reference("AWS::Partition", &loc),
                    str_node(":s3:::", &loc),
                    reference("ServerlessDeploymentBucket", &loc),
                    str_node(suffix, &loc),
                ],
                &loc,
            )
        };
        let mut cond_inner = MapB::default();
        cond_inner.put("aws:SecureTransport", boolean(false, &loc));
        let mut cond = MapB::default();
        cond.put("Bool", cond_inner.build(&loc));
        let mut st = MapB::default();
        st.put("Action", str_node("s3:*", &loc));
        st.put("Effect", str_node("Deny", &loc));
        st.put("Principal", str_node("*", &loc));
        st.put(
            "Resource",
            list(vec![bucket_arn("/*"), bucket_arn("")], &loc),
        );
        st.put("Condition", cond.build(&loc));
        let mut doc = MapB::default();
        doc.put("Statement", list(vec![st.build(&loc)], &loc));
        let mut props = MapB::default();
        props.put("Bucket", reference("ServerlessDeploymentBucket", &loc));
        props.put("PolicyDocument", doc.build(&loc));
        self.resource(
            "ServerlessDeploymentBucketPolicy",
            "AWS::S3::BucketPolicy",
            props,
            &loc,
            vec![],
        );
    }

    fn function(&mut self, fx: &FnCtx<'d>) {
        let f = fx.f;
        let kloc = &fx.kloc;
        let p: &'d Node = self.provider;
        let mut props = MapB::default();
        let log_id = format!("{}LogGroup", fx.norm);
        let mut depends = Vec::new();

        // Code
        let artifact = f
            .get("package")
            .and_then(|pk| pk.get("artifact"))
            .or_else(|| self.doc.get("package").and_then(|pk| pk.get("artifact")))
            .filter(|a| a.value != NodeValue::Null);
        if let Some((ik, image)) = entry(f, "image") {
            let mut code = MapB::default();
            let uri = match &image.value {
                NodeValue::Map(_) => image.get("uri").cloned(),
                _ => Some(image.clone()),
            };
            if let Some(uri) = uri {
                code.put("ImageUri", uri);
            }
            props.put_k("Code", &ik.loc, code.build(&image.loc));
            props.put_k("PackageType", &ik.loc, str_node("Image", &image.loc));
        } else {
            let bucket = match p.get("deploymentBucket") {
                Some(b) if matches!(b.value, NodeValue::Map(_)) => b.get("name").cloned(),
                Some(b) if b.value != NodeValue::Null => Some(b.clone()),
                _ => None,
            }
            .unwrap_or_else(|| reference("ServerlessDeploymentBucket", kloc));
            let file = artifact
                .and_then(|a| a.as_str())
                .and_then(|a| a.rsplit(['/', '\\']).next())
                .map(str::to_string)
                .unwrap_or_else(|| match &self.service.value {
                    NodeValue::String(s) => format!("{s}.zip"),
                    _ => "service.zip".into(),
                });
            let svc = scalar_text(&self.service).unwrap_or_else(|| "service".into());
            let mut code = MapB::default();
            code.put("S3Bucket", bucket);
            code.put(
                "S3Key",
                str_node(
                    &format!("serverless/{svc}/{}/code-artifacts/{file}", self.stage),
                    kloc,
                ),
            );
            props.put_k("Code", kloc, code.build(kloc));
        }

        let fname = self
            .fn_names
            .get(&fx.name)
            .cloned()
            .unwrap_or_else(|| self.fn_name_node(&fx.name, f, kloc));
        let fname_kloc = f.key_loc("name").unwrap_or(kloc).clone();
        props.put_k("FunctionName", &fname_kloc, fname.clone());
        if let Some((k, h)) = entry(f, "handler") {
            props.put_k("Handler", &k.loc, h.clone());
        }
        match self.pick(f, "memorySize") {
            Some((k, v)) => props.put_k("MemorySize", &k.loc, v.clone()),
            None => props.put_k("MemorySize", kloc, num(1024.0, kloc)),
        }
        // Role
        let own_role: Option<(Location, &Node)> = entry(f, "role")
            .map(|(k, r)| (k.loc.clone(), r))
            .or_else(|| {
                self.provider_role().map(|r| {
                    let kl = role_key(p)
                        .map(|k| k.loc.clone())
                        .unwrap_or_else(|| r.loc.clone());
                    (kl, r)
                })
            });
        match own_role {
            Some((ref kl, r)) => props.put_k("Role", kl, role_value(r)),
            None => {
                self.role.used = true;
                props.put_k("Role", kloc, get_att(DEFAULT_ROLE, "Arn", kloc));
                depends.push(str_node(DEFAULT_ROLE, kloc));
            }
        }
        let default_role = own_role.is_none();
        if f.get("image").is_none() {
            match self.pick(f, "runtime") {
                Some((k, v)) => props.put_k("Runtime", &k.loc, v.clone()),
                None => props.put_k("Runtime", kloc, str_node(DEFAULT_RUNTIME, kloc)),
            }
        }
        match self.pick(f, "timeout") {
            Some((k, v)) => props.put_k("Timeout", &k.loc, v.clone()),
            None => props.put_k("Timeout", kloc, num(6.0, kloc)),
        }
        if let Some((k, v)) = entry(f, "description") {
            props.put_k("Description", &k.loc, v.clone());
        }
        if let Some((k, v)) = self.pick(f, "architecture") {
            props.put_k("Architectures", &k.loc, list(vec![v.clone()], &v.loc));
        }
        if let Some((k, v)) = entry(f, "ephemeralStorageSize") {
            let mut m = MapB::default();
            m.put("Size", v.clone());
            props.put_k("EphemeralStorage", &k.loc, m.build(&v.loc));
        }

        // Environment: provider's, overridden key by key by the function's.
        let penv = entry(p, "environment");
        let fenv = entry(f, "environment");
        if penv.is_some() || fenv.is_some() {
            let (ek, ev) = fenv.or(penv).unwrap();
            let vars = match (penv, fenv) {
                (_, Some((_, fe))) if !matches!(fe.value, NodeValue::Map(_)) => fe.clone(),
                (Some((_, pe)), None) => pe.clone(),
                (pe, Some((_, fe))) => {
                    let mut merged = MapB::default();
                    match pe {
                        Some((_, pe)) if matches!(pe.value, NodeValue::Map(_)) => {
                            for (k, v) in pe.entries() {
                                merged.put_k(&k.name, &k.loc, v.clone());
                            }
                        }
                        Some((pk, _)) => self.warn(format!(
                            "provider.environment at {} is not a map; function `{}` uses its own only",
                            pk.loc, fx.name
                        )),
                        None => {}
                    }
                    for (k, v) in fe.entries() {
                        merged.put_k(&k.name, &k.loc, v.clone());
                    }
                    merged.build(&fe.loc)
                }
                (None, None) => unreachable!(),
            };
            let mut envm = MapB::default();
            envm.put("Variables", vars);
            props.put_k("Environment", &ek.loc, envm.build(&ev.loc));
        }

        // VPC; `vpc: ~` on a function opts it out of provider.vpc.
        let vpc_opt_out = f.get("vpc").is_some_and(|v| v.value == NodeValue::Null);
        if let Some((k, vpc)) = self.pick(f, "vpc").filter(|_| !vpc_opt_out) {
            let mut m = MapB::default();
            if let Some((sk, sg)) = entry(vpc, "securityGroupIds") {
                m.put_k("SecurityGroupIds", &sk.loc, sg.clone());
            }
            if let Some((sk, sn)) = entry(vpc, "subnetIds") {
                m.put_k("SubnetIds", &sk.loc, sn.clone());
            }
            if let Some((sk, v6)) = entry(vpc, "ipv6AllowedForDualStack") {
                m.put_k("Ipv6AllowedForDualStack", &sk.loc, v6.clone());
            }
            if !m.0.is_empty() {
                props.put_k("VpcConfig", &k.loc, m.build(&vpc.loc));
                if default_role && self.role.vpc.is_none() {
                    self.role.vpc = Some(k.loc.clone());
                }
            }
        }

        // Tracing: function `tracing: Active|PassThrough|true`, provider `tracing.lambda`.
        let tracing = entry(f, "tracing")
            .or_else(|| p.get("tracing").and_then(|t| entry(t, "lambda")))
            .and_then(|(k, v)| {
                let mode = match &v.value {
                    NodeValue::Bool(true) => Some(str_node("Active", &v.loc)),
                    NodeValue::Bool(false) => None,
                    NodeValue::String(s) if s.eq_ignore_ascii_case("true") => {
                        Some(str_node("Active", &v.loc))
                    }
                    NodeValue::String(s) if s.eq_ignore_ascii_case("false") => None,
                    _ => Some(v.clone()),
                };
                mode.map(|m| (k, m))
            });
        if let Some((k, mode)) = tracing {
            let active = mode.as_str() == Some("Active");
            let mut m = MapB::default();
            m.put("Mode", mode.clone());
            props.put_k("TracingConfig", &k.loc, m.build(&mode.loc));
            if default_role && active {
                let st = statement(
                    &["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    vec![str_node("*", &k.loc)],
                    &k.loc,
                );
                self.role.statements.push(st);
            }
        }

        if let Some((k, v)) = self.pick(f, "layers") {
            props.put_k("Layers", &k.loc, v.clone());
        }
        if let Some((k, v)) = entry(f, "reservedConcurrency") {
            props.put_k("ReservedConcurrentExecutions", &k.loc, v.clone());
        }
        if let Some((k, v)) = entry(f, "onError") {
            let mut m = MapB::default();
            m.put("TargetArn", v.clone());
            props.put_k("DeadLetterConfig", &k.loc, m.build(&v.loc));
            if default_role {
                if let Some(action) = v.as_str().and_then(arn_send_action) {
                    let st = statement(&[action], vec![v.clone()], &k.loc);
                    self.role.statements.push(st);
                }
            }
        }
        if let Some((k, v)) = self.pick(f, "kmsKeyArn") {
            props.put_k("KmsKeyArn", &k.loc, v.clone());
        }
        // Tags: provider's then the function's.
        let mut tags: Vec<(Key, Node)> = Vec::new();
        let mut tags_loc = None;
        for src in [p, f] {
            if let Some((k, t)) = entry(src, "tags") {
                tags_loc = Some(k.loc.clone());
                for (tk, tv) in t.entries() {
                    tags.retain(|(k, _)| k.name != tk.name);
                    tags.push((tk.clone(), tv.clone()));
                }
            }
        }
        if let Some(tl) = tags_loc {
            let items = tags
                .into_iter()
                .map(|(k, v)| {
                    let mut m = MapB::default();
                    m.put_k("Key", &k.loc, str_node(&k.name, &k.loc));
                    m.put("Value", v);
                    m.build(&k.loc)
                })
                .collect();
            props.put_k("Tags", &tl, list(items, &tl));
        }

        // Log group: always created unless `disableLogs`.
        let disable_logs = f.get("disableLogs").is_some_and(truthy);
        if !disable_logs {
            let lg_name = concat(
                vec![
                    Piece::Text("/aws/lambda/".into()),
                    Piece::Node(fname.clone()),
                ],
                kloc,
            );
            let mut lp = MapB::default();
            lp.put_k("LogGroupName", kloc, lg_name.clone());
            if let Some((k, v)) = self.pick(f, "logRetentionInDays") {
                lp.put_k("RetentionInDays", &k.loc, v.clone());
            }
            if let Some((k, v)) = self.pick(f, "logDataProtectionPolicy") {
                lp.put_k("DataProtectionPolicy", &k.loc, v.clone());
            }
            self.resource(&log_id, "AWS::Logs::LogGroup", lp, kloc, vec![]);
            depends.insert(0, str_node(&log_id, kloc));
            if default_role {
                self.role.log_groups.push((lg_name, kloc.clone()));
            }
        }

        let mut extra: Vec<(&str, Node)> = Vec::new();
        if !depends.is_empty() {
            extra.push(("DependsOn", list(depends, kloc)));
        }
        let mut meta = MapB::default();
        if let Some(a) = artifact {
            meta.put("aws:asset:path", a.clone());
        }
        let patterns = f
            .get("package")
            .and_then(|pk| pk.get("patterns"))
            .or_else(|| self.doc.get("package").and_then(|pk| pk.get("patterns")));
        if let Some(pat) = patterns.filter(|x| x.value != NodeValue::Null) {
            meta.put("serverless:package:patterns", pat.clone());
        }
        if !meta.0.is_empty() {
            extra.push(("Metadata", meta.build(kloc)));
        }
        self.resource(&fx.fid, "AWS::Lambda::Function", props, kloc, extra);

        if let Some((k, d)) = entry(f, "destinations") {
            self.destinations(fx, k, d, default_role);
        }
        if let Some((k, u)) = entry(f, "url") {
            self.url(fx, k, u);
        }
        if let Some(events) = f.get("events") {
            let mut counters: HashMap<String, usize> = HashMap::new();
            for ev in events.items() {
                let Some((k, v)) = ev.entries().first() else {
                    if ev.value != NodeValue::Null {
                        self.warn(format!(
                            "event at {} of `{}` is not a map; skipped",
                            ev.loc, fx.name
                        ));
                    }
                    continue;
                };
                let n = {
                    let c = counters.entry(k.name.clone()).or_insert(0);
                    *c += 1;
                    *c
                };
                self.event(fx, k, v, n, default_role);
            }
        }
    }

    fn destinations(&mut self, fx: &FnCtx<'d>, k: &Key, d: &Node, default_role: bool) {
        let loc = &k.loc;
        let mut dc = MapB::default();
        for (key, cf) in [("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")] {
            let Some((dk, dv)) = entry(d, key) else {
                continue;
            };
            let (target, ty) = match &dv.value {
                NodeValue::Map(_) => (
                    dv.get("arn").cloned().unwrap_or_else(|| dv.clone()),
                    dv.get("type").and_then(|t| t.as_str()).map(str::to_string),
                ),
                _ => (dv.clone(), None),
            };
            let target = match target.as_str() {
                Some(s) if !s.starts_with("arn:") => match self.fn_names.get(s).cloned() {
                    Some(name) => sub(
                        vec![
                            SubPart::Raw(
                                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:".into(),
                            ),
                            SubPart::Val(name),
                        ],
                        &dv.loc,
                    ),
                    None => target,
                },
                _ => target,
            };
            if default_role {
                let action = match ty.as_deref() {
                    Some("sns") => Some("sns:Publish"),
                    Some("sqs") => Some("sqs:SendMessage"),
                    Some("eventBus") => Some("events:PutEvents"),
                    Some("function") => Some("lambda:InvokeFunction"),
                    _ => match target.as_str() {
                        Some(s) => arn_send_action(s),
                        None if matches!(target.value, NodeValue::Intrinsic { ref name, .. } if name == "Fn::Sub") => {
                            Some("lambda:InvokeFunction")
                        }
                        None => None,
                    },
                };
                if let Some(a) = action {
                    let st = statement(&[a], vec![target.clone()], &dk.loc);
                    self.role.statements.push(st);
                }
            }
            let mut m = MapB::default();
            m.put("Destination", target);
            dc.put_k(cf, &dk.loc, m.build(&dv.loc));
        }
        let mut props = MapB::default();
        props.put("FunctionName", reference(&fx.fid, loc));
        props.put("Qualifier", str_node("$LATEST", loc));
        if !dc.0.is_empty() {
            props.put("DestinationConfig", dc.build(&d.loc));
        }
        if let Some((mk, mv)) = entry(fx.f, "maximumRetryAttempts") {
            props.put_k("MaximumRetryAttempts", &mk.loc, mv.clone());
        }
        if let Some((mk, mv)) = entry(fx.f, "maximumEventAge") {
            props.put_k("MaximumEventAgeInSeconds", &mk.loc, mv.clone());
        }
        self.resource(
            &format!("{}LambdaEvConf", fx.norm),
            "AWS::Lambda::EventInvokeConfig",
            props,
            loc,
            vec![],
        );
    }

    fn url(&mut self, fx: &FnCtx<'d>, k: &Key, u: &Node) {
        let loc = &k.loc;
        let (enabled, cfg) = match &u.value {
            NodeValue::Map(_) => (true, Some(u)),
            _ => (truthy(u), None),
        };
        if !enabled {
            return;
        }
        let auth = cfg.and_then(|c| entry(c, "authorizer"));
        let iam = auth.is_some_and(|(_, a)| {
            a.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("aws_iam"))
        });
        let auth_type = match auth {
            Some((ak, a)) if iam => (ak.loc.clone(), str_node("AWS_IAM", &a.loc)),
            _ => (loc.clone(), str_node("NONE", loc)),
        };
        let mut props = MapB::default();
        props.put_k("AuthType", &auth_type.0, auth_type.1);
        props.put("TargetFunctionArn", get_att(&fx.fid, "Arn", loc));
        if let Some((ck, cors)) = cfg.and_then(|c| entry(c, "cors")) {
            if let Some(c) = url_cors(cors, &ck.loc) {
                props.put_k("Cors", &ck.loc, c);
            }
        }
        if let Some((ik, im)) = cfg.and_then(|c| entry(c, "invokeMode")) {
            props.put_k("InvokeMode", &ik.loc, im.clone());
        }
        self.resource(
            &format!("{}LambdaFunctionUrl", fx.norm),
            "AWS::Lambda::Url",
            props,
            loc,
            vec![],
        );
        if !iam {
            let mut p = MapB::default();
            p.put("FunctionName", get_att(&fx.fid, "Arn", loc));
            p.put("Action", str_node("lambda:InvokeFunctionUrl", loc));
            p.put("Principal", str_node("*", loc));
            p.put("FunctionUrlAuthType", str_node("NONE", loc));
            self.resource(
                &format!("{}LambdaPermissionFnUrl", fx.norm),
                "AWS::Lambda::Permission",
                p,
                loc,
                vec![],
            );
        }
    }

    fn permission(
        &mut self,
        id: &str,
        fx: &FnCtx<'d>,
        principal: Node,
        source_arn: Option<Node>,
        extra: Vec<(&str, Node)>,
        loc: &Location,
    ) {
        let mut p = MapB::default();
        p.put("FunctionName", get_att(&fx.fid, "Arn", loc));
        p.put("Action", str_node("lambda:InvokeFunction", loc));
        p.put("Principal", principal);
        if let Some(s) = source_arn {
            p.put("SourceArn", s);
        }
        for (k, v) in extra {
            p.put(k, v);
        }
        self.resource(id, "AWS::Lambda::Permission", p, loc, vec![]);
    }

    fn event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node, n: usize, default_role: bool) {
        let loc = &k.loc;
        match k.name.as_str() {
            "http" => self.http_event(fx, k, v),
            "httpApi" => self.http_api_event(fx, k, v),
            "s3" => self.s3_event(fx, k, v),
            "sns" => self.sns_event(fx, k, v),
            "schedule" => self.rule_event(fx, k, v, n, "Schedule"),
            "eventBridge" => self.rule_event(fx, k, v, n, "EventBridge"),
            "cloudwatchEvent" => self.rule_event(fx, k, v, n, "CloudWatchEvent"),
            "sqs" | "stream" => self.mapping_event(fx, k, v, default_role),
            "alb" => self.alb_event(fx, k, v, n),
            "cloudwatchLog" => self.log_event(fx, k, v, n),
            other => {
                let w = format!(
                    "event type `{other}` of function `{}` at {loc} is not compiled",
                    fx.name
                );
                self.warn(w);
            }
        }
    }

    fn rest_api_id(&mut self, loc: &Location) -> Node {
        let p: &'d Node = self.provider;
        if let Some(id) = p
            .get("apiGateway")
            .and_then(|a| a.get("restApiId"))
            .filter(|x| x.value != NodeValue::Null)
        {
            return id.clone();
        }
        if !self.rest_api_made {
            self.rest_api_made = true;
            let mut props = MapB::default();
            let name = concat(
                vec![
                    Piece::Text(format!("{}-", self.stage)),
                    Piece::Node(self.service.clone()),
                ],
                loc,
            );
            props.put("Name", name);
            let mut ec = MapB::default();
            let ty = p
                .get("endpointType")
                .cloned()
                .unwrap_or_else(|| str_node("EDGE", loc));
            ec.put("Types", list(vec![ty], loc));
            props.put("EndpointConfiguration", ec.build(loc));
            self.resource(
                "ApiGatewayRestApi",
                "AWS::ApiGateway::RestApi",
                props,
                loc,
                vec![],
            );
        }
        reference("ApiGatewayRestApi", loc)
    }

    fn http_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node) {
        let loc = &k.loc;
        let (method, path) = match &v.value {
            NodeValue::String(s) => {
                let mut it = s.split_whitespace();
                (it.next().map(str::to_string), it.next().map(str::to_string))
            }
            _ => (
                v.get("method").and_then(scalar_text),
                v.get("path").and_then(scalar_text),
            ),
        };
        let method = method.unwrap_or_else(|| "ANY".into());
        let path = path.unwrap_or_else(|| "/".into());
        let api = self.rest_api_id(loc);
        let p: &'d Node = self.provider;

        // Resources for each path prefix.
        let path = path.trim_matches('/').to_string();
        let mut parent = if self.rest_api_made
            && p.get("apiGateway")
                .and_then(|a| a.get("restApiId"))
                .is_none()
        {
            get_att("ApiGatewayRestApi", "RootResourceId", loc)
        } else {
            p.get("apiGateway")
                .and_then(|a| a.get("restApiRootResourceId"))
                .cloned()
                .unwrap_or_else(|| unknown("restApiRootResourceId", loc))
        };
        let mut prefix = String::new();
        let mut res_name = String::new();
        for part in path.split('/').filter(|s| !s.is_empty()) {
            prefix = if prefix.is_empty() {
                part.to_string()
            } else {
                format!("{prefix}/{part}")
            };
            res_name = normalize_path(&prefix);
            let id = format!("ApiGatewayResource{res_name}");
            if !self.ids.contains(&id) {
                let mut props = MapB::default();
                props.put("ParentId", parent.clone());
                props.put("PathPart", str_node(part, loc));
                props.put("RestApiId", api.clone());
                self.resource(&id, "AWS::ApiGateway::Resource", props, loc, vec![]);
            }
            parent = reference(&id, loc);
        }

        let mut props = MapB::default();
        props.put("HttpMethod", str_node(&method.to_uppercase(), loc));
        props.put("RequestParameters", MapB::default().build(loc));
        props.put("ResourceId", parent);
        props.put("RestApiId", api.clone());
        let private = v.get("private").is_some_and(truthy);
        props.put("ApiKeyRequired", boolean(private, loc));
        let auth = entry(v, "authorizer");
        let (auth_loc, auth_type) = match auth {
            None => (loc.clone(), "NONE".to_string()),
            Some((ak, a)) => {
                let ty = a.get("type").and_then(|t| t.as_str()).unwrap_or("");
                let arn = a
                    .get("arn")
                    .and_then(|t| t.as_str())
                    .or(a.as_str())
                    .unwrap_or("");
                let t = if a
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("aws_iam"))
                    || ty.eq_ignore_ascii_case("aws_iam")
                {
                    "AWS_IAM"
                } else if ty.eq_ignore_ascii_case("COGNITO_USER_POOLS")
                    || arn.contains(":cognito-idp:")
                {
                    "COGNITO_USER_POOLS"
                } else {
                    "CUSTOM"
                };
                (ak.loc.clone(), t.to_string())
            }
        };
        props.put_k(
            "AuthorizationType",
            &auth_loc,
            str_node(&auth_type, &auth_loc),
        );
        if let Some(id) = auth.and_then(|(_, a)| a.get("authorizerId")) {
            props.put("AuthorizerId", id.clone());
        }
        let mut integ = MapB::default();
        integ.put("IntegrationHttpMethod", str_node("POST", loc));
        integ.put("Type", str_node("AWS_PROXY", loc));
        integ.put(
            "Uri",
            join(
                vec![
                    str_node("arn:", loc),
                    reference("AWS::Partition", loc),
                    str_node(":apigateway:", loc),
                    reference("AWS::Region", loc),
                    str_node(":lambda:path/2015-03-31/functions/", loc),
                    get_att(&fx.fid, "Arn", loc),
                    str_node("/invocations", loc),
                ],
                loc,
            ),
        );
        props.put("Integration", integ.build(loc));
        props.put("MethodResponses", list(vec![], loc));
        let mid = format!(
            "ApiGatewayMethod{res_name}{}",
            upper_first(&method.to_lowercase())
        );
        if self.ids.contains(&mid) {
            self.warn(format!("duplicate http event {method} /{path} at {loc}"));
        }
        self.resource(&mid, "AWS::ApiGateway::Method", props, loc, vec![]);

        let pid = format!("{}LambdaPermissionApiGateway", fx.norm);
        if !self.ids.contains(&pid) {
            let src = arn_join("execute-api", vec![api, str_node("/*/*", loc)], loc);
            self.permission(
                &pid,
                fx,
                str_node("apigateway.amazonaws.com", loc),
                Some(src),
                vec![],
                loc,
            );
        }
    }

    fn http_api_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node) {
        let loc = &k.loc;
        let p: &'d Node = self.provider;
        let route = match &v.value {
            NodeValue::String(s) => s.trim().to_string(),
            _ => {
                let m = v
                    .get("method")
                    .and_then(scalar_text)
                    .unwrap_or_else(|| "*".into());
                let path = v.get("path").and_then(scalar_text);
                match path {
                    Some(path) => format!("{} {}", m.to_uppercase(), path),
                    None => "*".into(),
                }
            }
        };
        let route_key = if route == "*" {
            "$default".to_string()
        } else {
            let mut it = route.splitn(2, ' ');
            let m = it.next().unwrap_or("*");
            let path = it.next().unwrap_or("/").trim();
            let m = if m == "*" {
                "ANY".to_string()
            } else {
                m.to_uppercase()
            };
            format!("{m} {path}")
        };
        let api = match p
            .get("httpApi")
            .and_then(|h| h.get("id"))
            .filter(|x| x.value != NodeValue::Null)
        {
            Some(id) => id.clone(),
            None => {
                if !self.http_api_made {
                    self.http_api_made = true;
                    let mut props = MapB::default();
                    props.put(
                        "Name",
                        concat(
                            vec![
                                Piece::Text(format!("{}-", self.stage)),
                                Piece::Node(self.service.clone()),
                            ],
                            loc,
                        ),
                    );
                    props.put("ProtocolType", str_node("HTTP", loc));
                    if let Some((ck, c)) = p.get("httpApi").and_then(|h| entry(h, "cors")) {
                        if truthy(c) || matches!(c.value, NodeValue::Map(_)) {
                            props.put_k("CorsConfiguration", &ck.loc, http_api_cors(c));
                        }
                    }
                    self.resource("HttpApi", "AWS::ApiGatewayV2::Api", props, loc, vec![]);
                    let mut sp = MapB::default();
                    sp.put("ApiId", reference("HttpApi", loc));
                    sp.put("StageName", str_node("$default", loc));
                    sp.put("AutoDeploy", boolean(true, loc));
                    self.resource("HttpApiStage", "AWS::ApiGatewayV2::Stage", sp, loc, vec![]);
                }
                reference("HttpApi", loc)
            }
        };
        let iid = format!("HttpApiIntegration{}", fx.norm);
        if !self.ids.contains(&iid) {
            let mut ip = MapB::default();
            ip.put("ApiId", api.clone());
            ip.put("IntegrationType", str_node("AWS_PROXY", loc));
            ip.put("IntegrationUri", get_att(&fx.fid, "Arn", loc));
            ip.put("PayloadFormatVersion", str_node("2.0", loc));
            self.resource(&iid, "AWS::ApiGatewayV2::Integration", ip, loc, vec![]);
        }
        let mut rp = MapB::default();
        rp.put("ApiId", api.clone());
        rp.put("RouteKey", str_node(&route_key, loc));
        rp.put(
            "Target",
            join(
                vec![str_node("integrations/", loc), reference(&iid, loc)],
                loc,
            ),
        );
        let (auth_loc, auth_type) = match entry(v, "authorizer") {
            None => (loc.clone(), "NONE"),
            Some((ak, a)) => {
                let ty = a
                    .get("type")
                    .and_then(|t| t.as_str())
                    .or(a.as_str())
                    .unwrap_or("");
                let t = if ty.eq_ignore_ascii_case("aws_iam") {
                    "AWS_IAM"
                } else if ty.eq_ignore_ascii_case("request") {
                    "CUSTOM"
                } else {
                    "JWT"
                };
                (ak.loc.clone(), t)
            }
        };
        rp.put_k(
            "AuthorizationType",
            &auth_loc,
            str_node(auth_type, &auth_loc),
        );
        let rid = format!("HttpApiRoute{}", route_id(&route_key));
        self.resource(
            &rid,
            "AWS::ApiGatewayV2::Route",
            rp,
            loc,
            vec![("DependsOn", str_node(&iid, loc))],
        );

        let pid = format!("{}LambdaPermissionHttpApi", fx.norm);
        if !self.ids.contains(&pid) {
            let src = arn_join("execute-api", vec![api, str_node("/*", loc)], loc);
            self.permission(
                &pid,
                fx,
                str_node("apigateway.amazonaws.com", loc),
                Some(src),
                vec![],
                loc,
            );
        }
    }

    fn s3_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node) {
        let loc = &k.loc;
        let (bucket, cfg) = match &v.value {
            NodeValue::Map(_) => (v.get("bucket").cloned(), Some(v)),
            _ => (Some(v.clone()), None),
        };
        let Some(bucket) = bucket else {
            self.warn(format!("s3 event at {loc} of `{}` has no bucket", fx.name));
            return;
        };
        let bname = match &bucket.value {
            NodeValue::String(s) => s.clone(),
            NodeValue::Intrinsic { arg, .. } => {
                // `!Ref Bucket`: a bucket declared in resources.
                arg.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| "Bucket".into())
            }
            _ => "Bucket".into(),
        };
        let norm = normalize_alnum(&bname);
        let existing = cfg.and_then(|c| c.get("existing")).is_some_and(truthy);
        let events = cfg
            .and_then(|c| c.get("event"))
            .cloned()
            .unwrap_or_else(|| str_node("s3:ObjectCreated:*", loc));
        let pid = format!("{}LambdaPermission{norm}S3", fx.norm);
        let bucket_arn = join(
            vec![
                str_node("arn:", loc),
                reference("AWS::Partition", loc),
                str_node(":s3:::", loc),
                bucket.clone(),
            ],
            loc,
        );
        if !self.ids.contains(&pid) {
            self.permission(
                &pid,
                fx,
                str_node("s3.amazonaws.com", loc),
                Some(bucket_arn),
                vec![("SourceAccount", reference("AWS::AccountId", loc))],
                loc,
            );
        }
        if existing || matches!(bucket.value, NodeValue::Intrinsic { .. }) {
            return;
        }
        let bid = format!("S3Bucket{norm}");
        let mut lc = MapB::default();
        lc.put("Event", events);
        lc.put("Function", get_att(&fx.fid, "Arn", loc));
        if let Some(rules) = cfg.and_then(|c| c.get("rules")) {
            let filters: Vec<Node> = rules
                .items()
                .iter()
                .flat_map(|r| r.entries().iter())
                .map(|(rk, rv)| {
                    let mut m = MapB::default();
                    m.put("Name", str_node(&rk.name, &rk.loc));
                    m.put("Value", rv.clone());
                    m.build(&rk.loc)
                })
                .collect();
            let mut s3k = MapB::default();
            s3k.put("Rules", list(filters, &rules.loc));
            let mut filt = MapB::default();
            filt.put("S3Key", s3k.build(&rules.loc));
            lc.put("Filter", filt.build(&rules.loc));
        }
        let lc = lc.build(loc);
        // Several functions may subscribe to one bucket: append to its configuration.
        if let Some(existing) = self.resources.0.iter_mut().find(|(rk, _)| rk.name == bid) {
            if let Some(NodeValue::List(items)) = map_get_mut(&mut existing.1, "Properties")
                .and_then(|p| map_get_mut(p, "NotificationConfiguration"))
                .and_then(|n| map_get_mut(n, "LambdaConfigurations"))
                .map(|l| &mut l.value)
            {
                items.push(lc);
            }
            if let Some(NodeValue::List(d)) =
                map_get_mut(&mut existing.1, "DependsOn").map(|d| &mut d.value)
            {
                d.push(str_node(&pid, loc));
            }
            return;
        }
        let mut nc = MapB::default();
        nc.put("LambdaConfigurations", list(vec![lc], loc));
        let mut props = MapB::default();
        props.put("BucketName", bucket.clone());
        props.put("NotificationConfiguration", nc.build(loc));
        self.resource(
            &bid,
            "AWS::S3::Bucket",
            props,
            loc,
            vec![("DependsOn", list(vec![str_node(&pid, loc)], loc))],
        );
    }

    fn sns_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node) {
        let loc = &k.loc;
        let (arn, topic_name) = match &v.value {
            NodeValue::String(s) if s.starts_with("arn:") => (
                Some(v.clone()),
                s.rsplit(':').next().unwrap_or("").to_string(),
            ),
            NodeValue::String(s) => (None, s.clone()),
            NodeValue::Map(_) => {
                let arn = v.get("arn").cloned();
                let name = v
                    .get("topicName")
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
                    .or_else(|| {
                        arn.as_ref()
                            .and_then(|a| a.as_str())
                            .and_then(|a| a.rsplit(':').next())
                            .map(str::to_string)
                    })
                    .unwrap_or_else(|| "Topic".into());
                (arn, name)
            }
            _ => (Some(v.clone()), "Topic".into()),
        };
        let norm = normalize_alnum(&topic_name);
        let topic_arn = match arn {
            Some(a) => a,
            None => {
                let tid = format!("SNSTopic{norm}");
                if !self.ids.contains(&tid) {
                    let mut props = MapB::default();
                    props.put("TopicName", str_node(&topic_name, loc));
                    self.resource(&tid, "AWS::SNS::Topic", props, loc, vec![]);
                }
                reference(&tid, loc)
            }
        };
        let mut sp = MapB::default();
        sp.put("TopicArn", topic_arn.clone());
        sp.put("Protocol", str_node("lambda", loc));
        sp.put("Endpoint", get_att(&fx.fid, "Arn", loc));
        if let Some(fp) = v.get("filterPolicy") {
            sp.put("FilterPolicy", fp.clone());
        }
        self.resource(
            &format!("{}SnsSubscription{norm}", fx.norm),
            "AWS::SNS::Subscription",
            sp,
            loc,
            vec![],
        );
        self.permission(
            &format!("{}LambdaPermission{norm}SNS", fx.norm),
            fx,
            str_node("sns.amazonaws.com", loc),
            Some(topic_arn),
            vec![],
            loc,
        );
    }

    fn rule_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node, n: usize, kind: &str) {
        let loc = &k.loc;
        let rid = match kind {
            "Schedule" => format!("{}EventsRuleSchedule{n}", fx.norm),
            "EventBridge" => format!("{}EventBridgeRule{n}", fx.norm),
            _ => format!("{}EventsRuleCloudWatchEvent{n}", fx.norm),
        };
        let mut props = MapB::default();
        let mut enabled = true;
        match (&v.value, kind) {
            (NodeValue::Map(_), _) => {
                if let Some(e) = v.get("enabled") {
                    enabled = truthy(e);
                }
                let sched = v.get("rate").or_else(|| v.get("schedule"));
                if let Some(r) = sched {
                    let r = match &r.value {
                        NodeValue::List(items) => {
                            items.first().cloned().unwrap_or_else(|| r.clone())
                        }
                        _ => r.clone(),
                    };
                    props.put("ScheduleExpression", r);
                }
                if let Some(p) = v.get("pattern").or_else(|| v.get("event")) {
                    props.put("EventPattern", p.clone());
                }
                if let Some(b) = v.get("eventBus") {
                    props.put("EventBusName", b.clone());
                }
                if let Some(nm) = v.get("name") {
                    props.put("Name", nm.clone());
                }
            }
            (_, "Schedule") => props.put("ScheduleExpression", v.clone()),
            _ => {}
        }
        props.put(
            "State",
            str_node(if enabled { "ENABLED" } else { "DISABLED" }, loc),
        );
        let mut target = MapB::default();
        target.put("Arn", get_att(&fx.fid, "Arn", loc));
        target.put("Id", str_node(&format!("{}{kind}", fx.name), loc));
        if let Some(input) = v.get("input") {
            target.put("Input", input.clone());
        }
        props.put("Targets", list(vec![target.build(loc)], loc));
        self.resource(&rid, "AWS::Events::Rule", props, loc, vec![]);
        let pid = match kind {
            "Schedule" => format!("{}LambdaPermissionEventsRuleSchedule{n}", fx.norm),
            "EventBridge" => format!("{}LambdaPermissionEventBridgeRule{n}", fx.norm),
            _ => format!("{}LambdaPermissionEventsRuleCloudWatchEvent{n}", fx.norm),
        };
        self.permission(
            &pid,
            fx,
            str_node("events.amazonaws.com", loc),
            Some(get_att(&rid, "Arn", loc)),
            vec![],
            loc,
        );
    }

    fn mapping_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node, default_role: bool) {
        let loc = &k.loc;
        let (arn, cfg) = match &v.value {
            NodeValue::Map(_) => (v.get("arn").or_else(|| v.get("queue")).cloned(), Some(v)),
            _ => (Some(v.clone()), None),
        };
        let Some(arn) = arn else {
            self.warn(format!(
                "{} event at {loc} of `{}` has no arn",
                k.name, fx.name
            ));
            return;
        };
        let arn_text = arn.as_str().unwrap_or("");
        let kind = if k.name == "sqs" {
            "SQS"
        } else {
            match cfg.and_then(|c| c.get("type")).and_then(|t| t.as_str()) {
                Some(t) if t.eq_ignore_ascii_case("kinesis") => "Kinesis",
                Some(t) if t.eq_ignore_ascii_case("dynamodb") => "Dynamodb",
                _ if arn_text.contains(":kinesis:") => "Kinesis",
                _ => "Dynamodb",
            }
        };
        let src_name = match &arn.value {
            NodeValue::String(s) => {
                let last = if kind == "Dynamodb" {
                    s.split(":table/")
                        .nth(1)
                        .and_then(|t| t.split('/').next())
                        .unwrap_or(s)
                } else {
                    s.rsplit([':', '/']).next().unwrap_or(s)
                };
                last.to_string()
            }
            NodeValue::Intrinsic { arg, .. } => match &arg.value {
                NodeValue::List(items) => items
                    .first()
                    .and_then(|i| i.as_str())
                    .unwrap_or("")
                    .to_string(),
                NodeValue::String(s) => s.split('.').next().unwrap_or("").to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let id = format!(
            "{}EventSourceMapping{kind}{}",
            fx.norm,
            normalize_alnum(&src_name)
        );
        let mut props = MapB::default();
        props.put("EventSourceArn", arn.clone());
        props.put("FunctionName", get_att(&fx.fid, "Arn", loc));
        let batch = cfg.and_then(|c| c.get("batchSize")).cloned();
        props.put(
            "BatchSize",
            batch.unwrap_or_else(|| num(if kind == "SQS" { 10.0 } else { 100.0 }, loc)),
        );
        if kind != "SQS" {
            let sp = cfg
                .and_then(|c| c.get("startingPosition"))
                .cloned()
                .unwrap_or_else(|| str_node("TRIM_HORIZON", loc));
            props.put("StartingPosition", sp);
        }
        for (key, cf) in [
            ("maximumBatchingWindow", "MaximumBatchingWindowInSeconds"),
            ("functionResponseType", "FunctionResponseTypes"),
            ("filterPatterns", "FilterCriteria"),
        ] {
            if let Some(x) = cfg.and_then(|c| c.get(key)) {
                let x = match key {
                    "functionResponseType" => list(vec![x.clone()], &x.loc),
                    "filterPatterns" => {
                        let items = x
                            .items()
                            .iter()
                            .map(|p| {
                                let mut m = MapB::default();
                                m.put("Pattern", p.clone());
                                m.build(&p.loc)
                            })
                            .collect();
                        let mut m = MapB::default();
                        m.put("Filters", list(items, &x.loc));
                        m.build(&x.loc)
                    }
                    _ => x.clone(),
                };
                props.put(cf, x);
            }
        }
        let enabled = cfg
            .and_then(|c| c.get("enabled"))
            .map(truthy)
            .unwrap_or(true);
        props.put("Enabled", boolean(enabled, loc));
        let mut extra = Vec::new();
        if default_role {
            extra.push(("DependsOn", list(vec![str_node(DEFAULT_ROLE, loc)], loc)));
            let actions: &[&str] = match kind {
                "SQS" => &[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ],
                "Kinesis" => &[
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:DescribeStream",
                    "kinesis:ListStreams",
                ],
                _ => &[
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
            };
            let st = statement(actions, vec![arn.clone()], loc);
            self.role.statements.push(st);
        }
        self.resource(&id, "AWS::Lambda::EventSourceMapping", props, loc, extra);
    }

    fn alb_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node, n: usize) {
        let loc = &k.loc;
        let tg = format!("{}AlbTargetGroup{n}", fx.norm);
        let mut tp = MapB::default();
        tp.put("TargetType", str_node("lambda", loc));
        let mut t = MapB::default();
        t.put("Id", get_att(&fx.fid, "Arn", loc));
        tp.put("Targets", list(vec![t.build(loc)], loc));
        let pid = format!("{}LambdaPermissionAlb{n}", fx.norm);
        self.resource(
            &tg,
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            tp,
            loc,
            vec![("DependsOn", list(vec![str_node(&pid, loc)], loc))],
        );
        self.permission(
            &pid,
            fx,
            str_node("elasticloadbalancing.amazonaws.com", loc),
            Some(reference(&tg, loc)),
            vec![],
            loc,
        );
        if let Some(listener) = v.get("listenerArn") {
            let mut lp = MapB::default();
            lp.put("ListenerArn", listener.clone());
            if let Some(pr) = v.get("priority") {
                lp.put("Priority", pr.clone());
            }
            let mut action = MapB::default();
            action.put("Type", str_node("forward", loc));
            action.put("TargetGroupArn", reference(&tg, loc));
            lp.put("Actions", list(vec![action.build(loc)], loc));
            if let Some(c) = v.get("conditions") {
                lp.put("Conditions", c.clone());
            }
            self.resource(
                &format!("{}AlbListenerRule{n}", fx.norm),
                "AWS::ElasticLoadBalancingV2::ListenerRule",
                lp,
                loc,
                vec![],
            );
        }
    }

    fn log_event(&mut self, fx: &FnCtx<'d>, k: &Key, v: &Node, n: usize) {
        let loc = &k.loc;
        let (group, filter) = match &v.value {
            NodeValue::Map(_) => (v.get("logGroup").cloned(), v.get("filter").cloned()),
            _ => (Some(v.clone()), None),
        };
        let Some(group) = group else {
            self.warn(format!(
                "cloudwatchLog event at {loc} of `{}` has no logGroup",
                fx.name
            ));
            return;
        };
        let pid = format!(
            "{}LambdaPermissionLogsSubscriptionFilterCloudWatchLog",
            fx.norm
        );
        let mut props = MapB::default();
        props.put("LogGroupName", group.clone());
        props.put("FilterPattern", filter.unwrap_or_else(|| str_node("", loc)));
        props.put("DestinationArn", get_att(&fx.fid, "Arn", loc));
        self.resource(
            &format!("{}LogsSubscriptionFilterCloudWatchLog{n}", fx.norm),
            "AWS::Logs::SubscriptionFilter",
            props,
            loc,
            vec![("DependsOn", list(vec![str_node(&pid, loc)], loc))],
        );
        if !self.ids.contains(&pid) {
            let principal = join(
                vec![
                    str_node("logs.", loc),
                    reference("AWS::Region", loc),
                    str_node(".", loc),
                    reference("AWS::URLSuffix", loc),
                ],
                loc,
            );
            let src = arn_join(
                "logs",
                vec![str_node("log-group:", loc), group, str_node(":*", loc)],
                loc,
            );
            self.permission(&pid, fx, principal, Some(src), vec![], loc);
        }
    }

    fn default_role(&mut self) {
        let p: &'d Node = self.provider;
        let iam_role = self
            .iam_role()
            .filter(|r| matches!(r.value, NodeValue::Map(_)));
        let loc = p
            .get("iam")
            .and_then(|i| i.key_loc("role"))
            .or_else(|| p.key_loc("iamRoleStatements"))
            .or_else(|| self.doc.key_loc("provider"))
            .unwrap_or(&self.doc.loc)
            .clone();

        let mut statements = Vec::new();
        let logs = std::mem::take(&mut self.role.log_groups);
        if !logs.is_empty() {
            let arn = |lg: &Node, suffix: &str, l: &Location| {
                sub(
                    vec![
                        SubPart::Raw("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:".into()),
                        SubPart::Val(lg.clone()),
                        SubPart::Raw(suffix.into()),
                    ],
                    l,
                )
            };
            let streams = logs.iter().map(|(lg, l)| arn(lg, ":*", l)).collect();
            statements.push(statement(
                &[
                    "logs:CreateLogStream",
                    "logs:CreateLogGroup",
                    "logs:TagResource",
                ],
                streams,
                &loc,
            ));
            let events = logs.iter().map(|(lg, l)| arn(lg, ":*:*", l)).collect();
            statements.push(statement(&["logs:PutLogEvents"], events, &loc));
        }
        for src in [
            iam_role.and_then(|r| r.get("statements")),
            p.get("iamRoleStatements"),
        ] {
            match src.map(|s| &s.value) {
                Some(NodeValue::List(items)) => statements.extend(items.iter().cloned()),
                Some(NodeValue::Null) | None => {}
                Some(_) => {
                    let s = src.unwrap();
                    self.warn(format!(
                        "IAM statements at {} are not a list (unresolved?); ignored",
                        s.loc
                    ));
                }
            }
        }
        statements.append(&mut self.role.statements);

        let mut pdoc = MapB::default();
        pdoc.put("Version", str_node("2012-10-17", &loc));
        pdoc.put("Statement", list(statements, &loc));
        let mut policy = MapB::default();
        policy.put(
            "PolicyName",
            intrinsic(
                "Fn::Join",
                list(
                    vec![
                        str_node("-", &loc),
                        list(
                            vec![
                                self.service.clone(),
                                str_node(&self.stage, &loc),
                                str_node("lambda", &loc),
                            ],
                            &loc,
                        ),
                    ],
                    &loc,
                ),
                &loc,
            ),
        );
        policy.put("PolicyDocument", pdoc.build(&loc));

        let mut trust_st = MapB::default();
        trust_st.put("Effect", str_node("Allow", &loc));
        let mut principal = MapB::default();
        principal.put(
            "Service",
            list(vec![str_node("lambda.amazonaws.com", &loc)], &loc),
        );
        trust_st.put("Principal", principal.build(&loc));
        trust_st.put("Action", list(vec![str_node("sts:AssumeRole", &loc)], &loc));
        let mut trust = MapB::default();
        trust.put("Version", str_node("2012-10-17", &loc));
        trust.put("Statement", list(vec![trust_st.build(&loc)], &loc));

        let mut props = MapB::default();
        props.put("AssumeRolePolicyDocument", trust.build(&loc));
        props.put("Policies", list(vec![policy.build(&loc)], &loc));
        let path = iam_role
            .and_then(|r| r.get("path"))
            .cloned()
            .unwrap_or_else(|| str_node("/", &loc));
        props.put("Path", path);
        let role_name = iam_role
            .and_then(|r| r.get("name"))
            .cloned()
            .unwrap_or_else(|| {
                intrinsic(
                    "Fn::Join",
                    list(
                        vec![
                            str_node("-", &loc),
                            list(
                                vec![
                                    self.service.clone(),
                                    str_node(&self.stage, &loc),
                                    reference("AWS::Region", &loc),
                                    str_node("lambdaRole", &loc),
                                ],
                                &loc,
                            ),
                        ],
                        &loc,
                    ),
                    &loc,
                )
            });
        props.put("RoleName", role_name);

        let mut managed: Vec<Node> = Vec::new();
        let mut managed_loc = None;
        for (parent, key) in [
            (iam_role, "managedPolicies"),
            (Some(p), "iamManagedPolicies"),
        ] {
            if let Some((mk, m)) = parent.and_then(|x| entry(x, key)) {
                managed_loc.get_or_insert(mk.loc.clone());
                match &m.value {
                    NodeValue::List(items) => managed.extend(items.iter().cloned()),
                    _ => managed.push(m.clone()),
                }
            }
        }
        if let Some(vloc) = self.role.vpc.take() {
            managed_loc.get_or_insert(vloc.clone());
            managed.push(join(
                vec![
                    str_node("arn:", &vloc),
                    reference("AWS::Partition", &vloc),
                    str_node(VPC_POLICY, &vloc),
                ],
                &vloc,
            ));
        }
        if let Some(ml) = managed_loc {
            props.put_k("ManagedPolicyArns", &ml, list(managed, &ml));
        }
        let boundary = iam_role
            .and_then(|r| entry(r, "permissionsBoundary"))
            .or_else(|| entry(p, "rolePermissionsBoundary"));
        if let Some((bk, b)) = boundary {
            props.put_k("PermissionsBoundary", &bk.loc, b.clone());
        }
        if let Some((tk, t)) = iam_role.and_then(|r| entry(r, "tags")) {
            let items = t
                .entries()
                .iter()
                .map(|(k, v)| {
                    let mut m = MapB::default();
                    m.put_k("Key", &k.loc, str_node(&k.name, &k.loc));
                    m.put("Value", v.clone());
                    m.build(&k.loc)
                })
                .collect();
            props.put_k("Tags", &tk.loc, list(items, &tk.loc));
        }
        if !self.resources.has(DEFAULT_ROLE) {
            self.resource(DEFAULT_ROLE, "AWS::IAM::Role", props, &loc, vec![]);
        }
    }
}

/// The key that sets the provider-wide role (`iam.role` or legacy `role`).
fn role_key(p: &Node) -> Option<&Key> {
    let iam_role = p.get("iam").and_then(|i| {
        i.entries()
            .iter()
            .find(|(k, v)| {
                k.name == "role" && !matches!(v.value, NodeValue::Map(_) | NodeValue::Null)
            })
            .map(|(k, _)| k)
    });
    iam_role.or_else(|| {
        p.entries()
            .iter()
            .find(|(k, v)| k.name == "role" && v.value != NodeValue::Null)
            .map(|(k, _)| k)
    })
}

/// A function's `role` as the Framework reads it: an ARN as is, a name as the logical id of a
/// role in `resources` (`Fn::GetAtt [name, Arn]`), an intrinsic as is.
fn role_value(r: &Node) -> Node {
    match &r.value {
        NodeValue::String(s) if !s.starts_with("arn:") && !s.is_empty() => {
            get_att(s, "Arn", &r.loc)
        }
        _ => r.clone(),
    }
}

fn statement(actions: &[&str], resources: Vec<Node>, loc: &Location) -> Node {
    let mut m = MapB::default();
    m.put("Effect", str_node("Allow", loc));
    m.put(
        "Action",
        list(actions.iter().map(|a| str_node(a, loc)).collect(), loc),
    );
    m.put("Resource", list(resources, loc));
    m.build(loc)
}

/// The action a function needs to send to a destination ARN.
fn arn_send_action(arn: &str) -> Option<&'static str> {
    let service = arn.split(':').nth(2)?;
    match service {
        "sns" => Some("sns:Publish"),
        "sqs" => Some("sqs:SendMessage"),
        "lambda" => Some("lambda:InvokeFunction"),
        "events" => Some("events:PutEvents"),
        _ => None,
    }
}

fn route_id(route_key: &str) -> String {
    if route_key == "$default" {
        return "Default".into();
    }
    let mut it = route_key.splitn(2, ' ');
    let m = it.next().unwrap_or("");
    let path = it.next().unwrap_or("");
    let m = if m == "ANY" {
        "Any".to_string()
    } else {
        upper_first(&m.to_lowercase())
    };
    format!("{m}{}", normalize_path(path))
}

/// `key_loc` (the `cors` key) locates the values Serverless fills in.
fn url_cors(c: &Node, key_loc: &Location) -> Option<Node> {
    let loc = key_loc;
    let mut m = MapB::default();
    match &c.value {
        NodeValue::Map(_) => {
            for (k, cf) in [
                ("allowCredentials", "AllowCredentials"),
                ("allowedHeaders", "AllowHeaders"),
                ("allowedMethods", "AllowMethods"),
                ("allowedOrigins", "AllowOrigins"),
                ("exposedResponseHeaders", "ExposeHeaders"),
                ("maxAge", "MaxAge"),
            ] {
                if let Some((ek, v)) = entry(c, k) {
                    m.put_k(cf, &ek.loc, v.clone());
                }
            }
            for (k, default) in [("AllowOrigins", "*"), ("AllowMethods", "*")] {
                if !m.has(k) {
                    m.put(k, list(vec![str_node(default, loc)], loc));
                }
            }
        }
        _ if truthy(c) => {
            m.put("AllowOrigins", list(vec![str_node("*", loc)], loc));
            m.put(
                "AllowHeaders",
                list(
                    [
                        "Content-Type",
                        "X-Amz-Date",
                        "Authorization",
                        "X-Api-Key",
                        "X-Amz-Security-Token",
                    ]
                    .iter()
                    .map(|h| str_node(h, loc))
                    .collect(),
                    loc,
                ),
            );
            m.put("AllowMethods", list(vec![str_node("*", loc)], loc));
        }
        _ => return None,
    }
    Some(m.build(loc))
}

fn http_api_cors(c: &Node) -> Node {
    let loc = &c.loc;
    let mut m = MapB::default();
    if let NodeValue::Map(_) = c.value {
        for (k, cf) in [
            ("allowCredentials", "AllowCredentials"),
            ("allowedHeaders", "AllowHeaders"),
            ("allowedMethods", "AllowMethods"),
            ("allowedOrigins", "AllowOrigins"),
            ("exposedResponseHeaders", "ExposeHeaders"),
            ("maxAge", "MaxAge"),
        ] {
            if let Some((ek, v)) = entry(c, k) {
                m.put_k(cf, &ek.loc, v.clone());
            }
        }
    }
    if !m.has("AllowOrigins") {
        m.put("AllowOrigins", list(vec![str_node("*", loc)], loc));
    }
    if !m.has("AllowMethods") {
        m.put("AllowMethods", list(vec![str_node("*", loc)], loc));
    }
    m.build(loc)
}
