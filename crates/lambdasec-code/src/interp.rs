//! The analysis of one handler: an abstract interpretation of the IR, from the module
//! initialisation of every module the handler's file imports (transitively) to the handler
//! itself, following calls to local functions by name with their arguments bound.

use crate::files::{parent, FileId, FileSet};
use crate::ir::*;
use crate::known;
use crate::value::*;
use lambdasec_model::FetchCaching;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// Local modules loaded for one handler.
pub const MAX_FILES: usize = 256;
/// Import depth followed from the handler's file.
pub const MAX_IMPORT_DEPTH: usize = 16;
/// Nested calls followed.
const MAX_CALL_DEPTH: u32 = 12;
/// Function analyses per handler (each function runs once per distinct argument summary).
const MAX_RUNS: u32 = 20_000;
/// Distinct argument summaries analysed per function.
const MAX_CONTEXTS: usize = 6;

/// How the current code runs: once per container (module initialisation) or per
/// invocation, and what caches its results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Ctx {
    init: bool,
    memo: Option<FetchCaching>,
    depth: u32,
}

impl Ctx {
    fn bits(&self) -> u64 {
        (self.init as u64)
            | match self.memo {
                None => 0,
                Some(FetchCaching::Forever) => 2,
                Some(FetchCaching::Refreshed) => 4,
                Some(FetchCaching::PerInvocation) => 6,
            }
    }
}

/// A log leak found: kind (severity index), sink text, via.
#[derive(Debug, Clone)]
pub struct Leak {
    pub kind: usize,
    pub sink: String,
    pub via: String,
}

#[derive(Debug, Clone)]
pub struct Fetch {
    pub info: FetchInfo,
    pub caching: FetchCaching,
}

#[derive(Default)]
pub struct Results {
    pub leaks: HashMap<(FileId, Pos), Leak>,
    pub fetches: HashMap<(FileId, Pos), Fetch>,
    pub verification: Option<(FileId, Pos, String)>,
}

struct ModState {
    m: Arc<Module>,
    env: HashMap<Box<str>, V>,
    exports: HashMap<Box<str>, V>,
    /// `module.exports = ...`
    cjs: Option<V>,
    /// `from x import *`, `export * from`.
    star: Vec<FileId>,
    initialised: bool,
}

struct Frame<'p> {
    file: FileId,
    m: Arc<Module>,
    locals: HashMap<Box<str>, V>,
    parent: Option<&'p Frame<'p>>,
    /// Python `global` names.
    globals: HashSet<Box<str>>,
    module_level: bool,
    /// Class body being run (its assignments are class attributes).
    class_level: Option<(FileId, u32)>,
    /// Inside a branch: assignments add to the old value.
    weak: u32,
    ctx: Ctx,
    /// Cache guards around the current statement.
    guards: Vec<FetchCaching>,
    ret: V,
    this: Option<V>,
    /// The function being run.
    func: u32,
}

impl Frame<'_> {
    fn memo(&self) -> Option<FetchCaching> {
        if self.guards.is_empty() {
            return self.ctx.memo;
        }
        if self.guards.contains(&FetchCaching::Refreshed) {
            Some(FetchCaching::Refreshed)
        } else {
            Some(FetchCaching::Forever)
        }
    }
}

/// Top-level functions by name, over the loaded modules.
type ByName = HashMap<Box<str>, Vec<(FileId, u32)>>;

pub struct Engine<'a> {
    fs: &'a FileSet,
    mods: HashMap<FileId, ModState>,
    /// Loaded modules, in load order.
    pub order: Vec<FileId>,
    edges: HashMap<FileId, Vec<FileId>>,
    pub out: Results,
    memo: HashMap<(FileId, u32, u64), V>,
    contexts: HashMap<(FileId, u32), usize>,
    active: Vec<(FileId, u32)>,
    runs: u32,
    class_fields: HashMap<(FileId, u32), HashMap<Box<str>, V>>,
    by_name: Option<ByName>,
}

/// The handler found: its file, function and position.
pub struct Handler {
    pub file: FileId,
    pub pos: Pos,
}

impl<'a> Engine<'a> {
    pub fn new(fs: &'a FileSet) -> Self {
        Engine {
            fs,
            mods: HashMap::new(),
            order: Vec::new(),
            edges: HashMap::new(),
            out: Results::default(),
            memo: HashMap::new(),
            contexts: HashMap::new(),
            active: Vec::new(),
            runs: 0,
            class_fields: HashMap::new(),
            by_name: None,
        }
    }

    /// Loads the handler's module and the local modules it imports (breadth first, bounded),
    /// parsing each level's files in parallel.
    pub fn load(&mut self, root: FileId) {
        let fs = self.fs;
        let mut seen: HashSet<FileId> = HashSet::new();
        seen.insert(root);
        let mut level = vec![root];
        let mut depth = 0;
        while !level.is_empty() {
            use rayon::prelude::*;
            let parsed: Vec<(FileId, Option<Arc<Module>>)> =
                level.par_iter().map(|&f| (f, fs.module(f))).collect();
            let mut next = Vec::new();
            for (f, m) in parsed {
                let Some(m) = m else { continue };
                if self.order.len() >= MAX_FILES {
                    break;
                }
                let mut targets = Vec::new();
                for (spec, lvl) in &m.imports {
                    for t in self.resolve_all(f, &m, spec, *lvl) {
                        targets.push(t);
                        if depth < MAX_IMPORT_DEPTH && seen.insert(t) {
                            next.push(t);
                        }
                    }
                }
                self.edges.insert(f, targets);
                self.order.push(f);
                self.mods.insert(
                    f,
                    ModState {
                        m,
                        env: HashMap::new(),
                        exports: HashMap::new(),
                        cjs: None,
                        star: Vec::new(),
                        initialised: false,
                    },
                );
            }
            level = next;
            depth += 1;
        }
    }

