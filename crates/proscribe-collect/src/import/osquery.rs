//! osquery results: the JSON that `osqueryi --json "select * from <table>"` prints, and
//! the result logs of `osqueryd` (`osqueryd.results.log`, `osqueryd.snapshots.log`).
//!
//! Neither format names the table a row came from (a log names the *query*), so the
//! table is recognised by its columns, as the table specs of osquery define them
//! (`specs/**/<table>.table` in github.com/osquery/osquery): `programs`, `deb_packages`,
//! `rpm_packages`, `apps`, `chrome_extensions`, `firefox_addons`, `certificates`,
//! `usb_devices`, `pci_devices`, `arp_cache`, `services` (Windows), `kernel_modules`,
//! `homebrew_packages`, `npm_packages` and `python_packages`. A row of any other table
//! is an error naming the columns seen: silence would read as "nothing found". osquery
//! has no `apk_packages` table in its specs, so there is nothing to map for Alpine.
//!
//! The `osqueryi` array is parsed one row at a time, never as a whole document. A result
//! log is read line by line (the logging docs, `docs/wiki/deployment/logging.md`, define
//! the event lines `{"name", "action": "added"|"removed", "columns"}`, the snapshot lines
//! `{"name", "action": "snapshot", "snapshot": [rows]}` and the batched lines
//! `{"name", "diffResults": {"added": [rows], "removed": [rows]}}`). A log is a history,
//! so it is read twice: the first pass notes which rows were later removed and which line
//! holds each query's last snapshot; the second yields what is still there.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};
use serde::de::DeserializeSeed;
use serde::Deserialize;

use super::json::{describe, first_byte, EachElement, LineCounter, Row};
use crate::linux::text::{excerpt, purl, purl_encode, without_email, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The osquery results importer.
pub struct Osquery;

/// The longest result-log line read. A snapshot line holds a whole query result (the
/// `deb_packages` of a desktop is about 1 MB), so the limit is generous but bounded.
const MAX_LOG_LINE: usize = 64 << 20;

impl Collector for Osquery {
    fn name(&self) -> &'static str {
        "osquery"
    }

    /// An array of flat objects whose columns are those of a known table (`osqueryi
    /// --json`), or JSON lines naming a query with `columns`, `snapshot` or `diffResults`.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        match first_byte(input.head)? {
            b'[' => sniff_array(input.head),
            b'{' => sniff_log(input.head),
            _ => None,
        }
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected osquery JSON results (`osqueryi --json` or a result log)",
            ));
        }
        match first_byte(input.head) {
            Some(b'[') => collect_array(input, sink),
            Some(b'{') => collect_log(input, sink),
            Some(_) => Err(CollectError::format(format!(
                "not osquery results: expected a JSON array (`osqueryi --json`) or JSON lines (a result log), found `{}`",
                excerpt(&String::from_utf8_lossy(&input.head[..input.head.len().min(40)]))
            ))),
            None => Err(CollectError::format(
                "empty file: expected osquery JSON results",
            )),
        }
    }
}

fn sniff_array(head: &[u8]) -> Option<Confidence> {
    let start = head.iter().position(|&b| b == b'[')? + 1;
    let rest = &head[start..];
    let Some(obj) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Some(Confidence::Low);
    };
    match rest[obj] {
        // `osqueryi --json` prints an empty result as `[\n\n]`.
        b']' => Some(Confidence::Low),
        b'{' => {
            let mut rows = serde_json::Deserializer::from_slice(&rest[obj..]).into_iter::<Row>();
            match rows.next()? {
                Ok(row) => {
                    let flat = row.nested().is_none();
                    match Table::recognise(&row) {
                        Some(_) if flat => Some(Confidence::High),
                        None if flat && !row.0.is_empty() => Some(Confidence::Low),
                        _ => None,
                    }
                }
                // The first row does not fit in the head: plausible, nothing more.
                Err(e) if e.is_eof() => Some(Confidence::Low),
                Err(_) => None,
            }
        }
        _ => None,
    }
}

