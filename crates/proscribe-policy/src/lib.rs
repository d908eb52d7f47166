//! Judges matches into findings: which acts apply, how strongly, by when, and which
//! approved exceptions hold.
//!
//! The matcher says *whose* product an item is; this crate says *whether that matters
//! here*. A [`Policy`] selects the acts an organisation is bound by, may soften or harden
//! the status an act gives a vendor or product, and records the exceptions (waivers) it
//! approved. [`Policy::judge`] turns one [`Match`] on one [`Item`] into a [`Finding`], or
//! into nothing when no selected act covers it: a vendor in the catalog is not by itself
//! a finding. [`Policy::apply_exceptions`] then marks the findings its exceptions cover
//! and reports the exceptions that matched nothing or have expired.
//!
//! # Rules
//!
//! - The acts that apply are the catalog's acts for the vendor and product
//!   ([`Catalog::acts_for`]), restricted to the acts the policy selects and to the item
//!   kinds each act reference lists (`kinds`; empty means every kind).
//! - The finding's status is the strongest of those acts' statuses
//!   (`banned` > `restricted` > `review`), each after the policy's overrides.
//! - Deadlines: an act's periods (`identify`, `plan`, `remove`, e.g. BOD 17-01's 30, 60
//!   and 90 days) count from the act's date, or from the policy's `start` when that is
//!   later: an organisation that adopts a policy in 2025 gets its own 90 days, but no
//!   clock starts before the act existed. The finding carries the earliest deadline not
//!   yet passed; when all have passed, the last one, marked `overdue`.
//! - Exceptions: an exception covers a finding when every selector it names matches
//!   (`vendor` and `product` by id, `item` and `host` by name pattern). A covered finding
//!   stays in the report with the exception; while `until` has not passed the exception
//!   is `active` and the finding does not fail the scan; after that it is `expired` and
//!   the finding counts again. An exception that covered nothing is a warning.
//!
//! # Policy file
//!
//! ```toml
//! description = "Ministry of Examples"  # optional, shown by `proscribe policy list/show`
//! preset = "us-federal"                 # optional: build on a built-in preset, or
//! # extends = "../base-policy.toml"     # on another policy file (relative to this one)
//! start = 2025-01-01                    # optional: deadlines count from here at the earliest
//!
//! # Optional. Select acts by id, by jurisdiction, or both (the union, added to the base's).
//! # With neither key and no base, every act in the catalog applies.
//! acts = ["us-bod-17-01"]
//! jurisdictions = ["US-federal"]
//!
//! # Optional, repeatable. Change the status an act gives a vendor or one product.
//! [[override]]
//! vendor = "kaspersky"        # or: product = "kaspersky-endpoint-security"
//! act = "us-bod-17-01"        # optional: without it, every act that covers the vendor
//! status = "review"           # banned | restricted | review
//!
//! # Optional, repeatable. An approved, dated waiver.
//! [[exception]]
//! id = "EX-2025-014"
//! product = "kaspersky-endpoint-security"   # and/or vendor = "…", item = "kesl*", host = "lab-*"
//! until = 2026-06-30                        # required: the last day it holds
//! reason = "Malware-analysis lab, air-gapped"
//! approved_by = "CISO"
//! reference = "CHG-20250114-7"              # optional: decision or ticket number
//! ```
//!
//! The most specific override wins: a product override beats a vendor override, one
//! naming an act beats one that does not, and a policy's own override beats its base's.
//! Unknown keys, unknown ids, malformed dates, exceptions missing `until` and overrides
//! that could never apply are errors, all reported at once with their file and line, so
//! a typo never silently widens or narrows what a scan enforces.
#![deny(missing_docs)]

mod file;
mod finding;
mod glob;
pub mod plan;
mod presets;
mod schema;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Days, NaiveDate};
use proscribe_catalog::{Act, Catalog, Product, Status, Vendor};
use proscribe_match::Match;
use proscribe_model::{Item, ItemKind};

pub use file::{PolicyError, Problem};
pub use finding::{
    Deadline, DeadlineKind, ExceptionRef, ExceptionState, Finding, FindingAct, FindingItem, Named,
    ATTR_QUIET_UNINSTALL_STRING, ATTR_UNINSTALL_STRING, REPORTED_ATTRS,
};
pub use glob::Glob;

use file::{Loader, Origin};

/// Which acts apply and how: the organisation's reading of the catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Selected act ids; `None` selects every act.
    selected: Option<BTreeSet<String>>,
    start: Option<NaiveDate>,
    overrides: Vec<Override>,
    exceptions: Vec<Exception>,
    description: Option<String>,
    /// The files and presets this policy was read from, base first.
    layers: Vec<String>,
}

