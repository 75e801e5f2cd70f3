//! Loading YAML and JSON templates into the located [`Node`] tree.
//!
//! One YAML 1.2 event parser (`saphyr-parser`) reads both YAML and JSON, so every node of
//! either gets its 1-based line and column. The tree is built here from the parser's events,
//! without recursion, which lets the loader:
//!
//! - turn the short-form tags (`!Ref`, `!GetAtt`, `!Sub`, ...) and the one-key long forms
//!   (`{"Ref": ..}`, `{"Fn::*": ..}`) into [`NodeValue::Intrinsic`] with the long name;
//! - report duplicate mapping keys (the parser accepts them silently) and keep the last;
//! - bound the work: input size, nesting depth and the nodes produced by alias expansion.
//!
//! Scalars follow the YAML 1.2 core schema, with one deliberate exception: a plain scalar that
//! looks like a number becomes [`NodeValue::Number`] only when the number prints back exactly as
//! written. `012345678901` (an account ID), `1.10`, `1e3`, `0x1F`, `.inf` and integers above
//! 2^53 stay strings with their text, so that stringifying a value gives what CloudFormation
//! sees.
//!
//! YAML merge keys (`<<: *defaults`, common in `serverless.yml`) are applied: explicit keys win
//! over merged ones, and earlier merged mappings win over later ones.

use std::collections::HashMap;
use std::sync::Arc;

use lambdasec_model::{Location, SourceError};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use crate::node::{Key, Node, NodeValue};

/// Largest input accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of sequences and mappings accepted (after alias expansion too).
pub const MAX_DEPTH: usize = 128;
/// Most nodes one document may hold once aliases are expanded.
pub const MAX_NODES: usize = 1_000_000;

/// The SAM transform that makes a CloudFormation template a SAM template.
const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Which kind of document a file is, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    CloudFormation,
    Sam,
    Serverless,
    Other,
}

/// Parse a YAML or JSON template (the first document of a multi-document YAML stream).
///
/// Only syntax problems and limits are errors; warnings (duplicate keys, unknown tags) are
/// dropped: use [`load_with_warnings`] to get them.
pub fn load(rel: &str, text: &str) -> Result<Node, SourceError> {
    let (result, _warnings) = load_inner(rel, text);
    result
}

/// Parse a YAML or JSON template and return the tree (`None` on a syntax error or a limit)
/// with every warning and error found, each with its line. A fatal error comes last.
pub fn load_with_warnings(rel: &str, text: &str) -> (Option<Node>, Vec<SourceError>) {
    let (result, mut warnings) = load_inner(rel, text);
    match result {
        Ok(node) => (Some(node), warnings),
        Err(e) => {
            warnings.push(e);
            (None, warnings)
        }
    }
}

/// [`load_with_warnings`] on raw bytes. Invalid UTF-8 is reported as a warning with the line
/// of the first bad byte; each bad sequence is replaced by U+FFFD and the file is still read.
pub fn load_bytes(rel: &str, bytes: &[u8]) -> (Option<Node>, Vec<SourceError>) {
    if bytes.len() > MAX_INPUT_BYTES {
        return (None, vec![too_large(rel, bytes.len())]);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_with_warnings(rel, text),
        Err(e) => {
            let bad = e.valid_up_to();
            let line = line_of_byte(bytes, bad);
            let warning = SourceError {
                file: rel.to_string(),
                line: Some(line),
                message: format!(
                    "invalid UTF-8 at byte {bad} (line {line}); invalid bytes replaced by U+FFFD"
                ),
            };
            let text = String::from_utf8_lossy(bytes);
            let (node, mut rest) = load_with_warnings(rel, &text);
            rest.insert(0, warning);
            (node, rest)
        }
    }
}

/// Cheap content sniffing on the parsed root.
///
/// - `CloudFormation`: a `Resources` mapping or an `AWSTemplateFormatVersion` at the top;
/// - `Sam`: CloudFormation whose `Transform` is (or lists) `AWS::Serverless-2016-10-31`;
/// - `Serverless`: `service` and (`provider` or `functions`) at the top;
/// - `Other`: anything else (docker-compose, Kubernetes manifests, `package.json`, ...).
pub fn kind(root: &Node) -> DocKind {
    if !matches!(root.value, NodeValue::Map(_)) {
        return DocKind::Other;
    }
    let has_resources = matches!(
        root.get("Resources").map(|r| &r.value),
        Some(NodeValue::Map(_))
    );
    if has_resources || root.get("AWSTemplateFormatVersion").is_some() {
        let is_sam = |n: &Node| n.as_str().is_some_and(|s| s.trim() == SAM_TRANSFORM);
        let sam = match root.get("Transform") {
            Some(t) => is_sam(t) || t.items().iter().any(is_sam),
            None => false,
        };
        return if sam {
            DocKind::Sam
        } else {
            DocKind::CloudFormation
        };
    }
    if root.get("service").is_some()
        && (root.get("provider").is_some() || root.get("functions").is_some())
    {
        return DocKind::Serverless;
    }
    DocKind::Other
}

