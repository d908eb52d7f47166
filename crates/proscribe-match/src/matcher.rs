//! The compiled matcher: catalog signatures turned into hash maps, prefix lists, regex
//! sets and one Aho–Corasick automaton, built once and shared by every `find`.

use std::borrow::Cow;
use std::cell::RefCell;

use foldhash::HashMap;

use aho_corasick::AhoCorasick;
use proscribe_catalog::{Catalog, Entity, MatchKind, RegistryKind, Signature};
use proscribe_model::{IdentifierKind, Item};
use regex::{RegexSet, RegexSetBuilder};

use crate::normalize::{is_cjk, normalize_into};
use crate::{ids, Evidence, Match};

/// Why a catalog could not be compiled into a matcher.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// A `regex` signature does not compile.
    #[error("signature `{signature}`: regex `{pattern}` does not compile: {message}")]
    BadRegex {
        /// The signature label.
        signature: String,
        /// The pattern as written.
        pattern: String,
        /// The regex engine's explanation.
        message: String,
    },
    /// A `words` signature, name or alias has no words left after normalization.
    #[error("signature `{signature}`: `{value}` has no words left after normalization (only punctuation or legal forms)")]
    NoWords {
        /// The signature label.
        signature: String,
        /// The value as written.
        value: String,
    },
    /// The name automaton could not be built.
    #[error("cannot build the name automaton: {0}")]
    Automaton(String),
    /// A generated registry row names a vendor the catalog does not have.
    #[error("generated/{file}: key `{key}` names unknown vendor `{vendor}`")]
    UnknownRegistryVendor {
        /// The generated file.
        file: &'static str,
        /// The registry key.
        key: String,
        /// The vendor id.
        vendor: String,
    },
    /// A generated registry row names an entity its vendor does not have.
    #[error("generated/{file}: key `{key}` names entity `{entity}` that vendor `{vendor}` does not list")]
    UnknownRegistryEntity {
        /// The generated file.
        file: &'static str,
        /// The registry key.
        key: String,
        /// The vendor id.
        vendor: String,
        /// The entity name.
        entity: String,
    },
    /// A generated registry key cannot be read.
    #[error("generated/{file}: malformed key `{key}`")]
    BadRegistryKey {
        /// The generated file.
        file: &'static str,
        /// The registry key.
        key: String,
    },
}

/// A calendar date as (year, month, day), comparable.
type Date = (u16, u8, u8);

/// An item field a signature can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Publisher,
    Id(IdentifierKind),
}

impl Field {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "name" => Some(Self::Name),
            "publisher" => Some(Self::Publisher),
            other => IdentifierKind::parse(other).map(Self::Id),
        }
    }

    fn bit(self) -> u32 {
        match self {
            Self::Name => 1,
            Self::Publisher => 2,
            Self::Id(k) => 4 << (k as u32),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Publisher => "publisher",
            Self::Id(k) => k.as_str(),
        }
    }
}

/// What a matching signature attributes, and how to explain it.
#[derive(Debug)]
struct Target {
    vendor: u32,
    product: Option<u32>,
    entity: Option<u32>,
    label: String,
    source: String,
    how: MatchKind,
    /// For `package` signatures: the ecosystem the identifier must be in.
    ecosystem: Option<String>,
}

#[derive(Debug)]
struct EntityInfo {
    vendor: u32,
    name: String,
    since: Option<Date>,
    until: Option<Date>,
}

/// One signature hit in one item, before grouping.
struct Hit<'i> {
    target: u32,
    field: Field,
    value: &'i str,
}

/// A compiled regex set over one field.
#[derive(Debug)]
struct RegexGroup {
    field: Field,
    set: RegexSet,
    targets: Vec<u32>,
}