/// A change to the status an act gives a vendor or product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// What it applies to.
    pub subject: Subject,
    /// The act it changes; `None` for every act that covers the subject.
    pub act: Option<String>,
    /// The status it gives instead.
    pub status: Status,
}

/// What an override applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Every product of a vendor, by vendor id.
    Vendor(String),
    /// One product, by product id.
    Product(String),
}

/// An approved, dated waiver for some findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Its id, unique in the policy (a ticket-like name such as `EX-2025-014`).
    pub id: String,
    /// Only findings of this vendor.
    pub vendor: Option<String>,
    /// Only findings of this product.
    pub product: Option<String>,
    /// Only items whose name matches this pattern.
    pub item: Option<Glob>,
    /// Only items on hosts whose name matches this pattern (for network devices, the
    /// device's address also counts as its host name).
    pub host: Option<Glob>,
    /// The last day it holds.
    pub until: NaiveDate,
    /// Why it was granted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The decision, ticket or change number.
    pub reference: Option<String>,
    /// `file:line` where it is declared, for messages.
    pub origin: String,
}

impl Exception {
    /// Whether it covers a finding seen on `host`.
    pub fn covers(&self, finding: &Finding, host: Option<&str>) -> bool {
        if self
            .vendor
            .as_ref()
            .is_some_and(|v| v != &finding.vendor.id)
        {
            return false;
        }
        if let Some(p) = &self.product {
            if finding.product.as_ref().is_none_or(|fp| &fp.id != p) {
                return false;
            }
        }
        if self
            .item
            .as_ref()
            .is_some_and(|g| !g.matches(&finding.item.name))
        {
            return false;
        }
        if let Some(g) = &self.host {
            let device = (finding.item.kind == ItemKind::NetworkDevice)
                .then_some(finding.item.name.as_str());
            if !host.into_iter().chain(device).any(|h| g.matches(h)) {
                return false;
            }
        }
        true
    }

    /// Whether it still holds on `today` (`until` is the last day it does).
    pub fn state_on(&self, today: NaiveDate) -> ExceptionState {
        if today <= self.until {
            ExceptionState::Active
        } else {
            ExceptionState::Expired
        }
    }

    /// What it covers, in words: `product `x`, item `kesl*``.
    pub fn scope(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.vendor {
            parts.push(format!("vendor `{v}`"));
        }
        if let Some(p) = &self.product {
            parts.push(format!("product `{p}`"));
        }
        if let Some(g) = &self.item {
            parts.push(format!("item `{g}`"));
        }
        if let Some(g) = &self.host {
            parts.push(format!("host `{g}`"));
        }
        parts.join(", ")
    }

    fn reference(&self, today: NaiveDate) -> ExceptionRef {
        ExceptionRef {
            id: self.id.clone(),
            until: Some(self.until),
            reason: self.reason.clone(),
            approved_by: self.approved_by.clone(),
            reference: self.reference.clone(),
            state: self.state_on(today),
        }
    }
}

/// Something about the policy worth a person's attention that does not stop the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWarning {
    /// Stable kebab-case code: see [`WARNING_CODES`].
    pub code: &'static str,
    /// The exception concerned.
    pub exception: String,
    /// One line for people.
    pub message: String,
}

/// Every warning code with what it means.
pub const WARNING_CODES: [(&str, &str); 2] = [
    (
        "exception-unmatched",
        "an exception covered no finding: the item is gone (remove the exception) or its selectors are wrong",
    ),
    (
        "exception-expired",
        "an exception's `until` has passed: the findings it covers count again",
    ),
];

/// A built-in preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// Its name, as `preset = "…"` or `--policy` takes it.
    pub name: &'static str,
    /// Its one-line description.
    pub description: String,
    /// The preset's policy file, comments included.
    pub text: &'static str,
}

/// The built-in presets, sorted by name.
pub fn presets() -> Vec<Preset> {
    #[derive(serde::Deserialize)]
    struct Head {
        description: Option<String>,
    }
    presets::PRESETS
        .iter()
        .map(|(name, text)| Preset {
            name,
            description: toml::from_str::<toml::Table>(text)
                .ok()
                .and_then(|t| toml::Value::Table(t).try_into::<Head>().ok())
                .and_then(|h| h.description)
                .unwrap_or_default(),
            text,
        })
        .collect()
}

impl Policy {
    /// Every act applies, with the statuses the catalog gives.
    pub fn all() -> Self {
        Self::default()
    }

    /// Parses and validates a policy file's text against a catalog, with the policies it
    /// builds on.
    ///
    /// `path` names the file in error messages and anchors a relative `extends`.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] with every problem found, each with its file and line.
    pub fn from_toml(text: &str, path: &Path, catalog: &Catalog) -> Result<Self, PolicyError> {
        Loader::new(catalog).finish(Origin::File(path.to_owned()), text)
    }