fn sniff_log(head: &[u8]) -> Option<Confidence> {
    let line_end = head.iter().position(|&b| b == b'\n');
    let first = &head[..line_end.unwrap_or(head.len())];
    match serde_json::from_slice::<LogLine>(first) {
        Ok(line) if line.name.is_some() && line.kind().is_some() => Some(Confidence::High),
        Ok(_) => None,
        Err(_) if line_end.is_none() => {
            // A first line longer than the head: snapshot and batched lines start with
            // their rows (`{"snapshot":[…` / `{"diffResults":{…`), event lines with the name.
            let text = String::from_utf8_lossy(head);
            let text = text.trim_start_matches('\u{feff}').trim_start();
            let rows_first =
                text.starts_with("{\"snapshot\":[{") || text.starts_with("{\"diffResults\":{");
            let event = text.starts_with("{\"name\":")
                && text.contains("\"calendarTime\":")
                && text.contains("\"columns\":{");
            (rows_first || event).then_some(Confidence::Medium)
        }
        Err(_) => None,
    }
}

/// Where rows come from, for locations and attributes.
struct Origin<'a> {
    input: &'a Input<'a>,
    line: usize,
    host: Option<&'a str>,
}

impl Origin<'_> {
    fn location(&self) -> Location {
        Location {
            target: self.input.target.to_owned(),
            collector: "osquery".to_owned(),
            path: self.input.display.to_owned(),
            detail: Some(format!("line {}", self.line)),
        }
    }
}

/// Turns one row into an item, or notes why it cannot.
fn emit(row: &Row, origin: &Origin<'_>, problems: &mut Problems, sink: &mut dyn Sink) {
    if let Some(col) = row.nested() {
        problems.push(format!(
            "line {}: column `{}` holds an object or array, not an osquery value",
            origin.line,
            excerpt(col)
        ));
        return;
    }
    let Some(table) = Table::recognise(row) else {
        problems.push(format!(
            "line {}: columns [{}] match no osquery table proscribe reads ({}); select all columns (`select * from <table>`) so the table can be recognised",
            origin.line,
            excerpt_list(&row.columns()),
            Table::ALL.map(Table::name).join(", ")
        ));
        return;
    };
    if let Some(mut item) = table.item(row, origin.location()) {
        item.attrs
            .insert("osquery-table".to_owned(), table.name().to_owned());
        if let Some(host) = origin.host {
            item.attrs.insert("host".to_owned(), host.to_owned());
        }
        sink.push(item);
    }
}

fn excerpt_list(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.chars().flat_map(char::escape_debug).collect()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{}…", cut.escape_debug())
    }
}

fn collect_array(input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
    let file = std::fs::File::open(input.path)?;
    let (reader, line) = LineCounter::new(BufReader::with_capacity(64 * 1024, file));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut problems = Problems::default();
    let result = EachElement::new(|row: Row| {
        let origin = Origin {
            input,
            line: line.get(),
            host: None,
        };
        emit(&row, &origin, &mut problems, sink);
    })
    .deserialize(&mut de)
    .and_then(|_| de.end());
    if let Err(e) = result {
        if e.is_io() {
            return Err(CollectError::format(format!("cannot read: {e}")));
        }
        problems.push(describe(&e));
    }
    problems.into_result()
}

/// One line of a result log; only the fields proscribe reads.
#[derive(Deserialize)]
struct LogLine {
    name: Option<String>,
    #[serde(rename = "hostIdentifier")]
    host_identifier: Option<String>,
    hostname: Option<String>,
    action: Option<String>,
    columns: Option<Row>,
    snapshot: Option<Vec<Row>>,
    #[serde(rename = "diffResults")]
    diff_results: Option<DiffResults>,
}

#[derive(Deserialize, Default)]
struct DiffResults {
    #[serde(default)]
    added: Vec<Row>,
    #[serde(default)]
    removed: Vec<Row>,
}

/// What a log line holds.
enum LineKind {
    Event,
    Snapshot,
    Batch,
}

impl LogLine {
    fn kind(&self) -> Option<LineKind> {
        if self.columns.is_some() && self.action.is_some() {
            Some(LineKind::Event)
        } else if self.snapshot.is_some() {
            Some(LineKind::Snapshot)
        } else if self.diff_results.is_some() {
            Some(LineKind::Batch)
        } else {
            None
        }
    }
}

