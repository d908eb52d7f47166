//! Tests on small excerpts in the registries' real formats, plus a check of the committed tables.

use std::path::Path;

use proscribe_catalog::{Catalog, RegistryKind};

use super::sources::{self, parse_iana, parse_ids, parse_ieee_csv, IanaFormat, Record, Registry};
use super::{
    diff_summary, generate, listed_names, match_names, normalise, stale_files, unmatched_message,
    Args, Listed,
};

/// Lines copied from Debian ieee-data 20220827.1 (oui.csv, mam.csv, oui36.csv), CRLF as shipped.
const IEEE_CSV: &str = "Registry,Assignment,Organization Name,Organization Address\r\n\
MA-L,30FBB8,\"HUAWEI TECHNOLOGIES CO.,LTD\",\"No.2 Xin Cheng Road, Room R6,Songshan Lake Technology Park Dongguan  CN 523808 \"\r\n\
MA-L,10327E,\"Huawei Device Co., Ltd.\",\"No.2 of Xincheng Road, Songshan Lake Zone Dongguan Guangdong CN 523808 \"\r\n\
MA-L,086083,zte corporation,\"12/F.,zte R&D building ,kejinan Road,Shenzhen,P.R.China shenzhen guangdong CN 518057 \"\r\n\
MA-M,14AE857,\"SHENZHEN HONOR ELECTRONIC CO.,LTD\",\"No. A Building, Xinghui Industrial Park, Gushu No. 2Rd, SHEN ZHEN GUANG  DONG CN 518000 \"\r\n\
MA-M,741AE09,Private,\r\n\
MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1 Moscow  RU 109388 \"\r\n";

/// A usb.ids excerpt: header, vendors with device and interface lines, then the class section
/// and other lookup tables, which must not be read as vendors.
const USB_IDS: &str = "#\n\
#\tList of USB ID's\n\
#\n\
# Version: 2025.07.26\n\
# Date:    2025-07-26 20:34:01\n\
#\n\
\n\
# Syntax:\n\
# vendor  vendor_name\n\
#\tdevice  device_name\t\t\t\t<-- single tab\n\
#\t\tinterface  interface_name\t\t<-- two tabs\n\
\n\
12d1  Huawei Technologies Co., Ltd.\n\
\t1001  E161/E169/E620/E800 HSDPA Modem\n\
\t1003  E220 HSDPA Modem / E230/E270/E870 HSDPA/HSUPA Modem\n\
1472  Huawei-3Com\n\
\t0007  Aolynk WUB300g [ZD1211]\n\
19d2  ZTE WCDMA Technologies MSM\n\
\t0001  ZTE ZXDSL 852 ADSL Modem\n\
\t\t00  Interface 0\n\
221a  ZTEX GmbH\n\
# typo?\n\
\n\
# List of known device classes, subclasses and protocols\n\
C 00  (Defined at Interface level)\n\
C 01  Audio\n\
\t01  Control Device\n\
\t02  Streaming\n\
C 02  Communications\n\
\t02  Abstract (modem)\n\
\t\t00  None\n\
\t\t01  AT-commands (v.25ter)\n\
AT 0100  USB Undefined\n\
HID 21  HID\n\
R 04  Usage Page\n\
# A line shaped like a vendor after the classes is still not a vendor.\n\
abcd  Not a vendor\n";

/// The head of Wireshark's enterprises.tsv with the awkward lines of the real file.
const ENTERPRISES_TSV: &str = "#\n\
# generated from https://www.iana.org/assignments/enterprise-numbers/enterprise-numbers\n\
#\n\
# The format used here is: <NUMERICAL_ID><SPACE><NAME>\n\
# Where SPACE can be any sequence of spaces and tabs.\n\
#\n\
# (last updated 2024-08-23)\n\
\n\
0\tReserved\n\
78\tLogMatrix Inc\t# formerly 'OpenService Inc.'\n\
2011\tHUAWEI Technology Co.,Ltd\n\
8606\tVancouver School District # 37\n\
9230\t#B4mad Research Lab Organization\n\
23668\tKaspersky Lab ZAO\n";