/// A catalog compiled for matching. Build once with [`Matcher::compile`]; `find` is `&self`
/// and can run on many threads.
#[derive(Debug)]
pub struct Matcher {
    vendors: Vec<String>,
    products: Vec<String>,
    entities: Vec<EntityInfo>,
    targets: Vec<Target>,
    /// Exact maps per identifier kind (index `IdentifierKind as usize`), keyed by the
    /// case-folded value.
    exact: Vec<HashMap<String, Vec<u32>>>,
    /// `purl` signatures keyed by `type/namespace/name` (`type//name` matches any namespace).
    purls: HashMap<String, Vec<u32>>,
    /// `cpe` signatures (2.3 form, case-folded).
    cpes: Vec<(String, u32)>,
    /// `prefix` signatures on identifiers (case-folded).
    id_prefixes: Vec<(IdentifierKind, String, u32)>,
    /// `prefix` signatures on normalized text fields.
    text_prefixes: Vec<(u32, String, u32)>,
    /// `exact` signatures on `name`/`publisher`, keyed by the normalized value.
    text_exact: HashMap<String, Vec<(u32, u32)>>,
    /// Field bits with at least one text-exact or text-prefix signature.
    text_exact_fields: u32,
    regexes: Vec<RegexGroup>,
    /// Name automaton over normalized word sequences, with (field mask, target) per pattern.
    words: Option<AhoCorasick>,
    word_targets: Vec<Vec<(u32, u32)>>,
    /// Field bits with at least one `words` pattern.
    word_fields: u32,
    oui: crate::oui::OuiTable,
    usb: HashMap<u16, Vec<u32>>,
    pci: HashMap<u16, Vec<u32>>,
    iana: HashMap<u32, Vec<u32>>,
}

/// Collects targets and patterns while walking the catalog.
#[derive(Default)]
struct Builder {
    targets: Vec<Target>,
    exact: Vec<HashMap<String, Vec<u32>>>,
    purls: HashMap<String, Vec<u32>>,
    cpes: Vec<(String, u32)>,
    id_prefixes: Vec<(IdentifierKind, String, u32)>,
    text_prefixes: Vec<(u32, String, u32)>,
    text_exact: HashMap<String, Vec<(u32, u32)>>,
    text_exact_fields: u32,
    regexes: Vec<(Field, Vec<String>, Vec<u32>)>,
    patterns: Vec<String>,
    pattern_ids: HashMap<String, usize>,
    word_targets: Vec<Vec<(u32, u32)>>,
    word_fields: u32,
}

impl Builder {
    fn target(&mut self, t: Target) -> u32 {
        self.targets.push(t);
        u32::try_from(self.targets.len() - 1).unwrap_or(u32::MAX)
    }

