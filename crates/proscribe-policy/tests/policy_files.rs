//! Policy files beyond v1 against the built-in catalog: `start`, presets, `extends`,
//! exceptions (validation, active/expired/unmatched) and the deadline base.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use proscribe_catalog::{Catalog, MatchKind};
use proscribe_match::{Evidence, Match};
use proscribe_model::{Identifier, Item, ItemKind, Location};
use proscribe_policy::{DeadlineKind, ExceptionState, Finding, Policy, PolicyError};

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kesl(name: &str) -> Item {
    let mut item = Item::new(
        ItemKind::Package,
        name,
        Location {
            target: "status".into(),
            collector: "dpkg".into(),
            path: "status".into(),
            detail: Some("line 7".into()),
        },
    );
    item.identifiers.push(Identifier::package("deb", name));
    item
}

fn kes_match() -> Match {
    Match {
        vendor: "kaspersky".into(),
        product: Some("kaspersky-endpoint-security".into()),
        entity: None,
        evidence: vec![Evidence {
            field: "package".into(),
            value: "kesl".into(),
            signature: "kaspersky-endpoint-security#1".into(),
            source: "https://example.org".into(),
            how: MatchKind::Exact,
        }],
    }
}

fn policy(text: &str) -> Policy {
    Policy::from_toml(text, Path::new("policy.toml"), &catalog()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    match Policy::from_toml(text, Path::new("policy.toml"), &catalog()) {
        Ok(p) => panic!("expected an error, got {p:?}"),
        Err(e) => e.to_string(),
    }
}

fn judge(p: &Policy, name: &str, today: &str) -> Finding {
    p.judge(&catalog(), &kes_match(), &kesl(name), day(today))
        .unwrap()
}

/// `start` later than the act moves BOD 17-01's 30/60/90 days; earlier changes nothing.
#[test]
fn start_moves_deadlines_only_forward() {
    let p = policy("acts = [\"us-bod-17-01\"]\nstart = 2025-01-01\n");
    let d = judge(&p, "kesl", "2025-01-10").deadline.unwrap();
    assert_eq!(
        (d.kind, d.date, d.overdue, d.counted_from),
        (
            DeadlineKind::Identify,
            day("2025-01-31"),
            false,
            Some(day("2025-01-01"))
        )
    );
    let d = judge(&p, "kesl", "2025-03-02").deadline.unwrap();
    assert_eq!((d.kind, d.date), (DeadlineKind::Plan, day("2025-03-02")));
    let d = judge(&p, "kesl", "2025-04-02").deadline.unwrap();
    assert_eq!(
        (d.kind, d.date, d.overdue),
        (DeadlineKind::Remove, day("2025-04-01"), true)
    );
    let early = policy("acts = [\"us-bod-17-01\"]\nstart = 2001-01-01\n");
    let d = judge(&early, "kesl", "2017-09-20").deadline.unwrap();
    assert_eq!(
        (d.date, d.counted_from),
        (day("2017-10-13"), Some(day("2017-09-13")))
    );
}

/// Every preset loads against the built-in catalog, lists every act of its home
/// jurisdictions, and justifies each act with a comment right above it.
#[test]
fn presets_are_complete_and_justified() {
    let catalog = catalog();
    let home: [(&str, &[&str]); 7] = [
        ("eu-institutions", &["EU-institutions", "EU-commission"]),
        ("us-federal", &["US-federal"]),
        ("de-federal", &["DE"]),
        ("nl-government", &["NL-government"]),
        ("lt-government", &["LT-government"]),
        ("ua-government", &["UA-government"]),
        ("au-government", &["AU-government"]),
    ];
    let presets = proscribe_policy::presets();
    assert_eq!(presets.len(), home.len());
    for (name, jurisdictions) in home {
        let preset = presets.iter().find(|p| p.name == name).unwrap();
        assert!(!preset.description.is_empty(), "{name} has no description");
        let p = Policy::preset(name, &catalog).unwrap_or_else(|e| panic!("{e}"));
        let selected: BTreeSet<&str> = p.acts(&catalog).iter().map(|a| a.id.as_str()).collect();
        for act in catalog.acts.values() {
            if jurisdictions.contains(&act.jurisdiction.as_str()) {
                assert!(
                    selected.contains(act.id.as_str()),
                    "{name} misses {}",
                    act.id
                );
            }
        }
        let lines: Vec<&str> = preset.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            if t.starts_with('"') {
                assert!(
                    i > 0 && lines[i - 1].trim().starts_with('#'),
                    "{name}: act {t} has no justifying comment above it"
                );
            }
        }
    }
    let us = Policy::preset("us-federal", &catalog).unwrap();
    assert!(us.selects("us-bod-17-01") && us.selects("us-ndaa-fy2019-889"));
    assert!(!us.selects("us-fcc-covered-list-2021-03-12"));
    assert!(!us.selects("eu-ep-2018-0258"));
    assert!(matches!(
        Policy::preset("us-federl", &catalog),
        Err(PolicyError::UnknownPreset { .. })
    ));
}

