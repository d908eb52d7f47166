//! CycloneDX BOMs, JSON and XML, specification versions 1.2 to 1.6.
//!
//! Every component becomes an item: the top-level `components`, their nested
//! `components` at any depth, and `metadata.component` (the subject of the BOM). The
//! fields read are the ones that identify a product and its maker, which have kept their
//! meaning across versions: `type`, `name`, `version`, `group`, `purl`, `cpe`, `swid`,
//! `hashes`, and the parties `supplier`, `manufacturer` (1.6), `publisher`, `author` and
//! `authors` (1.6). Fields added by later versions are simply more members, so one reader
//! covers 1.2–1.6 (and later versions that only add members) without a schema crate that
//! stops at one version.
//!
//! Mapping (see [`component_item`]):
//! - kind: `application` → application, `library`/`framework` → package,
//!   `device-driver` → driver, every other type (`device`, `firmware`, `operating-system`,
//!   `container`, `platform`, `file`, `data`, `machine-learning-model`,
//!   `cryptographic-asset`…) → component; the CycloneDX type is kept in `attrs["type"]`.
//! - publisher: the first party that names somebody among supplier, manufacturer,
//!   publisher, author, authors; for `device` and `firmware` the manufacturer comes first,
//!   since it is who made the hardware. `metadata.manufacture`/`metadata.manufacturer`/
//!   `metadata.supplier` stand in for `metadata.component` when it names no party.
//! - identifiers: the purl (and, for deb/rpm/apk/alpm purls, the OS package name), the CPE
//!   and SHA-256 hashes. A deb/rpm purl's `epoch` qualifier is put back in front of the
//!   version, as dpkg and rpm show it.
//!
//! Location details are JSON-path-like (`components[12].components[0]`,
//! `metadata.component`) for both encodings.

use proscribe_model::ItemKind;
use serde::de::{MapAccess, SeqAccess};
use serde::Deserialize;

use super::sbom::{add_cpe, add_purl, add_sha256, first_party, with_epoch, Ctx};
use super::stream::{
    self, head_has_member, head_is_object, skip, Array, Elements, Members, Object,
};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The CycloneDX collector (JSON and XML).
pub struct CycloneDx;

/// The namespace every CycloneDX XML BOM declares, followed by the version.
pub(crate) const XML_NAMESPACE: &str = "http://cyclonedx.org/schema/bom/";

impl Collector for CycloneDx {
    fn name(&self) -> &'static str {
        "cyclonedx"
    }

    /// JSON: the member `"bomFormat": "CycloneDX"`, or failing that the CycloneDX JSON
    /// schema URL. XML: a `bom` element in the CycloneDX namespace.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let head = input.head;
        if head_is_object(head) {
            if head_has_member(head, "bomFormat", "CycloneDX") {
                return Some(Confidence::High);
            }
            // Some producers (cyclonedx-py) sort members, so `bomFormat` comes last; the
            // schema URL, `specVersion` or the CycloneDX-only `bom-ref` still show early.
            if stream::find(head, b"cyclonedx.org/schema/bom-1.").is_some()
                || stream::head_has_key(head, "bom-ref")
                || stream::head_has_key(head, "specVersion")
            {
                return Some(Confidence::Medium);
            }
            return None;
        }
        (is_xml(head) && stream::find(head, XML_NAMESPACE.as_bytes()).is_some())
            .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut ctx = Ctx::new(input, self.name(), sink);
        if is_xml(input.head) {
            super::cyclonedx_xml::read(&mut ctx)?;
        } else {
            let mut root = Root {
                ctx: &mut ctx,
                format: None,
            };
            stream::read_object(input, &mut root)?;
            match root.format.as_deref() {
                Some("CycloneDX") => {}
                Some(other) => {
                    return Err(CollectError::format(format!(
                        "`bomFormat` is `{}`, not `CycloneDX`",
                        crate::linux::text::excerpt(other)
                    )))
                }
                None => {
                    return Err(CollectError::format(
                        "no `bomFormat` member: not a CycloneDX JSON BOM",
                    ))
                }
            }
        }
        ctx.problems.into_result()
    }
}

/// Whether a file starts (after a byte order mark and white space) with `<`.
pub(crate) fn is_xml(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// The fields of one component, as either encoding gives them.
#[derive(Default)]
pub(crate) struct Fields {
    pub(crate) ty: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) group: Option<String>,
    pub(crate) supplier: Option<String>,
    pub(crate) manufacturer: Option<String>,
    pub(crate) publisher: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) purl: Option<String>,
    pub(crate) cpe: Option<String>,
    pub(crate) bom_ref: Option<String>,
    pub(crate) swid_tag_id: Option<String>,
    pub(crate) swid_name: Option<String>,
    pub(crate) sha256: Vec<String>,
}

