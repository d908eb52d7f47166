//! nmap XML output (`nmap -oX`): one network-device item per host that is up.
//!
//! The format is nmap's DTD (<https://nmap.org/book/nmap-dtd.html>): `<nmaprun>` holds
//! `<host>` elements with `<address addr addrtype="ipv4|ipv6|mac" vendor>`,
//! `<hostnames>`, `<ports>` (each `<port>` with `<state>`, `<service product version
//! extrainfo>` and its `<cpe>`s, and `<script id output>`), `<os>` (`<osmatch>`) and
//! `<hostscript>`. A scan of a /16 is tens of megabytes, so the file is read as a stream
//! of XML events with one host in memory at a time; a file cut short (nmap still running,
//! or killed) keeps every complete host before the cut.
//!
//! What becomes evidence: the MAC (matched by its IEEE block, not by nmap's vendor
//! string, which is nmap's own lookup and goes to `attrs["nmap-mac-vendor"]`), service
//! CPEs from version detection (`cpe` identifiers), and what the device sent, as `banner`
//! identifiers: `http-server-header` (`http-server`), `http-title` (`http-title`), the
//! `ssl-cert` subject (`tls-subject`), `snmp-sysdescr` (`snmp-sysdescr`), an SSH
//! server's `banner` script output (`ssh`), `Server` headers in `fingerprint-strings`
//! (`http-server`) and version detection's service product (`nmap-product`). Host names (reverse DNS) and OS guesses are
//! `attrs` only: a PTR record or a fingerprint guess says nothing certain about the maker.

use std::collections::BTreeMap;

use proscribe_model::{Identifier, IdentifierKind, Item};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{device, mac_id, push_banner};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The nmap XML collector.
pub struct Nmap;

const NAME: &str = "nmap";

