//! Neighbour (ARP/NDP) tables: which IP address answered from which MAC.
//!
//! One collector reads the layouts people save, told apart by their first lines:
//! - `ip neigh` (iproute2): `10.0.0.1 dev eth0 lladdr 00:18:82:aa:bb:cc REACHABLE`;
//! - `/proc/net/arp` (Linux): a header `IP address  HW type  Flags  HW address  Mask
//!   Device` and one row per entry (flags `0x0` is an incomplete entry);
//! - Windows `arp -a`: `Interface: 10.0.0.5 --- 0xb` blocks with `Internet Address
//!   Physical Address Type` rows (often saved by PowerShell as UTF-16, which is read too);
//! - BSD, macOS and net-tools `arp -a`: `? (10.0.0.1) at 0:18:82:aa:bb:cc on en0 …`;
//! - PowerShell `Get-NetNeighbor | Export-Csv`: CSV (with or without the `#TYPE` line)
//!   with the `IPAddress` and `LinkLayerAddress` columns of `MSFT_NetNeighbor`, and
//!   `State`, `InterfaceAlias`, `ifIndex` when present.
//!
//! Scanning this machine live also reads its kernel table, `/proc/net/arp` (a live path:
//! a mounted image has no kernel table). Entries without a link-layer address (failed,
//! incomplete), the all-zero address and group (multicast, broadcast) addresses name no
//! device and are skipped.

use std::io::{BufRead, Read};

use super::{device, fields, head_text, is_ip, mac_id, open_text};
use crate::linux::text::{excerpt, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The neighbour-table collector.
pub struct Neigh;

const NAME: &str = "neigh";

/// The layouts this collector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    IpNeigh,
    ProcArp,
    WindowsArp,
    BsdArp,
    NetNeighborCsv,
}

impl Layout {
    fn label(self) -> &'static str {
        match self {
            Self::IpNeigh => "ip-neigh",
            Self::ProcArp => "proc-net-arp",
            Self::WindowsArp => "windows-arp",
            Self::BsdArp => "arp",
            Self::NetNeighborCsv => "get-netneighbor-csv",
        }
    }
}

/// The layout of a file from its first complete, non-blank lines.
fn layout(head: &[u8]) -> Option<Layout> {
    let text = head_text(head);
    // The last line of the head may be cut: only complete lines count, unless the whole
    // file fits in the head.
    let complete = if head.len() < crate::HEAD_LEN {
        &text[..]
    } else {
        &text[..text.rfind('\n')?]
    };
    let mut lines = complete.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.starts_with("IP address") && first.contains("HW type") && first.contains("HW address")
    {
        return Some(Layout::ProcArp);
    }
    if first.starts_with("Interface:") && first.contains(" --- ") {
        return Some(Layout::WindowsArp);
    }
    let csv_header = if first.starts_with("#TYPE") {
        lines.next().unwrap_or_default()
    } else {
        first
    };
    if csv_header.contains("IPAddress") && csv_header.contains("LinkLayerAddress") {
        return Some(Layout::NetNeighborCsv);
    }
    if ip_neigh(first).is_some() {
        return Some(Layout::IpNeigh);
    }
    if bsd_arp(first).is_some() {
        return Some(Layout::BsdArp);
    }
    None
}

/// One neighbour entry.
#[derive(Debug, Default, PartialEq, Eq)]
struct Entry {
    ip: String,
    /// `None` when the entry has no link-layer address (failed, incomplete).
    mac: Option<String>,
    interface: Option<String>,
    state: Option<String>,
}

impl Collector for Neigh {
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
        &[]
    }

    fn live_paths(&self) -> &'static [&'static str] {
        &["proc/net/arp"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a neighbour table (`ip neigh`, `/proc/net/arp`, `arp -a`, Get-NetNeighbor CSV)",
            ));
        }
        let Some(layout) = layout(input.head) else {
            return Err(CollectError::format(
                "not a neighbour table: expected `ip neigh`, `/proc/net/arp`, `arp -a` or Get-NetNeighbor CSV output",
            ));
        };
        let reader = open_text(input)?;
        if layout == Layout::NetNeighborCsv {
            return read_csv(reader, input, sink);
        }
        let mut lines = Lines::new(reader);
        let mut problems = Problems::default();
        let mut interface: Option<String> = None;
        let mut header_seen = false;
        while let Some(line) = lines.next_line()? {
            let text = line.text();
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            let entry = match layout {
                Layout::IpNeigh => ip_neigh(t),
                Layout::BsdArp => bsd_arp(t),
                Layout::ProcArp => {
                    if !header_seen && t.starts_with("IP address") {
                        header_seen = true;
                        continue;
                    }
                    proc_arp(t)
                }
                Layout::WindowsArp => {
                    if let Some(rest) = t.strip_prefix("Interface:") {
                        interface = rest.split(" --- ").next().map(|s| s.trim().to_owned());
                        continue;
                    }
                    if t.starts_with("Internet Address") {
                        continue;
                    }
                    windows_arp(t).map(|mut e| {
                        e.interface.clone_from(&interface);
                        e
                    })
                }
                Layout::NetNeighborCsv => None,
            };
            let Some(entry) = entry else {
                problems.push(format!(
                    "line {}: not a {} entry: `{}`",
                    line.number,
                    layout.label(),
                    excerpt(t)
                ));
                continue;
            };
            if let Err(msg) = emit(entry, layout, format!("line {}", line.number), input, sink) {
                problems.push(format!("line {}: {msg}", line.number));
            }
        }
        problems.into_result()
    }
}

