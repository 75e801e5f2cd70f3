//! Maven version ordering, after Apache Maven's `ComparableVersion` (see the parent module's
//! documentation for the rules). Written from the "Version Order Specification" of the POM
//! reference and the class's documented behaviour, and checked against maven-artifact.

use std::cmp::Ordering;

/// A parsed Maven version: the top-level list of items.
#[derive(Debug, Clone)]
pub(crate) struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
enum Item {
    /// A number, as its decimal digits without leading zeros (zero is the empty string), so
    /// that numbers of any length compare exactly.
    Number(Box<str>),
    Qualifier(Qualifier),
    List(Vec<Item>),
}

/// A qualifier's rank: a known one by its place in the order, or an unknown one by its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Qualifier {
    Known(u8),
    Unknown(Box<str>),
}

/// Known qualifiers, lowest first; the empty string is a release.
const KNOWN: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: u8 = 5;

impl Qualifier {
    fn new(text: &str, followed_by_digit: bool) -> Qualifier {
        let text = match text {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            t => t,
        };
        match KNOWN.iter().position(|k| *k == text) {
            Some(i) => Qualifier::Known(i as u8),
            None => Qualifier::Unknown(text.into()),
        }
    }

    fn is_release(&self) -> bool {
        *self == Qualifier::Known(RELEASE)
    }
}

impl Ord for Qualifier {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Qualifier::Known(a), Qualifier::Known(b)) => a.cmp(b),
            (Qualifier::Known(_), Qualifier::Unknown(_)) => Ordering::Less,
            (Qualifier::Unknown(_), Qualifier::Known(_)) => Ordering::Greater,
            // Java compares strings by UTF-16 code unit.
            (Qualifier::Unknown(a), Qualifier::Unknown(b)) => {
                a.encode_utf16().cmp(b.encode_utf16())
            }
        }
    }
}

impl PartialOrd for Qualifier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Item {
    fn number(digits: &str) -> Item {
        Item::Number(digits.trim_start_matches('0').into())
    }

    /// `0`, a release qualifier and an empty list are "null": they are trimmed when trailing
    /// and equal to a missing item.
    fn is_null(&self) -> bool {
        match self {
            Item::Number(d) => d.is_empty(),
            Item::Qualifier(q) => q.is_release(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with another item, or with a missing one (`None`).
    fn cmp_to(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Number(d), None) => {
                if d.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Number(a), Some(Item::Number(b))) => {
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            }
            (Item::Number(_), Some(_)) => Ordering::Greater,

            (Item::Qualifier(q), None) => q.cmp(&Qualifier::Known(RELEASE)),
            (Item::Qualifier(_), Some(Item::Number(_) | Item::List(_))) => Ordering::Less,
            (Item::Qualifier(a), Some(Item::Qualifier(b))) => a.cmp(b),

            (Item::List(l), None) => l
                .iter()
                .map(|i| i.cmp_to(None))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
            (Item::List(_), Some(Item::Number(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let o = match (a.get(i), b.get(i)) {
            (Some(x), y) => x.cmp_to(y),
            (None, Some(y)) => y.cmp_to(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

/// Drops null items from the end of a list, and null items standing just before trailing
/// lists (`1.0-1` is `1-1`), stopping at the first non-null number or qualifier.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// The lists being filled, outermost first. A new list always becomes the last item of the
/// current one, and nothing is added to an outer list afterwards, so the nesting can be built
/// on a stack and folded up at the end.
struct Builder {
    stack: Vec<Vec<Item>>,
}

impl Builder {
    fn current(&mut self) -> &mut Vec<Item> {
        // The stack is never empty: it starts with the top-level list and only grows.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn push(&mut self, item: Item) {
        self.current().push(item);
    }

    fn open_list(&mut self) {
        self.stack.push(Vec::new());
    }

    fn finish(mut self) -> Vec<Item> {
        while self.stack.len() > 1 {
            let mut inner = self.stack.pop().unwrap_or_default();
            normalize(&mut inner);
            self.current().push(Item::List(inner));
        }
        let mut top = self.stack.pop().unwrap_or_default();
        normalize(&mut top);
        top
    }
}

fn token(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::number(text)
    } else {
        Item::Qualifier(Qualifier::new(text, false))
    }
}

impl MavenVersion {
    /// Parses any string (Maven gives every string a place in the order).
    pub(crate) fn parse(s: &str) -> MavenVersion {
        let v = s.to_lowercase();
        let mut b = Builder {
            stack: vec![Vec::new()],
        };
        let mut is_digit = false;
        let mut start = 0;
        for (i, c) in v.char_indices() {
            match c {
                '.' | '-' => {
                    if i == start {
                        b.push(Item::number(""));
                    } else {
                        b.push(token(is_digit, &v[start..i]));
                    }
                    start = i + 1;
                    if c == '-' {
                        b.open_list();
                    }
                }
                '0'..='9' => {
                    if !is_digit && i > start {
                        // letters then digits: the letters are a qualifier in a list of its
                        // own (`1.0.0.rc1` is ordered as `1.0.0-rc1`), the digits a sublist
                        if !b.current().is_empty() {
                            b.open_list();
                        }
                        b.push(Item::Qualifier(Qualifier::new(&v[start..i], true)));
                        start = i;
                        b.open_list();
                    }
                    is_digit = true;
                }
                _ => {
                    if is_digit && i > start {
                        b.push(Item::number(&v[start..i]));
                        start = i;
                        b.open_list();
                    }
                    is_digit = false;
                }
            }
        }
        if v.len() > start {
            // a trailing qualifier after `.` is ordered as after `-` (`2.0.x` = `2-x`)
            if !is_digit && !b.current().is_empty() {
                b.open_list();
            }
            b.push(token(is_digit, &v[start..]));
        }
        MavenVersion { items: b.finish() }
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}
