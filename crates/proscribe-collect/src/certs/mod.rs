//! Root certificates: PEM and DER files, bundles, and Linux trust stores.
//!
//! Some anti-virus products intercept TLS by installing their own root certificate
//! ("Kaspersky Anti-Virus Personal Root Certificate"); such a root stays behind after the
//! product is removed and is invisible to package inventories. [`certificate_item`] turns
//! one DER certificate into an [`Item`]; the Windows registry collector reuses it for the
//! `SystemCertificates` blobs.

mod der;

use std::collections::HashSet;
use std::path::Path;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{CollectError, Collector, Confidence, Input, Sink};

pub use der::rfc4514;

/// Why bytes could not be read as a certificate.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// The bytes are not a DER-encoded X.509 certificate.
    #[error("not a DER X.509 certificate: {0}")]
    NotDer(String),
    /// A PEM block is damaged (bad base64, no END line).
    #[error("damaged PEM block: {0}")]
    Pem(String),
}

/// Turns one DER-encoded certificate into a `certificate` item.
///
/// Name is the subject CN (the full subject when there is none); identifiers are the
/// subject in RFC 4514 form (`cert-subject`) and the SHA-256 of the DER (`cert-sha256`);
/// the publisher is the subject O. Issuer, validity and serial go to `attrs`, where they
/// help a person but are never matched. Bytes after the certificate (OpenSSL's
/// `TRUSTED CERTIFICATE` trailer) are ignored; the fingerprint covers the certificate only.
///
/// # Errors
/// When `der` does not start with a parseable X.509 certificate.
pub fn certificate_item(der: &[u8], location: Location) -> Result<Item, CertError> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| CertError::NotDer(e.to_string()))?;
    let der = &der[..der.len() - rest.len()];
    Ok(item_of(&cert, der, location))
}

fn item_of(cert: &X509Certificate<'_>, der: &[u8], location: Location) -> Item {
    let subject = rfc4514(cert.subject());
    let cn = first_value(cert.subject().iter_common_name());
    let org = first_value(cert.subject().iter_organization());
    let name = cn.unwrap_or_else(|| subject.clone());
    let mut item = Item::new(ItemKind::Certificate, name, location);
    item.publisher = org;
    item.identifiers
        .push(Identifier::new(IdentifierKind::CertSubject, subject));
    item.identifiers
        .push(Identifier::new(IdentifierKind::CertSha256, sha256_hex(der)));
    item.attrs.insert("issuer".into(), rfc4514(cert.issuer()));
    item.attrs
        .insert("not_before".into(), rfc3339(&cert.validity().not_before));
    item.attrs
        .insert("not_after".into(), rfc3339(&cert.validity().not_after));
    // The DER INTEGER's sign byte is not part of the serial as OpenSSL and browsers show it.
    let mut serial = cert.tbs_certificate.raw_serial();
    while let [0, rest @ ..] = serial {
        if rest.is_empty() {
            break;
        }
        serial = rest;
    }
    item.attrs.insert("serial".into(), hex(serial));
    item
}