/// A row's identity within its query, to pair an `added` row with a later `removed` one.
fn row_key(query: &str, row: &Row) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    query.hash(&mut h);
    let mut cells: Vec<_> = row.0.iter().collect();
    cells.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in cells {
        k.hash(&mut h);
        v.text().hash(&mut h);
    }
    h.finish()
}

/// Reads the lines of a log, calling `f` with each parsed line and its number; problems
/// (bad JSON, unknown shapes) are recorded only when `report` is set.
fn each_log_line(
    input: &Input<'_>,
    report: bool,
    problems: &mut Problems,
    mut f: impl FnMut(usize, LogLine, &mut Problems),
) -> Result<(), CollectError> {
    let file = std::fs::File::open(input.path)?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LOG_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if buf.len() > MAX_LOG_LINE {
            return Err(CollectError::format(format!(
                "line {number} is longer than {MAX_LOG_LINE} bytes: not an osquery result log"
            )));
        }
        let text = buf.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_slice::<LogLine>(text) {
            Ok(line) if line.kind().is_some() => f(number, line, problems),
            Ok(_) if report => problems.push(format!(
                "line {number}: a JSON object without `columns`, `snapshot` or `diffResults`: not an osquery result line"
            )),
            Err(e) if report => {
                let e = describe(&e);
                let e = e.split_once(": ").map_or(e.as_str(), |(_, rest)| rest);
                problems.push(format!("line {number}: {e}"));
            }
            _ => {}
        }
    }
}

fn collect_log(input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
    // Pass 1: rows removed later, and the line of each query's last snapshot.
    let mut removed: HashMap<u64, u32> = HashMap::new();
    let mut last_snapshot: HashMap<String, usize> = HashMap::new();
    let mut ignored = Problems::default();
    each_log_line(input, false, &mut ignored, |number, line, _| {
        let query = line.name.clone().unwrap_or_default();
        match line.kind() {
            Some(LineKind::Event) if line.action.as_deref() == Some("removed") => {
                if let Some(row) = &line.columns {
                    *removed.entry(row_key(&query, row)).or_default() += 1;
                }
            }
            Some(LineKind::Batch) => {
                for row in line.diff_results.iter().flat_map(|d| &d.removed) {
                    *removed.entry(row_key(&query, row)).or_default() += 1;
                }
            }
            Some(LineKind::Snapshot) => {
                last_snapshot.insert(query, number);
            }
            _ => {}
        }
    })?;

    // Pass 2: rows added and not removed since, and the rows of each last snapshot.
    let mut problems = Problems::default();
    let mut unknown_queries: HashSet<String> = HashSet::new();
    each_log_line(input, true, &mut problems, |number, line, problems| {
        let query = line.name.clone().unwrap_or_default();
        let host = line.host_identifier.as_deref().or(line.hostname.as_deref());
        let origin = Origin {
            input,
            line: number,
            host,
        };
        let mut added = |row: &Row, problems: &mut Problems| {
            if let Some(n) = removed.get_mut(&row_key(&query, row)).filter(|n| **n > 0) {
                *n -= 1;
                return;
            }
            emit_once(row, &origin, &query, &mut unknown_queries, problems, sink);
        };
        match line.kind() {
            Some(LineKind::Event) => match line.action.as_deref() {
                Some("added") => {
                    if let Some(row) = &line.columns {
                        added(row, problems);
                    }
                }
                Some("removed") => {}
                Some(other) => problems.push(format!(
                    "line {number}: unknown action `{}` (expected `added` or `removed`)",
                    excerpt(other)
                )),
                None => {}
            },
            Some(LineKind::Batch) => {
                for row in line.diff_results.iter().flat_map(|d| &d.added) {
                    added(row, problems);
                }
            }
            Some(LineKind::Snapshot) if last_snapshot.get(&query) == Some(&number) => {
                for row in line.snapshot.iter().flatten() {
                    emit_once(row, &origin, &query, &mut unknown_queries, problems, sink);
                }
            }
            Some(LineKind::Snapshot) | None => {}
        }
    })?;
    problems.into_result()
}

