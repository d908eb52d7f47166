//! The matcher against a small catalog written by the test: every comparison kind, the
//! ownership dates, the merging rules and the compile errors.

use std::path::Path;

use proscribe_catalog::{Catalog, MatchKind};
use proscribe_match::{CompileError, Match, Matcher};
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

const CATALOG_TOML: &str = "version = \"2026.11.25\"\nschema = 1\n";

const ACT: &str = r#"
id = "us-bod-17-01"
title = "Binding Operational Directive 17-01: Removal of Kaspersky-branded Products"
issuer = "US Department of Homeland Security"
jurisdiction = "US-federal"
date = 2017-09-13
binding = true
url = "https://www.cisa.gov/news-events/directives/bod-17-01-removal-kaspersky-branded-products"
quote = "remove Kaspersky-branded products"
"#;

const KASPERSKY: &str = r#"
id = "kaspersky"
name = "AO Kaspersky Lab"
aliases = [
  "Kaspersky Lab",
  "Kaspersky",
  { name = "Лаборатория Касперского", lang = "ru", source = "https://ru.wikipedia.org/wiki/Лаборатория_Касперского" },
  { name = "カスペルスキー", lang = "ja", source = "https://ja.wikipedia.org/wiki/カスペルスキー" },
]
sources = ["https://en.wikipedia.org/wiki/Kaspersky_Lab"]
acts = [{ id = "us-bod-17-01", status = "banned" }]

[[subsidiaries]]
name = "Kaspersky Lab, Inc."
source = "https://www.govinfo.gov/content/pkg/FR-2024-06-24/html/2024-13532.htm"

[[subsidiaries]]
name = "OOO Kaspersky Group"
source = "https://www.govinfo.gov/content/pkg/FR-2024-06-24/html/2024-13532.htm"

[[signatures]]
field = "service-name"
value = '^AVP\d+(\.\d+)*$'
match = "regex"
source = "https://support.kaspersky.com/kes11/commands"

[[signatures]]
field = "domain"
value = "kaspersky.com"
source = "https://github.com/v2fly/domain-list-community/blob/master/data/kaspersky"

[[signatures]]
field = "cpe"
value = "cpe:2.3:a:kaspersky:"
match = "prefix"
source = "https://nvd.nist.gov/vuln/detail/CVE-2016-4307"

[[signatures]]
field = "file-name"
value = "klif.sys"
source = "https://learn.microsoft.com/en-us/windows-hardware/drivers/ifs/allocated-altitudes"

[[products]]
id = "kaspersky-endpoint-security"
name = "Kaspersky Endpoint Security"

[[products.signatures]]
field = "package"
value = "kesl"
ecosystem = "deb"
source = "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"

[[products.signatures]]
field = "name"
value = "Kaspersky Endpoint Security"
match = "words"
source = "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"

[[products.signatures]]
field = "purl"
value = "pkg:rpm/kesl"
source = "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"

[[products.signatures]]
field = "bundle-id"
value = "com.kaspersky.kav"
source = "https://support.kaspersky.com/kes-for-mac"

[[products]]
id = "kaspersky-anti-virus"
name = "Kaspersky Anti-Virus"

[[products.signatures]]
field = "name"
value = "Kaspersky Anti-Virus"
match = "words"
source = "https://github.com/microsoft/winget-pkgs/tree/master/manifests/k/Kaspersky/KasperskyAnti-Virus"

[[products]]
id = "kaspersky-security-for-windows-server"
name = "Kaspersky Security for Windows Server"

[[products.signatures]]
field = "name"
value = "Kaspersky Anti-Virus for Windows Servers"
match = "words"
source = "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"

[[products]]
id = "kaspersky-security-center"
name = "Kaspersky Security Center Network Agent"

[[products.signatures]]
field = "package"
value = "klnagent64"
source = "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"
"#;

const ZTE: &str = r#"
id = "zte"
name = "ZTE Corporation"
aliases = ["ZTE", { name = "中兴通讯", lang = "zh-Hans", source = "https://zh.wikipedia.org/wiki/中兴通讯" }]
sources = ["https://en.wikipedia.org/wiki/ZTE"]
"#;