fn first_value<'a>(
    mut attrs: impl Iterator<Item = &'a x509_parser::x509::AttributeTypeAndValue<'a>>,
) -> Option<String> {
    attrs
        .next()
        .and_then(der::attr_string)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn rfc3339(t: &x509_parser::time::ASN1Time) -> String {
    // RFC 5280 times are UTC ("Z"); x509-parser keeps them at offset zero.
    let t = t.to_datetime();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The PEM label of certificates; OpenSSL's trusted form carries trust settings after
/// the certificate.
const PEM_LABELS: [&str; 2] = ["CERTIFICATE", "TRUSTED CERTIFICATE"];

/// One `-----BEGIN CERTIFICATE-----` block of a PEM file.
#[derive(Debug)]
pub struct PemBlock {
    /// The 1-based line of the BEGIN line.
    pub line: usize,
    /// The decoded DER bytes, or why the block is damaged.
    pub der: Result<Vec<u8>, CertError>,
}

/// Every certificate block in a PEM text, in order.
///
/// Anything outside the blocks (comments, `openssl x509 -text` dumps, other PEM types
/// such as keys) is skipped, as OpenSSL does.
pub fn pem_certificates(text: &[u8]) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, Vec<u8>)> = None;
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line = trim_ascii(raw);
        if let Some((start, label, body)) = open.as_mut() {
            if let Some(end) = pem_marker(line, b"-----END ") {
                let der = if end == label.as_bytes() {
                    der::base64_decode(body)
                        .map_err(|e| CertError::Pem(format!("line {}: {e}", *start)))
                } else {
                    Err(CertError::Pem(format!(
                        "line {}: BEGIN {label} ends with END {} on line {}",
                        *start,
                        String::from_utf8_lossy(end),
                        i + 1
                    )))
                };
                blocks.push(PemBlock { line: *start, der });
                open = None;
            } else if pem_marker(line, b"-----BEGIN ").is_some() {
                blocks.push(PemBlock {
                    line: *start,
                    der: Err(CertError::Pem(format!(
                        "line {}: no END line before the next BEGIN on line {}",
                        *start,
                        i + 1
                    ))),
                });
                open = start_block(line, i + 1);
            } else if !line.contains(&b':') {
                // RFC 1421 headers (`Proc-Type: …`) never occur in certificates; skip
                // them rather than fail, like OpenSSL.
                body.extend_from_slice(line);
            }
        } else {
            open = start_block(line, i + 1);
        }
    }
    if let Some((start, _, _)) = open {
        blocks.push(PemBlock {
            line: start,
            der: Err(CertError::Pem(format!(
                "line {start}: the file ends before the END line"
            ))),
        });
    }
    blocks
}

fn start_block(line: &[u8], number: usize) -> Option<(usize, String, Vec<u8>)> {
    let label = pem_marker(line, b"-----BEGIN ")?;
    let label = std::str::from_utf8(label).ok()?;
    PEM_LABELS
        .contains(&label)
        .then(|| (number, label.to_owned(), Vec::new()))
}

/// The label of a `-----BEGIN X-----` / `-----END X-----` line.
fn pem_marker<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(prefix)?.strip_suffix(b"-----")
}

fn trim_ascii(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Whether `head` (the first bytes of a file) is PEM text with a certificate block.
fn looks_pem(head: &[u8]) -> bool {
    const MARK: &[u8] = b"-----BEGIN ";
    head.windows(MARK.len()).enumerate().any(|(i, w)| {
        w == MARK
            && PEM_LABELS.iter().any(|l| {
                head[i + MARK.len()..].starts_with(l.as_bytes())
                    && head[i + MARK.len() + l.len()..].starts_with(b"-----")
            })
    })
}

/// Whether `head` is the start of a DER certificate: a SEQUENCE whose length fits the
/// data and that parses, or, when the head is cut short, a SEQUENCE holding a SEQUENCE.
fn looks_der(head: &[u8]) -> Option<Confidence> {
    let total = der::sequence_len(head)?;
    if total <= head.len() {
        X509Certificate::from_der(&head[..total])
            .ok()
            .map(|_| Confidence::High)
    } else {
        // A certificate larger than the sniffed head (rare: big extensions).
        (head.len() >= 8 && der::sequence_len(&head[der::header_len(head)?..]).is_some())
            .then_some(Confidence::Low)
    }
}

/// File name extensions of certificate files; a damaged file with one of these names is
/// reported as a bad certificate rather than an unknown format.
const CERT_EXTENSIONS: [&str; 5] = ["pem", "crt", "cer", "der", "cert"];

fn has_cert_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CERT_EXTENSIONS.iter().any(|c| c.eq_ignore_ascii_case(e)))
}

/// The largest certificate file (or bundle) read; a trust bundle of every public root is
/// about 200 KB.
const MAX_FILE: u64 = 64 << 20;

/// Reads PEM and DER certificate files, bundles and trust-store directories.
pub struct Certificates;