/// Quick pre-check on raw text before parsing: true when the text could be a CloudFormation,
/// SAM or Serverless Framework document.
pub fn maybe_template(text: &str) -> bool {
    text.contains("Resources")
        || text.contains("AWSTemplateFormatVersion")
        || (text.contains("service") && (text.contains("provider") || text.contains("functions")))
}

// ---------------------------------------------------------------------------------------------

fn too_large(rel: &str, len: usize) -> SourceError {
    SourceError {
        file: rel.to_string(),
        line: None,
        message: format!("file too large to parse ({len} bytes; the limit is {MAX_INPUT_BYTES})"),
    }
}

fn line_of_byte(bytes: &[u8], offset: usize) -> u32 {
    let newlines = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

fn load_inner(rel: &str, text: &str) -> (Result<Node, SourceError>, Vec<SourceError>) {
    if text.len() > MAX_INPUT_BYTES {
        return (Err(too_large(rel, text.len())), Vec::new());
    }
    let file: Arc<str> = Arc::from(rel);
    // JSON may escape characters outside the BMP as UTF-16 surrogate pairs, which YAML does
    // not accept: rewrite them (see `rewrite_json_surrogates`) and map columns back.
    let (rewritten, shifts) = match rewrite_json_surrogates(text) {
        Some((t, s)) => (Some(t), s),
        None => (None, Vec::new()),
    };
    let source = rewritten.as_deref().unwrap_or(text);
    let mut builder = Builder {
        file,
        shifts,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        warnings: Vec::new(),
        root: None,
    };
    let result = builder.run(source);
    (result, builder.warnings)
}

/// A column shift from the surrogate rewrite: (line, column after the rewrite in the
/// rewritten text, cumulative shift on that line).
type Shift = (usize, usize, usize);

/// A node being built: a sequence or a mapping whose end has not been seen yet.
struct Frame {
    loc: Location,
    anchor: usize,
    tag: Option<Tag>,
    /// `Builder::nodes` when the frame was opened (to size anchored nodes).
    first_node: usize,
    /// Height of the tallest finished child (0 when none).
    child_height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map(MapFrame),
}

struct MapFrame {
    entries: Vec<(Key, Node)>,
    /// Key name to index in `entries`.
    index: HashMap<String, usize>,
    /// Merge-key (`<<`) values, applied at the end of the mapping.
    merges: Vec<Node>,
    state: MapState,
}

enum MapState {
    /// The next node is a key.
    Key,
    /// A sequence or mapping is being read as a key (not supported: ignored with a warning).
    ComplexKey(Location),
    /// The next node is the value of this key (`true` for a `<<` merge key).
    Value(Key, bool),
    /// The next node is the value of an ignored key.
    SkipValue,
}

struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

struct Builder {
    file: Arc<str>,
    /// Column corrections from the surrogate rewrite: (line, column after the rewrite in the
    /// rewritten text, cumulative shift on that line), sorted.
    shifts: Vec<Shift>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes produced so far, aliases expanded.
    nodes: usize,
    warnings: Vec<SourceError>,
    root: Option<Node>,
}

/// The short-form tag names and the long names they stand for.
fn intrinsic_for_tag(suffix: &str) -> Option<String> {
    const FN: &[&str] = &[
        "GetAtt",
        "Sub",
        "Join",
        "If",
        "Select",
        "Split",
        "FindInMap",
        "ImportValue",
        "Base64",
        "GetAZs",
        "Equals",
        "And",
        "Or",
        "Not",
        "Cidr",
        "Transform",
        "ToJsonString",
        "Length",
        "ForEach",
    ];
    match suffix {
        "Ref" | "Condition" => Some(suffix.to_string()),
        s if FN.contains(&s) => Some(format!("Fn::{s}")),
        _ => None,
    }
}

/// Whether a one-key mapping with this key is the long form of an intrinsic function.
/// `Fn::ForEach::<Loop>` keys name loops among other resources, outputs or conditions: they
/// are entries of their collection, not values, so they are left as mapping entries.
fn is_long_form(key: &str) -> bool {
    key == "Ref" || (key.starts_with("Fn::") && !key.starts_with("Fn::ForEach::"))
}

impl Builder {
    fn run(&mut self, source: &str) -> Result<Node, SourceError> {
        let mut parser = Parser::new_from_str(source);
        let mut in_document = false;
        loop {
            let (event, span) = match parser.next_event() {
                None => break,
                Some(Ok(ev)) => ev,
                Some(Err(e)) => return Err(self.scan_error(&e)),
            };
            let start = span.start;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => in_document = true,
                Event::DocumentEnd => {
                    if in_document {
                        // Multi-document streams: only the first document is read.
                        break;
                    }
                }
                Event::Alias(id) => self.alias(id, start)?,
                Event::Scalar(text, style, anchor, tag) => {
                    self.scalar(&text, style, anchor, tag.map(|t| t.into_owned()), start)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    self.open(
                        FrameKind::Seq(Vec::new()),
                        anchor,
                        tag.map(|t| t.into_owned()),
                        start,
                    )?;
                }
                Event::MappingStart(anchor, tag) => {
                    let map = MapFrame {
                        entries: Vec::new(),
                        index: HashMap::new(),
                        merges: Vec::new(),
                        state: MapState::Key,
                    };
                    self.open(
                        FrameKind::Map(map),
                        anchor,
                        tag.map(|t| t.into_owned()),
                        start,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close()?,
            }
        }
        match self.root.take() {
            Some(root) => Ok(root),
            // An empty file (or only comments): a null document.
            None => Ok(Node::new(
                NodeValue::Null,
                Location::new(self.file.clone(), 1, 1),
            )),
        }
    }

    fn loc(&self, mark: Marker) -> Location {
        let (line, col) = self.position(mark);
        Location::new(self.file.clone(), line, col)
    }

    /// 1-based line and column of a parser marker, in the original text.
    fn position(&self, mark: Marker) -> (u32, u32) {
        let line = mark.line();
        let mut col = mark.col();
        if !self.shifts.is_empty() {
            let i = self
                .shifts
                .partition_point(|&(l, c, _)| (l, c) <= (line, col));
            if i > 0 {
                let (l, _, shift) = self.shifts[i - 1];
                if l == line {
                    col += shift;
                }
            }
        }
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        (to_u32(line), to_u32(col.saturating_add(1)))
    }

    fn error_at(&self, mark: Marker, message: String) -> SourceError {
        let (line, _) = self.position(mark);
        SourceError {
            file: self.file.to_string(),
            line: Some(line),
            message,
        }
    }

    fn scan_error(&self, e: &ScanError) -> SourceError {
        let (line, col) = self.position(*e.marker());
        SourceError {
            file: self.file.to_string(),
            line: Some(line),
            message: format!("syntax error: {} (line {line}, column {col})", e.info()),
        }
    }

    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(SourceError {
            file: self.file.to_string(),
            line: Some(line),
            message,
        });
    }

    /// Whether the next finished node will be a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map(MapFrame {
                    state: MapState::Key,
                    ..
                }),
                ..
            })
        )
    }

    fn count_node(&mut self, mark: Marker) -> Result<(), SourceError> {
        self.nodes += 1;
        // Plain nodes are bounded by the input size; the limit is enforced at aliases, but a
        // hard stop far above any real template keeps memory bounded in every case.
        if self.nodes > MAX_NODES * 8 {
            return Err(self.error_at(mark, "too many nodes in the document".to_string()));
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) -> Result<(), SourceError> {
        self.count_node(mark)?;
        let loc = self.loc(mark);
        if self.expecting_key() {
            // Keys keep their text as written, whatever it looks like (`true`, `1.0`, `~`).
            let is_merge = text == "<<" && style == ScalarStyle::Plain && tag.is_none();
            if anchor != 0 {
                let node = Node::new(NodeValue::String(text.to_string()), loc.clone());
                self.anchors.insert(
                    anchor,
                    Anchored {
                        node,
                        size: 1,
                        height: 0,
                    },
                );
            }
            if let Some(Frame {
                kind: FrameKind::Map(map),
                ..
            }) = self.stack.last_mut()
            {
                map.state = MapState::Value(
                    Key {
                        name: text.to_string(),
                        loc,
                    },
                    is_merge,
                );
            }
            return Ok(());
        }
        let value = self.resolve_scalar(text, style, tag.as_ref(), &loc);
        let node = self.apply_tag(Node::new(value, loc), tag.as_ref());
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size: 1,
                    height: 0,
                },
            );
        }
        self.deliver(node, 0)
    }

    fn resolve_scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        loc: &Location,
    ) -> NodeValue {
        if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
            return match tag.suffix.as_str() {
                "null" => NodeValue::Null,
                "bool" => match core_bool(text) {
                    Some(b) => NodeValue::Bool(b),
                    None => NodeValue::String(text.to_string()),
                },
                "int" | "float" => match text.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => NodeValue::Number(n),
                    _ => NodeValue::String(text.to_string()),
                },
                "str" => NodeValue::String(text.to_string()),
                other => {
                    self.warn(
                        loc.line,
                        format!("tag `!!{other}` is not supported; the value is read as a string"),
                    );
                    NodeValue::String(text.to_string())
                }
            };
        }
        if style != ScalarStyle::Plain {
            return NodeValue::String(text.to_string());
        }
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
            _ => {}
        }
        if let Some(b) = core_bool(text) {
            return NodeValue::Bool(b);
        }
        if let Some(n) = exact_number(text) {
            return NodeValue::Number(n);
        }
        NodeValue::String(text.to_string())
    }

    /// Short-form intrinsic tags wrap the node; core-schema tags were applied by the caller;
    /// other tags are reported and ignored.
    fn apply_tag(&mut self, node: Node, tag: Option<&Tag>) -> Node {
        let Some(tag) = tag else { return node };
        if tag.is_yaml_core_schema() {
            return node;
        }
        if tag.handle == "!" {
            if let Some(name) = intrinsic_for_tag(&tag.suffix) {
                let loc = node.loc.clone();
                return Node::new(
                    NodeValue::Intrinsic {
                        name,
                        arg: Box::new(node),
                    },
                    loc,
                );
            }
        }
        let line = node.loc.line;
        self.warn(line, format!("unknown tag `{tag}` ignored"));
        node
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) -> Result<(), SourceError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(mark, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let first_node = self.nodes;
        self.count_node(mark)?;
        let loc = self.loc(mark);
        if self.expecting_key() {
            if let Some(Frame {
                kind: FrameKind::Map(map),
                ..
            }) = self.stack.last_mut()
            {
                map.state = MapState::ComplexKey(loc.clone());
            }
        }
        self.stack.push(Frame {
            loc,
            anchor,
            tag,
            first_node,
            child_height: 0,
            kind,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), SourceError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let height = frame.child_height + 1;
        let value = match frame.kind {
            FrameKind::Seq(items) => NodeValue::List(items),
            FrameKind::Map(map) => {
                let entries = self.finish_map(map);
                if entries.len() == 1 && is_long_form(&entries[0].0.name) {
                    let (key, arg) = entries.into_iter().next().expect("one entry");
                    NodeValue::Intrinsic {
                        name: key.name,
                        arg: Box::new(arg),
                    }
                } else {
                    NodeValue::Map(entries)
                }
            }
        };
        let node = self.apply_tag(Node::new(value, frame.loc), frame.tag.as_ref());
        if frame.anchor != 0 {
            self.anchors.insert(
                frame.anchor,
                Anchored {
                    node: node.clone(),
                    size: self.nodes - frame.first_node,
                    height,
                },
            );
        }
        self.deliver(node, height)
    }

    /// Apply the merge keys of a finished mapping.
    fn finish_map(&mut self, map: MapFrame) -> Vec<(Key, Node)> {
        let MapFrame {
            mut entries,
            mut index,
            merges,
            ..
        } = map;
        for merge in merges {
            let line = merge.loc.line;
            let sources = match merge.value {
                NodeValue::Map(e) => vec![e],
                NodeValue::List(items) => {
                    let mut maps = Vec::new();
                    for item in items {
                        match item.value {
                            NodeValue::Map(e) => maps.push(e),
                            _ => self.warn(
                                item.loc.line,
                                "merge key `<<` lists something other than a mapping; ignored"
                                    .to_string(),
                            ),
                        }
                    }
                    maps
                }
                _ => {
                    self.warn(
                        line,
                        "merge key `<<` needs a mapping or a list of mappings; ignored".to_string(),
                    );
                    Vec::new()
                }
            };
            for source in sources {
                for (key, value) in source {
                    if !index.contains_key(&key.name) {
                        index.insert(key.name.clone(), entries.len());
                        entries.push((key, value));
                    }
                }
            }
        }
        entries
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), SourceError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(self.error_at(
                mark,
                "alias refers to a node that contains it (recursive alias)".to_string(),
            ));
        };
        let (size, height) = (anchored.size, anchored.height);
        if self.nodes.saturating_add(size) > MAX_NODES {
            return Err(self.error_at(
                mark,
                format!("alias expansion over limit (more than {MAX_NODES} nodes)"),
            ));
        }
        if self.stack.len() + height > MAX_DEPTH {
            return Err(self.error_at(
                mark,
                format!("nesting deeper than {MAX_DEPTH} levels (after alias expansion)"),
            ));
        }
        let node = anchored.node.clone();
        self.nodes += size;
        self.deliver(node, height)
    }

    /// Hand a finished node to its parent (or make it the root).
    fn deliver(&mut self, node: Node, height: usize) -> Result<(), SourceError> {
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        parent.child_height = parent.child_height.max(height);
        let map = match &mut parent.kind {
            FrameKind::Seq(items) => {
                items.push(node);
                return Ok(());
            }
            FrameKind::Map(map) => map,
        };
        const COMPLEX_KEY: &str = "a sequence or mapping used as a mapping key is not supported; \
                                   the entry is ignored";
        let mut warning: Option<(u32, String)> = None;
        match std::mem::replace(&mut map.state, MapState::Key) {
            MapState::Key => {
                // An alias used as a key.
                let name = match &node.value {
                    NodeValue::String(s) => Some(s.clone()),
                    NodeValue::Number(n) => Some(n.to_string()),
                    NodeValue::Bool(b) => Some(b.to_string()),
                    NodeValue::Null => Some(String::new()),
                    _ => None,
                };
                match name {
                    Some(name) => {
                        map.state = MapState::Value(
                            Key {
                                name,
                                loc: node.loc,
                            },
                            false,
                        );
                    }
                    None => {
                        map.state = MapState::SkipValue;
                        warning = Some((node.loc.line, COMPLEX_KEY.to_string()));
                    }
                }
            }
            MapState::ComplexKey(loc) => {
                map.state = MapState::SkipValue;
                warning = Some((loc.line, COMPLEX_KEY.to_string()));
            }
            MapState::SkipValue => {}
            MapState::Value(_, true) => map.merges.push(node),
            MapState::Value(key, false) => {
                if let Some(&i) = map.index.get(&key.name) {
                    let first = map.entries[i].0.loc.line;
                    let line = key.loc.line;
                    let message = format!(
                        "duplicate key `{}` (first on line {first}); the last one is used",
                        key.name
                    );
                    map.entries[i] = (key, node);
                    warning = Some((line, message));
                } else {
                    map.index.insert(key.name.clone(), map.entries.len());
                    map.entries.push((key, node));
                }
            }
        }
        if let Some((line, message)) = warning {
            self.warn(line, message);
        }
        Ok(())
    }
}

