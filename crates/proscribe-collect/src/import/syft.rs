//! Syft's own JSON document (`syft … -o syft-json`).
//!
//! Every element of `artifacts` becomes a package item with its `purl` (plus the OS
//! package name for deb/rpm/apk/alpm purls) and its `cpes` (strings in old schemas,
//! `{cpe, source}` objects since schema 7). The publisher comes from the cataloger's
//! `metadata`, whose shape depends on `metadataType`: `maintainer` (dpkg, apk), `vendor`
//! (rpm), `packager` (alpm), `author` (python, npm), `companyName` (Windows PE), `publisher`;
//! members of other shapes are ignored.
//!
//! Syft writes `descriptor` (`"name": "syft"`) after the artifacts, so the document is
//! checked at its end. Location details: `artifacts[12]`.

use proscribe_model::ItemKind;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess};
use serde::Deserialize;

use super::sbom::{add_cpe, add_purl, first_party, with_epoch, Ctx};
use super::stream::{
    self, head_has_key, head_has_member, head_is_object, skip, Array, Elements, Members,
};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The Syft JSON collector.
pub struct Syft;

impl Collector for Syft {
    fn name(&self) -> &'static str {
        "syft"
    }

    /// `artifacts` comes first and its elements carry `foundBy` and `metadataType`, members
    /// only Syft writes; a small document also shows its `descriptor`.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        let head = input.head;
        if input.is_dir || !head_is_object(head) || !head_has_key(head, "artifacts") {
            return None;
        }
        if head_has_key(head, "descriptor") && head_has_member(head, "name", "syft") {
            return Some(Confidence::High);
        }
        (head_has_key(head, "foundBy") || head_has_key(head, "artifactRelationships"))
            .then_some(Confidence::Medium)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut ctx = Ctx::new(input, self.name(), sink);
        let mut root = Root {
            ctx: &mut ctx,
            tool: None,
        };
        stream::read_object(input, &mut root)?;
        match root.tool.as_deref() {
            Some("syft") => {}
            Some(other) => {
                return Err(CollectError::format(format!(
                    "`descriptor.name` is `{}`, not `syft`",
                    crate::linux::text::excerpt(other)
                )))
            }
            None => {
                return Err(CollectError::format(
                    "no `descriptor` naming syft: not a Syft JSON document",
                ))
            }
        }
        ctx.problems.into_result()
    }
}

struct Root<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
    tool: Option<String>,
}

#[derive(Deserialize)]
struct Descriptor {
    name: Option<String>,
}

impl<'de> Members<'de> for Root<'_, '_, '_, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "artifacts" => map.next_value_seed(Array(&mut Artifacts { ctx: self.ctx })),
            "descriptor" => {
                self.tool = map.next_value::<Option<Descriptor>>()?.and_then(|d| d.name);
                Ok(())
            }
            _ => skip(map),
        }
    }
}

struct Artifacts<'c, 'i, 'a, 's> {
    ctx: &'c mut Ctx<'i, 'a, 's>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    #[serde(rename = "type")]
    ty: Option<String>,
    found_by: Option<String>,
    purl: Option<String>,
    #[serde(default)]
    cpes: Option<Vec<CpeEntry>>,
    metadata: Option<Meta>,
}

/// A CPE: a plain string (schemas before 7) or `{"cpe": …, "source": …}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum CpeEntry {
    Plain(String),
    Object { cpe: String },
}

/// The identity members of the cataloger-specific metadata. Each may hold a value of any
/// JSON type in some metadata shape; only strings are kept.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[serde(default)]
    maintainer: Lenient,
    #[serde(default)]
    vendor: Lenient,
    #[serde(default)]
    packager: Lenient,
    #[serde(default)]
    author: Lenient,
    #[serde(default)]
    company_name: Lenient,
    #[serde(default)]
    publisher: Lenient,
}

/// A string, or nothing when the member holds another JSON type.
#[derive(Default)]
struct Lenient(Option<String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Lenient;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, s: &str) -> Result<Lenient, E> {
                Ok(Lenient(Some(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Lenient, E> {
                Ok(Lenient(Some(s)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Elements<'de> for Artifacts<'_, '_, '_, '_> {
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error> {
        let Some(a) = seq.next_element::<Artifact>()? else {
            return Ok(false);
        };
        let detail = format!("artifacts[{index}]");
        let Some(name) = a.name.filter(|n| !n.trim().is_empty()) else {
            self.ctx
                .problems
                .push(format!("{detail}: artifact has no name"));
            return Ok(true);
        };
        let mut item = self.ctx.item(ItemKind::Package, name, detail);
        let facts = a
            .purl
            .as_deref()
            .map(|p| add_purl(&mut item, p))
            .unwrap_or_default();
        for c in a.cpes.unwrap_or_default() {
            match c {
                CpeEntry::Plain(c) | CpeEntry::Object { cpe: c } => add_cpe(&mut item, &c),
            }
        }
        item.version = with_epoch(a.version.filter(|v| !v.is_empty()), facts.epoch.as_deref());
        let m = a.metadata.unwrap_or_default();
        item.publisher = first_party([
            m.maintainer.0.as_deref(),
            m.vendor.0.as_deref(),
            m.packager.0.as_deref(),
            m.publisher.0.as_deref(),
            m.company_name.0.as_deref(),
            m.author.0.as_deref(),
        ]);
        let attrs = [
            ("type", a.ty),
            ("found-by", a.found_by),
            ("syft-id", a.id),
            ("maintainer", m.maintainer.0.or(m.packager.0)),
            ("vendor", m.vendor.0.or(m.company_name.0).or(m.publisher.0)),
            ("author", m.author.0),
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
