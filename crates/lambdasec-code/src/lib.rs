//! Syntax-aware analysis of AWS Lambda handler code in Python, JavaScript and TypeScript:
//! what the function's own code does with the invocation event, the environment and the
//! secrets it fetches. It fills [`lambdasec_model::CodeAnalysis`] for rules LS205 (secret
//! fetch caching), LS703 (sensitive values in logs) and LS903 (webhook signature
//! verification).
//!
//! # How
//! 1. The handler setting (`app.handler`, `src/index.handler`, `pkg.mod.handler`) and the
//!    runtime (`python*`, `nodejs*`; inferred from which file exists when unknown) name the
//!    handler's file and function ([`files::FileSet::resolve_handler`]).
//! 2. Files are parsed with tree-sitter (Python, JavaScript, TypeScript and TSX grammars) and
//!    lowered to a small IR. Local imports are followed inside the code location only:
//!    Python `import x`, `from x import y`, `from .x import y` (against the handler's
//!    directory and the package root; `x.py` or `x/__init__.py`), JS/TS relative
//!    `require`, `import`, `import()` (with `.js/.mjs/.cjs/.ts/.mts/.cts/.tsx/.jsx` and
//!    `/index.*`). `node_modules`, `site-packages` and Python distributions installed at the
//!    root (named by a `*.dist-info/RECORD`) are never followed.
//!    Before parsing, a textual pre-scan cuts files into top-level chunks and keeps only
//!    what the handlers can reach by name (module-level code always; a function or class
//!    definition when its name appears in kept code; an export list's entry when its name
//!    is needed); tree-sitter then parses just those byte ranges, each file once per code
//!    location for all its handlers (a partial parse with any syntax error is redone on
//!    the whole file).
//! 3. An abstract interpretation runs every loaded module's top level (once per container:
//!    fetches there are cached *forever*), then the handler with its first parameter bound
//!    to the event, following calls to local functions, methods and classes with their
//!    arguments bound (context-sensitive on a summary of the arguments, memoised).
//!
//! # Limits (by design)
//! - Intra-procedural data flow plus a simple inter-procedural step: calls are resolved by
//!   name (local definitions, imports, `self.`/`this.` methods, instances of local classes);
//!   a call that cannot be resolved but whose name is defined in the analysed files goes to
//!   those definitions (at most two). Calls into libraries do not propagate values, except
//!   known pass-throughs (`str`, `json.dumps/loads`, `JSON.stringify/parse`, `String`,
//!   string methods, `dict`, `Object.assign`, spreads, `.promise()`, `.then(cb)`).
//! - Branches are merged (a variable assigned in an `if` keeps both values); loops run once.
//! - Containers: an object literal keeps its fields one level deep; anything deeper, lists
//!   and values put into other containers are merged (`{"a": {"b": secret}}["a"]` is
//!   secret as a whole). Aliasing through mutation of shared containers is not tracked
//!   beyond a variable's own fields.
//! - Closures see the frame they are called from; functions passed to library calls
//!   (callbacks) are analysed where they are passed.
//! - The event is the handler's first parameter; its `headers` and `body` are sensitive
//!   whole, `Authorization`/`x-api-key`/`cookie` headers always; other fields (and fields of
//!   the parsed body) are not. Single environment variables are not sensitive; the whole
//!   environment is. Every value derived from a secret or parameter read is.
//! - Bounds: 256 files and 16 import levels per handler, files over 2 MiB not read, syntax
//!   nested deeper than [`parse::MAX_NEST`] levels not descended into, 12 nested calls,
//!   6 argument summaries per function, 20,000 function analyses per handler.
//! - `hmac.compare_digest` / `crypto.timingSafeEqual` alone count as a verification (the
//!   analysis does not check that one side is an HMAC of the body).
//! - Functions reached only through computed names (`getattr(mod, name)()`,
//!   `handlers[name]()`) are not parsed nor analysed.
//! - Sources: the handler's first parameter (and Powertools resolvers' `current_event`);
//!   a request object of a web framework run inside the function (Express `req`) is not
//!   an event.

pub mod attach;
pub mod files;
mod interp;
mod ir;
mod known;
mod lower_js;
mod lower_py;
pub mod parse;
mod prescan;
mod value;

use lambdasec_model::{
    CodeAnalysis, CodeLanguage, LogLeak, SecretFetch, SourceError, Verification,
};
use std::path::Path;
use std::sync::Arc;

/// A function whose handler to analyse.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Index into `Inventory::functions`.
    pub function: usize,
    pub handler: &'a str,
    pub runtime: Option<&'a str>,
}

