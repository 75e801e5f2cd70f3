//! The abstract values of the data-flow analysis.

use crate::files::FileId;
use lambdasec_model::{FetchCaching, FetchService, LeakKind};
use std::rc::Rc;

/// Kinds indexed by severity (the index into [`V::via`]).
pub const KINDS: [LeakKind; 4] = [
    LeakKind::WholeEvent,
    LeakKind::Environment,
    LeakKind::AuthorizationHeader,
    LeakKind::Secret,
];
pub const WHOLE_EVENT: usize = 0;
pub const ENVIRONMENT: usize = 1;
pub const AUTH_HEADER: usize = 2;
pub const SECRET: usize = 3;

/// Structured sources whose parts are mostly not sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The invocation event.
    Event,
    /// Its headers (`event['headers']`): sensitive whole, and by credential-bearing key.
    Headers,
    /// Its body (raw or parsed): sensitive whole, its fields are not.
    Body,
    /// The environment (`os.environ`, `process.env`): single variables are not sensitive.
    Env,
}

impl Shape {
    fn kind(self) -> usize {
        match self {
            Shape::Env => ENVIRONMENT,
            _ => WHOLE_EVENT,
        }
    }
}

/// A secret or parameter read, as far as the call shows it.
#[derive(Debug, Clone)]
pub struct FetchInfo {
    pub service: FetchService,
    pub api: String,
    pub name: Option<String>,
    pub name_env: Option<String>,
    /// Caching the API itself provides (Powertools, caching clients, the extension).
    pub inherent: Option<FetchCaching>,
}

/// Objects the analysis recognises by how they were made.
#[derive(Debug, Clone)]
pub enum Tag {
    Logger,
    /// svix / standardwebhooks `Webhook(secret)`.
    Webhook,
    /// slack_sdk `SignatureVerifier(...)`.
    SlackVerifier,
    /// Octokit `new Webhooks(...)`.
    OctoWebhooks,
    /// aws_secretsmanager_caching `SecretCache(...)`.
    SecretCache,
    /// Powertools `SecretsProvider` / `SSMProvider`.
    Provider(FetchService),
    /// An AWS SDK v3 command object (`new GetSecretValueCommand(...)`).
    Cmd(Rc<FetchInfo>),
    /// A URL of the Parameters and Secrets extension.
    ExtUrl(Rc<FetchInfo>),
}

/// What a value may be or refer to.
#[derive(Debug, Clone)]
pub enum Ref {
    /// A function (with the caching its wrapper or decorator gives it).
    Func(FileId, u32, Option<FetchCaching>),
    /// A method bound to an instance of a class.
    Method(FileId, u32, u32),
    Class(FileId, u32),
    Instance(FileId, u32),
    /// A local module (its namespace, or `module.exports`).
    Module(FileId),
    /// A Python namespace package directory.
    Package(Rc<str>),
    /// An imported name, resolved when read.
    Export(FileId, Rc<str>),
    /// Something outside the analysed code, by its dotted path (`os.environ`,
    /// `console.log`, `@aws-sdk/client-ssm.GetParameterCommand`).
    Ext(Rc<str>),
    Tag(Tag),
}

/// Fields of an object literal value, shared.
pub type Fields = Rc<Vec<(Box<str>, V)>>;

/// An abstract value.
#[derive(Debug, Clone, Default)]
pub struct V {
    /// For each kind (by severity), how the value got it, when it carries it whole.
    pub via: [Option<Rc<str>>; 4],
    pub shape: Option<(Shape, Rc<str>)>,
    /// Fields of an object literal, one level.
    pub fields: Option<Fields>,
    /// The string literal it is.
    pub lit: Option<Rc<str>>,
    /// The environment variable it was read from.
    pub env: Option<Rc<str>>,
    pub refs: Vec<Ref>,
    /// Derived from a clock read.
    pub time: bool,
}

const MAX_REFS: usize = 8;
/// Fields an object value keeps by name.
const MAX_FIELDS: usize = 64;