/// Like [`emit`], but an unknown table is reported once per query, not once per row.
fn emit_once(
    row: &Row,
    origin: &Origin<'_>,
    query: &str,
    unknown: &mut HashSet<String>,
    problems: &mut Problems,
    sink: &mut dyn Sink,
) {
    if row.nested().is_none() && Table::recognise(row).is_none() {
        if unknown.insert(query.to_owned()) {
            problems.push(format!(
                "line {}: query `{}`: columns [{}] match no osquery table proscribe reads ({})",
                origin.line,
                excerpt(query),
                excerpt_list(&row.columns()),
                Table::ALL.map(Table::name).join(", ")
            ));
        }
        return;
    }
    emit(row, origin, problems, sink);
}

/// The osquery tables proscribe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Windows `programs` (Programs and Features).
    Programs,
    /// `deb_packages`.
    DebPackages,
    /// `rpm_packages`.
    RpmPackages,
    /// macOS `apps`.
    Apps,
    /// `chrome_extensions` (Chromium-based browsers).
    ChromeExtensions,
    /// `firefox_addons`.
    FirefoxAddons,
    /// `certificates`.
    Certificates,
    /// `usb_devices`.
    UsbDevices,
    /// `pci_devices`.
    PciDevices,
    /// `arp_cache`.
    ArpCache,
    /// Windows `services`.
    Services,
    /// Linux `kernel_modules`.
    KernelModules,
    /// macOS `homebrew_packages`.
    HomebrewPackages,
    /// `npm_packages`.
    NpmPackages,
    /// `python_packages`.
    PythonPackages,
}

impl Table {
    /// Every table, in the order they are tried.
    pub const ALL: [Table; 15] = [
        Self::Apps,
        Self::ChromeExtensions,
        Self::FirefoxAddons,
        Self::Programs,
        Self::Services,
        Self::Certificates,
        Self::UsbDevices,
        Self::PciDevices,
        Self::ArpCache,
        Self::DebPackages,
        Self::RpmPackages,
        Self::KernelModules,
        Self::NpmPackages,
        Self::PythonPackages,
        Self::HomebrewPackages,
    ];