/// IANA's own enterprise-numbers.txt layout.
const ENTERPRISE_NUMBERS_TXT: &str = r"PRIVATE ENTERPRISE NUMBERS

(last updated 2024-08-23)

SMI Network Management Private Enterprise Codes:

Prefix: iso.org.dod.internet.private.enterprise (1.3.6.1.4.1)

Decimal
| Organization
| | Contact
| | | Email
| | | |
0
  Reserved
    Internet Assigned Numbers Authority
      iana&iana.org
2011
  HUAWEI Technology Co.,Ltd
    Jianbing Wang
      wangjianbing&huawei.com
23668
  Kaspersky Lab ZAO
    Nikolay Grebennikov
      Nikolay.Grebennikov&kaspersky.com
";

fn rec(key: &str, organization: &str) -> Record {
    Record {
        key: key.into(),
        organization: organization.into(),
    }
}

fn listed(vendor: &str, entity: Option<&str>, name: &str) -> Listed {
    Listed {
        vendor: vendor.into(),
        entity: entity.map(Into::into),
        name: name.into(),
    }
}

/// Quoted commas stay inside the organisation name; keys keep the length of their registry.
#[test]
fn ieee_csv_keeps_quoted_commas_and_key_lengths() {
    let records = parse_ieee_csv(IEEE_CSV.as_bytes(), "oui.csv").unwrap();
    assert_eq!(records.len(), 6);
    assert_eq!(records[0], rec("30FBB8", "HUAWEI TECHNOLOGIES CO.,LTD"));
    assert_eq!(records[1], rec("10327E", "Huawei Device Co., Ltd."));
    assert_eq!(
        records[3],
        rec("14AE857", "SHENZHEN HONOR ELECTRONIC CO.,LTD")
    );
    assert_eq!(records[5], rec("70B3D5F2F", "TELEPLATFORMS"));
}

/// A byte-order mark (as some downloads carry) and lower-case hex are accepted.
#[test]
fn ieee_csv_accepts_bom_and_lower_case() {
    let text =
        "\u{feff}Registry,Assignment,Organization Name,Organization Address\nMA-L,30fbb8,X,\n";
    assert_eq!(
        parse_ieee_csv(text.as_bytes(), "oui.csv").unwrap(),
        vec![rec("30FBB8", "X")]
    );
}

/// A malformed row is an error naming the file and line, never a panic or a silent skip.
#[test]
fn ieee_csv_errors_name_file_and_line() {
    let bad_len = "Registry,Assignment,Organization Name,Organization Address\nMA-L,30FBB8,A,\nMA-M,30FBB8,B,\n";
    let err = parse_ieee_csv(bad_len.as_bytes(), "mam.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mam.csv:3") && err.contains("7 hex digits"),
        "{err}"
    );

    let bad_registry =
        "Registry,Assignment,Organization Name,Organization Address\nMA-X,30FBB8,A,\n";
    let err = parse_ieee_csv(bad_registry.as_bytes(), "oui.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("oui.csv:2") && err.contains("MA-X"), "{err}");

    let no_column = "Registry,Assignment,Address\nMA-L,30FBB8,A\n";
    let err = parse_ieee_csv(no_column.as_bytes(), "oui.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("Organization Name"), "{err}");

    let ragged = "Registry,Assignment,Organization Name,Organization Address\nMA-L,30FBB8,\"A\n";
    assert!(parse_ieee_csv(ragged.as_bytes(), "oui.csv").is_err());
}

/// Only vendor lines count; devices, interfaces and everything from the class section on are ignored.
#[test]
fn ids_reads_vendors_only_and_stops_at_class_section() {
    let ids = parse_ids(USB_IDS, "usb.ids").unwrap();
    let keys: Vec<&str> = ids.vendors.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["12d1", "1472", "19d2", "221a"]);
    assert_eq!(ids.vendors[0].organization, "Huawei Technologies Co., Ltd.");
    assert_eq!(ids.version.as_deref(), Some("2025.07.26"));
    assert_eq!(ids.date.as_deref(), Some("2025-07-26 20:34:01"));
}

