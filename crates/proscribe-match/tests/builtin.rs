//! The matcher against the built-in catalog: the real Kaspersky, ZTE and Huawei entries
//! recognise what they should and nothing near them.

use proscribe_catalog::Catalog;
use proscribe_match::{Match, Matcher};
use proscribe_model::{Identifier, Item, ItemKind, Location};

fn matcher() -> Matcher {
    let catalog =
        Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog does not load:\n{e}"));
    Matcher::compile(&catalog).unwrap_or_else(|e| panic!("built-in catalog does not compile: {e}"))
}

fn app(name: &str, publisher: &str) -> Item {
    let mut it = Item::new(ItemKind::Application, name, Location::default());
    it.publisher = Some(publisher.to_owned());
    it
}

fn deb(name: &str, maintainer: &str) -> Item {
    let mut it = Item::new(ItemKind::Package, name, Location::default());
    it.identifiers.push(Identifier::package("deb", name));
    it.publisher = Some(maintainer.to_owned());
    it
}

fn vendors(ms: &[Match]) -> Vec<&str> {
    ms.iter().map(|m| m.vendor.as_str()).collect()
}

/// The `kesl` package (Kaspersky Endpoint Security for Linux) is the Kaspersky product.
#[test]
fn kesl_package_is_kaspersky_endpoint_security() {
    let m = matcher();
    let ms = m.find(&deb("kesl", "AO Kaspersky Lab"));
    assert_eq!(ms.len(), 1, "{ms:#?}");
    assert_eq!(ms[0].vendor, "kaspersky");
    assert_eq!(
        ms[0].product.as_deref(),
        Some("kaspersky-endpoint-security")
    );
    assert!(ms[0]
        .evidence
        .iter()
        .any(|e| e.field == "package" && e.value == "kesl"));
    assert!(
        ms[0].evidence.iter().any(|e| e.field == "publisher"),
        "publisher evidence folded in"
    );
}

/// Windows publisher strings in every spelling map to Kaspersky.
#[test]
fn kaspersky_publisher_variants() {
    let m = matcher();
    for p in [
        "AO Kaspersky Lab",
        "KASPERSKY LAB",
        "Kaspersky Lab ZAO",
        "АО «Лаборатория Касперского»",
        "Kaspersky",
    ] {
        let ms = m.find(&app("Some Utility", p));
        assert_eq!(vendors(&ms), ["kaspersky"], "publisher {p:?}: {ms:#?}");
    }
}

/// An ARP DisplayName of a Kaspersky product is recognised from the name alone.
#[test]
fn kaspersky_display_name() {
    let m = matcher();
    let mut it = Item::new(
        ItemKind::Application,
        "Kaspersky Endpoint Security for Windows",
        Location::default(),
    );
    it.version = Some("11.11.0.452".into());
    let ms = m.find(&it);
    assert_eq!(vendors(&ms), ["kaspersky"], "{ms:#?}");
    assert_eq!(
        ms[0].product.as_deref(),
        Some("kaspersky-endpoint-security")
    );
}

/// ZTE and Huawei publishers, Latin and Chinese.
#[test]
fn zte_and_huawei_publishers() {
    let m = matcher();
    for (p, want) in [
        ("ZTE Corporation", "zte"),
        ("中兴通讯股份有限公司", "zte"),
        ("Huawei Technologies Co., Ltd.", "huawei"),
        ("华为技术有限公司", "huawei"),
    ] {
        let ms = m.find(&app("Mobile Partner", p));
        assert!(vendors(&ms).contains(&want), "publisher {p:?}: {ms:#?}");
    }
}

/// Near misses produce nothing: real Debian packages whose names contain `zte` or
/// `kasper` as letters, and a publisher that only resembles a vendor.
#[test]
fn near_misses_produce_nothing() {
    let m = matcher();
    let items = [
        deb(
            "libtrilinos-aztecoo-dev",
            "Debian Science Team <debian-science-maintainers@lists.alioth.debian.org>",
        ),
        deb("aztec-tools", "Aztech Systems"),
        app("Aztec Barcode Reader", "Aztech Systems"),
        app("Kasper Sky Viewer", "Kasper Sky Ltd"),
        deb("honorific-tools", "Jane Roe <jane@example.org>"),
        deb("zram-tools", "Jane Roe <jane.roe@zte.com.cn>"),
    ];
    for it in items {
        let ms = m.find(&it);
        assert!(ms.is_empty(), "unexpected match for {}: {ms:#?}", it.name);
    }
}

/// Free text never produces a finding, even when it names a vendor.
#[test]
fn description_attr_is_never_matched() {
    let m = matcher();
    let mut it = deb("clamav", "ClamAV Team <clamav@example.org>");
    it.attrs.insert(
        "description".into(),
        "anti-virus utility for Unix; an alternative to Kaspersky Anti-Virus and Huawei, ZTE tools"
            .into(),
    );
    assert!(m.find(&it).is_empty(), "{:#?}", m.find(&it));
}

/// A Honor device is not Huawei's unless it is dated before the 2020-11-17 sale.
#[test]
fn honor_publisher_needs_an_early_date() {
    let m = matcher();
    let mut it = app("Honor Suite", "Honor Device Co., Ltd.");
    assert!(
        !vendors(&m.find(&it)).contains(&"huawei"),
        "{:#?}",
        m.find(&it)
    );
    it.attrs.insert("date".into(), "2019-06-01".into());
    let ms = m.find(&it);
    assert!(
        ms.iter()
            .any(|x| x.vendor == "huawei" && x.entity.is_some()),
        "{ms:#?}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Arbitrary text in every field never panics the matcher, and whatever it reports
    /// carries evidence.
    #[test]
    fn arbitrary_items_never_panic(name in "\\PC{0,30}", publisher in "\\PC{0,30}", value in "\\PC{0,30}", kind in 0usize..17) {
        static M: std::sync::LazyLock<Matcher> = std::sync::LazyLock::new(matcher);
        let mut it = app(&name, &publisher);
        let kind = proscribe_model::IdentifierKind::ALL[kind];
        it.identifiers.push(Identifier::new(kind, value.clone()));
        it.attrs.insert("date".into(), value);
        for m in M.find(&it) {
            proptest::prop_assert!(!m.evidence.is_empty());
        }
    }
}
