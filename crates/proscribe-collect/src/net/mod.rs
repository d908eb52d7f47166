//! Devices seen on a network: scan results, neighbour tables, DHCP leases, LLDP neighbours.
//!
//! Every collector here yields `network-device` items named by the device's IP address
//! (or its MAC when no address is known), with the MAC as a normalised `mac` identifier
//! and what the device said about itself (HTTP `Server` headers, SNMP sysDescr, LLDP
//! system description, DHCP vendor class) as `banner` identifiers whose `ecosystem` names
//! the protocol field. What a tool looked up on its own (nmap's MAC vendor name, a host
//! name from reverse DNS) goes to `attrs`: it is not evidence of who made the device.

pub mod dhcp;
pub mod lldp;
pub mod neigh;
pub mod nmap;

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::{CollectError, Input};

/// A network-device item found in `input` by `collector`, at `detail` (a line, a host).
pub(crate) fn device(input: &Input<'_>, collector: &str, name: &str, detail: String) -> Item {
    Item::new(
        ItemKind::NetworkDevice,
        name,
        Location {
            target: input.target.to_owned(),
            collector: collector.to_owned(),
            path: input.display.to_owned(),
            detail: Some(detail),
        },
    )
}

/// A `mac` identifier in the normalised lower-case colon form.
pub(crate) fn mac_id(mac: u64) -> Identifier {
    Identifier::new(IdentifierKind::Mac, proscribe_model::mac::format(mac))
}

/// A `banner` identifier: what a device sent in protocol field `ecosystem`.
pub(crate) fn banner(ecosystem: &str, value: &str) -> Identifier {
    Identifier {
        kind: IdentifierKind::Banner,
        value: value.to_owned(),
        ecosystem: Some(ecosystem.to_owned()),
    }
}

/// Adds a banner unless it is empty or already there.
pub(crate) fn push_banner(item: &mut Item, ecosystem: &str, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let id = banner(ecosystem, value);
    if !item.identifiers.contains(&id) {
        item.identifiers.push(id);
    }
}

/// The largest UTF-16 text file read (whole, to be converted): neighbour tables and
/// lease files saved from PowerShell are far smaller.
const MAX_UTF16: u64 = 64 << 20;

/// Whether bytes start with the UTF-16LE byte-order mark (what Windows PowerShell 5.1's
/// `>` redirection writes).
fn is_utf16le(head: &[u8]) -> bool {
    head.starts_with(&[0xff, 0xfe])
}

/// The head of a file as text, UTF-16LE (with its BOM) or UTF-8 (BOM dropped), for
/// sniffing. The last line may be cut.
pub(crate) fn head_text(head: &[u8]) -> Cow<'_, str> {
    if is_utf16le(head) {
        let units: Vec<u16> = head[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Cow::Owned(String::from_utf16_lossy(&units))
    } else {
        String::from_utf8_lossy(head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head))
    }
}

/// The file of `input` as a UTF-8 reader: UTF-16LE files (with a BOM) are converted.
///
/// # Errors
/// When the file cannot be read, or is UTF-16 and larger than 64 MiB.
pub(crate) fn open_text(input: &Input<'_>) -> Result<Box<dyn BufRead>, CollectError> {
    let mut file = std::fs::File::open(input.path)?;
    if !is_utf16le(input.head) {
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        // Skip a UTF-8 byte-order mark.
        if reader.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
            reader.consume(3);
        }
        return Ok(Box::new(reader));
    }
    let mut bytes = Vec::new();
    (&mut file).take(MAX_UTF16 + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_UTF16 {
        return Err(CollectError::format(
            "UTF-16 text larger than 64 MiB: not a neighbour table or lease file",
        ));
    }
    let text = head_text(&bytes).into_owned();
    Ok(Box::new(std::io::Cursor::new(text.into_bytes())))
}

/// The first whitespace-separated fields of a line.
pub(crate) fn fields(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Whether `s` is an IPv4 or IPv6 address.
pub(crate) fn is_ip(s: &str) -> bool {
    let s = s.split('%').next().unwrap_or(s);
    s.parse::<std::net::IpAddr>().is_ok()
}