/// A file builds on a preset: it inherits the acts and adds its own; a bad preset name
/// is an error at its line.
#[test]
fn preset_key_builds_on_a_preset() {
    let p = policy("preset = \"de-federal\"\nacts = [\"nl-kaspersky-2018\"]\n");
    assert!(p.selects("de-bsi-2022-03-15") && p.selects("nl-kaspersky-2018"));
    assert!(!p.selects("us-bod-17-01"));
    assert_eq!(p.layers().len(), 2);
    assert!(p.description().unwrap().contains("BSI"));
    let e = err("description = \"x\"\npreset = \"us-fed\"\n");
    assert!(
        e.starts_with("policy.toml:2: unknown preset `us-fed`; presets: au-government"),
        "{e}"
    );
}

/// `extends` reads a file relative to the extending one; problems in the base are
/// reported at the base's file and line; cycles are caught.
#[test]
fn extends_files() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.toml");
    std::fs::write(
        &base,
        "preset = \"us-federal\"\nstart = 2024-01-01\n\n[[exception]]\nid = \"EX-1\"\nproduct = \"kaspersky-endpoint-security\"\nuntil = 2030-01-01\nreason = \"lab\"\napproved_by = \"CISO\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    let child = dir.path().join("team/child.toml");
    std::fs::write(&child, "extends = \"../base.toml\"\nstart = 2025-06-01\n").unwrap();
    let p = Policy::from_file(&child, &catalog()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.start(), Some(day("2025-06-01")));
    assert_eq!(p.exceptions().len(), 1);
    assert_eq!(p.layers().len(), 3);
    assert!(p.selects("us-bod-17-01"));

    // The base's problem names the base.
    std::fs::write(&base, "acts = [\"us-bod-17-01\", \"nope\"]\n").unwrap();
    let e = Policy::from_file(&child, &catalog())
        .unwrap_err()
        .to_string();
    assert!(e.contains("base.toml:1: unknown act `nope`"), "{e}");

    // A duplicate exception id across the chain names the first.
    std::fs::write(
        &base,
        "[[exception]]\nid = \"EX-1\"\nvendor = \"kaspersky\"\nuntil = 2030-01-01\nreason = \"r\"\napproved_by = \"a\"\n",
    )
    .unwrap();
    std::fs::write(
        &child,
        "extends = \"../base.toml\"\n[[exception]]\nid = \"EX-1\"\nvendor = \"huawei\"\nuntil = 2030-01-01\nreason = \"r\"\napproved_by = \"a\"\n",
    )
    .unwrap();
    let e = Policy::from_file(&child, &catalog())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("child.toml:3: a second exception with id `EX-1` (the first is at ")
            && e.contains("base.toml:1)"),
        "{e}"
    );

    // A cycle.
    std::fs::write(&base, "extends = \"team/child.toml\"\n").unwrap();
    std::fs::write(&child, "extends = \"../base.toml\"\n").unwrap();
    let e = Policy::from_file(&child, &catalog())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("base.toml:1:") && e.contains("cannot build on itself"),
        "{e}"
    );

    // A missing base.
    std::fs::write(&child, "extends = \"../missing.toml\"\n").unwrap();
    let e = Policy::from_file(&child, &catalog())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("child.toml:1: cannot read `../missing.toml`"),
        "{e}"
    );
}

