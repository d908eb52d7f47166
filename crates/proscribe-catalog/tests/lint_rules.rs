//! Each lint rule fires on a catalog that breaks it, and names the file.

use std::fs;

use proscribe_catalog::{lint, Catalog};

fn catalog_with(vendor: &str) -> Result<Catalog, proscribe_catalog::LoadError> {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("acts")).unwrap();
    fs::create_dir_all(dir.path().join("vendors")).unwrap();
    fs::write(
        dir.path().join("catalog.toml"),
        "version = \"2026.01.01\"\nschema = 1\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("acts/test-act.toml"),
        r#"id = "test-act"
title = "Test Act"
issuer = "Test"
jurisdiction = "XX"
date = 2020-01-01
binding = true
url = "https://example.org/act"
quote = "Shall not be used."
deadlines = { remove = "90d" }
"#,
    )
    .unwrap();
    fs::write(dir.path().join("vendors/acme.toml"), vendor).unwrap();
    Catalog::load_dir(dir.path())
}

fn codes(vendor: &str) -> Vec<&'static str> {
    let catalog = catalog_with(vendor).expect("loads");
    lint(&catalog).into_iter().map(|d| d.code).collect()
}

const GOOD: &str = r#"id = "acme"
name = "ACME Ltd"
aliases = ["ACME"]
sources = ["https://example.org/acme"]
acts = [{ id = "test-act", status = "banned" }]
[[products]]
id = "acme-av"
name = "ACME AV"
[[products.signatures]]
field = "package"
value = "acme-av"
source = "https://example.org/acme-av"
"#;

/// A well-formed vendor lints clean.
#[test]
fn good_vendor_is_clean() {
    assert!(codes(GOOD).is_empty(), "{:?}", codes(GOOD));
}

/// Unknown keys are rejected at load time with the file and line.
#[test]
fn unknown_key_is_a_load_error_with_line() {
    let err =
        catalog_with(&GOOD.replace("name = \"ACME AV\"", "name = \"ACME AV\"\nnmae = \"typo\""))
            .unwrap_err();
    let (file, line, msg) = &err.problems[0];
    assert_eq!(file, "vendors/acme.toml");
    assert_eq!(*line, Some(9));
    assert!(msg.contains("nmae"), "{msg}");
}

/// A signature without a usable source, an unknown act, a bad regex, a hand-typed MAC,
/// a non-kebab id and an unknown field are each reported.
#[test]
fn each_rule_fires() {
    assert_eq!(
        codes(&GOOD.replace("source = \"https://example.org/acme-av\"", "source = \"\"")),
        ["missing-source"]
    );
    assert_eq!(
        codes(&GOOD.replace(
            "source = \"https://example.org/acme-av\"",
            "source = \"a blog\""
        )),
        ["bad-source"]
    );
    assert_eq!(
        codes(&GOOD.replace("id = \"test-act\"", "id = \"no-such-act\"")),
        ["unknown-act"]
    );
    assert_eq!(
        codes(&GOOD.replace("id = \"acme-av\"", "id = \"Acme_AV\"")),
        ["bad-id"]
    );
    assert_eq!(
        codes(&GOOD.replace(
            "value = \"acme-av\"",
            "value = \"acme(\"\nmatch = \"regex\""
        )),
        ["bad-regex"]
    );
    assert_eq!(
        codes(&GOOD.replace("field = \"package\"", "field = \"mac\"")),
        ["hand-typed-registry-value"]
    );
    assert_eq!(
        codes(&GOOD.replace("field = \"package\"", "field = \"colour\"")),
        ["unknown-field"]
    );
}