fn core_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A YAML 1.2 core-schema decimal number that prints back exactly as written.
fn exact_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - digits_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    (n.is_finite() && n.to_string() == text).then_some(n)
}

/// For JSON text (first significant character `{` or `[`) holding `\uD8xx\uDCxx` escapes:
/// the text with each pair rewritten as the YAML escape `\UXXXXXXXX` (two characters
/// shorter) and each lone surrogate as `\uFFFD`, and the column shifts this causes as
/// (line, column after the rewrite, cumulative shift on the line), 0-based columns.
fn rewrite_json_surrogates(text: &str) -> Option<(String, Vec<Shift>)> {
    let first = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .chars()
        .next();
    if !matches!(first, Some('{' | '[')) {
        return None;
    }
    let lower = |b: &u8| b.to_ascii_lowercase();
    let has_surrogate = text
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'\\' && lower(&w[1]) == b'u' && lower(&w[2]) == b'd');
    if !has_surrogate {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let hex4 = |at: usize| -> Option<u32> {
        let s: String = chars.get(at..at + 4)?.iter().collect();
        if s.chars().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(&s, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut shifts = Vec::new();
    let (mut line, mut col, mut line_shift) = (1usize, 0usize, 0usize);
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            out.push(c);
            line += 1;
            col = 0;
            line_shift = 0;
            i += 1;
            continue;
        }
        if !in_string {
            in_string = c == '"';
            out.push(c);
            col += 1;
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = false;
                out.push(c);
                col += 1;
                i += 1;
            }
            '\\' if chars.get(i + 1) == Some(&'u') => {
                let Some(unit) = hex4(i + 2) else {
                    // Invalid escape: leave it to the parser to report.
                    out.push_str("\\u");
                    col += 2;
                    i += 2;
                    continue;
                };
                let low = if chars.get(i + 6) == Some(&'\\') && chars.get(i + 7) == Some(&'u') {
                    hex4(i + 8)
                } else {
                    None
                };
                match (unit, low) {
                    (0xD800..=0xDBFF, Some(low @ 0xDC00..=0xDFFF)) => {
                        let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        out.push_str(&format!("\\U{cp:08X}"));
                        col += 10;
                        line_shift += 2;
                        shifts.push((line, col, line_shift));
                        i += 12;
                    }
                    (0xD800..=0xDFFF, _) => {
                        out.push_str("\\uFFFD");
                        col += 6;
                        i += 6;
                    }
                    _ => {
                        out.extend(&chars[i..i + 6]);
                        col += 6;
                        i += 6;
                    }
                }
            }
            '\\' => {
                out.push(c);
                col += 1;
                i += 1;
                if let Some(&next) = chars.get(i) {
                    if next != '\n' {
                        out.push(next);
                        col += 1;
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                col += 1;
                i += 1;
            }
        }
    }
    Some((out, shifts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn parse(text: &str) -> Node {
        load("t.yaml", text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn intrinsic(node: &Node) -> (&str, &Node) {
        match &node.value {
            NodeValue::Intrinsic { name, arg } => (name.as_str(), arg),
            other => panic!("not an intrinsic: {other:?}"),
        }
    }

    fn at(node: &Node) -> (u32, u32) {
        (node.loc.line, node.loc.column)
    }

    #[test]
    fn short_form_tags() {
        let root = parse(
            "A: !Ref X\nB: !GetAtt Fn.Arn\nC: !GetAtt [Fn, Arn]\nD: !Sub 'x-${AWS::Region}'\n\
             E: !If [Cond, !Ref AWS::NoValue, 1]\nF: !GetAZs ''\nG: !GetAZs\nH: !Condition C\n\
             I: !Base64\n  Fn::Sub: |\n    echo hi\nJ: !Select [0, !Split [',', !ImportValue Out]]\n\
             K: !Cidr [!GetAtt Vpc.CidrBlock, 6, 8]\nL: !Equals [!Ref Env, prod]\n\
             M: !And [!Not [!Condition A], !Or [!Condition B, !Condition C]]\n\
             N: !FindInMap [Map, !Ref 'AWS::Region', Ami]\nO: !Join ['', [a, b]]\n\
             P: !Transform {Name: AWS::Include}\nQ: !ToJsonString {a: 1}\nR: !Length [1, 2]\n",
        );
        let (name, arg) = intrinsic(root.get("A").unwrap());
        assert_eq!((name, arg.as_str()), ("Ref", Some("X")));
        let (name, arg) = intrinsic(root.get("B").unwrap());
        assert_eq!((name, arg.as_str()), ("Fn::GetAtt", Some("Fn.Arn")));
        let (name, arg) = intrinsic(root.get("C").unwrap());
        assert_eq!(name, "Fn::GetAtt");
        assert_eq!(arg.items().len(), 2);
        let (name, arg) = intrinsic(root.get("D").unwrap());
        assert_eq!((name, arg.as_str()), ("Fn::Sub", Some("x-${AWS::Region}")));
        let (name, arg) = intrinsic(root.get("E").unwrap());
        assert_eq!(name, "Fn::If");
        assert_eq!(intrinsic(&arg.items()[1]).0, "Ref");
        assert_eq!(arg.items()[2].value, NodeValue::Number(1.0));
        let (name, arg) = intrinsic(root.get("F").unwrap());
        assert_eq!((name, arg.as_str()), ("Fn::GetAZs", Some("")));
        let (name, arg) = intrinsic(root.get("G").unwrap());
        assert_eq!((name, &arg.value), ("Fn::GetAZs", &NodeValue::Null));
        assert_eq!(intrinsic(root.get("H").unwrap()).0, "Condition");
        let (name, arg) = intrinsic(root.get("I").unwrap());
        assert_eq!(name, "Fn::Base64");
        let (name, arg) = intrinsic(arg);
        assert_eq!((name, arg.as_str()), ("Fn::Sub", Some("echo hi\n")));
        let (name, arg) = intrinsic(root.get("J").unwrap());
        assert_eq!(name, "Fn::Select");
        let (name, split) = intrinsic(&arg.items()[1]);
        assert_eq!(name, "Fn::Split");
        assert_eq!(intrinsic(&split.items()[1]).0, "Fn::ImportValue");
        for (key, long) in [
            ("K", "Fn::Cidr"),
            ("L", "Fn::Equals"),
            ("M", "Fn::And"),
            ("N", "Fn::FindInMap"),
            ("O", "Fn::Join"),
            ("P", "Fn::Transform"),
            ("Q", "Fn::ToJsonString"),
            ("R", "Fn::Length"),
        ] {
            assert_eq!(intrinsic(root.get(key).unwrap()).0, long, "{key}");
        }
    }

    #[test]
    fn long_forms() {
        let root = parse(
            "A: {Ref: X}\nB:\n  Fn::GetAtt: [Fn, Arn]\nC: {Condition: X}\nD: {Ref: X, Other: 1}\n\
             Resources:\n  Fn::ForEach::Topics: [T, [a], {}]\n",
        );
        let a = root.get("A").unwrap();
        let (name, arg) = intrinsic(a);
        assert_eq!((name, arg.as_str()), ("Ref", Some("X")));
        assert_eq!(at(a), (1, 4));
        assert_eq!(at(arg), (1, 10));
        let b = root.get("B").unwrap();
        assert_eq!(intrinsic(b).0, "Fn::GetAtt");
        assert_eq!(at(b), (3, 3));
        assert!(matches!(root.get("C").unwrap().value, NodeValue::Map(_)));
        assert!(matches!(root.get("D").unwrap().value, NodeValue::Map(_)));
        let resources = root.get("Resources").unwrap();
        assert!(resources.get("Fn::ForEach::Topics").is_some());
    }

    #[test]
    fn scalars() {
        let root = parse(
            "a: true\nb: ~\nc: 12\nd: 1.5\ne: '12'\nf: 012345678901\ng: 1.10\nh: 0x1F\n\
             i: 2010-09-09\nj: -3\nk: null\nl: !!str 5\nm: yes\nn: 123456789012\n",
        );
        let v = |k: &str| root.get(k).unwrap().value.clone();
        assert_eq!(v("a"), NodeValue::Bool(true));
        assert_eq!(v("b"), NodeValue::Null);
        assert_eq!(v("c"), NodeValue::Number(12.0));
        assert_eq!(v("d"), NodeValue::Number(1.5));
        assert_eq!(v("e"), NodeValue::String("12".into()));
        assert_eq!(v("f"), NodeValue::String("012345678901".into()));
        assert_eq!(v("g"), NodeValue::String("1.10".into()));
        assert_eq!(v("h"), NodeValue::String("0x1F".into()));
        assert_eq!(v("i"), NodeValue::String("2010-09-09".into()));
        assert_eq!(v("j"), NodeValue::Number(-3.0));
        assert_eq!(v("k"), NodeValue::Null);
        assert_eq!(v("l"), NodeValue::String("5".into()));
        assert_eq!(v("m"), NodeValue::String("yes".into()));
        assert_eq!(v("n"), NodeValue::Number(123456789012.0));
    }

    #[test]
    fn locations_of_keys_and_values() {
        let root = parse("# comment\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 30\n");
        let fun = root.get("Resources").unwrap().get("Fn").unwrap();
        assert_eq!(at(fun), (4, 5));
        let props = fun.get("Properties").unwrap();
        let key = props.key_loc("Timeout").unwrap();
        assert_eq!((key.line, key.column), (6, 7));
        assert_eq!(at(props.get("Timeout").unwrap()), (6, 16));
        assert_eq!(key.file.as_deref(), Some("t.yaml"));
        let key = fun.key_loc("Type").unwrap();
        assert_eq!((key.line, key.column), (4, 5));
        assert_eq!(at(fun.get("Type").unwrap()), (4, 11));
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_warn() {
        let (node, warnings) = load_with_warnings("d.yaml", "a: 1\nb: 2\na: 3\n");
        let node = node.unwrap();
        assert_eq!(node.entries().len(), 2);
        assert_eq!(node.get("a").unwrap().value, NodeValue::Number(3.0));
        assert_eq!(node.key_loc("a").unwrap().line, 3);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(3));
        assert!(
            warnings[0].message.contains("duplicate key `a`"),
            "{}",
            warnings[0].message
        );
        // `load` drops warnings.
        assert!(load("d.yaml", "a: 1\na: 2\n").is_ok());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let root = parse(
            "defaults: &d {memorySize: 128, timeout: 6}\nf:\n  <<: *d\n  timeout: 30\nl: [*d, *d]\n",
        );
        let f = root.get("f").unwrap();
        assert_eq!(f.get("timeout").unwrap().value, NodeValue::Number(30.0));
        assert_eq!(f.get("memorySize").unwrap().value, NodeValue::Number(128.0));
        assert!(f.get("<<").is_none());
        assert_eq!(root.get("l").unwrap().items().len(), 2);
    }

    #[test]
    fn billion_laughs_errors_quickly() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..=9 {
            let prev = format!("*a{}", level - 1);
            let list = [prev.as_str(); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{list}]\n"));
        }
        let started = Instant::now();
        let err = load("bomb.yaml", &text).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            err.message.contains("alias expansion over limit"),
            "{}",
            err.message
        );
        assert!(err.line.is_some());
    }

    #[test]
    fn recursive_alias_is_an_error() {
        assert!(load("r.yaml", "a: &a [*a]\n").is_err());
        assert!(load("r.yaml", "a: *nope\n").is_err());
    }

    #[test]
    fn depth_bomb_errors() {
        for text in ["[".repeat(10_000), format!("a: {}", "[".repeat(10_000))] {
            let err = load("deep.json", &text).unwrap_err();
            assert_eq!(err.line, Some(1), "{err:?}");
        }
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let err = load("deep.yaml", &block).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{}", err.message);
        assert_eq!(err.line, Some(129));
        // 128 levels are fine.
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(load("ok.json", &ok).is_ok());
        // Aliases cannot go around the depth limit.
        let deep = format!(
            "a: &a {}{}\nb: {}*a{}\n",
            "[".repeat(100),
            "]".repeat(100),
            "[".repeat(50),
            "]".repeat(50)
        );
        assert!(load("alias.yaml", &deep).is_err());
    }

    #[test]
    fn json_with_positions() {
        let text = "{\n  \"Resources\": {\n    \"Fn\": {\n\t\"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\"Timeout\": 30, \"Name\": \"x\\u00e9\\ud83d\\ude00\", \"Next\": true}\n    }\n  }\n}\n";
        let root = load("t.json", text).unwrap();
        let fun = root.get("Resources").unwrap().get("Fn").unwrap();
        assert_eq!(at(fun), (3, 11));
        let key = fun.key_loc("Type").unwrap();
        assert_eq!((key.line, key.column), (4, 2));
        let props = fun.get("Properties").unwrap();
        assert_eq!(at(props), (5, 21));
        assert_eq!(props.get("Timeout").unwrap().value, NodeValue::Number(30.0));
        assert_eq!(
            props.get("Name").unwrap().as_str(),
            Some("x\u{e9}\u{1F600}")
        );
        // The surrogate pair is two characters longer than its YAML rewrite: columns after it
        // are still those of the original text.
        let next = props.key_loc("Next").unwrap();
        let expected = text.lines().nth(4).unwrap().find("\"Next\"").unwrap() + 1;
        assert_eq!(next.column as usize, expected);
        assert_eq!(kind(&root), DocKind::CloudFormation);
        // A lone surrogate does not stop the parse.
        assert!(load("t.json", "{\"a\": \"\\ud83d x\"}").is_ok());
    }

    #[test]
    fn syntax_errors_have_lines() {
        let err = load("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(err.message.contains("syntax error"), "{}", err.message);
        let err = load("bad.json", "{\n  \"a\": 1,\n  \"b\" 2\n}\n").unwrap_err();
        assert_eq!(err.file, "bad.json");
        assert!(err.line.is_some());
    }

    #[test]
    fn invalid_utf8_line() {
        let bytes = b"a: 1\nb: 2\nc: \xff\xfe\nd: 4\n";
        let (node, warnings) = load_bytes("u.yaml", bytes);
        let node = node.unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(3));
        assert!(warnings[0].message.contains("invalid UTF-8"));
        assert_eq!(node.get("d").unwrap().value, NodeValue::Number(4.0));
    }

    #[test]
    fn size_limit() {
        let text = "#".repeat(MAX_INPUT_BYTES + 1);
        let err = load("big.yaml", &text).unwrap_err();
        assert!(err.message.contains("too large"));
        assert_eq!(err.line, None);
    }

    #[test]
    fn first_document_and_empty_input() {
        let root = parse("---\na: 1\n---\nb: [\n");
        assert!(root.get("a").is_some());
        assert_eq!(parse("").value, NodeValue::Null);
        assert_eq!(parse("# only a comment\n").value, NodeValue::Null);
    }

    #[test]
    fn unknown_tags_warn() {
        let (node, warnings) = load_with_warnings("t.yaml", "a: !reference [x, y]\n");
        assert_eq!(node.unwrap().get("a").unwrap().items().len(), 2);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("!reference"));
    }

    #[test]
    fn kinds() {
        let k = |t: &str| kind(&parse(t));
        assert_eq!(k("Resources: {A: {Type: X}}\n"), DocKind::CloudFormation);
        assert_eq!(
            k("AWSTemplateFormatVersion: '2010-09-09'\n"),
            DocKind::CloudFormation
        );
        assert_eq!(
            k("Transform: AWS::Serverless-2016-10-31\nResources: {}\n"),
            DocKind::Sam
        );
        assert_eq!(
            k("Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources: {}\n"),
            DocKind::Sam
        );
        assert_eq!(
            k("service: x\nprovider: {name: aws}\n"),
            DocKind::Serverless
        );
        assert_eq!(k("service: x\nfunctions: {}\n"), DocKind::Serverless);
        assert_eq!(k("services: {web: {image: x}}\n"), DocKind::Other);
        assert_eq!(k("apiVersion: v1\nkind: Pod\n"), DocKind::Other);
        assert_eq!(k("[1, 2]"), DocKind::Other);
        assert_eq!(k("Resources: 3\n"), DocKind::Other);
    }

    #[test]
    fn pre_check() {
        assert!(maybe_template("{\"Resources\": {}}"));
        assert!(maybe_template("AWSTemplateFormatVersion: x"));
        assert!(maybe_template("service: a\nprovider:\n  name: aws\n"));
        assert!(!maybe_template("services:\n  web:\n    image: nginx\n"));
        assert!(!maybe_template(
            "{\"name\": \"pkg\", \"version\": \"1.0.0\"}"
        ));
    }
}