    /// Reads, parses and validates a policy file.
    ///
    /// # Errors
    /// [`PolicyError::Read`] if the file cannot be read, else as [`Policy::from_toml`].
    pub fn from_file(path: &Path, catalog: &Catalog) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path, catalog)
    }

    /// A built-in preset, validated against a catalog.
    ///
    /// # Errors
    /// [`PolicyError::UnknownPreset`] for a name that is not a preset;
    /// [`PolicyError::Invalid`] when the catalog lacks an act the preset lists.
    pub fn preset(name: &str, catalog: &Catalog) -> Result<Self, PolicyError> {
        let (name, text) = presets::get(name).ok_or_else(|| PolicyError::UnknownPreset {
            name: name.to_owned(),
        })?;
        Loader::new(catalog).finish(Origin::Preset(name), text)
    }

    /// A policy named on the command line: an existing file, else a preset name.
    ///
    /// # Errors
    /// As [`Policy::from_file`] or [`Policy::preset`].
    pub fn load(name_or_path: &Path, catalog: &Catalog) -> Result<Self, PolicyError> {
        let looks_like_name = name_or_path
            .to_str()
            .is_some_and(|s| !s.contains(['/', '\\']) && !s.ends_with(".toml"));
        if looks_like_name && !name_or_path.exists() {
            Self::preset(name_or_path.to_str().unwrap_or_default(), catalog)
        } else {
            Self::from_file(name_or_path, catalog)
        }
    }

    /// Whether the policy applies an act.
    pub fn selects(&self, act: &str) -> bool {
        self.selected.as_ref().is_none_or(|s| s.contains(act))
    }

    /// The acts this policy applies, in catalog order (by id).
    pub fn acts<'c>(&self, catalog: &'c Catalog) -> Vec<&'c Act> {
        catalog
            .acts
            .values()
            .filter(|a| self.selects(&a.id))
            .collect()
    }

    /// Whether every act applies (no selection anywhere in the chain).
    pub fn selects_everything(&self) -> bool {
        self.selected.is_none()
    }

    /// The day deadlines count from at the earliest.
    pub fn start(&self) -> Option<NaiveDate> {
        self.start
    }

    /// The status overrides, base policy's first.
    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// The exceptions, base policy's first.
    pub fn exceptions(&self) -> &[Exception] {
        &self.exceptions
    }

    /// The description of the policy (or of the preset it builds on).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The files and presets the policy was read from, base first.
    pub fn layers(&self) -> &[String] {
        &self.layers
    }

    /// The status an act gives a vendor's product after this policy's overrides.
    fn status_for(
        &self,
        vendor: &Vendor,
        product: Option<&Product>,
        act: &str,
        catalog_status: Status,
    ) -> Status {
        // Higher rank = more specific; the most specific matching override wins, and
        // among equals the last declared (a policy's own beats its base's).
        let rank = |o: &Override| -> Option<u8> {
            let subject = match &o.subject {
                Subject::Product(p) if product.is_some_and(|q| &q.id == p) => 2,
                Subject::Vendor(v) if &vendor.id == v => 0,
                _ => return None,
            };
            match &o.act {
                Some(a) if a == act => Some(subject + 1),
                Some(_) => None,
                None => Some(subject),
            }
        };
        self.overrides
            .iter()
            .filter_map(|o| rank(o).map(|r| (r, o.status)))
            .max_by_key(|(r, _)| *r)
            .map_or(catalog_status, |(_, s)| s)
    }

    /// Judges one match on one item.
    ///
    /// Returns `None` when no selected act covers the match for this kind of item: the
    /// catalog knows the vendor, but nothing this policy enforces says it matters. Also
    /// `None` for a vendor id the catalog does not have (the matcher is compiled from the
    /// same catalog, so that means the two disagree). A product id the vendor does not
    /// have is judged by the vendor's acts alone. The finding's exception is left empty:
    /// [`Policy::apply_exceptions`] sets it once every finding of the scan is known.
    pub fn judge(
        &self,
        catalog: &Catalog,
        m: &Match,
        item: &Item,
        today: NaiveDate,
    ) -> Option<Finding> {
        let vendor = catalog.vendor(&m.vendor)?;
        let product = m
            .product
            .as_deref()
            .and_then(|id| vendor.products.iter().find(|p| p.id == id));

        let mut acts: Vec<(&Act, Status)> = catalog
            .acts_for(vendor, product)
            .into_iter()
            .filter(|r| self.selects(&r.id))
            .filter(|r| r.kinds.is_empty() || r.kinds.contains(&item.kind))
            .filter_map(|r| {
                let act = catalog.acts.get(&r.id)?;
                Some((act, self.status_for(vendor, product, &r.id, r.status)))
            })
            .collect();
        if acts.is_empty() {
            return None;
        }
        acts.sort_by(|(a, sa), (b, sb)| {
            sb.cmp(sa)
                .then_with(|| act_date(a).cmp(&act_date(b)))
                .then_with(|| a.id.cmp(&b.id))
        });
        let status = acts[0].1;
        let deadline = next_deadline(acts.iter().map(|(a, _)| *a), self.start, today);

        Some(Finding {
            id: finding::finding_id(&vendor.id, product.map(|p| p.id.as_str()), item),
            status,
            vendor: Named {
                id: vendor.id.clone(),
                name: vendor.name.clone(),
            },
            product: product.map(|p| Named {
                id: p.id.clone(),
                name: p.name.clone(),
            }),
            entity: m.entity.clone(),
            item: FindingItem::from(item),
            evidence: m.evidence.clone(),
            acts: acts
                .iter()
                .map(|(a, s)| FindingAct {
                    id: a.id.clone(),
                    status: *s,
                    title: a.title.clone(),
                    date: act_date(a),
                    url: a.url.clone(),
                })
                .collect(),
            deadline,
            exception: None,
            location: item.location.clone(),
        })
    }

    /// Marks the findings of one scan that an exception covers, and reports exceptions
    /// that covered nothing or have expired.
    ///
    /// `host` is the scanned machine's name, when known. When several exceptions cover a
    /// finding, an active one wins over an expired one, then the one that lasts longer,
    /// then the first declared.
    pub fn apply_exceptions(
        &self,
        findings: &mut [Finding],
        host: Option<&str>,
        today: NaiveDate,
    ) -> Vec<PolicyWarning> {
        let mut used = vec![0usize; self.exceptions.len()];
        for f in findings.iter_mut() {
            let mut best: Option<usize> = None;
            for (i, e) in self.exceptions.iter().enumerate() {
                if !e.covers(f, host) {
                    continue;
                }
                used[i] += 1;
                let better = best.is_none_or(|b| {
                    let b = &self.exceptions[b];
                    let key =
                        |x: &Exception| (x.state_on(today) == ExceptionState::Active, x.until);
                    key(e) > key(b)
                });
                if better {
                    best = Some(i);
                }
            }
            f.exception = best.map(|i| self.exceptions[i].reference(today));
        }
        let mut warnings = Vec::new();
        for (e, n) in self.exceptions.iter().zip(used) {
            if n == 0 {
                warnings.push(PolicyWarning {
                    code: "exception-unmatched",
                    exception: e.id.clone(),
                    message: format!(
                        "exception `{}` ({}, {}) covered no finding: remove it if the item is gone, or fix what it names",
                        e.id,
                        e.scope(),
                        e.origin
                    ),
                });
            } else if e.state_on(today) == ExceptionState::Expired {
                warnings.push(PolicyWarning {
                    code: "exception-expired",
                    exception: e.id.clone(),
                    message: format!(
                        "exception `{}` ({}) expired on {}: {} again",
                        e.id,
                        e.origin,
                        e.until,
                        if n == 1 {
                            "the finding it covers counts".to_owned()
                        } else {
                            format!("the {n} findings it covers count")
                        }
                    ),
                });
            }
        }
        warnings
    }
}

