//! The removal plan: the findings of one or many reports regrouped as work for IT teams.
//!
//! A report answers "what is wrong on this machine"; a plan answers "what do we remove,
//! where, by when, and how". Findings are grouped by vendor and product (one replacement
//! decision each), then by host (one team or ticket each), with the act and deadline that
//! make them due, an uninstall hint for the package manager or installer that put the
//! item there, and the catalog's product category so the replacement can be chosen.
//!
//! Reports are read through [`ReportInput`], which takes only the fields a plan needs and
//! ignores the rest, so a plan can be made from reports of older or newer releases of the
//! same `proscribe.report/1` contract.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proscribe_catalog::{Catalog, Status};
use proscribe_model::{IdentifierKind, ItemKind, Location};
use serde::{Deserialize, Serialize};

use crate::{
    Deadline, ExceptionRef, FindingAct, FindingItem, Named, ATTR_QUIET_UNINSTALL_STRING,
    ATTR_UNINSTALL_STRING,
};

/// The plan format this module writes.
pub const PLAN_SCHEMA: &str = "proscribe.plan/1";

/// The report fields a plan reads.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportInput {
    /// The report format; only `proscribe.report/1` is accepted.
    pub schema: String,
    /// When the report was made.
    #[serde(default)]
    pub generated_at: Option<String>,
    /// The machine scanned.
    #[serde(default)]
    pub host: Option<HostInput>,
    /// The findings.
    pub findings: Vec<FindingInput>,
}

/// The machine a report is about.
#[derive(Debug, Clone, Deserialize)]
pub struct HostInput {
    /// Host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// Operating system.
    #[serde(default)]
    pub os: Option<String>,
}

/// The finding fields a plan reads.
#[derive(Debug, Clone, Deserialize)]
pub struct FindingInput {
    /// Stable finding id.
    pub id: String,
    /// Status after the policy.
    pub status: Status,
    /// The vendor.
    pub vendor: Named,
    /// The product, when known.
    #[serde(default)]
    pub product: Option<Named>,
    /// The item.
    pub item: FindingItem,
    /// The acts that apply.
    #[serde(default)]
    pub acts: Vec<FindingAct>,
    /// The next deadline.
    #[serde(default)]
    pub deadline: Option<Deadline>,
    /// The exception that covers it.
    #[serde(default)]
    pub exception: Option<ExceptionRef>,
    /// Where it was found.
    pub location: Location,
}

/// A removal plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: &'static str,
    /// The reports it was made from.
    pub reports: Vec<PlanReport>,
    /// Counts.
    pub summary: PlanSummary,
    /// One group per vendor and product, most urgent first.
    pub groups: Vec<PlanGroup>,
}

/// A report a plan was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// The file as named on the command line.
    pub file: String,
    /// When the report was made.
    pub generated_at: Option<String>,
    /// The host it is about.
    pub host: Option<String>,
    /// Its findings.
    pub findings: usize,
}

/// Counts over a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    /// Vendor/product groups.
    pub groups: usize,
    /// Distinct hosts.
    pub hosts: usize,
    /// Items to remove (an item on two hosts counts twice).
    pub items: usize,
    /// Items whose deadline has passed and that no active exception covers.
    pub overdue: usize,
    /// Items an active exception covers.
    pub excepted: usize,
    /// Items for which no uninstall command is known.
    pub without_uninstall_hint: usize,
}

/// The items of one product (or of a vendor, when no product signature matched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanGroup {
    /// The vendor.
    pub vendor: Named,
    /// The product.
    pub product: Option<Named>,
    /// The catalog's category for the product, to choose a replacement.
    pub category: Option<String>,
    /// The strongest status among the items.
    pub status: Status,
    /// Every act that applies to an item of the group, strongest first.
    pub acts: Vec<PlanAct>,
    /// The earliest deadline among items not under an active exception (else among all).
    pub deadline: Option<Deadline>,
    /// The hosts, by name.
    pub hosts: Vec<PlanHost>,
}

/// An act as a plan cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAct {
    /// Catalog id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Primary source.
    pub url: String,
}

/// The items of a group on one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanHost {
    /// The host name; for a network device its address; else the report file in brackets.
    pub host: String,
    /// The items, by name.
    pub items: Vec<PlanItem>,
}

/// One item to remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    /// The finding id in the report.
    pub finding: String,
    /// The item's name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Its kind.
    pub kind: ItemKind,
    /// Its status.
    pub status: Status,
    /// The act that makes it due first (the finding's strongest).
    pub act: Option<String>,
    /// Its next deadline.
    pub deadline: Option<Deadline>,
    /// How to remove it, when known.
    pub uninstall: Option<Uninstall>,
    /// The exception that covers it.
    pub exception: Option<ExceptionRef>,
    /// Where it was found.
    pub location: Location,
    /// The report it came from.
    pub report: String,
}

