//! What every SBOM importer shares: where items go, and how purls, CPEs and the parties
//! (supplier, manufacturer, author…) become identifiers and a publisher.

use packageurl::PackageUrl;
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::linux::text::{without_email, Problems};
use crate::{Input, Sink};

/// The state of one import: the input, the sink and the problems met so far.
pub(crate) struct Ctx<'i, 'a, 's> {
    pub(crate) input: &'i Input<'a>,
    pub(crate) collector: &'static str,
    pub(crate) sink: &'s mut dyn Sink,
    pub(crate) problems: Problems,
}

impl<'i, 'a, 's> Ctx<'i, 'a, 's> {
    pub(crate) fn new(
        input: &'i Input<'a>,
        collector: &'static str,
        sink: &'s mut dyn Sink,
    ) -> Self {
        Self {
            input,
            collector,
            sink,
            problems: Problems::default(),
        }
    }

    /// A location in this input; `detail` is a JSON path (`components[12]`) or a line.
    pub(crate) fn location(&self, detail: String) -> Location {
        Location {
            target: self.input.target.to_owned(),
            collector: self.collector.to_owned(),
            path: self.input.display.to_owned(),
            detail: Some(detail),
        }
    }

    /// A new item at `detail`.
    pub(crate) fn item(&self, kind: ItemKind, name: String, detail: String) -> Item {
        Item::new(kind, name, self.location(detail))
    }
}

/// The identifier ecosystem of an OS package purl type; `None` for language packages,
/// whose names the catalog's `package` signatures do not speak of.
pub(crate) fn os_ecosystem(purl_type: &str) -> Option<&'static str> {
    match purl_type {
        "deb" => Some("deb"),
        "rpm" => Some("rpm"),
        "apk" => Some("apk"),
        "alpm" => Some("pacman"),
        _ => None,
    }
}

/// What a purl told about a package besides its identifiers.
#[derive(Default)]
pub(crate) struct PurlFacts {
    /// The purl type (`deb`, `npm`…), when the purl parsed.
    pub(crate) ty: Option<String>,
    /// The name inside the purl.
    pub(crate) name: Option<String>,
    /// The `epoch` qualifier of a deb or rpm purl.
    pub(crate) epoch: Option<String>,
}

/// Adds a purl to `item`: the purl itself, and for OS package types the package name in
/// its ecosystem, so `package` signatures (`kesl` in `deb`) match SBOM entries as they
/// match the dpkg database. A purl the `packageurl` crate refuses is kept as found (the
/// matcher reads it leniently) and the reason is put in `attrs["purl-invalid"]`.
pub(crate) fn add_purl(item: &mut Item, purl: &str) -> PurlFacts {
    let purl = purl.trim();
    if purl.is_empty() {
        return PurlFacts::default();
    }
    if !item
        .identifiers
        .iter()
        .any(|i| i.kind == IdentifierKind::Purl && i.value == purl)
    {
        item.identifiers
            .push(Identifier::new(IdentifierKind::Purl, purl));
    }
    match purl.parse::<PackageUrl<'_>>() {
        Ok(p) => {
            let ty = p.ty().to_ascii_lowercase();
            if let Some(eco) = os_ecosystem(&ty) {
                let id = Identifier::package(eco, p.name());
                if !item.identifiers.contains(&id) {
                    item.identifiers.push(id);
                }
            }
            let epoch = matches!(ty.as_str(), "deb" | "rpm")
                .then(|| p.qualifiers().get("epoch").map(|e| e.to_string()))
                .flatten()
                .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()));
            PurlFacts {
                name: Some(p.name().to_owned()),
                ty: Some(ty),
                epoch,
            }
        }
        Err(e) => {
            item.attrs.insert("purl-invalid".into(), e.to_string());
            PurlFacts::default()
        }
    }
}

/// A deb or rpm version with the purl's `epoch` qualifier put back in front (`1:2.38.1-5`),
/// the form dpkg and rpm show: CycloneDX producers such as Trivy move the epoch out of the
/// version into the purl.
pub(crate) fn with_epoch(version: Option<String>, epoch: Option<&str>) -> Option<String> {
    match (version, epoch) {
        (Some(v), Some(e)) if !v.contains(':') && e != "0" => Some(format!("{e}:{v}")),
        (v, _) => v,
    }
}

