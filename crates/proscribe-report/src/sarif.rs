//! SARIF 2.1.0, the format code-scanning services and IDEs read (GitHub code scanning,
//! Azure DevOps, VS Code's SARIF viewer).
//!
//! Mapping: one rule per catalog product that has findings (`ruleId` = product id, or
//! the vendor id when only the vendor was recognised); level `error` for `banned`,
//! `warning` for `restricted`, `note` for `review`; the location is the input file (a
//! relative URI when it lies under [`SarifOptions::base`]) with `region.startLine` when
//! the collector recorded a line, and a logical location for anything else it recorded
//! (a registry key, a host address). An active exception becomes an accepted external
//! suppression with its justification, so viewers hide it but auditors still see it;
//! unreadable inputs and policy warnings become tool execution notifications. The
//! finding id is the partial fingerprint, so services track a finding across scans.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use proscribe_catalog::Status;
use proscribe_policy::Finding;
use serde::Serialize;

use crate::text::line_of;
use crate::Report;

/// The schema URI written in `$schema`.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0-rtm.5.json";

/// How to write SARIF.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifOptions<'a> {
    /// Paths under this directory are written as relative URIs (code-scanning services
    /// resolve them against the checkout); others as `file:` URIs.
    pub base: Option<&'a Path>,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    catalog_version: &'a str,
    catalog_digest: &'a str,
    items: usize,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    end_time_utc: String,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<DescriptorRef<'a>>,
}

#[derive(Serialize)]
struct DescriptorRef<'a> {
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "proscribeFindingId/v1")]
    id: &'a str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    status: &'static str,
    vendor: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a str>,
    item: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    acts: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<&'a proscribe_policy::Deadline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exception: Option<&'a proscribe_policy::ExceptionRef>,
}

fn level(s: Status) -> &'static str {
    match s {
        Status::Banned => "error",
        Status::Restricted => "warning",
        Status::Review => "note",
    }
}

fn rule_id(f: &Finding) -> &str {
    f.product.as_ref().map_or(f.vendor.id.as_str(), |p| &p.id)
}

/// Writes the report as a SARIF 2.1.0 log (pretty JSON, final newline).
///
/// # Errors
/// Only the writer's.
pub fn render_sarif(
    report: &Report,
    out: &mut dyn Write,
    opts: SarifOptions<'_>,
) -> io::Result<()> {
    // Rules in order of first appearance, each with its strongest status and acts.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<(&Finding, Status, Vec<&proscribe_policy::FindingAct>)> = Vec::new();
    for f in &report.findings {
        let id = rule_id(f);
        match index.get(id) {
            Some(&i) => {
                let r = &mut rules[i];
                r.1 = r.1.max(f.status);
                for a in &f.acts {
                    if !r.2.iter().any(|x| x.id == a.id) {
                        r.2.push(a);
                    }
                }
            }
            None => {
                index.insert(id, rules.len());
                rules.push((f, f.status, f.acts.iter().collect()));
            }
        }
    }
    let rules: Vec<Rule> = rules
        .into_iter()
        .map(|(f, status, acts)| {
            let (name, what) = match &f.product {
                Some(p) => (p.name.clone(), format!("{} ({})", p.name, f.vendor.name)),
                None => (
                    f.vendor.name.clone(),
                    format!("a product of {}", f.vendor.name),
                ),
            };
            let mut text = format!("{what} is covered by: ");
            let mut markdown = format!("{} is covered by:\n\n", crate::markdown::md(&what));
            for (i, a) in acts.iter().enumerate() {
                if i > 0 {
                    text.push_str("; ");
                }
                let _ = write!(
                    text,
                    "{} ({}, {}) {}",
                    a.title,
                    a.id,
                    a.status.as_str(),
                    a.url
                );
                let _ = writeln!(
                    markdown,
                    "- {} ({}, {})",
                    crate::markdown::link(&a.title, &a.url),
                    crate::markdown::md(&a.id),
                    a.status.as_str(),
                );
            }
            let mut tags = vec![
                "security".to_owned(),
                "proscribe".to_owned(),
                f.vendor.id.clone(),
            ];
            tags.dedup();
            Rule {
                id: rule_id(f).to_owned(),
                name,
                short_description: Text {
                    text: format!("{what}: {}", status.as_str()),
                },
                full_description: Text { text: text.clone() },
                help_uri: acts
                    .first()
                    .map(|a| a.url.clone())
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                help: Help { text, markdown },
                default_configuration: Configuration {
                    level: level(status),
                },
                properties: RuleProperties { tags },
            }
        })
        .collect();

    let results = report
        .findings
        .iter()
        .map(|f| result(f, index[rule_id(f)], opts))
        .collect();

    let mut notifications: Vec<Notification<'_>> = report
        .errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: format!("{}: {}", e.target, e.reason),
            },
            descriptor: None,
        })
        .collect();
    notifications.extend(report.warnings.iter().map(|w| Notification {
        level: "warning",
        message: Text {
            text: w.message.clone(),
        },
        descriptor: Some(DescriptorRef { id: &w.code }),
    }));

    let log = Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: "https://github.com/proscribe/proscribe",
                    rules,
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                end_time_utc: report.generated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                catalog_version: &report.catalog.version,
                catalog_digest: &report.catalog.digest,
                items: report.summary.items,
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn result<'a>(f: &'a Finding, rule_index: usize, opts: SarifOptions<'_>) -> SarifResult<'a> {
    let mut text = match &f.item.version {
        Some(v) => format!("{} {v}", f.item.name),
        None => f.item.name.clone(),
    };
    match &f.product {
        Some(p) => {
            let _ = write!(text, " is {} by {}", p.name, f.vendor.name);
        }
        None => {
            let _ = write!(text, " is from {}", f.vendor.name);
        }
    }
    let _ = write!(text, ": {}", f.status.as_str());
    if !f.acts.is_empty() {
        let ids: Vec<&str> = f.acts.iter().map(|a| a.id.as_str()).collect();
        let _ = write!(text, " under {}", ids.join(", "));
    }
    if let Some(d) = &f.deadline {
        let _ = write!(text, "; {}", crate::text::deadline(d));
    }
    let mut suppressions = Vec::new();
    if let Some(x) = &f.exception {
        let until = x.until.map(|u| u.to_string()).unwrap_or_default();
        if x.is_active() {
            let mut why = format!(
                "exception {} until {until}, approved by {}: {}",
                x.id, x.approved_by, x.reason
            );
            if let Some(r) = &x.reference {
                let _ = write!(why, " ({r})");
            }
            let _ = write!(text, "; excepted by {} until {until}", x.id);
            suppressions.push(Suppression {
                kind: "external",
                status: "accepted",
                justification: why,
            });
        } else {
            let _ = write!(
                text,
                "; exception {} expired on {until}, the finding counts again",
                x.id
            );
        }
    }
    let loc = &f.location;
    let path = if loc.path.is_empty() {
        &loc.target
    } else {
        &loc.path
    };
    let region = line_of(loc.detail.as_deref()).map(|start_line| Region { start_line });
    let logical_locations = match (&region, &loc.detail) {
        (None, Some(d)) if !d.is_empty() => vec![LogicalLocation {
            fully_qualified_name: d.clone(),
            kind: "resource",
        }],
        _ => Vec::new(),
    };
    SarifResult {
        rule_id: rule_id(f),
        rule_index,
        level: level(f.status),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: artifact_uri(path, opts.base),
                },
                region,
            },
            logical_locations,
        }],
        partial_fingerprints: Fingerprints { id: &f.id },
        suppressions,
        properties: ResultProperties {
            status: f.status.as_str(),
            vendor: &f.vendor.id,
            product: f.product.as_ref().map(|p| p.id.as_str()),
            item: &f.item.name,
            version: f.item.version.as_deref(),
            acts: f.acts.iter().map(|a| a.id.as_str()).collect(),
            deadline: f.deadline.as_ref(),
            exception: f.exception.as_ref(),
        },
    }
}

