//! Certificate parsing against OpenSSL's own view of the fixtures (see fixtures/certificate/
//! PROVENANCE for the `openssl x509 -nameopt RFC2253` output these values come from).

use super::*;
use std::path::PathBuf;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/certificate")
        .join(rel)
}

fn collect_path(rel: &str) -> (Vec<Item>, Option<String>) {
    let path = fixture(rel);
    let head = if path.is_dir() {
        Vec::new()
    } else {
        crate::head_of(&path).unwrap()
    };
    let display = rel.to_owned();
    let input = Input {
        path: &path,
        display: &display,
        target: "t",
        head: &head,
        is_dir: path.is_dir(),
    };
    let mut items = Vec::new();
    let err = Certificates
        .collect(&input, &mut items)
        .err()
        .map(|e| e.to_string());
    (items, err)
}

fn id(item: &Item, kind: IdentifierKind) -> &str {
    &item.identifiers_of(kind).next().unwrap().value
}

/// The DER form gives what OpenSSL prints: RFC 4514 subject, serial, dates, fingerprint.
#[test]
fn der_certificate_item() {
    let der = std::fs::read(fixture("kaspersky-root.der")).unwrap();
    let item = certificate_item(&der, Location::default()).unwrap();
    assert_eq!(item.kind, ItemKind::Certificate);
    assert_eq!(item.name, "Kaspersky Anti-Virus Personal Root Certificate");
    assert_eq!(item.publisher.as_deref(), Some("AO Kaspersky Lab"));
    assert_eq!(
        id(&item, IdentifierKind::CertSubject),
        "CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab,C=RU"
    );
    assert_eq!(
        id(&item, IdentifierKind::CertSha256),
        "31ff9a81a421ebfb261ac957f5da6f1d357e1ebd09c9f399b57f1bb0cc4d35ed"
    );
    assert_eq!(item.attrs["serial"], "4b4c01");
    assert_eq!(item.attrs["not_before"], "2026-11-25T21:27:05Z");
    assert_eq!(item.attrs["not_after"], "2046-11-20T21:27:05Z");
    assert_eq!(item.attrs["issuer"], id(&item, IdentifierKind::CertSubject));
}

/// PEM and DER of the same certificate give the same item.
#[test]
fn pem_equals_der() {
    let (pem, e1) = collect_path("kaspersky-root.pem");
    let (der, e2) = collect_path("kaspersky-root.der");
    assert_eq!((e1, e2), (None, None));
    assert_eq!(pem.len(), 1);
    assert_eq!(pem[0].identifiers, der[0].identifiers);
    assert_eq!(pem[0].attrs, der[0].attrs);
    assert_eq!(pem[0].location.detail, None);
}

/// Text dumps, comments and a private key between blocks are skipped; each certificate's
/// line is its BEGIN line.
#[test]
fn bundle_with_junk() {
    let (items, err) = collect_path("bundle-with-junk.pem");
    assert_eq!(err, None);
    let got: Vec<_> = items
        .iter()
        .map(|i| (i.name.as_str(), i.location.detail.as_deref().unwrap()))
        .collect();
    let text = std::fs::read_to_string(fixture("bundle-with-junk.pem")).unwrap();
    let begins: Vec<String> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "-----BEGIN CERTIFICATE-----")
        .map(|(i, _)| format!("line {}", i + 1))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Kaspersky Anti-Virus Personal Root Certificate",
                begins[0].as_str()
            ),
            ("ISRG Root X1", begins[1].as_str()),
        ]
    );
    assert_eq!(
        id(&items[1], IdentifierKind::CertSha256),
        "96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6"
    );
    assert_eq!(items[1].attrs["serial"], "8210cfb0d240e3594463e0bb63828b00");
}

/// A Debian trust store: the bundle's three roots once each; links are not followed.
#[test]
fn debian_trust_store_dedupes() {
    let (items, err) = collect_path("root-debian/etc/ssl/certs");
    assert_eq!(err, None);
    let mut names: Vec<_> = items.iter().map(|i| i.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "DigiCert Global Root G2",
            "ISRG Root X1",
            "Kaspersky Anti-Virus Personal Root Certificate"
        ]
    );
}

/// Damaged inputs: one line that names the place.
#[test]
fn bad_inputs() {
    let (items, err) = collect_path("not-a-certificate.der");
    assert!(items.is_empty());
    assert!(err.unwrap().starts_with("not a DER X.509 certificate"));
    let (items, err) = collect_path("bad-base64.pem");
    assert!(items.is_empty());
    let err = err.unwrap();
    assert!(
        err.starts_with("damaged PEM block: line 1: byte '!'"),
        "{err}"
    );
}

/// Sniffing: PEM anywhere in the head, a DER certificate, not a DER key.
#[test]
fn sniffing() {
    let sniff = |rel: &str| {
        let path = fixture(rel);
        let head = crate::head_of(&path).unwrap();
        Certificates.sniff(&Input {
            path: &path,
            display: rel,
            target: rel,
            head: &head,
            is_dir: false,
        })
    };
    assert_eq!(sniff("bundle-with-junk.pem"), Some(Confidence::High));
    assert_eq!(sniff("kaspersky-root.der"), Some(Confidence::High));
    assert_eq!(sniff("near-miss-antivirus.der"), Some(Confidence::High));
    // A key in a file named .der: only the name says certificate.
    assert_eq!(sniff("not-a-certificate.der"), Some(Confidence::Low));
    assert_eq!(sniff("make.sh"), None);
}

/// RFC 4514 escaping of special characters, a multi-valued RDN and an unnamed type.
#[test]
fn rfc4514_escaping() {
    // Made with: openssl req -x509 -newkey ed25519 -nodes -keyout /dev/null -outform DER
    //   -subj '/CN=#a, b+c <d>;\x20/1.2.3.4=x/O=p+OU=q' -multivalue-rdn
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.der");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ed25519",
            "-nodes",
            "-keyout",
            "/dev/null",
        ])
        .args(["-outform", "DER", "-multivalue-rdn", "-out"])
        .arg(&out)
        .args(["-subj", "/CN=#a\\, b\\+c <d>; /1.2.3.4=x/O=p+OU=q"])
        .output()
        .expect("openssl is installed (scripts/test installs it)");
    assert!(status.status.success(), "{status:?}");
    let der = std::fs::read(&out).unwrap();
    let item = certificate_item(&der, Location::default()).unwrap();
    let rfc = std::process::Command::new("openssl")
        .args([
            "x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let openssl = String::from_utf8(rfc.stdout).unwrap();
    assert_eq!(
        format!("subject={}\n", id(&item, IdentifierKind::CertSubject)),
        openssl
    );
    assert_eq!(item.name, "#a, b+c <d>;");
}
