//! The HTML report in a real browser: `proscribe scan --format html` on the fixtures, opened
//! in headless Chromium by `tests/browser/check_report.mjs` (playwright-core), which
//! reports what a person sees as JSON; these tests assert on it.
//!
//! Needs `/usr/bin/chromium` (Debian `chromium`), `node`, and `playwright-core` installed by
//! `scripts/test` under `$HOME/.cache/proscribe-browser` (or `PROSCRIBE_BROWSER_MODULES`).
//! When one is missing the tests fail under CI (`CI=true`) and are skipped with a printed
//! reason elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    root().join("crates/proscribe-collect/fixtures")
}

/// Where `playwright-core` is installed, if the browser tooling is complete; otherwise why not.
fn browser_tooling() -> Result<PathBuf, String> {
    let modules = std::env::var_os("PROSCRIBE_BROWSER_MODULES")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/proscribe-browser"))
        })
        .ok_or("neither PROSCRIBE_BROWSER_MODULES nor HOME is set")?;
    let chromium = std::env::var_os("PROSCRIBE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Err(format!("{} is not installed", chromium.display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node is not installed".into());
    }
    if !modules.join("node_modules/playwright-core").is_dir() {
        return Err(format!(
            "playwright-core is not installed under {}",
            modules.display()
        ));
    }
    Ok(modules)
}

/// The tooling, or `None` after printing why the test is skipped; under CI a missing
/// tool fails the test instead.
fn tooling_or_skip(test: &str) -> Option<PathBuf> {
    match browser_tooling() {
        Ok(m) => Some(m),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: the browser test cannot run under CI: {why} (scripts/test installs it)")
        }
        Err(why) => {
            eprintln!("{test}: skipped: {why} (run scripts/test to install it)");
            None
        }
    }
}

/// A folder under the target directory for this test's report and screenshots.
fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `proscribe scan --format html --lang en` from `cwd`; returns the exit code.
fn scan_html(cwd: &Path, args: &[&str], out: &Path) -> i32 {
    let status = Command::new(env!("CARGO_BIN_EXE_proscribe"))
        .current_dir(cwd)
        .env("PROSCRIBE_NOW", "2026-11-25T12:00:00Z")
        .env_remove("PROSCRIBE_CATALOG")
        .args(["scan", "--format", "html", "--lang", "en", "-o"])
        .arg(out)
        .args(args)
        .status()
        .unwrap();
    status.code().unwrap_or(-1)
}

/// Opens `report` in Chromium and returns what the checker saw.
fn check(modules: &Path, report: &Path, shot: &Path) -> Value {
    let out = Command::new("node")
        .arg(root().join("tests/browser/check_report.mjs"))
        .arg(report)
        .arg(shot)
        .env("PROSCRIBE_BROWSER_MODULES", modules)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "checker failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!("checker output is not JSON ({e}): {stdout}");
    });
    assert!(
        seen["failure"].is_null(),
        "browser check failed: {}",
        seen["failure"]
    );
    seen
}

/// The item name in the item cell (the kind follows it).
fn first_word(cell: &str) -> &str {
    cell.split_whitespace().next().unwrap_or_default()
}

fn texts(rows: &Value) -> Vec<Vec<String>> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

