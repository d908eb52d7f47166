//! DHCP server lease databases: which MAC holds which address, and what the client
//! called itself.
//!
//! One collector reads three servers' files, told apart by their first lines:
//! - dnsmasq `dnsmasq.leases`: `<expiry> <mac> <ip> <hostname|*> <client-id|*>` per IPv4
//!   lease, a `duid <server-duid>` line and `<expiry> <iaid> <ipv6> <hostname> <duid>` per
//!   IPv6 lease (dnsmasq's `lease.c`, `lease_update_file`);
//! - ISC dhcpd `dhcpd.leases` (dhcpd.leases(5)): `lease <ip> { … }` blocks with `hardware
//!   ethernet`, `client-hostname`, `binding state`, `starts`/`ends` and `set <var> =
//!   "<value>"` statements, such as the vendor class identifier a server configured with
//!   `set vendor-class-identifier = option vendor-class-identifier;` records;
//! - Kea memfile lease CSV (`kea-leases4.csv`, `kea-leases6.csv`): a header naming the
//!   columns (`address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,
//!   fqdn_rev,hostname,state,…`), read by name.
//!
//! ISC and Kea files are journals: a lease is written again on every renewal, so the last
//! record of an address wins. The client's host name and vendor class identifier (DHCP
//! options 12 and 60, e.g. `HUAWEI:android:…`) are what the device said about itself, so
//! they become `banner` identifiers (`dhcp-hostname`, `dhcp-vendor-class`).

use std::collections::HashMap;
use std::io::BufRead;

use proscribe_model::Item;

use super::{device, fields, head_text, is_ip, mac_id, open_text, push_banner};
use crate::linux::text::{excerpt, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The DHCP lease collector.
pub struct DhcpLeases;

const NAME: &str = "dhcp-leases";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Dnsmasq,
    Isc,
    Kea,
}

impl Layout {
    fn label(self) -> &'static str {
        match self {
            Self::Dnsmasq => "dnsmasq",
            Self::Isc => "isc-dhcpd",
            Self::Kea => "kea",
        }
    }
}

fn layout(head: &[u8]) -> Option<Layout> {
    let text = head_text(head);
    let complete = if head.len() < crate::HEAD_LEN {
        &text[..]
    } else {
        &text[..text.rfind('\n')?]
    };
    let mut lines = complete.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.clone().next()?;
    if first.starts_with("address,") && first.contains(",hwaddr")
        || first.starts_with("address,duid,")
    {
        return Some(Layout::Kea);
    }
    if first.starts_with("duid ") || dnsmasq_line(first).is_some() {
        return Some(Layout::Dnsmasq);
    }
    // dhcpd writes comments first (`# The format of this file is documented in the
    // dhcpd.leases(5) manual page.`), then `authoring-byte-order`, `server-duid` or leases.
    let statement = lines.find(|l| !l.starts_with('#'));
    let isc_comment = first.starts_with('#') && first.contains("dhcpd.leases");
    let isc_statement = statement.is_some_and(|s| {
        s.starts_with("authoring-byte-order ")
            || s.starts_with("server-duid ")
            || (s.starts_with("lease ") && s.ends_with('{'))
            || (s.starts_with("ia-na ") && s.ends_with('{'))
    });
    (isc_comment || isc_statement).then_some(Layout::Isc)
}

/// One lease, as read.
#[derive(Debug, Default, Clone)]
struct Lease {
    ip: String,
    mac: Option<String>,
    hostname: Option<String>,
    vendor_class: Option<String>,
    state: Option<String>,
    expires: Option<String>,
    client_id: Option<String>,
    line: usize,
}

impl Collector for DhcpLeases {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        layout(input.head).map(|_| Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[
            "var/lib/misc/dnsmasq.leases",
            "var/lib/dhcp/dhcpd.leases",
            "var/lib/kea/kea-leases4.csv",
            "var/lib/kea/kea-leases6.csv",
        ]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a DHCP lease file (dnsmasq, ISC dhcpd or Kea)",
            ));
        }
        if input.head.is_empty() {
            // A server with no leases yet writes an empty file.
            return Ok(());
        }
        let Some(layout) = layout(input.head) else {
            return Err(CollectError::format(
                "not a DHCP lease file: expected dnsmasq.leases, dhcpd.leases or a Kea lease CSV",
            ));
        };
        let reader = open_text(input)?;
        let mut problems = Problems::default();
        let leases = match layout {
            Layout::Dnsmasq => read_dnsmasq(reader, &mut problems)?,
            Layout::Isc => read_isc(reader, &mut problems)?,
            Layout::Kea => read_kea(reader, &mut problems)?,
        };
        for lease in leases {
            if let Some(item) = to_item(lease, layout, input, &mut problems) {
                sink.push(item);
            }
        }
        problems.into_result()
    }
}