/// A command that removes an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uninstall {
    /// The command, quoted for a POSIX shell (package managers) or as Windows recorded it.
    pub command: String,
    /// Where it comes from: `apt-get`, `dnf`, `zypper`, `apk`, `pacman`, `adb`,
    /// `windows-uninstall-string`, `windows-quiet-uninstall-string`, `msiexec`.
    pub via: &'static str,
}

impl PlanItem {
    /// Whether an active exception covers the item.
    pub fn is_excepted(&self) -> bool {
        self.exception.as_ref().is_some_and(ExceptionRef::is_active)
    }

    /// Whether its deadline has passed with no active exception.
    pub fn is_overdue(&self) -> bool {
        !self.is_excepted() && self.deadline.as_ref().is_some_and(|d| d.overdue)
    }
}

/// Why a report cannot go into a plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Not a `proscribe.report/1` report.
    #[error("`{file}` is a `{schema}` document, not a `proscribe.report/1` report")]
    WrongSchema {
        /// The file.
        file: String,
        /// What its `schema` says.
        schema: String,
    },
}

/// Builds the plan of some reports. `catalog` supplies product categories.
///
/// The same finding on the same host in two reports (two scans of one machine) is kept
/// once, from the report named last.
///
/// # Errors
/// [`PlanError::WrongSchema`] for a document that is not a `proscribe.report/1` report.
pub fn build(reports: &[(String, ReportInput)], catalog: &Catalog) -> Result<Plan, PlanError> {
    type GroupKey = (String, Option<String>);
    let mut groups: BTreeMap<GroupKey, BTreeMap<String, BTreeMap<String, PlanItem>>> =
        BTreeMap::new();
    let mut meta: BTreeMap<GroupKey, (Named, Option<Named>, Vec<FindingAct>)> = BTreeMap::new();
    let mut sources = Vec::new();
    for (file, report) in reports {
        if report.schema != "proscribe.report/1" {
            return Err(PlanError::WrongSchema {
                file: file.clone(),
                schema: report.schema.clone(),
            });
        }
        let hostname = report
            .host
            .as_ref()
            .and_then(|h| h.hostname.clone())
            .filter(|h| !h.is_empty());
        let os = report.host.as_ref().and_then(|h| h.os.as_deref());
        sources.push(PlanReport {
            file: file.clone(),
            generated_at: report.generated_at.clone(),
            host: hostname.clone(),
            findings: report.findings.len(),
        });
        for f in &report.findings {
            let host = if f.item.kind == ItemKind::NetworkDevice {
                f.item.name.clone()
            } else {
                hostname.clone().unwrap_or_else(|| format!("({file})"))
            };
            let key = (
                f.vendor.id.clone(),
                f.product.as_ref().map(|p| p.id.clone()),
            );
            let entry = meta
                .entry(key.clone())
                .or_insert_with(|| (f.vendor.clone(), f.product.clone(), Vec::new()));
            for a in &f.acts {
                match entry.2.iter_mut().find(|x| x.id == a.id) {
                    Some(x) if a.status > x.status => x.status = a.status,
                    Some(_) => {}
                    None => entry.2.push(a.clone()),
                }
            }
            let item = PlanItem {
                finding: f.id.clone(),
                name: f.item.name.clone(),
                version: f.item.version.clone(),
                kind: f.item.kind,
                status: f.status,
                act: f.acts.first().map(|a| a.id.clone()),
                deadline: f.deadline.clone(),
                uninstall: uninstall_hint(&f.item, &f.location.collector, os),
                exception: f.exception.clone(),
                location: f.location.clone(),
                report: file.clone(),
            };
            groups
                .entry(key)
                .or_default()
                .entry(host)
                .or_default()
                .insert(f.id.clone(), item);
        }
    }

    let mut out: Vec<PlanGroup> = groups
        .into_iter()
        .filter_map(|(key, hosts)| {
            let (vendor, product, mut acts) = meta.remove(&key)?;
            let hosts: Vec<PlanHost> = hosts
                .into_iter()
                .map(|(host, items)| {
                    let mut items: Vec<PlanItem> = items.into_values().collect();
                    items.sort_by(|a, b| {
                        a.name.cmp(&b.name).then_with(|| a.finding.cmp(&b.finding))
                    });
                    PlanHost { host, items }
                })
                .collect();
            let all = || hosts.iter().flat_map(|h| h.items.iter());
            let status = all().map(|i| i.status).max().unwrap_or(Status::Review);
            let earliest = |open_only: bool| {
                all()
                    .filter(|i| !open_only || !i.is_excepted())
                    .filter_map(|i| i.deadline.clone())
                    .min_by_key(|d| d.date)
            };
            let deadline = earliest(true).or_else(|| earliest(false));
            acts.sort_by(|a, b| b.status.cmp(&a.status).then_with(|| a.date.cmp(&b.date)));
            let category = product
                .as_ref()
                .and_then(|p| catalog.product(&p.id))
                .and_then(|(_, p)| p.category.clone());
            Some(PlanGroup {
                vendor,
                product,
                category,
                status,
                acts: acts
                    .into_iter()
                    .map(|a| PlanAct {
                        id: a.id,
                        title: a.title,
                        url: a.url,
                    })
                    .collect(),
                deadline,
                hosts,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.status
            .cmp(&a.status)
            .then_with(|| {
                let d = |g: &PlanGroup| g.deadline.as_ref().map_or(NaiveDate::MAX, |d| d.date);
                d(a).cmp(&d(b))
            })
            .then_with(|| a.vendor.id.cmp(&b.vendor.id))
            .then_with(|| {
                a.product
                    .as_ref()
                    .map(|p| &p.id)
                    .cmp(&b.product.as_ref().map(|p| &p.id))
            })
    });

    let items = || {
        out.iter()
            .flat_map(|g| g.hosts.iter().flat_map(|h| h.items.iter()))
    };
    let mut hosts: Vec<&str> = out
        .iter()
        .flat_map(|g| g.hosts.iter().map(|h| h.host.as_str()))
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    let summary = PlanSummary {
        groups: out.len(),
        hosts: hosts.len(),
        items: items().count(),
        overdue: items().filter(|i| i.is_overdue()).count(),
        excepted: items().filter(|i| i.is_excepted()).count(),
        without_uninstall_hint: items().filter(|i| i.uninstall.is_none()).count(),
    };
    Ok(Plan {
        schema: PLAN_SCHEMA,
        reports: sources,
        summary,
        groups: out,
    })
}

/// The command that removes an item, from what its collector recorded.
///
/// Package managers get their own removal command (`purge` for dpkg so configuration
/// goes too); Windows programs get the uninstall command Windows itself recorded
/// (the silent one when there is one); MSI product codes get `msiexec /x`.
pub fn uninstall_hint(item: &FindingItem, collector: &str, os: Option<&str>) -> Option<Uninstall> {
    if let Some(cmd) = item
        .attrs
        .get(ATTR_QUIET_UNINSTALL_STRING)
        .filter(|s| !s.trim().is_empty())
    {
        return Some(Uninstall {
            command: cmd.trim().to_owned(),
            via: "windows-quiet-uninstall-string",
        });
    }
    if let Some(cmd) = item
        .attrs
        .get(ATTR_UNINSTALL_STRING)
        .filter(|s| !s.trim().is_empty())
    {
        return Some(Uninstall {
            command: cmd.trim().to_owned(),
            via: "windows-uninstall-string",
        });
    }
    let suse = os.is_some_and(|o| o.to_lowercase().contains("suse"));
    let package = |ecosystem: &str, name: &str| -> Option<Uninstall> {
        let name = shell_quote(name);
        Some(match ecosystem {
            "deb" => Uninstall {
                command: format!("apt-get purge {name}"),
                via: "apt-get",
            },
            "rpm" if suse => Uninstall {
                command: format!("zypper remove {name}"),
                via: "zypper",
            },
            "rpm" => Uninstall {
                command: format!("dnf remove {name}"),
                via: "dnf",
            },
            "apk" => Uninstall {
                command: format!("apk del {name}"),
                via: "apk",
            },
            "pacman" | "alpm" => Uninstall {
                command: format!("pacman -Rns {name}"),
                via: "pacman",
            },
            _ => return None,
        })
    };
    for id in &item.identifiers {
        let hint = match id.kind {
            IdentifierKind::Package => id
                .ecosystem
                .as_deref()
                .or(match collector {
                    "dpkg" => Some("deb"),
                    "rpm" | "apk" | "pacman" => Some(collector),
                    _ => None,
                })
                .and_then(|e| package(e, &id.value)),
            IdentifierKind::Purl => purl_parts(&id.value).and_then(|(t, n)| package(t, &n)),
            IdentifierKind::AndroidPackage => Some(Uninstall {
                command: format!("adb uninstall {}", shell_quote(&id.value)),
                via: "adb",
            }),
            IdentifierKind::WindowsProductCode if is_guid(&id.value) => Some(Uninstall {
                command: format!("msiexec /x {} /qn", id.value),
                via: "msiexec",
            }),
            _ => None,
        };
        if hint.is_some() {
            return hint;
        }
    }
    None
}

/// `pkg:deb/debian/kesl@12?arch=amd64` → (`deb`, `kesl`).
fn purl_parts(purl: &str) -> Option<(&str, String)> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next()?;
    let (ty, path) = rest.split_once('/')?;
    let name = path.rsplit('/').next()?.split('@').next()?;
    if name.is_empty() {
        return None;
    }
    Some((ty, percent_decode(name)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `{7EC66A95-AC2D-4127-940B-0445A526AB2F}`: the form of an MSI product code.
fn is_guid(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return false;
    };
    let parts: Vec<&str> = inner.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-:@/=%,".contains(c));
    if plain && !word.starts_with('-') {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proscribe_model::Identifier;

    fn item(ids: Vec<Identifier>) -> FindingItem {
        FindingItem {
            kind: ItemKind::Package,
            name: "x".into(),
            version: None,
            publisher: None,
            identifiers: ids,
            attrs: BTreeMap::new(),
        }
    }

    /// Each package manager gets its own removal command.
    #[test]
    fn package_manager_commands() {
        let cases = [
            ("deb", None, "apt-get purge kesl"),
            ("rpm", Some("Rocky Linux 9.4"), "dnf remove kesl"),
            ("rpm", Some("openSUSE Leap 15.6"), "zypper remove kesl"),
            ("apk", None, "apk del kesl"),
            ("pacman", None, "pacman -Rns kesl"),
        ];
        for (eco, os, want) in cases {
            let hint = uninstall_hint(&item(vec![Identifier::package(eco, "kesl")]), "x", os);
            assert_eq!(hint.unwrap().command, want);
        }
        let none = uninstall_hint(&item(vec![Identifier::package("npm", "x")]), "npm", None);
        assert_eq!(none, None);
    }

    /// Names that are not plain words are quoted so the command cannot run anything else.
    #[test]
    fn hostile_names_are_quoted() {
        let hint = uninstall_hint(
            &item(vec![Identifier::package("deb", "x; rm -rf / 'y'")]),
            "dpkg",
            None,
        )
        .unwrap();
        assert_eq!(hint.command, r"apt-get purge 'x; rm -rf / '\''y'\'''");
        assert_eq!(shell_quote("-rf"), "'-rf'");
        assert_eq!(shell_quote(""), "''");
    }

    /// Windows uninstall strings win; a bare MSI product code gets msiexec; purls work.
    #[test]
    fn windows_android_and_purl() {
        let mut it = item(vec![Identifier::new(
            IdentifierKind::WindowsProductCode,
            "{7EC66A95-AC2D-4127-940B-0445A526AB2F}",
        )]);
        assert_eq!(
            uninstall_hint(&it, "windows-programs", None)
                .unwrap()
                .command,
            "msiexec /x {7EC66A95-AC2D-4127-940B-0445A526AB2F} /qn"
        );
        it.attrs.insert(
            ATTR_UNINSTALL_STRING.into(),
            "MsiExec.exe /X{7EC66A95-AC2D-4127-940B-0445A526AB2F}".into(),
        );
        let h = uninstall_hint(&it, "windows-programs", None).unwrap();
        assert_eq!(h.via, "windows-uninstall-string");
        let bogus = item(vec![Identifier::new(
            IdentifierKind::WindowsProductCode,
            "{not-a-guid}_is1",
        )]);
        assert_eq!(uninstall_hint(&bogus, "windows-programs", None), None);
        let app = item(vec![Identifier::new(
            IdentifierKind::AndroidPackage,
            "com.connect.enduser",
        )]);
        assert_eq!(
            uninstall_hint(&app, "android", None).unwrap().command,
            "adb uninstall com.connect.enduser"
        );
        let purl = item(vec![Identifier::new(
            IdentifierKind::Purl,
            "pkg:deb/debian/kesl@12.1.0-1268?arch=amd64",
        )]);
        assert_eq!(
            uninstall_hint(&purl, "cyclonedx", None).unwrap().command,
            "apt-get purge kesl"
        );
        assert_eq!(
            purl_parts("pkg:rpm/fedora/a%2Bb@1").unwrap(),
            ("rpm", "a+b".to_owned())
        );
    }
}