impl V {
    pub fn kind(k: usize, via: Rc<str>) -> V {
        let mut v = V::default();
        v.via[k] = Some(via);
        v
    }

    pub fn shaped(s: Shape, via: Rc<str>) -> V {
        V {
            shape: Some((s, via)),
            ..V::default()
        }
    }

    pub fn of_ref(r: Ref) -> V {
        V {
            refs: vec![r],
            ..V::default()
        }
    }

    pub fn lit(s: &str) -> V {
        V {
            lit: Some(s.into()),
            ..V::default()
        }
    }

    pub fn is_tainted(&self) -> bool {
        self.via.iter().any(Option::is_some)
            || self.shape.is_some()
            || self
                .fields
                .as_ref()
                .is_some_and(|f| f.iter().any(|(_, v)| v.is_tainted()))
    }

    /// The most severe kind the value carries as a whole, and how.
    pub fn sensitivity(&self) -> Option<(usize, Rc<str>)> {
        let mut best: Option<(usize, Rc<str>)> = None;
        let mut consider = |k: usize, via: &Rc<str>| {
            if best.as_ref().is_none_or(|(b, _)| k > *b) {
                best = Some((k, via.clone()));
            }
        };
        // Fields nest one level per object literal; walk them with a stack.
        let mut stack: Vec<&V> = vec![self];
        let mut seen = 0;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > 4096 {
                break;
            }
            for (k, via) in v.via.iter().enumerate() {
                if let Some(via) = via {
                    consider(k, via);
                }
            }
            if let Some((s, via)) = &v.shape {
                consider(s.kind(), via);
            }
            if let Some(f) = &v.fields {
                stack.extend(f.iter().map(|(_, v)| v));
            }
        }
        best
    }

    /// The value turned into a string or put in a container: what it carries stays, its
    /// structure goes.
    pub fn flatten(&self) -> V {
        let mut out = V {
            time: self.time,
            ..V::default()
        };
        let mut stack: Vec<&V> = vec![self];
        let mut seen = 0;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > 4096 {
                break;
            }
            for (k, via) in v.via.iter().enumerate() {
                if out.via[k].is_none() {
                    out.via[k] = via.clone();
                }
            }
            if let Some((s, via)) = &v.shape {
                if out.via[s.kind()].is_none() {
                    out.via[s.kind()] = Some(via.clone());
                }
            }
            if let Some(f) = &v.fields {
                stack.extend(f.iter().map(|(_, v)| v));
            }
        }
        for r in &self.refs {
            if let Ref::Tag(Tag::ExtUrl(_)) = r {
                out.refs.push(r.clone());
            }
        }
        out
    }

    /// Adds what `o` may be.
    pub fn join(&mut self, o: &V) {
        for k in 0..4 {
            if self.via[k].is_none() {
                self.via[k] = o.via[k].clone();
            }
        }
        if self.shape.is_none() {
            self.shape = o.shape.clone();
        }
        let mut spill: Option<V> = None;
        match (&mut self.fields, &o.fields) {
            (_, None) => {}
            (None, Some(f)) => self.fields = Some(f.clone()),
            (Some(a), Some(b)) => {
                if !Rc::ptr_eq(a, b) {
                    let mut merged: Vec<(Box<str>, V)> = a.as_ref().clone();
                    for (k, v) in b.iter() {
                        if let Some((_, mv)) = merged.iter_mut().find(|(mk, _)| mk == k) {
                            mv.join(v);
                        } else if merged.len() < MAX_FIELDS {
                            merged.push((k.clone(), v.clone()));
                        } else {
                            // Too many fields: what the rest carries stays, by kind.
                            spill.get_or_insert_with(V::default).join(&v.flatten());
                        }
                    }
                    *a = Rc::new(merged);
                }
            }
        }
        if let Some(sp) = spill {
            for k in 0..4 {
                if self.via[k].is_none() {
                    self.via[k] = sp.via[k].clone();
                }
            }
        }
        if self.lit.is_none() {
            self.lit = o.lit.clone();
        }
        if self.env.is_none() {
            self.env = o.env.clone();
        }
        for r in &o.refs {
            if self.refs.len() < MAX_REFS {
                self.refs.push(r.clone());
            }
        }
        self.time |= o.time;
    }

    pub fn joined(mut self, o: &V) -> V {
        self.join(o);
        self
    }

    /// A field of an object literal value.
    pub fn field(&self, k: &str) -> Option<&V> {
        self.fields
            .as_ref()?
            .iter()
            .find(|(fk, _)| &**fk == k)
            .map(|(_, v)| v)
    }

    pub fn set_field(&mut self, k: &str, v: V) {
        if self.fields.as_ref().is_some_and(|f| f.len() >= MAX_FIELDS) {
            // Past this many fields, an object is just what it carries.
            let flat = v.flatten();
            self.join(&flat);
            return;
        }
        let mut f: Vec<(Box<str>, V)> = self
            .fields
            .as_ref()
            .map(|f| f.as_ref().clone())
            .unwrap_or_default();
        match f.iter_mut().find(|(fk, _)| &**fk == k) {
            Some((_, fv)) => fv.join(&v),
            None => f.push((k.into(), v)),
        }
        self.fields = Some(Rc::new(f));
    }

    pub fn ext(&self) -> Option<&str> {
        self.refs.iter().find_map(|r| match r {
            Ref::Ext(p) => Some(&**p),
            _ => None,
        })
    }

    pub fn has_tag(&self, f: impl Fn(&Tag) -> bool) -> bool {
        self.refs.iter().any(|r| matches!(r, Ref::Tag(t) if f(t)))
    }

    pub fn tag<T>(&self, f: impl Fn(&Tag) -> Option<T>) -> Option<T> {
        self.refs.iter().find_map(|r| match r {
            Ref::Tag(t) => f(t),
            _ => None,
        })
    }

    /// Local code this value refers to (functions, methods, classes, modules).
    pub fn is_local(&self) -> bool {
        self.refs.iter().any(|r| {
            matches!(
                r,
                Ref::Func(..)
                    | Ref::Method(..)
                    | Ref::Class(..)
                    | Ref::Instance(..)
                    | Ref::Module(..)
                    | Ref::Package(..)
            )
        })
    }

    /// A small summary of what matters for a function's behaviour (memo key).
    pub fn sig(&self) -> u64 {
        let mut s = 0u64;
        for (k, v) in self.via.iter().enumerate() {
            if v.is_some() {
                s |= 1 << k;
            }
        }
        if let Some((sh, _)) = &self.shape {
            s |= (*sh as u64 + 1) << 4;
        }
        if self.fields.is_some() {
            s |= 1 << 7;
        }
        if self.lit.is_some() {
            s |= 1 << 8;
        }
        if self.env.is_some() {
            s |= 1 << 9;
        }
        if self.time {
            s |= 1 << 10;
        }
        for r in &self.refs {
            s = s.rotate_left(5)
                ^ match r {
                    Ref::Func(f, i, _) | Ref::Method(f, i, _) => {
                        (u64::from(*f) << 20) ^ u64::from(*i) ^ 0x1000
                    }
                    Ref::Instance(f, i) | Ref::Class(f, i) => {
                        (u64::from(*f) << 20) ^ u64::from(*i) ^ 0x2000
                    }
                    Ref::Tag(_) => 0x4000,
                    _ => 0,
                };
        }
        s
    }
}

/// Shortens source text for `via`: whitespace collapsed, at most 80 characters.
pub fn short(text: &str) -> Rc<str> {
    let mut out = String::new();
    let mut n = 0;
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            n += 1;
        }
        for c in w.chars() {
            if n >= 77 {
                out.push_str("...");
                return out.into();
            }
            out.push(c);
            n += 1;
        }
    }
    out.into()
}