const HUAWEI: &str = r#"
id = "huawei"
name = "Huawei Technologies Co., Ltd."
aliases = ["Huawei", { name = "华为", lang = "zh-Hans", source = "https://zh.wikipedia.org/wiki/华为" }]
sources = ["https://en.wikipedia.org/wiki/Huawei"]

[[subsidiaries]]
name = "Honor Device Co., Ltd."
aliases = ["Honor"]
until = 2020-11-17
source = "https://www.scmp.com/tech/gear/article/3110117/huawei-sells-honor-ensure-budget-smartphone-brands-survival-amid-us"
"#;

const CHINA_TELECOM: &str = r#"
id = "china-telecom"
name = "China Telecom Corporation Limited"
sources = ["https://en.wikipedia.org/wiki/China_Telecom"]
"#;

/// Registry rows as `cargo xtask gen-registry` writes them (values from the IEEE, usb.ids,
/// pci.ids and IANA registries as recorded in the project's research notes).
const OUI: &str = "# test table\n00E0FC\thuawei\t\tHUAWEI TECHNOLOGIES CO.,LTD\n90FFD6\thuawei\tHonor Device Co., Ltd.\tHonor Device Co., Ltd.\n70B3D538E\tchina-telecom\t\tChina Telecom Fufu Information Technology CO.,LTD\n";
const USB: &str =
    "12d1\thuawei\t\tHuawei Technologies Co., Ltd.\n19d2\tzte\t\tZTE WCDMA Technologies MSM\n";
const PCI: &str = "19e5\thuawei\t\tHuawei Technologies Co., Ltd.\n";
const IANA: &str = "2011\thuawei\t\tHUAWEI Technology Co.,Ltd\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn catalog_with(extra: &[(&str, &str)]) -> Result<Catalog, String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (rel, text) in [
        ("catalog.toml", CATALOG_TOML),
        ("acts/us-bod-17-01.toml", ACT),
        ("vendors/kaspersky.toml", KASPERSKY),
        ("vendors/zte.toml", ZTE),
        ("vendors/huawei.toml", HUAWEI),
        ("vendors/china-telecom.toml", CHINA_TELECOM),
        ("generated/oui.tsv", OUI),
        ("generated/usb.tsv", USB),
        ("generated/pci.tsv", PCI),
        ("generated/iana.tsv", IANA),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    {
        write(root, rel, text);
    }
    Catalog::load_dir(root).map_err(|e| e.to_string())
}

fn matcher() -> Matcher {
    let catalog = catalog_with(&[]).expect("test catalog loads");
    Matcher::compile(&catalog).expect("test catalog compiles")
}

fn item(kind: ItemKind, name: &str) -> Item {
    Item::new(kind, name, Location::default())
}

fn with_publisher(mut it: Item, p: &str) -> Item {
    it.publisher = Some(p.to_owned());
    it
}

fn with_id(mut it: Item, kind: IdentifierKind, value: &str) -> Item {
    it.identifiers.push(Identifier::new(kind, value));
    it
}

fn device(kind: IdentifierKind, value: &str) -> Item {
    with_id(item(ItemKind::NetworkDevice, "192.0.2.7"), kind, value)
}

/// (vendor, product, entity) of each match, for compact assertions.
fn summary(ms: &[Match]) -> Vec<(String, Option<String>, Option<String>)> {
    ms.iter()
        .map(|m| (m.vendor.clone(), m.product.clone(), m.entity.clone()))
        .collect()
}

fn vendor_only(v: &str) -> Vec<(String, Option<String>, Option<String>)> {
    vec![(v.to_owned(), None, None)]
}

