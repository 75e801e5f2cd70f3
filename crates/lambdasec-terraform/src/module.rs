//! Terraform modules: the declarations of one directory, and their evaluation in a context
//! (root module with tfvars, or a child module with its caller's inputs).
//!
//! Everything is evaluated lazily and memoised per module instance: a local, resource or
//! module output is computed when something refers to it, and a reference cycle becomes an
//! unknown value plus an error entry naming the cycle.

use crate::eval::{self, Resolver};
use crate::hcl::{LineIndex, ParsedFile};
use crate::value::{format_number, ResourceObj, TfValue};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::Span;
use indexmap::IndexMap;
use lambdasec_model::{Location, SourceError};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Deepest chain of local module calls followed.
const MAX_MODULE_DEPTH: usize = 16;
/// Most instances one `count`/`for_each` may produce.
const MAX_INSTANCES: usize = 10_000;
/// Deepest chain of references followed (`local.a` → `local.b` → ...), across modules. Each
/// step starts a new expression evaluation, so this bounds the stack.
const MAX_REFERENCE_DEPTH: usize = 100;
/// Largest file read by `file()`/`templatefile()`.
const MAX_READ_BYTES: u64 = 1024 * 1024;

/// Where a declaration's text lives, for locations.
pub struct FileInfo {
    pub rel: Arc<str>,
    pub text: String,
    pub lines: LineIndex,
}

impl FileInfo {
    pub fn loc(&self, span: Option<std::ops::Range<usize>>) -> Location {
        match span {
            Some(r) => {
                let (line, column) = self.lines.line_col(&self.text, r.start);
                Location::new(self.rel.clone(), line, column)
            }
            None => Location::new(self.rel.clone(), 0, 0),
        }
    }

    pub fn end_line(&self, span: Option<std::ops::Range<usize>>) -> u32 {
        span.map_or(0, |r| {
            self.lines.line_col(&self.text, r.end.saturating_sub(1)).0
        })
    }
}

pub struct Decl<T> {
    pub file: usize,
    pub item: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// The declarations of one directory.
#[derive(Default)]
pub struct ModuleDir {
    /// Absolute directory.
    pub dir: PathBuf,
    pub files: Vec<FileInfo>,
    pub variables: IndexMap<String, Decl<Block>>,
    pub locals: IndexMap<String, Decl<hcl_edit::structure::Attribute>>,
    pub resources: IndexMap<(Mode, String, String), Decl<Block>>,
    pub modules: IndexMap<String, Decl<Block>>,
    pub outputs: IndexMap<String, Decl<Block>>,
    /// Values from `terraform.tfvars` and `*.auto.tfvars` (root modules only).
    pub tfvars: IndexMap<String, TfValue>,
    pub errors: Vec<SourceError>,
    pub suppressions: Vec<lambdasec_model::Suppression>,
}

fn label(l: &BlockLabel) -> String {
    match l {
        BlockLabel::Ident(i) => i.as_str().to_string(),
        BlockLabel::String(s) => s.as_str().to_string(),
    }
}

impl ModuleDir {
    pub fn new(dir: PathBuf) -> Self {
        ModuleDir {
            dir,
            ..Default::default()
        }
    }