/// The fixture report in Chromium: title, summary, the kesl row with its act and overdue
/// deadline, sorting, filtering, details, print layout, no JavaScript, and not a single
/// network request or console error.
#[test]
fn html_report_in_chromium() {
    let Some(modules) = tooling_or_skip("html_report_in_chromium") else {
        return;
    };
    let dir = out_dir("html-browser");
    let report = dir.join("report.html");
    let code = scan_html(
        &fixtures(),
        &[
            "dpkg/status",
            "roots/debian",
            "roots/fedora",
            "roots/alpine",
            "roots/arch",
            "roots/centos7",
            "missing/status",
        ],
        &report,
    );
    assert_eq!(code, 2, "an unreadable input makes exit code 2");
    let seen = check(&modules, &report, &dir.join("report.png"));
    eprintln!(
        "html_report_in_chromium: load to interactive {} ms; screenshots in {}",
        seen["loadToInteractiveMs"],
        dir.display()
    );

    assert!(
        seen["title"]
            .as_str()
            .unwrap()
            .starts_with("proscribe report"),
        "{}",
        seen["title"]
    );
    let cards = &seen["cards"];
    assert_eq!(cards["findings"], 12);
    assert_eq!(cards["banned"], 12);
    assert_eq!(cards["restricted"], 0);
    assert_eq!(cards["overdue"], 12);
    assert_eq!(cards["items"], 112);
    assert_eq!(cards["errors"], 1);
    let charts: Vec<&str> = seen["charts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        charts,
        [
            "chart-status",
            "chart-vendor",
            "chart-act",
            "chart-deadlines"
        ]
    );
    assert!(
        seen["charts"][3]["bars"].as_u64().unwrap() >= 1,
        "a deadline point"
    );
    assert_eq!(seen["shown"], "Showing 1–12 of 12 (12 in total)");
    assert_eq!(
        seen["errorsSection"][0],
        "missing/status: no such file or directory"
    );

    let rows = texts(&seen["rows"]);
    assert_eq!(rows.len(), 12);
    let kesl = rows
        .iter()
        .find(|r| first_word(&r[3]) == "kesl" && r[5].starts_with("dpkg/status"))
        .expect("a row for kesl from dpkg/status");
    assert!(kesl[0].contains("BANNED"), "{kesl:?}");
    assert_eq!(kesl[1], "AO Kaspersky Lab");
    assert!(kesl[6].starts_with("us-bod-17-01"), "{kesl:?}");
    assert_eq!(kesl[7], "remove by 2017-12-12 (us-bod-17-01) OVERDUE");

    // Sorting by "Where" reorders the rows (numbers in natural order, so line 984 comes
    // before line 1012); a second click reverses them.
    let where_col = |rows: &[Vec<String>]| rows.iter().map(|r| r[5].clone()).collect::<Vec<_>>();
    let before = where_col(&rows);
    let sorted = where_col(&texts(&seen["sortedByWhere"]));
    assert_ne!(sorted, before, "sorting changes the order");
    assert_eq!(
        sorted[..4],
        [
            "dpkg/status, line 984",
            "dpkg/status, line 997",
            "dpkg/status, line 1012",
            "roots/arch/var/lib/pacman/local/kesl-12.1.0.1297-1/desc"
        ]
    );
    let (mut a, mut b) = (sorted.clone(), before.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same rows");
    assert_eq!(seen["ariaSortWhere"], "ascending");
    let mut desc = where_col(&texts(&seen["sortedByWhereDesc"]));
    desc.reverse();
    assert_eq!(desc, sorted);

    // Filtering hides rows.
    let filtered = texts(&seen["filteredText"]);
    assert_eq!(filtered.len(), 5);
    assert!(filtered.iter().all(|r| first_word(&r[3]) == "klnagent64"));
    assert_eq!(seen["filteredRestricted"].as_array().unwrap().len(), 0);
    assert_eq!(seen["noMatchVisible"], true);
    assert_eq!(seen["filteredOverdue"], 12);

    // Details: evidence, acts with links and dates.
    let details = &seen["details"];
    assert_eq!(details["visible"], true);
    let text = details["text"].as_str().unwrap();
    assert!(text.contains("package = kesl"), "{text}");
    assert!(
        text.contains("Binding Operational Directive 17-01") && text.contains("2017-09-13"),
        "{text}"
    );
    assert!(details["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l.as_str().unwrap().starts_with("http")));
    assert!(details["links"].as_array().unwrap().len() >= 5);

    // Print: no controls, every row with its details.
    let print = &seen["print"];
    assert_eq!(print["controlsVisible"], false);
    assert_eq!(print["pagerVisible"], false);
    assert_eq!(print["rows"], 12);
    assert_eq!(print["detailsVisible"], 12);

    // Without JavaScript: summary, charts and the plain table.
    let nojs = &seen["noScript"];
    assert_eq!(nojs["cards"], 7);
    assert_eq!(nojs["charts"], 4);
    assert_eq!(nojs["rows"], 12);
    assert_eq!(nojs["appHidden"], true);
    assert!(nojs["firstRow"].as_str().unwrap().contains("OVERDUE"));

    // Self-contained and clean.
    assert_eq!(seen["requests"], Value::Array(vec![]), "network requests");
    assert_eq!(seen["blocked"], Value::Array(vec![]));
    assert_eq!(nojs["requests"], Value::Array(vec![]));
    assert_eq!(seen["consoleErrors"], Value::Array(vec![]));
    assert_eq!(seen["injected"], false);
    assert!(dir.join("report.png").metadata().unwrap().len() > 10_000);
}

/// Hostile names (markup, a script end tag, control characters, right-to-left overrides,
/// a 3,000-character name) neither run as code nor break the layout.
#[test]
fn html_report_with_hostile_names_in_chromium() {
    let Some(modules) = tooling_or_skip("html_report_with_hostile_names_in_chromium") else {
        return;
    };
    let dir = out_dir("html-browser-hostile");
    let status = dir.join("status");
    let long = "x".repeat(3000);
    std::fs::write(
        &status,
        format!(
            "Package: <img src=x onerror=window.pwned=1>{long}\nStatus: install ok installed\n\
             Maintainer: AO Kaspersky Lab <support@kaspersky.com>\nArchitecture: amd64\n\
             Version: 1</script><script>window.pwned=1</script>\u{1}\u{1b}[31m\n\
             Description: hostile\n\n\
             Package: kesl\nStatus: install ok installed\n\
             Maintainer: AO Kaspersky Lab \u{202e}evil\u{202c} שלום עולם مرحبا\n\
             Architecture: amd64\nVersion: 12.1.0.1297\nDescription: rtl\n"
        ),
    )
    .unwrap();
    let report = dir.join("report.html");
    assert_eq!(scan_html(&dir, &["--type", "dpkg", "status"], &report), 1);
    let html = std::fs::read_to_string(&report).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        3,
        "only the two data blocks and the page script"
    );
    assert!(!html.contains("<img"), "markup from data is escaped");
    assert!(!html.contains('\u{1}') && !html.contains('\u{1b}'));

    let seen = check(&modules, &report, &dir.join("report.png"));
    assert_eq!(seen["injected"], false);
    assert_eq!(seen["dialogs"], Value::Array(vec![]));
    assert_eq!(seen["consoleErrors"], Value::Array(vec![]));
    assert_eq!(seen["requests"], Value::Array(vec![]));
    assert_eq!(seen["cards"]["findings"], 2);
    let layout = &seen["layout"];
    assert!(
        layout["scrollWidth"].as_u64() <= layout["clientWidth"].as_u64(),
        "the page does not scroll sideways: {layout}"
    );
    let rows = texts(&seen["rows"]);
    let hostile = rows
        .iter()
        .find(|r| r[3].starts_with("<img"))
        .expect("the hostile name is shown as text");
    assert!(hostile[4].contains("</script>") && hostile[4].contains('\u{2401}'));
}

/// A policy with exceptions: active ones mark their findings "excepted" (the findings stay
/// listed), an expired one says so in the row and in a warning, and an unmatched one is a
/// warning on the page.
#[test]
fn html_report_with_exceptions_in_chromium() {
    let Some(modules) = tooling_or_skip("html_report_with_exceptions_in_chromium") else {
        return;
    };
    let dir = out_dir("html-browser-exceptions");
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        r#"preset = "us-federal"

[[exception]]
id = "EX-LAB"
vendor = "kaspersky"
item = "kesl*"
until = 2027-03-31
reason = "Malware-analysis lab"
approved_by = "CISO"
reference = "CHG-20260114-7"

[[exception]]
id = "EX-OLD"
product = "kaspersky-security-center"
until = 2026-06-30
reason = "Migration"
approved_by = "CIO"

[[exception]]
id = "EX-GONE"
vendor = "huawei"
until = 2027-01-01
reason = "Switches being replaced"
approved_by = "CIO"
"#,
    )
    .unwrap();
    let report = dir.join("report.html");
    let policy_arg = policy.to_str().unwrap();
    let code = scan_html(
        &fixtures(),
        &["--policy", policy_arg, "dpkg/status"],
        &report,
    );
    assert_eq!(
        code, 1,
        "the expired exception's finding still fails the scan"
    );
    let seen = check(&modules, &report, &dir.join("report.png"));
    assert_eq!(seen["cards"]["findings"], 3);
    assert_eq!(seen["cards"]["excepted"], 2);
    let rows = texts(&seen["rows"]);
    let status_of = |name: &str| {
        rows.iter()
            .find(|r| first_word(&r[3]) == name)
            .map(|r| r[0].clone())
            .unwrap_or_else(|| panic!("a row for {name}: {rows:?}"))
    };
    assert!(status_of("kesl").ends_with("excepted"), "{rows:?}");
    assert!(status_of("kesl-gui").ends_with("excepted"), "{rows:?}");
    assert!(
        status_of("klnagent64").ends_with("exception expired"),
        "{rows:?}"
    );
    let warnings = seen["warningsSection"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    let warning = |code: &str| {
        warnings
            .iter()
            .filter_map(Value::as_str)
            .find(|w| w.starts_with(code))
            .unwrap_or_else(|| panic!("a {code} warning: {warnings:?}"))
    };
    assert!(warning("exception-expired").contains("EX-OLD"));
    assert!(warning("exception-unmatched").contains("EX-GONE"));
    assert_eq!(seen["consoleErrors"], Value::Array(vec![]));
    assert_eq!(seen["requests"], Value::Array(vec![]));
}