/// A deb `kesl` package is Kaspersky Endpoint Security, with the package evidence.
#[test]
fn kesl_deb_package_is_the_product() {
    let m = matcher();
    let mut it = item(ItemKind::Package, "kesl");
    it.identifiers.push(Identifier::package("deb", "kesl"));
    let ms = m.find(&it);
    assert_eq!(ms.len(), 1, "{ms:#?}");
    assert_eq!(ms[0].vendor, "kaspersky");
    assert_eq!(
        ms[0].product.as_deref(),
        Some("kaspersky-endpoint-security")
    );
    let ev = &ms[0].evidence[0];
    assert_eq!(
        (
            ev.field.as_str(),
            ev.value.as_str(),
            ev.signature.as_str(),
            ev.how
        ),
        (
            "package",
            "kesl",
            "kaspersky-endpoint-security#0",
            MatchKind::Exact
        )
    );
    assert_eq!(
        ev.source,
        "https://support.kaspersky.com/kes-for-linux/11.3.0/236383"
    );
}

/// A package signature bound to `deb` ignores an rpm of that name, but takes a package
/// whose ecosystem is unknown; one without an ecosystem takes any.
#[test]
fn package_ecosystem_is_respected() {
    let m = matcher();
    let mut rpm = item(ItemKind::Package, "kesl");
    rpm.identifiers.push(Identifier::package("rpm", "kesl"));
    assert!(m.find(&rpm).is_empty());
    let unknown = with_id(
        item(ItemKind::Package, "kesl"),
        IdentifierKind::Package,
        "KESL",
    );
    assert_eq!(m.find(&unknown).len(), 1);
    let mut agent = item(ItemKind::Package, "klnagent64");
    agent
        .identifiers
        .push(Identifier::package("rpm", "klnagent64"));
    assert_eq!(
        summary(&m.find(&agent))[0].1.as_deref(),
        Some("kaspersky-security-center")
    );
}

/// Every spelling of Kaspersky's name in a publisher field gives one vendor match.
#[test]
fn publisher_variants_map_to_kaspersky() {
    let m = matcher();
    for p in [
        "AO Kaspersky Lab",
        "KASPERSKY LAB",
        "Kaspersky Lab ZAO",
        "Kaspersky Lab, Inc.",
        "АО «Лаборатория Касперского»",
        "株式会社カスペルスキー",
        "kaspersky",
    ] {
        let ms = m.find(&with_publisher(item(ItemKind::Application, "Some Tool"), p));
        assert_eq!(summary(&ms), vendor_only("kaspersky"), "publisher {p:?}");
        assert!(ms[0]
            .evidence
            .iter()
            .all(|e| e.field == "publisher" && e.value == p && e.how == MatchKind::Words));
    }
}

/// A product name plus the vendor's publisher is one product match carrying both.
#[test]
fn publisher_evidence_folds_into_the_product_match() {
    let m = matcher();
    let it = with_publisher(
        item(
            ItemKind::Application,
            "Kaspersky Endpoint Security 11 for Windows",
        ),
        "AO Kaspersky Lab",
    );
    let ms = m.find(&it);
    assert_eq!(
        summary(&ms),
        vec![(
            "kaspersky".into(),
            Some("kaspersky-endpoint-security".into()),
            None
        )]
    );
    // "AO Kaspersky Lab", "Kaspersky Lab" and "Kaspersky" all match this publisher: the
    // widest words speak for the narrower ones, and the vendor name for its equal aliases.
    let sigs: Vec<&str> = ms[0]
        .evidence
        .iter()
        .map(|e| e.signature.as_str())
        .collect();
    assert_eq!(sigs, ["kaspersky-endpoint-security#1", "kaspersky#name"]);
}

/// A product name inside a longer product name on the same field yields to it: the
/// longer name is the more specific product.
#[test]
fn longer_product_name_wins() {
    let m = matcher();
    let ms = m.find(&item(
        ItemKind::Application,
        "Kaspersky Anti-Virus for Windows Servers 8.0",
    ));
    assert_eq!(
        summary(&ms),
        vec![(
            "kaspersky".into(),
            Some("kaspersky-security-for-windows-server".into()),
            None
        )]
    );
    let ms = m.find(&item(ItemKind::Application, "Kaspersky Anti-Virus 2012"));
    assert_eq!(
        summary(&ms),
        vec![(
            "kaspersky".into(),
            Some("kaspersky-anti-virus".into()),
            None
        )]
    );
}