impl Collector for Nmap {
    fn name(&self) -> &'static str {
        NAME
    }

    /// An XML document whose root element is `<nmaprun>`.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let text = String::from_utf8_lossy(input.head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        (text.starts_with('<') && text.contains("<nmaprun")).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected an nmap XML file (`nmap -oX`)",
            ));
        }
        let file = std::fs::File::open(input.path)?;
        let len = file.metadata()?.len();
        let mut reader = Reader::from_reader(std::io::BufReader::with_capacity(256 * 1024, file));
        reader.config_mut().trim_text(true);
        let mut buf = Vec::new();
        let mut state = State::default();
        let mut hosts = 0usize;
        loop {
            let event = match reader.read_event_into(&mut buf) {
                Ok(e) => e,
                // A tag cut by the end of the file is a file cut short, not bad XML.
                Err(quick_xml::Error::Syntax(_)) if reader.buffer_position() >= len => Event::Eof,
                Err(e) => {
                    return Err(CollectError::format(format!(
                        "XML error at byte {}: {e}{}",
                        reader.error_position(),
                        read_so_far(hosts)
                    )))
                }
            };
            match event {
                Event::Start(e) => {
                    let name = e.local_name();
                    let name = name.as_ref();
                    if state.depth == 0 && name != "nmaprun" {
                        return Err(CollectError::format(format!(
                            "root element is `<{}>`, not `<nmaprun>`: not an nmap XML file",
                            name
                        )));
                    }
                    state.depth += 1;
                    state.start(name, &e, false)?;
                }
                Event::Empty(e) => {
                    let name = e.local_name();
                    if state.depth == 0 {
                        return Err(CollectError::format(format!(
                            "root element is `<{}>`, not `<nmaprun>`: not an nmap XML file",
                            name.as_ref()
                        )));
                    }
                    state.start(name.as_ref(), &e, true)?;
                }
                Event::Text(t) => {
                    let text = t.xml_content(XmlVersion::Implicit1_0);
                    if state.in_cpe {
                        state.cpe_text.push_str(&text);
                    } else if state.elem_key.is_some() {
                        state.elem_text.push_str(&text);
                    }
                }
                Event::GeneralRef(r) => {
                    state.general_ref(r.as_ref(), r.resolve_char_ref().ok().flatten())
                }
                Event::End(e) => {
                    state.depth = state.depth.saturating_sub(1);
                    match e.local_name().as_ref() {
                        "host" => {
                            if let Some(host) = state.host.take() {
                                if let Some(item) = host.into_item(input) {
                                    sink.push(item);
                                    hosts += 1;
                                }
                            }
                        }
                        "cpe" => state.end_cpe(),
                        "elem" => state.end_elem(),
                        "table" => {
                            state.tables.pop();
                        }
                        "script" => state.end_script(),
                        "nmaprun" => state.finished = true,
                        "port" => state.port = None,
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        if !state.seen_root {
            return Err(CollectError::format(
                "no `<nmaprun>` element: not an nmap XML file",
            ));
        }
        if !state.finished {
            let inside = if state.host.is_some() {
                " inside a `<host>`, which is left out"
            } else {
                ""
            };
            return Err(CollectError::format(format!(
                "file ends before `</nmaprun>`{inside} (cut short, or nmap still running?){}",
                read_so_far(hosts)
            )));
        }
        Ok(())
    }
}

fn read_so_far(hosts: usize) -> String {
    match hosts {
        0 => String::new(),
        1 => "; 1 host read before it".into(),
        n => format!("; {n} hosts read before it"),
    }
}

/// The reader's place in the document.
#[derive(Default)]
struct State {
    depth: usize,
    seen_root: bool,
    finished: bool,
    host: Option<Host>,
    /// Protocol/port of the `<port>` being read, and its service name.
    port: Option<(String, String)>,
    in_cpe: bool,
    cpe_in_os: bool,
    in_os: bool,
    cpe_text: String,
    /// The `<script>` being read (only those with child elements get here).
    script: Option<String>,
    /// Keys of the `<table>`s open inside it.
    tables: Vec<String>,
    elem_key: Option<String>,
    elem_text: String,
    /// `ssl-cert`'s subject as (attribute, value) pairs from `<table key="subject">`.
    subject: Vec<(String, String)>,
    /// `ssl-cert`'s subject line from its `output`, used when there is no table.
    subject_line: Option<String>,
}

/// One `<host>` being read.
#[derive(Default)]
struct Host {
    up: bool,
    ipv4: Option<String>,
    ipv6: Option<String>,
    mac: Option<u64>,
    mac_text: Option<String>,
    attrs: BTreeMap<String, String>,
    hostnames: Vec<String>,
    identifiers: Vec<Identifier>,
    banners: Vec<(&'static str, String)>,
    os_best: Option<(u32, String)>,
}

impl State {
    fn start(&mut self, name: &str, e: &BytesStart<'_>, empty: bool) -> Result<(), CollectError> {
        match name {
            "nmaprun" => self.seen_root = true,
            "host" => {
                self.host = Some(Host::default());
                if empty {
                    self.host = None;
                }
            }
            _ => {}
        }
        let Some(host) = self.host.as_mut() else {
            return Ok(());
        };
        match name {
            "status" => host.up = attr(e, "state").as_deref() == Some("up"),
            "address" => {
                let addr = attr(e, "addr").unwrap_or_default();
                match attr(e, "addrtype").as_deref() {
                    Some("ipv4") => host.ipv4 = Some(addr),
                    Some("ipv6") => host.ipv6 = Some(addr),
                    Some("mac") => {
                        host.mac = proscribe_model::mac::parse(&addr);
                        if host.mac.is_none() {
                            host.attrs.insert("mac-unreadable".into(), addr.clone());
                        }
                        host.mac_text = Some(addr);
                        if let Some(v) = attr(e, "vendor") {
                            host.attrs.insert("nmap-mac-vendor".into(), v);
                        }
                    }
                    _ => {}
                }
            }
            "hostname" => {
                if let Some(n) = attr(e, "name") {
                    if !host.hostnames.contains(&n) {
                        host.hostnames.push(n);
                    }
                }
            }
            "port" => {
                let proto = attr(e, "protocol").unwrap_or_default();
                let port = attr(e, "portid").unwrap_or_default();
                self.port = (!empty).then(|| (format!("{proto}/{port}"), String::new()));
            }
            "state" => {
                if let Some((key, _)) = &self.port {
                    if let Some(s) = attr(e, "state") {
                        host.attrs.insert(format!("port/{key}/state"), s);
                    }
                }
            }
            "service" => {
                if let Some((key, service)) = self.port.as_mut() {
                    *service = attr(e, "name").unwrap_or_default();
                    let text: Vec<String> = ["name" as &str, "product", "version", "extrainfo"]
                        .iter()
                        .filter_map(|k| attr(e, k))
                        .filter(|v| !v.is_empty())
                        .collect();
                    host.attrs.insert(format!("port/{key}"), text.join(" "));
                    // Version detection's product: what nmap read from the service's own
                    // response (a probe match, or the `Server` header it copied).
                    if let Some(product) = attr(e, "product").filter(|p| !p.trim().is_empty()) {
                        host.banners
                            .push(("nmap-product", product.trim().to_owned()));
                    }
                    for (k, label) in [("devicetype" as &str, "devicetype"), ("ostype", "ostype")] {
                        if let Some(v) = attr(e, k) {
                            host.attrs.insert(format!("port/{key}/{label}"), v);
                        }
                    }
                }
            }
            "cpe" => {
                self.in_cpe = !empty;
                self.cpe_in_os = self.in_os;
                self.cpe_text.clear();
            }
            "os" => self.in_os = !empty,
            "osmatch" => {
                let name = attr(e, "name").unwrap_or_default();
                let acc: u32 = attr(e, "accuracy")
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0);
                if host.os_best.as_ref().is_none_or(|(best, _)| acc > *best) {
                    host.os_best = Some((acc, name));
                }
            }
            "script" => {
                let id = attr(e, "id").unwrap_or_default();
                let output = attr(e, "output").unwrap_or_default();
                let service = self.port.as_ref().map(|(_, s)| s.as_str());
                if id == "ssl-cert" {
                    let line = output
                        .lines()
                        .find_map(|l| l.trim().strip_prefix("Subject:"))
                        .map(|s| s.trim().to_owned());
                    if empty {
                        host.banners.extend(line.map(|l| ("tls-subject", l)));
                    } else {
                        self.subject_line = line;
                        self.subject.clear();
                    }
                } else {
                    host.script(&id, &output, service);
                }
                if !empty {
                    self.script = Some(id);
                    self.tables.clear();
                }
            }
            "table" if !empty => self.tables.push(attr(e, "key").unwrap_or_default()),
            "elem" if !empty => {
                self.elem_key = Some(attr(e, "key").unwrap_or_default());
                self.elem_text.clear();
            }
            _ => {}
        }
        Ok(())
    }

    /// An entity or character reference inside element text.
    fn general_ref(&mut self, name: &str, char_ref: Option<char>) {
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => char_ref,
        };
        let Some(ch) = ch else { return };
        if self.in_cpe {
            self.cpe_text.push(ch);
        } else if self.elem_key.is_some() {
            self.elem_text.push(ch);
        }
    }

    fn end_elem(&mut self) {
        let Some(key) = self.elem_key.take() else {
            return;
        };
        if self.script.as_deref() == Some("ssl-cert") && self.tables == ["subject"] {
            self.subject.push((key, self.elem_text.trim().to_owned()));
        }
    }

    fn end_script(&mut self) {
        let Some(id) = self.script.take() else {
            return;
        };
        self.tables.clear();
        if id != "ssl-cert" {
            return;
        }
        let subject = std::mem::take(&mut self.subject);
        let line = self.subject_line.take();
        let Some(host) = self.host.as_mut() else {
            return;
        };
        let dn = if subject.is_empty() {
            line
        } else {
            Some(distinguished_name(&subject))
        };
        host.banners.extend(dn.map(|d| ("tls-subject", d)));
    }

    fn end_cpe(&mut self) {
        if !self.in_cpe {
            return;
        }
        self.in_cpe = false;
        let cpe = self.cpe_text.trim().to_owned();
        let Some(host) = self.host.as_mut() else {
            return;
        };
        if cpe.is_empty() {
            return;
        }
        if self.cpe_in_os {
            // An OS fingerprint's CPE is a guess with an accuracy, not an identification.
            let list = host.attrs.entry("os-cpe".into()).or_default();
            if !list.split(' ').any(|c| c == cpe) {
                if !list.is_empty() {
                    list.push(' ');
                }
                list.push_str(&cpe);
            }
        } else {
            let id = Identifier::new(IdentifierKind::Cpe, cpe);
            if !host.identifiers.contains(&id) {
                host.identifiers.push(id);
            }
        }
    }
}

impl Host {
    /// Records what one script printed.
    fn script(&mut self, id: &str, output: &str, service: Option<&str>) {
        match id {
            "http-server-header" => {
                for line in output.lines() {
                    self.banners.push(("http-server", line.trim().to_owned()));
                }
            }
            "http-title" => {
                let title = output.lines().next().unwrap_or_default().trim();
                // nmap's own words when there is no title are not the device's.
                if !title.starts_with("Site doesn't have a title") && !title.is_empty() {
                    self.banners.push(("http-title", title.to_owned()));
                }
            }
            "snmp-sysdescr" => {
                // The script appends `System uptime: …` on its own line.
                let descr: Vec<&str> = output
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("System uptime:"))
                    .collect();
                self.banners
                    .push(("snmp-sysdescr", descr.join("\n").trim().to_owned()));
            }
            "fingerprint-strings" => {
                // The raw responses of a service nmap could not name: an HTTP `Server`
                // header in them is the device's own words.
                for line in output.lines() {
                    if let Some(v) = line.trim().strip_prefix("Server:") {
                        self.banners.push(("http-server", v.trim().to_owned()));
                    }
                }
            }
            "banner" if service == Some("ssh") => {
                self.banners.push(("ssh", output.trim().to_owned()));
            }
            "ssh-hostkey" => {
                let keys: Vec<&str> = output
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                self.attrs.insert("ssh-hostkey".into(), keys.join("; "));
            }
            _ => {}
        }
    }

    fn into_item(self, input: &Input<'_>) -> Option<Item> {
        if !self.up {
            return None;
        }
        let name = self
            .ipv4
            .clone()
            .or_else(|| self.ipv6.clone())
            .or_else(|| self.mac.map(proscribe_model::mac::format))
            .or_else(|| self.mac_text.clone())?;
        let mut item = device(input, NAME, &name, format!("host {name}"));
        if let Some(mac) = self.mac {
            item.identifiers.push(mac_id(mac));
        }
        item.identifiers.extend(self.identifiers);
        for (eco, value) in &self.banners {
            push_banner(&mut item, eco, value);
        }
        item.attrs = self.attrs;
        if let Some(v4) = self.ipv4 {
            item.attrs.insert("ipv4".into(), v4);
        }
        if let Some(v6) = self.ipv6 {
            item.attrs.insert("ipv6".into(), v6);
        }
        if !self.hostnames.is_empty() {
            item.attrs
                .insert("hostnames".into(), self.hostnames.join(" "));
        }
        if let Some((acc, os)) = self.os_best {
            item.attrs
                .insert("os-guess".into(), format!("{os} ({acc}%)"));
        }
        Some(item)
    }
}

/// A subject as a distinguished name in the usual printed order (`CN=…,OU=…,O=…,L=…,
/// ST=…,C=…`, RFC 4514 short names); nmap lists the attributes sorted by name, so the
/// certificate's own order is not available. Other attributes follow by their nmap names.
fn distinguished_name(subject: &[(String, String)]) -> String {
    const ORDER: [(&str, &str); 6] = [
        ("commonName", "CN"),
        ("organizationalUnitName", "OU"),
        ("organizationName", "O"),
        ("localityName", "L"),
        ("stateOrProvinceName", "ST"),
        ("countryName", "C"),
    ];
    let mut parts: Vec<String> = Vec::new();
    for (long, short) in ORDER {
        for (_, v) in subject.iter().filter(|(k, _)| k == long) {
            parts.push(format!("{short}={v}"));
        }
    }
    for (k, v) in subject {
        if !ORDER.iter().any(|(long, _)| long == k) {
            parts.push(format!("{k}={v}"));
        }
    }
    parts.join(",")
}

/// The unescaped value of attribute `key`, if present and readable.
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