    /// Adds a words pattern for `mask` fields; errors when nothing is left to match.
    fn words(&mut self, value: &str, mask: u32, target: u32) -> Result<(), CompileError> {
        let mut norm = String::new();
        normalize_into(value, &mut norm);
        if norm.is_empty() {
            return Err(CompileError::NoWords {
                signature: self.targets[target as usize].label.clone(),
                value: value.to_owned(),
            });
        }
        let id = match self.pattern_ids.get(&norm) {
            Some(&id) => id,
            None => {
                self.patterns.push(norm.clone());
                self.word_targets.push(Vec::new());
                self.pattern_ids.insert(norm, self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        self.word_targets[id].push((mask, target));
        self.word_fields |= mask;
        Ok(())
    }

    /// Adds one catalog signature.
    fn signature(&mut self, sig: &Signature, t: Target) -> Result<(), CompileError> {
        let Some(field) = Field::parse(&sig.field) else {
            // The linter reports unknown fields; an item never has one, so it cannot match.
            return Ok(());
        };
        let kind = sig.match_kind;
        let target = self.target(Target {
            how: if field == Field::Id(IdentifierKind::Cpe) {
                MatchKind::Prefix
            } else {
                kind
            },
            ecosystem: sig.ecosystem.as_ref().map(|e| e.to_ascii_lowercase()),
            ..t
        });
        match (field, kind) {
            (_, MatchKind::Regex) => {
                if let Err(e) = regex::Regex::new(&sig.value) {
                    return Err(CompileError::BadRegex {
                        signature: self.targets[target as usize].label.clone(),
                        pattern: sig.value.clone(),
                        message: e.to_string(),
                    });
                }
                match self.regexes.iter_mut().find(|(f, _, _)| *f == field) {
                    Some((_, pats, ts)) => {
                        pats.push(sig.value.clone());
                        ts.push(target);
                    }
                    None => self
                        .regexes
                        .push((field, vec![sig.value.clone()], vec![target])),
                }
            }
            (_, MatchKind::Words) => self.words(&sig.value, field.bit(), target)?,
            (Field::Id(IdentifierKind::Cpe), _) => self.cpes.push((ids::cpe(&sig.value), target)),
            (Field::Name | Field::Publisher, MatchKind::Exact | MatchKind::Prefix) => {
                let mut norm = String::new();
                normalize_into(&sig.value, &mut norm);
                if norm.is_empty() {
                    return Err(CompileError::NoWords {
                        signature: self.targets[target as usize].label.clone(),
                        value: sig.value.clone(),
                    });
                }
                self.text_exact_fields |= field.bit();
                if kind == MatchKind::Exact {
                    self.text_exact
                        .entry(norm)
                        .or_default()
                        .push((field.bit(), target));
                } else {
                    self.text_prefixes.push((field.bit(), norm, target));
                }
            }
            (Field::Id(k), MatchKind::Prefix) => {
                self.id_prefixes
                    .push((k, ids::fold(&sig.value).into_owned(), target));
            }
            (Field::Id(IdentifierKind::Purl), MatchKind::Exact) => {
                if let Some((ty, ns, name)) = ids::purl(&sig.value) {
                    self.purls
                        .entry(ids::purl_key(&ty, &ns, &name))
                        .or_default()
                        .push(target);
                }
            }
            (Field::Id(k), MatchKind::Exact) => {
                let mut key = ids::fold(&sig.value).into_owned();
                if k == IdentifierKind::Domain {
                    key = key.trim_end_matches('.').to_owned();
                }
                self.exact[k as usize].entry(key).or_default().push(target);
            }
        }
        Ok(())
    }
}

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Matcher {
    /// Compiles every signature, name, alias and registry entry of `catalog`.
    ///
    /// # Errors
    /// A regex that does not compile, a name or `words` signature with no words left after
    /// normalization, or a generated registry row that names an unknown vendor or entity.
    pub fn compile(catalog: &Catalog) -> Result<Matcher, CompileError> {
        let mut b = Builder {
            exact: (0..IdentifierKind::ALL.len())
                .map(|_| HashMap::default())
                .collect(),
            ..Builder::default()
        };
        let mut vendors = Vec::new();
        let mut products = Vec::new();
        let mut entities = Vec::new();
        let publisher = Field::Publisher.bit();
        for (vi, v) in catalog.vendors.iter().enumerate() {
            let vi = idx(vi);
            vendors.push(v.id.clone());
            let vendor_source = v.sources.first().cloned().unwrap_or_default();
            let name_target = |label: String, source: String, entity: Option<u32>| Target {
                vendor: vi,
                product: None,
                entity,
                label,
                source,
                how: MatchKind::Words,
                ecosystem: None,
            };
            let t = b.target(name_target(
                format!("{}#name", v.id),
                vendor_source.clone(),
                None,
            ));
            b.words(&v.name, publisher, t)?;
            for (n, alias) in v.aliases.iter().enumerate() {
                let source = alias
                    .source()
                    .map_or_else(|| vendor_source.clone(), str::to_owned);
                let t = b.target(name_target(format!("{}#alias:{n}", v.id), source, None));
                b.words(alias.name(), publisher, t)?;
            }
            // An entity spelled like the vendor itself ("Kaspersky Lab, Inc." after legal forms
            // go is "kaspersky lab") cannot be told apart from it: such names stay the vendor's.
            let mut own: Vec<String> = Vec::new();
            for n in std::iter::once(v.name.as_str()).chain(v.aliases.iter().map(|a| a.name())) {
                own.push(crate::normalize(n));
            }
            let groups: [(&str, &[Entity]); 2] =
                [("subsidiary", &v.subsidiaries), ("brand", &v.brands)];
            for (what, list) in groups {
                for (i, e) in list.iter().enumerate() {
                    let ei = idx(entities.len());
                    entities.push(EntityInfo {
                        vendor: vi,
                        name: e.name.clone(),
                        since: e
                            .since
                            .and_then(|d| d.date)
                            .map(|d| (d.year, d.month, d.day)),
                        until: e
                            .until
                            .and_then(|d| d.date)
                            .map(|d| (d.year, d.month, d.day)),
                    });
                    let label = format!("{}#{what}:{i}", v.id);
                    if !own.contains(&crate::normalize(&e.name)) {
                        let t = b.target(name_target(label.clone(), e.source.clone(), Some(ei)));
                        b.words(&e.name, publisher, t)?;
                    }
                    for (n, alias) in e.aliases.iter().enumerate() {
                        if own.contains(&crate::normalize(alias.name())) {
                            continue;
                        }
                        let source = alias
                            .source()
                            .map_or_else(|| e.source.clone(), str::to_owned);
                        let t =
                            b.target(name_target(format!("{label}:alias:{n}"), source, Some(ei)));
                        b.words(alias.name(), publisher, t)?;
                    }
                }
            }
            for (i, sig) in v.signatures.iter().enumerate() {
                let t = name_target(format!("{}#{i}", v.id), sig.source.clone(), None);
                b.signature(sig, t)?;
            }
            for p in &v.products {
                let pi = idx(products.len());
                products.push(p.id.clone());
                for (i, sig) in p.signatures.iter().enumerate() {
                    let t = Target {
                        product: Some(pi),
                        ..name_target(format!("{}#{i}", p.id), sig.source.clone(), None)
                    };
                    b.signature(sig, t)?;
                }
            }
        }

        let mut oui = crate::oui::OuiTable::default();
        let mut usb: HashMap<u16, Vec<u32>> = HashMap::default();
        let mut pci: HashMap<u16, Vec<u32>> = HashMap::default();
        let mut iana: HashMap<u32, Vec<u32>> = HashMap::default();
        for kind in [
            RegistryKind::Oui,
            RegistryKind::Usb,
            RegistryKind::Pci,
            RegistryKind::Iana,
        ] {
            let file = kind.file_name();
            let (tag, source) = match kind {
                RegistryKind::Oui => ("oui", "ieee-oui"),
                RegistryKind::Usb => ("usb", "usb.ids"),
                RegistryKind::Pci => ("pci", "pci.ids"),
                RegistryKind::Iana => ("iana", "iana-pen"),
            };
            for row in catalog.generated.entries(kind) {
                let Some(vi) = vendors.iter().position(|v| *v == row.vendor) else {
                    return Err(CompileError::UnknownRegistryVendor {
                        file,
                        key: row.key.clone(),
                        vendor: row.vendor.clone(),
                    });
                };
                let vi = idx(vi);
                let entity = match &row.entity {
                    None => None,
                    Some(name) => Some(
                        entities
                            .iter()
                            .position(|e: &EntityInfo| {
                                e.vendor == vi && e.name.eq_ignore_ascii_case(name)
                            })
                            .map(idx)
                            .ok_or_else(|| CompileError::UnknownRegistryEntity {
                                file,
                                key: row.key.clone(),
                                vendor: row.vendor.clone(),
                                entity: name.clone(),
                            })?,
                    ),
                };
                let t = b.target(Target {
                    vendor: vi,
                    product: None,
                    entity,
                    label: format!("{}#{tag}:{}", row.vendor, row.key),
                    source: source.to_owned(),
                    how: MatchKind::Exact,
                    ecosystem: None,
                });
                let bad = || CompileError::BadRegistryKey {
                    file,
                    key: row.key.clone(),
                };
                match kind {
                    RegistryKind::Oui => {
                        let (bits, v) = ids::oui_key(&row.key).ok_or_else(bad)?;
                        oui.insert(bits, v, t);
                    }
                    RegistryKind::Usb | RegistryKind::Pci => {
                        let v = u16::from_str_radix(&row.key, 16).map_err(|_| bad())?;
                        let map = if kind == RegistryKind::Usb {
                            &mut usb
                        } else {
                            &mut pci
                        };
                        map.entry(v).or_default().push(t);
                    }
                    RegistryKind::Iana => {
                        let v: u32 = row.key.parse().map_err(|_| bad())?;
                        iana.entry(v).or_default().push(t);
                    }
                }
            }
        }

        let words = if b.patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&b.patterns)
                    .map_err(|e| CompileError::Automaton(e.to_string()))?,
            )
        };
        let mut regexes = Vec::new();
        for (field, pats, targets) in b.regexes {
            let set = RegexSetBuilder::new(&pats)
                .case_insensitive(true)
                .build()
                .map_err(|e| CompileError::BadRegex {
                    signature: format!("{} regex set", field.as_str()),
                    pattern: pats.join(" | "),
                    message: e.to_string(),
                })?;
            regexes.push(RegexGroup {
                field,
                set,
                targets,
            });
        }
        Ok(Matcher {
            vendors,
            products,
            entities,
            targets: b.targets,
            exact: b.exact,
            purls: b.purls,
            cpes: b.cpes,
            id_prefixes: b.id_prefixes,
            text_prefixes: b.text_prefixes,
            text_exact: b.text_exact,
            text_exact_fields: b.text_exact_fields,
            regexes,
            words,
            word_targets: b.word_targets,
            word_fields: b.word_fields,
            oui,
            usb,
            pci,
            iana,
        })
    }