/// pci.ids writes its header with a tab after `#`; keys are lower-cased.
#[test]
fn ids_reads_pci_header_and_lowercases_keys() {
    let text = "#\n#\tVersion: 2023.04.10\n#\tDate:    2023-04-10 20:08:02\n#\n19E5  Huawei Technologies Co., Ltd.\n\t0123  ES3000 V3 NVMe SSD\n";
    let ids = parse_ids(text, "pci.ids").unwrap();
    assert_eq!(
        ids.vendors,
        vec![rec("19e5", "Huawei Technologies Co., Ltd.")]
    );
    assert_eq!(ids.version.as_deref(), Some("2023.04.10"));
}

/// A vendor line with a single space is malformed, not silently dropped.
#[test]
fn ids_malformed_vendor_line_is_an_error() {
    let err = parse_ids("12d1  Huawei\n19d2 ZTE\n", "usb.ids")
        .unwrap_err()
        .to_string();
    assert!(err.contains("usb.ids:2"), "{err}");
}

/// Trailing `<TAB># formerly` comments are dropped; `#` inside or at the start of a name is kept.
#[test]
fn iana_tsv_handles_comments_and_hashes_in_names() {
    let file = parse_iana(ENTERPRISES_TSV, "enterprises.tsv").unwrap();
    assert_eq!(file.format, IanaFormat::WiresharkTsv);
    assert_eq!(file.last_updated.as_deref(), Some("2024-08-23"));
    assert_eq!(
        file.records,
        vec![
            rec("0", "Reserved"),
            rec("78", "LogMatrix Inc"),
            rec("2011", "HUAWEI Technology Co.,Ltd"),
            rec("8606", "Vancouver School District # 37"),
            rec("9230", "#B4mad Research Lab Organization"),
            rec("23668", "Kaspersky Lab ZAO"),
        ]
    );
}

/// IANA's own text layout gives the same records as Wireshark's conversion.
#[test]
fn iana_text_format_is_read() {
    let file = parse_iana(ENTERPRISE_NUMBERS_TXT, "enterprise-numbers.txt").unwrap();
    assert_eq!(file.format, IanaFormat::IanaText);
    assert_eq!(file.last_updated.as_deref(), Some("2024-08-23"));
    assert_eq!(
        file.records,
        vec![
            rec("0", "Reserved"),
            rec("2011", "HUAWEI Technology Co.,Ltd"),
            rec("23668", "Kaspersky Lab ZAO")
        ]
    );
}

/// A file with no enterprise lines at all is refused rather than producing an empty table.
#[test]
fn iana_without_entries_is_an_error() {
    let err = parse_iana("# nothing\n\nhello\n", "x.tsv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no enterprise numbers"), "{err}");
    let err = parse_iana("12x Foo\n", "x.tsv").unwrap_err().to_string();
    assert!(err.contains("x.tsv:1"), "{err}");
}

/// Names compare case-insensitively with whitespace trimmed and collapsed, nothing looser.
#[test]
fn names_match_case_and_whitespace_insensitively_only() {
    assert_eq!(
        normalise("  HUAWEI   TECHNOLOGIES\tCO.,LTD "),
        normalise("huawei technologies co.,ltd")
    );
    assert_ne!(
        normalise("HUAWEI TECHNOLOGIES CO, LTD"),
        normalise("HUAWEI TECHNOLOGIES CO.,LTD")
    );

    let records = parse_ieee_csv(IEEE_CSV.as_bytes(), "oui.csv").unwrap();
    let names = [
        listed("huawei", None, " huawei  technologies co.,ltd"),
        listed("huawei", Some("Honor"), "Shenzhen Honor Electronic Co.,Ltd"),
        listed("zte", None, "ZTE Corporation"),
        listed("huawei", None, "HUAWEI TECHNOLOGIES CO, LTD"),
    ];
    let (rows, unmatched) = match_names(RegistryKind::Oui, &names, &records);
    let got: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.key.as_str(),
                r.vendor.as_str(),
                r.entity.as_str(),
                r.organization.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("086083", "zte", "", "zte corporation"),
            (
                "14AE857",
                "huawei",
                "Honor",
                "SHENZHEN HONOR ELECTRONIC CO.,LTD"
            ),
            ("30FBB8", "huawei", "", "HUAWEI TECHNOLOGIES CO.,LTD"),
        ]
    );
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].listed.name, "HUAWEI TECHNOLOGIES CO, LTD");
    assert_eq!(unmatched[0].near, ["HUAWEI TECHNOLOGIES CO.,LTD"]);
    let msg = unmatched_message(&unmatched[0]);
    assert!(
        msg.contains("vendors/huawei.toml") && msg.contains("`HUAWEI TECHNOLOGIES CO.,LTD`"),
        "{msg}"
    );
}