/// A URI reference for an input path: relative (percent-encoded) when it is relative or
/// lies under `base`, else a `file:` URI. Windows drive paths become `file:///C:/…`.
pub(crate) fn artifact_uri(path: &str, base: Option<&Path>) -> String {
    let bytes = path.as_bytes();
    let windows_drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    if windows_drive {
        let p = path.replace('\\', "/");
        return format!("file:///{}:{}", &p[..1], encode(&p[2..], true));
    }
    if let Some(rest) = path.strip_prefix("\\\\") {
        // A UNC path: \\server\share\file.
        return format!("file://{}", encode(&rest.replace('\\', "/"), true));
    }
    if path.starts_with('/') {
        if let Some(rel) = base
            .and_then(|b| Path::new(path).strip_prefix(b).ok())
            .and_then(|r| r.to_str())
            .filter(|r| !r.is_empty())
        {
            return relative(rel);
        }
        return format!("file://{}", encode(path, true));
    }
    if path.is_empty() {
        return "stdin".to_owned();
    }
    relative(path)
}

fn relative(path: &str) -> String {
    if path == "-" {
        return "stdin".to_owned();
    }
    encode(path, false)
}

/// Percent-encodes everything but unreserved characters and `/` (and `:` when `colon`).
fn encode(s: &str, colon: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (colon && b == b':') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;
    use std::path::Path;

    /// Relative, absolute under the base, absolute elsewhere, Windows and odd names.
    #[test]
    fn uris() {
        assert_eq!(artifact_uri("dpkg-status", None), "dpkg-status");
        assert_eq!(
            artifact_uri(
                "/srv/scan/var/lib/dpkg/status",
                Some(Path::new("/srv/scan"))
            ),
            "var/lib/dpkg/status"
        );
        assert_eq!(
            artifact_uri("/var/lib/dpkg/status", Some(Path::new("/srv"))),
            "file:///var/lib/dpkg/status"
        );
        assert_eq!(
            artifact_uri(r"C:\Windows\System32\config\SOFTWARE", None),
            "file:///C:/Windows/System32/config/SOFTWARE"
        );
        assert_eq!(artifact_uri("a b#c?.txt", None), "a%20b%23c%3F.txt");
        assert_eq!(artifact_uri("c:x", None), "c%3Ax");
        assert_eq!(artifact_uri("-", None), "stdin");
        assert_eq!(artifact_uri("ü", None), "%C3%BC");
    }
}
