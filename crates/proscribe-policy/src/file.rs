//! Policy files: each file (or built-in preset) is parsed into a [`RawPolicy`], then
//! validated against the catalog and merged onto the policy it builds on, collecting
//! every problem with its file and line.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proscribe_catalog::{Catalog, Status};
use serde::Deserialize;
use toml::Spanned;

use crate::{glob, presets, Exception, Override, Policy, Subject};

/// How many policies may build on each other (`preset` / `extends`) before the chain is
/// taken for a mistake.
const MAX_DEPTH: usize = 16;

/// Why a policy could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy `{}`: {source}", path.display())]
    Read {
        /// The policy file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The name is neither a file nor a built-in preset.
    #[error("no policy file or built-in preset named `{name}`; presets: {}", presets::names().join(", "))]
    UnknownPreset {
        /// The name asked for.
        name: String,
    },
    /// The file (or a policy it builds on) was read but is not a valid policy for this
    /// catalog.
    #[error("{}", render_problems(problems))]
    Invalid {
        /// The policy file.
        path: PathBuf,
        /// Every problem found, base policies first, each in file order.
        problems: Vec<Problem>,
    },
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in: the policy file, a file it extends, or
    /// `preset:<name>` for a built-in preset.
    pub file: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

fn render_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A policy file as written, before it is checked against the catalog.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    preset: Option<Spanned<String>>,
    #[serde(default)]
    extends: Option<Spanned<String>>,
    #[serde(default)]
    start: Option<Spanned<toml::Value>>,
    #[serde(default)]
    acts: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    jurisdictions: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default, rename = "override")]
    overrides: Vec<Spanned<RawOverride>>,
    #[serde(default, rename = "exception")]
    exceptions: Vec<Spanned<RawException>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    vendor: Option<Spanned<String>>,
    product: Option<Spanned<String>>,
    act: Option<Spanned<String>>,
    status: Status,
}

/// Every field optional here so that all missing ones are reported at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    id: Option<Spanned<String>>,
    vendor: Option<Spanned<String>>,
    product: Option<Spanned<String>>,
    item: Option<Spanned<String>>,
    host: Option<Spanned<String>>,
    until: Option<Spanned<toml::Value>>,
    reason: Option<Spanned<String>>,
    approved_by: Option<Spanned<String>>,
    reference: Option<Spanned<String>>,
}

/// Where a policy's text came from.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    File(PathBuf),
    Preset(&'static str),
}

impl Origin {
    /// The name problems are reported under.
    fn display_path(&self) -> PathBuf {
        match self {
            Self::File(p) => p.clone(),
            Self::Preset(name) => PathBuf::from(format!("preset:{name}")),
        }
    }

    /// The name `policy show` prints for a layer.
    fn describe(&self) -> String {
        match self {
            Self::File(p) => p.display().to_string(),
            Self::Preset(name) => format!("built-in preset `{name}`"),
        }
    }

    /// The key that detects a chain which comes back to itself.
    fn key(&self) -> String {
        match self {
            Self::File(p) => std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string(),
            Self::Preset(name) => format!("preset:{name}"),
        }
    }
}

/// Line numbers for spans of one text.
struct Lines<'a> {
    text: &'a str,
    file: PathBuf,
}

impl Lines<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }
}

/// Reads a policy and everything it builds on, collecting every problem.
pub(crate) struct Loader<'c> {
    catalog: &'c Catalog,
    problems: Vec<Problem>,
    stack: Vec<String>,
}

impl<'c> Loader<'c> {
    pub(crate) fn new(catalog: &'c Catalog) -> Self {
        Self {
            catalog,
            problems: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Validates `text` (and its bases) into a policy; any problem anywhere fails it.
    pub(crate) fn finish(mut self, origin: Origin, text: &str) -> Result<Policy, PolicyError> {
        let path = origin.display_path();
        self.stack.push(origin.key());
        let policy = self.layer(&origin, text);
        if self.problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError::Invalid {
                path,
                problems: self.problems,
            })
        }
    }

