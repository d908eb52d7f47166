//! `Policy::judge` and policy files against a small catalog written to a temp dir.
//!
//! The acts carry their real dates, deadlines and sources so the expected deadlines are
//! the real ones (BOD 17-01: identify by 2017-10-13, plan by 2017-11-12, remove by
//! 2017-12-12).

use std::path::Path;

use chrono::NaiveDate;
use proscribe_catalog::{Catalog, MatchKind, Status};
use proscribe_match::{Evidence, Match};
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};
use proscribe_policy::{DeadlineKind, Policy, PolicyError};

const BOD: &str = r#"
id = "us-bod-17-01"
title = "Binding Operational Directive 17-01: Removal of Kaspersky-branded Products"
issuer = "US Department of Homeland Security"
jurisdiction = "US-federal"
date = 2017-09-13
binding = true
url = "https://www.cisa.gov/news-events/directives/bod-17-01-removal-kaspersky-branded-products"
quote = "Within 90 calendar days after issuance of this directive, and unless directed otherwise by DHS based on new information, to begin to remove Kaspersky-branded products"
deadlines = { identify = "30d", plan = "60d", remove = "90d" }
"#;

const EP: &str = r#"
id = "eu-ep-2018-0258"
title = "European Parliament resolution of 13 June 2018 on cyber defence (2018/2004(INI))"
issuer = "European Parliament"
jurisdiction = "EU-institutions"
date = 2018-06-13
binding = false
url = "https://www.europarl.europa.eu/doceo/document/TA-8-2018-0258_EN.html"
quote = "calls on the EU to ... exclude programmes and devices that have been confirmed as malicious, and to ban the ones that have been confirmed as malicious, such as Kaspersky Lab"
"#;

const NDAA: &str = r#"
id = "us-ndaa-2019-889"
title = "John S. McCain National Defense Authorization Act for Fiscal Year 2019, Section 889"
issuer = "US Congress"
jurisdiction = "US-federal"
date = 2018-08-13
binding = true
url = "https://www.congress.gov/bill/115th-congress/house-bill/5515/text"
quote = "The head of an executive agency may not procure or obtain ... any equipment, system, or service that uses covered telecommunications equipment or services"
"#;

const KASPERSKY: &str = r#"
id = "kaspersky"
name = "AO Kaspersky Lab"
sources = ["https://www.kaspersky.com/about/company"]
acts = [{ id = "us-bod-17-01", status = "banned" }, { id = "eu-ep-2018-0258", status = "banned" }]

[[products]]
id = "kaspersky-endpoint-security"
name = "Kaspersky Endpoint Security"
[[products.signatures]]
field = "package"
value = "kesl"
source = "https://support.kaspersky.com/KES4Linux/12.1/en-US/197979.htm"

[[products]]
id = "kaspersky-password-manager"
name = "Kaspersky Password Manager"
"#;

const HUAWEI: &str = r#"
id = "huawei"
name = "Huawei Technologies Co., Ltd."
sources = ["https://www.huawei.com/en/corporate-information"]
acts = [{ id = "us-ndaa-2019-889", status = "banned", kinds = ["network-device", "usb-device", "pci-device"] }]

[[products]]
id = "huawei-appgallery"
name = "Huawei AppGallery"
acts = [{ id = "eu-ep-2018-0258", status = "review" }]
"#;

const QUIET: &str = r#"
id = "quietco"
name = "Quiet Co"
sources = ["https://example.org/quietco"]
"#;

fn catalog() -> Catalog {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("acts")).unwrap();
    std::fs::create_dir_all(root.join("vendors")).unwrap();
    std::fs::write(
        root.join("catalog.toml"),
        "version = \"2026.11.25\"\nschema = 1\n",
    )
    .unwrap();
    for (name, text) in [
        ("us-bod-17-01", BOD),
        ("eu-ep-2018-0258", EP),
        ("us-ndaa-2019-889", NDAA),
    ] {
        std::fs::write(root.join("acts").join(format!("{name}.toml")), text).unwrap();
    }
    for (name, text) in [
        ("kaspersky", KASPERSKY),
        ("huawei", HUAWEI),
        ("quietco", QUIET),
    ] {
        std::fs::write(root.join("vendors").join(format!("{name}.toml")), text).unwrap();
    }
    Catalog::load_dir(root).unwrap_or_else(|e| panic!("test catalog: {e}"))
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kesl() -> Item {
    let mut item = Item::new(
        ItemKind::Package,
        "kesl",
        Location {
            target: "dpkg-status".into(),
            collector: "dpkg".into(),
            path: "dpkg-status".into(),
            detail: Some("line 20431".into()),
        },
    );
    item.version = Some("12.1.0-1268".into());
    item.identifiers.push(Identifier::package("deb", "kesl"));
    item
}

