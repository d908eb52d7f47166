//! macOS: application bundles, installer receipts and launchd jobs, from property lists.
//!
//! A Mac has no single package database: apps are `.app` folders dropped anywhere (often
//! per user, in `~/Applications`), installers leave receipts, and daemons are launchd
//! plists that outlive the app that installed them. Each is read from its plist, binary or
//! XML, in a mounted root or as a single file.

pub mod plist_file;

use std::path::Path;

use plist::{Dictionary, Value};
use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::walk::{self, Failures};
use crate::{CollectError, Collector, Confidence, Input, Sink};

pub use plist_file::{item_of_plist, PlistFile};

/// The largest plist read. Real Info.plists and receipts are a few KB; InstallHistory
/// grows with every update but stays well under this.
const MAX_PLIST: u64 = 16 << 20;

/// How deep `.app` bundles are looked for below `Applications` (`Applications/Utilities/
/// X.app`, vendor folders such as `Applications/Kaspersky Lab/X.app`).
const APP_DEPTH: usize = 3;

/// Parses a binary, XML or ASCII property list.
///
/// # Errors
/// A one-line reason when the bytes are not a property list.
pub fn parse_plist(bytes: &[u8]) -> Result<Value, String> {
    let first = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if !bytes.starts_with(b"bplist") && !matches!(first, Some(b'<' | b'{' | b'(' | b'"')) {
        return Err(
            "not a property list: neither binary (`bplist00`) nor XML (`<?xml`, `<plist`)".into(),
        );
    }
    Value::from_reader(std::io::Cursor::new(bytes)).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.lines().next().unwrap_or("").trim();
        format!("not a property list: {msg}")
    })
}