    /// The registry targets of a MAC's longest assigned prefix (MA-S, then MA-M, then
    /// MA-L); `None` for locally administered and group addresses.
    fn oui_targets(&self, mac: u64) -> Option<&[u32]> {
        if !ids::mac_is_global_unicast(mac) {
            return None;
        }
        self.oui.get(mac)
    }

    /// Which catalog vendor (and subsidiary or brand) the IEEE registry assigns a MAC
    /// address to: `(vendor id, entity name)`, from the longest matching MA-S, MA-M or
    /// MA-L block. `None` when the address is unreadable, locally administered, a group
    /// address, or in no catalog vendor's block. Ownership dates are not applied here
    /// (that needs the item: see [`Matcher::find`]).
    pub fn mac_owner(&self, mac: &str) -> Option<(&str, Option<&str>)> {
        let t = *self.oui_targets(ids::mac48(mac)?)?.first()?;
        let t = &self.targets[t as usize];
        Some((
            self.vendors[t.vendor as usize].as_str(),
            t.entity.map(|e| self.entities[e as usize].name.as_str()),
        ))
    }

    /// Every vendor, product and entity `item` matches, one [`Match`] per (vendor, product,
    /// entity), sorted by catalog order; empty when nothing matches.
    pub fn find(&self, item: &Item) -> Vec<Match> {
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for id in &item.identifiers {
            self.identifier(id, &mut hits);
        }
        self.text(Field::Name, &item.name, &item.name, &mut hits);
        if let Some(p) = &item.publisher {
            self.text(Field::Publisher, p, &without_emails(p), &mut hits);
        }
        if hits.is_empty() {
            return Vec::new();
        }
        self.assemble(item, &hits)
    }

