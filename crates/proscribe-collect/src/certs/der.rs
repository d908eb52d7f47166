//! Small DER and text helpers: RFC 4514 names, ASN.1 string types, base64, lengths.

use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// Short names RFC 4514 §3 requires, plus the common ones of RFC 4519 and PKCS #9 that
/// OpenSSL also prints by name.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.6", "C"),
    ("2.5.4.9", "STREET"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.12", "title"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "initials"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.46", "dnQualifier"),
    ("2.5.4.17", "postalCode"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.97", "organizationIdentifier"),
    ("1.2.840.113549.1.9.1", "emailAddress"),
];

/// A distinguished name in RFC 4514 string form: the RDNs in reverse order of the
/// encoding, `,` between RDNs, `+` inside one (also reversed, as OpenSSL's `RFC2253`
/// output has it), values escaped.
///
/// Certificate tools disagree on order and spacing (OpenSSL's default prints
/// `C = RU, O = …, CN = …`); the standard form gives one stable string per name.
pub fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            let attrs: Vec<String> = rdn.iter().map(attribute).collect();
            attrs.into_iter().rev().collect::<Vec<_>>().join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn attribute(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = attr.attr_type().to_id_string();
    let short = SHORT_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, s)| *s);
    match (short, attr_string(attr)) {
        (Some(short), Some(value)) => format!("{short}={}", escape(&value)),
        // RFC 4514 §2.4: a type without a name, or a value that is not a string, is
        // written as `#` and the hex of its BER encoding.
        (short, _) => format!("{}=#{}", short.unwrap_or(&oid), hex_of_value(attr)),
    }
}

/// The text of a string-typed attribute value; `None` for other types.
pub(crate) fn attr_string(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    let data = attr.attr_value().as_bytes();
    match attr.attr_value().tag().0 {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString.
        12 | 18 | 19 | 22 | 26 => std::str::from_utf8(data).ok().map(str::to_owned),
        // TeletexString: in practice Latin-1.
        20 => Some(data.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UTF-16BE.
        30 => {
            if data.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString: UTF-32BE.
        28 => {
            if data.len() % 4 != 0 {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

fn hex_of_value(attr: &AttributeTypeAndValue<'_>) -> String {
    let value = attr.attr_value();
    let data = value.as_bytes();
    let mut der = Vec::with_capacity(data.len() + 6);
    let tag = value.tag().0;
    let class = (value.class() as u8) << 6;
    let constructed = if value.header.is_constructed() {
        0x20
    } else {
        0
    };
    if tag < 31 {
        der.push(class | constructed | tag as u8);
    } else {
        der.push(class | constructed | 0x1f);
        let mut groups = Vec::new();
        let mut t = tag;
        loop {
            groups.push((t & 0x7f) as u8);
            t >>= 7;
            if t == 0 {
                break;
            }
        }
        for (i, g) in groups.iter().enumerate().rev() {
            der.push(if i == 0 { *g } else { g | 0x80 });
        }
    }
    let len = data.len();
    if len < 0x80 {
        der.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        der.push(0x80 | bytes.len() as u8);
        der.extend_from_slice(&bytes);
    }
    der.extend_from_slice(data);
    der.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 4514 §2.4 escaping.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// Decodes standard base64, ignoring whitespace; padding is optional.
pub(crate) fn base64_decode(text: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = 0;
    for (i, &c) in text.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => continue,
            c => {
                return Err(format!(
                    "byte {:?} at offset {i} of the base64 body is not base64",
                    char::from(c)
                ))
            }
        };
        if padding > 0 {
            return Err("base64 data after '=' padding".into());
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if out.is_empty() {
        return Err("empty base64 body".into());
    }
    Ok(out)
}

/// The length of the DER header of a SEQUENCE at the start of `b`.
pub(crate) fn header_len(b: &[u8]) -> Option<usize> {
    if *b.first()? != 0x30 {
        return None;
    }
    let first = *b.get(1)?;
    match first {
        0..=0x7f => Some(2),
        0x81..=0x84 => Some(2 + usize::from(first & 0x7f)),
        _ => None,
    }
}

/// The total length (header and content) of a DER SEQUENCE at the start of `b`, from its
/// definite length; `None` when `b` does not start with one.
pub(crate) fn sequence_len(b: &[u8]) -> Option<usize> {
    let header = header_len(b)?;
    let content = if header == 2 {
        usize::from(b[1])
    } else {
        b.get(2..header)?
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x))
    };
    header.checked_add(content)
}
