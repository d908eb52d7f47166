//! The finding: one judged match, shaped exactly as the `proscribe.report/1` contract
//! prints it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proscribe_catalog::Status;
use proscribe_match::Evidence;
use proscribe_model::{Identifier, Item, ItemKind, Location};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::schema::{EvidenceDef, IdentifierDef, ItemKindDef, LocationDef, StatusDef};

/// One vendor's (or product's) presence in one item, with the acts that make it matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable across runs: a hash of vendor, product, item identity and location, so
    /// a fleet database or a CI diff can tell a new finding from an old one.
    pub id: String,
    /// The strongest status any applicable act gives, after the policy's overrides.
    #[schemars(with = "StatusDef")]
    pub status: Status,
    /// The vendor.
    pub vendor: Named,
    /// The product, when a product signature matched (not just the vendor's name).
    pub product: Option<Named>,
    /// The subsidiary or brand that matched, when it was not the vendor itself.
    pub entity: Option<String>,
    /// The item as the collector saw it.
    pub item: FindingItem,
    /// Which fields matched which signatures.
    #[schemars(with = "Vec<EvidenceDef>")]
    pub evidence: Vec<Evidence>,
    /// The applicable acts, strongest first, then oldest first.
    pub acts: Vec<FindingAct>,
    /// The next deadline an act sets, or the last one when all have passed.
    pub deadline: Option<Deadline>,
    /// The policy exception (waiver) that covers this finding, active or expired; `null`
    /// when none does. An active one keeps the finding in the report but out of the exit
    /// status; an expired one is shown so nobody mistakes the finding for a new one.
    pub exception: Option<ExceptionRef>,
    /// Where the item was found.
    #[schemars(with = "LocationDef")]
    pub location: Location,
}

/// A catalog id with its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Named {
    /// The catalog id.
    pub id: String,
    /// The name people know it by.
    pub name: String,
}

/// The identity of the item a finding is about (its location is on the finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingItem {
    /// What kind of thing it is.
    #[schemars(with = "ItemKindDef")]
    pub kind: ItemKind,
    /// The name as the source shows it.
    pub name: String,
    /// The version as the source shows it.
    pub version: Option<String>,
    /// The publisher as the source shows it.
    pub publisher: Option<String>,
    /// Every identifier the collector saw.
    #[schemars(with = "Vec<IdentifierDef>")]
    pub identifiers: Vec<Identifier>,
    /// The few source attributes a removal plan needs ([`REPORTED_ATTRS`]), such as a
    /// Windows program's uninstall command; absent when the item has none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
}

/// Item attribute: the command Windows runs to uninstall a program (the `UninstallString`
/// value of its Uninstall registry key).
pub const ATTR_UNINSTALL_STRING: &str = "uninstall-string";
/// Item attribute: the silent variant (`QuietUninstallString`), when the program has one.
pub const ATTR_QUIET_UNINSTALL_STRING: &str = "quiet-uninstall-string";

/// The item attributes a finding copies into the report. Only these: attributes are free
/// text of any size, and a report should carry what a person acts on, not the whole item.
pub const REPORTED_ATTRS: [&str; 2] = [ATTR_UNINSTALL_STRING, ATTR_QUIET_UNINSTALL_STRING];

impl From<&Item> for FindingItem {
    fn from(item: &Item) -> Self {
        Self {
            kind: item.kind,
            name: item.name.clone(),
            version: item.version.clone(),
            publisher: item.publisher.clone(),
            identifiers: item.identifiers.clone(),
            attrs: item
                .attrs
                .iter()
                .filter(|(k, _)| REPORTED_ATTRS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }
}

/// An act that applies to a finding, with the status it gives there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingAct {
    /// The act's catalog id.
    pub id: String,
    /// The status this act gives the vendor or product, after the policy's overrides.
    #[schemars(with = "StatusDef")]
    pub status: Status,
    /// The act's title.
    pub title: String,
    /// The date it was adopted or issued; `null` only if the catalog gave a time without
    /// a date, which the catalog linter rejects.
    pub date: Option<NaiveDate>,
    /// The primary source.
    pub url: String,
}

/// Which of an act's deadlines is due: identify, plan or remove.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// Identify the covered products.
    Identify,
    /// Plan their removal.
    Plan,
    /// Remove them.
    Remove,
}

impl DeadlineKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identify => "identify",
            Self::Plan => "plan",
            Self::Remove => "remove",
        }
    }
}

/// A deadline an act sets for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Deadline {
    /// The act that sets it.
    pub act: String,
    /// Which step is due.
    pub kind: DeadlineKind,
    /// The day it is due.
    pub date: NaiveDate,
    /// Whether the day had passed when the finding was judged.
    pub overdue: bool,
    /// The day the act's periods are counted from: the act's date, or the policy's
    /// `start` when that is later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_from: Option<NaiveDate>,
}

/// Whether an exception still holds on the day of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionState {
    /// `until` is today or later: the finding is excepted and does not fail the scan.
    Active,
    /// `until` has passed: the finding counts again.
    Expired,
}

impl ExceptionState {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
        }
    }
}

/// A reference to the policy exception (waiver) that covers a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExceptionRef {
    /// The exception's id in the policy.
    pub id: String,
    /// The last day the exception holds (policy files require it; the type stays
    /// nullable because the first version of the report contract declared it so).
    pub until: Option<NaiveDate>,
    /// Why it was granted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The decision, ticket or change number that records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Whether it held on the day of the scan.
    pub state: ExceptionState,
}

impl ExceptionRef {
    /// Whether the exception held on the day of the scan, so the finding does not count.
    pub fn is_active(&self) -> bool {
        self.state == ExceptionState::Active
    }
}

impl Finding {
    /// Whether an active exception covers this finding: it stays in the report but does
    /// not set the exit status.
    pub fn is_excepted(&self) -> bool {
        self.exception.as_ref().is_some_and(ExceptionRef::is_active)
    }
}

/// The stable finding id: the first 16 bytes of a SHA-256, in hex.
///
/// Fields are separated and `None` is told apart from an empty string, so no two
/// different identities can share an input.
pub(crate) fn finding_id(vendor: &str, product: Option<&str>, item: &Item) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        Some(v) => {
            h.update([1]);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v.as_bytes());
        }
        None => h.update([0]),
    };
    field(Some(vendor));
    field(product);
    field(Some(item.kind.as_str()));
    field(Some(&item.name));
    field(item.version.as_deref());
    field(Some(&item.location.target));
    field(Some(&item.location.path));
    field(item.location.detail.as_deref());
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