    /// An import's file, and for Python dotted imports the packages on the way
    /// (`import a.b.c` runs `a/__init__.py` and `a/b/__init__.py`).
    fn resolve_all(&self, from: FileId, m: &Module, spec: &str, level: u32) -> Vec<FileId> {
        if m.lang.is_js() {
            return self.fs.resolve_js(from, spec).into_iter().collect();
        }
        let mut out = Vec::new();
        let mut prefix = String::new();
        for part in spec.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            if let Some(t) = self.fs.resolve_py(from, &prefix, level) {
                out.push(t);
            }
        }
        if spec.is_empty() && level > 0 {
            out.extend(self.fs.resolve_py(from, "", level));
        }
        out
    }

    /// Runs every loaded module's top level, imported modules first.
    pub fn init_modules(&mut self, root: FileId) {
        // Post-order over import edges, iteratively.
        let mut order = Vec::new();
        let mut visited = HashSet::new();
        let mut stack = vec![(root, 0usize)];
        visited.insert(root);
        while let Some((f, i)) = stack.pop() {
            let edges = self.edges.get(&f).cloned().unwrap_or_default();
            if i < edges.len() {
                stack.push((f, i + 1));
                let t = edges[i];
                if self.mods.contains_key(&t) && visited.insert(t) {
                    stack.push((t, 0));
                }
            } else {
                order.push(f);
            }
        }
        for f in order {
            self.init_module(f);
        }
    }

    fn init_module(&mut self, f: FileId) {
        let Some(st) = self.mods.get_mut(&f) else {
            return;
        };
        if st.initialised {
            return;
        }
        st.initialised = true;
        let m = st.m.clone();
        let mut fr = Frame {
            file: f,
            m: m.clone(),
            locals: HashMap::new(),
            parent: None,
            globals: HashSet::new(),
            module_level: true,
            class_level: None,
            weak: 0,
            ctx: Ctx {
                init: true,
                memo: None,
                depth: 0,
            },
            guards: Vec::new(),
            ret: V::default(),
            this: None,
            func: 0,
        };
        if let Some(body) = m.funcs.first().map(|f| &f.body) {
            self.exec_block(&mut fr, body);
        }
    }

    /// Finds the exported handler function.
    pub fn find_handler(&mut self, file: FileId, name: &str) -> Option<(Ref, Handler)> {
        let st = self.mods.get(&file)?;
        let is_js = st.m.lang.is_js();
        let v = if is_js {
            self.resolve_export(file, name, 0)
        } else {
            let v = st.env.get(name).cloned().unwrap_or_default();
            self.deref(v, 0)
        };
        for r in &v.refs {
            match r {
                Ref::Func(f, id, _) | Ref::Method(f, id, _) => {
                    let m = self.mods.get(f)?.m.clone();
                    let func = m.funcs.get(*id as usize)?;
                    return Some((
                        r.clone(),
                        Handler {
                            file: *f,
                            pos: func.pos,
                        },
                    ));
                }
                _ => {}
            }
        }
        None
    }

    /// Analyses the handler with its first parameter bound to the event.
    pub fn run_handler(&mut self, r: &Ref) {
        let (f, id, this) = match r {
            Ref::Func(f, id, _) => (*f, *id, None),
            Ref::Method(f, id, c) => (*f, *id, Some(V::of_ref(Ref::Instance(*f, *c)))),
            _ => return,
        };
        let Some(m) = self.mods.get(&f).map(|s| s.m.clone()) else {
            return;
        };
        let Some(func) = m.funcs.get(id as usize) else {
            return;
        };
        let skip_self = !m.lang.is_js()
            && this.is_some()
            && matches!(
                func.params.first().and_then(|p| p.name()),
                Some("self" | "cls")
            );
        let ev_param = func.params.get(usize::from(skip_self));
        let via: Rc<str> = ev_param
            .and_then(|p| p.name())
            .map(short)
            .unwrap_or_else(|| "event".into());
        let event = V::shaped(Shape::Event, via);
        let ctx = Ctx {
            init: false,
            memo: None,
            depth: 0,
        };
        self.run(f, id, vec![(None, event)], this, ctx, None);
    }

    // ----- statements -----

    fn exec_block(&mut self, fr: &mut Frame, stmts: &[Stmt]) {
        let guards_before = fr.guards.len();
        for (i, s) in stmts.iter().enumerate() {
            match s {
                Stmt::Expr(e) => {
                    self.eval(fr, e);
                }
                Stmt::Assign {
                    target,
                    value,
                    kind,
                } => {
                    if let (Target::Seq(ts), Expr::List(es)) = (target, value) {
                        if ts.len() == es.len() {
                            let vs: Vec<V> = es.iter().map(|e| self.eval(fr, e)).collect();
                            for (t, v) in ts.iter().zip(vs) {
                                self.assign(fr, t, v, *kind);
                            }
                            continue;
                        }
                    }
                    // `x = x or fetch()` / `x = x ?? await fetch()` on a module-level
                    // variable memoises like a guard.
                    let memo = match (target, value) {
                        (Target::Name(n), Expr::Union(es)) => matches!(
                            es.first(),
                            Some(Expr::Name(m, _)) if m == n && self.is_cache_var(fr, n)
                        ),
                        _ => false,
                    };
                    if memo {
                        fr.guards.push(FetchCaching::Forever);
                    }
                    let v = self.eval(fr, value);
                    if memo {
                        fr.guards.pop();
                    }
                    self.assign(fr, target, v, *kind);
                }
                Stmt::Return(e) => {
                    if let Some(e) = e {
                        let v = self.eval(fr, e);
                        fr.ret.join(&v);
                    }
                }
                Stmt::If { cond, then, els } => {
                    let cv = self.eval(fr, cond);
                    let guard = self.guard(fr, cond, &cv, then, &stmts[i + 1..]);
                    fr.weak += 1;
                    match guard {
                        Some((g, false)) => {
                            fr.guards.push(g);
                            self.exec_block(fr, then);
                            fr.guards.pop();
                        }
                        _ => self.exec_block(fr, then),
                    }
                    self.exec_block(fr, els);
                    fr.weak -= 1;
                    if let Some((g, true)) = guard {
                        // `if cached: return cached` guards the rest of the block.
                        fr.guards.push(g);
                    }
                }
                Stmt::Loop { bind, body } => {
                    fr.weak += 1;
                    if let Some((t, it)) = bind {
                        let iv = self.eval(fr, it);
                        let elem = self.item(fr, &iv, None, None);
                        self.assign(fr, t, elem, AssignKind::Plain);
                    }
                    self.exec_block(fr, body);
                    fr.weak -= 1;
                }
                Stmt::Block(b) => self.exec_block(fr, b),
                Stmt::Def { name, func } => {
                    let v = self.def_func(fr, *func);
                    self.set_var(fr, name, v, AssignKind::Decl);
                }
                Stmt::ClassDef { name, class } => {
                    let v = self.def_class(fr, *class);
                    self.set_var(fr, name, v, AssignKind::Decl);
                }
                Stmt::Global(names) => {
                    fr.globals.extend(names.iter().cloned());
                }
                Stmt::Import(imp) => self.import(fr, imp),
                Stmt::Export(pairs) => {
                    for (local, exported) in pairs {
                        let v = self.lookup(fr, local, None);
                        if let Some(st) = self.mods.get_mut(&fr.file) {
                            st.exports.insert(exported.clone(), v);
                        }
                    }
                }
            }
        }
        fr.guards.truncate(guards_before);
    }

    /// Whether `if cond:` guards a cache: the condition reads a module-level variable (or an
    /// attribute of `self`/`this`) that the branch — or, when the branch returns, the rest
    /// of the block — assigns. Returns the caching (refreshed when the condition also reads
    /// a clock) and whether the guard covers the rest of the block.
    fn guard(
        &self,
        fr: &Frame,
        cond: &Expr,
        cv: &V,
        then: &[Stmt],
        rest: &[Stmt],
    ) -> Option<(FetchCaching, bool)> {
        let mut names: Vec<String> = Vec::new();
        let mut stack = vec![cond];
        let mut n = 0;
        while let Some(e) = stack.pop() {
            n += 1;
            if n > 256 {
                break;
            }
            match e {
                Expr::Name(nm, _) if self.is_cache_var(fr, nm) => {
                    names.push(nm.to_string());
                }
                Expr::Attr(b, a, _) => match &**b {
                    Expr::Name(s, _) if &**s == "self" || &**s == "this" => {
                        names.push(format!("{s}.{a}"));
                    }
                    other => stack.push(other),
                },
                Expr::Index(b, i, _) => {
                    stack.push(b);
                    stack.push(i);
                }
                Expr::Call(c) => {
                    stack.push(&c.callee);
                    stack.extend(c.args.iter().map(|a| &a.value));
                }
                Expr::Union(es) | Expr::Opaque(es) | Expr::Concat(es) | Expr::List(es) => {
                    stack.extend(es.iter())
                }
                Expr::Assign(_, v) => stack.push(v),
                _ => {}
            }
        }
        if names.is_empty() {
            return None;
        }
        let caching = if cv.time {
            FetchCaching::Refreshed
        } else {
            FetchCaching::Forever
        };
        if assigns_any(then, &names) {
            return Some((caching, false));
        }
        if returns(then) && assigns_any(rest, &names) {
            return Some((caching, true));
        }
        None
    }

    fn is_cache_var(&self, fr: &Frame, name: &str) -> bool {
        if fr.module_level {
            return false;
        }
        let local = !fr.globals.contains(name)
            && (fr.locals.contains_key(name)
                || std::iter::successors(fr.parent, |p| p.parent)
                    .any(|p| !p.module_level && p.locals.contains_key(name)));
        if local {
            return false;
        }
        match self.mods.get(&fr.file).and_then(|s| s.env.get(name)) {
            Some(v) => {
                !v.is_local()
                    && v.ext().is_none()
                    && !v.refs.iter().any(|r| matches!(r, Ref::Export(..)))
            }
            None => fr.globals.contains(name),
        }
    }

    fn def_func(&mut self, fr: &mut Frame, id: u32) -> V {
        let m = fr.m.clone();
        let Some(func) = m.funcs.get(id as usize) else {
            return V::default();
        };
        let mut route = false;
        for d in &func.decorators {
            self.eval(fr, d);
            // `@app.get("/path")`, `@router.post(...)`: called per request by a resolver.
            if let Expr::Call(c) = d {
                if let Expr::Attr(_, meth, _) = &c.callee {
                    route |= known::ROUTE_METHODS.contains(&&**meth);
                }
            }
        }
        let memo = known::decorator_memo(&m, &func.decorators);
        let v = V::of_ref(Ref::Func(fr.file, id, memo));
        if route {
            let ctx = Ctx {
                init: false,
                memo,
                depth: fr.ctx.depth + 1,
            };
            let parent = (!fr.module_level).then_some(&*fr);
            self.run(fr.file, id, Vec::new(), None, ctx, parent);
        }
        v
    }

    fn def_class(&mut self, fr: &mut Frame, id: u32) -> V {
        let m = fr.m.clone();
        let Some(class) = m.classes.get(id as usize) else {
            return V::default();
        };
        for d in &class.decorators {
            self.eval(fr, d);
        }
        for (_, fid) in &class.methods {
            if let Some(f) = m.funcs.get(*fid as usize) {
                for d in &f.decorators {
                    self.eval(fr, d);
                }
            }
        }
        if !class.body.is_empty() {
            let mut cf = Frame {
                file: fr.file,
                m: m.clone(),
                locals: HashMap::new(),
                parent: None,
                globals: HashSet::new(),
                module_level: false,
                class_level: Some((fr.file, id)),
                weak: 0,
                ctx: fr.ctx,
                guards: Vec::new(),
                ret: V::default(),
                this: Some(V::of_ref(Ref::Instance(fr.file, id))),
                func: fr.func,
            };
            self.exec_block(&mut cf, &class.body);
        }
        V::of_ref(Ref::Class(fr.file, id))
    }

    fn import(&mut self, fr: &mut Frame, imp: &Import) {
        let m = fr.m.clone();
        let target = if m.lang.is_js() {
            self.fs.resolve_js(fr.file, &imp.module)
        } else {
            self.fs.resolve_py(fr.file, &imp.module, imp.level)
        }
        .filter(|t| self.mods.contains_key(t));
        let ext_path = |s: &str| -> Rc<str> { s.strip_prefix("node:").unwrap_or(s).into() };
        match &imp.bind {
            ImportBind::Namespace(local) => {
                let v = if !m.lang.is_js() && **local == *imp.module && imp.module.contains('.') {
                    // `import a.b.c` binds `a`.
                    let first = imp.module.split('.').next().unwrap_or_default();
                    self.py_module_value(fr.file, first, imp.level)
                } else if let Some(t) = target {
                    V::of_ref(Ref::Module(t))
                } else if !m.lang.is_js() {
                    self.py_module_value(fr.file, &imp.module, imp.level)
                } else {
                    V::of_ref(Ref::Ext(ext_path(&imp.module)))
                };
                let name = if !m.lang.is_js() && **local == *imp.module {
                    imp.module.split('.').next().unwrap_or_default()
                } else {
                    local
                };
                self.set_var(fr, name, v, AssignKind::Decl);
            }
            ImportBind::Default(local) => {
                let v = match target {
                    Some(t) => V::of_ref(Ref::Export(t, "default".into())),
                    None => V::of_ref(Ref::Ext(ext_path(&imp.module))),
                };
                self.set_var(fr, local, v, AssignKind::Decl);
            }
            ImportBind::Named(pairs) => {
                for (name, local) in pairs {
                    let v = match target {
                        Some(t) => V::of_ref(Ref::Export(t, (&**name).into())),
                        None => {
                            let base = if imp.level > 0 {
                                format!("{}{}", ".".repeat(imp.level as usize), imp.module)
                            } else {
                                ext_path(&imp.module).to_string()
                            };
                            let v = self.ext_value(&format!("{base}.{name}"), None);
                            // `from pkg import mod` of a local package without `__init__.py`.
                            if !m.lang.is_js() {
                                let sub = if imp.module.is_empty() {
                                    name.to_string()
                                } else {
                                    format!("{}.{name}", imp.module)
                                };
                                match self.fs.resolve_py(fr.file, &sub, imp.level) {
                                    Some(t) if self.mods.contains_key(&t) => {
                                        V::of_ref(Ref::Module(t))
                                    }
                                    _ => v,
                                }
                            } else {
                                v
                            }
                        }
                    };
                    self.set_var(fr, local, v, AssignKind::Decl);
                }
            }
            ImportBind::All => {
                if let Some(t) = target {
                    if let Some(st) = self.mods.get_mut(&fr.file) {
                        st.star.push(t);
                    }
                }
            }
            ImportBind::ReExport(pairs) => {
                for (name, exported) in pairs {
                    let v = match target {
                        Some(t) => V::of_ref(Ref::Export(t, (&**name).into())),
                        None => {
                            V::of_ref(Ref::Ext(format!("{}.{name}", ext_path(&imp.module)).into()))
                        }
                    };
                    if let Some(st) = self.mods.get_mut(&fr.file) {
                        st.exports.insert(exported.clone(), v);
                    }
                }
            }
            ImportBind::Effect => {}
        }
    }

    /// A Python module or package by dotted name: local (loaded) or external.
    fn py_module_value(&self, from: FileId, module: &str, level: u32) -> V {
        if let Some(t) = self.fs.resolve_py(from, module, level) {
            if self.mods.contains_key(&t) {
                return V::of_ref(Ref::Module(t));
            }
        }
        if level == 0 {
            if let Some(d) = self.fs.py_namespace_dir(from, module) {
                return V::of_ref(Ref::Package(d.into()));
            }
        }
        self.ext_value(module, None)
    }

    // ----- variables -----

    fn set_var(&mut self, fr: &mut Frame, name: &str, mut v: V, kind: AssignKind) {
        if let Some(key) = fr.class_level {
            let e = self.class_fields.entry(key).or_default();
            match e.get_mut(name) {
                Some(old) => old.join(&v),
                None => {
                    e.insert(name.into(), v);
                }
            }
            return;
        }
        let js = fr.m.lang.is_js();
        let to_module = fr.module_level
            || fr.globals.contains(name)
            || (js
                && kind != AssignKind::Decl
                && !fr.locals.contains_key(name)
                && self
                    .mods
                    .get(&fr.file)
                    .is_some_and(|s| s.env.contains_key(name)));
        let weak = fr.weak > 0 && !fr.module_level || kind == AssignKind::Augment;
        if to_module {
            let Some(st) = self.mods.get_mut(&fr.file) else {
                return;
            };
            // A global assigned inside a function keeps every value it may have had.
            let keep = weak || !fr.module_level;
            match st.env.get_mut(name) {
                Some(old) if keep => old.join(&v),
                _ => {
                    st.env.insert(name.into(), v);
                }
            }
            return;
        }
        if weak {
            if let Some(old) = fr.locals.get(name) {
                v.join(old);
            }
        }
        fr.locals.insert(name.into(), v);
    }

    fn lookup(&mut self, fr: &Frame, name: &str, span: Option<Span>) -> V {
        let v = self.lookup_raw(fr, name, span);
        self.deref(v, 0)
    }

    fn lookup_raw(&mut self, fr: &Frame, name: &str, span: Option<Span>) -> V {
        if name == "this" {
            let mut f = Some(fr);
            while let Some(x) = f {
                if let Some(t) = &x.this {
                    return t.clone();
                }
                f = x.parent;
            }
            return V::default();
        }
        if !fr.module_level && !fr.globals.contains(name) {
            if let Some(v) = fr.locals.get(name) {
                return v.clone();
            }
            let mut p = fr.parent;
            while let Some(x) = p {
                if x.module_level {
                    break;
                }
                if let Some(v) = x.locals.get(name) {
                    return v.clone();
                }
                p = x.parent;
            }
        }
        if let Some(st) = self.mods.get(&fr.file) {
            if let Some(v) = st.env.get(name) {
                return v.clone();
            }
            let stars = st.star.clone();
            for s in stars {
                let v = self.resolve_export(s, name, 1);
                if !v.refs.is_empty() || v.is_tainted() {
                    return v;
                }
            }
        }
        let via = span.map(|s| short(fr.m.text(s)));
        self.ext_value(name, via)
    }

    /// A value outside the analysed code by its dotted path; the environment is a source.
    fn ext_value(&self, path: &str, via: Option<Rc<str>>) -> V {
        let path = if path.len() > 200 {
            &path[..path.floor_char_boundary(200)]
        } else {
            path
        };
        let mut v = V::of_ref(Ref::Ext(path.into()));
        if path == "os.environ" || path == "process.env" {
            v.shape = Some((Shape::Env, via.unwrap_or_else(|| path.into())));
        }
        v
    }

    /// Resolves lazily bound imports.
    fn deref(&mut self, v: V, depth: u32) -> V {
        if !v.refs.iter().any(|r| matches!(r, Ref::Export(..))) {
            return v;
        }
        let mut out = V {
            refs: Vec::new(),
            ..v.clone()
        };
        for r in v.refs {
            match r {
                Ref::Export(f, name) => {
                    let x = self.resolve_export(f, &name, depth + 1);
                    out.join(&x);
                }
                other => out.refs.push(other),
            }
        }
        out
    }

    /// What module `f` exports as `name`.
    fn resolve_export(&mut self, f: FileId, name: &str, depth: u32) -> V {
        if depth > MAX_IMPORT_DEPTH as u32 {
            return V::default();
        }
        let Some(st) = self.mods.get(&f) else {
            return V::default();
        };
        let js = st.m.lang.is_js();
        let found = if js {
            st.exports.get(name).cloned().or_else(|| {
                let cjs = st.cjs.as_ref()?;
                if name == "default" {
                    return Some(cjs.clone());
                }
                cjs.field(name).cloned()
            })
        } else {
            st.env.get(name).cloned()
        };
        if let Some(v) = found {
            return self.deref(v, depth);
        }
        if js {
            // `module.exports = { ... }` assigned whole, or `export default`.
            if let Some(cjs) = st.cjs.clone() {
                let mut r = V::default();
                for x in &cjs.refs {
                    if let Ref::Instance(cf, c) | Ref::Class(cf, c) = x {
                        if let Some(mid) = self.method_of(*cf, *c, name) {
                            r.refs.push(Ref::Method(*cf, mid, *c));
                        }
                    }
                }
                if !r.refs.is_empty() {
                    return r;
                }
            }
        } else {
            // A submodule of a package.
            let path = self.fs.path(f);
            if path.ends_with("__init__.py") {
                let dir = parent(path);
                let sub = if dir.is_empty() {
                    name.to_string()
                } else {
                    format!("{}.{name}", dir.replace('/', "."))
                };
                if let Some(t) = self.fs.resolve_py(f, &sub, 0) {
                    if self.mods.contains_key(&t) {
                        return V::of_ref(Ref::Module(t));
                    }
                }
            }
        }
        let stars = self
            .mods
            .get(&f)
            .map(|s| s.star.clone())
            .unwrap_or_default();
        for s in stars {
            let v = self.resolve_export(s, name, depth + 1);
            if !v.refs.is_empty() || v.is_tainted() {
                return v;
            }
        }
        V::default()
    }

    fn method_of(&self, f: FileId, class: u32, name: &str) -> Option<u32> {
        let st = self.mods.get(&f)?;
        st.m.classes
            .get(class as usize)?
            .methods
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| *id)
    }

    // ----- assignment -----

    fn assign(&mut self, fr: &mut Frame, t: &Target, v: V, kind: AssignKind) {
        match t {
            Target::Name(n) => self.set_var(fr, n, v, kind),
            Target::Attr(base, k) => self.assign_member(fr, base, Some(k), v),
            Target::Index(base, idx) => {
                let iv = self.eval(fr, idx);
                let key = iv.lit.clone();
                self.assign_member(fr, base, key.as_deref(), v);
            }
            Target::Seq(ts) => {
                for t in ts {
                    let e = self.item(fr, &v, None, None);
                    self.assign(fr, t, e, kind);
                }
            }
            Target::Obj(props, rest) => {
                for (k, t) in props {
                    // `const { a } = require('x')` binds the module's `a`.
                    let e = self.attr(fr, &v, k, None);
                    self.assign(fr, t, e, kind);
                }
                if let Some(r) = rest {
                    self.assign(fr, r, v, kind);
                }
            }
            Target::Default(t, d) => {
                let dv = self.eval(fr, d);
                self.assign(fr, t, v.joined(&dv), kind);
            }
            Target::None => {}
        }
    }

    fn assign_member(&mut self, fr: &mut Frame, base: &Expr, key: Option<&str>, v: V) {
        let js = fr.m.lang.is_js();
        match base {
            Expr::Name(n, _) => {
                let local = fr.locals.contains_key(&**n);
                if js && !local && &**n == "exports" && !self.module_has(fr.file, "exports") {
                    if let (Some(k), Some(st)) = (key, self.mods.get_mut(&fr.file)) {
                        st.exports.insert(k.into(), v);
                    }
                    return;
                }
                if js && !local && &**n == "module" && key == Some("exports") {
                    if let Some(st) = self.mods.get_mut(&fr.file) {
                        st.cjs = Some(v);
                    }
                    return;
                }
                if &**n == "self" || &**n == "this" {
                    let this = if &**n == "this" {
                        self.lookup_raw(fr, "this", None)
                    } else {
                        fr.locals.get("self").cloned().unwrap_or_default()
                    };
                    if let (Some(k), Some(c)) = (
                        key,
                        this.refs.iter().find_map(|r| match r {
                            Ref::Instance(f, c) => Some((*f, *c)),
                            _ => None,
                        }),
                    ) {
                        let e = self.class_fields.entry(c).or_default();
                        match e.get_mut(k) {
                            Some(old) => old.join(&v),
                            None => {
                                e.insert(k.into(), v);
                            }
                        }
                        return;
                    }
                }
                let mut cur = self.lookup_raw(fr, n, None);
                match key {
                    Some(k) => cur.set_field(k, v),
                    None => cur.join(&v.flatten()),
                }
                self.set_var(fr, n, cur, AssignKind::Plain);
            }
            Expr::Attr(b, m, _) => {
                if let Expr::Name(x, _) = &**b {
                    if js
                        && &**x == "module"
                        && &**m == "exports"
                        && !fr.locals.contains_key("module")
                    {
                        if let (Some(k), Some(st)) = (key, self.mods.get_mut(&fr.file)) {
                            st.exports.insert(k.into(), v);
                        }
                        return;
                    }
                }
                // `a.b.c = v`: recorded on `a.b` as a whole.
                self.assign_member(fr, b, Some(m), v.flatten());
            }
            other => {
                self.eval(fr, other);
            }
        }
    }

    fn module_has(&self, f: FileId, name: &str) -> bool {
        self.mods.get(&f).is_some_and(|s| s.env.contains_key(name))
    }

    // ----- expressions -----

    fn eval(&mut self, fr: &mut Frame, e: &Expr) -> V {
        match e {
            Expr::Name(n, span) => self.lookup(fr, n, Some(*span)),
            Expr::Attr(o, k, span) => {
                let ov = self.eval(fr, o);
                self.attr(fr, &ov, k, Some(*span))
            }
            Expr::Index(o, i, span) => {
                let ov = self.eval(fr, o);
                let iv = self.eval(fr, i);
                let key = iv.lit.clone();
                self.item(fr, &ov, key.as_deref(), Some(*span))
            }
            Expr::Call(c) => self.call(fr, c),
            Expr::Str(s) => {
                let mut v = V::lit(s);
                if let Some(info) = known::extension_url(s, None) {
                    v.refs.push(Ref::Tag(Tag::ExtUrl(Rc::new(info))));
                }
                v
            }
            Expr::Const(_) | Expr::Unknown => V::default(),
            Expr::Concat(parts) => {
                let mut out = V::default();
                let mut text = String::new();
                let mut all_lit = true;
                let mut env: Option<Rc<str>> = None;
                for p in parts {
                    let v = self.eval(fr, p);
                    match &v.lit {
                        Some(l) => text.push_str(l),
                        None => {
                            all_lit = false;
                            text.push('\u{1}');
                        }
                    }
                    if env.is_none() {
                        env = v.env.clone();
                    }
                    out.join(&v.flatten());
                }
                out.refs.retain(|r| !matches!(r, Ref::Tag(Tag::ExtUrl(_))));
                if all_lit {
                    out.lit = Some(text.as_str().into());
                } else {
                    out.lit = None;
                }
                if let Some(info) = known::extension_url(&text, env.as_deref()) {
                    out.refs.push(Ref::Tag(Tag::ExtUrl(Rc::new(info))));
                }
                out.env = None;
                out
            }
            Expr::Union(es) => {
                let mut out = V::default();
                for e in es {
                    let v = self.eval(fr, e);
                    out.join(&v);
                }
                out
            }
            Expr::Opaque(es) => {
                let mut time = false;
                for e in es {
                    time |= self.eval(fr, e).time;
                }
                V {
                    time,
                    ..V::default()
                }
            }
            Expr::List(es) => {
                let mut out = V::default();
                for e in es {
                    let v = self.eval(fr, e);
                    out.join(&v.flatten());
                }
                out
            }
            Expr::Object(props) => {
                let mut out = V::default();
                let mut fields: Vec<(Box<str>, V)> = Vec::new();
                for p in props {
                    let v = self.eval(fr, &p.value);
                    if p.spread {
                        // `{...x}` / `{**x}` copies x.
                        if out.shape.is_none() {
                            out.shape = v.shape.clone();
                        }
                        for k in 0..4 {
                            if out.via[k].is_none() {
                                out.via[k] = v.via[k].clone();
                            }
                        }
                        if let Some(f) = &v.fields {
                            fields.extend(f.iter().cloned());
                        }
                    } else if let Some(k) = &p.key {
                        fields.push((k.clone(), v));
                    } else {
                        out.join(&v.flatten());
                    }
                }
                if !fields.is_empty() {
                    out.fields = Some(Rc::new(fields));
                }
                out
            }
            Expr::Spread(e) => self.eval(fr, e),
            Expr::Func(id) => V::of_ref(Ref::Func(fr.file, *id, None)),
            Expr::Class(id) => self.def_class(fr, *id),
            Expr::Compr(binds, elt) => {
                fr.weak += 1;
                for (t, it) in binds {
                    let iv = self.eval(fr, it);
                    let e = self.item(fr, &iv, None, None);
                    self.assign(fr, t, e, AssignKind::Plain);
                }
                let v = self.eval(fr, elt);
                fr.weak -= 1;
                v.flatten()
            }
            Expr::Assign(t, v) => {
                let val = self.eval(fr, v);
                self.assign(fr, t, val.clone(), AssignKind::Plain);
                val
            }
        }
    }

    fn via_text(&self, fr: &Frame, span: Option<Span>) -> Rc<str> {
        match span {
            Some(s) => short(fr.m.text(s)),
            None => "".into(),
        }
    }

    /// `o[key]` / `o.get(key)` as data: sensitive parts stay sensitive; the event's and the
    /// environment's fields are judged by name.
    fn item(&self, fr: &Frame, o: &V, key: Option<&str>, span: Option<Span>) -> V {
        let mut r = V {
            via: o.via.clone(),
            ..V::default()
        };
        if let Some((shape, _)) = &o.shape {
            match (shape, key) {
                (Shape::Event, Some(k)) => {
                    let lk = k.to_ascii_lowercase();
                    if lk == "headers" || lk == "multivalueheaders" {
                        r.shape = Some((Shape::Headers, self.via_text(fr, span)));
                    } else if lk == "body" {
                        r.shape = Some((Shape::Body, self.via_text(fr, span)));
                    }
                }
                (Shape::Headers, Some(k))
                    if known::AUTH_HEADERS.contains(&k.to_ascii_lowercase().as_str()) =>
                {
                    r.via[AUTH_HEADER] = Some(self.via_text(fr, span));
                }
                (Shape::Env, Some(k)) => r.env = Some(k.into()),
                _ => {}
            }
        }
        if let Some(f) = &o.fields {
            match key {
                Some(k) => {
                    if let Some((_, v)) = f.iter().find(|(fk, _)| &**fk == k) {
                        r.join(v);
                    }
                }
                None => {
                    for (_, v) in f.iter() {
                        r.join(&v.flatten());
                    }
                }
            }
        }
        r
    }

    fn attr(&mut self, fr: &Frame, o: &V, k: &str, span: Option<Span>) -> V {
        let mut r = self.item(fr, o, Some(k), span);
        for x in o.refs.clone() {
            match x {
                Ref::Module(f) => {
                    let v = self.resolve_export(f, k, 0);
                    r.join(&v);
                }
                Ref::Package(dir) => {
                    let module = format!("{}.{k}", dir.replace('/', "."));
                    let v = self.py_module_value(fr.file, &module, 0);
                    if v.is_local() {
                        r.join(&v);
                    }
                }
                Ref::Instance(f, c) => {
                    if let Some(mid) = self.method_of(f, c, k) {
                        r.refs.push(Ref::Method(f, mid, c));
                    } else if let Some(v) = self.class_fields.get(&(f, c)).and_then(|m| m.get(k)) {
                        r.join(&v.clone());
                    }
                }
                Ref::Class(f, c) => {
                    if let Some(mid) = self.method_of(f, c, k) {
                        r.refs.push(Ref::Func(f, mid, None));
                    } else if let Some(v) = self.class_fields.get(&(f, c)).and_then(|m| m.get(k)) {
                        r.join(&v.clone());
                    }
                }
                Ref::Ext(p) => {
                    let via = span.map(|s| short(fr.m.text(s)));
                    let v = self.ext_value(&format!("{p}.{k}"), via);
                    r.join(&v);
                }
                Ref::Tag(Tag::Logger) => {}
                _ => {}
            }
        }
        if k == "current_event" && r.shape.is_none() && !o.is_tainted() {
            // Powertools event handler resolvers: `app.current_event`.
            r.shape = Some((Shape::Event, self.via_text(fr, span)));
        }
        r
    }

    // ----- calls -----

    fn call(&mut self, fr: &mut Frame, c: &Call) -> V {
        let (recv, method, callee) = match &c.callee {
            Expr::Attr(o, m, span) => {
                let ov = self.eval(fr, o);
                let cv = self.attr(fr, &ov, m, Some(*span));
                (Some(ov), Some(&**m), cv)
            }
            e => (None, None, self.eval(fr, e)),
        };
        let args: Vec<V> = c.args.iter().map(|a| self.eval(fr, &a.value)).collect();
        let m = fr.m.clone();
        let callee_text = known::expr_text(&m, &c.callee);
        let recv_text = match &c.callee {
            Expr::Attr(o, _, _) => known::expr_text(&m, o),
            _ => "",
        };
        let lang = m.lang;

        // Local code.
        if callee.is_local() {
            if let (Some(meth), Some(rv)) = (method, &recv) {
                if matches!(meth, "bind") && rv.is_local() {
                    return rv.clone();
                }
                if matches!(meth, "call" | "apply") && rv.is_local() {
                    let rest: Vec<(Option<Box<str>>, V)> =
                        args.iter().skip(1).map(|v| (None, v.clone())).collect();
                    return self.invoke(fr, rv, rest, c.new);
                }
            }
            let bound: Vec<(Option<Box<str>>, V)> = c
                .args
                .iter()
                .zip(args.iter())
                .map(|(a, v)| (a.kw.clone(), v.clone()))
                .collect();
            return self.invoke(fr, &callee, bound, c.new);
        }
        let ext = callee.ext().map(str::to_string);
        let ext = ext.as_deref();
        let at = (fr.file, c.pos);

        // require('./x') / import('./x').
        if matches!(ext, Some("require") | Some("import")) && lang.is_js() {
            if let Some(spec) = args.first().and_then(|a| a.lit.clone()) {
                if let Some(t) = self.fs.resolve_js(fr.file, &spec) {
                    if self.mods.contains_key(&t) {
                        let mut v = V::of_ref(Ref::Module(t));
                        if let Some(cjs) = self.mods.get(&t).and_then(|s| s.cjs.clone()) {
                            v.join(&cjs);
                        }
                        return v;
                    }
                }
                let spec = spec.strip_prefix("node:").unwrap_or(&spec);
                return V::of_ref(Ref::Ext(spec.into()));
            }
        }

        let cx = known::CallCx {
            lang,
            ext,
            method,
            recv: recv.as_ref(),
            recv_text,
            callee_text,
            args: &args,
            call: c,
        };

        // Powertools "log the event" switches.
        if known::logs_event(&cx) {
            self.leak(
                at,
                WHOLE_EVENT,
                callee_text,
                "logEvent / log_event enabled".into(),
            );
        }
        // Logging sinks.
        if known::is_sink(&cx) {
            let mut best: Option<(usize, Rc<str>)> = None;
            for v in &args {
                if let Some((k, via)) = v.sensitivity() {
                    if best.as_ref().is_none_or(|(b, _)| k > *b) {
                        best = Some((k, via));
                    }
                }
            }
            if let Some((k, via)) = best {
                self.leak(at, k, callee_text, via.to_string());
            }
            self.callbacks(fr, c, &args, recv.as_ref(), method);
            return V::default();
        }
        if let Some(how) = known::verifier(&cx) {
            if self.out.verification.is_none() {
                self.out.verification = Some((fr.file, c.pos, how));
            }
        }
        if let Some(info) = known::fetch(&cx) {
            let caching = if fr.ctx.init {
                FetchCaching::Forever
            } else if let Some(memo) = fr.memo() {
                memo
            } else {
                info.inherent.unwrap_or(FetchCaching::PerInvocation)
            };
            self.fetch(at, info, caching);
            self.callbacks(fr, c, &args, recv.as_ref(), method);
            return V::kind(SECRET, short(fr.m.text(c.span)));
        }
        if let Some(v) = known::construct(&cx) {
            self.callbacks(fr, c, &args, recv.as_ref(), method);
            return v;
        }
        if method == Some("get") {
            // `d.get("k")`, `os.environ.get("X")`, `headers.get("authorization")` on data.
            if let Some(rv) = recv
                .as_ref()
                .filter(|r| r.is_tainted() || r.fields.is_some())
            {
                let key = args.first().and_then(|a| a.lit.clone());
                let mut v = self.item(fr, rv, key.as_deref(), Some(c.span));
                if let Some(d) = args.get(1) {
                    v.join(d);
                }
                return v;
            }
        }
        if let Some(v) = known::transform(&cx) {
            let v = if method == Some("then") {
                // `.then(r => ...)`: the callback receives the value.
                let mut out = V::default();
                if let Some(cb) = args.first() {
                    let rv = recv.clone().unwrap_or_default();
                    let r = self.invoke_callback(fr, cb, vec![rv]);
                    out.join(&r);
                }
                out.join(&v);
                out
            } else {
                self.callbacks(fr, c, &args, recv.as_ref(), method);
                v
            };
            return v;
        }

        // Unresolved: functions or methods of that name in the analysed files.
        let name = method.or(match &c.callee {
            Expr::Name(n, _) => Some(&**n),
            _ => None,
        });
        let unresolved = match &recv {
            Some(rv) => rv.refs.is_empty() && !rv.is_tainted(),
            None => ext.is_some_and(|p| !p.contains('.')),
        };
        if unresolved {
            if let Some(name) = name {
                let cands = self.by_name(name);
                if !cands.is_empty() {
                    let mut out = V::default();
                    for (f, id) in cands.into_iter().take(2) {
                        let bound: Vec<(Option<Box<str>>, V)> = c
                            .args
                            .iter()
                            .zip(args.iter())
                            .map(|(a, v)| (a.kw.clone(), v.clone()))
                            .collect();
                        let ctx = self.callee_ctx(fr, None);
                        let r = self.run(f, id, bound, None, ctx, None);
                        out.join(&r);
                    }
                    return out;
                }
            }
        }
        let memo = known::memo_wrapper(&cx);
        let mut out = self.callbacks_memo(fr, c, &args, recv.as_ref(), method, memo);
        // Wrappers (`middy(handler)`, `fn.bind(x)`): the wrapped function.
        for v in args.iter().chain(recv.iter()) {
            for r in &v.refs {
                if let Ref::Func(f, id, m0) = r {
                    out.refs.push(Ref::Func(*f, *id, memo.or(*m0)));
                } else if let Ref::Method(..) = r {
                    out.refs.push(r.clone());
                }
            }
        }
        out
    }

    fn leak(&mut self, at: (FileId, Pos), kind: usize, sink: &str, via: String) {
        let e = self.out.leaks.entry(at).or_insert(Leak {
            kind,
            sink: sink.to_string(),
            via: via.clone(),
        });
        if kind > e.kind {
            e.kind = kind;
            e.via = via;
        }
    }

    fn fetch(&mut self, at: (FileId, Pos), info: FetchInfo, caching: FetchCaching) {
        fn rank(c: FetchCaching) -> u8 {
            match c {
                FetchCaching::Refreshed => 0,
                FetchCaching::Forever => 1,
                FetchCaching::PerInvocation => 2,
            }
        }
        match self.out.fetches.get_mut(&at) {
            Some(f) => {
                if rank(caching) > rank(f.caching) {
                    f.caching = caching;
                }
            }
            None => {
                self.out.fetches.insert(at, Fetch { info, caching });
            }
        }
    }

    fn callbacks(
        &mut self,
        fr: &mut Frame,
        c: &Call,
        args: &[V],
        recv: Option<&V>,
        method: Option<&str>,
    ) {
        self.callbacks_memo(fr, c, args, recv, method, None);
    }

    /// Functions passed as arguments to code outside the analysis are called by it: they are
    /// analysed, their first parameter bound to the element for iteration methods.
    fn callbacks_memo(
        &mut self,
        fr: &mut Frame,
        _c: &Call,
        args: &[V],
        recv: Option<&V>,
        method: Option<&str>,
        memo: Option<FetchCaching>,
    ) -> V {
        let mut out = V::default();
        let elem = match (method, recv) {
            (Some(m), Some(rv)) if known::ITERATION_METHODS.contains(&m) => {
                Some(self.item(fr, rv, None, None))
            }
            _ => None,
        };
        for a in args {
            if !a
                .refs
                .iter()
                .any(|r| matches!(r, Ref::Func(..) | Ref::Method(..)))
            {
                continue;
            }
            let bound = elem.iter().cloned().collect();
            let saved = fr.ctx;
            if fr.module_level {
                // Registered at initialisation, called later (per request).
                fr.ctx.init = false;
            }
            if memo.is_some() {
                fr.ctx.memo = memo;
            }
            let r = self.invoke_callback(fr, a, bound);
            fr.ctx = saved;
            out.join(&r);
        }
        if method.is_some_and(|m| known::ITERATION_METHODS.contains(&m)) {
            out.flatten()
        } else {
            V::default()
        }
    }

    fn invoke_callback(&mut self, fr: &mut Frame, f: &V, args: Vec<V>) -> V {
        let bound = args.into_iter().map(|v| (None, v)).collect();
        self.invoke(fr, f, bound, false)
    }

    fn callee_ctx(&self, fr: &Frame, memo: Option<FetchCaching>) -> Ctx {
        Ctx {
            init: fr.ctx.init,
            memo: memo.or(fr.memo()),
            depth: fr.ctx.depth + 1,
        }
    }

    /// Calls the local functions, methods or classes `callee` may be.
    fn invoke(
        &mut self,
        fr: &mut Frame,
        callee: &V,
        args: Vec<(Option<Box<str>>, V)>,
        new: bool,
    ) -> V {
        let _ = new;
        let mut out = V::default();
        let mut n = 0;
        for r in callee.refs.clone() {
            if n >= 3 {
                break;
            }
            match r {
                Ref::Func(f, id, memo) => {
                    n += 1;
                    let ctx = self.callee_ctx(fr, memo);
                    // Nested functions see the frame they are called from.
                    let parent_ok = f == fr.file
                        && self
                            .mods
                            .get(&f)
                            .and_then(|s| s.m.funcs.get(id as usize))
                            .is_some_and(|func| func.parent.is_some());
                    let parent = parent_ok.then_some(&*fr);
                    let v = self.run(f, id, args.clone(), None, ctx, parent);
                    out.join(&v);
                }
                Ref::Method(f, id, c) => {
                    n += 1;
                    let ctx = self.callee_ctx(fr, None);
                    let this = V::of_ref(Ref::Instance(f, c));
                    let v = self.run(f, id, args.clone(), Some(this), ctx, None);
                    out.join(&v);
                }
                Ref::Class(f, c) => {
                    n += 1;
                    let init = ["__init__", "constructor"]
                        .iter()
                        .find_map(|nm| self.method_of(f, c, nm));
                    let this = V::of_ref(Ref::Instance(f, c));
                    if let Some(id) = init {
                        let ctx = self.callee_ctx(fr, None);
                        self.run(f, id, args.clone(), Some(this.clone()), ctx, None);
                    }
                    out.join(&this);
                }
                Ref::Module(f) => {
                    // `module.exports = fn`.
                    if let Some(cjs) = self.mods.get(&f).and_then(|s| s.cjs.clone()) {
                        if cjs.refs.iter().any(|r| matches!(r, Ref::Func(..))) {
                            n += 1;
                            let v = self.invoke(fr, &cjs, args.clone(), new);
                            out.join(&v);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Runs function `id` of file `f` with arguments bound to its parameters; its return
    /// value. Memoised per argument summary; recursion and depth bounded.
    fn run(
        &mut self,
        f: FileId,
        id: u32,
        args: Vec<(Option<Box<str>>, V)>,
        this: Option<V>,
        ctx: Ctx,
        parent: Option<&Frame>,
    ) -> V {
        if ctx.depth > MAX_CALL_DEPTH || self.runs >= MAX_RUNS {
            return V::default();
        }
        if self.active.contains(&(f, id)) {
            return V::default();
        }
        let Some(m) = self.mods.get(&f).map(|s| s.m.clone()) else {
            return V::default();
        };
        let Some(func) = m.funcs.get(id as usize) else {
            return V::default();
        };
        let mut sig = ctx.bits() ^ (this.as_ref().map_or(0, |t| t.sig()) << 3);
        for (k, v) in &args {
            sig = sig.rotate_left(11) ^ v.sig() ^ k.as_ref().map_or(0, |k| k.len() as u64 * 31);
        }
        if parent.is_some() {
            sig ^= 0x5555;
        }
        let key = (f, id, sig);
        if let Some(v) = self.memo.get(&key) {
            return v.clone();
        }
        let n = self.contexts.entry((f, id)).or_insert(0);
        if *n >= MAX_CONTEXTS {
            return V::default();
        }
        *n += 1;
        self.runs += 1;
        let memo = known::decorator_memo(&m, &func.decorators).or(ctx.memo);
        let mut fr = Frame {
            file: f,
            m: m.clone(),
            locals: HashMap::new(),
            parent,
            globals: HashSet::new(),
            module_level: false,
            class_level: None,
            weak: 0,
            ctx: Ctx { memo, ..ctx },
            guards: Vec::new(),
            ret: V::default(),
            this: if m.lang.is_js() { this.clone() } else { None },
            func: id,
        };
        // Bind parameters: `self` first for Python methods, then positional, then keywords.
        let mut params: Vec<&Param> = func.params.iter().collect();
        if !m.lang.is_js() {
            if let Some(t) = &this {
                if matches!(params.first().and_then(|p| p.name()), Some("self" | "cls")) {
                    fr.locals
                        .insert(params[0].name().unwrap_or("self").into(), t.clone());
                    params.remove(0);
                }
            }
        }
        let mut bound = vec![false; params.len()];
        let mut pi = 0;
        let mut rest_v = V::default();
        for (kw, v) in &args {
            match kw {
                Some(k) => {
                    if let Some(i) = params.iter().position(|p| p.name() == Some(&**k)) {
                        let t = params[i].target.clone();
                        self.assign(&mut fr, &t, v.clone(), AssignKind::Decl);
                        bound[i] = true;
                    }
                }
                None => {
                    if let Some(p) = params.get(pi) {
                        if p.rest {
                            rest_v.join(&v.flatten());
                        } else {
                            let t = p.target.clone();
                            self.assign(&mut fr, &t, v.clone(), AssignKind::Decl);
                            bound[pi] = true;
                            pi += 1;
                        }
                    }
                }
            }
        }
        for (i, p) in params.iter().enumerate() {
            if !bound[i] {
                let v = if p.rest { rest_v.clone() } else { V::default() };
                let t = p.target.clone();
                self.assign(&mut fr, &t, v, AssignKind::Decl);
            }
        }
        self.active.push((f, id));
        self.exec_block(&mut fr, &func.body);
        self.active.pop();
        let ret = std::mem::take(&mut fr.ret);
        self.memo.insert(key, ret.clone());
        ret
    }

    fn by_name(&mut self, name: &str) -> Vec<(FileId, u32)> {
        if self.by_name.is_none() {
            let mut idx: HashMap<Box<str>, Vec<(FileId, u32)>> = HashMap::new();
            for (&f, st) in &self.mods {
                for (i, func) in st.m.funcs.iter().enumerate().skip(1) {
                    if !func.name.is_empty() && func.parent.is_none() {
                        idx.entry(func.name.clone())
                            .or_default()
                            .push((f, i as u32));
                    }
                }
            }
            for v in idx.values_mut() {
                v.sort_unstable();
            }
            self.by_name = Some(idx);
        }
        self.by_name
            .as_ref()
            .and_then(|i| i.get(name))
            .cloned()
            .unwrap_or_default()
    }
}

/// Whether the statements assign any of `names` (`x = ...`, `x[k] = ...`, `x.k = ...`,
/// `self.k = ...`), looking into nested blocks.
fn assigns_any(stmts: &[Stmt], names: &[String]) -> bool {
    let mut stack: Vec<&Stmt> = stmts.iter().collect();
    let mut n = 0;
    while let Some(s) = stack.pop() {
        n += 1;
        if n > 10_000 {
            return false;
        }
        match s {
            Stmt::Assign { target, .. } if target_hits(target, names) => {
                return true;
            }
            Stmt::Expr(Expr::Assign(t, _)) if target_hits(t, names) => {
                return true;
            }
            Stmt::If { then, els, .. } => {
                stack.extend(then.iter());
                stack.extend(els.iter());
            }
            Stmt::Loop { body, .. } | Stmt::Block(body) => stack.extend(body.iter()),
            _ => {}
        }
    }
    false
}

fn target_hits(t: &Target, names: &[String]) -> bool {
    let hit = |s: &str| names.iter().any(|n| n == s);
    match t {
        Target::Name(n) => hit(n),
        Target::Attr(b, k) | Target::Index(b, Expr::Str(k)) => match b {
            Expr::Name(n, _) => hit(n) || hit(&format!("{n}.{k}")),
            _ => false,
        },
        Target::Index(Expr::Name(n, _), _) => hit(n),
        Target::Seq(ts) => ts.iter().any(|t| target_hits(t, names)),
        _ => false,
    }
}

/// Whether a block returns at its top level (or raises).
fn returns(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| matches!(s, Stmt::Return(_)))
}
