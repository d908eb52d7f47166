//! SARIF, CSV and Markdown as their readers see them: golden files, the official SARIF
//! 2.1.0 schema, a CSV reader and a CommonMark (GFM) parser, and property tests with odd
//! input (control characters, right-to-left text, very long names).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use proscribe_policy::{ExceptionRef, ExceptionState};
use proscribe_report::i18n::Lang;
use proscribe_report::{
    render_csv, render_markdown, render_sarif, Report, ReportWarning, SarifOptions, CSV_COLUMNS,
};
use serde_json::Value;

/// The sample report with one active and one expired exception and a warning.
fn report() -> Report {
    let mut r = common::report();
    r.findings[0].exception = Some(ExceptionRef {
        id: "EX-2026-014".into(),
        until: NaiveDate::from_ymd_opt(2027, 3, 31),
        reason: "Malware-analysis lab | air-gapped".into(),
        approved_by: "CISO".into(),
        reference: Some("CHG-20260114-7".into()),
        state: ExceptionState::Active,
    });
    r.findings[1].exception = Some(ExceptionRef {
        id: "EX-2025-002".into(),
        until: NaiveDate::from_ymd_opt(2025, 12, 31),
        reason: "Migration to another product".into(),
        approved_by: "CIO".into(),
        reference: None,
        state: ExceptionState::Expired,
    });
    r.summary.excepted = 1;
    r.warnings.push(ReportWarning {
        code: "exception-unmatched".into(),
        message: "exception `EX-9` (vendor `huawei`, policy.toml:20) covered no finding".into(),
    });
    r
}

fn sarif(report: &Report) -> Value {
    let mut out = Vec::new();
    render_sarif(report, &mut out, SarifOptions::default()).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// The Markdown in English, the language of the golden file.
fn md_en(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    render_markdown(r, out, Lang::En)
}

fn text(render: fn(&Report, &mut dyn std::io::Write) -> std::io::Result<()>, r: &Report) -> String {
    let mut out = Vec::new();
    render(r, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Finds `sarif-2.1.0-rtm.5.json` in the npm package `@microsoft/jest-sarif`, which
/// scripts/test installs under `$HOME/.cache/proscribe-sarif` (or `PROSCRIBE_SARIF_DIR`).
fn sarif_schema_path() -> Option<PathBuf> {
    let root = std::env::var_os("PROSCRIBE_SARIF_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/proscribe-sarif"))
        })?;
    let candidate =
        root.join("node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    candidate.is_file().then_some(candidate)
}

fn sarif_validator() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let Some(path) = sarif_schema_path() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("the official SARIF schema is missing: scripts/test installs @microsoft/jest-sarif into $HOME/.cache/proscribe-sarif");
            }
            eprintln!("skipped: SARIF schema validation (npm package @microsoft/jest-sarif not installed; run scripts/test)");
            return None;
        };
        // One pattern in the official schema (`language`) ends in a lone `]`: a literal in
        // JavaScript's regex syntax, an error in Rust's. Escaping it keeps its meaning.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
        let schema: Value = serde_json::from_str(&text).unwrap();
        Some(
            // Formats are checked too: `uri`, `uri-reference` and `date-time` matter here.
            jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
    })
    .as_ref()
}

fn assert_valid_sarif(v: &Value) {
    if let Some(validator) = sarif_validator() {
        let errors: Vec<String> = validator
            .iter_errors(v)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    }
}

/// The SARIF log, exactly as written.
#[test]
fn sarif_snapshot() {
    let mut out = Vec::new();
    render_sarif(&report(), &mut out, SarifOptions::default()).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

/// The SARIF log validates against the official 2.1.0 schema, and the official schema
/// rejects a broken one (so the check cannot pass vacuously).
#[test]
fn sarif_matches_official_schema() {
    let v = sarif(&report());
    assert_valid_sarif(&v);
    if let Some(validator) = sarif_validator() {
        let mut broken = v.clone();
        broken["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(!validator.is_valid(&broken));
        let mut broken = v;
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"] = 0.into();
        assert!(!validator.is_valid(&broken));
    }
}

/// Rules, levels, locations, suppressions and notifications map as documented.
#[test]
fn sarif_mapping() {
    let v = sarif(&report());
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "kaspersky-endpoint-security",
            "hikvision-video-surveillance-equipment",
            "hik-connect"
        ]
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "warning", "note"]);
    // The Windows program: a registry key as logical location, no line.
    let kes = &results[0];
    assert_eq!(kes["ruleIndex"], 0);
    let loc = &kes["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "SOFTWARE"
    );
    assert!(loc["physicalLocation"].get("region").is_none());
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        r"Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95-AC2D-4127-940B-0445A526AB2F}"
    );
    assert_eq!(kes["suppressions"][0]["status"], "accepted");
    assert!(kes["suppressions"][0]["justification"]
        .as_str()
        .unwrap()
        .contains("approved by CISO"));
    // kesl: line 20431 of the dpkg status file; its exception expired, so no suppression.
    let kesl = &results[1];
    assert_eq!(
        kesl["locations"][0]["physicalLocation"]["region"]["startLine"],
        20431
    );
    assert!(kesl.get("suppressions").is_none());
    assert!(kesl["message"]["text"]
        .as_str()
        .unwrap()
        .contains("expired on 2025-12-31"));
    assert_eq!(
        kesl["partialFingerprints"]["proscribeFindingId/v1"],
        report().findings[1].id.as_str()
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[1]["descriptor"]["id"], "exception-unmatched");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