    fn identifier<'i>(&self, id: &'i proscribe_model::Identifier, hits: &mut Vec<Hit<'i>>) {
        let start = hits.len();
        self.identifier_hits(id, hits);
        // A signature bound to an ecosystem (`deb`, or a banner's protocol field such as
        // `snmp-sysdescr`) only takes identifiers of that ecosystem, or of none stated.
        if let Some(eco) = id.ecosystem.as_deref() {
            if hits[start..].iter().any(|h| !self.fits(h.target, eco)) {
                let kept: Vec<Hit<'i>> = hits
                    .drain(start..)
                    .filter(|h| self.fits(h.target, eco))
                    .collect();
                hits.extend(kept);
            }
        }
    }

    fn fits(&self, target: u32, ecosystem: &str) -> bool {
        self.targets[target as usize]
            .ecosystem
            .as_deref()
            .is_none_or(|want| want.eq_ignore_ascii_case(ecosystem))
    }

    fn identifier_hits<'i>(&self, id: &'i proscribe_model::Identifier, hits: &mut Vec<Hit<'i>>) {
        let kind = id.kind;
        let field = Field::Id(kind);
        let value = id.value.as_str();
        let mut push = |targets: &[u32]| {
            hits.extend(targets.iter().map(|&target| Hit {
                target,
                field,
                value,
            }));
        };
        match kind {
            IdentifierKind::Mac => {
                if let Some(ts) = ids::mac48(value).and_then(|m| self.oui_targets(m)) {
                    push(ts);
                }
            }
            IdentifierKind::Usb | IdentifierKind::Pci => {
                let map = if kind == IdentifierKind::Usb {
                    &self.usb
                } else {
                    &self.pci
                };
                if let Some(ts) = ids::bus_vendor(value).and_then(|v| map.get(&v)) {
                    push(ts);
                }
            }
            IdentifierKind::SnmpObjectId => {
                if let Some(ts) = ids::enterprise_number(value).and_then(|v| self.iana.get(&v)) {
                    push(ts);
                }
            }
            IdentifierKind::Purl => {
                if let Some((ty, ns, name)) = ids::purl(value) {
                    for key in [
                        ids::purl_key(&ty, &ns, &name),
                        ids::purl_key(&ty, "", &name),
                    ] {
                        if let Some(ts) = self.purls.get(&key) {
                            push(ts);
                        }
                        if ns.is_empty() {
                            break;
                        }
                    }
                    // A purl names an OS package too: `pkg:deb/debian/kesl` is the deb `kesl`.
                    let eco = ids::purl_ecosystem(&ty);
                    if let Some(ts) = self.exact[IdentifierKind::Package as usize].get(&name) {
                        let ok: Vec<u32> = ts
                            .iter()
                            .copied()
                            .filter(|&t| {
                                self.targets[t as usize]
                                    .ecosystem
                                    .as_deref()
                                    .is_none_or(|e| e == eco)
                            })
                            .collect();
                        push(&ok);
                    }
                }
            }
            IdentifierKind::Cpe if !self.cpes.is_empty() => {
                let cpe = ids::cpe(value);
                for (prefix, t) in &self.cpes {
                    if ids::cpe_has_prefix(&cpe, prefix) {
                        push(std::slice::from_ref(t));
                    }
                }
            }
            _ => {}
        }
        let map = &self.exact[kind as usize];
        if !map.is_empty() {
            let folded = ids::fold(value);
            if kind == IdentifierKind::Domain {
                for d in ids::domain_suffixes(&folded) {
                    if let Some(ts) = map.get(d) {
                        push(ts);
                    }
                }
            } else if let Some(ts) = map.get(folded.as_ref()) {
                if kind == IdentifierKind::Package {
                    let eco = id.ecosystem.as_deref();
                    for &t in ts {
                        let want = self.targets[t as usize].ecosystem.as_deref();
                        let fits = match (want, eco) {
                            (Some(w), Some(e)) => w.eq_ignore_ascii_case(e),
                            _ => true,
                        };
                        if fits {
                            push(&[t]);
                        }
                    }
                } else {
                    push(ts);
                }
            }
        }
        if self.id_prefixes.iter().any(|(k, _, _)| *k == kind) {
            let folded = ids::fold(value);
            for (k, prefix, t) in &self.id_prefixes {
                if *k == kind && folded.starts_with(prefix.as_str()) {
                    push(std::slice::from_ref(t));
                }
            }
        }
        self.regex(field, value, hits);
        if self.word_fields & field.bit() != 0 {
            self.words(field, value, value, hits);
        }
    }

    /// Matches a text field (`name`, `publisher`): regexes on the value as found, then
    /// exact/prefix/words on its normalized form. `value` is reported; `text` is compared.
    fn text<'i>(&self, field: Field, value: &'i str, text: &str, hits: &mut Vec<Hit<'i>>) {
        self.regex(field, value, hits);
        let bit = field.bit();
        if (self.word_fields | self.text_exact_fields) & bit != 0 {
            self.words(field, value, text, hits);
        }
    }

    fn regex<'i>(&self, field: Field, value: &'i str, hits: &mut Vec<Hit<'i>>) {
        for g in &self.regexes {
            if g.field == field {
                for i in g.set.matches(value).iter() {
                    hits.push(Hit {
                        target: g.targets[i],
                        field,
                        value,
                    });
                }
            }
        }
    }

    /// Normalizes `text` once (into a per-thread buffer) and runs the exact, prefix and
    /// words comparisons of `field` on it.
    fn words<'i>(&self, field: Field, value: &'i str, text: &str, hits: &mut Vec<Hit<'i>>) {
        thread_local! {
            static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
        }
        let bit = field.bit();
        SCRATCH.with(|cell| {
            let Ok(mut buf) = cell.try_borrow_mut() else {
                return;
            };
            normalize_into(text, &mut buf);
            let hay = buf.as_str();
            if hay.is_empty() {
                return;
            }
            if self.text_exact_fields & bit != 0 {
                if let Some(ts) = self.text_exact.get(hay) {
                    hits.extend(
                        ts.iter()
                            .filter(|(m, _)| m & bit != 0)
                            .map(|&(_, target)| Hit {
                                target,
                                field,
                                value,
                            }),
                    );
                }
                for (m, prefix, t) in &self.text_prefixes {
                    if m & bit != 0 && hay.starts_with(prefix.as_str()) {
                        hits.push(Hit {
                            target: *t,
                            field,
                            value,
                        });
                    }
                }
            }
            let Some(ac) = &self.words else { return };
            if self.word_fields & bit == 0 {
                return;
            }
            // Spans that fall on word boundaries; allocated only when something matched.
            let spans: Vec<(usize, usize, usize)> = ac
                .find_overlapping_iter(hay)
                .filter(|m| on_word_boundaries(hay, m.start(), m.end()))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            for &(start, end, pattern) in &spans {
                let wider: Vec<usize> = spans
                    .iter()
                    .filter(|&&(s, e, _)| s <= start && e >= end && e - s > end - start)
                    .map(|&(_, _, p)| p)
                    .collect();
                let targets = &self.word_targets[pattern];
                for (i, &(mask, target)) in targets.iter().enumerate() {
                    if mask & bit == 0 {
                        continue;
                    }
                    let key = self.key(target);
                    let covered = wider.iter().any(|&p| {
                        self.word_targets[p].iter().any(|&(m, t)| {
                            m & bit != 0
                                && (self.key(t) == key
                                    || (key.1 != 0 && self.targets[t as usize].product.is_some()))
                        })
                    });
                    let repeated = targets[..i]
                        .iter()
                        .any(|&(m, t)| m & bit != 0 && self.key(t) == key);
                    if !covered && !repeated {
                        hits.push(Hit {
                            target,
                            field,
                            value,
                        });
                    }
                }
            }
        });
    }

    /// The (vendor, product + 1 or 0, entity + 1 or 0) a target attributes.
    fn key(&self, target: u32) -> (u32, u32, u32) {
        let t = &self.targets[target as usize];
        (
            t.vendor,
            t.product.map_or(0, |p| p + 1),
            t.entity.map_or(0, |e| e + 1),
        )
    }

    /// Groups hits into matches, applies ownership dates and folds vendor-only evidence
    /// into product matches.
    fn assemble(&self, item: &Item, hits: &[Hit<'_>]) -> Vec<Match> {
        let item_date = item.attrs.get("date").and_then(|d| parse_date(d));
        // (vendor, product + 1 or 0, entity + 1 or 0) → evidence
        let mut groups: Vec<Group> = Vec::new();
        for hit in hits {
            let t = &self.targets[hit.target as usize];
            if let Some(e) = t.entity {
                if !attributable(&self.entities[e as usize], item_date) {
                    continue;
                }
            }
            let key = self.key(hit.target);
            let ev = Evidence {
                field: hit.field.as_str().to_owned(),
                value: hit.value.to_owned(),
                signature: t.label.clone(),
                source: t.source.clone(),
                how: t.how,
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, evs)) => {
                    if !evs.contains(&ev) {
                        evs.push(ev);
                    }
                }
                None => groups.push((key, vec![ev])),
            }
        }
        fold_general_into_specific(&mut groups);
        groups.sort_by_key(|(k, _)| *k);
        groups
            .into_iter()
            .map(|((v, p, e), evidence)| Match {
                vendor: self.vendors[v as usize].clone(),
                product: p.checked_sub(1).map(|p| self.products[p as usize].clone()),
                entity: e
                    .checked_sub(1)
                    .map(|e| self.entities[e as usize].name.clone()),
                evidence,
            })
            .collect()
    }
}

