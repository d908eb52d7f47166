//! SPDX 2.2 and 2.3 documents, JSON and tag-value.
//!
//! Every package becomes an item: `name`, `versionInfo`, the publisher from `supplier`
//! (else `originator`, SPDX actor strings such as `Organization: AO Kaspersky Lab` with
//! the prefix and e-mail removed), and the identifiers of its `externalRefs`: `purl`
//! (plus the OS package name for deb/rpm/apk/alpm purls) and `cpe23Type`/`cpe22Type`.
//! `primaryPackagePurpose` (2.3) chooses the kind: `APPLICATION` → application,
//! `LIBRARY`/`FRAMEWORK` or none → package, others (`OPERATING-SYSTEM`, `DEVICE`,
//! `FIRMWARE`, `CONTAINER`, `SOURCE`…) → component, kept in `attrs["type"]`.
//! Files, snippets and relationships are not inventory items and are skipped.
//!
//! SPDX 3.0 (JSON-LD) is a different model and is not read here.
//! Location details: `packages[12]` (JSON) or `line 3195` (tag-value).

use proscribe_model::ItemKind;
use serde::de::{MapAccess, SeqAccess};
use serde::Deserialize;

use super::sbom::{add_cpe, add_purl, first_party, with_epoch, Ctx};
use super::stream::{self, head_has_member, head_is_object, skip, Array, Elements, Members};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The SPDX collector (JSON and tag-value).
pub struct Spdx;

impl Collector for Spdx {
    fn name(&self) -> &'static str {
        "spdx"
    }

    /// JSON: the member `"spdxVersion": "SPDX-2…"`. Tag-value: a line
    /// `SPDXVersion: SPDX-2…`, which every document starts with.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        if head_is_object(input.head) {
            return head_has_member(input.head, "spdxVersion", "SPDX-2")
                .then_some(Confidence::High);
        }
        super::spdx_tv::sniff(input.head).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut ctx = Ctx::new(input, self.name(), sink);
        if head_is_object(input.head) || input.is_dir {
            let mut root = Root {
                ctx: &mut ctx,
                version: None,
            };
            stream::read_object(input, &mut root)?;
            match root.version.as_deref() {
                Some(v) if v.starts_with("SPDX-2") => {}
                Some(v) => {
                    return Err(CollectError::format(format!(
                        "`spdxVersion` is `{}`: only SPDX 2.x is read",
                        crate::linux::text::excerpt(v)
                    )))
                }
                None => {
                    return Err(CollectError::format(
                        "no `spdxVersion` member: not an SPDX JSON document",
                    ))
                }
            }
        } else {
            super::spdx_tv::read(&mut ctx)?;
        }
        ctx.problems.into_result()
    }
}

/// The fields of one SPDX package, from either encoding.
#[derive(Default)]
pub(crate) struct Package {
    pub(crate) name: Option<String>,
    pub(crate) spdx_id: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) supplier: Option<String>,
    pub(crate) originator: Option<String>,
    pub(crate) purpose: Option<String>,
    /// `(referenceType, referenceLocator)` pairs.
    pub(crate) refs: Vec<(String, String)>,
}

/// Turns one package into an item; a package without a name is a problem.
pub(crate) fn package_item(ctx: &mut Ctx<'_, '_, '_>, detail: String, p: Package) {
    let Some(name) = p.name.filter(|n| !n.trim().is_empty()) else {
        ctx.problems.push(format!("{detail}: package has no name"));
        return;
    };
    let purpose = p.purpose.as_deref().map(str::trim).unwrap_or("");
    let kind = match purpose.to_ascii_uppercase().replace('_', "-").as_str() {
        "APPLICATION" => ItemKind::Application,
        "" | "LIBRARY" | "FRAMEWORK" => ItemKind::Package,
        _ => ItemKind::Component,
    };
    let mut item = ctx.item(kind, name.trim().to_owned(), detail);
    let mut epoch = None;
    for (ty, locator) in &p.refs {
        match ty.as_str() {
            "purl" => {
                let facts = add_purl(&mut item, locator);
                epoch = epoch.or(facts.epoch);
            }
            "cpe23Type" | "cpe22Type" => add_cpe(&mut item, locator),
            _ => {}
        }
    }
    item.version = with_epoch(
        p.version
            .filter(|v| !v.trim().is_empty() && v != "NOASSERTION"),
        epoch.as_deref(),
    );
    item.publisher = first_party([p.supplier.as_deref(), p.originator.as_deref()]);
    let attrs = [
        (
            "type",
            Some(purpose.to_ascii_lowercase()).filter(|t| !t.is_empty()),
        ),
        ("supplier", p.supplier),
        ("originator", p.originator),
        ("spdx-id", p.spdx_id),
    ];
    for (k, v) in attrs {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            item.attrs.insert(k.to_owned(), v);
        }
    }
    ctx.sink.push(item);
}

struct Root<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    version: Option<String>,
}

impl<'de> Members<'de> for Root<'_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "spdxVersion" => {
                self.version = map.next_value()?;
                Ok(())
            }
            "packages" => map.next_value_seed(Array(&mut Packages { ctx: self.ctx })),
            _ => skip(map),
        }
    }
}

struct Packages<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonPackage {
    name: Option<String>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    version_info: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    primary_package_purpose: Option<String>,
    #[serde(default)]
    external_refs: Option<Vec<ExternalRef>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_type: Option<String>,
    reference_locator: Option<String>,
}

impl<'de> Elements<'de> for Packages<'_, '_, '_, '_> {
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error> {
        let Some(p) = seq.next_element::<JsonPackage>()? else {
            return Ok(false);
        };
        let refs = p
            .external_refs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| Some((r.reference_type?, r.reference_locator?)))
            .collect();
        let pkg = Package {
            name: p.name,
            spdx_id: p.spdx_id,
            version: p.version_info,
            supplier: p.supplier,
            originator: p.originator,
            purpose: p.primary_package_purpose,
            refs,
        };
        package_item(self.ctx, format!("packages[{index}]"), pkg);
        Ok(true)
    }
}