/// Paths under the base become relative URIs.
#[test]
fn sarif_relative_uris() {
    let mut r = report();
    r.findings[1].location.path = "/srv/scan/var/lib/dpkg/status".into();
    let mut out = Vec::new();
    render_sarif(
        &r,
        &mut out,
        SarifOptions {
            base: Some(Path::new("/srv/scan")),
        },
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "var/lib/dpkg/status"
    );
    assert_valid_sarif(&v);
}

/// The CSV, exactly as written.
#[test]
fn csv_snapshot() {
    insta::assert_snapshot!(text(render_csv, &report()));
}

/// The Markdown, exactly as written.
#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(text(md_en, &report()));
}

fn read_csv(s: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(s.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// What a cell should hold for an input value: controls replaced, formulas quoted.
fn expected_cell(v: &str) -> String {
    let clean: String = v
        .chars()
        .map(|c| {
            if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) {
        format!("'{clean}")
    } else {
        clean
    }
}

/// Markdown text as a reader sees it: each table row's cells as plain text.
fn md_rows(s: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    for ev in Parser::new_ext(s, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Start(Tag::TableRow | Tag::TableHead) => row = Some(Vec::new()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.extend(row.take()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                    r.push(c);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if let Some(c) = cell.as_mut() {
                    assert_eq!(&*h, "<br>", "raw HTML got through: {h:?}");
                    c.push('\n');
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cell.as_mut() {
                    c.push('\n');
                }
            }
            _ => {}
        }
    }
    rows
}

/// What a Markdown reader should see for an input value.
fn expected_md(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push('\n'),
            c if (c.is_control() && c != '\t') || c == '\u{7f}' => out.push('\u{fffd}'),
            c if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') => {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Names mixing everything writers must survive.
fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Control characters, markup and formula triggers.
        "[=+@\\-\t\r\n\u{0}-\u{1f}\u{7f}\u{85}|*_`<>&\\[\\]\\\\#!~a-z ]{0,40}",
        // Right-to-left text with bidi controls.
        "[\u{5d0}-\u{5ea}\u{627}-\u{64a}\u{202a}-\u{202e}\u{2066}-\u{2069} a-z]{0,40}",
        // Anything.
        any::<String>(),
        // Very long.
        "[a-zA-Z0-9 |]{2000,5000}",
    ]
}

fn odd_report(name: &str, version: &str, path: &str, detail: &str, reason: &str) -> Report {
    let mut r = report();
    for f in &mut r.findings {
        f.item.name = name.to_owned();
        f.item.version = Some(version.to_owned());
    }
    r.findings[0].location.path = path.to_owned();
    r.findings[0].location.detail = Some(detail.to_owned());
    r.findings[1].location.detail = Some(format!("line {}", version.len() + 1));
    if let Some(x) = r.findings[0].exception.as_mut() {
        x.reason = reason.to_owned();
        x.id = format!("EX-{}", name.len());
    }
    r.warnings[0].message = reason.to_owned();
    r.errors[0].reason = reason.to_owned();
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every CSV row has every column, and each cell reads back as the value, made safe.
    #[test]
    fn csv_round_trips(name in odd_text(), version in odd_text(), path in odd_text(), detail in odd_text(), reason in odd_text()) {
        let r = odd_report(&name, &version, &path, &detail, &reason);
        let rows = read_csv(&text(render_csv, &r));
        prop_assert_eq!(rows.len(), r.findings.len() + 1);
        for row in &rows {
            prop_assert_eq!(row.len(), CSV_COLUMNS.len());
            for c in row {
                prop_assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "unsafe cell {:?}", c);
            }
        }
        let col = |n: &str| CSV_COLUMNS.iter().position(|c| *c == n).unwrap();
        prop_assert_eq!(&rows[1][col("item_name")], &expected_cell(&name));
        prop_assert_eq!(&rows[1][col("item_version")], &expected_cell(&version));
        prop_assert_eq!(&rows[1][col("path")], &expected_cell(&path));
        prop_assert_eq!(&rows[1][col("exception_reason")], &expected_cell(&reason));
    }

    /// Every Markdown table row keeps its columns, no HTML gets through, and each cell
    /// reads as the value.
    #[test]
    fn markdown_round_trips(name in odd_text(), version in odd_text(), path in odd_text(), detail in odd_text(), reason in odd_text()) {
        let r = odd_report(&name, &version, &path, &detail, &reason);
        let rows = md_rows(&text(md_en, &r));
        // Summary (1 + 3), findings (1 + 4), exceptions (1 + 2).
        prop_assert_eq!(rows.len(), 4 + 5 + 3);
        let findings = &rows[4..9];
        for row in findings {
            prop_assert_eq!(row.len(), 8, "{:?}", row);
        }
        let want_item = format!("{} {}", expected_md(&name), expected_md(&version));
        prop_assert_eq!(findings[1][3].trim(), want_item.trim());
        let want_reason = expected_md(&reason);
        prop_assert_eq!(rows[10][5].trim(), want_reason.trim());
    }

    /// SARIF stays valid against the official schema whatever the names and paths.
    #[test]
    fn sarif_stays_valid(name in odd_text(), version in odd_text(), path in odd_text(), detail in odd_text(), reason in odd_text()) {
        let r = odd_report(&name, &version, &path, &detail, &reason);
        let v = sarif(&r);
        assert_valid_sarif(&v);
        prop_assert_eq!(v["runs"][0]["results"][1]["properties"]["item"].as_str().unwrap(), name.as_str());
    }
}