/// What analysing one code location found.
#[derive(Debug, Default)]
pub struct LocationAnalysis {
    /// One per target whose handler was found.
    pub analyses: Vec<CodeAnalysis>,
    /// Syntax errors in the files parsed.
    pub errors: Vec<SourceError>,
}

/// Analyses the handlers `targets` of one code location (a directory or a zip). `prefix` is
/// put before paths inside it to name files in results (`build/api.zip!`, `src/fn/`).
pub fn analyse_location(
    path: &Path,
    prefix: &str,
    targets: &[Target],
    limits: &lambdasec_archive::Limits,
) -> LocationAnalysis {
    in_pool(|| {
        let fs = files::FileSet::read(path, limits);
        analyse_files(&fs, prefix, targets)
    })
}

/// Runs `f` on the analysis thread pool: as many threads as rayon's global pool, with
/// stacks large enough for the bounded recursion of the analysis (lowering at most
/// [`parse::MAX_NEST`] levels, nested calls at most 12 deep) in any build profile. Stack
/// pages are only committed when used.
pub fn in_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .stack_size(64 << 20)
            .thread_name(|i| format!("lambdasec-code-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Analyses handlers over files already read.
pub fn analyse_files(fs: &files::FileSet, prefix: &str, targets: &[Target]) -> LocationAnalysis {
    in_pool(|| analyse_files_here(fs, prefix, targets))
}

fn analyse_files_here(fs: &files::FileSet, prefix: &str, targets: &[Target]) -> LocationAnalysis {
    use rayon::prelude::*;
    // Parse only what the handlers can reach, each file once for all of them.
    let roots: Vec<(files::FileId, String)> = targets
        .iter()
        .filter_map(|t| fs.resolve_handler(t.handler, t.runtime))
        .collect();
    let roots: Vec<(files::FileId, &str)> = roots.iter().map(|(f, n)| (*f, n.as_str())).collect();
    fs.set_plan(prescan::plan(fs, &roots));
    let analyses: Vec<CodeAnalysis> = targets
        .par_iter()
        .filter_map(|t| analyse_one(fs, prefix, t))
        .collect();
    let mut errors: Vec<SourceError> = fs
        .errors()
        .into_iter()
        .map(|(f, line, msg)| SourceError {
            file: format!("{prefix}{}", fs.path(f)),
            line: Some(line),
            message: format!(
                "syntax error in handler code ({msg}); its analysis may be incomplete"
            ),
        })
        .collect();
    errors.sort();
    LocationAnalysis { analyses, errors }
}

fn analyse_one(fs: &files::FileSet, prefix: &str, t: &Target) -> Option<CodeAnalysis> {
    let (file, name) = fs.resolve_handler(t.handler, t.runtime)?;
    let mut e = interp::Engine::new(fs);
    e.load(file);
    e.init_modules(file);
    let (r, h) = e.find_handler(file, &name)?;
    e.run_handler(&r);
    let display = |f: files::FileId| -> Arc<str> { format!("{prefix}{}", fs.path(f)).into() };
    let loc =
        |f: files::FileId, p: ir::Pos| lambdasec_model::Location::new(display(f), p.line, p.col);
    let language = match fs.lang(h.file) {
        Some(ir::Lang::Python) => CodeLanguage::Python,
        Some(ir::Lang::TypeScript) => CodeLanguage::TypeScript,
        _ => CodeLanguage::JavaScript,
    };
    let mut leaks: Vec<_> = e.out.leaks.iter().collect();
    leaks.sort_by_key(|((f, p), _)| (fs.path(*f), *p));
    let log_leaks = leaks
        .into_iter()
        .map(|((f, p), l)| LogLeak {
            loc: loc(*f, *p),
            sink: value::short(&l.sink).to_string(),
            kind: value::KINDS[l.kind],
            via: l.via.clone(),
        })
        .collect();
    let mut fetches: Vec<_> = e.out.fetches.iter().collect();
    fetches.sort_by_key(|((f, p), _)| (fs.path(*f), *p));
    let fetches = fetches
        .into_iter()
        .map(|((f, p), x)| SecretFetch {
            loc: loc(*f, *p),
            service: x.info.service,
            api: value::short(&x.info.api).to_string(),
            name: x.info.name.clone(),
            name_env: x.info.name_env.clone(),
            caching: x.caching,
        })
        .collect();
    let verification = e.out.verification.as_ref().map(|(f, p, how)| Verification {
        loc: loc(*f, *p),
        how: how.clone(),
    });
    Some(CodeAnalysis {
        function: t.function,
        language,
        handler: loc(h.file, h.pos),
        log_leaks,
        verification,
        fetches,
        files: e.order.iter().map(|f| display(*f).to_string()).collect(),
    })
}