    /// Adds the top-level declarations of a parsed file.
    pub fn add_file(&mut self, file: ParsedFile) {
        let fi = self.files.len();
        let ParsedFile {
            rel,
            text,
            lines,
            body,
        } = file;
        let info = FileInfo { rel, text, lines };
        let ranges: Vec<(u32, u32)> = body
            .iter()
            .map(|s| {
                let span = s.span();
                (info.loc(span.clone()).line, info.end_line(span))
            })
            .collect();
        if info.text.contains("lambdasec:ignore") {
            self.suppressions
                .extend(lambdasec_model::parse_suppressions(
                    &info.rel, &info.text, &ranges,
                ));
        }
        self.files.push(info);
        for s in body.into_iter() {
            let Structure::Block(block) = s else { continue };
            let labels: Vec<String> = block.labels.iter().map(label).collect();
            let decl = |item| Decl { file: fi, item };
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    self.variables.insert(name.clone(), decl(block));
                }
                ("locals", []) => {
                    for attr in block.body.into_attributes() {
                        self.locals.insert(
                            attr.key.as_str().to_string(),
                            Decl {
                                file: fi,
                                item: attr,
                            },
                        );
                    }
                }
                ("resource", [t, n]) => {
                    self.resources
                        .insert((Mode::Managed, t.clone(), n.clone()), decl(block));
                }
                ("data", [t, n]) => {
                    self.resources
                        .insert((Mode::Data, t.clone(), n.clone()), decl(block));
                }
                ("module", [name]) => {
                    self.modules.insert(name.clone(), decl(block));
                }
                ("output", [name]) => {
                    self.outputs.insert(name.clone(), decl(block));
                }
                _ => {}
            }
        }
    }

    /// Adds a `.tfvars` file (HCL attributes, constant expressions).
    pub fn add_tfvars(&mut self, file: ParsedFile) {
        for attr in file.body.attributes() {
            let v = eval::eval(&attr.value, &NoRefs);
            self.tfvars.insert(attr.key.as_str().to_string(), v);
        }
    }

    /// Adds a `.tfvars.json` file.
    pub fn add_tfvars_json(&mut self, rel: &str, text: &str) {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(o)) => {
                for (k, v) in o {
                    self.tfvars.insert(k, json_to_tf(&v));
                }
            }
            Ok(_) => self.errors.push(SourceError {
                file: rel.to_string(),
                line: Some(1),
                message: "a .tfvars.json file must hold a JSON object".into(),
            }),
            Err(e) => self.errors.push(SourceError {
                file: rel.to_string(),
                line: Some(e.line() as u32),
                message: format!("invalid JSON: {e}"),
            }),
        }
    }

    /// Directories of the local modules this directory calls (`source = "./x"`).
    pub fn local_module_dirs(&self) -> Vec<PathBuf> {
        self.modules
            .values()
            .filter_map(|d| module_source(&d.item).and_then(|s| local_source_dir(&self.dir, &s)))
            .collect()
    }
}

/// The literal `source` of a module block.
fn module_source(block: &Block) -> Option<String> {
    match &block.body.get_attribute("source")?.value {
        Expression::String(s) => Some(s.as_str().to_string()),
        _ => None,
    }
}

/// `./x` and `../x` are local paths; anything else (registry, git, s3...) is remote.
pub fn local_source_dir(base: &Path, source: &str) -> Option<PathBuf> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    Some(normalize(&base.join(source)))
}

pub use lambdasec_model::normalize_path as normalize;