/// Several signatures of one product on one item give one match with all the evidence.
#[test]
fn evidence_is_merged() {
    let m = matcher();
    let mut it = with_publisher(
        item(ItemKind::Package, "Kaspersky Endpoint Security for Linux"),
        "AO Kaspersky Lab",
    );
    it.identifiers.push(Identifier::package("deb", "kesl"));
    it.identifiers
        .push(Identifier::new(IdentifierKind::FileName, "KLIF.SYS"));
    let ms = m.find(&it);
    assert_eq!(ms.len(), 1, "{ms:#?}");
    let fields: Vec<&str> = ms[0].evidence.iter().map(|e| e.field.as_str()).collect();
    for f in ["package", "file-name", "name", "publisher"] {
        assert!(fields.contains(&f), "missing {f} in {fields:?}");
    }
}

/// Near misses produce nothing: `zte` is not inside `aztec`, `Aztech` or `aztecoo`, and
/// `Kasper Sky` is two other words.
#[test]
fn near_misses_produce_nothing() {
    let m = matcher();
    let items = [
        with_publisher(item(ItemKind::Package, "aztec-tools"), "Aztech Systems"),
        item(ItemKind::Package, "libtrilinos-aztecoo-dev"),
        with_publisher(
            item(ItemKind::Package, "aztec"),
            "Debian Science Team <debian-science@lists.debian.org>",
        ),
        with_publisher(item(ItemKind::Application, "Sky Viewer"), "Kasper Sky Ltd"),
        with_publisher(item(ItemKind::Application, "Honorbuddy"), "Honorbuddy Team"),
        with_publisher(item(ItemKind::Application, "x"), "Huaweiish"),
        with_publisher(
            item(ItemKind::Application, "Kaspersky Endpoint"),
            "Someone Else",
        ),
    ];
    for it in items {
        assert!(
            m.find(&it).is_empty(),
            "unexpected match for {it:?}: {:?}",
            m.find(&it)
        );
    }
}

/// Vendor names are never looked for in an item's name or its free-text attributes, nor
/// in e-mail addresses of a maintainer.
#[test]
fn vendor_names_only_in_publisher() {
    let m = matcher();
    let named = item(ItemKind::Package, "kaspersky-tools");
    assert!(m.find(&named).is_empty());
    let mut described = with_publisher(item(ItemKind::Package, "clamav"), "ClamAV Team");
    described.attrs.insert(
        "description".into(),
        "Compatible with Kaspersky Endpoint Security and ZTE routers".into(),
    );
    assert!(m.find(&described).is_empty());
    let maintained = with_publisher(
        item(ItemKind::Package, "zram-tools"),
        "Jane Roe <jane.roe@zte.com.cn>",
    );
    assert!(m.find(&maintained).is_empty());
}

/// Chinese names match by contiguous characters, legal forms stripped.
#[test]
fn cjk_publishers() {
    let m = matcher();
    let zte = with_publisher(item(ItemKind::Application, "x"), "中兴通讯股份有限公司");
    assert_eq!(summary(&m.find(&zte)), vendor_only("zte"));
    let huawei = with_publisher(item(ItemKind::Application, "x"), "华为技术有限公司");
    assert_eq!(summary(&m.find(&huawei)), vendor_only("huawei"));
    let other = with_publisher(item(ItemKind::Application, "x"), "腾讯科技有限公司");
    assert!(m.find(&other).is_empty());
}

