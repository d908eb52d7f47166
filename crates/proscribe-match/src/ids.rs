//! Parsers for the identifier shapes the matcher compares structurally rather than as
//! strings: MAC addresses, USB/PCI id pairs, SNMP object ids, package URLs, CPEs, domains.
//! Each returns `None` for a value it cannot read, so bad input means "no match", never a
//! panic.

use std::borrow::Cow;

use caseless::Caseless;

/// Case-folds an identifier for exact comparison, borrowing when it is already folded.
pub(crate) fn fold(s: &str) -> Cow<'_, str> {
    let s = s.trim();
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.chars().default_case_fold().collect())
    }
}

/// A MAC-48 as an integer, or `None` if it is not in one of the notations
/// [`proscribe_model::mac`] accepts (the collectors' parser: one definition for both).
pub(crate) fn mac48(s: &str) -> Option<u64> {
    proscribe_model::mac::parse(s)
}

/// Whether a MAC is individually assigned and globally unique: a locally administered
/// (`0x02` of the first octet) or multicast (`0x01`) address says nothing about its maker.
pub(crate) fn mac_is_global_unicast(mac: u64) -> bool {
    proscribe_model::mac::is_global_unicast(mac)
}

/// An OUI/MA-M/MA-S key (6, 7 or 9 upper-case hex digits) as (bits, value).
pub(crate) fn oui_key(key: &str) -> Option<(u32, u64)> {
    let bits = match key.len() {
        6 => 24,
        7 => 28,
        9 => 36,
        _ => return None,
    };
    u64::from_str_radix(key, 16).ok().map(|v| (bits, v))
}

/// The vendor half of a `vvvv:pppp` USB or PCI id (or of a bare `vvvv`).
pub(crate) fn bus_vendor(s: &str) -> Option<u16> {
    let s = s.trim();
    let vendor = s.split(':').next()?;
    let vendor = vendor
        .strip_prefix("0x")
        .or_else(|| vendor.strip_prefix("0X"))
        .unwrap_or(vendor);
    if vendor.len() != 4 {
        return None;
    }
    u16::from_str_radix(vendor, 16).ok()
}

/// The Private Enterprise Number in an SNMP sysObjectID `1.3.6.1.4.1.<PEN>…`.
pub(crate) fn enterprise_number(s: &str) -> Option<u32> {
    let s = s.trim().trim_start_matches('.');
    let rest = s.strip_prefix("1.3.6.1.4.1.")?;
    let pen = rest.split('.').next()?;
    if pen.is_empty() || !pen.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pen.parse().ok()
}

/// A package URL reduced to what identifies the package: (type, namespace, name), each
/// percent-decoded and case-folded. Version, qualifiers and subpath are ignored.
pub(crate) fn purl(s: &str) -> Option<(String, String, String)> {
    let s = s.trim();
    let rest = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("pkg:"))
        .map(|_| &s[4..])?;
    let rest = rest.trim_start_matches('/');
    let rest = rest.split('#').next().unwrap_or_default();
    let rest = rest.split('?').next().unwrap_or_default();
    let rest = match (rest.rfind('@'), rest.rfind('/')) {
        (Some(at), Some(slash)) if at > slash => &rest[..at],
        (Some(at), None) => &rest[..at],
        _ => rest,
    };
    let rest = rest.trim_end_matches('/');
    let (ty, path) = rest.split_once('/')?;
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, name)) => (ns, name),
        None => ("", path),
    };
    if ty.is_empty() || name.is_empty() {
        return None;
    }
    let part = |p: &str| fold(&percent_decode(p)).into_owned();
    Some((part(ty), part(namespace), part(name)))
}

/// The lookup key of a package URL's identity.
pub(crate) fn purl_key(ty: &str, namespace: &str, name: &str) -> String {
    format!("{ty}/{namespace}/{name}")
}