/// Turns one component into an item and pushes it; a component without any name is a
/// problem (the schema requires `name`), recorded and skipped.
pub(crate) fn component_item(
    ctx: &mut Ctx<'_, '_, '_>,
    detail: String,
    f: Fields,
    fallback_party: Option<&str>,
) {
    let mut item = ctx.item(ItemKind::Component, String::new(), detail);
    let facts = f
        .purl
        .as_deref()
        .map(|p| add_purl(&mut item, p))
        .unwrap_or_default();
    let name = [
        f.name.as_deref(),
        f.swid_name.as_deref(),
        facts.name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|n| !n.is_empty());
    let Some(name) = name else {
        ctx.problems.push(format!(
            "{}: component has no name",
            item.location.detail.as_deref().unwrap_or_default()
        ));
        return;
    };
    item.name = name.to_owned();
    let ty = f.ty.as_deref().unwrap_or("").trim();
    item.kind = match ty {
        "application" => ItemKind::Application,
        "library" | "framework" => ItemKind::Package,
        "device-driver" => ItemKind::Driver,
        _ => ItemKind::Component,
    };
    item.version = with_epoch(
        f.version.filter(|v| !v.trim().is_empty()),
        facts.epoch.as_deref(),
    );
    let authors = f.authors.first().map(String::as_str);
    item.publisher = if matches!(ty, "device" | "firmware") {
        first_party([
            f.manufacturer.as_deref(),
            f.supplier.as_deref(),
            f.publisher.as_deref(),
            f.author.as_deref(),
            authors,
            fallback_party,
        ])
    } else {
        first_party([
            f.supplier.as_deref(),
            f.manufacturer.as_deref(),
            f.publisher.as_deref(),
            f.author.as_deref(),
            authors,
            fallback_party,
        ])
    };
    if let Some(cpe) = &f.cpe {
        add_cpe(&mut item, cpe);
    }
    for h in &f.sha256 {
        add_sha256(&mut item, h);
    }
    let attrs = [
        ("type", Some(ty.to_owned()).filter(|t| !t.is_empty())),
        ("group", f.group),
        ("supplier", f.supplier),
        ("manufacturer", f.manufacturer),
        ("publisher", f.publisher),
        (
            "author",
            f.author
                .or_else(|| (!f.authors.is_empty()).then(|| f.authors.join(", "))),
        ),
        ("bom-ref", f.bom_ref),
        ("swid-tag-id", f.swid_tag_id),
    ];
    for (k, v) in attrs {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            item.attrs.insert(k.to_owned(), v);
        }
    }
    ctx.sink.push(item);
}

/// The top-level object of a CycloneDX JSON BOM.
struct Root<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    format: Option<String>,
}

impl<'de> Members<'de> for Root<'_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "bomFormat" => {
                let v: Option<String> = map.next_value()?;
                if let Some(v) = v.as_deref().filter(|v| *v != "CycloneDX") {
                    return Err(serde::de::Error::custom(format_args!(
                        "`bomFormat` is `{}`, not `CycloneDX`",
                        crate::linux::text::excerpt(v)
                    )));
                }
                self.format = v;
                Ok(())
            }
            "components" => map.next_value_seed(Array(&mut List {
                ctx: self.ctx,
                prefix: "components",
            })),
            "metadata" => {
                let mut meta = Metadata {
                    ctx: self.ctx,
                    component: None,
                    parties: Vec::new(),
                };
                map.next_value_seed(Object(&mut meta))?;
                if let Some(f) = meta.component.take() {
                    let fallback = meta.parties.first().cloned();
                    component_item(
                        meta.ctx,
                        "metadata.component".into(),
                        f,
                        fallback.as_deref(),
                    );
                }
                Ok(())
            }
            _ => skip(map),
        }
    }
}

/// `metadata`: its `component`, and the parties that stand in for that component's.
struct Metadata<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    component: Option<Fields>,
    parties: Vec<String>,
}

impl<'de> Members<'de> for Metadata<'_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "component" => {
                let mut c = Component {
                    ctx: self.ctx,
                    detail: "metadata.component",
                    f: Fields::default(),
                };
                map.next_value_seed(Object(&mut c))?;
                self.component = Some(c.f);
                Ok(())
            }
            // `manufacture` (1.2–1.5) and `manufacturer` (1.6) made the BOM's subject.
            "manufacture" | "manufacturer" | "supplier" => {
                if let Some(Party { name: Some(n) }) = map.next_value::<Option<Party>>()? {
                    if key == "supplier" {
                        self.parties.push(n);
                    } else {
                        self.parties.insert(0, n);
                    }
                }
                Ok(())
            }
            _ => skip(map),
        }
    }
}