fn to_item(
    lease: Lease,
    layout: Layout,
    input: &Input<'_>,
    problems: &mut Problems,
) -> Option<Item> {
    let mac = match lease.mac.as_deref() {
        Some(m) => match proscribe_model::mac::parse(m) {
            Some(v) => Some(v),
            None => {
                problems.push(format!(
                    "line {}: `{}` is not a MAC address",
                    lease.line,
                    excerpt(m)
                ));
                None
            }
        },
        None => None,
    };
    if mac.is_none() && lease.hostname.is_none() && lease.vendor_class.is_none() {
        return None;
    }
    let mut item = device(input, NAME, &lease.ip, format!("line {}", lease.line));
    if let Some(mac) = mac {
        item.identifiers.push(mac_id(mac));
    }
    if let Some(h) = &lease.hostname {
        push_banner(&mut item, "dhcp-hostname", h);
        item.attrs.insert("hostname".into(), h.clone());
    }
    if let Some(v) = &lease.vendor_class {
        push_banner(&mut item, "dhcp-vendor-class", v);
    }
    item.attrs.insert("ip".into(), lease.ip);
    item.attrs.insert("format".into(), layout.label().into());
    for (k, v) in [
        ("state", lease.state),
        ("expires", lease.expires),
        ("client-id", lease.client_id),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            item.attrs.insert(k.into(), v);
        }
    }
    Some(item)
}

/// `<expiry> <mac> <ip> <hostname|*> <client-id|*>`: the IPv4 lease line.
fn dnsmasq_line(line: &str) -> Option<Lease> {
    let f = fields(line);
    if f.len() != 5 || !f[0].bytes().all(|b| b.is_ascii_digit()) || !is_ip(f[2]) {
        return None;
    }
    let star = |s: &str| (s != "*").then(|| s.to_owned());
    // IPv6 leases carry the IAID where IPv4 leases carry the MAC; non-Ethernet hardware
    // is written as `<type>-<address>`.
    let mac = f[1].contains(':').then(|| f[1].to_owned());
    if mac.is_none() && !f[1].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Lease {
        ip: f[2].to_owned(),
        mac,
        hostname: star(f[3]),
        expires: Some(f[0].to_owned()),
        client_id: star(f[4]),
        ..Lease::default()
    })
}

fn read_dnsmasq(
    reader: Box<dyn BufRead>,
    problems: &mut Problems,
) -> Result<Vec<Lease>, CollectError> {
    let mut lines = Lines::new(reader);
    let mut out = Vec::new();
    while let Some(line) = lines.next_line()? {
        let text = line.text();
        let t = text.trim();
        if t.is_empty() || t.starts_with("duid ") {
            continue;
        }
        match dnsmasq_line(t) {
            Some(mut lease) => {
                lease.line = line.number;
                out.push(lease);
            }
            None => problems.push(format!(
                "line {}: not a dnsmasq lease: `{}`",
                line.number,
                excerpt(t)
            )),
        }
    }
    Ok(out)
}

/// Keeps the last lease of each address, in the order addresses first appeared.
#[derive(Default)]
struct Journal {
    leases: Vec<Lease>,
    index: HashMap<String, usize>,
}

impl Journal {
    fn put(&mut self, lease: Lease) {
        match self.index.get(&lease.ip) {
            Some(&i) => self.leases[i] = lease,
            None => {
                self.index.insert(lease.ip.clone(), self.leases.len());
                self.leases.push(lease);
            }
        }
    }
}

/// A dhcpd.leases string: quotes removed, `\"`, `\\` and octal `\NNN` escapes decoded.
fn isc_string(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut oct = String::new();
        while oct.len() < 3 && chars.peek().is_some_and(|c| c.is_digit(8)) {
            oct.extend(chars.next());
        }
        if oct.is_empty() {
            out.extend(chars.next());
        } else if let Some(ch) = u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
            out.push(ch);
        }
    }
    out
}