/// Reads a plist file whose top level must be a dictionary.
fn read_dict(path: &Path) -> Result<Dictionary, String> {
    let bytes = walk::read_small(path, MAX_PLIST)?;
    match parse_plist(&bytes)? {
        Value::Dictionary(d) => Ok(d),
        other => Err(format!(
            "a property list whose top level is {} where a dictionary was expected",
            kind_of(&other)
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an array",
        Value::Dictionary(_) => "a dictionary",
        Value::Boolean(_) => "a boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "a date",
        Value::Real(_) | Value::Integer(_) => "a number",
        Value::String(_) => "a string",
        _ => "an unknown value",
    }
}

/// A string value of a dictionary, trimmed; `None` when missing, empty or not a string.
fn string(d: &Dictionary, key: &str) -> Option<String> {
    d.get(key)
        .and_then(Value::as_string)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn location(input: &Input<'_>, collector: &str, path: &Path) -> Location {
    Location {
        target: input.target.to_owned(),
        collector: collector.to_owned(),
        path: path.display().to_string(),
        detail: None,
    }
}

/// The item of an app's `Contents/Info.plist`; `None` when it has no bundle id (a plist
/// of something else).
pub(crate) fn app_item(d: &Dictionary, bundle: &Path, loc: Location) -> Option<Item> {
    let id = string(d, "CFBundleIdentifier")?;
    let name = string(d, "CFBundleDisplayName")
        .or_else(|| string(d, "CFBundleName"))
        .unwrap_or_else(|| {
            let file = walk::file_name(bundle);
            file.strip_suffix(".app").unwrap_or(&file).to_owned()
        });
    let mut item = Item::new(ItemKind::Application, name, loc);
    item.version = string(d, "CFBundleShortVersionString").or_else(|| string(d, "CFBundleVersion"));
    item.identifiers
        .push(Identifier::new(IdentifierKind::BundleId, id));
    if let Some(exe) = string(d, "CFBundleExecutable") {
        item.identifiers
            .push(Identifier::new(IdentifierKind::FileName, exe));
    }
    item.attrs
        .insert("bundle".into(), bundle.display().to_string());
    if let Some(v) = string(d, "CFBundleVersion") {
        item.attrs.insert("bundle_version".into(), v);
    }
    if let Some(c) = string(d, "NSHumanReadableCopyright") {
        item.attrs.insert("copyright".into(), c);
    }
    Some(item)
}

/// The item of a `var/db/receipts/<id>.plist` receipt; `None` without a PackageIdentifier.
pub(crate) fn receipt_item(d: &Dictionary, loc: Location) -> Option<Item> {
    let id = string(d, "PackageIdentifier")?;
    let mut item = Item::new(ItemKind::Package, id.clone(), loc);
    item.version = string(d, "PackageVersion");
    item.identifiers.push(Identifier::package("pkg", &id));
    item.identifiers
        .push(Identifier::new(IdentifierKind::BundleId, id));
    for (key, attr) in [
        ("InstallPrefixPath", "install_prefix"),
        ("InstallProcessName", "installer"),
        ("PackageFileName", "package_file"),
    ] {
        if let Some(v) = string(d, key) {
            item.attrs.insert(attr.into(), v);
        }
    }
    if let Some(date) = d.get("InstallDate").and_then(Value::as_date) {
        item.attrs
            .insert("install_date".into(), date.to_xml_format());
    }
    Some(item)
}

/// The item of a launchd job plist; `None` without a Label.
pub(crate) fn launchd_item(d: &Dictionary, loc: Location) -> Option<Item> {
    let label = string(d, "Label")?;
    let mut item = Item::new(ItemKind::Service, label.clone(), loc);
    item.identifiers
        .push(Identifier::new(IdentifierKind::ServiceName, label));
    let program = string(d, "Program").or_else(|| {
        d.get("ProgramArguments")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_string)
            .map(str::to_owned)
    });
    if let Some(program) = program {
        if let Some(base) = walk::base_name(&program) {
            item.identifiers
                .push(Identifier::new(IdentifierKind::FileName, base));
        }
        item.attrs.insert("program".into(), program);
    }
    if let Some(Value::Boolean(true)) = d.get("Disabled") {
        item.attrs.insert("disabled".into(), "true".into());
    }
    Some(item)
}

/// Applications: `Applications/**/*.app` and `Users/*/Applications/**/*.app`.
pub struct MacApps;

impl Collector for MacApps {
    fn name(&self) -> &'static str {
        "macos-app"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        // A single bundle given by the user.
        (input.is_dir && is_app_bundle(input.path)).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &["Applications", "Users"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return Err(CollectError::format(
                "not a directory: expected an Applications folder or a .app bundle",
            ));
        }
        let mut failures = Failures::default();
        if is_app_bundle(input.path) {
            read_app(input, input.path, sink, &mut failures);
        } else if walk::file_name(input.path) == "Users" {
            for home in walk::subdirs(input.path) {
                find_apps(input, &home.join("Applications"), 0, sink, &mut failures);
            }
        } else {
            find_apps(input, input.path, 0, sink, &mut failures);
        }
        failures.finish()
    }
}

fn is_app_bundle(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "app") && path.join("Contents/Info.plist").is_file()
}

fn find_apps(
    input: &Input<'_>,
    dir: &Path,
    depth: usize,
    sink: &mut dyn Sink,
    failures: &mut Failures,
) {
    for sub in walk::subdirs(dir) {
        if sub.extension().is_some_and(|e| e == "app") {
            if sub.join("Contents/Info.plist").is_file() {
                read_app(input, &sub, sink, failures);
            }
        } else if depth + 1 < APP_DEPTH {
            find_apps(input, &sub, depth + 1, sink, failures);
        }
    }
}

fn read_app(input: &Input<'_>, bundle: &Path, sink: &mut dyn Sink, failures: &mut Failures) {
    let plist = bundle.join("Contents/Info.plist");
    match read_dict(&plist) {
        Ok(d) => match app_item(&d, bundle, location(input, "macos-app", &plist)) {
            Some(item) => sink.push(item),
            None => failures.add(&plist, "no CFBundleIdentifier: not an application bundle"),
        },
        Err(e) => failures.add(&plist, e),
    }
}

/// Installer receipts: `var/db/receipts/*.plist`, `Library/Receipts/*.pkg` (before macOS
/// 10.6) and `Library/Receipts/InstallHistory.plist`.
pub struct MacReceipts;

