//! The catalog's on-disk schema (section 4 of the design: a contract).
//!
//! Every struct rejects unknown keys, so a typo in a catalog file is an error rather than a
//! silently ignored fact.

use serde::{Deserialize, Serialize};
use toml::value::Datetime;

/// One legal or policy instrument: `catalog/acts/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    /// Kebab-case id, equal to the file stem.
    pub id: String,
    /// The instrument's title as its issuer gives it.
    pub title: String,
    /// Who issued it.
    pub issuer: String,
    /// Who is bound, e.g. `US-federal`, `EU-institutions`, `DE-federal`.
    pub jurisdiction: String,
    /// The date it was adopted, signed or issued.
    pub date: Datetime,
    /// The date it takes effect, when that differs from `date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Datetime>,
    /// Whether it binds (a law, a directive) or only advises (a resolution, a warning).
    pub binding: bool,
    /// The primary source.
    pub url: String,
    /// Further sources (secondary reporting, the Federal Register notice, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The operative sentence, quoted.
    pub quote: String,
    /// Deadlines counted from `date` (or a policy's `start`), as `<n>d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<Deadlines>,
    /// Short free-text note for people (vote counts, scope caveats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// An act's deadlines, each an offset such as `30d`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Identify the covered products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identify: Option<String>,
    /// Plan their removal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Remove them (or begin removing them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<String>,
}

/// How strongly an act treats a vendor or product.
///
/// Ordered so that the strongest compares greatest: `banned` > `restricted` > `review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Potentially dangerous: investigate.
    Review,
    /// High-risk: allowed only with an approved exception.
    Restricted,
    /// Prohibited, or confirmed malicious.
    Banned,
}

impl Status {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Restricted => "restricted",
            Self::Banned => "banned",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference from a vendor or product to an act, with the status that act implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRef {
    /// The act's id.
    pub id: String,
    /// The status the act gives this vendor or product.
    pub status: Status,
    /// What the act covers of this vendor, when narrower than everything
    /// (e.g. "video surveillance and telecommunications equipment").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The item kinds the act covers for this vendor (e.g. only `network-device`,
    /// `usb-device`, `pci-device` for an equipment ban); every kind when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<proscribe_model::ItemKind>,
}

/// A name a vendor is known by: a plain string (sourced by the vendor's `sources`) or a
/// table with its own source and language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Alias {
    /// A name covered by the vendor's `sources`.
    Plain(String),
    /// A name with its own source.
    Sourced(SourcedAlias),
}

impl Alias {
    /// The alias text.
    pub fn name(&self) -> &str {
        match self {
            Self::Plain(s) => s,
            Self::Sourced(s) => &s.name,
        }
    }

    /// The alias's own source, if it has one.
    pub fn source(&self) -> Option<&str> {
        match self {
            Self::Plain(_) => None,
            Self::Sourced(s) => Some(&s.source),
        }
    }
}

/// An alias with its own source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedAlias {
    /// The alias text.
    pub name: String,
    /// BCP 47 language tag of the script it is written in (`ru`, `zh-Hans`, `ja`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Where this name is attested.
    pub source: String,
}

/// A vendor: `catalog/vendors/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Kebab-case id, equal to the file stem.
    pub id: String,
    /// The legal name.
    pub name: String,
    /// Other legal names, short names and names in native scripts.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// Sources for the name, plain aliases and ownership facts.
    pub sources: Vec<String>,
    /// The acts that cover every product of this vendor.
    #[serde(default)]
    pub acts: Vec<ActRef>,
    /// Subsidiaries and affiliates (owned companies).
    #[serde(default)]
    pub subsidiaries: Vec<Entity>,
    /// Brands and product lines sold under another name.
    #[serde(default)]
    pub brands: Vec<Entity>,
    /// Products with their identifying signatures.
    #[serde(default)]
    pub products: Vec<Product>,
    /// Signatures that identify the vendor without naming one product (publisher strings,
    /// domains, certificate subjects).
    #[serde(default)]
    pub signatures: Vec<Signature>,
    /// Organisation names as public registries spell them; `cargo xtask gen-registry`
    /// derives OUIs, USB/PCI vendor ids and enterprise numbers from these.
    #[serde(default)]
    pub registry: Registry,
}

/// A subsidiary, affiliate or brand, with the dates it belonged to the vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Its name.
    pub name: String,
    /// Other spellings and native-script names.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// When it joined the vendor (founded, acquired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Datetime>,
    /// When it left the vendor (sold, spun off). Items made after this are not the vendor's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Datetime>,
    /// Where the ownership fact is attested.
    pub source: String,
    /// Organisation names of this entity in public registries.
    #[serde(default)]
    pub registry: Registry,
}

/// Organisation names as registries spell them, per registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// IEEE MA-L/MA-M/MA-S "Organization Name" values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ieee: Vec<String>,
    /// usb.ids vendor names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usb: Vec<String>,
    /// pci.ids vendor names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pci: Vec<String>,
    /// IANA Private Enterprise Number organisation names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iana: Vec<String>,
}

impl Registry {
    /// Whether no registry name is listed.
    pub fn is_empty(&self) -> bool {
        self.ieee.is_empty() && self.usb.is_empty() && self.pci.is_empty() && self.iana.is_empty()
    }
}

/// A product of a vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Kebab-case id, unique across the catalog.
    pub id: String,
    /// The product's name.
    pub name: String,
    /// What kind of product it is, to suggest a replacement (`endpoint-protection`,
    /// `messenger`, `video-surveillance`, `network-equipment`, `social-media`, `ai-assistant`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Acts that cover this product in addition to (or, for the same id, instead of) the
    /// vendor's.
    #[serde(default)]
    pub acts: Vec<ActRef>,
    /// Where the product itself is described.
    #[serde(default)]
    pub sources: Vec<String>,
    /// How to recognise it.
    #[serde(default)]
    pub signatures: Vec<Signature>,
}

/// How a signature's value is compared with an item's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchKind {
    /// Equal after case folding.
    Exact,
    /// The value's normalised word sequence occurs in the field's word sequence.
    Words,
    /// The field starts with the value (case-folded).
    Prefix,
    /// The regex matches the field.
    Regex,
}

/// One identifying fact about a product or vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The item field compared: `name`, `publisher`, or an identifier type
    /// (`package`, `bundle-id`, `android-package`, `service-name`, `file-name`, …).
    pub field: String,
    /// The value to look for.
    pub value: String,
    /// How to compare; `exact` when absent.
    #[serde(default = "default_match", rename = "match")]
    pub match_kind: MatchKind,
    /// For `package`: only this ecosystem (`deb`, `rpm`, `apk`, `pacman`, `npm`…); for
    /// `banner`: only this protocol field (`http-server`, `ssh`, `snmp-sysdescr`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    /// Where this identifier is attested.
    pub source: String,
    /// Short note for people (which version, which platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_match() -> MatchKind {
    MatchKind::Exact
}
