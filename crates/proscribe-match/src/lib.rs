//! Name normalization, the compiled matcher and the evidence it records (being written).
//!
//! The two types below are the contract between the matcher and the policy stage.
#![deny(missing_docs)]

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
    /// The item's value in that field.
    pub value: String,
    /// The signature, as `<product-or-vendor-id>#<index>`.
    pub signature: String,
    /// Where the signature is attested.
    pub source: String,
    /// How the value was compared.
    #[serde(rename = "match")]
    pub how: proscribe_catalog::MatchKind,
}