/// Every problem of every exception, each at its line, in one error.
#[test]
fn exception_errors_all_at_once() {
    let e = err(r#"acts = ["us-bod-17-01"]

[[exception]]
id = "EX-1"
product = "kaspersky-endpoint-security"
reason = "lab"
approved_by = "CISO"

[[exception]]
id = "EX-2"
vendor = "kaspersky"
until = "2026-01-01"
reason = "r"
approved_by = "a"

[[exception]]
id = "EX-3"
vendor = "huawei"
product = "kaspersky-endpoint-security"
until = 2026-01-01T10:00:00
reason = "r"
approved_by = "a"

[[exception]]
id = "EX-4"
until = 2026-01-01
reason = "r"
approved_by = "a"

[[exception]]
id = "EX-5"
vendor = "kasperski"
until = 2026-01-01
reason = ""
"#);
    let lines: Vec<&str> = e.lines().collect();
    let want = [
        "policy.toml:3: exception `EX-1` needs `until`",
        "policy.toml:12: `until` must be a TOML date, not the string \"2026-01-01\": write `until = 2027-03-31`",
        "policy.toml:19: product `kaspersky-endpoint-security` belongs to vendor `kaspersky`, not `huawei`",
        "policy.toml:20: `until` must be a date without a time",
        "policy.toml:24: an exception must say what it covers",
        "policy.toml:30: exception `EX-5` needs `reason`, `approved_by`",
        "policy.toml:32: unknown vendor `kasperski`",
    ];
    assert_eq!(lines.len(), want.len(), "{e}");
    for w in want {
        assert!(
            lines.iter().any(|l| l.starts_with(w)),
            "missing {w:?} in:\n{e}"
        );
    }
    // A malformed date is a syntax error at its line.
    let e = err("[[exception]]\nid = \"X\"\nvendor = \"kaspersky\"\nuntil = 2026-02-30\nreason = \"r\"\napproved_by = \"a\"\n");
    assert!(e.starts_with("policy.toml:4:"), "{e}");
    let e = err("start = 2026-13-01\n");
    assert!(e.starts_with("policy.toml:1:"), "{e}");
    let e = err("[[exception]]\nid = \"X\"\nvendor = \"kaspersky\"\nuntil = 2026-02-03\nreason = \"r\"\napproved_by = \"a\"\napprover = \"b\"\n");
    assert!(
        e.starts_with("policy.toml:7: unknown field `approver`"),
        "{e}"
    );
}

/// Active, expired and unmatched exceptions; item and host patterns; the best of two.
#[test]
fn exceptions_mark_findings() {
    let p = policy(
        r#"acts = ["us-bod-17-01"]

[[exception]]
id = "LAB"
product = "kaspersky-endpoint-security"
item = "KESL*"
host = "lab-*"
until = 2026-06-30
reason = "malware lab"
approved_by = "CISO"
reference = "CHG-1"

[[exception]]
id = "OLD"
vendor = "kaspersky"
until = 2025-01-31
reason = "migration"
approved_by = "CIO"

[[exception]]
id = "GONE"
vendor = "huawei"
until = 2030-01-01
reason = "switches"
approved_by = "CIO"
"#,
    );
    let today = day("2026-06-30");
    let mut findings = vec![
        judge(&p, "kesl", "2026-06-30"),
        judge(&p, "klnagent", "2026-06-30"),
    ];
    let warnings = p.apply_exceptions(&mut findings, Some("LAB-042"), today);
    let e0 = findings[0].exception.as_ref().unwrap();
    assert_eq!(
        (e0.id.as_str(), e0.state, e0.reference.as_deref()),
        ("LAB", ExceptionState::Active, Some("CHG-1"))
    );
    assert!(findings[0].is_excepted());
    let e1 = findings[1].exception.as_ref().unwrap();
    assert_eq!((e1.id.as_str(), e1.state), ("OLD", ExceptionState::Expired));
    assert!(!findings[1].is_excepted());
    let codes: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w.code, w.exception.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("exception-expired", "OLD"),
            ("exception-unmatched", "GONE")
        ]
    );
    assert!(warnings[0]
        .message
        .contains("expired on 2025-01-31: the 2 findings it covers count again"));
    assert!(
        warnings[1].message.contains("policy.toml:20"),
        "{}",
        warnings[1].message
    );

    // The day after `until`, LAB has expired too; on another host it does not apply.
    let mut later = vec![judge(&p, "kesl", "2026-07-01")];
    p.apply_exceptions(&mut later, Some("lab-042"), day("2026-07-01"));
    assert_eq!(
        later[0].exception.as_ref().unwrap().state,
        ExceptionState::Expired
    );
    let mut elsewhere = vec![judge(&p, "kesl", "2026-06-01")];
    p.apply_exceptions(&mut elsewhere, Some("ws-1"), day("2026-06-01"));
    assert_eq!(elsewhere[0].exception.as_ref().unwrap().id, "OLD");
    let mut no_host = vec![judge(&p, "kesl", "2026-06-01")];
    p.apply_exceptions(&mut no_host, None, day("2026-06-01"));
    assert_eq!(no_host[0].exception.as_ref().unwrap().id, "OLD");
}

/// `Policy::load` takes a preset name or a file path.
#[test]
fn load_name_or_path() {
    let catalog = catalog();
    let p = Policy::load(Path::new("au-government"), &catalog).unwrap();
    assert!(p.selects("au-pspf-direction-001-2025"));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.toml");
    std::fs::write(&f, "preset = \"lt-government\"\n").unwrap();
    assert!(Policy::load(&f, &catalog)
        .unwrap()
        .selects("lt-kaspersky-2017"));
    assert!(matches!(
        Policy::load(Path::new("nonsense"), &catalog),
        Err(PolicyError::UnknownPreset { .. })
    ));
    assert!(matches!(
        Policy::load(&dir.path().join("missing.toml"), &catalog),
        Err(PolicyError::Read { .. })
    ));
}
