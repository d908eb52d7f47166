//! MAC-48 addresses: one parser for every notation the sources use, so collectors store
//! one normalised form (`00:18:82:aa:bb:cc`) and the matcher reads the same way.
//!
//! Accepted notations (surrounding whitespace ignored, hex digits in either case):
//! - six groups of one or two digits separated by `:` or `-` (`00:18:82:aa:bb:cc`,
//!   `00-18-82-AA-BB-CC`, and macOS `arp`'s `0:18:82:a:b:c` that drops leading zeros);
//! - three groups of four digits separated by `.`, `:` or `-` (Cisco `0018.82aa.bbcc`);
//! - two groups of six digits separated by `-` (HP `001882-aabbcc`);
//! - twelve bare digits (`001882aabbcc`).
//!
//! Anything else (a separator mixed with another, a wrong group length, EUI-64) is
//! rejected: an unreadable address must never be guessed into a vendor's range.

/// A MAC-48 as an integer, or `None` when `s` is not one of the accepted notations.
pub fn parse(s: &str) -> Option<u64> {
    let s = s.as_bytes();
    // The common case first: `xx:xx:xx:xx:xx:xx` or `xx-xx-…`, 17 bytes, no whitespace.
    if s.len() == 17 {
        if let Some(v) = fixed17(s) {
            return Some(v);
        }
    }
    let s = s.trim_ascii();
    if s.len() < 11 || s.len() > 17 {
        return None;
    }
    let mut groups = [0u64; 6];
    let mut lens = [0u8; 6];
    let mut n = 0usize;
    let mut sep = 0u8;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            b':' | b'-' | b'.' => {
                if (sep != 0 && sep != b) || lens[n] == 0 || n == 5 {
                    return None;
                }
                sep = b;
                n += 1;
                continue;
            }
            _ => return None,
        };
        if lens[n] >= 12 {
            return None;
        }
        groups[n] = (groups[n] << 4) | u64::from(d);
        lens[n] += 1;
    }
    let count = n + 1;
    let lens = &lens[..count];
    let ok = match count {
        1 => lens[0] == 12,
        2 => sep == b'-' && lens.iter().all(|&l| l == 6),
        3 => lens.iter().all(|&l| l == 4),
        6 => sep != b'.' && lens.iter().all(|&l| l == 1 || l == 2),
        _ => false,
    };
    if !ok {
        return None;
    }
    let shift = 48 / count as u32;
    Some(groups[..count].iter().fold(0, |v, &g| (v << shift) | g))
}

/// Hex digit values, `0xff` for a byte that is not a hex digit.
const HEX: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Six two-digit groups with the same `:` or `-` between them.
fn fixed17(s: &[u8]) -> Option<u64> {
    let sep = s[2];
    if !(sep == b':' || sep == b'-') {
        return None;
    }
    let mut v = 0u64;
    let mut bad = 0u8;
    for g in 0..6 {
        let i = g * 3;
        if g < 5 && s[i + 2] != sep {
            return None;
        }
        let (hi, lo) = (HEX[s[i] as usize], HEX[s[i + 1] as usize]);
        bad |= hi | lo;
        v = (v << 8) | u64::from(hi << 4 | lo);
    }
    (bad & 0xf0 == 0).then_some(v)
}

/// The lower-case colon form of a MAC-48: `00:18:82:aa:bb:cc`.
pub fn format(mac: u64) -> String {
    let b = mac.to_be_bytes();
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

/// `s` in the lower-case colon form, or `None` when it is not a MAC-48.
pub fn normalize(s: &str) -> Option<String> {
    parse(s).map(format)
}

/// Whether a MAC is individually assigned and globally unique: a locally administered
/// (`0x02` bit of the first octet) or group (`0x01`, multicast and broadcast) address
/// says nothing about its maker.
pub fn is_global_unicast(mac: u64) -> bool {
    (mac >> 40) & 0x03 == 0
}

/// Whether a MAC is a group address (multicast or broadcast): such an address names no
/// device, so neighbour tables' entries for it are not inventory.
pub fn is_group(mac: u64) -> bool {
    (mac >> 40) & 0x01 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every accepted notation gives the same value and the same normalised text.
    #[test]
    fn notations() {
        let want = Some(0x0018_82aa_bbcc);
        for s in [
            "00:18:82:aa:bb:cc",
            "00-18-82-AA-BB-CC",
            " 00:18:82:AA:bb:cc\n",
            "0018.82aa.bbcc",
            "0018-82aa-bbcc",
            "001882-aabbcc",
            "001882aabbcc",
            "001882AABBCC",
        ] {
            assert_eq!(parse(s), want, "{s}");
            assert_eq!(normalize(s).as_deref(), Some("00:18:82:aa:bb:cc"), "{s}");
        }
        assert_eq!(parse("0:18:82:a:b:c"), Some(0x0018_820a_0b0c));
        assert_eq!(format(0x0018_820a_0b0c), "00:18:82:0a:0b:0c");
    }

    /// Near misses are refused rather than guessed.
    #[test]
    fn refused() {
        for s in [
            "",
            "00:18:82:aa:bb",
            "00:18:82:aa:bb:cc:dd",
            "00:18:82:aa:bb:ccc",
            "00:18-82:aa:bb:cc",
            "00.18.82.aa.bb.cc",
            "0018.82aa.bbc",
            "00188-2aabbcc",
            "001882aabbc",
            "001882aabbccd",
            "zz:18:82:aa:bb:cc",
            "00::18:82:aa:bb",
            ":00:18:82:aa:bb:cc",
            "00:18:82:aa:bb:cc:",
            "00:18:82:aa:bb:cc ff",
            "fe80::1",
            "00:18:82:ff:fe:aa:bb:cc",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    /// Locally administered and group addresses are not global unicast.
    #[test]
    fn address_kinds() {
        assert!(is_global_unicast(0x00e0_fc12_3456));
        assert!(!is_global_unicast(0x02e0_fc12_3456));
        assert!(!is_global_unicast(0x01e0_fc12_3456));
        assert!(is_group(0xffff_ffff_ffff));
        assert!(is_group(0x0100_5e00_0001));
        assert!(!is_group(0x0018_82aa_bbcc));
    }
}