/// MACs map through the longest OUI; local and multicast MACs say nothing.
#[test]
fn mac_addresses() {
    let m = matcher();
    let ms = m.find(&device(IdentifierKind::Mac, "00:e0:fc:01:02:03"));
    assert_eq!(summary(&ms), vendor_only("huawei"));
    let ev = &ms[0].evidence[0];
    assert_eq!(
        (ev.field.as_str(), ev.signature.as_str(), ev.source.as_str()),
        ("mac", "huawei#oui:00E0FC", "ieee-oui")
    );
    assert!(m
        .find(&device(IdentifierKind::Mac, "02:e0:fc:01:02:03"))
        .is_empty());
    assert!(m
        .find(&device(IdentifierKind::Mac, "01:e0:fc:01:02:03"))
        .is_empty());
    assert!(m.find(&device(IdentifierKind::Mac, "not a mac")).is_empty());
    // MA-S: 36 bits decide, the rest of the IEEE block is someone else's.
    let ct = m.find(&device(IdentifierKind::Mac, "70-B3-D5-38-E0-01"));
    assert_eq!(summary(&ct), vendor_only("china-telecom"));
    assert!(m
        .find(&device(IdentifierKind::Mac, "70:b3:d5:38:f0:01"))
        .is_empty());
}

/// Honor left Huawei on 2020-11-17: only an item dated before that is Huawei's.
#[test]
fn honor_needs_a_date_before_the_sale() {
    let m = matcher();
    let honor_mac = |date: Option<&str>| {
        let mut it = device(IdentifierKind::Mac, "90:ff:d6:11:22:33");
        if let Some(d) = date {
            it.attrs.insert("date".into(), d.into());
        }
        m.find(&it)
    };
    assert!(honor_mac(None).is_empty());
    assert!(honor_mac(Some("2021-03-01")).is_empty());
    assert!(honor_mac(Some("2020-11-17")).is_empty());
    let old = honor_mac(Some("2019-05-01"));
    assert_eq!(
        summary(&old),
        vec![("huawei".into(), None, Some("Honor Device Co., Ltd.".into()))]
    );
    let publisher = with_publisher(item(ItemKind::Application, "x"), "Honor Device Co., Ltd.");
    assert!(m.find(&publisher).is_empty());
}

/// USB, PCI and SNMP identifiers map through their registries.
#[test]
fn bus_ids_and_enterprise_numbers() {
    let m = matcher();
    assert_eq!(
        summary(&m.find(&device(IdentifierKind::Usb, "12d1:1001"))),
        vendor_only("huawei")
    );
    assert_eq!(
        summary(&m.find(&device(IdentifierKind::Usb, "19D2:0001"))),
        vendor_only("zte")
    );
    assert_eq!(
        summary(&m.find(&device(IdentifierKind::Pci, "19e5:3714"))),
        vendor_only("huawei")
    );
    let snmp = m.find(&device(
        IdentifierKind::SnmpObjectId,
        "1.3.6.1.4.1.2011.2.23.1",
    ));
    assert_eq!(summary(&snmp), vendor_only("huawei"));
    assert_eq!(snmp[0].evidence[0].signature, "huawei#iana:2011");
    assert!(m
        .find(&device(IdentifierKind::SnmpObjectId, "1.3.6.1.4.1.20110.1"))
        .is_empty());
    assert!(m.find(&device(IdentifierKind::Usb, "1d6b:0002")).is_empty());
}

/// A vendor domain matches itself and its subdomains, not look-alikes.
#[test]
fn domains_and_subdomains() {
    let m = matcher();
    for d in [
        "kaspersky.com",
        "upd.kaspersky.com",
        "DNL-01.Geo.Kaspersky.COM.",
    ] {
        assert_eq!(
            summary(&m.find(&device(IdentifierKind::Domain, d))),
            vendor_only("kaspersky"),
            "{d}"
        );
    }
    for d in [
        "notkaspersky.com",
        "kaspersky.com.example.org",
        "kaspersky.co",
    ] {
        assert!(m.find(&device(IdentifierKind::Domain, d)).is_empty(), "{d}");
    }
}

/// Purls compare type, namespace and name; a deb purl also counts as the deb package.
#[test]
fn purls() {
    let m = matcher();
    let p = |s: &str| {
        m.find(&with_id(
            item(ItemKind::Component, "kesl"),
            IdentifierKind::Purl,
            s,
        ))
    };
    let want = vec![(
        "kaspersky".to_owned(),
        Some("kaspersky-endpoint-security".to_owned()),
        None,
    )];
    assert_eq!(
        summary(&p("pkg:rpm/opensuse/kesl@12.1.0?arch=x86_64")),
        want
    );
    assert_eq!(summary(&p("pkg:deb/debian/kesl@12.1.0-1268")), want);
    assert!(p("pkg:npm/kesl@1.0.0").is_empty());
    assert!(p("pkg:rpm/opensuse/keslx@1").is_empty());
}

