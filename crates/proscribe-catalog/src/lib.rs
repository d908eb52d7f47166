//! The proscribe catalog: who is banned or high-risk, by which acts, and how to recognise
//! their products.
//!
//! The catalog is reviewed plain text in the repository's `catalog/` directory (one act or
//! vendor per TOML file, registry-derived tables in `generated/`), embedded into the binary
//! at build time so a scan needs no files. [`Catalog::load_dir`] reads another copy;
//! [`lint`] enforces the rules of the catalog contract and reports every problem at once.
#![deny(missing_docs)]

mod generated;
mod lint;
mod load;
pub mod schema;

pub use generated::{Generated, RegistryEntry, RegistryKind};
pub use lint::{lint, parse_days, Diagnostic, CODES};
pub use load::LoadError;
pub use schema::{
    Act, ActRef, Alias, Deadlines, Entity, MatchKind, Product, Registry, Signature, Status, Vendor,
};

use std::collections::BTreeMap;

/// A loaded catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Catalog version from `catalog.toml`, e.g. `2026.11.25`.
    pub version: String,
    /// `sha256:<hex>` over every file, so a report names exactly the data it used.
    pub digest: String,
    /// Acts by id.
    pub acts: BTreeMap<String, Act>,
    /// Vendors, sorted by id.
    pub vendors: Vec<Vendor>,
    /// Tables derived from public registries.
    pub generated: Generated,
}

/// The catalog's own header file, `catalog.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: String,
    schema: u32,
}

/// The schema version of the catalog files this build reads.
pub const SCHEMA_VERSION: u32 = 1;

impl Catalog {
    /// The catalog embedded in this build.
    ///
    /// # Errors
    /// Only if the embedded data is broken, which the test suite rules out.
    pub fn builtin() -> Result<Self, LoadError> {
        load::from_files(
            builtin::FILES
                .iter()
                .map(|(p, c)| ((*p).to_owned(), (*c).to_owned())),
        )
    }

    /// Reads a catalog directory laid out like the repository's `catalog/`.
    ///
    /// # Errors
    /// Every unreadable or unparsable file, each with its path and line.
    pub fn load_dir(dir: &std::path::Path) -> Result<Self, LoadError> {
        load::from_dir(dir)
    }

    /// A vendor by id.
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    /// A product by id, with its vendor.
    pub fn product(&self, id: &str) -> Option<(&Vendor, &Product)> {
        self.vendors
            .iter()
            .find_map(|v| v.products.iter().find(|p| p.id == id).map(|p| (v, p)))
    }

    /// The acts that apply to a vendor's product (or to the vendor itself when `product` is
    /// `None`): the vendor's acts, with the product's own acts added or overriding by id.
    pub fn acts_for<'a>(
        &'a self,
        vendor: &'a Vendor,
        product: Option<&'a Product>,
    ) -> Vec<&'a ActRef> {
        let mut refs: Vec<&ActRef> = vendor.acts.iter().collect();
        if let Some(product) = product {
            for own in &product.acts {
                refs.retain(|r| r.id != own.id);
                refs.push(own);
            }
        }
        refs
    }
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}