/// Enterprise numbers sort numerically, not as text.
#[test]
fn iana_rows_sort_numerically() {
    let records = [rec("23668", "K"), rec("2011", "K"), rec("9", "K")];
    let (rows, _) = match_names(RegistryKind::Iana, &[listed("k", None, "K")], &records);
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["9", "2011", "23668"]);
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A minimal catalog with vendor-level and entity-level registry names.
fn test_catalog(dir: &Path) {
    write(
        dir,
        "catalog.toml",
        "version = \"2026.01.01\"\nschema = 1\n",
    );
    write(
        dir,
        "vendors/huawei.toml",
        r#"id = "huawei"
name = "Huawei Technologies Co., Ltd."
sources = ["https://www.huawei.com/"]
[registry]
ieee = ["HUAWEI TECHNOLOGIES CO.,LTD", "Huawei Device Co., Ltd."]
usb = ["Huawei Technologies Co., Ltd."]
iana = ["HUAWEI Technology Co.,Ltd"]
[[subsidiaries]]
name = "Honor"
source = "https://example.org/honor"
registry = { ieee = ["SHENZHEN HONOR ELECTRONIC CO.,LTD"] }
"#,
    );
    write(
        dir,
        "vendors/kaspersky.toml",
        r#"id = "kaspersky"
name = "Kaspersky Lab"
sources = ["https://www.kaspersky.com/"]
[registry]
iana = ["Kaspersky Lab ZAO"]
pci = ["Kaspersky PCI (typo test)"]
"#,
    );
}

fn test_registries() -> Vec<(RegistryKind, Registry)> {
    let input = |path: &str| sources::Input {
        path: path.into(),
        sha256: "sha256:00".into(),
        snapshot: "2024-08-23 (test)".into(),
    };
    vec![
        (
            RegistryKind::Oui,
            Registry {
                records: parse_ieee_csv(IEEE_CSV.as_bytes(), "oui.csv").unwrap(),
                inputs: vec![input("oui.csv")],
                licence: "IEEE (test)".into(),
            },
        ),
        (
            RegistryKind::Usb,
            Registry {
                records: parse_ids(USB_IDS, "usb.ids").unwrap().vendors,
                inputs: vec![input("usb.ids")],
                licence: "usb (test)".into(),
            },
        ),
        (
            RegistryKind::Pci,
            Registry {
                records: vec![rec("19e5", "Huawei Technologies Co., Ltd.")],
                inputs: vec![input("pci.ids")],
                licence: "pci (test)".into(),
            },
        ),
        (
            RegistryKind::Iana,
            Registry {
                records: parse_iana(ENTERPRISES_TSV, "e.tsv").unwrap().records,
                inputs: vec![input("e.tsv")],
                licence: "iana (test)".into(),
            },
        ),
    ]
}