/// CPE prefixes work for 2.3 strings and 2.2 URIs.
#[test]
fn cpes() {
    let m = matcher();
    for c in [
        "cpe:2.3:a:kaspersky:anti-virus:2011:*:*:*:*:*:*:*",
        "cpe:/a:kaspersky:anti-virus:2011",
    ] {
        let ms = m.find(&with_id(
            item(ItemKind::Component, "x"),
            IdentifierKind::Cpe,
            c,
        ));
        assert_eq!(summary(&ms), vendor_only("kaspersky"), "{c}");
        assert_eq!(ms[0].evidence[0].how, MatchKind::Prefix);
    }
    assert!(m
        .find(&with_id(
            item(ItemKind::Component, "x"),
            IdentifierKind::Cpe,
            "cpe:2.3:a:kasperskyx:y"
        ))
        .is_empty());
}

/// Regex signatures are case-insensitive and anchored as written.
#[test]
fn regex_service_names() {
    let m = matcher();
    for s in ["AVP21.3", "avp21.24", "AVP8"] {
        let ms = m.find(&with_id(
            item(ItemKind::Service, s),
            IdentifierKind::ServiceName,
            s,
        ));
        assert_eq!(summary(&ms), vendor_only("kaspersky"), "{s}");
        assert_eq!(ms[0].evidence[0].how, MatchKind::Regex);
    }
    for s in ["AVPX", "XAVP21", "AVP21.3 helper"] {
        assert!(
            m.find(&with_id(
                item(ItemKind::Service, s),
                IdentifierKind::ServiceName,
                s
            ))
            .is_empty(),
            "{s}"
        );
    }
}

/// A subsidiary match absorbs the vendor-alias evidence found in the same publisher.
#[test]
fn subsidiary_absorbs_vendor_evidence() {
    let m = matcher();
    let ms = m.find(&with_publisher(
        item(ItemKind::Application, "x"),
        "OOO Kaspersky Group",
    ));
    assert_eq!(
        summary(&ms),
        vec![("kaspersky".into(), None, Some("OOO Kaspersky Group".into()))]
    );
    let sigs: Vec<&str> = ms[0]
        .evidence
        .iter()
        .map(|e| e.signature.as_str())
        .collect();
    assert!(
        sigs.contains(&"kaspersky#subsidiary:1") && sigs.contains(&"kaspersky#alias:1"),
        "{sigs:?}"
    );
}

/// Evidence serializes with the report contract's keys.
#[test]
fn evidence_json_shape() {
    let m = matcher();
    let ms = m.find(&with_id(
        item(ItemKind::Application, "x"),
        IdentifierKind::BundleId,
        "com.kaspersky.kav",
    ));
    let json = serde_json::to_value(&ms[0].evidence[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "field": "bundle-id", "value": "com.kaspersky.kav",
            "signature": "kaspersky-endpoint-security#3",
            "source": "https://support.kaspersky.com/kes-for-mac", "match": "exact"
        })
    );
}