/// Adds a CPE (2.2 URI or 2.3 formatted string) as found.
pub(crate) fn add_cpe(item: &mut Item, cpe: &str) {
    let cpe = cpe.trim();
    if cpe.is_empty()
        || item
            .identifiers
            .iter()
            .any(|i| i.kind == IdentifierKind::Cpe && i.value == cpe)
    {
        return;
    }
    item.identifiers
        .push(Identifier::new(IdentifierKind::Cpe, cpe));
}

/// Adds a SHA-256 digest, lower-cased, when it is 64 hex digits.
pub(crate) fn add_sha256(item: &mut Item, hex: &str) {
    let hex = hex.trim();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        item.identifiers.push(Identifier::new(
            IdentifierKind::Sha256,
            hex.to_ascii_lowercase(),
        ));
    }
}

/// The name of a party (supplier, originator, manufacturer, author) as a publisher: SPDX
/// actor prefixes (`Organization: `, `Person: `, `Tool: `) and e-mail addresses
/// (`<…>`, `(…@…)`) removed; `NOASSERTION` and `NONE` mean nobody.
pub(crate) fn party(value: &str) -> Option<String> {
    let mut v = value.trim();
    for prefix in ["Organization:", "Person:", "Tool:"] {
        if let Some(rest) = v.strip_prefix(prefix) {
            v = rest.trim();
        }
    }
    if v.is_empty() || v.eq_ignore_ascii_case("NOASSERTION") || v.eq_ignore_ascii_case("NONE") {
        return None;
    }
    // SPDX writes `Name (e-mail)`, Debian `Name <e-mail>`.
    if let Some(open) = v.rfind('(') {
        let tail = &v[open..];
        if tail.ends_with(')') && (tail.contains('@') || tail == "()") {
            v = v[..open].trim();
        }
    }
    without_email(v)
}

/// The first party that names somebody, in order of preference.
pub(crate) fn first_party<'a>(
    candidates: impl IntoIterator<Item = Option<&'a str>>,
) -> Option<String> {
    candidates.into_iter().flatten().find_map(party)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> Item {
        Item::new(ItemKind::Package, "x", Location::default())
    }

    /// A deb purl gives the package identifier and its epoch; an npm purl only the purl.
    #[test]
    fn purls() {
        let mut i = item();
        let f = add_purl(
            &mut i,
            "pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.11",
        );
        assert_eq!(f.epoch.as_deref(), Some("1"));
        assert_eq!(f.ty.as_deref(), Some("deb"));
        assert!(i
            .identifiers
            .contains(&Identifier::package("deb", "bsdutils")));
        assert_eq!(
            with_epoch(Some("2.38.1-5+deb12u3".into()), f.epoch.as_deref()).as_deref(),
            Some("1:2.38.1-5+deb12u3")
        );
        let mut i = item();
        add_purl(&mut i, "pkg:alpm/arch/pacman@6.0.2-1");
        assert!(i
            .identifiers
            .contains(&Identifier::package("pacman", "pacman")));
        let mut i = item();
        add_purl(&mut i, "pkg:npm/%40scope/left-pad@1.0.0");
        assert_eq!(i.identifiers.len(), 1);
        let mut i = item();
        add_purl(&mut i, "not a purl");
        assert_eq!(i.identifiers.len(), 1);
        assert!(i.attrs.contains_key("purl-invalid"));
    }

    /// Party names lose SPDX prefixes and e-mail addresses.
    #[test]
    fn parties() {
        assert_eq!(
            party("Organization: AO Kaspersky Lab").as_deref(),
            Some("AO Kaspersky Lab")
        );
        assert_eq!(
            party("Person: Jane Doe (jane@example.org)").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            party("util-linux packagers <util-linux@packages.debian.org>").as_deref(),
            Some("util-linux packagers")
        );
        assert_eq!(party("NOASSERTION"), None);
        assert_eq!(party("  "), None);
        assert_eq!(
            party("Acme (Europe) GmbH").as_deref(),
            Some("Acme (Europe) GmbH")
        );
        assert_eq!(
            first_party([None, Some("NONE"), Some("B"), Some("C")]).as_deref(),
            Some("B")
        );
    }
}