/// Matches being assembled: (vendor, product + 1 or 0, entity + 1 or 0) and evidence.
type Group = ((u32, u32, u32), Vec<Evidence>);

/// Folds less specific matches into more specific ones of the same vendor, so one item
/// gives one match per thing it is: vendor-only and entity-only matches into product
/// matches (a product match without an entity adopts the folded entity), and vendor-only
/// matches into entity matches when no product matched.
fn fold_general_into_specific(groups: &mut Vec<Group>) {
    let absorb = |into: &mut Vec<Evidence>, from: &[Evidence]| {
        for ev in from {
            if !into.contains(ev) {
                into.push(ev.clone());
            }
        }
    };
    let mut i = 0;
    while i < groups.len() {
        let ((v, p, e), _) = groups[i];
        let more_specific = |k: &(u32, u32, u32)| {
            k.0 == v
                && (if p == 0 && e == 0 {
                    k.1 != 0 || k.2 != 0
                } else {
                    p == 0 && k.1 != 0
                })
        };
        if !groups.iter().any(|(k, _)| more_specific(k)) {
            i += 1;
            continue;
        }
        let (_, evs) = groups.remove(i);
        let has_product = groups.iter().any(|(k, _)| k.0 == v && k.1 != 0);
        for (k, target) in groups.iter_mut() {
            let fits = k.0 == v && if has_product { k.1 != 0 } else { k.2 != 0 };
            if fits {
                absorb(target, &evs);
                if k.2 == 0 {
                    k.2 = e;
                }
            }
        }
        i = 0;
    }
}