/// Broken catalogs fail to compile with an error naming the signature or registry row.
#[test]
fn compile_errors_name_the_culprit() {
    let bad_regex = "id = \"acme\"\nname = \"Acme\"\nsources = [\"https://example.org\"]\n[[signatures]]\nfield = \"service-name\"\nvalue = \"(\"\nmatch = \"regex\"\nsource = \"https://example.org\"\n";
    let c = catalog_with(&[("vendors/acme.toml", bad_regex)]).unwrap();
    let e = Matcher::compile(&c).unwrap_err();
    assert!(matches!(e, CompileError::BadRegex { .. }), "{e}");
    assert!(e.to_string().contains("acme#0"), "{e}");

    let no_words = "id = \"acme\"\nname = \"Acme\"\nsources = [\"https://example.org\"]\n[[signatures]]\nfield = \"publisher\"\nvalue = \"Co., Ltd.\"\nmatch = \"words\"\nsource = \"https://example.org\"\n";
    let c = catalog_with(&[("vendors/acme.toml", no_words)]).unwrap();
    let e = Matcher::compile(&c).unwrap_err();
    assert!(matches!(e, CompileError::NoWords { .. }), "{e}");

    let c = catalog_with(&[("generated/usb.tsv", "1234\tnobody\t\tNobody Inc.\n")]).unwrap();
    let e = Matcher::compile(&c).unwrap_err();
    assert!(e.to_string().contains("unknown vendor `nobody`"), "{e}");

    let c = catalog_with(&[("generated/pci.tsv", "19e5\thuawei\tNo Such Brand\tX\n")]).unwrap();
    let e = Matcher::compile(&c).unwrap_err();
    assert!(
        matches!(e, CompileError::UnknownRegistryEntity { .. }),
        "{e}"
    );
}

/// Huawei with banner signatures bound to protocol fields, as catalog/vendors writes them.
const HUAWEI_BANNERS: &str = r#"
id = "huawei"
name = "Huawei Technologies Co., Ltd."
aliases = ["Huawei"]
sources = ["https://en.wikipedia.org/wiki/Huawei"]

[[subsidiaries]]
name = "Honor Device Co., Ltd."
until = 2020-11-17
source = "https://www.scmp.com/tech/gear/article/3110117/huawei-sells-honor-ensure-budget-smartphone-brands-survival-amid-us"

[[products]]
id = "huawei-network-equipment"
name = "Huawei network equipment"

[[products.signatures]]
field = "banner"
value = 'VRP[^V]*Version ([\d.]+) \(([^\s]+) (V\d{3,3}R\d{3,3}(?:C\d{2,2})?(?:SPC\d+|SPH\d+|CP\d+|HP\d+)?)\)'
match = "regex"
ecosystem = "snmp-sysdescr"
source = "https://github.com/rapid7/recog/blob/main/xml/snmp_sysdescr.xml"

[[products.signatures]]
field = "banner"
value = "Huawei-BMC"
ecosystem = "http-server"
source = "https://svn.nmap.org/nmap/nmap-service-probes"
"#;

fn banner(value: &str, ecosystem: Option<&str>) -> Item {
    let mut it = item(ItemKind::NetworkDevice, "192.0.2.7");
    it.identifiers.push(Identifier {
        kind: IdentifierKind::Banner,
        value: value.to_owned(),
        ecosystem: ecosystem.map(str::to_owned),
    });
    it
}

/// Banner signatures bound to an ecosystem take banners of that protocol field (or of
/// none stated) and ignore the same text seen in another field, for regex and exact alike.
#[test]
fn banner_ecosystem_is_respected() {
    let catalog = catalog_with(&[("vendors/huawei.toml", HUAWEI_BANNERS)]).unwrap();
    let m = Matcher::compile(&catalog).unwrap();
    let vrp = "Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170 (S5720 V200R011C10SPC500)";
    let product = vec![(
        "huawei".to_owned(),
        Some("huawei-network-equipment".to_owned()),
        None,
    )];
    let found = m.find(&banner(vrp, Some("snmp-sysdescr")));
    assert_eq!(summary(&found), product);
    assert_eq!(found[0].evidence[0].field, "banner");
    assert_eq!(found[0].evidence[0].how, MatchKind::Regex);
    assert_eq!(summary(&m.find(&banner(vrp, None))), product);
    assert!(m.find(&banner(vrp, Some("ssh"))).is_empty());
    assert!(m.find(&banner(vrp, Some("http-title"))).is_empty());
    assert_eq!(
        summary(&m.find(&banner("huawei-bmc", Some("http-server")))),
        product
    );
    assert!(m
        .find(&banner("Huawei-BMC", Some("snmp-sysdescr")))
        .is_empty());
    assert!(m
        .find(&banner(
            "Linux router 5.10 Version 1.2",
            Some("snmp-sysdescr")
        ))
        .is_empty());
}
