//! The built-in catalog loads and passes every lint rule.

use proscribe_catalog::{lint, Catalog};

/// Every file of the embedded catalog parses, and the linter finds nothing.
#[test]
fn builtin_catalog_lints_clean() {
    let catalog =
        Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog does not load:\n{e}"));
    let diags = lint(&catalog);
    let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert!(
        diags.is_empty(),
        "catalog lint found problems:\n{}",
        text.join("\n")
    );
}

/// The vendor ids are exactly the ones the project committed to.
#[test]
fn builtin_catalog_has_the_committed_vendors() {
    let catalog = Catalog::builtin().expect("loads");
    let ids: Vec<&str> = catalog.vendors.iter().map(|v| v.id.as_str()).collect();
    let mut want = vec![
        "kaspersky",
        "huawei",
        "zte",
        "hytera",
        "hikvision",
        "dahua",
        "bytedance",
        "deepseek",
        "dji",
        "autel",
        "china-mobile",
        "china-telecom",
        "china-unicom",
        "pacific-networks",
        "telegram",
        "tencent",
    ];
    want.sort_unstable();
    assert_eq!(ids, want);
}

/// BOD 17-01 carries its 30/60/90-day deadlines and the EP resolution its date.
#[test]
fn key_acts_are_dated() {
    let catalog = Catalog::builtin().expect("loads");
    let bod = &catalog.acts["us-bod-17-01"];
    assert_eq!(bod.date.to_string(), "2017-09-13");
    let d = bod.deadlines.as_ref().expect("BOD 17-01 has deadlines");
    assert_eq!(
        (
            d.identify.as_deref(),
            d.plan.as_deref(),
            d.remove.as_deref()
        ),
        (Some("30d"), Some("60d"), Some("90d"))
    );
    assert_eq!(
        catalog.acts["eu-ep-2018-0258"].date.to_string(),
        "2018-06-13"
    );
}