/// Whether the entity owned the item's maker at the item's date (see the crate docs).
fn attributable(e: &EntityInfo, date: Option<Date>) -> bool {
    let after_since = |d: Date| e.since.is_none_or(|s| d >= s);
    match (e.until, date) {
        (Some(until), Some(d)) => d < until && after_since(d),
        (Some(_), None) => false,
        (None, Some(d)) => after_since(d),
        (None, None) => true,
    }
}

/// `YYYY-MM-DD` (anything after the tenth character, like a time, is ignored).
fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || (b.len() > 10 && b[10].is_ascii_digit()) {
        return None;
    }
    let y: u16 = s.get(0..4)?.parse().ok()?;
    let m: u8 = s.get(5..7)?.parse().ok()?;
    let d: u8 = s.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Whether a match `[start, end)` in normalized text begins and ends on word boundaries.
/// Inside a CJK word every character boundary counts, since CJK has no spaces.
fn on_word_boundaries(hay: &str, start: usize, end: usize) -> bool {
    let ok = |at: usize| {
        if at == 0 || at == hay.len() {
            return true;
        }
        let before = hay[..at].chars().next_back();
        let after = hay[at..].chars().next();
        match (before, after) {
            (Some(' '), _) | (_, Some(' ')) => true,
            (Some(b), Some(a)) => is_cjk(b) && is_cjk(a),
            _ => true,
        }
    };
    hay.is_char_boundary(start) && hay.is_char_boundary(end) && ok(start) && ok(end)
}

