//! The report as users and scripts see it: snapshots of the table and the JSON, the
//! contract's invariants, and the committed JSON Schema.

mod common;

use std::path::PathBuf;

use proscribe_report::{
    json_schema, json_schema_text, render_json, render_table, Report, TableStyle, SCHEMA_FILE,
};
use serde_json::Value;

fn table(report: &Report, color: bool, width: usize) -> String {
    let mut out = Vec::new();
    render_table(
        report,
        &mut out,
        TableStyle {
            color,
            width,
            lang: proscribe_report::i18n::Lang::En,
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn json(report: &Report) -> Value {
    let mut out = Vec::new();
    render_json(report, &mut out).unwrap();
    assert!(out.ends_with(b"}\n"));
    serde_json::from_slice(&out).unwrap()
}

/// Removes ANSI SGR sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

/// The table at a common terminal width.
#[test]
fn table_snapshot() {
    insta::assert_snapshot!(table(&common::report(), false, 100));
}

/// The table on a narrow terminal: everything wraps, nothing is lost.
#[test]
fn table_snapshot_narrow() {
    insta::assert_snapshot!(table(&common::report(), false, 50));
}

/// No line is wider than asked, at any width from the minimum up.
#[test]
fn table_lines_fit_width() {
    let report = common::report();
    for w in [40, 41, 57, 64, 80, 100, 132] {
        let text = table(&report, false, w);
        for line in text.lines() {
            assert!(
                width(line) <= w,
                "width {w}: {line:?} is {} columns",
                width(line)
            );
        }
    }
    // Below the minimum the layout keeps its minimum width.
    assert!(table(&report, false, 10).lines().all(|l| width(l) <= 40));
}

/// Colour only adds escape codes: without them the text is the plain table.
#[test]
fn table_color_is_only_decoration() {
    let report = common::report();
    let colored = table(&report, true, 80);
    assert!(colored.contains("\u{1b}["), "no colour codes");
    assert!(!table(&report, false, 80).contains('\u{1b}'));
    assert_eq!(strip_ansi(&colored), table(&report, false, 80));
    // Statuses and OVERDUE are highlighted.
    assert!(
        colored.contains("\u{1b}[1m\u{1b}[31mBANNED") || colored.contains("\u{1b}[1;31mBANNED"),
        "{colored}"
    );
}

/// A clean scan says so, and still lists unreadable inputs.
#[test]
fn table_without_findings() {
    let mut report = common::report();
    report.findings.clear();
    report.summary.findings = 0;
    report.summary.by_status = proscribe_report::ByStatus::default();
    insta::assert_snapshot!(table(&report, false, 80));
}

/// The JSON report, exactly as written (field order included).
#[test]
fn json_snapshot() {
    let mut out = Vec::new();
    render_json(&common::report(), &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

/// The contract's invariants: schema name, time format, counts, order.
#[test]
fn json_contract() {
    let report = common::report();
    let v = json(&report);
    assert_eq!(v["schema"], "proscribe.report/1");
    assert_eq!(v["generated_at"], "2026-11-25T19:00:00Z");
    assert!(v["catalog"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(v["summary"]["items"], 8);
    assert_eq!(v["summary"]["findings"], 4);
    assert_eq!(
        v["summary"]["by_status"],
        serde_json::json!({"banned": 2, "restricted": 1, "review": 1})
    );
    let statuses: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["banned", "banned", "restricted", "review"]);
    let names: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["item"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Kaspersky Endpoint Security for Windows",
            "kesl",
            "192.168.1.64",
            "Hik-Connect"
        ]
    );
    assert_eq!(v["errors"][0]["target"], "broken.hive");
    assert_eq!(v["host"]["hostname"], "ws-0142");
}

/// The same item matched twice for one vendor and product is one finding with both
/// pieces of evidence.
#[test]
fn duplicate_findings_merge() {
    let report = common::report();
    let first = report.findings[0].clone();
    let mut second = first.clone();
    second.evidence.reverse();
    second.evidence.push(proscribe_match::Evidence {
        field: "windows-product-code".into(),
        value: "{7EC66A95-AC2D-4127-940B-0445A526AB2F}".into(),
        signature: "kaspersky-endpoint-security#9".into(),
        source: "https://example.org".into(),
        how: proscribe_catalog::MatchKind::Exact,
    });
    let merged = Report::new(
        &common::catalog(),
        &proscribe_model::Inventory::default(),
        vec![first.clone(), second],
        common::generated_at(),
    );
    assert_eq!(merged.findings.len(), 1);
    assert_eq!(merged.summary.findings, 1);
    assert_eq!(merged.findings[0].evidence.len(), first.evidence.len() + 1);
    assert_eq!(
        merged.findings[0].evidence[..first.evidence.len()],
        first.evidence[..]
    );
}

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas")
        .join(SCHEMA_FILE)
}

/// The committed schema is the one these types generate.
///
/// To regenerate it: `UPDATE_SCHEMA=1 cargo test -p proscribe-report --test report`.
#[test]
fn committed_schema_is_current() {
    let path = schema_path();
    let generated = json_schema_text();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} differs from the schema the Rust types generate.\n\
         If the change to the report is intended (and additive, or comes with a new schema version), \
         regenerate it with:\n\n    UPDATE_SCHEMA=1 cargo test -p proscribe-report --test report\n",
        path.display()
    );
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn errors(validator: &jsonschema::Validator, v: &Value) -> Vec<String> {
    validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The sample report validates against the committed schema.
#[test]
fn sample_report_matches_schema() {
    let validator = validator();
    let v = json(&common::report());
    assert_eq!(errors(&validator, &v), Vec::<String>::new());
    // The generated schema (not only the committed one) accepts it too.
    assert!(jsonschema::validator_for(&json_schema())
        .unwrap()
        .is_valid(&v));
}

/// The schema is strict where the contract is: it rejects reports that break it.
#[test]
fn schema_rejects_broken_reports() {
    let validator = validator();
    let good = json(&common::report());
    type Breaker = (&'static str, fn(&mut Value));
    let broken: [Breaker; 6] = [
        ("wrong schema name", |v| {
            v["schema"] = "proscribe.report/2".into()
        }),
        ("unknown status", |v| {
            v["findings"][0]["status"] = "forbidden".into()
        }),
        ("unknown item kind", |v| {
            v["findings"][0]["item"]["kind"] = "gadget".into()
        }),
        ("missing summary", |v| {
            v.as_object_mut().unwrap().remove("summary");
        }),
        ("bad deadline date", |v| {
            v["findings"][0]["deadline"]["date"] = 2017.into()
        }),
        ("evidence without signature", |v| {
            v["findings"][0]["evidence"][0]
                .as_object_mut()
                .unwrap()
                .remove("signature");
        }),
    ];
    for (what, break_it) in broken {
        let mut v = good.clone();
        break_it(&mut v);
        assert!(
            !validator.is_valid(&v),
            "schema accepted a report with {what}"
        );
    }
}
