//! Name normalization, the compiled matcher and the evidence it records.
//!
//! [`Matcher::compile`] turns a [`proscribe_catalog::Catalog`] into lookup structures once;
//! [`Matcher::find`] then checks one inventory item against all of them and returns one
//! [`Match`] per (vendor, product, entity), each carrying every piece of [`Evidence`] that
//! led to it. The matcher knows nothing about acts or policy: that is the next stage.
//!
//! How values are compared, strongest first (design section 7):
//! - **Exact identifiers** (package names, bundle ids, product codes, service and file
//!   names, extension ids, certificate subjects and fingerprints) are looked up in hash
//!   maps keyed by the case-folded value. A signature with an `ecosystem` (a `package`
//!   in `deb`, a `banner` of `snmp-sysdescr`) only matches identifiers of that ecosystem
//!   (or of no stated ecosystem), whatever its match kind. A `domain`
//!   signature also matches its subdomains; a `purl` signature compares type, namespace
//!   and name only; a `cpe` signature is a prefix on CPE component boundaries.
//! - **Registry tables** (`catalog/generated/`): a MAC's OUI (longest of MA-S, MA-M,
//!   MA-L; locally administered and multicast MACs are skipped), a USB or PCI vendor id,
//!   an SNMP enterprise number.
//! - **Names** are compared as normalized word sequences (see [`normalize`]) with one
//!   Aho–Corasick automaton: a `words` signature matches when its words occur as
//!   consecutive whole words of the field, so `zte` never matches `aztec`. CJK text has no
//!   spaces, so inside a CJK word any contiguous character sequence counts. Vendor,
//!   subsidiary and brand names and aliases are matched against the item's `publisher`
//!   only (e-mail addresses removed), never against package names or free-text
//!   attributes.
//! - `prefix` and `regex` signatures: prefixes on the case-folded value (on the
//!   normalized text for `name`/`publisher`), regexes case-insensitively on the value as
//!   found.
//!
//! **Ownership dates.** A subsidiary or brand with an `until` date (Honor left Huawei on
//! 2020-11-17) is attributed to the vendor only when the item carries `attrs["date"]`
//! (`YYYY-MM-DD`, e.g. a manufacture date) earlier than `until`; one with a `since` date
//! only when the item is undated or dated on or after it. Undated items are therefore never
//! blamed on a former owner.
//!
//! **Specificity.** Within one field, a `words` match inside a wider one yields to it: a
//! product name inside a longer product name (`Kaspersky Anti-Virus` in `Kaspersky
//! Anti-Virus for Windows Servers`) is not a second product, and an alias inside a longer
//! alias of the same vendor (`Kaspersky` in `Kaspersky Lab`) adds no evidence. Names that
//! normalize to the same words give one piece of evidence (the vendor name before its
//! aliases, aliases before signatures). A subsidiary or brand spelled like the vendor
//! itself once legal forms are dropped (`Kaspersky Lab, Inc.`) stays the vendor's.
//!
//! **Merging.** Several signatures of the same (vendor, product, entity) give one match
//! with all their evidence. Less specific matches fold into more specific ones of the same
//! vendor: a vendor-only match (a publisher alias, a vendor domain) or an entity-only match
//! into the product match (which then names the entity), and a vendor-only match into an
//! entity match when no product matched.
#![deny(missing_docs)]

mod ids;
mod matcher;
mod normalize;
mod oui;

pub use matcher::{CompileError, Matcher};
pub use normalize::{normalize, words};

use serde::Serialize;

/// One vendor (and maybe one of its products) recognised in one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The catalog vendor id.
    pub vendor: String,
    /// The catalog product id, when a product signature matched.
    pub product: Option<String>,
    /// The subsidiary or brand name that matched, when it was not the vendor itself.
    pub entity: Option<String>,
    /// Every signature that matched, so the finding explains itself.
    pub evidence: Vec<Evidence>,
}

/// Which item field matched which signature, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The item field compared: `name`, `publisher`, or an identifier type.
    pub field: String,
    /// The item's value in that field, as found.
    pub value: String,
    /// The signature: `<product-id>#<index>` or `<vendor-id>#<index>` for catalog
    /// signatures; `<vendor-id>#name`, `#alias:<n>`, `#subsidiary:<i>`, `#brand:<i>`
    /// (and `…:alias:<n>`) for names; `<vendor-id>#oui:<KEY>`, `#usb:`, `#pci:`, `#iana:`
    /// for registry entries.
    pub signature: String,
    /// Where the signature is attested: a URL, or a registry reference (`ieee-oui`,
    /// `usb.ids`, `pci.ids`, `iana-pen`).
    pub source: String,
    /// How the value was compared.
    #[serde(rename = "match")]
    pub how: proscribe_catalog::MatchKind,
}
