//! Fleet (fleetdm.com) software exports: the JSON its REST API returns for
//! `GET /api/v1/fleet/software/titles` (`software_titles[]` with `versions[]`),
//! `GET /api/v1/fleet/software/versions` (`software[]`, one entry per version),
//! `GET /api/v1/fleet/software/titles/:id` (`software_title`) and
//! `GET /api/v1/fleet/hosts/:id/software` (`software[]` with `installed_versions[]`).
//! Field names are those of the examples in Fleet's REST API reference
//! (`docs/REST API/rest-api.md` in github.com/fleetdm/fleet).
//!
//! Fleet collects software with osquery, and an entry's `source` is the osquery table it
//! came from (`apps`, `programs`, `deb_packages`, `chrome_extensions`, …), which gives
//! the item kind and the package ecosystem. The arrays are read one entry at a time.

use std::io::BufReader;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::json::{describe, first_byte, EachElement, LineCounter, Scalar};
use crate::linux::text::{purl, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The Fleet software export importer.
pub struct Fleet;

impl Collector for Fleet {
    fn name(&self) -> &'static str {
        "fleet"
    }

    /// A JSON object with Fleet's software keys near its start.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir || first_byte(input.head)? != b'{' {
            return None;
        }
        let text = String::from_utf8_lossy(input.head);
        let titles = text.contains("\"software_titles\"") || text.contains("\"software_title\"");
        let versions = text.contains("\"software\"")
            && [
                "\"hosts_count\"",
                "\"installed_versions\"",
                "\"generated_cpe\"",
                "\"counts_updated_at\"",
            ]
            .iter()
            .any(|k| text.contains(k));
        (titles || versions).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a Fleet software export (JSON)",
            ));
        }
        let file = std::fs::File::open(input.path)?;
        let (reader, line) = LineCounter::new(BufReader::with_capacity(64 * 1024, file));
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut problems = Problems::default();
        let mut found_list = false;
        let mut on_entry = |entry: Software| {
            let location = Location {
                target: input.target.to_owned(),
                collector: "fleet".to_owned(),
                path: input.display.to_owned(),
                detail: Some(format!("line {}", line.get())),
            };
            entry.items(location, sink);
        };
        let result = TopLevel {
            entry: &mut on_entry,
            found: &mut found_list,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        if let Err(e) = result {
            if e.is_io() {
                return Err(CollectError::format(format!("cannot read: {e}")));
            }
            problems.push(describe(&e));
        } else if !found_list {
            problems.push(
                "no `software_titles`, `software` or `software_title` key: not a Fleet software export"
                    .to_owned(),
            );
        }
        problems.into_result()
    }
}

/// The top-level object: walks its keys, streaming the software lists, skipping the rest.
struct TopLevel<'a> {
    entry: &'a mut dyn FnMut(Software),
    found: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Fleet API response object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "software_titles" | "software" => {
                    *self.found = true;
                    map.next_value_seed(EachElement::new(|s: Software| (self.entry)(s)))?;
                }
                "software_title" => {
                    *self.found = true;
                    let s: Software = map.next_value()?;
                    (self.entry)(s);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// One software entry of any of the four responses; every field optional.
#[derive(Deserialize)]
struct Software {
    name: Option<Scalar>,
    version: Option<Scalar>,
    source: Option<Scalar>,
    browser: Option<Scalar>,
    vendor: Option<Scalar>,
    release: Option<Scalar>,
    arch: Option<Scalar>,
    generated_cpe: Option<Scalar>,
    extension_id: Option<Scalar>,
    bundle_identifier: Option<Scalar>,
    hosts_count: Option<Scalar>,
    versions: Option<Vec<Version>>,
    installed_versions: Option<Vec<Version>>,
}

/// A version of a title, or one installed on a host.
#[derive(Deserialize)]
struct Version {
    version: Option<Scalar>,
    hosts_count: Option<Scalar>,
    bundle_identifier: Option<Scalar>,
    #[serde(default)]
    installed_paths: Option<Vec<Scalar>>,
}

fn text(s: &Option<Scalar>) -> Option<String> {
    s.as_ref().and_then(Scalar::text).map(str::to_owned)
}

impl Software {
    fn items(self, location: Location, sink: &mut dyn Sink) {
        let Some(name) = text(&self.name) else {
            return;
        };
        let source = text(&self.source).unwrap_or_default();
        let lists = [self.versions.as_ref(), self.installed_versions.as_ref()];
        let versions: Vec<&Version> = lists.into_iter().flatten().flatten().collect();
        if versions.is_empty() {
            sink.push(self.item(&name, &source, text(&self.version), None, location));
        } else {
            for v in versions {
                sink.push(self.item(&name, &source, text(&v.version), Some(v), location.clone()));
            }
        }
    }

    fn item(
        &self,
        name: &str,
        source: &str,
        version: Option<String>,
        v: Option<&Version>,
        location: Location,
    ) -> Item {
        let (kind, ecosystem) = match source {
            "programs" | "apps" => (ItemKind::Application, None),
            "ios_apps" | "ipados_apps" | "android_apps" => (ItemKind::MobileApp, None),
            "chrome_extensions" | "firefox_addons" | "safari_extensions" => {
                (ItemKind::BrowserExtension, None)
            }
            "deb_packages" => (ItemKind::Package, Some("deb")),
            "rpm_packages" => (ItemKind::Package, Some("rpm")),
            "pacman_packages" => (ItemKind::Package, Some("pacman")),
            "npm_packages" => (ItemKind::Package, Some("npm")),
            "python_packages" => (ItemKind::Package, Some("pypi")),
            "homebrew_packages" => (ItemKind::Package, Some("homebrew")),
            "vscode_extensions" => (ItemKind::Package, Some("vscode")),
            _ => (ItemKind::Application, None),
        };
        let mut item = Item::new(kind, name, location);
        item.version = match (version, text(&self.release)) {
            (Some(v), Some(r)) if ecosystem == Some("rpm") => Some(format!("{v}-{r}")),
            (v, _) => v,
        };
        item.publisher = text(&self.vendor);
        if let Some(eco) = ecosystem {
            item.identifiers.push(Identifier::package(eco, name));
            if eco == "deb" {
                item.identifiers.push(Identifier::new(
                    IdentifierKind::Purl,
                    purl(
                        "deb",
                        "debian",
                        name,
                        item.version.as_deref(),
                        text(&self.arch).as_deref(),
                    ),
                ));
            }
        }
        let bundle = v
            .and_then(|v| text(&v.bundle_identifier))
            .or_else(|| text(&self.bundle_identifier));
        if let Some(b) = bundle {
            item.identifiers
                .push(Identifier::new(IdentifierKind::BundleId, b));
        }
        if let Some(id) = text(&self.extension_id) {
            item.identifiers
                .push(Identifier::new(IdentifierKind::ExtensionId, id));
        }
        if let Some(cpe) = text(&self.generated_cpe) {
            item.identifiers
                .push(Identifier::new(IdentifierKind::Cpe, cpe));
        }
        let mut attr = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                item.attrs.insert(k.to_owned(), v);
            }
        };
        attr(
            "fleet-source",
            (!source.is_empty()).then(|| source.to_owned()),
        );
        attr("browser", text(&self.browser));
        attr("architecture", text(&self.arch));
        attr(
            "hosts-count",
            v.and_then(|v| text(&v.hosts_count))
                .or_else(|| text(&self.hosts_count)),
        );
        attr(
            "installed-path",
            v.and_then(|v| v.installed_paths.as_ref())
                .and_then(|p| p.iter().find_map(|s| s.text().map(str::to_owned))),
        );
        item
    }
}