    /// The table's osquery name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Programs => "programs",
            Self::DebPackages => "deb_packages",
            Self::RpmPackages => "rpm_packages",
            Self::Apps => "apps",
            Self::ChromeExtensions => "chrome_extensions",
            Self::FirefoxAddons => "firefox_addons",
            Self::Certificates => "certificates",
            Self::UsbDevices => "usb_devices",
            Self::PciDevices => "pci_devices",
            Self::ArpCache => "arp_cache",
            Self::Services => "services",
            Self::KernelModules => "kernel_modules",
            Self::HomebrewPackages => "homebrew_packages",
            Self::NpmPackages => "npm_packages",
            Self::PythonPackages => "python_packages",
        }
    }

    /// The table a row's columns belong to: columns only that table has in osquery's
    /// specs, so `select *` rows are always recognised and a projection of a few columns
    /// is recognised when it keeps a distinctive one.
    fn recognise(row: &Row) -> Option<Table> {
        let has = |c: &str| row.has(c);
        let any = |cs: &[&str]| cs.iter().any(|c| row.has(c));
        Self::ALL.into_iter().find(|t| match t {
            Self::Apps => any(&["bundle_identifier", "bundle_executable"]),
            Self::ChromeExtensions => {
                has("identifier")
                    && any(&[
                        "profile",
                        "update_url",
                        "browser_type",
                        "permissions",
                        "persistent",
                    ])
            }
            Self::FirefoxAddons => {
                has("identifier") && any(&["creator", "source_url", "visible", "autoupdate"])
            }
            Self::Programs => {
                has("name") && any(&["identifying_number", "uninstall_string", "install_source"])
            }
            Self::Services => {
                has("name") && any(&["service_type", "start_type", "win32_exit_code"])
            }
            Self::Certificates => {
                has("common_name") && any(&["issuer", "sha1", "key_algorithm", "self_signed"])
            }
            Self::UsbDevices => {
                any(&["usb_address", "usb_port"])
                    || (has("vendor_id") && has("model_id") && has("removable"))
            }
            Self::PciDevices => any(&["pci_slot", "pci_class_id", "pci_class"]),
            Self::ArpCache => has("mac") && has("address") && any(&["interface", "permanent"]),
            Self::DebPackages => {
                has("name")
                    && (has("admindir")
                        || (has("maintainer") && any(&["priority", "section", "revision"])))
            }
            Self::RpmPackages => {
                has("name")
                    && has("release")
                    && any(&["epoch", "sha1", "vendor", "package_group", "arch"])
            }
            Self::KernelModules => has("name") && has("used_by"),
            Self::NpmPackages => has("name") && has("homepage") && has("directory"),
            Self::PythonPackages => has("name") && has("summary") && has("directory"),
            Self::HomebrewPackages => {
                has("name")
                    && has("path")
                    && has("version")
                    && row.0.iter().all(|(k, _)| {
                        matches!(
                            k.as_str(),
                            "name"
                                | "path"
                                | "version"
                                | "prefix"
                                | "type"
                                | "auto_updates"
                                | "app_name"
                        )
                    })
            }
        })
    }

    /// The item a row describes; `None` when the row names nothing (an empty name, an
    /// incomplete ARP entry).
    fn item(self, row: &Row, location: Location) -> Option<Item> {
        let get = |c: &str| row.get(c).map(str::to_owned);
        let attrs = |item: &mut Item, cols: &[&str]| {
            for c in cols {
                if let Some(v) = row.get(c) {
                    item.attrs.insert((*c).replace('_', "-"), v.to_owned());
                }
            }
        };
        let item = match self {
            Self::Programs => {
                let mut item = Item::new(ItemKind::Application, get("name")?, location);
                item.version = get("version");
                item.publisher = get("publisher");
                if let Some(code) = get("identifying_number") {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::WindowsProductCode, code));
                }
                attrs(
                    &mut item,
                    &[
                        "install_location",
                        "install_source",
                        "install_date",
                        "language",
                    ],
                );
                item
            }
            Self::DebPackages => {
                let name = get("name")?;
                let mut item = Item::new(ItemKind::Package, name.clone(), location);
                item.version = get("version");
                item.identifiers.push(Identifier::package("deb", &name));
                item.identifiers.push(Identifier::new(
                    IdentifierKind::Purl,
                    purl(
                        "deb",
                        "debian",
                        &name,
                        item.version.as_deref(),
                        row.get("arch"),
                    ),
                ));
                if let Some(m) = get("maintainer") {
                    item.publisher = without_email(&m);
                    item.attrs.insert("maintainer".into(), m);
                }
                if let Some(a) = get("arch") {
                    item.attrs.insert("architecture".into(), a);
                }
                attrs(&mut item, &["source", "status", "admindir"]);
                item
            }
            Self::RpmPackages => {
                let name = get("name")?;
                let mut item = Item::new(ItemKind::Package, name.clone(), location);
                let vr = match (row.get("version"), row.get("release")) {
                    (Some(v), Some(r)) => Some(format!("{v}-{r}")),
                    (Some(v), None) => Some(v.to_owned()),
                    (None, _) => None,
                };
                item.version = vr.as_ref().map(|vr| match row.get("epoch") {
                    Some(e) => format!("{e}:{vr}"),
                    None => vr.clone(),
                });
                item.publisher = get("vendor");
                item.identifiers.push(Identifier::package("rpm", &name));
                let mut p = String::from("pkg:rpm/");
                if let Some(v) = row.get("vendor") {
                    p.push_str(&purl_encode(&v.to_lowercase()));
                    p.push('/');
                }
                p.push_str(&purl_encode(&name));
                if let Some(vr) = &vr {
                    p.push('@');
                    p.push_str(&purl_encode(vr));
                }
                if let Some(a) = row.get("arch") {
                    p.push_str("?arch=");
                    p.push_str(&purl_encode(a));
                }
                item.identifiers
                    .push(Identifier::new(IdentifierKind::Purl, p));
                if let Some(a) = get("arch") {
                    item.attrs.insert("architecture".into(), a);
                }
                attrs(&mut item, &["source", "package_group", "sha1"]);
                item
            }
            Self::Apps => {
                let name = get("display_name")
                    .or_else(|| get("bundle_name"))
                    .or_else(|| get("name").map(|n| n.trim_end_matches(".app").to_owned()))?;
                let mut item = Item::new(ItemKind::Application, name, location);
                item.version = get("bundle_short_version").or_else(|| get("bundle_version"));
                if let Some(id) = get("bundle_identifier") {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::BundleId, id));
                }
                attrs(&mut item, &["path", "bundle_version", "bundle_executable"]);
                item
            }
            Self::ChromeExtensions | Self::FirefoxAddons => {
                let id = get("identifier");
                let name = get("name").or_else(|| id.clone())?;
                let mut item = Item::new(ItemKind::BrowserExtension, name, location);
                item.version = get("version");
                item.publisher = get("author").or_else(|| get("creator"));
                if let Some(id) = id {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::ExtensionId, id));
                }
                attrs(
                    &mut item,
                    &[
                        "browser_type",
                        "profile",
                        "path",
                        "update_url",
                        "source_url",
                    ],
                );
                item
            }
            Self::Certificates => {
                let subject = get("subject");
                let name = get("common_name").or_else(|| subject.clone())?;
                let mut item = Item::new(ItemKind::Certificate, name, location);
                if let Some(s) = subject {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::CertSubject, s));
                }
                // osquery gives the SHA-1 fingerprint only; the model's fingerprint is
                // SHA-256, so SHA-1 stays an attribute rather than a wrong identifier.
                attrs(
                    &mut item,
                    &[
                        "issuer",
                        "sha1",
                        "serial",
                        "not_valid_after",
                        "ca",
                        "self_signed",
                        "path",
                    ],
                );
                item
            }
            Self::UsbDevices | Self::PciDevices => {
                let (kind, id_kind) = if self == Self::UsbDevices {
                    (ItemKind::UsbDevice, IdentifierKind::Usb)
                } else {
                    (ItemKind::PciDevice, IdentifierKind::Pci)
                };
                let id = match (hex4(row.get("vendor_id")), hex4(row.get("model_id"))) {
                    (Some(v), Some(m)) => Some(format!("{v}:{m}")),
                    _ => None,
                };
                let name = get("model").or_else(|| id.clone())?;
                let mut item = Item::new(kind, name, location);
                item.publisher = get("vendor");
                if let Some(id) = id {
                    item.identifiers.push(Identifier::new(id_kind, id));
                }
                attrs(
                    &mut item,
                    &[
                        "serial",
                        "pci_slot",
                        "driver",
                        "subsystem_vendor",
                        "subsystem_model",
                    ],
                );
                item
            }
            Self::ArpCache => {
                let mac = mac(row.get("mac")?)?;
                let mut item = Item::new(
                    ItemKind::NetworkDevice,
                    get("address").unwrap_or_else(|| mac.clone()),
                    location,
                );
                item.identifiers
                    .push(Identifier::new(IdentifierKind::Mac, mac));
                attrs(&mut item, &["address", "interface"]);
                item
            }
            Self::Services => {
                let name = get("name")?;
                let mut item = Item::new(
                    ItemKind::Service,
                    get("display_name").unwrap_or_else(|| name.clone()),
                    location,
                );
                item.identifiers
                    .push(Identifier::new(IdentifierKind::ServiceName, name));
                for col in ["path", "module_path"] {
                    if let Some(file) = row.get(col).and_then(executable_name) {
                        item.identifiers
                            .push(Identifier::new(IdentifierKind::FileName, file));
                    }
                }
                attrs(
                    &mut item,
                    &[
                        "path",
                        "module_path",
                        "status",
                        "start_type",
                        "user_account",
                    ],
                );
                item
            }
            Self::KernelModules => {
                let mut item = Item::new(ItemKind::Driver, get("name")?, location);
                attrs(&mut item, &["status", "used_by"]);
                item
            }
            Self::HomebrewPackages | Self::NpmPackages | Self::PythonPackages => {
                let name = get("name")?;
                let mut item = Item::new(ItemKind::Package, name.clone(), location);
                item.version = get("version");
                item.publisher = get("author");
                let (eco, purl) = match self {
                    Self::NpmPackages => ("npm", Some(npm_purl(&name, item.version.as_deref()))),
                    Self::PythonPackages => {
                        ("pypi", Some(pypi_purl(&name, item.version.as_deref())))
                    }
                    _ => ("homebrew", None),
                };
                item.identifiers.push(Identifier::package(eco, &name));
                if let Some(p) = purl {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::Purl, p));
                }
                attrs(&mut item, &["path", "license"]);
                item
            }
        };
        Some(item)
    }
}