/// The publisher with e-mail addresses removed: a Debian `Maintainer` like
/// `Jane Roe <jane@zte.com.cn>` names a person, not the vendor of the package.
fn without_emails(p: &str) -> Cow<'_, str> {
    if !p.contains('@') {
        return Cow::Borrowed(p);
    }
    // The common shape, `Name <address>`, needs no copy.
    let t = p.trim_end();
    if let Some(open) = t.strip_suffix('>').and_then(|t| t.rfind('<')) {
        let head = &t[..open];
        if !head.contains('@') && !head.contains('<') {
            return Cow::Borrowed(head.trim_end());
        }
    }
    let mut out = String::with_capacity(p.len());
    let mut rest = p;
    while let Some(open) = rest.find('<') {
        match rest[open..].find('>') {
            Some(close) if rest[open..open + close].contains('@') => {
                out.push_str(&rest[..open]);
                out.push(' ');
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    let words: Vec<&str> = out
        .split_whitespace()
        .filter(|w| !w.contains('@'))
        .collect();
    Cow::Owned(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word boundaries: spaces and text edges count, the inside of a Latin word does not,
    /// the inside of a CJK word does.
    #[test]
    fn boundaries() {
        let hay = "aztec zte";
        assert!(!on_word_boundaries(hay, 1, 4)); // "zte" inside "aztec"
        assert!(on_word_boundaries(hay, 6, 9));
        let hay = "中兴通讯";
        assert!(on_word_boundaries(hay, 0, "中兴".len()));
        let hay = "huawei 华为技术";
        assert!(on_word_boundaries(
            hay,
            "huawei ".len(),
            "huawei 华为".len()
        ));
    }

    /// E-mail addresses are removed from publishers, with or without angle brackets.
    #[test]
    fn emails_removed() {
        assert_eq!(without_emails("Jane Roe <jane@zte.com.cn>"), "Jane Roe");
        assert_eq!(without_emails("jane@kaspersky.com"), "");
        assert_eq!(without_emails("AO Kaspersky Lab"), "AO Kaspersky Lab");
        assert_eq!(without_emails("A <b> c@d"), "A <b>");
    }

    /// Dates parse only as `YYYY-MM-DD`.
    #[test]
    fn dates() {
        assert_eq!(parse_date("2020-11-16"), Some((2020, 11, 16)));
        assert_eq!(parse_date("2020-11-16T10:00:00Z"), Some((2020, 11, 16)));
        assert_eq!(parse_date("2020-13-01"), None);
        assert_eq!(parse_date("20201116"), None);
        assert_eq!(parse_date("2020-11-161"), None);
    }

    /// Ownership windows: `until` needs a date before it; `since` excludes earlier dates.
    #[test]
    fn ownership_windows() {
        let e = |since, until| EntityInfo {
            vendor: 0,
            name: String::new(),
            since,
            until,
        };
        let honor = e(None, Some((2020, 11, 17)));
        assert!(!attributable(&honor, None));
        assert!(attributable(&honor, Some((2020, 11, 16))));
        assert!(!attributable(&honor, Some((2020, 11, 17))));
        let bought = e(Some((2018, 1, 1)), None);
        assert!(attributable(&bought, None));
        assert!(!attributable(&bought, Some((2017, 12, 31))));
        assert!(attributable(&bought, Some((2018, 1, 1))));
    }
}