pub fn json_to_tf(v: &serde_json::Value) -> TfValue {
    match v {
        serde_json::Value::Null => TfValue::Null,
        serde_json::Value::Bool(b) => TfValue::Bool(*b),
        serde_json::Value::Number(n) => TfValue::Number(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => TfValue::String(s.clone()),
        serde_json::Value::Array(a) => TfValue::List(a.iter().map(json_to_tf).collect()),
        serde_json::Value::Object(o) => {
            TfValue::Object(o.iter().map(|(k, v)| (k.clone(), json_to_tf(v))).collect())
        }
    }
}

/// A resolver for constant expressions (variable defaults, tfvars).
struct NoRefs;

impl Resolver for NoRefs {
    fn resolve(&self, _root: &str, _attrs: &[&str]) -> Option<(TfValue, usize)> {
        None
    }
    fn read_file(&self, _path: &str) -> Result<String, String> {
        Err("files cannot be read here".into())
    }
}

/// An evaluated attribute with its location.
#[derive(Debug, Clone)]
pub struct Attr {
    pub value: TfValue,
    pub loc: Location,
    /// For policy attributes: where each statement of the rendered document is written.
    pub statement_locs: Vec<Location>,
}

impl Attr {
    pub fn new(value: TfValue, loc: Location) -> Self {
        Attr {
            value,
            loc,
            statement_locs: Vec::new(),
        }
    }
}

/// Spans of the statement objects in `jsonencode({ ..., Statement = [{...}, ...] })`.
fn jsonencode_statement_spans(expr: &Expression) -> Vec<std::ops::Range<usize>> {
    use hcl_edit::expr::ObjectKey;
    let Expression::FuncCall(call) = expr else {
        return Vec::new();
    };
    if call.name.name.as_str() != "jsonencode" {
        return Vec::new();
    }
    let Some(Expression::Object(obj)) = call.args.iter().next() else {
        return Vec::new();
    };
    for (key, value) in obj.iter() {
        let name = match key {
            ObjectKey::Ident(i) => i.as_str().to_string(),
            ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
            _ => continue,
        };
        if name != "Statement" {
            continue;
        }
        return match value.expr() {
            Expression::Array(items) => items.iter().filter_map(|e| e.span()).collect(),
            e @ Expression::Object(_) => e.span().into_iter().collect(),
            _ => Vec::new(),
        };
    }
    Vec::new()
}

/// Attributes that hold IAM policy documents.
fn is_policy_attribute(key: &str) -> bool {
    matches!(key, "policy" | "assume_role_policy")
}

/// The key under which a rendered policy's statement locations are remembered.
pub fn policy_key(v: &TfValue) -> Option<String> {
    match v {
        TfValue::String(s) => Some(s.clone()),
        TfValue::Unknown(u) => u.json.as_ref().map(|j| format!("{j:?}")),
        _ => None,
    }
}

/// Byte offsets of the statements of a JSON policy text (`"Statement": [{...}, ...]` or a
/// single object), found with a small tokenizer that skips strings.
pub fn json_statement_offsets(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut last_string: Option<(usize, usize)> = None;
    // Depth at which we are inside the Statement value, once found.
    let mut in_statement: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                last_string = Some((start, i.min(b.len())));
            }
            b':' if depth == 1
                && in_statement.is_none()
                && last_string.is_some_and(|(s, e)| text.get(s..e) == Some("Statement")) =>
            {
                // The value follows: `[` (list) or `{` (one statement).
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(b'[') => in_statement = Some(2),
                    Some(b'{') => {
                        out.push(j);
                        return out;
                    }
                    _ => return out,
                }
            }
            b'{' | b'[' => {
                if b[i] == b'{' && in_statement == Some(depth) {
                    out.push(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if in_statement.is_some_and(|d| depth < d) {
                    return out;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// An evaluated block body: attributes, nested blocks (dynamic blocks expanded).
#[derive(Debug, Clone, Default)]
pub struct EvalBody {
    pub attrs: IndexMap<String, Attr>,
    pub blocks: Vec<EvalBlock>,
    /// Block types whose `dynamic` expansion could not be evaluated.
    pub incomplete: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EvalBlock {
    pub ident: String,
    pub loc: Location,
    pub body: EvalBody,
}

impl EvalBody {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.get(name)
    }

    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a EvalBlock> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub fn block<'a>(&'a self, ident: &'a str) -> Option<&'a EvalBlock> {
        self.blocks(ident).next()
    }

    /// The body as a value: attributes, and nested blocks as lists of objects.
    pub fn to_value(&self) -> IndexMap<String, TfValue> {
        let mut out: IndexMap<String, TfValue> = self
            .attrs
            .iter()
            .map(|(k, a)| (k.clone(), a.value.clone()))
            .collect();
        for b in &self.blocks {
            let entry = out
                .entry(b.ident.clone())
                .or_insert_with(|| TfValue::List(Vec::new()));
            if let TfValue::List(l) = entry {
                l.push(TfValue::Object(b.body.to_value()));
            }
        }
        out
    }
}

/// One instance of a resource or data source, evaluated.
#[derive(Debug, Clone)]
pub struct Instance {
    pub address: String,
    pub mode: Mode,
    pub rtype: String,
    pub body: EvalBody,
    pub loc: Location,
    pub end_line: u32,
}

/// Shared state of the evaluation of one root module and its children.
pub struct RootCtx<'a> {
    /// Parsed directories by absolute path.
    pub dirs: &'a HashMap<PathBuf, ModuleDir>,
    /// Absolute scan root: files outside it are never read.
    pub scan_root: PathBuf,
    pub errors: RefCell<Vec<SourceError>>,
    pub instances: RefCell<Vec<Instance>>,
    /// Statement locations of rendered policy documents, by [`policy_key`].
    pub policy_locs: RefCell<HashMap<String, Vec<Location>>>,
    /// References being evaluated right now, in every module instance.
    pub depth: std::cell::Cell<usize>,
}

/// Per-instance scope: `count.index`, `each.key`/`each.value`, dynamic-block iterators.
#[derive(Clone, Default)]
struct Scope {
    count_index: Option<TfValue>,
    each: Option<(TfValue, TfValue)>,
    iterators: Vec<(String, TfValue, TfValue)>,
}

enum Slot {
    InProgress,
    Done(TfValue),
}

/// One module instance under evaluation.
pub struct ModuleCtx<'r, 'a> {
    root: &'r RootCtx<'a>,
    src: &'a ModuleDir,
    /// Address prefix: "" or "module.x." or `module.x["k"].module.y.`
    prefix: String,
    depth: usize,
    vars: IndexMap<String, TfValue>,
    slots: RefCell<HashMap<String, Slot>>,
    stack: RefCell<Vec<String>>,
    children: RefCell<HashMap<String, TfValue>>,
}

impl<'r, 'a> ModuleCtx<'r, 'a> {
    /// A root module: variables come from tfvars, then defaults.
    pub fn root(root: &'r RootCtx<'a>, src: &'a ModuleDir) -> Self {
        let inputs = src.tfvars.clone();
        Self::new(root, src, String::new(), 0, inputs)
    }

    fn new(
        root: &'r RootCtx<'a>,
        src: &'a ModuleDir,
        prefix: String,
        depth: usize,
        mut inputs: IndexMap<String, TfValue>,
    ) -> Self {
        let mut vars = IndexMap::new();
        for (name, decl) in &src.variables {
            let v = match inputs.swap_remove(name) {
                Some(v) => v,
                None => match decl.item.body.get_attribute("default") {
                    Some(d) => eval::eval(&d.value, &NoRefs),
                    None => TfValue::unknown_ref(
                        format!("var.{name}"),
                        format!("variable \"{name}\" has no default and no value is given"),
                    ),
                },
            };
            vars.insert(name.clone(), v);
        }
        ModuleCtx {
            root,
            src,
            prefix,
            depth,
            vars,
            slots: RefCell::new(HashMap::new()),
            stack: RefCell::new(Vec::new()),
            children: RefCell::new(HashMap::new()),
        }
    }

    /// Evaluates every resource, data source and module call, recording instances.
    pub fn collect(&self) {
        for (mode, t, n) in self.src.resources.keys() {
            self.resource_value(*mode, t, n);
        }
        for name in self.src.modules.keys() {
            self.module_value(name);
        }
        for name in self.src.locals.keys() {
            self.local(name);
        }
    }

    fn file(&self, i: usize) -> &FileInfo {
        &self.src.files[i]
    }

    fn error(&self, file: usize, span: Option<std::ops::Range<usize>>, message: String) {
        let loc = self.file(file).loc(span);
        self.root.errors.borrow_mut().push(SourceError {
            file: self.file(file).rel.to_string(),
            line: Some(loc.line),
            message,
        });
    }

    /// Memoised evaluation with cycle detection. `what` names the slot (e.g. `local.a`).
    fn memo(
        &self,
        key: &str,
        origin: (usize, Option<std::ops::Range<usize>>),
        compute: impl FnOnce() -> TfValue,
    ) -> TfValue {
        match self.slots.borrow().get(key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => {
                let stack = self.stack.borrow();
                let start = stack.iter().position(|s| s == key).unwrap_or(0);
                let mut cycle: Vec<String> = stack[start..].to_vec();
                cycle.push(key.to_string());
                let text = cycle.join(" -> ");
                drop(stack);
                self.error(
                    origin.0,
                    origin.1.clone(),
                    format!("reference cycle: {text}"),
                );
                return TfValue::unknown(format!("reference cycle: {text}"));
            }
            None => {}
        }
        let depth = self.root.depth.get();
        if depth >= MAX_REFERENCE_DEPTH {
            let message = format!(
                "references nested deeper than {MAX_REFERENCE_DEPTH} levels at {}{key}; not followed",
                self.prefix
            );
            self.error(origin.0, origin.1.clone(), message.clone());
            return TfValue::unknown(message);
        }
        self.slots
            .borrow_mut()
            .insert(key.to_string(), Slot::InProgress);
        self.stack.borrow_mut().push(key.to_string());
        self.root.depth.set(depth + 1);
        let v = compute();
        self.root.depth.set(depth);
        self.stack.borrow_mut().pop();
        // A cycle detected below us may already have stored an unknown; ours wins.
        self.slots
            .borrow_mut()
            .insert(key.to_string(), Slot::Done(v.clone()));
        v
    }

    fn local(&self, name: &str) -> Option<TfValue> {
        let decl = self.src.locals.get(name)?;
        let key = format!("local.{name}");
        Some(self.memo(&key, (decl.file, decl.item.span()), || {
            self.eval_in(&decl.item.value, &Scope::default())
        }))
    }

    fn eval_in(&self, expr: &Expression, scope: &Scope) -> TfValue {
        eval::eval(
            expr,
            &ScopedResolver {
                ctx: self,
                scope,
                reads: RefCell::new(Vec::new()),
            },
        )
    }

    /// A policy attribute, with the location of each statement when it can be found: the
    /// objects of `jsonencode({Statement = [...]})`, the statements of a JSON file read with
    /// `file()`/`templatefile()`, or the `statement` blocks of a policy document data source.
    fn eval_policy_attr(
        &self,
        file: usize,
        expr: &Expression,
        loc: Location,
        scope: &Scope,
    ) -> Attr {
        let resolver = ScopedResolver {
            ctx: self,
            scope,
            reads: RefCell::new(Vec::new()),
        };
        let value = eval::eval(expr, &resolver);
        let fi = self.file(file);
        let mut statement_locs: Vec<Location> = jsonencode_statement_spans(expr)
            .into_iter()
            .map(|span| fi.loc(Some(span)))
            .collect();
        let reads = resolver.reads.into_inner();
        if statement_locs.is_empty() && reads.len() == 1 {
            if let TfValue::String(text) = &value {
                let rel: Arc<str> = crate::relative(&self.root.scan_root, &reads[0]).into();
                let lines = LineIndex::new(text);
                statement_locs = json_statement_offsets(text)
                    .into_iter()
                    .map(|off| {
                        let (line, column) = lines.line_col(text, off);
                        Location::new(rel.clone(), line, column)
                    })
                    .collect();
            }
        }
        if statement_locs.is_empty() {
            if let Some(k) = policy_key(&value) {
                if let Some(l) = self.root.policy_locs.borrow().get(&k) {
                    statement_locs = l.clone();
                }
            }
        }
        Attr {
            value,
            loc,
            statement_locs,
        }
    }

    /// The value of `type.name` (or `data.type.name`): one resource object, a list of them
    /// (`count`) or a map of them (`for_each`).
    fn resource_value(&self, mode: Mode, rtype: &str, name: &str) -> Option<TfValue> {
        let decl = self
            .src
            .resources
            .get(&(mode, rtype.to_string(), name.to_string()))?;
        let base = match mode {
            Mode::Managed => format!("{}{rtype}.{name}", self.prefix),
            Mode::Data => format!("{}data.{rtype}.{name}", self.prefix),
        };
        let key = match mode {
            Mode::Managed => format!("{rtype}.{name}"),
            Mode::Data => format!("data.{rtype}.{name}"),
        };
        Some(self.memo(&key, (decl.file, decl.item.span()), || {
            self.expand(decl, &base, |scope, address| {
                self.instance(decl, mode, rtype, scope, address)
            })
        }))
    }

    /// Expands `count` / `for_each` of a block into instances produced by `make`.
    fn expand(
        &self,
        decl: &Decl<Block>,
        base: &str,
        make: impl Fn(&Scope, String) -> TfValue,
    ) -> TfValue {
        let body = &decl.item.body;
        if let Some(count) = body.get_attribute("count") {
            let counted = |n: usize| {
                TfValue::List(
                    (0..n)
                        .map(|i| {
                            let scope = Scope {
                                count_index: Some(TfValue::Number(i as f64)),
                                ..Default::default()
                            };
                            make(&scope, format!("{base}[{i}]"))
                        })
                        .collect(),
                )
            };
            return match self.eval_in(&count.value, &Scope::default()) {
                TfValue::Number(n) if n >= 0.0 && n.fract() == 0.0 => {
                    let n = n as usize;
                    if n > MAX_INSTANCES {
                        self.error(
                            decl.file,
                            count.span(),
                            format!("count = {n} is over the limit of {MAX_INSTANCES} instances"),
                        );
                        return TfValue::unknown("too many instances");
                    }
                    counted(n)
                }
                // Terraform rejects a bool, but `count = var.enabled` shows the intent.
                TfValue::Bool(b) => counted(usize::from(b)),
                _ => {
                    // Unknown count: the configuration is still checked, as one instance.
                    let scope = Scope {
                        count_index: Some(TfValue::unknown_ref(
                            "count.index",
                            "count is not known",
                        )),
                        ..Default::default()
                    };
                    TfValue::List(vec![make(&scope, base.to_string())])
                }
            };
        }
        if let Some(fe) = body.get_attribute("for_each") {
            let items: Option<Vec<(String, TfValue)>> =
                match self.eval_in(&fe.value, &Scope::default()) {
                    TfValue::Object(o) => Some(o.into_iter().collect()),
                    TfValue::List(l) => Some(
                        l.into_iter()
                            .map(|v| {
                                let k = eval::to_string_value(&v).unwrap_or_default();
                                (k, v)
                            })
                            .collect(),
                    ),
                    _ => None,
                };
            return match items {
                Some(items) if items.len() > MAX_INSTANCES => {
                    self.error(
                        decl.file,
                        fe.span(),
                        format!("for_each over more than {MAX_INSTANCES} items"),
                    );
                    TfValue::unknown("too many instances")
                }
                Some(items) => TfValue::Object(
                    items
                        .into_iter()
                        .map(|(k, v)| {
                            let scope = Scope {
                                each: Some((TfValue::String(k.clone()), v)),
                                ..Default::default()
                            };
                            let address = format!("{base}[{}]", quote(&k));
                            (k, make(&scope, address))
                        })
                        .collect(),
                ),
                None => {
                    let scope = Scope {
                        each: Some((
                            TfValue::unknown_ref("each.key", "for_each is not known"),
                            TfValue::unknown_ref("each.value", "for_each is not known"),
                        )),
                        ..Default::default()
                    };
                    // Checked once, but references to a keyed instance stay unknown.
                    make(&scope, base.to_string());
                    TfValue::unknown_ref(base.to_string(), "for_each is not known")
                }
            };
        }
        make(&Scope::default(), base.to_string())
    }

    fn instance(
        &self,
        decl: &Decl<Block>,
        mode: Mode,
        rtype: &str,
        scope: &Scope,
        address: String,
    ) -> TfValue {
        let body = self.eval_body(decl.file, &decl.item.body, scope, true);
        let mut attrs = body.to_value();
        if mode == Mode::Data && rtype == "aws_iam_policy_document" {
            let locs = self.root.policy_locs.borrow().clone();
            let (json, statement_locs) = crate::policydoc::document_json(&body, |doc| {
                policy_key(doc).and_then(|k| locs.get(&k).cloned())
            });
            if let Some(k) = policy_key(&json) {
                self.root.policy_locs.borrow_mut().insert(k, statement_locs);
            }
            attrs.insert("minified_json".into(), json.clone());
            attrs.insert("json".into(), json);
        }
        let obj = ResourceObj {
            address: address.clone(),
            rtype: match mode {
                Mode::Managed => rtype.to_string(),
                Mode::Data => format!("data.{rtype}"),
            },
            attrs,
        };
        let file = self.file(decl.file);
        self.root.instances.borrow_mut().push(Instance {
            address,
            mode,
            rtype: rtype.to_string(),
            body,
            loc: file.loc(decl.item.span()),
            end_line: file.end_line(decl.item.span()),
        });
        TfValue::Resource(Arc::new(obj))
    }

    /// Evaluates a block body; `top` skips the meta-arguments of resources.
    fn eval_body(&self, file: usize, body: &Body, scope: &Scope, top: bool) -> EvalBody {
        let fi = self.file(file);
        let mut out = EvalBody::default();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if top && matches!(key, "count" | "for_each" | "provider" | "depends_on") {
                        continue;
                    }
                    let attr = if is_policy_attribute(key) {
                        self.eval_policy_attr(file, &a.value, fi.loc(a.span()), scope)
                    } else {
                        Attr::new(self.eval_in(&a.value, scope), fi.loc(a.span()))
                    };
                    out.attrs.insert(key.to_string(), attr);
                }
                Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    self.expand_dynamic(file, b, scope, &mut out);
                }
                Structure::Block(b) => {
                    if top && matches!(b.ident.as_str(), "lifecycle" | "provisioner" | "connection")
                    {
                        continue;
                    }
                    out.blocks.push(EvalBlock {
                        ident: b.ident.as_str().to_string(),
                        loc: fi.loc(b.span()),
                        body: self.eval_body(file, &b.body, scope, false),
                    });
                }
            }
        }
        out
    }

    fn expand_dynamic(&self, file: usize, b: &Block, scope: &Scope, out: &mut EvalBody) {
        let Some(name) = b.labels.first().map(label) else {
            return;
        };
        let fi = self.file(file);
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            _ => name.clone(),
        };
        let content = b.body.blocks().find(|c| c.ident.as_str() == "content");
        let (Some(fe), Some(content)) = (b.body.get_attribute("for_each"), content) else {
            return;
        };
        let items: Vec<(TfValue, TfValue)> = match self.eval_in(&fe.value, scope) {
            TfValue::Object(o) => o
                .into_iter()
                .map(|(k, v)| (TfValue::String(k), v))
                .collect(),
            TfValue::List(l) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (TfValue::Number(i as f64), v))
                .collect(),
            TfValue::Null => Vec::new(),
            _ => {
                out.incomplete.push(name);
                return;
            }
        };
        if items.len() > MAX_INSTANCES {
            out.incomplete.push(name);
            return;
        }
        for (k, v) in items {
            let mut inner = scope.clone();
            inner.iterators.push((iterator.clone(), k, v));
            out.blocks.push(EvalBlock {
                ident: name.clone(),
                loc: fi.loc(b.span()),
                body: self.eval_body(file, &content.body, &inner, false),
            });
        }
    }

    /// The value of `module.name`: an object of its outputs (list/map of them with
    /// `count`/`for_each`). Local modules are evaluated with the caller's inputs; remote ones
    /// have unknown outputs.
    fn module_value(&self, name: &str) -> Option<TfValue> {
        let decl = self.src.modules.get(name)?;
        if let Some(v) = self.children.borrow().get(name) {
            return Some(v.clone());
        }
        let key = format!("module.{name}");
        let v = self.memo(&key, (decl.file, decl.item.span()), || {
            let base = format!("{}module.{name}", self.prefix);
            let child_dir = module_source(&decl.item)
                .and_then(|s| local_source_dir(&self.src.dir, &s))
                .and_then(|d| self.root.dirs.get(&d));
            self.expand(decl, &base, |scope, address| match child_dir {
                Some(dir) if self.depth < MAX_MODULE_DEPTH => {
                    self.call_module(decl, dir, scope, address)
                }
                Some(_) => {
                    self.error(
                        decl.file,
                        decl.item.span(),
                        format!("module nesting deeper than {MAX_MODULE_DEPTH}; not followed"),
                    );
                    TfValue::unknown_ref(address, "module nested too deeply")
                }
                None => TfValue::unknown_ref(
                    address.clone(),
                    format!("{address} is not a local module in the scanned tree"),
                ),
            })
        });
        self.children
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        Some(v)
    }

    fn call_module(
        &self,
        decl: &Decl<Block>,
        dir: &'a ModuleDir,
        scope: &Scope,
        address: String,
    ) -> TfValue {
        let mut inputs = IndexMap::new();
        for a in decl.item.body.attributes() {
            let key = a.key.as_str();
            if matches!(
                key,
                "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
            ) {
                continue;
            }
            inputs.insert(key.to_string(), self.eval_in(&a.value, scope));
        }
        let child = ModuleCtx::new(
            self.root,
            dir,
            format!("{address}."),
            self.depth + 1,
            inputs,
        );
        child.collect();
        let outputs = dir
            .outputs
            .iter()
            .map(|(name, d)| {
                let v = match d.item.body.get_attribute("value") {
                    Some(a) => child.eval_in(&a.value, &Scope::default()),
                    None => TfValue::Null,
                };
                (name.clone(), v)
            })
            .collect();
        TfValue::Object(outputs)
    }

    fn read_file(&self, path: &str) -> Result<String, String> {
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.src.dir.join(p)
        };
        let full = normalize(&full);
        if !full.starts_with(&self.root.scan_root) {
            return Err(format!("{path} is outside the scanned directory; not read"));
        }
        let meta = std::fs::metadata(&full).map_err(|e| format!("cannot read {path}: {e}"))?;
        if meta.len() > MAX_READ_BYTES {
            return Err(format!("{path} is larger than 1 MiB; not read"));
        }
        std::fs::read_to_string(&full).map_err(|e| format!("cannot read {path}: {e}"))
    }
}

