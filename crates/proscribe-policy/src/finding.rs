//! The finding: one judged match, shaped exactly as the `proscribe.report/1` contract
//! prints it.

use chrono::NaiveDate;
use proscribe_catalog::Status;
use proscribe_match::Evidence;
use proscribe_model::{Identifier, Item, ItemKind, Location};
use schemars::JsonSchema;
use serde::Serialize;
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
    /// The policy exception that covers this finding. Policy v1 has no exceptions, so
    /// this is always `null`; a later policy version sets it, and the field is already in
    /// the report contract so readers need not change.
    pub exception: Option<ExceptionRef>,
    /// Where the item was found.
    #[schemars(with = "LocationDef")]
    pub location: Location,
}

/// A catalog id with its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Named {
    /// The catalog id.
    pub id: String,
    /// The name people know it by.
    pub name: String,
}

/// The identity of the item a finding is about (its location is on the finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
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
}

impl From<&Item> for FindingItem {
    fn from(item: &Item) -> Self {
        Self {
            kind: item.kind,
            name: item.name.clone(),
            version: item.version.clone(),
            publisher: item.publisher.clone(),
            identifiers: item.identifiers.clone(),
        }
    }
}

/// An act that applies to a finding, with the status it gives there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Deadline {
    /// The act that sets it.
    pub act: String,
    /// Which step is due.
    pub kind: DeadlineKind,
    /// The day it is due.
    pub date: NaiveDate,
    /// Whether the day had passed when the finding was judged.
    pub overdue: bool,
}

/// A reference to the policy exception that covers a finding.
///
/// Policy v1 cannot declare exceptions, so nothing sets this yet; it exists so the report
/// contract already has its final shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ExceptionRef {
    /// The exception's id in the policy.
    pub id: String,
    /// The last day the exception holds, if it expires.
    pub until: Option<NaiveDate>,
    /// Why it was granted.
    pub reason: String,
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