/// The package ecosystem a purl type names, for matching purls against `package`
/// signatures.
pub(crate) fn purl_ecosystem(ty: &str) -> &str {
    match ty {
        "alpm" => "pacman",
        other => other,
    }
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// A CPE in 2.3 formatted-string form, case-folded; a CPE 2.2 URI (`cpe:/a:vendor:…`) is
/// rewritten to `cpe:2.3:a:vendor:…` so one signature covers both.
pub(crate) fn cpe(s: &str) -> String {
    let f = fold(s);
    match f.strip_prefix("cpe:/") {
        Some(rest) => format!("cpe:2.3:{rest}"),
        None => f.into_owned(),
    }
}

/// Whether the CPE `item` starts with the signature `prefix` on a component boundary.
pub(crate) fn cpe_has_prefix(item: &str, prefix: &str) -> bool {
    item.starts_with(prefix)
        && (prefix.ends_with(':')
            || item.len() == prefix.len()
            || item.as_bytes()[prefix.len()] == b':')
}

/// A domain and each parent domain, case-folded, without a trailing dot:
/// `upd.kaspersky.com`, `kaspersky.com`, `com`.
pub(crate) fn domain_suffixes(folded: &str) -> impl Iterator<Item = &str> {
    let d = folded.trim_end_matches('.');
    std::iter::once(d).chain(d.match_indices('.').map(move |(i, _)| &d[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MACs in the common notations parse; junk does not.
    #[test]
    fn macs() {
        assert_eq!(mac48("00:e0:fc:12:34:56"), Some(0x00e0_fc12_3456));
        assert_eq!(mac48("00-E0-FC-12-34-56"), Some(0x00e0_fc12_3456));
        assert_eq!(mac48("00e0.fc12.3456"), Some(0x00e0_fc12_3456));
        assert_eq!(mac48("00:e0:fc:12:34"), None);
        assert_eq!(mac48("00:e0:fc:12:34:56:78"), None);
        assert_eq!(mac48("zz:e0:fc:12:34:56"), None);
        assert!(mac_is_global_unicast(0x00e0_fc12_3456));
        assert!(!mac_is_global_unicast(0x02e0_fc12_3456));
        assert!(!mac_is_global_unicast(0x01e0_fc12_3456));
    }

    /// Bus ids and enterprise numbers.
    #[test]
    fn bus_and_pen() {
        assert_eq!(bus_vendor("12d1:1001"), Some(0x12d1));
        assert_eq!(bus_vendor("0x12D1:1001"), Some(0x12d1));
        assert_eq!(bus_vendor("12d:1001"), None);
        assert_eq!(enterprise_number("1.3.6.1.4.1.2011.2.23"), Some(2011));
        assert_eq!(enterprise_number(".1.3.6.1.4.1.3902"), Some(3902));
        assert_eq!(enterprise_number("1.3.6.1.2.1.1"), None);
        assert_eq!(enterprise_number("1.3.6.1.4.1.x"), None);
    }

    /// Purls lose version, qualifiers and subpath; scoped npm names keep their namespace.
    #[test]
    fn purls() {
        let p = |s| purl(s).map(|(t, n, m)| purl_key(&t, &n, &m));
        assert_eq!(
            p("pkg:deb/debian/kesl@12.1?arch=amd64"),
            Some("deb/debian/kesl".into())
        );
        assert_eq!(
            p("pkg:npm/%40scope/Name@1#sub"),
            Some("npm/@scope/name".into())
        );
        assert_eq!(p("pkg:npm/@scope/name@1"), Some("npm/@scope/name".into()));
        assert_eq!(p("pkg:pypi/requests"), Some("pypi//requests".into()));
        assert_eq!(p("pkg:maven/org.a/b/c@1"), Some("maven/org.a/b/c".into()));
        assert_eq!(p("deb/debian/kesl"), None);
        assert_eq!(p("pkg:deb"), None);
    }

    /// CPE 2.2 URIs become 2.3 strings; prefixes respect component boundaries.
    #[test]
    fn cpes() {
        assert_eq!(
            cpe("cpe:/a:Kaspersky:anti-virus:2011"),
            "cpe:2.3:a:kaspersky:anti-virus:2011"
        );
        let item = cpe("cpe:2.3:a:kaspersky:anti-virus:2011:*:*:*:*:*:*:*");
        assert!(cpe_has_prefix(&item, "cpe:2.3:a:kaspersky:"));
        assert!(cpe_has_prefix(&item, "cpe:2.3:a:kaspersky"));
        assert!(!cpe_has_prefix(&item, "cpe:2.3:a:kasper"));
    }

    /// A domain yields itself and its parents.
    #[test]
    fn domains() {
        let v: Vec<&str> = domain_suffixes("upd.kaspersky.com.").collect();
        assert_eq!(v, ["upd.kaspersky.com", "kaspersky.com", "com"]);
    }
}