fn quote(k: &str) -> String {
    format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\""))
}

struct ScopedResolver<'c, 'r, 'a> {
    ctx: &'c ModuleCtx<'r, 'a>,
    scope: &'c Scope,
    /// Files read while evaluating (for statement locations of policy files).
    reads: RefCell<Vec<PathBuf>>,
}

impl Resolver for ScopedResolver<'_, '_, '_> {
    fn resolve(&self, root: &str, attrs: &[&str]) -> Option<(TfValue, usize)> {
        let ctx = self.ctx;
        if let Some((_, k, v)) = self.scope.iterators.iter().rev().find(|(n, ..)| n == root) {
            return match attrs.first() {
                Some(&"key") => Some((k.clone(), 1)),
                Some(&"value") => Some((v.clone(), 1)),
                _ => None,
            };
        }
        match root {
            "var" => {
                let name = attrs.first()?;
                let v = ctx.vars.get(*name).cloned().unwrap_or_else(|| {
                    TfValue::unknown_ref(
                        format!("var.{name}"),
                        format!("variable \"{name}\" is not declared"),
                    )
                });
                Some((v, 1))
            }
            "local" => {
                let name = attrs.first()?;
                let v = ctx.local(name).unwrap_or_else(|| {
                    TfValue::unknown_ref(
                        format!("local.{name}"),
                        format!("local \"{name}\" is not declared"),
                    )
                });
                Some((v, 1))
            }
            "count" => match (attrs.first(), &self.scope.count_index) {
                (Some(&"index"), Some(i)) => Some((i.clone(), 1)),
                _ => None,
            },
            "each" => match (attrs.first(), &self.scope.each) {
                (Some(&"key"), Some((k, _))) => Some((k.clone(), 1)),
                (Some(&"value"), Some((_, v))) => Some((v.clone(), 1)),
                _ => None,
            },
            "path" => {
                let dir = match attrs.first()? {
                    &"module" => ctx.src.dir.clone(),
                    &"root" | &"cwd" => ctx.root.scan_root.clone(),
                    _ => return None,
                };
                Some((TfValue::String(dir.to_string_lossy().into_owned()), 1))
            }
            "terraform" => match attrs.first()? {
                &"workspace" => Some((TfValue::String("default".into()), 1)),
                _ => None,
            },
            "data" => {
                let (t, n) = (attrs.first()?, attrs.get(1)?);
                Some((ctx.resource_value(Mode::Data, t, n)?, 2))
            }
            "module" => {
                let name = attrs.first()?;
                let v = ctx.module_value(name)?;
                Some((v, 1))
            }
            "self" => None,
            rtype => {
                let name = attrs.first()?;
                Some((ctx.resource_value(Mode::Managed, rtype, name)?, 1))
            }
        }
    }

    fn read_file(&self, path: &str) -> Result<String, String> {
        let text = self.ctx.read_file(path)?;
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.ctx.src.dir.join(p)
        };
        self.reads.borrow_mut().push(normalize(&full));
        Ok(text)
    }
}

/// `1` for numbers in addresses, the quoted key for strings.
pub fn instance_key(v: &TfValue) -> String {
    match v {
        TfValue::Number(n) => format_number(*n),
        TfValue::String(s) => quote(s),
        _ => "?".into(),
    }
}
