//! Renders the findings of a scan: the `proscribe.report/1` JSON report, a terminal table,
//! SARIF 2.1.0 for code-scanning tools, CSV for spreadsheets, Markdown for tickets and
//! wikis (and, from the same [`Report`], the removal plan as CSV and Markdown), and a
//! self-contained HTML page; fixed text comes in several languages ([`i18n`]).
//!
//! [`Report`] is the contract (section 6 of the design): scripts, CI pipelines and the
//! fleet database read it, so its shape changes only with a new schema version. Its JSON
//! Schema is generated from these Rust types ([`json_schema`]) and committed as
//! `schemas/proscribe.report-1.schema.json`; a test fails when the two differ. Renderers
//! only render: every decision (which acts, which status, which deadline) was made by the
//! policy stage before the report was built.
#![deny(missing_docs)]

mod csv;
mod html;
pub mod i18n;
mod markdown;
mod sarif;
mod table;
mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use proscribe_catalog::{Catalog, Status};
use proscribe_model::Inventory;
use proscribe_policy::Finding;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

pub use self::csv::{render_csv, render_plan_csv, CSV_COLUMNS, PLAN_CSV_COLUMNS};
pub use html::{render_html, NOSCRIPT_ROWS};
pub use markdown::{render_markdown, render_plan_markdown};
pub use sarif::{render_sarif, SarifOptions, SARIF_SCHEMA_URI};
pub use table::{render_table, TableStyle};

/// The report format this crate writes.
pub const SCHEMA: &str = "proscribe.report/1";

/// The file name of the committed JSON Schema, under `schemas/` at the repository root.
pub const SCHEMA_FILE: &str = "proscribe.report-1.schema.json";

/// One scan's results: what was read, what was found, and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(
    title = "proscribe.report/1",
    description = "The findings of one proscribe scan."
)]
pub struct Report {
    /// Always `proscribe.report/1` for this version of the format.
    #[schemars(with = "SchemaTag")]
    pub schema: String,
    /// The program that wrote the report.
    pub tool: Tool,
    /// The catalog the findings were judged against.
    pub catalog: CatalogRef,
    /// When the report was made (RFC 3339, UTC, whole seconds).
    #[serde(serialize_with = "rfc3339_seconds")]
    pub generated_at: DateTime<Utc>,
    /// The machine scanned, when the inventory describes one machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostInfo>,
    /// What each target (or source file inside a target) contributed.
    pub targets: Vec<TargetRef>,
    /// Counts.
    pub summary: Summary,
    /// The findings: strongest status first, then by vendor, product and item name.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read; the findings cover the rest.
    pub errors: Vec<ReportError>,
    /// Things worth a look that did not stop the scan, such as a policy exception that
    /// matched nothing or has expired.
    #[serde(default)]
    pub warnings: Vec<ReportWarning>,
}

/// Something worth a person's attention that did not stop the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReportWarning {
    /// Stable kebab-case code, e.g. `exception-unmatched` or `exception-expired`.
    pub code: String,
    /// One line for people.
    pub message: String,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Tool {
    /// `proscribe`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The catalog a report was judged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CatalogRef {
    /// The catalog version, e.g. `2026.11.25`.
    pub version: String,
    /// `sha256:<hex>` over every catalog file, naming exactly the data used.
    pub digest: String,
}

/// The machine a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct HostInfo {
    /// Host name.
    pub hostname: Option<String>,
    /// Operating system.
    pub os: Option<String>,
}

/// What one target contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TargetRef {
    /// The file or target.
    pub target: String,
    /// The format (collector) that read it.
    pub format: String,
    /// How many items it yielded.
    pub items: usize,
}

/// Counts over the whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    /// Items read from every target.
    pub items: usize,
    /// Findings.
    pub findings: usize,
    /// Findings per status.
    pub by_status: ByStatus,
    /// Findings an active policy exception covers: listed, but not failing the scan.
    #[serde(default)]
    pub excepted: usize,
}

/// Findings per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ByStatus {
    /// Findings with status `banned`.
    pub banned: usize,
    /// Findings with status `restricted`.
    pub restricted: usize,
    /// Findings with status `review`.
    pub review: usize,
}

/// An input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReportError {
    /// The file or target.
    pub target: String,
    /// Why, in one line.
    pub reason: String,
}

impl Report {
    /// Builds the report of one scan.
    ///
    /// Findings with the same id (one item matched twice for the same vendor and product)
    /// are merged, keeping every piece of evidence once; the rest are sorted as the
    /// contract says. `generated_at` is kept to whole seconds.
    pub fn new(
        catalog: &Catalog,
        inventory: &Inventory,
        findings: Vec<Finding>,
        generated_at: DateTime<Utc>,
    ) -> Self {
        let mut by_id: BTreeMap<String, Finding> = BTreeMap::new();
        for f in findings {
            match by_id.get_mut(&f.id) {
                Some(kept) => {
                    for e in f.evidence {
                        if !kept.evidence.contains(&e) {
                            kept.evidence.push(e);
                        }
                    }
                }
                None => {
                    by_id.insert(f.id.clone(), f);
                }
            }
        }
        let mut findings: Vec<Finding> = by_id.into_values().collect();
        findings.sort_by(|a, b| {
            b.status
                .cmp(&a.status)
                .then_with(|| a.vendor.id.cmp(&b.vendor.id))
                .then_with(|| {
                    a.product
                        .as_ref()
                        .map(|p| &p.id)
                        .cmp(&b.product.as_ref().map(|p| &p.id))
                })
                .then_with(|| a.item.name.cmp(&b.item.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        let count = |s: Status| findings.iter().filter(|f| f.status == s).count();
        let summary = Summary {
            // Targets count every item, also when items were streamed, not kept.
            items: inventory.targets.iter().map(|t| t.items).sum(),
            findings: findings.len(),
            by_status: ByStatus {
                banned: count(Status::Banned),
                restricted: count(Status::Restricted),
                review: count(Status::Review),
            },
            excepted: findings.iter().filter(|f| f.is_excepted()).count(),
        };
        let generated_at = generated_at.with_nanosecond(0).unwrap_or(generated_at);
        Self {
            schema: SCHEMA.to_owned(),
            tool: Tool {
                name: "proscribe".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            catalog: CatalogRef {
                version: catalog.version.clone(),
                digest: catalog.digest.clone(),
            },
            generated_at,
            host: inventory.host.as_ref().map(|h| HostInfo {
                hostname: h.hostname.clone(),
                os: h.os.clone(),
            }),
            targets: inventory
                .targets
                .iter()
                .map(|t| TargetRef {
                    target: t.target.clone(),
                    format: t.format.clone(),
                    items: t.items,
                })
                .collect(),
            summary,
            findings,
            errors: inventory
                .errors
                .iter()
                .map(|e| ReportError {
                    target: e.target.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
            warnings: Vec::new(),
        }
    }
}

fn rfc3339_seconds<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Schema of the `schema` field: exactly this version's name.
struct SchemaTag;

impl JsonSchema for SchemaTag {
    fn schema_name() -> Cow<'static, str> {
        "SchemaTag".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "const": SCHEMA })
    }
}

/// The JSON Schema of [`Report`], as committed in `schemas/`.
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".to_owned(),
            format!("https://github.com/proscribe/proscribe/blob/main/schemas/{SCHEMA_FILE}")
                .into(),
        );
    }
    schema
}

/// [`json_schema`] as the committed file's text: pretty JSON with a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the report as pretty JSON with a final newline.
///
/// # Errors
/// Only the writer's.
pub fn render_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