/// The generated files load back through the catalog loader with the same entries, and a
/// second run on shuffled registry input is byte-identical.
#[test]
fn generated_tables_round_trip_through_the_loader_and_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    test_catalog(dir.path());
    let catalog = Catalog::load_dir(dir.path()).unwrap();
    assert_eq!(listed_names(&catalog, RegistryKind::Oui).len(), 3);

    let output = generate(&catalog, &test_registries());
    let names: Vec<&str> = output.files.iter().map(|(f, _)| *f).collect();
    assert_eq!(names, ["oui.tsv", "usb.tsv", "pci.tsv", "iana.tsv"]);
    for (file, text) in &output.files {
        write(dir.path(), &format!("generated/{file}"), text);
        assert!(text.starts_with("# "), "{file} has a provenance header");
        assert!(
            text.contains("# Input: ") && text.contains("snapshot 2024-08-23"),
            "{file}"
        );
    }
    assert_eq!(output.unmatched.len(), 1, "the pci typo is reported");
    assert_eq!(output.unmatched[0].kind, RegistryKind::Pci);

    let reloaded = Catalog::load_dir(dir.path()).unwrap();
    let oui: Vec<(&str, &str, Option<&str>)> = reloaded
        .generated
        .oui
        .iter()
        .map(|e| (e.key.as_str(), e.vendor.as_str(), e.entity.as_deref()))
        .collect();
    assert_eq!(
        oui,
        [
            ("10327E", "huawei", None),
            ("14AE857", "huawei", Some("Honor")),
            ("30FBB8", "huawei", None)
        ]
    );
    let iana: Vec<(&str, &str)> = reloaded
        .generated
        .iana
        .iter()
        .map(|e| (e.key.as_str(), e.vendor.as_str()))
        .collect();
    assert_eq!(iana, [("2011", "huawei"), ("23668", "kaspersky")]);
    assert_eq!(reloaded.generated.usb.len(), 1);
    assert!(reloaded.generated.pci.is_empty());
    assert!(proscribe_catalog::lint(&reloaded)
        .iter()
        .all(|d| d.code != "unknown-vendor"));

    let mut shuffled = test_registries();
    for (_, r) in &mut shuffled {
        r.records.reverse();
    }
    let again = generate(&catalog, &shuffled);
    assert_eq!(output.files, again.files);

    assert!(stale_files(dir.path(), &output).unwrap().is_empty());
}

/// The check reports missing files, added and removed entries and header changes.
#[test]
fn diff_summary_names_what_changed() {
    let old = "# Input: a\n30FBB8\thuawei\t\tX\n10327E\thuawei\t\tY\n";
    let new = "# Input: b\n30FBB8\thuawei\t\tX\n14AE857\thuawei\tHonor\tZ\n";
    assert_eq!(diff_summary("oui.tsv", new, Some(new)), None);
    let s = diff_summary("oui.tsv", new, Some(old)).unwrap();
    assert!(
        s.contains("1 entries to add, 1 to remove, header changed"),
        "{s}"
    );
    assert!(
        s.contains("+ 14AE857\thuawei\tHonor\tZ") && s.contains("- 10327E"),
        "{s}"
    );
    assert!(
        s.contains("- # Input: a") && s.contains("+ # Input: b"),
        "{s}"
    );
    assert!(diff_summary("oui.tsv", new, None)
        .unwrap()
        .contains("missing"));
}

/// A name listed for two owners is a warning, because its keys would be attributed twice.
#[test]
fn duplicate_names_are_warned() {
    let dir = tempfile::tempdir().unwrap();
    test_catalog(dir.path());
    write(
        dir.path(),
        "vendors/zte.toml",
        "id = \"zte\"\nname = \"ZTE\"\nsources = [\"https://www.zte.com.cn/\"]\n[registry]\nieee = [\"huawei technologies co.,ltd\"]\n",
    );
    let catalog = Catalog::load_dir(dir.path()).unwrap();
    let output = generate(&catalog, &test_registries());
    assert_eq!(output.warnings.len(), 1, "{:?}", output.warnings);
    assert!(
        output.warnings[0].contains("vendors/huawei.toml")
            && output.warnings[0].contains("vendors/zte.toml")
    );
}

/// The Debian changelog's first line dates the IEEE snapshot.
#[test]
fn debian_version_gives_the_ieee_snapshot_date() {
    let v = sources::debian_changelog_version("ieee-data (20220827.1) unstable; urgency=medium")
        .unwrap();
    assert_eq!(v, "20220827.1");
    assert_eq!(sources::date_of_version(v).as_deref(), Some("2022-08-27"));
    assert_eq!(sources::date_of_version("1.0"), None);
    assert_eq!(sources::debian_changelog_version("garbage"), None);
}

