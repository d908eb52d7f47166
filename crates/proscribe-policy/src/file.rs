//! Policy files: parsed into [`RawPolicy`], then validated against the catalog into a
//! [`Policy`], collecting every problem with its line.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proscribe_catalog::{Catalog, Status};
use serde::Deserialize;
use toml::Spanned;

use crate::{Override, Policy, Subject};

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
    /// The file was read but is not a valid policy for this catalog.
    #[error("{}", render_problems(path, problems))]
    Invalid {
        /// The policy file.
        path: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// What is wrong, and what would be right.
    pub message: String,
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match p.line {
            Some(line) => out.push_str(&format!("{}:{line}: {}", path.display(), p.message)),
            None => out.push_str(&format!("{}: {}", path.display(), p.message)),
        }
    }
    out
}

/// A policy file as written, before it is checked against the catalog.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    acts: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    jurisdictions: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default, rename = "override")]
    overrides: Vec<Spanned<RawOverride>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    vendor: Option<Spanned<String>>,
    product: Option<Spanned<String>>,
    act: Option<Spanned<String>>,
    status: Status,
}

struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn problem(&mut self, span: &Range<usize>, message: String) {
        let line = self.line(span);
        self.problems.push(Problem {
            line: Some(line),
            message,
        });
    }
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

pub(crate) fn parse(text: &str, path: &Path, catalog: &Catalog) -> Result<Policy, PolicyError> {
    let invalid = |problems| PolicyError::Invalid {
        path: path.to_owned(),
        problems,
    };
    let raw: RawPolicy = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            return Err(invalid(vec![Problem {
                line,
                message: e.message().trim_end().to_owned(),
            }]));
        }
    };
    let mut ck = Checker {
        text,
        problems: Vec::new(),
    };

    // Selection: acts by id, plus every act of the named jurisdictions.
    let mut selected: Option<BTreeSet<String>> = None;
    if let Some(acts) = &raw.acts {
        let set = selected.get_or_insert_with(BTreeSet::new);
        for id in acts.get_ref() {
            if catalog.acts.contains_key(id.get_ref()) {
                set.insert(id.get_ref().clone());
            } else {
                let known = known_list(id.get_ref(), catalog.acts.keys().map(String::as_str));
                ck.problem(
                    &id.span(),
                    format!("unknown act `{}`; known acts: {known}", id.get_ref()),
                );
            }
        }
    }
    if let Some(jurisdictions) = &raw.jurisdictions {
        let set = selected.get_or_insert_with(BTreeSet::new);
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
                ck.problem(
                    &j.span(),
                    format!(
                        "unknown jurisdiction `{}`; known jurisdictions: {list}",
                        j.get_ref()
                    ),
                );
            }
        }
    }
    if let Some(set) = &selected {
        if set.is_empty() && ck.problems.is_empty() {
            let span = raw
                .acts
                .as_ref()
                .or(raw.jurisdictions.as_ref())
                .map(Spanned::span)
                .unwrap_or(0..0);
            ck.problem(
                &span,
                "the policy selects no act; list acts or jurisdictions, or leave both out to apply every act"
                    .to_owned(),
            );
        }
    }

    let mut overrides: Vec<(Override, usize)> = Vec::new();
    for entry in &raw.overrides {
        let span = entry.span();
        let o = entry.get_ref();
        let subject = match (&o.vendor, &o.product) {
            (Some(v), None) => {
                if catalog.vendor(v.get_ref()).is_none() {
                    let known =
                        known_list(v.get_ref(), catalog.vendors.iter().map(|v| v.id.as_str()));
                    ck.problem(
                        &v.span(),
                        format!("unknown vendor `{}`; known vendors: {known}", v.get_ref()),
                    );
                    continue;
                }
                Subject::Vendor(v.get_ref().clone())
            }
            (None, Some(p)) => {
                if catalog.product(p.get_ref()).is_none() {
                    let all = catalog
                        .vendors
                        .iter()
                        .flat_map(|v| v.products.iter().map(|p| p.id.as_str()));
                    let known = known_list(p.get_ref(), all);
                    ck.problem(
                        &p.span(),
                        format!("unknown product `{}`; known products: {known}", p.get_ref()),
                    );
                    continue;
                }
                Subject::Product(p.get_ref().clone())
            }
            (Some(_), Some(p)) => {
                ck.problem(
                    &p.span(),
                    "an override names either a `vendor` or a `product`, not both (a product override already \
                     applies only to that vendor's product)"
                        .to_owned(),
                );
                continue;
            }
            (None, None) => {
                ck.problem(
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
                    ck.problem(
                        &a.span(),
                        format!("unknown act `{id}`; known acts: {known}"),
                    );
                    continue;
                }
                if !covering.contains(id.as_str()) {
                    let list = known_list(id, covering.iter().copied());
                    ck.problem(
                        &a.span(),
                        format!("act `{id}` does not cover {subject}, so the override would change nothing; acts that do: {list}"),
                    );
                    continue;
                }
                if selected.as_ref().is_some_and(|s| !s.contains(id)) {
                    ck.problem(
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
                    ck.problem(
                        &span,
                        format!("no act covers {subject}, so the override would change nothing"),
                    );
                    continue;
                }
                None
            }
        };
        let line = ck.line(&span);
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
            ck.problem(
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

    if ck.problems.is_empty() {
        Ok(Policy {
            selected,
            overrides: overrides.into_iter().map(|(o, _)| o).collect(),
        })
    } else {
        ck.problems.sort_by_key(|p| p.line);
        Err(invalid(ck.problems))
    }
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
    fn describe(&self) -> String {
        match &self.act {
            Some(act) => format!("{} under act `{act}`", self.subject),
            None => format!("{} under every act", self.subject),
        }
    }
}