fn kesl_match() -> Match {
    Match {
        vendor: "kaspersky".into(),
        product: Some("kaspersky-endpoint-security".into()),
        entity: None,
        evidence: vec![Evidence {
            field: "package".into(),
            value: "kesl".into(),
            signature: "kaspersky-endpoint-security#0".into(),
            source: "https://support.kaspersky.com/KES4Linux/12.1/en-US/197979.htm".into(),
            how: MatchKind::Exact,
        }],
    }
}

fn vendor_match(vendor: &str, product: Option<&str>) -> Match {
    Match {
        vendor: vendor.into(),
        product: product.map(Into::into),
        entity: None,
        evidence: Vec::new(),
    }
}

fn policy(text: &str, catalog: &Catalog) -> Policy {
    Policy::from_toml(text, Path::new("policy.toml"), catalog).unwrap_or_else(|e| panic!("{e}"))
}

fn policy_err(text: &str, catalog: &Catalog) -> String {
    match Policy::from_toml(text, Path::new("policy.toml"), catalog) {
        Ok(p) => panic!("expected an error, got {p:?}"),
        Err(e) => e.to_string(),
    }
}

/// The contract example: kesl from dpkg is banned by BOD 17-01 and the EP resolution, and
/// the BOD's removal deadline is long overdue.
#[test]
fn kesl_is_banned_with_overdue_removal() {
    let catalog = catalog();
    let f = Policy::all()
        .judge(&catalog, &kesl_match(), &kesl(), day("2026-11-25"))
        .unwrap();
    assert_eq!(f.status, Status::Banned);
    assert_eq!(f.vendor.name, "AO Kaspersky Lab");
    assert_eq!(
        f.product.as_ref().unwrap().name,
        "Kaspersky Endpoint Security"
    );
    let acts: Vec<(&str, Status, Option<NaiveDate>)> = f
        .acts
        .iter()
        .map(|a| (a.id.as_str(), a.status, a.date))
        .collect();
    assert_eq!(
        acts,
        [
            ("us-bod-17-01", Status::Banned, Some(day("2017-09-13"))),
            ("eu-ep-2018-0258", Status::Banned, Some(day("2018-06-13"))),
        ]
    );
    let d = f.deadline.unwrap();
    assert_eq!(
        (d.act.as_str(), d.kind, d.date, d.overdue),
        (
            "us-bod-17-01",
            DeadlineKind::Remove,
            day("2017-12-12"),
            true
        )
    );
    assert_eq!(f.exception, None);
    assert_eq!(f.evidence, kesl_match().evidence);
    assert_eq!(f.location, kesl().location);
}

/// The deadline is the earliest one not yet passed; a deadline due today is not overdue.
#[test]
fn deadline_is_next_not_yet_passed() {
    let catalog = catalog();
    let at = |today: &str| {
        let d = Policy::all()
            .judge(&catalog, &kesl_match(), &kesl(), day(today))
            .unwrap()
            .deadline
            .unwrap();
        (d.kind, d.date, d.overdue)
    };
    assert_eq!(
        at("2017-09-13"),
        (DeadlineKind::Identify, day("2017-10-13"), false)
    );
    assert_eq!(
        at("2017-10-13"),
        (DeadlineKind::Identify, day("2017-10-13"), false)
    );
    assert_eq!(
        at("2017-10-14"),
        (DeadlineKind::Plan, day("2017-11-12"), false)
    );
    assert_eq!(
        at("2017-12-12"),
        (DeadlineKind::Remove, day("2017-12-12"), false)
    );
    assert_eq!(
        at("2017-12-13"),
        (DeadlineKind::Remove, day("2017-12-12"), true)
    );
}

