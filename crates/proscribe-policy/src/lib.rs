//! Judges matches into findings: which acts apply, how strongly, and by when.
//!
//! The matcher says *whose* product an item is; this crate says *whether that matters
//! here*. A [`Policy`] selects the acts an organisation is bound by and may soften or
//! harden the status an act gives a vendor or product. [`Policy::judge`] then turns one
//! [`Match`] on one [`Item`] into a [`Finding`], or into nothing when no selected act
//! covers it: a vendor in the catalog is not by itself a finding.
//!
//! # Rules
//!
//! - The acts that apply are the catalog's acts for the vendor and product
//!   ([`Catalog::acts_for`]), restricted to the acts the policy selects and to the item
//!   kinds each act reference lists (`kinds`; empty means every kind).
//! - The finding's status is the strongest of those acts' statuses
//!   (`banned` > `restricted` > `review`), each after the policy's overrides.
//! - The deadline is the earliest of the acts' deadlines (`identify`, `plan`, `remove`,
//!   counted from the act's date) that has not passed; when all have passed, the last
//!   one, marked `overdue`.
//!
//! # Policy file, version 1
//!
//! ```toml
//! # Optional. Select acts by id, by jurisdiction, or both (the union).
//! # With neither key, every act in the catalog applies.
//! acts = ["us-bod-17-01"]
//! jurisdictions = ["US-federal"]
//!
//! # Optional, repeatable. Change the status an act gives a vendor or one product.
//! [[override]]
//! vendor = "kaspersky"        # or: product = "kaspersky-endpoint-security"
//! act = "us-bod-17-01"        # optional: without it, every act that covers the vendor
//! status = "review"           # banned | restricted | review
//! ```
//!
//! The most specific override wins: a product override beats a vendor override, and one
//! naming an act beats one that does not. Unknown keys, unknown ids and overrides that
//! could never apply are errors, all reported at once with their line, so a typo never
//! silently widens or narrows what a scan enforces.
//!
//! Policy v1 has no exceptions yet: [`Finding::exception`] is always `None`.
#![deny(missing_docs)]

mod file;
mod finding;
mod schema;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Days, NaiveDate};
use proscribe_catalog::{Act, Catalog, Product, Status, Vendor};
use proscribe_match::Match;
use proscribe_model::Item;

pub use file::{PolicyError, Problem};
pub use finding::{Deadline, DeadlineKind, ExceptionRef, Finding, FindingAct, FindingItem, Named};

/// Which acts apply and how: the organisation's reading of the catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Selected act ids; `None` selects every act.
    selected: Option<BTreeSet<String>>,
    overrides: Vec<Override>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    subject: Subject,
    act: Option<String>,
    status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    Vendor(String),
    Product(String),
}

impl Policy {
    /// Every act applies, with the statuses the catalog gives.
    pub fn all() -> Self {
        Self::default()
    }

    /// Parses and validates a policy file's text against a catalog.
    ///
    /// `path` only names the file in error messages.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] with every problem found, each with its line.
    pub fn from_toml(text: &str, path: &Path, catalog: &Catalog) -> Result<Self, PolicyError> {
        file::parse(text, path, catalog)
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

    /// Whether the policy applies an act.
    pub fn selects(&self, act: &str) -> bool {
        self.selected.as_ref().is_none_or(|s| s.contains(act))
    }

    /// The status an act gives a vendor's product after this policy's overrides.
    fn status_for(
        &self,
        vendor: &Vendor,
        product: Option<&Product>,
        act: &str,
        catalog_status: Status,
    ) -> Status {
        // Higher rank = more specific; the most specific matching override wins.
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
    /// have is judged by the vendor's acts alone.
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
        let deadline = next_deadline(acts.iter().map(|(a, _)| *a), today);

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
}

/// The calendar date of an act, if the catalog gave one.
fn act_date(act: &Act) -> Option<NaiveDate> {
    let d = act.date.date?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

/// The earliest deadline not yet passed, else the last one (overdue).
fn next_deadline<'a>(acts: impl Iterator<Item = &'a Act>, today: NaiveDate) -> Option<Deadline> {
    let mut all: Vec<(NaiveDate, DeadlineKind, &str)> = Vec::new();
    for act in acts {
        let (Some(deadlines), Some(start)) = (&act.deadlines, act_date(act)) else {
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
                all.push((date, kind, &act.id));
            }
        }
    }
    all.sort();
    let (date, kind, act) = all.iter().find(|(d, _, _)| *d >= today).or(all.last())?;
    Some(Deadline {
        act: (*act).to_owned(),
        kind: *kind,
        date: *date,
        overdue: *date < today,
    })
}