/// A `components` array, at the top or inside a component.
struct List<'c, 'i, 'a, 's, 'p> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    prefix: &'p str,
}

impl<'de> Elements<'de> for List<'_, '_, '_, '_, '_> {
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error> {
        let detail = format!("{}[{index}]", self.prefix);
        let mut c = Component {
            ctx: self.ctx,
            detail: &detail,
            f: Fields::default(),
        };
        if seq.next_element_seed(Object(&mut c))?.is_none() {
            return Ok(false);
        }
        let f = c.f;
        component_item(self.ctx, detail, f, None);
        Ok(true)
    }
}

/// One component's members. Nested `components` are streamed out as they are read, so a
/// component holding thousands of others costs no more memory than a flat list.
struct Component<'c, 'i, 'a, 's, 'd> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    detail: &'d str,
    f: Fields,
}

/// An organisation or contact: only its name identifies it.
#[derive(Deserialize)]
struct Party {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Swid {
    #[serde(rename = "tagId")]
    tag_id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Hash {
    alg: Option<String>,
    content: Option<String>,
}

impl<'de> Members<'de> for Component<'_, '_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        let f = &mut self.f;
        let slot = match key {
            "type" => &mut f.ty,
            "name" => &mut f.name,
            "version" => &mut f.version,
            "group" => &mut f.group,
            "publisher" => &mut f.publisher,
            "author" => &mut f.author,
            "purl" => &mut f.purl,
            "cpe" => &mut f.cpe,
            "bom-ref" => &mut f.bom_ref,
            "supplier" | "manufacturer" => {
                let name = map.next_value::<Option<Party>>()?.and_then(|p| p.name);
                if key == "supplier" {
                    f.supplier = name;
                } else {
                    f.manufacturer = name;
                }
                return Ok(());
            }
            "authors" => {
                let list = map.next_value::<Option<Vec<Party>>>()?.unwrap_or_default();
                f.authors = list.into_iter().filter_map(|p| p.name).collect();
                return Ok(());
            }
            "swid" => {
                if let Some(s) = map.next_value::<Option<Swid>>()? {
                    f.swid_tag_id = s.tag_id;
                    f.swid_name = s.name;
                }
                return Ok(());
            }
            "hashes" => {
                let list = map.next_value::<Option<Vec<Hash>>>()?.unwrap_or_default();
                f.sha256 = list
                    .into_iter()
                    .filter(|h| h.alg.as_deref() == Some("SHA-256"))
                    .filter_map(|h| h.content)
                    .collect();
                return Ok(());
            }
            "components" => {
                let prefix = format!("{}.components", self.detail);
                return map.next_value_seed(Array(&mut List {
                    ctx: self.ctx,
                    prefix: &prefix,
                }));
            }
            _ => return skip(map),
        };
        *slot = map.next_value()?;
        Ok(())
    }
}