/// CI guard: when the repository has generated tables and this machine has the registry files
/// they were built from, regenerating them changes nothing and every listed name matches.
#[test]
fn committed_generated_tables_are_current() {
    let catalog_dir = super::default_catalog_dir();
    let generated = catalog_dir.join("generated");
    let present = ["oui.tsv", "usb.tsv", "pci.tsv", "iana.tsv"]
        .iter()
        .any(|f| generated.join(f).exists());
    if !present {
        eprintln!("skipped: no tables in {}", generated.display());
        return;
    }
    let args = Args {
        ieee_dir: sources::DEFAULT_IEEE_DIR.into(),
        usb_ids: sources::DEFAULT_USB_IDS.into(),
        pci_ids: sources::DEFAULT_PCI_IDS.into(),
        iana: sources::DEFAULT_IANA.into(),
        catalog: Some(catalog_dir.clone()),
        check: true,
    };
    let inputs = [
        Path::new(sources::DEFAULT_IEEE_DIR).join("oui.csv"),
        sources::DEFAULT_USB_IDS.into(),
        sources::DEFAULT_PCI_IDS.into(),
        sources::DEFAULT_IANA.into(),
    ];
    if let Some(missing) = inputs.iter().find(|p| !p.exists()) {
        eprintln!(
            "skipped: registry input {} is not installed",
            missing.display()
        );
        return;
    }
    let output = super::build(&args).unwrap();
    let stale = stale_files(&catalog_dir, &output).unwrap();
    assert!(
        stale.is_empty(),
        "run `cargo xtask gen-registry`:\n{}",
        stale.join("\n")
    );
    let unmatched: Vec<String> = output.unmatched.iter().map(unmatched_message).collect();
    assert!(
        unmatched.is_empty(),
        "listed names matching nothing:\n{}",
        unmatched.join("\n")
    );
}

/// Outside the Debian package directory the IEEE snapshot date comes from the
/// `.lastupdate` stamp of update-ieee-data, else from the file's modification time.
#[test]
fn ieee_snapshot_falls_back_to_lastupdate_then_mtime() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["oui.csv", "mam.csv", "oui36.csv"] {
        write(
            dir.path(),
            name,
            "Registry,Assignment,Organization Name,Organization Address\n",
        );
    }
    let registry = sources::read_ieee(dir.path()).unwrap();
    assert_eq!(registry.inputs.len(), 3, "iab.csv is optional");
    assert!(
        registry.inputs[0]
            .snapshot
            .ends_with("(file modification time)"),
        "{:?}",
        registry.inputs[0]
    );
    assert!(registry.inputs[0].sha256.starts_with("sha256:"));

    write(dir.path(), ".lastupdate", "1661630937\n");
    let registry = sources::read_ieee(dir.path()).unwrap();
    assert_eq!(
        registry.inputs[1].snapshot,
        "2022-08-27 (download time in .lastupdate, written by update-ieee-data)"
    );

    write(dir.path(), ".lastupdate", "yesterday\n");
    let err = sources::read_ieee(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains(".lastupdate") && err.contains("yesterday"),
        "{err}"
    );

    std::fs::remove_file(dir.path().join(".lastupdate")).unwrap();
    std::fs::remove_file(dir.path().join("mam.csv")).unwrap();
    let err = sources::read_ieee(dir.path()).unwrap_err().to_string();
    assert!(err.contains("mam.csv"), "{err}");
}

/// usb.ids/pci.ids are dated by their own header; a file without one by its modification time.
#[test]
fn ids_snapshot_comes_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "usb.ids", USB_IDS);
    let registry = sources::read_ids(&dir.path().join("usb.ids"), "usb").unwrap();
    assert_eq!(
        registry.inputs[0].snapshot,
        "2025-07-26 20:34:01 (file header, Version 2025.07.26)"
    );
    write(
        dir.path(),
        "bare.ids",
        "12d1  Huawei Technologies Co., Ltd.\n",
    );
    let registry = sources::read_ids(&dir.path().join("bare.ids"), "usb").unwrap();
    assert!(registry.inputs[0]
        .snapshot
        .ends_with("(file modification time)"));
}