/// Pushes the item of one entry; `Err` names an unreadable MAC.
fn emit(
    entry: Entry,
    layout: Layout,
    detail: String,
    input: &Input<'_>,
    sink: &mut dyn Sink,
) -> Result<(), String> {
    let Some(mac_text) = entry.mac else {
        return Ok(());
    };
    let Some(mac) = proscribe_model::mac::parse(&mac_text) else {
        return Err(format!("`{}` is not a MAC address", excerpt(&mac_text)));
    };
    if mac == 0 || proscribe_model::mac::is_group(mac) {
        return Ok(());
    }
    let mut item = device(input, NAME, &entry.ip, detail);
    item.identifiers.push(mac_id(mac));
    item.attrs.insert("ip".into(), entry.ip);
    item.attrs.insert("format".into(), layout.label().into());
    if let Some(i) = entry.interface.filter(|i| !i.is_empty()) {
        item.attrs.insert("interface".into(), i);
    }
    if let Some(s) = entry.state.filter(|s| !s.is_empty()) {
        item.attrs.insert("state".into(), s);
    }
    sink.push(item);
    Ok(())
}

/// `ADDR [dev IF] [lladdr MAC] [router] [proxy] [used …] [probes N] STATE…`.
fn ip_neigh(line: &str) -> Option<Entry> {
    let f = fields(line);
    let (ip, rest) = f.split_first()?;
    if !is_ip(ip) || rest.is_empty() {
        return None;
    }
    let mut e = Entry {
        ip: (*ip).to_owned(),
        ..Entry::default()
    };
    let mut i = 0;
    let mut states = Vec::new();
    while i < rest.len() {
        match rest[i] {
            "dev" | "lladdr" | "used" | "probes" | "proto" | "vrf" | "nud" => {
                let v = rest.get(i + 1)?;
                match rest[i] {
                    "dev" => e.interface = Some((*v).to_owned()),
                    "lladdr" => e.mac = Some((*v).to_owned()),
                    _ => {}
                }
                i += 2;
            }
            "router" | "proxy" | "extern_learn" | "managed" | "extern_valid" => i += 1,
            s if s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') => {
                states.push(s);
                i += 1;
            }
            _ => return None,
        }
    }
    if e.interface.is_none() && e.mac.is_none() && states.is_empty() {
        return None;
    }
    e.state = (!states.is_empty()).then(|| states.join(" "));
    Some(e)
}

/// `IP  HWtype  Flags  HWaddress  Mask  Device` with `0x` hex fields.
fn proc_arp(line: &str) -> Option<Entry> {
    let f = fields(line);
    if f.len() < 6 || !is_ip(f[0]) || !f[1].starts_with("0x") || !f[2].starts_with("0x") {
        return None;
    }
    let flags = u32::from_str_radix(f[2].trim_start_matches("0x"), 16).ok()?;
    // ATF_COM (0x2): the entry is complete; without it the address is not known.
    let complete = flags & 0x2 != 0;
    Some(Entry {
        ip: f[0].to_owned(),
        mac: complete.then(|| f[3].to_owned()),
        interface: Some(f[5].to_owned()),
        state: Some(format!("flags {}", f[2])),
    })
}

/// `IP  MAC  dynamic|static` inside a Windows `arp -a` interface block.
fn windows_arp(line: &str) -> Option<Entry> {
    let f = fields(line);
    if f.len() != 3 || !is_ip(f[0]) {
        return None;
    }
    Some(Entry {
        ip: f[0].to_owned(),
        mac: Some(f[1].to_owned()),
        interface: None,
        state: Some(f[2].to_owned()),
    })
}

/// `NAME (IP) at MAC [ether] on IF …` or `… at <incomplete> on IF`.
fn bsd_arp(line: &str) -> Option<Entry> {
    let f = fields(line);
    if f.len() < 4 || f[2] != "at" {
        return None;
    }
    let ip = f[1].strip_prefix('(')?.strip_suffix(')')?;
    if !is_ip(ip) {
        return None;
    }
    let mac = match f[3] {
        "<incomplete>" | "(incomplete)" => None,
        m => Some(m.to_owned()),
    };
    let interface = f
        .iter()
        .position(|w| *w == "on")
        .and_then(|i| f.get(i + 1))
        .map(|s| (*s).to_owned());
    Some(Entry {
        ip: ip.to_owned(),
        mac,
        interface,
        state: None,
    })
}

