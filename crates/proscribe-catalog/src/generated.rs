//! Tables derived from public registries by `cargo xtask gen-registry`.
//!
//! Each file in `catalog/generated/` is a TSV with `#` comment lines for provenance and
//! these columns: `key`, `vendor` (catalog vendor id), `entity` (subsidiary or brand name,
//! may be empty), `organization` (the registry's spelling). The key is, per file:
//! - `oui.tsv`: the assigned prefix as upper-case hex digits without separators
//!   (6 digits for MA-L, 7 for MA-M, 9 for MA-S);
//! - `usb.tsv`, `pci.tsv`: the four-digit lower-case hex vendor id;
//! - `iana.tsv`: the decimal Private Enterprise Number.

/// Which registry a generated entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistryKind {
    /// IEEE MA-L / MA-M / MA-S.
    Oui,
    /// usb.ids vendor.
    Usb,
    /// pci.ids vendor.
    Pci,
    /// IANA Private Enterprise Number.
    Iana,
}

impl RegistryKind {
    /// The file name in `generated/` and the registry reference used as a source.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Oui => "oui.tsv",
            Self::Usb => "usb.tsv",
            Self::Pci => "pci.tsv",
            Self::Iana => "iana.tsv",
        }
    }
}

/// One registry assignment belonging to a catalog vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEntry {
    /// The assigned key (see the module docs for its form per registry).
    pub key: String,
    /// The catalog vendor id.
    pub vendor: String,
    /// The subsidiary or brand, when the registry name is one of the vendor's entities.
    pub entity: Option<String>,
    /// The organisation name as the registry spells it.
    pub organization: String,
}

/// All generated tables.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// IEEE OUI assignments.
    pub oui: Vec<RegistryEntry>,
    /// USB vendor ids.
    pub usb: Vec<RegistryEntry>,
    /// PCI vendor ids.
    pub pci: Vec<RegistryEntry>,
    /// IANA enterprise numbers.
    pub iana: Vec<RegistryEntry>,
    /// The provenance comment lines of each file, by file name.
    pub provenance: Vec<(String, Vec<String>)>,
}

impl Generated {
    /// The entries of one registry.
    pub fn entries(&self, kind: RegistryKind) -> &[RegistryEntry] {
        match kind {
            RegistryKind::Oui => &self.oui,
            RegistryKind::Usb => &self.usb,
            RegistryKind::Pci => &self.pci,
            RegistryKind::Iana => &self.iana,
        }
    }

    pub(crate) fn add_file(
        &mut self,
        rel: &str,
        text: &str,
    ) -> Result<(), (Option<usize>, String)> {
        let name = rel.trim_start_matches("generated/");
        let (kind, valid_key): (RegistryKind, fn(&str) -> bool) = match name {
            "oui.tsv" => (RegistryKind::Oui, |k| {
                matches!(k.len(), 6 | 7 | 9)
                    && k.bytes()
                        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
            }),
            "usb.tsv" => (RegistryKind::Usb, is_hex4),
            "pci.tsv" => (RegistryKind::Pci, is_hex4),
            "iana.tsv" => (RegistryKind::Iana, |k| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())
            }),
            _ => return Ok(()),
        };
        let mut header = Vec::new();
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if let Some(comment) = line.strip_prefix('#') {
                header.push(comment.trim().to_owned());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [key, vendor, entity, organization] = cols[..] else {
                return Err((
                    Some(n + 1),
                    format!("expected 4 tab-separated columns, found {}", cols.len()),
                ));
            };
            if !valid_key(key) {
                return Err((Some(n + 1), format!("malformed key `{key}`")));
            }
            entries.push(RegistryEntry {
                key: key.to_owned(),
                vendor: vendor.to_owned(),
                entity: (!entity.is_empty()).then(|| entity.to_owned()),
                organization: organization.to_owned(),
            });
        }
        self.provenance.push((name.to_owned(), header));
        match kind {
            RegistryKind::Oui => self.oui = entries,
            RegistryKind::Usb => self.usb = entries,
            RegistryKind::Pci => self.pci = entries,
            RegistryKind::Iana => self.iana = entries,
        }
        Ok(())
    }
}

fn is_hex4(k: &str) -> bool {
    k.len() == 4
        && k.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