impl Collector for Certificates {
    fn name(&self) -> &'static str {
        "certificate"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        if looks_pem(input.head) {
            return Some(Confidence::High);
        }
        looks_der(input.head).or_else(|| {
            (has_cert_extension(input.path) && !input.head.is_empty()).then_some(Confidence::Low)
        })
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[
            // Debian family: the bundle plus per-certificate links (skipped, see below).
            "etc/ssl/certs",
            "usr/local/share/ca-certificates",
            // Fedora / RHEL family.
            "etc/pki/ca-trust/source/anchors",
            "etc/pki/tls/certs/ca-bundle.crt",
            // Alpine, SUSE, Arch keep locally added roots here.
            "etc/pki/trust/anchors",
            "etc/ca-certificates/trust-source/anchors",
        ]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut seen = HashSet::new();
        if !input.is_dir {
            return collect_file(input.path, input.display, input.target, &mut seen, sink);
        }
        collect_dir(input, &mut seen, sink)
    }
}

/// Reads every regular file of a trust-store directory (and its subdirectories, as
/// `usr/local/share/ca-certificates/<org>/x.crt`), one item per distinct certificate.
///
/// Symbolic links are not followed: in `etc/ssl/certs` they are the per-certificate and
/// hash links whose targets are already in the bundle, and on a mounted image an
/// absolute link would lead to the scanning machine's own files.
fn collect_dir(
    input: &Input<'_>,
    seen: &mut HashSet<String>,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let mut errors = Vec::new();
    let mut stack = vec![(input.path.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)?.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries.into_iter().rev() {
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() && depth < 4 {
                stack.push((path, depth + 1));
            } else if ft.is_file() {
                let display = path.display().to_string();
                let head = crate::head_of(&path)?;
                let probe = Input {
                    path: &path,
                    display: &display,
                    target: input.target,
                    head: &head,
                    is_dir: false,
                };
                if Certificates.sniff(&probe).is_none() {
                    // Trust stores also hold READMEs and OpenSSL's `.0` CRL links.
                    continue;
                }
                if let Err(e) = collect_file(&path, &display, input.target, seen, sink) {
                    errors.push(format!("{display}: {e}"));
                }
            }
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(CollectError::format(errors.remove(0))),
        n => Err(CollectError::format(format!(
            "{} (and {} more unreadable certificate files)",
            errors.remove(0),
            n - 1
        ))),
    }
}

fn collect_file(
    path: &Path,
    display: &str,
    target: &str,
    seen: &mut HashSet<String>,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let len = std::fs::metadata(path)?.len();
    if len > MAX_FILE {
        return Err(CollectError::format(format!(
            "{len} bytes is larger than any certificate bundle ({MAX_FILE} bytes): not read"
        )));
    }
    let bytes = std::fs::read(path)?;
    let location = |detail: Option<String>| Location {
        target: target.to_owned(),
        collector: "certificate".into(),
        path: display.to_owned(),
        detail,
    };
    if !looks_pem(&bytes[..bytes.len().min(crate::HEAD_LEN)]) {
        let item = certificate_item(&bytes, location(None))
            .map_err(|e| CollectError::format(e.to_string()))?;
        push_new(item, seen, sink);
        return Ok(());
    }
    let blocks = pem_certificates(&bytes);
    let count = blocks.len();
    let mut first_error = None;
    let mut bad = 0;
    for block in blocks {
        let detail = (count > 1).then(|| format!("line {}", block.line));
        let item = block
            .der
            .and_then(|der| certificate_item(&der, location(detail)));
        match item {
            Ok(item) => push_new(item, seen, sink),
            Err(CertError::NotDer(why)) => {
                bad += 1;
                first_error.get_or_insert(format!(
                    "PEM block at line {}: not a DER X.509 certificate: {why}",
                    block.line
                ));
            }
            Err(e) => {
                bad += 1;
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    match first_error {
        None => Ok(()),
        Some(e) if bad == 1 => Err(CollectError::format(e)),
        Some(e) => Err(CollectError::format(format!(
            "{e} (and {} more damaged blocks)",
            bad - 1
        ))),
    }
}

fn push_new(item: Item, seen: &mut HashSet<String>, sink: &mut dyn Sink) {
    let sha = item
        .identifiers_of(IdentifierKind::CertSha256)
        .next()
        .map(|i| i.value.clone())
        .unwrap_or_default();
    if seen.insert(sha) {
        sink.push(item);
    }
}

#[cfg(test)]
mod tests;