/// `Get-NetNeighbor | Export-Csv`: columns by name, the `#TYPE` line skipped.
fn read_csv(
    mut reader: Box<dyn BufRead>,
    input: &Input<'_>,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let type_line = first.starts_with("#TYPE");
    let rest: Box<dyn std::io::Read> = if type_line {
        Box::new(reader)
    } else {
        Box::new(std::io::Cursor::new(first.into_bytes()).chain(reader))
    };
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(rest);
    let headers = csv
        .headers()
        .map_err(|e| CollectError::format(format!("CSV header: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ip_col), Some(mac_col)) = (col("IPAddress"), col("LinkLayerAddress")) else {
        return Err(CollectError::format(
            "CSV without `IPAddress` and `LinkLayerAddress` columns: not Get-NetNeighbor output",
        ));
    };
    let (state_col, alias_col) = (col("State"), col("InterfaceAlias"));
    let mut problems = Problems::default();
    for (n, record) in csv.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("CSV record {}: {e}", n + 1));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::to_owned);
        // One record per line in this output: the header, then one per neighbour.
        let line = n + 2 + usize::from(type_line);
        let ip = get(Some(ip_col)).unwrap_or_default();
        if !is_ip(&ip) {
            problems.push(format!(
                "CSV line {line}: `{}` is not an IP address",
                excerpt(&ip)
            ));
            continue;
        }
        let mac = get(Some(mac_col)).filter(|m| !m.is_empty());
        let state = get(state_col);
        // Windows keeps unreachable neighbours with an all-zero address; a tunnel
        // neighbour's "link-layer address" is an IP address: neither names a device.
        let mac = mac.filter(|m| proscribe_model::mac::parse(m).is_some() || !is_ip(m));
        let entry = Entry {
            ip,
            mac,
            interface: get(alias_col),
            state,
        };
        if let Err(msg) = emit(
            entry,
            Layout::NetNeighborCsv,
            format!("CSV line {line}"),
            input,
            sink,
        ) {
            problems.push(format!("CSV line {line}: {msg}"));
        }
    }
    problems.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each layout is recognised from its first line, and nothing else is.
    #[test]
    fn layouts() {
        assert_eq!(
            layout(b"10.0.0.1 dev eth0 lladdr 00:18:82:aa:bb:cc REACHABLE\n"),
            Some(Layout::IpNeigh)
        );
        assert_eq!(
            layout(
                b"IP address       HW type     Flags       HW address            Mask     Device\n"
            ),
            Some(Layout::ProcArp)
        );
        assert_eq!(
            layout(b"\r\nInterface: 192.168.1.10 --- 0xb\r\n"),
            Some(Layout::WindowsArp)
        );
        assert_eq!(
            layout(b"? (10.0.0.1) at 0:18:82:aa:bb:cc on en0 ifscope [ethernet]\n"),
            Some(Layout::BsdArp)
        );
        assert_eq!(
            layout(b"#TYPE x\n\"ifIndex\",\"IPAddress\",\"LinkLayerAddress\"\n"),
            Some(Layout::NetNeighborCsv)
        );
        assert_eq!(layout(b"Package: x\n"), None);
        assert_eq!(layout(b"10.0.0.1\n"), None);
    }

    /// `ip neigh` fields, with and without a link-layer address.
    #[test]
    fn ip_neigh_lines() {
        let e = ip_neigh("fe80::1 dev eth0 lladdr 00:18:82:aa:bb:cc router STALE").unwrap();
        assert_eq!(e.mac.as_deref(), Some("00:18:82:aa:bb:cc"));
        assert_eq!(e.state.as_deref(), Some("STALE"));
        let e = ip_neigh("10.0.0.9 dev eth0 FAILED").unwrap();
        assert_eq!(e.mac, None);
        assert!(ip_neigh("10.0.0.9 dev").is_none());
        assert!(ip_neigh("10.0.0.9 whatever").is_none());
    }

    /// `/proc/net/arp` rows: an incomplete entry has no MAC.
    #[test]
    fn proc_arp_rows() {
        let e = proc_arp("10.0.0.1 0x1 0x2 00:18:82:aa:bb:cc * eth0").unwrap();
        assert_eq!(e.mac.as_deref(), Some("00:18:82:aa:bb:cc"));
        let e = proc_arp("10.0.0.2 0x1 0x0 00:00:00:00:00:00 * eth0").unwrap();
        assert_eq!(e.mac, None);
    }
}