/// The calendar date of an act, if the catalog gave one.
fn act_date(act: &Act) -> Option<NaiveDate> {
    let d = act.date.date?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

/// The day an act's periods count from: its date, or the policy's start when later.
pub fn deadline_base(act: &Act, start: Option<NaiveDate>) -> Option<NaiveDate> {
    let date = act_date(act)?;
    Some(start.map_or(date, |s| s.max(date)))
}

/// The earliest deadline not yet passed, else the last one (overdue).
fn next_deadline<'a>(
    acts: impl Iterator<Item = &'a Act>,
    policy_start: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Deadline> {
    let mut all: Vec<(NaiveDate, DeadlineKind, &str, NaiveDate)> = Vec::new();
    for act in acts {
        let (Some(deadlines), Some(start)) = (&act.deadlines, deadline_base(act, policy_start))
        else {
            continue;
        };
        for (kind, offset) in [
            (DeadlineKind::Identify, &deadlines.identify),
            (DeadlineKind::Plan, &deadlines.plan),
            (DeadlineKind::Remove, &deadlines.remove),
        ] {
            let Some(days) = offset.as_deref().and_then(proscribe_catalog::parse_days) else {
                continue;
            };
            if let Some(date) = start.checked_add_days(Days::new(u64::from(days))) {
                all.push((date, kind, &act.id, start));
            }
        }
    }
    all.sort();
    let (date, kind, act, from) = all.iter().find(|(d, ..)| *d >= today).or(all.last())?;
    Some(Deadline {
        act: (*act).to_owned(),
        kind: *kind,
        date: *date,
        overdue: *date < today,
        counted_from: Some(*from),
    })
}
