//! Banner signatures of the built-in catalog: every one compiles (Rust regex syntax), matches
//! the examples its source (Recog, nmap-service-probes) gives, in its own protocol field
//! only, and common banners of other makers match none.

use std::collections::BTreeSet;

use proscribe_catalog::Catalog;
use proscribe_match::Matcher;
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

/// (signature label, examples). Examples are the source's own (Recog `<example>`), or for
/// nmap patterns, which carry none, the shortest string the pattern describes.
const EXAMPLES: &[(&str, &[&str])] = &[
    // Recog dhcp_vendor_class.xml's example, and the vendor class of the ISC dhcpd fixture
    // (proscribe-collect/fixtures/net/dhcp/dhcpd.leases).
    ("huawei#10", &["HUAWEI:android:ABC", "HUAWEI:android:ELE-L29"]),
    (
        "huawei-network-equipment#1",
        &[
            "Huawei Versatile Routing Platform Software       VRP (R) software, Version 8.120 (CE6870EI V200R001C00SPC700) Copyright (C) 2012-2016 Huawei Technologies Co., Ltd.     ",
            "Huawei Versatile Routing Platform Software       VRP (R) software, Version 5.120 (AR2200 V200R003C00) Copyright (C) 2011-2012 HUAWEI TECH CO., LTD     ",
            "Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170 (S5720 V200R011C10SPC500)",
        ],
    ),
    (
        "huawei-network-equipment#2",
        &[
            "MAS 1.0 (Intel X86) Copyright (c) 1998-2006 Huawei Technologies Co., Ltd on Windows NT 5.0",
            "MAS 1.0 (Intel X86) Copyright (c) 1998-2006 Huawei Technologies Co., Ltd on SUSE LINUX 9.0",
        ],
    ),
    (
        "huawei-network-equipment#3",
        &["HUAWEI-1.5", "SSH-2.0-HUAWEI-1.5"],
    ),
    ("huawei-network-equipment#4", &["HUAWEI-UMG8900"]),
    (
        "huawei-network-equipment#5",
        &["HUAWEI-VRP-3.10", "HUAWEI_VRPV8.0", "SSH-2.0-HUAWEI-VRP3.10"],
    ),
    ("huawei-network-equipment#6", &["SSH-2.0-VRP-3.3"]),
    ("huawei-network-equipment#7", &["SSH-2.0-DOPRA-1.5"]),
    (
        "huawei-network-equipment#8",
        &["Linux UPnP/1.0 Huawei-ATP-IGD"],
    ),
    ("huawei-network-equipment#9", &["Huawei-BMC"]),
    (
        "huawei-network-equipment#10",
        &[
            "Basic realm=\"HuaweiHomeGateway\"",
            "Digest realm=\"HuaweiHomeGateway\",nonce=\"0123456789abcdef0123456789abcdef\", qop=\"auth\", algorithm=\"MD5\"",
            "Basic realm=HuaweiHomeGateway",
        ],
    ),
    (
        "huawei-network-equipment#11",
        &[
            "Basic realm=\"EchoLife Portal de Inicio\"",
            "Basic realm=\"EchoLife Home Gateway\"",
        ],
    ),
    (
        "huawei-network-equipment#12",
        &["Basic realm=\"SmartAX MT882\""],
    ),
    (
        "zte-network-equipment#1",
        &[
            "Mini web server 1.0 ZTE corp 2005.",
            "ZTE web server 1.0 ZTE corp 2015.",
        ],
    ),
    ("zte-network-equipment#2", &["ZTE Web Server/1.0.0"]),
    (
        "zte-network-equipment#3",
        &["ZTE/1.0 UPnP/1.0 miniupnpd/1.0"],
    ),
    (
        "zte-network-equipment#4",
        &["Digest realm=\"cpe@zte.com\""],
    ),
    ("zte-network-equipment#5", &["Basic realm=\"ZXHN H108L\""]),
    ("zte-network-equipment#6", &["Basic realm=\"ZXV10 W300\""]),
    (
        "zte-network-equipment#7",
        &["SSH-2.0-ZTE_SSH.2.0", "ZTE_SSH.2.0"],
    ),
    (
        "hikvision-video-surveillance-equipment#1",
        &["Hikvision-Webs", "DVRDVS-Webs", "DNVRS-Webs"],
    ),
    ("hikvision-video-surveillance-equipment#2", &["App-webs/"]),
    (
        "hikvision-video-surveillance-equipment#3",
        &["Basic realm=\"hikvision\"", "Digest realm=\"Hikvision\", nonce=\"0123\""],
    ),
    (
        "hikvision-video-surveillance-equipment#4",
        &[
            "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN",
            "commonName=www.hikvision.com/organizationName=HIKVISION/stateOrProvinceName=ZheJiang/countryName=CN",
        ],
    ),
    ("dahua-video-surveillance-equipment#1", &["Dahua Rtsp Server"]),
];