/// Acts without deadlines give no deadline.
#[test]
fn no_deadline_without_deadlines() {
    let catalog = catalog();
    let p = policy(r#"acts = ["eu-ep-2018-0258"]"#, &catalog);
    let f = p
        .judge(&catalog, &kesl_match(), &kesl(), day("2026-11-25"))
        .unwrap();
    assert_eq!(f.deadline, None);
    assert_eq!(f.acts.len(), 1);
}

/// An act limited to equipment kinds does not cover a software package of the vendor.
#[test]
fn act_kinds_filter_items() {
    let catalog = catalog();
    let m = vendor_match("huawei", None);
    let package = Item::new(ItemKind::Package, "huawei-something", Location::default());
    assert_eq!(
        Policy::all().judge(&catalog, &m, &package, day("2026-11-25")),
        None
    );
    let router = Item::new(ItemKind::NetworkDevice, "10.0.0.1", Location::default());
    let f = Policy::all()
        .judge(&catalog, &m, &router, day("2026-11-25"))
        .unwrap();
    assert_eq!(f.status, Status::Banned);
    assert_eq!(
        f.acts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["us-ndaa-2019-889"]
    );
}

/// A product's own act adds to the vendor's; the strongest status wins and comes first.
#[test]
fn strongest_status_wins() {
    let catalog = catalog();
    let app = Item::new(ItemKind::MobileApp, "AppGallery", Location::default());
    let m = vendor_match("huawei", Some("huawei-appgallery"));
    let f = Policy::all()
        .judge(&catalog, &m, &app, day("2026-11-25"))
        .unwrap();
    // The NDAA ban covers only equipment, so the app is left with the review status.
    assert_eq!(f.status, Status::Review);
    let device = Item::new(ItemKind::UsbDevice, "12d1:1506", Location::default());
    let f = Policy::all()
        .judge(&catalog, &m, &device, day("2026-11-25"))
        .unwrap();
    assert_eq!(f.status, Status::Banned);
    assert_eq!(
        f.acts
            .iter()
            .map(|a| (a.id.as_str(), a.status))
            .collect::<Vec<_>>(),
        [
            ("us-ndaa-2019-889", Status::Banned),
            ("eu-ep-2018-0258", Status::Review)
        ]
    );
}

/// A vendor no act covers, or one the catalog does not have, gives no finding.
#[test]
fn no_act_no_finding() {
    let catalog = catalog();
    let item = Item::new(ItemKind::Application, "Quiet", Location::default());
    assert_eq!(
        Policy::all().judge(
            &catalog,
            &vendor_match("quietco", None),
            &item,
            day("2026-11-25")
        ),
        None
    );
    assert_eq!(
        Policy::all().judge(
            &catalog,
            &vendor_match("nobody", None),
            &item,
            day("2026-11-25")
        ),
        None
    );
}

/// Selecting acts by id or jurisdiction leaves out the others.
#[test]
fn selection_by_act_and_jurisdiction() {
    let catalog = catalog();
    let today = day("2026-11-25");
    let eu = policy(r#"jurisdictions = ["EU-institutions"]"#, &catalog);
    let f = eu.judge(&catalog, &kesl_match(), &kesl(), today).unwrap();
    assert_eq!(
        f.acts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["eu-ep-2018-0258"]
    );
    assert!(eu.selects("eu-ep-2018-0258") && !eu.selects("us-bod-17-01"));

    let us = policy(r#"jurisdictions = ["US-federal"]"#, &catalog);
    let app = Item::new(ItemKind::MobileApp, "AppGallery", Location::default());
    assert_eq!(
        us.judge(
            &catalog,
            &vendor_match("huawei", Some("huawei-appgallery")),
            &app,
            today
        ),
        None
    );

    let union = policy(
        "acts = [\"eu-ep-2018-0258\"]\njurisdictions = [\"US-federal\"]",
        &catalog,
    );
    assert!(
        union.selects("eu-ep-2018-0258")
            && union.selects("us-bod-17-01")
            && union.selects("us-ndaa-2019-889")
    );
}

/// Overrides: product beats vendor, an act-specific one beats an all-acts one.
#[test]
fn overrides_by_specificity() {
    let catalog = catalog();
    let today = day("2026-11-25");
    let text = r#"
[[override]]
vendor = "kaspersky"
status = "review"

[[override]]
vendor = "kaspersky"
act = "us-bod-17-01"
status = "restricted"
"#;
    let p = policy(text, &catalog);
    let f = p.judge(&catalog, &kesl_match(), &kesl(), today).unwrap();
    assert_eq!(f.status, Status::Restricted);
    assert_eq!(
        f.acts
            .iter()
            .map(|a| (a.id.as_str(), a.status))
            .collect::<Vec<_>>(),
        [
            ("us-bod-17-01", Status::Restricted),
            ("eu-ep-2018-0258", Status::Review)
        ]
    );

    let text = format!(
        "{text}\n[[override]]\nproduct = \"kaspersky-endpoint-security\"\nstatus = \"banned\"\n"
    );
    let p = policy(&text, &catalog);
    let f = p.judge(&catalog, &kesl_match(), &kesl(), today).unwrap();
    assert_eq!(f.status, Status::Banned);
    assert!(f.acts.iter().all(|a| a.status == Status::Banned));
    // Another product of the vendor keeps the vendor overrides.
    let kpm = Item::new(
        ItemKind::Application,
        "Kaspersky Password Manager",
        Location::default(),
    );
    let f = p
        .judge(
            &catalog,
            &vendor_match("kaspersky", Some("kaspersky-password-manager")),
            &kpm,
            today,
        )
        .unwrap();
    assert_eq!(f.status, Status::Restricted);
}

/// The finding id is stable, and differs when the product or the location differs.
#[test]
fn finding_id_is_stable_and_distinct() {
    let catalog = catalog();
    let today = day("2026-11-25");
    let id = |m: &Match, item: &Item| Policy::all().judge(&catalog, m, item, today).unwrap().id;
    let a = id(&kesl_match(), &kesl());
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(a, id(&kesl_match(), &kesl()));
    let mut moved = kesl();
    moved.location.detail = Some("line 99".into());
    assert_ne!(a, id(&kesl_match(), &moved));
    let mut no_detail = kesl();
    no_detail.location.detail = None;
    assert_ne!(a, id(&kesl_match(), &no_detail));
    assert_ne!(a, id(&vendor_match("kaspersky", None), &kesl()));
    // Evidence is not identity: the same item found by another signature is the same finding.
    assert_eq!(
        a,
        id(
            &vendor_match("kaspersky", Some("kaspersky-endpoint-security")),
            &kesl()
        )
    );
}

/// The finding serializes to the report contract's shape.
#[test]
fn finding_json_shape() {
    let catalog = catalog();
    let f = Policy::all()
        .judge(&catalog, &kesl_match(), &kesl(), day("2026-11-25"))
        .unwrap();
    let v = serde_json::to_value(&f).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "id",
        "status",
        "vendor",
        "product",
        "entity",
        "item",
        "evidence",
        "acts",
        "deadline",
        "exception",
        "location",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(v["status"], "banned");
    assert_eq!(v["exception"], serde_json::Value::Null);
    assert_eq!(v["item"]["publisher"], serde_json::Value::Null);
    assert_eq!(v["item"]["identifiers"][0]["type"], "package");
    assert_eq!(v["acts"][0]["date"], "2017-09-13");
    assert_eq!(v["evidence"][0]["match"], "exact");
    assert_eq!(
        v["deadline"],
        serde_json::json!({"act": "us-bod-17-01", "kind": "remove", "date": "2017-12-12", "overdue": true, "counted_from": "2017-09-13"})
    );
    assert_eq!(f.item.identifiers[0].kind, IdentifierKind::Package);
}

/// A syntax or shape error names the file and line.
#[test]
fn policy_toml_errors_have_lines() {
    let catalog = catalog();
    let err = policy_err("acts = [\"us-bod-17-01\"]\n\n[[override]]\nvendor = \"kaspersky\"\nstatus = \"forbidden\"\n", &catalog);
    assert!(
        err.starts_with("policy.toml:5: unknown variant `forbidden`"),
        "{err}"
    );
    let err = policy_err("acts = [\"us-bod-17-01\"]\nexceptions = []\n", &catalog);
    assert!(
        err.starts_with("policy.toml:2: unknown field `exceptions`"),
        "{err}"
    );
    let err = policy_err("acts = [\"us-bod-17-01\"\n", &catalog);
    assert!(
        err.starts_with("policy.toml:1:") || err.starts_with("policy.toml:2:"),
        "{err}"
    );
}

/// Unknown ids are all reported at once, each with its line and the known ids.
#[test]
fn policy_unknown_ids_listed() {
    let catalog = catalog();
    let text = r#"acts = ["us-bod-17-01", "us-bod-17-02"]
jurisdictions = ["US-Federal"]

[[override]]
vendor = "kasperski"
status = "review"

[[override]]
product = "kes"
status = "review"
"#;
    let err = policy_err(text, &catalog);
    assert_eq!(
        err,
        "policy.toml:1: unknown act `us-bod-17-02`; known acts: `eu-ep-2018-0258`, `us-bod-17-01`, `us-ndaa-2019-889`\n\
         policy.toml:2: unknown jurisdiction `US-Federal`; known jurisdictions: `EU-institutions`, `US-federal`\n\
         policy.toml:5: unknown vendor `kasperski`; known vendors: `huawei`, `kaspersky`, `quietco`\n\
         policy.toml:9: unknown product `kes`; known products: `huawei-appgallery`, `kaspersky-endpoint-security`, `kaspersky-password-manager`"
    );
}

/// Overrides that could never apply are errors, not silent no-ops.
#[test]
fn policy_useless_overrides_rejected() {
    let catalog = catalog();
    let err = policy_err(
        "[[override]]\nvendor = \"kaspersky\"\nact = \"us-ndaa-2019-889\"\nstatus = \"review\"\n",
        &catalog,
    );
    assert!(
        err.starts_with("policy.toml:3: act `us-ndaa-2019-889` does not cover vendor `kaspersky`"),
        "{err}"
    );
    let err = policy_err(
        "[[override]]\nvendor = \"quietco\"\nstatus = \"review\"\n",
        &catalog,
    );
    assert!(err.contains("no act covers vendor `quietco`"), "{err}");
    let err = policy_err(
        "acts = [\"eu-ep-2018-0258\"]\n[[override]]\nvendor = \"kaspersky\"\nact = \"us-bod-17-01\"\nstatus = \"review\"\n",
        &catalog,
    );
    assert!(
        err.starts_with("policy.toml:4: act `us-bod-17-01` is not selected"),
        "{err}"
    );
    let err = policy_err("[[override]]\nvendor = \"kaspersky\"\nproduct = \"kaspersky-endpoint-security\"\nstatus = \"review\"\n", &catalog);
    assert!(err.contains("either a `vendor` or a `product`"), "{err}");
    let err = policy_err("[[override]]\nstatus = \"review\"\n", &catalog);
    assert!(err.contains("needs a `vendor` or a `product`"), "{err}");
    let err = policy_err(
        "[[override]]\nvendor = \"kaspersky\"\nstatus = \"review\"\n[[override]]\nvendor = \"kaspersky\"\nstatus = \"banned\"\n",
        &catalog,
    );
    assert!(
        err.contains(
            "a second override for vendor `kaspersky` under every act (the first is on line"
        ),
        "{err}"
    );
    let err = policy_err("acts = []\n", &catalog);
    assert!(
        err.starts_with("policy.toml:1: the policy selects no act"),
        "{err}"
    );
}

/// A missing file is a read error naming the path.
#[test]
fn policy_file_read_error() {
    let catalog = catalog();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.toml");
    let err = Policy::from_file(&path, &catalog).unwrap_err();
    assert!(matches!(err, PolicyError::Read { .. }));
    assert!(err.to_string().contains("missing.toml"), "{err}");
    std::fs::write(&path, "jurisdictions = [\"US-federal\"]\n").unwrap();
    assert!(Policy::from_file(&path, &catalog)
        .unwrap()
        .selects("us-bod-17-01"));
}
