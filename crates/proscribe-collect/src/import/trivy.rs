//! Trivy's own JSON report (`trivy … --format json`, schema version 2).
//!
//! Every entry of `Results[].Packages` becomes a package item. OS packages (a result of
//! class `os-pkgs`) get their version back in the form the package manager shows,
//! `[Epoch:]Version[-Release]`, and the OS package identifier of their ecosystem, which
//! comes from the package's purl (`Identifier.PURL`) when Trivy wrote one and otherwise
//! from the result's `Type` (`debian` → deb, `alpine` → apk, `redhat` → rpm…). The
//! publisher is the `Maintainer` without its e-mail address. `Vulnerabilities` are not
//! inventory and are skipped.
//!
//! Location details: `Results[0].Packages[12]`.

use proscribe_model::{Identifier, ItemKind};
use serde::de::{MapAccess, SeqAccess};
use serde::Deserialize;

use super::sbom::{add_purl, os_ecosystem, party, Ctx};
use super::stream::{self, head_has_key, head_is_object, skip, Array, Elements, Members, Object};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The Trivy JSON collector.
pub struct Trivy;

impl Collector for Trivy {
    fn name(&self) -> &'static str {
        "trivy"
    }

    /// Trivy writes `SchemaVersion` and `ArtifactName` first, before its metadata and
    /// results.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        (!input.is_dir
            && head_is_object(input.head)
            && head_has_key(input.head, "SchemaVersion")
            && head_has_key(input.head, "ArtifactName"))
        .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut ctx = Ctx::new(input, self.name(), sink);
        let mut root = Root {
            ctx: &mut ctx,
            schema: false,
            family: None,
        };
        stream::read_object(input, &mut root)?;
        if !root.schema {
            return Err(CollectError::format(
                "no `SchemaVersion` member: not a Trivy JSON report",
            ));
        }
        ctx.problems.into_result()
    }
}

/// The ecosystem of OS packages in a result of Trivy's `Type` (an OS family).
fn family_ecosystem(family: &str) -> Option<&'static str> {
    match family {
        "debian" | "ubuntu" => Some("deb"),
        "alpine" | "wolfi" | "chainguard" | "minimos" => Some("apk"),
        "redhat"
        | "centos"
        | "rocky"
        | "alma"
        | "fedora"
        | "amazon"
        | "oracle"
        | "suse linux enterprise server"
        | "suse linux enterprise micro"
        | "opensuse"
        | "opensuse.leap"
        | "opensuse.tumbleweed"
        | "photon"
        | "cbl-mariner"
        | "azurelinux"
        | "echo" => Some("rpm"),
        _ => None,
    }
}

struct Root<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    schema: bool,
    /// `Metadata.OS.Family`, which Trivy writes before the results.
    family: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "OS")]
    os: Option<Os>,
}

#[derive(Deserialize)]
struct Os {
    #[serde(rename = "Family")]
    family: Option<String>,
}

impl<'de> Members<'de> for Root<'_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "SchemaVersion" => {
                self.schema = true;
                skip(map)
            }
            "Metadata" => {
                let m: Option<Metadata> = map.next_value()?;
                self.family = m.and_then(|m| m.os).and_then(|o| o.family);
                Ok(())
            }
            "Results" => map.next_value_seed(Array(&mut Results {
                ctx: self.ctx,
                family: self.family.as_deref(),
            })),
            _ => skip(map),
        }
    }
}

struct Results<'c, 'i, 'a, 's, 'f> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    family: Option<&'f str>,
}

impl<'de> Elements<'de> for Results<'_, '_, '_, '_, '_> {
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error> {
        let mut result = ResultEntry {
            ctx: self.ctx,
            family: self.family,
            index,
            class: None,
            ty: None,
            target: None,
        };
        Ok(seq.next_element_seed(Object(&mut result))?.is_some())
    }
}

/// One element of `Results`: `Target`, `Class` and `Type` come before `Packages`.
struct ResultEntry<'c, 'i, 'a, 's, 'f> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    family: Option<&'f str>,
    index: usize,
    class: Option<String>,
    ty: Option<String>,
    target: Option<String>,
}

impl<'de> Members<'de> for ResultEntry<'_, '_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "Class" => self.class = map.next_value()?,
            "Type" => self.ty = map.next_value()?,
            "Target" => self.target = map.next_value()?,
            "Packages" => {
                let os = self.class.as_deref() == Some("os-pkgs");
                let eco = if os {
                    self.ty
                        .as_deref()
                        .and_then(family_ecosystem)
                        .or_else(|| self.family.and_then(family_ecosystem))
                } else {
                    None
                };
                let mut packages = Packages {
                    ctx: self.ctx,
                    prefix: format!("Results[{}].Packages", self.index),
                    os,
                    eco,
                    class: self.class.as_deref(),
                    ty: self.ty.as_deref(),
                    target: self.target.as_deref(),
                };
                map.next_value_seed(Array(&mut packages))?;
            }
            _ => skip(map)?,
        }
        Ok(())
    }
}

struct Packages<'c, 'i, 'a, 's, 'r> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    prefix: String,
    os: bool,
    eco: Option<&'static str>,
    class: Option<&'r str>,
    ty: Option<&'r str>,
    target: Option<&'r str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package {
    name: Option<String>,
    version: Option<String>,
    release: Option<String>,
    epoch: Option<u64>,
    arch: Option<String>,
    src_name: Option<String>,
    maintainer: Option<String>,
    identifier: Option<PkgIdentifier>,
    #[serde(rename = "ID")]
    id: Option<String>,
    file_path: Option<String>,
}

#[derive(Deserialize)]
struct PkgIdentifier {
    #[serde(rename = "PURL")]
    purl: Option<String>,
}

impl<'de> Elements<'de> for Packages<'_, '_, '_, '_, '_> {
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error> {
        let Some(p) = seq.next_element::<Package>()? else {
            return Ok(false);
        };
        let detail = format!("{}[{index}]", self.prefix);
        let Some(name) = p.name.filter(|n| !n.trim().is_empty()) else {
            self.ctx
                .problems
                .push(format!("{detail}: package has no `Name`"));
            return Ok(true);
        };
        let mut item = self.ctx.item(ItemKind::Package, name.clone(), detail);
        let mut eco = self.eco;
        if let Some(purl) = p.identifier.and_then(|i| i.purl) {
            let facts = add_purl(&mut item, &purl);
            eco = eco.or(facts.ty.as_deref().and_then(os_ecosystem));
        }
        if let Some(eco) = eco {
            let id = Identifier::package(eco, name);
            if !item.identifiers.contains(&id) {
                item.identifiers.push(id);
            }
        }
        item.version = p.version.filter(|v| !v.is_empty()).map(|v| {
            if !self.os {
                return v;
            }
            let mut out = match p.epoch.filter(|e| *e != 0) {
                Some(e) => format!("{e}:{v}"),
                None => v,
            };
            if let Some(r) = p.release.as_deref().filter(|r| !r.is_empty()) {
                out.push('-');
                out.push_str(r);
            }
            out
        });
        item.publisher = p.maintainer.as_deref().and_then(party);
        let attrs = [
            ("maintainer", p.maintainer),
            ("architecture", p.arch),
            ("source", p.src_name),
            ("trivy-id", p.id),
            ("file-path", p.file_path),
            ("class", self.class.map(str::to_owned)),
            ("type", self.ty.map(str::to_owned)),
            ("target", self.target.map(str::to_owned)),
        ];
        for (k, v) in attrs {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                item.attrs.insert(k.to_owned(), v);
            }
        }
        self.ctx.sink.push(item);
        Ok(true)
    }
}