/// Banners of other makers' devices and of common servers.
const OTHERS: &[&str] = &[
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
    "OpenSSH_8.4",
    "SSH-2.0-dropbear_2022.83",
    "SSH-2.0-Cisco-1.25",
    "nginx/1.22.1",
    "Apache/2.4.57 (Debian)",
    "Microsoft-IIS/10.0",
    "lighttpd/1.4.69",
    "Webs",
    "GoAhead-Webs",
    "Basic realm=\"Restricted\"",
    "Basic realm=\"MikroTik\"",
    "Digest realm=\"Login to 4L0123456789\", nonce=\"ab\"",
    "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE",
    "Linux router 5.10.0-26-amd64 #1 SMP Debian 5.10.197-1 x86_64",
    "ExtremeXOS (X440G2-48p-10G4) version 30.7.1.1",
    "CN=localhost,O=Example Ltd,C=US",
    "commonName=printer.local/organizationName=HP",
    "RTSP Server",
    "VRP",
];

const ECOSYSTEMS: [&str; 7] = [
    "dhcp-vendor-class",
    "http-server",
    "ssh",
    "snmp-sysdescr",
    "http-realm",
    "http-title",
    "tls-subject",
];

fn catalog() -> Catalog {
    Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog does not load:\n{e}"))
}

fn banner(value: &str, ecosystem: Option<&str>) -> Item {
    let mut it = Item::new(ItemKind::NetworkDevice, "192.0.2.7", Location::default());
    it.identifiers.push(Identifier {
        kind: IdentifierKind::Banner,
        value: value.to_owned(),
        ecosystem: ecosystem.map(str::to_owned),
    });
    it
}

/// Labels and ecosystems of every banner signature in the built-in catalog.
fn banner_signatures(catalog: &Catalog) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for v in &catalog.vendors {
        for (i, s) in v.signatures.iter().enumerate() {
            if s.field == "banner" {
                out.push((
                    format!("{}#{i}", v.id),
                    s.ecosystem.clone(),
                    s.value.clone(),
                ));
            }
        }
        for p in &v.products {
            for (i, s) in p.signatures.iter().enumerate() {
                if s.field == "banner" {
                    out.push((
                        format!("{}#{i}", p.id),
                        s.ecosystem.clone(),
                        s.value.clone(),
                    ));
                }
            }
        }
    }
    out
}

/// Every banner signature has examples here, and every example here names a signature.
#[test]
fn every_banner_signature_has_examples() {
    let sigs: BTreeSet<String> = banner_signatures(&catalog())
        .into_iter()
        .map(|(l, _, _)| l)
        .collect();
    let listed: BTreeSet<String> = EXAMPLES.iter().map(|(l, _)| (*l).to_owned()).collect();
    assert_eq!(sigs, listed);
}

/// Each example matches its own signature in its own field, and in no other field.
#[test]
fn examples_match_their_signature_in_their_field_only() {
    let catalog = catalog();
    let m = Matcher::compile(&catalog).expect("built-in catalog compiles");
    let sigs = banner_signatures(&catalog);
    for (label, examples) in EXAMPLES {
        let (_, eco, pattern) = sigs
            .iter()
            .find(|(l, _, _)| l == label)
            .unwrap_or_else(|| panic!("no banner signature {label}"));
        // Rust regex syntax, case-insensitive as the matcher compiles it.
        let re = regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        for example in *examples {
            assert!(
                re.is_match(example),
                "{label} `{pattern}` misses `{example}`"
            );
            let found = m.find(&banner(example, eco.as_deref()));
            let hit = found
                .iter()
                .flat_map(|f| &f.evidence)
                .any(|e| e.signature == *label && e.field == "banner");
            assert!(hit, "{label}: `{example}` gave {found:#?}");
            if let Some(eco) = eco {
                for other in ECOSYSTEMS.iter().filter(|o| **o != eco.as_str()) {
                    let found = m.find(&banner(example, Some(other)));
                    assert!(
                        !found
                            .iter()
                            .flat_map(|f| &f.evidence)
                            .any(|e| e.signature == *label),
                        "{label} matched `{example}` as {other}"
                    );
                }
            }
        }
    }
}

/// Other makers' banners match nothing, in any field.
#[test]
fn other_banners_match_nothing() {
    let m = Matcher::compile(&catalog()).expect("built-in catalog compiles");
    for b in OTHERS {
        for eco in ECOSYSTEMS.iter().map(|e| Some(*e)).chain([None]) {
            let found = m.find(&banner(b, eco));
            assert!(found.is_empty(), "`{b}` as {eco:?} gave {found:#?}");
        }
    }
}