impl Collector for MacReceipts {
    fn name(&self) -> &'static str {
        "macos-receipt"
    }

    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[
            "var/db/receipts",
            "private/var/db/receipts",
            "Library/Receipts",
        ]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return Err(CollectError::format(
                "not a directory: expected a receipts folder",
            ));
        }
        let mut failures = Failures::default();
        for file in walk::files(input.path) {
            let name = walk::file_name(&file);
            if name == "InstallHistory.plist" {
                read_history(input, &file, sink, &mut failures);
            } else if name.ends_with(".plist") {
                match read_dict(&file) {
                    Ok(d) => match receipt_item(&d, location(input, self.name(), &file)) {
                        Some(item) => sink.push(item),
                        None => failures.add(&file, "no PackageIdentifier: not a receipt"),
                    },
                    Err(e) => failures.add(&file, e),
                }
            }
        }
        // Old-style receipts are the installer packages' own bundles.
        for pkg in walk::subdirs(input.path) {
            let plist = pkg.join("Contents/Info.plist");
            if pkg.extension().is_some_and(|e| e == "pkg") && plist.is_file() {
                match read_dict(&plist) {
                    Ok(d) => {
                        let mut loc = location(input, self.name(), &plist);
                        loc.detail = Some("receipt bundle".into());
                        if let Some(mut item) = app_item(&d, &pkg, loc) {
                            item.kind = ItemKind::Package;
                            sink.push(item);
                        }
                    }
                    Err(e) => failures.add(&plist, e),
                }
            }
        }
        failures.finish()
    }
}

/// `InstallHistory.plist`: an array of installs, each with a display name, version and
/// the package identifiers it installed.
fn read_history(input: &Input<'_>, file: &Path, sink: &mut dyn Sink, failures: &mut Failures) {
    let value = match walk::read_small(file, MAX_PLIST).and_then(|b| parse_plist(&b)) {
        Ok(v) => v,
        Err(e) => return failures.add(file, e),
    };
    let Some(entries) = value.as_array() else {
        return failures.add(
            file,
            format!(
                "top level is {} where an array was expected",
                kind_of(&value)
            ),
        );
    };
    for (i, entry) in entries.iter().enumerate() {
        let Some(d) = entry.as_dictionary() else {
            continue;
        };
        let Some(name) = string(d, "displayName") else {
            continue;
        };
        let mut loc = location(input, "macos-receipt", file);
        loc.detail = Some(format!("entry {i}"));
        let mut item = Item::new(ItemKind::Package, name, loc);
        item.version = string(d, "displayVersion");
        for id in d
            .get("packageIdentifiers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_string)
        {
            item.identifiers.push(Identifier::package("pkg", id));
            item.identifiers
                .push(Identifier::new(IdentifierKind::BundleId, id));
        }
        if let Some(p) = string(d, "processName") {
            item.attrs.insert("installer".into(), p);
        }
        sink.push(item);
    }
}

/// launchd jobs: `Library/LaunchDaemons`, `Library/LaunchAgents`,
/// `Users/*/Library/LaunchAgents`.
pub struct Launchd;

impl Collector for Launchd {
    fn name(&self) -> &'static str {
        "launchd"
    }

    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &["Library/LaunchDaemons", "Library/LaunchAgents", "Users"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return Err(CollectError::format(
                "not a directory: expected a LaunchDaemons or LaunchAgents folder",
            ));
        }
        let mut failures = Failures::default();
        let dirs = if walk::file_name(input.path) == "Users" {
            walk::subdirs(input.path)
                .into_iter()
                .map(|home| home.join("Library/LaunchAgents"))
                .collect()
        } else {
            vec![input.path.to_path_buf()]
        };
        for dir in dirs {
            for file in walk::files(&dir) {
                if !walk::file_name(&file).ends_with(".plist") {
                    continue;
                }
                match read_dict(&file) {
                    Ok(d) => match launchd_item(&d, location(input, self.name(), &file)) {
                        Some(item) => sink.push(item),
                        None => failures.add(&file, "no Label: not a launchd job"),
                    },
                    Err(e) => failures.add(&file, e),
                }
            }
        }
        failures.finish()
    }
}