    fn push(&mut self, lines: &Lines<'_>, span: &Range<usize>, message: String) {
        self.problems.push(Problem {
            file: lines.file.clone(),
            line: Some(lines.line(span)),
            message,
        });
    }

    /// One file: its base first (recursively), then its own keys on top.
    fn layer(&mut self, origin: &Origin, text: &str) -> Policy {
        let lines = Lines {
            text,
            file: origin.display_path(),
        };
        let first_problem = self.problems.len();
        let raw: RawPolicy = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                self.problems.push(Problem {
                    file: lines.file.clone(),
                    line,
                    message: e.message().trim_end().to_owned(),
                });
                return Policy::default();
            }
        };

        let base = self.base(origin, &raw, &lines);
        let catalog = self.catalog;

        // Selection: acts by id, plus every act of the named jurisdictions.
        let mut own: Option<BTreeSet<String>> = None;
        if let Some(acts) = &raw.acts {
            let set = own.get_or_insert_with(BTreeSet::new);
            for id in acts.get_ref() {
                if catalog.acts.contains_key(id.get_ref()) {
                    set.insert(id.get_ref().clone());
                } else {
                    let known = known_list(id.get_ref(), catalog.acts.keys().map(String::as_str));
                    self.push(
                        &lines,
                        &id.span(),
                        format!("unknown act `{}`; known acts: {known}", id.get_ref()),
                    );
                }
            }
        }
        if let Some(jurisdictions) = &raw.jurisdictions {
            let set = own.get_or_insert_with(BTreeSet::new);
            let known: BTreeSet<&str> = catalog
                .acts
                .values()
                .map(|a| a.jurisdiction.as_str())
                .collect();
            for j in jurisdictions.get_ref() {
                if known.contains(j.get_ref().as_str()) {
                    set.extend(
                        catalog
                            .acts
                            .values()
                            .filter(|a| &a.jurisdiction == j.get_ref())
                            .map(|a| a.id.clone()),
                    );
                } else {
                    let list = known_list(j.get_ref(), known.iter().copied());
                    self.push(
                        &lines,
                        &j.span(),
                        format!(
                            "unknown jurisdiction `{}`; known jurisdictions: {list}",
                            j.get_ref()
                        ),
                    );
                }
            }
        }
        if let Some(set) = &own {
            if set.is_empty() && self.problems.len() == first_problem {
                let span = raw
                    .acts
                    .as_ref()
                    .or(raw.jurisdictions.as_ref())
                    .map(Spanned::span)
                    .unwrap_or(0..0);
                self.push(
                    &lines,
                    &span,
                    "the policy selects no act; list acts or jurisdictions, or leave both out to apply every act"
                        .to_owned(),
                );
            }
        }
        // A policy adds acts to its base; a base that applies every act stays so.
        let selected = match &base {
            Some(b) => match (&b.selected, own) {
                (None, _) => None,
                (Some(b), None) => Some(b.clone()),
                (Some(b), Some(mut o)) => {
                    o.extend(b.iter().cloned());
                    Some(o)
                }
            },
            None => own,
        };

        let start = match &raw.start {
            Some(v) => self.date(&lines, v, "start"),
            None => None,
        };

        let mut policy = base.unwrap_or_default();
        let overrides = self.overrides(&raw, &lines, selected.as_ref());
        let exceptions = self.exceptions(&raw, &lines, &policy.exceptions);
        policy.selected = selected;
        if start.is_some() {
            policy.start = start;
        }
        if raw.description.is_some() {
            policy.description = raw.description;
        }
        policy.layers.push(origin.describe());
        policy.overrides.extend(overrides);
        policy.exceptions.extend(exceptions);
        policy
    }

    /// The policy this one builds on, if it names one.
    fn base(&mut self, origin: &Origin, raw: &RawPolicy, lines: &Lines<'_>) -> Option<Policy> {
        let (next, text, span) = match (&raw.preset, &raw.extends) {
            (Some(_), Some(e)) => {
                self.push(
                    lines,
                    &e.span(),
                    "a policy builds on one base: use `preset` or `extends`, not both".to_owned(),
                );
                return None;
            }
            (Some(p), None) => {
                let Some((name, text)) = presets::get(p.get_ref()) else {
                    self.push(
                        lines,
                        &p.span(),
                        format!(
                            "unknown preset `{}`; presets: {}",
                            p.get_ref(),
                            presets::names().join(", ")
                        ),
                    );
                    return None;
                };
                (Origin::Preset(name), text.to_owned(), p.span())
            }
            (None, Some(e)) => {
                let Origin::File(me) = origin else {
                    self.push(
                        lines,
                        &e.span(),
                        "a built-in preset can build only on another preset (`preset = ...`)"
                            .to_owned(),
                    );
                    return None;
                };
                let path = me
                    .parent()
                    .unwrap_or_else(|| Path::new(""))
                    .join(e.get_ref());
                match std::fs::read_to_string(&path) {
                    Ok(text) => (Origin::File(path), text, e.span()),
                    Err(err) => {
                        self.push(
                            lines,
                            &e.span(),
                            format!(
                                "cannot read `{}` (relative to this file: `{}`): {err}",
                                e.get_ref(),
                                path.display()
                            ),
                        );
                        return None;
                    }
                }
            }
            (None, None) => return None,
        };
        let key = next.key();
        if self.stack.contains(&key) {
            self.push(
                lines,
                &span,
                format!(
                    "{} is already in this chain of policies (a policy cannot build on itself)",
                    next.describe()
                ),
            );
            return None;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.push(
                lines,
                &span,
                format!("more than {MAX_DEPTH} policies build on each other"),
            );
            return None;
        }
        self.stack.push(key);
        let base = self.layer(&next, &text);
        self.stack.pop();
        Some(base)
    }

    /// A TOML date (no time, no offset) as a calendar day.
    fn date(
        &mut self,
        lines: &Lines<'_>,
        value: &Spanned<toml::Value>,
        key: &str,
    ) -> Option<NaiveDate> {
        let example = format!("`{key} = 2027-03-31`");
        let message = match value.get_ref() {
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    match NaiveDate::from_ymd_opt(i32::from(d.year), d.month.into(), d.day.into()) {
                        Some(day) => return Some(day),
                        None => format!("`{key}`: {dt} is not a calendar day"),
                    }
                }
                _ => format!("`{key}` must be a date without a time, like {example}"),
            },
            toml::Value::String(s) => {
                format!("`{key}` must be a TOML date, not the string {s:?}: write {example}")
            }
            other => format!(
                "`{key}` must be a date like {example}, not a {}",
                other.type_str()
            ),
        };
        self.push(lines, &value.span(), message);
        None
    }

    fn overrides(
        &mut self,
        raw: &RawPolicy,
        lines: &Lines<'_>,
        selected: Option<&BTreeSet<String>>,
    ) -> Vec<Override> {
        let catalog = self.catalog;
        let mut overrides: Vec<(Override, usize)> = Vec::new();
        for entry in &raw.overrides {
            let span = entry.span();
            let o = entry.get_ref();
            let subject = match (&o.vendor, &o.product) {
                (Some(v), None) => {
                    if catalog.vendor(v.get_ref()).is_none() {
                        let known =
                            known_list(v.get_ref(), catalog.vendors.iter().map(|v| v.id.as_str()));
                        self.push(
                            lines,
                            &v.span(),
                            format!("unknown vendor `{}`; known vendors: {known}", v.get_ref()),
                        );
                        continue;
                    }
                    Subject::Vendor(v.get_ref().clone())
                }
                (None, Some(p)) => {
                    if catalog.product(p.get_ref()).is_none() {
                        let known = known_list(p.get_ref(), all_products(catalog));
                        self.push(
                            lines,
                            &p.span(),
                            format!("unknown product `{}`; known products: {known}", p.get_ref()),
                        );
                        continue;
                    }
                    Subject::Product(p.get_ref().clone())
                }
                (Some(_), Some(p)) => {
                    self.push(
                        lines,
                        &p.span(),
                        "an override names either a `vendor` or a `product`, not both (a product override already \
                         applies only to that vendor's product)"
                            .to_owned(),
                    );
                    continue;
                }
                (None, None) => {
                    self.push(
                        lines,
                        &span,
                        "an override needs a `vendor` or a `product` to apply to".to_owned(),
                    );
                    continue;
                }
            };
            // The acts that cover the subject anywhere in the catalog.
            let covering: BTreeSet<&str> = match &subject {
                Subject::Vendor(id) => catalog
                    .vendor(id)
                    .map(|v| {
                        v.acts
                            .iter()
                            .chain(v.products.iter().flat_map(|p| p.acts.iter()))
                            .map(|r| r.id.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
                Subject::Product(id) => catalog
                    .product(id)
                    .map(|(v, p)| {
                        catalog
                            .acts_for(v, Some(p))
                            .into_iter()
                            .map(|r| r.id.as_str())
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            let act = match &o.act {
                Some(a) => {
                    let id = a.get_ref();
                    if !catalog.acts.contains_key(id) {
                        let known = known_list(id, catalog.acts.keys().map(String::as_str));
                        self.push(
                            lines,
                            &a.span(),
                            format!("unknown act `{id}`; known acts: {known}"),
                        );
                        continue;
                    }
                    if !covering.contains(id.as_str()) {
                        let list = known_list(id, covering.iter().copied());
                        self.push(
                            lines,
                            &a.span(),
                            format!("act `{id}` does not cover {subject}, so the override would change nothing; acts that do: {list}"),
                        );
                        continue;
                    }
                    if selected.is_some_and(|s| !s.contains(id)) {
                        self.push(
                            lines,
                            &a.span(),
                            format!(
                                "act `{id}` is not selected by this policy's `acts` or `jurisdictions`"
                            ),
                        );
                        continue;
                    }
                    Some(id.clone())
                }
                None => {
                    if covering.is_empty() {
                        self.push(
                            lines,
                            &span,
                            format!(
                                "no act covers {subject}, so the override would change nothing"
                            ),
                        );
                        continue;
                    }
                    None
                }
            };
            let line = lines.line(&span);
            let new = Override {
                subject,
                act,
                status: o.status,
            };
            if let Some((_, first)) = overrides
                .iter()
                .find(|(x, _)| x.subject == new.subject && x.act == new.act)
            {
                let first = *first;
                self.push(
                    lines,
                    &span,
                    format!(
                        "a second override for {} (the first is on line {first})",
                        new.describe()
                    ),
                );
                continue;
            }
            overrides.push((new, line));
        }
        overrides.into_iter().map(|(o, _)| o).collect()
    }

    fn exceptions(
        &mut self,
        raw: &RawPolicy,
        lines: &Lines<'_>,
        inherited: &[Exception],
    ) -> Vec<Exception> {
        let catalog = self.catalog;
        let mut out: Vec<Exception> = Vec::new();
        for entry in &raw.exceptions {
            let span = entry.span();
            let e = entry.get_ref();
            let before = self.problems.len();
            let mut missing = Vec::new();
            let mut text = |field: &Option<Spanned<String>>, name: &'static str| match field {
                Some(v) if !v.get_ref().trim().is_empty() => Some(v.get_ref().clone()),
                _ => {
                    missing.push(name);
                    None
                }
            };
            let id = text(&e.id, "id");
            let reason = text(&e.reason, "reason");
            let approved_by = text(&e.approved_by, "approved_by");
            if e.until.is_none() {
                missing.push("until");
            }
            if !missing.is_empty() {
                let what = id.as_deref().map_or_else(
                    || "an exception".to_owned(),
                    |id| format!("exception `{id}`"),
                );
                self.push(
                    lines,
                    &span,
                    format!(
                        "{what} needs {} (an exception is a dated, approved decision: `id`, `until`, `reason`, `approved_by`)",
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            let until = e.until.as_ref().and_then(|u| self.date(lines, u, "until"));
            if let (Some(idv), Some(id)) = (&e.id, &id) {
                if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    self.push(
                        lines,
                        &idv.span(),
                        format!(
                            "exception id {id:?} must not contain spaces or control characters"
                        ),
                    );
                } else if let Some(first) = out.iter().chain(inherited).find(|x| &x.id == id) {
                    self.push(
                        lines,
                        &idv.span(),
                        format!(
                            "a second exception with id `{id}` (the first is at {})",
                            first.origin
                        ),
                    );
                }
            }
            if let Some(v) = &e.vendor {
                if catalog.vendor(v.get_ref()).is_none() {
                    let known =
                        known_list(v.get_ref(), catalog.vendors.iter().map(|v| v.id.as_str()));
                    self.push(
                        lines,
                        &v.span(),
                        format!("unknown vendor `{}`; known vendors: {known}", v.get_ref()),
                    );
                }
            }
            if let Some(p) = &e.product {
                match catalog.product(p.get_ref()) {
                    None => {
                        let known = known_list(p.get_ref(), all_products(catalog));
                        self.push(
                            lines,
                            &p.span(),
                            format!("unknown product `{}`; known products: {known}", p.get_ref()),
                        );
                    }
                    Some((owner, _)) => {
                        if let Some(v) = e.vendor.as_ref().filter(|v| v.get_ref() != &owner.id) {
                            self.push(
                                lines,
                                &p.span(),
                                format!(
                                    "product `{}` belongs to vendor `{}`, not `{}`, so the exception could never match",
                                    p.get_ref(),
                                    owner.id,
                                    v.get_ref()
                                ),
                            );
                        }
                    }
                }
            }
            for (field, name) in [(&e.item, "item"), (&e.host, "host")] {
                if let Some(g) = field {
                    if g.get_ref().is_empty() {
                        self.push(
                            lines,
                            &g.span(),
                            format!("`{name}` is an empty pattern; use `*` to match everything"),
                        );
                    }
                }
            }
            if e.vendor.is_none() && e.product.is_none() && e.item.is_none() && e.host.is_none() {
                self.push(
                    lines,
                    &span,
                    "an exception must say what it covers: `vendor`, `product`, `item` (a name pattern) or `host` (a host-name pattern)"
                        .to_owned(),
                );
            }
            if self.problems.len() != before {
                continue;
            }
            let (Some(id), Some(until), Some(reason), Some(approved_by)) =
                (id, until, reason, approved_by)
            else {
                continue;
            };
            out.push(Exception {
                id,
                vendor: e.vendor.as_ref().map(|v| v.get_ref().clone()),
                product: e.product.as_ref().map(|v| v.get_ref().clone()),
                item: e.item.as_ref().map(|v| glob::Glob::new(v.get_ref())),
                host: e.host.as_ref().map(|v| glob::Glob::new(v.get_ref())),
                until,
                reason,
                approved_by,
                reference: e.reference.as_ref().map(|v| v.get_ref().clone()),
                origin: format!("{}:{}", lines.file.display(), lines.line(&span)),
            });
        }
        out
    }
}

fn all_products(catalog: &Catalog) -> impl Iterator<Item = &str> {
    catalog
        .vendors
        .iter()
        .flat_map(|v| v.products.iter().map(|p| p.id.as_str()))
}

/// Names for an error message: all of them when few, else the ones that look alike.
fn known_list<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    const MAX: usize = 24;
    let known: Vec<&str> = known.into_iter().collect();
    if known.is_empty() {
        return "none: the catalog has none".to_owned();
    }
    if known.len() <= MAX {
        return known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
    }
    let stem = wanted
        .split(['-', '_', ' '])
        .next()
        .unwrap_or(wanted)
        .to_lowercase();
    let alike: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| !stem.is_empty() && k.to_lowercase().contains(&stem))
        .take(MAX)
        .collect();
    let shown = if alike.is_empty() {
        &known[..MAX]
    } else {
        &alike[..]
    };
    format!(
        "{} and {} more (see `proscribe catalog list`)",
        shown
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        known.len() - shown.len()
    )
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Vendor(id) => write!(f, "vendor `{id}`"),
            Self::Product(id) => write!(f, "product `{id}`"),
        }
    }
}

impl Override {
    /// The override's subject and act, for messages and `policy show`.
    pub fn describe(&self) -> String {
        match &self.act {
            Some(act) => format!("{} under act `{act}`", self.subject),
            None => format!("{} under every act", self.subject),
        }
    }
}