/// A USB or PCI id as four lower-case hex digits (`0x8086` and `8086` alike).
fn hex4(v: Option<&str>) -> Option<String> {
    let v = v?.trim();
    let v = v
        .strip_prefix("0x")
        .or_else(|| v.strip_prefix("0X"))
        .unwrap_or(v);
    (!v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{:0>4}", v.to_ascii_lowercase()))
}

/// A MAC address in lower-case colon form; `None` for incomplete or all-zero entries.
fn mac(v: &str) -> Option<String> {
    let parts: Vec<&str> = v.trim().split([':', '-']).collect();
    if parts.len() != 6
        || !parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    let out: Vec<String> = parts
        .iter()
        .map(|p| format!("{:0>2}", p.to_ascii_lowercase()))
        .collect();
    (out.iter().any(|p| p != "00")).then(|| out.join(":"))
}

/// The file name of a service's executable from its command line
/// (`"C:\Program Files\Kaspersky Lab\avp.exe" -r` → `avp.exe`).
fn executable_name(command: &str) -> Option<String> {
    let command = command.trim();
    let path = if let Some(rest) = command.strip_prefix('"') {
        rest.split('"').next().unwrap_or(rest)
    } else {
        let lower = command.to_ascii_lowercase();
        match [".exe", ".sys", ".dll"]
            .iter()
            .filter_map(|ext| lower.find(ext).map(|i| i + ext.len()))
            .min()
        {
            Some(end) => &command[..end],
            None => command.split(' ').next().unwrap_or(command),
        }
    };
    let file = path.rsplit(['\\', '/']).next()?.trim();
    (!file.is_empty()).then(|| file.to_owned())
}

/// `pkg:npm/<name>@<version>`; a scope's `@` is percent-encoded (`%40scope/name`).
fn npm_purl(name: &str, version: Option<&str>) -> String {
    let mut out = String::from("pkg:npm/");
    match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
        Some((scope, n)) => {
            out.push_str("%40");
            out.push_str(&purl_encode(scope));
            out.push('/');
            out.push_str(&purl_encode(n));
        }
        None => out.push_str(&purl_encode(name)),
    }
    if let Some(v) = version {
        out.push('@');
        out.push_str(&purl_encode(v));
    }
    out
}