/// Reads CycloneDX JSON text already in memory (tests and benches of the crate).
#[cfg(test)]
pub(crate) fn items_of(json: &str) -> (Vec<proscribe_model::Item>, Result<(), CollectError>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("bom.json");
    std::fs::write(&path, json).unwrap_or_else(|e| panic!("{e}"));
    let head = crate::head_of(&path).unwrap_or_default();
    let input = Input {
        path: &path,
        display: "bom.json",
        target: "bom.json",
        head: &head,
        is_dir: false,
    };
    let mut items = Vec::new();
    let r = CycloneDx.collect(&input, &mut items);
    (items, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proscribe_model::{Identifier, IdentifierKind};

    /// Every kind of component, nested ones and metadata.component, with their parties.
    #[test]
    fn components_of_every_shape() {
        let (items, r) = items_of(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
            "components":[
              {"type":"library","name":"kesl","version":"12.1.0-1","supplier":{"name":"AO Kaspersky Lab"},
               "purl":"pkg:deb/debian/kesl@12.1.0-1?arch=amd64&epoch=2","cpe":"cpe:2.3:a:kaspersky:endpoint_security:12.1:*:*:*:*:linux:*:*",
               "components":[{"type":"file","name":"klif.sys","hashes":[{"alg":"SHA-256","content":"AB00000000000000000000000000000000000000000000000000000000000000"}]}]},
              {"type":"device","name":"DS-2CD2143G2-I","supplier":{"name":"Reseller Ltd"},"manufacturer":{"name":"Hangzhou Hikvision Digital Technology Co., Ltd."}},
              {"type":"firmware","name":"fw","authors":[{"name":"A. Author"}]},
              {"type":"application","name":"app","swid":{"tagId":"swid-1","name":"App"},"publisher":"Pub"},
              {"type":"device-driver","name":"drv","author":"Person"}
            ],
            "metadata":{"manufacturer":{"name":"Meta Maker"},"component":{"type":"device","name":"router"}}}"#,
        );
        r.unwrap();
        let names: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.name.as_str(), i.location.detail.as_deref().unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                ("klif.sys", "components[0].components[0]"),
                ("kesl", "components[0]"),
                ("DS-2CD2143G2-I", "components[1]"),
                ("fw", "components[2]"),
                ("app", "components[3]"),
                ("drv", "components[4]"),
                ("router", "metadata.component"),
            ]
        );
        let kesl = &items[1];
        assert_eq!(kesl.kind, ItemKind::Package);
        assert_eq!(kesl.version.as_deref(), Some("2:12.1.0-1"));
        assert_eq!(kesl.publisher.as_deref(), Some("AO Kaspersky Lab"));
        assert!(kesl
            .identifiers
            .contains(&Identifier::package("deb", "kesl")));
        assert_eq!(kesl.identifiers_of(IdentifierKind::Cpe).count(), 1);
        assert_eq!(
            items[0]
                .identifiers_of(IdentifierKind::Sha256)
                .next()
                .unwrap()
                .value,
            "ab".to_owned() + &"0".repeat(62)
        );
        let cam = &items[2];
        assert_eq!(cam.kind, ItemKind::Component);
        assert_eq!(cam.attrs["type"], "device");
        assert_eq!(
            cam.publisher.as_deref(),
            Some("Hangzhou Hikvision Digital Technology Co., Ltd.")
        );
        assert_eq!(items[3].publisher.as_deref(), Some("A. Author"));
        assert_eq!(items[4].kind, ItemKind::Application);
        assert_eq!(items[4].attrs["swid-tag-id"], "swid-1");
        assert_eq!(items[4].publisher.as_deref(), Some("Pub"));
        assert_eq!(items[5].kind, ItemKind::Driver);
        assert_eq!(items[6].publisher.as_deref(), Some("Meta Maker"));
    }

    /// Nameless components are reported with their path; the others are kept.
    #[test]
    fn nameless_component() {
        let (items, r) =
            items_of(r#"{"bomFormat":"CycloneDX","components":[{"type":"library"},{"name":"b"}]}"#);
        assert_eq!(items.len(), 1);
        assert_eq!(
            r.unwrap_err().to_string(),
            "components[0]: component has no name"
        );
    }

    /// Another bomFormat, or none, is refused.
    #[test]
    fn not_cyclonedx() {
        let (_, r) = items_of(r#"{"bomFormat":"SPDX","components":[]}"#);
        assert!(r
            .unwrap_err()
            .to_string()
            .contains("`bomFormat` is `SPDX`, not `CycloneDX`"));
        let (_, r) = items_of(r#"{"spdxVersion":"SPDX-2.3"}"#);
        assert_eq!(
            r.unwrap_err().to_string(),
            "no `bomFormat` member: not a CycloneDX JSON BOM"
        );
    }

    /// Deep nesting stops at serde_json's recursion limit with a position, not a crash.
    #[test]
    fn deep_nesting() {
        let deep = format!(
            r#"{{"bomFormat":"CycloneDX","components":{}"#,
            "[".repeat(100_000)
        );
        let (_, r) = items_of(&deep);
        let msg = r.unwrap_err().to_string();
        assert_eq!(
            msg,
            "invalid JSON: invalid type: sequence, expected a JSON object at line 1 column 41"
        );
        let nested = format!(
            r#"{{"bomFormat":"CycloneDX","components":[{}]}}"#,
            r#"{"name":"a","components":["#.repeat(100_000)
        );
        let (_, r) = items_of(&nested);
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("recursion limit exceeded"), "{msg}");
        // Skipped members are skipped without recursion: the cut is reported, no stack overflow.
        let ignored = format!(r#"{{"bomFormat":"CycloneDX","x":{}"#, "[".repeat(100_000));
        let (_, r) = items_of(&ignored);
        let msg = r.unwrap_err().to_string();
        assert!(
            msg.contains("EOF while parsing a list at line 1 column 100029"),
            "{msg}"
        );
    }

    /// A cut file keeps the components read before the cut and says where it ended.
    #[test]
    fn truncated() {
        let (items, r) =
            items_of(r#"{"bomFormat":"CycloneDX","components":[{"name":"a"},{"name":"b"#);
        assert_eq!(items.len(), 1);
        let msg = r.unwrap_err().to_string();
        assert!(
            msg.starts_with("file ends too early (cut short?): EOF while parsing"),
            "{msg}"
        );
    }
}