fn read_isc(reader: Box<dyn BufRead>, problems: &mut Problems) -> Result<Vec<Lease>, CollectError> {
    let mut lines = Lines::new(reader);
    let mut journal = Journal::default();
    let mut current: Option<Lease> = None;
    // Depth of blocks other than `lease` (`ia-na`, `failover peer`, `host`), skipped.
    let mut other_depth = 0usize;
    let mut last_line = 0;
    while let Some(line) = lines.next_line()? {
        last_line = line.number;
        let text = line.text();
        let t = text.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if other_depth > 0 {
            if t.ends_with('{') {
                other_depth += 1;
            } else if t == "}" {
                other_depth -= 1;
            }
            continue;
        }
        if let Some(lease) = current.as_mut() {
            if t == "}" {
                journal.put(current.take().unwrap_or_default());
                continue;
            }
            let stmt = t.strip_suffix(';').unwrap_or(t).trim();
            if let Some(rest) = stmt.strip_prefix("hardware ") {
                let f = fields(rest);
                if f.len() == 2 {
                    lease.mac = Some(f[1].to_owned());
                }
            } else if let Some(rest) = stmt.strip_prefix("client-hostname ") {
                lease.hostname = Some(isc_string(rest));
            } else if let Some(rest) = stmt.strip_prefix("binding state ") {
                lease.state = Some(rest.trim().to_owned());
            } else if let Some(rest) = stmt.strip_prefix("ends ") {
                lease.expires = Some(rest.trim().to_owned());
            } else if let Some(rest) = stmt.strip_prefix("uid ") {
                lease.client_id = Some(isc_string(rest).escape_debug().to_string());
            } else if let Some(rest) = stmt.strip_prefix("set vendor-class-identifier") {
                if let Some((_, v)) = rest.split_once('=') {
                    lease.vendor_class = Some(isc_string(v));
                }
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("lease ").and_then(|r| r.strip_suffix('{')) {
            let ip = rest.trim();
            if !is_ip(ip) {
                problems.push(format!(
                    "line {}: `lease` of `{}`, which is not an IP address",
                    line.number,
                    excerpt(ip)
                ));
                other_depth = 1;
                continue;
            }
            current = Some(Lease {
                ip: ip.to_owned(),
                line: line.number,
                ..Lease::default()
            });
        } else if t.ends_with('{') {
            other_depth = 1;
        } else if !t.ends_with(';') {
            problems.push(format!(
                "line {}: expected a statement ending in `;` or a block, found `{}`",
                line.number,
                excerpt(t)
            ));
        }
    }
    if let Some(lease) = current {
        problems.push(format!(
            "line {last_line}: file ends inside the lease of {} that starts on line {} (cut short?)",
            lease.ip, lease.line
        ));
    }
    Ok(journal.leases)
}

/// Kea escapes commas inside fields as `&#x2c`.
fn kea_unescape(s: &str) -> String {
    s.replace("&#x2c", ",")
}

fn read_kea(reader: Box<dyn BufRead>, problems: &mut Problems) -> Result<Vec<Lease>, CollectError> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|e| CollectError::format(format!("Kea lease CSV header: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(addr_col) = col("address") else {
        return Err(CollectError::format(
            "Kea lease CSV without an `address` column",
        ));
    };
    let (hw, host, state, expire, client) = (
        col("hwaddr"),
        col("hostname"),
        col("state"),
        col("expire"),
        col("client_id").or_else(|| col("duid")),
    );
    let mut journal = Journal::default();
    for (n, record) in csv.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("CSV record {}: {e}", n + 1));
                continue;
            }
        };
        // Kea writes one lease per line after the header.
        let line = n + 2;
        let get = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(kea_unescape)
                .filter(|v| !v.is_empty())
        };
        let Some(ip) = get(Some(addr_col)).filter(|a| is_ip(a)) else {
            problems.push(format!(
                "line {line}: `{}` is not an IP address",
                excerpt(record.get(addr_col).unwrap_or_default())
            ));
            continue;
        };
        let state = get(state).map(|s| match s.as_str() {
            "0" => "default".to_owned(),
            "1" => "declined".to_owned(),
            "2" => "expired-reclaimed".to_owned(),
            _ => s,
        });
        journal.put(Lease {
            ip,
            mac: get(hw),
            hostname: get(host),
            state,
            expires: get(expire),
            client_id: get(client),
            line,
            ..Lease::default()
        });
    }
    Ok(journal.leases)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three layouts are told apart by their first lines.
    #[test]
    fn layouts() {
        assert_eq!(
            layout(b"1700000000 00:18:82:aa:bb:cc 10.0.0.5 phone 01:00:18:82:aa:bb:cc\n"),
            Some(Layout::Dnsmasq)
        );
        assert_eq!(
            layout(b"address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"),
            Some(Layout::Kea)
        );
        assert_eq!(
            layout(
                b"# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
            ),
            Some(Layout::Isc)
        );
        assert_eq!(
            layout(b"lease 10.0.0.5 {\n  starts 4 2024/01/01 00:00:00;\n"),
            Some(Layout::Isc)
        );
        assert_eq!(layout(b"Package: x\n"), None);
    }

    /// dhcpd string escapes.
    #[test]
    fn isc_strings() {
        assert_eq!(isc_string("\"HUAWEI:android:P30\""), "HUAWEI:android:P30");
        assert_eq!(isc_string("\"a\\\"b\\\\c\\101\""), "a\"b\\cA");
    }
}