/// `pkg:pypi/<name>@<version>`, the name lower-cased with `_` as `-` (the purl spec's
/// pypi normalisation).
fn pypi_purl(name: &str, version: Option<&str>) -> String {
    let mut out = format!(
        "pkg:pypi/{}",
        purl_encode(&name.to_lowercase().replace('_', "-"))
    );
    if let Some(v) = version {
        out.push('@');
        out.push_str(&purl_encode(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hex ids are normalised whether osquery prints `0x8086` or `8086`.
    #[test]
    fn ids() {
        assert_eq!(hex4(Some("0x8086")).as_deref(), Some("8086"));
        assert_eq!(hex4(Some("1D6B")).as_deref(), Some("1d6b"));
        assert_eq!(hex4(Some("2")).as_deref(), Some("0002"));
        assert_eq!(hex4(Some("0x12345")), None);
        assert_eq!(hex4(Some("")), None);
        assert_eq!(mac("02:FC:0:0:0:5").as_deref(), Some("02:fc:00:00:00:05"));
        assert_eq!(mac("incomplete"), None);
        assert_eq!(mac("00:00:00:00:00:00"), None);
    }

    /// Service command lines give the executable's file name.
    #[test]
    fn service_executables() {
        assert_eq!(
            executable_name(r#""C:\Program Files (x86)\Kaspersky Lab\KES\avp.exe" -r"#).as_deref(),
            Some("avp.exe")
        );
        assert_eq!(
            executable_name(r"C:\Windows\system32\svchost.exe -k netsvcs -p").as_deref(),
            Some("svchost.exe")
        );
        assert_eq!(
            executable_name(r"\SystemRoot\System32\drivers\klif.sys").as_deref(),
            Some("klif.sys")
        );
    }

    /// Package URLs of the language ecosystems follow the purl spec.
    #[test]
    fn purls() {
        assert_eq!(
            npm_purl("@cyclonedx/cdxgen", Some("11.0.0")),
            "pkg:npm/%40cyclonedx/cdxgen@11.0.0"
        );
        assert_eq!(
            pypi_purl("Typing_Extensions", None),
            "pkg:pypi/typing-extensions"
        );
    }
}
