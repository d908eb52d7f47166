//! Browser extensions: Chromium-family profiles (Chrome, Edge, Brave, Chromium, Vivaldi)
//! and Firefox profiles, in the homes of Linux, macOS and Windows roots.
//!
//! Extensions are per user and per profile, installed without an administrator and
//! invisible to package inventories; some security suites add their own (Kaspersky
//! Protection). The extension id is the strong identifier; the name is resolved the way
//! the browser shows it.

use std::path::{Path, PathBuf};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};
use serde_json::Value;

use crate::walk::{self, Failures};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The largest manifest, messages or extensions.json file read.
const MAX_JSON: u64 = 32 << 20;

/// Chromium-family user-data folders, relative to a home, with the browser's name.
const CHROMIUM_DIRS: &[(&str, &str)] = &[
    // Linux
    (".config/google-chrome", "Google Chrome"),
    (".config/google-chrome-beta", "Google Chrome Beta"),
    (".config/google-chrome-unstable", "Google Chrome Dev"),
    (".config/chromium", "Chromium"),
    ("snap/chromium/common/chromium", "Chromium"),
    (".config/microsoft-edge", "Microsoft Edge"),
    (".config/microsoft-edge-beta", "Microsoft Edge Beta"),
    (".config/BraveSoftware/Brave-Browser", "Brave"),
    (".config/vivaldi", "Vivaldi"),
    // macOS
    ("Library/Application Support/Google/Chrome", "Google Chrome"),
    ("Library/Application Support/Chromium", "Chromium"),
    (
        "Library/Application Support/Microsoft Edge",
        "Microsoft Edge",
    ),
    (
        "Library/Application Support/BraveSoftware/Brave-Browser",
        "Brave",
    ),
    ("Library/Application Support/Vivaldi", "Vivaldi"),
    // Windows
    ("AppData/Local/Google/Chrome/User Data", "Google Chrome"),
    ("AppData/Local/Chromium/User Data", "Chromium"),
    ("AppData/Local/Microsoft/Edge/User Data", "Microsoft Edge"),
    (
        "AppData/Local/BraveSoftware/Brave-Browser/User Data",
        "Brave",
    ),
    ("AppData/Local/Vivaldi/User Data", "Vivaldi"),
];

/// Firefox profile parents, relative to a home.
const FIREFOX_DIRS: &[&str] = &[
    ".mozilla/firefox",
    "snap/firefox/common/.mozilla/firefox",
    ".var/app/org.mozilla.firefox/.mozilla/firefox",
    "Library/Application Support/Firefox/Profiles",
    "AppData/Roaming/Mozilla/Firefox/Profiles",
];

/// The homes below a root path: `home/*` and `Users/*` hold homes; `root` is one.
fn homes(path: &Path) -> Vec<PathBuf> {
    match walk::file_name(path).as_str() {
        "home" | "Users" => walk::subdirs(path),
        _ => vec![path.to_path_buf()],
    }
}

fn location(input: &Input<'_>, collector: &str, path: &Path) -> Location {
    Location {
        target: input.target.to_owned(),
        collector: collector.to_owned(),
        path: path.display().to_string(),
        detail: None,
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let bytes = walk::read_small(path, MAX_JSON)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))
}

/// Chromium-family extensions: `<user data>/<profile>/Extensions/<id>/<version>/manifest.json`.
pub struct ChromiumExtensions;

impl Collector for ChromiumExtensions {
    fn name(&self) -> &'static str {
        "chromium-extensions"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        // A user-data folder or one profile given by the user.
        (input.is_dir
            && (input.path.join("Local State").is_file() || input.path.join("Extensions").is_dir()))
        .then_some(Confidence::Medium)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &["home", "root", "Users"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return Err(CollectError::format(
                "not a directory: expected a home, a browser user-data folder or a profile",
            ));
        }
        let mut failures = Failures::default();
        if self.sniff(input).is_some() {
            user_data(input, input.path, "Chromium-family", sink, &mut failures);
        } else {
            for home in homes(input.path) {
                for (rel, browser) in CHROMIUM_DIRS {
                    let dir = home.join(rel);
                    if dir.is_dir() {
                        user_data(input, &dir, browser, sink, &mut failures);
                    }
                }
            }
        }
        failures.finish()
    }
}

/// Every profile of one user-data folder (or the folder itself when it is a profile).
fn user_data(
    input: &Input<'_>,
    dir: &Path,
    browser: &str,
    sink: &mut dyn Sink,
    failures: &mut Failures,
) {
    let profiles = if dir.join("Extensions").is_dir() {
        vec![dir.to_path_buf()]
    } else {
        walk::subdirs(dir)
    };
    for profile in profiles {
        for ext in walk::subdirs(&profile.join("Extensions")) {
            let id = walk::file_name(&ext);
            // The newest version folder is the installed one; older ones linger during
            // an update.
            let Some(version_dir) = walk::subdirs(&ext)
                .into_iter()
                .filter(|v| v.join("manifest.json").is_file())
                .max_by(|a, b| version_key(a).cmp(&version_key(b)))
            else {
                continue;
            };
            let manifest = version_dir.join("manifest.json");
            match chromium_item(
                &manifest,
                &id,
                location(input, "chromium-extensions", &manifest),
            ) {
                Ok(mut item) => {
                    item.attrs.insert("browser".into(), browser.into());
                    item.attrs
                        .insert("profile".into(), walk::file_name(&profile));
                    sink.push(item);
                }
                Err(e) => failures.add(&manifest, e),
            }
        }
    }
}

/// Orders `1.10.0_0` after `1.9.2_0`.
fn version_key(dir: &Path) -> Vec<u64> {
    walk::file_name(dir)
        .split(['.', '_'])
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// The item of one unpacked extension's manifest.
///
/// # Errors
/// When the manifest is not JSON or not an object.
pub fn chromium_item(manifest: &Path, id: &str, loc: Location) -> Result<Item, String> {
    let json = read_json(manifest)?;
    let Some(obj) = json.as_object() else {
        return Err("manifest is not a JSON object".into());
    };
    let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::trim);
    let dir = manifest.parent().unwrap_or(manifest);
    let raw_name = text("name").filter(|s| !s.is_empty()).unwrap_or(id);
    let default_locale = text("default_locale");
    let name = localized(dir, default_locale, raw_name)?;
    let mut item = Item::new(ItemKind::BrowserExtension, name, loc);
    item.version = text("version").map(str::to_owned);
    item.identifiers
        .push(Identifier::new(IdentifierKind::ExtensionId, id));
    if raw_name.starts_with("__MSG_") {
        item.attrs.insert("manifest_name".into(), raw_name.into());
    }
    if let Some(author) = text("author") {
        item.attrs.insert("author".into(), author.into());
    }
    if let Some(url) = text("homepage_url") {
        item.attrs.insert("homepage".into(), url.into());
    }
    Ok(item)
}

/// Resolves `__MSG_key__` from `_locales/<locale>/messages.json` (the default locale,
/// then `en`, then any), as Chrome does; message names are case-insensitive.
fn localized(dir: &Path, default_locale: Option<&str>, raw: &str) -> Result<String, String> {
    let Some(key) = raw
        .strip_prefix("__MSG_")
        .and_then(|k| k.strip_suffix("__"))
    else {
        return Ok(raw.to_owned());
    };
    let locales = dir.join("_locales");
    let mut candidates: Vec<PathBuf> = default_locale
        .into_iter()
        .chain(["en", "en_US"])
        .map(|l| locales.join(l))
        .collect();
    candidates.extend(walk::subdirs(&locales));
    for locale in candidates {
        let file = locale.join("messages.json");
        if !file.is_file() {
            continue;
        }
        let json = read_json(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let found = json.as_object().and_then(|m| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| v.get("message"))
                .and_then(Value::as_str)
        });
        if let Some(message) = found.map(str::trim).filter(|m| !m.is_empty()) {
            return Ok(message.to_owned());
        }
    }
    Ok(raw.to_owned())
}

/// Firefox add-ons: `extensions.json` of every profile.
pub struct FirefoxExtensions;

impl Collector for FirefoxExtensions {
    fn name(&self) -> &'static str {
        "firefox-extensions"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return input
                .path
                .join("extensions.json")
                .is_file()
                .then_some(Confidence::Medium);
        }
        let head = std::str::from_utf8(input.head).ok().or_else(|| {
            // A head cut inside a multi-byte character is still text.
            std::str::from_utf8(&input.head[..input.head.len().saturating_sub(3)]).ok()
        })?;
        (head.trim_start().starts_with('{')
            && head.contains("\"schemaVersion\"")
            && head.contains("\"addons\""))
        .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &["home", "root", "Users"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return firefox_file(input, input.path, sink).map_err(CollectError::format);
        }
        let mut failures = Failures::default();
        let file = input.path.join("extensions.json");
        if file.is_file() {
            if let Err(e) = firefox_file(input, &file, sink) {
                failures.add(&file, e);
            }
            return failures.finish();
        }
        for home in homes(input.path) {
            for rel in FIREFOX_DIRS {
                for profile in walk::subdirs(&home.join(rel)) {
                    let file = profile.join("extensions.json");
                    if file.is_file() {
                        if let Err(e) = firefox_file(input, &file, sink) {
                            failures.add(&file, e);
                        }
                    }
                }
            }
        }
        failures.finish()
    }
}

/// Reads one `extensions.json`: `addons[]` with `id`, `version`, `type`, `location` and
/// `defaultLocale.{name,creator}`.
fn firefox_file(input: &Input<'_>, file: &Path, sink: &mut dyn Sink) -> Result<(), String> {
    let json = read_json(file)?;
    let Some(addons) = json.get("addons").and_then(Value::as_array) else {
        return Err("no `addons` array: not a Firefox extensions.json".into());
    };
    let profile = file.parent().map(walk::file_name).unwrap_or_default();
    for (i, addon) in addons.iter().enumerate() {
        let text = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let Some(id) = text(addon.get("id")) else {
            continue;
        };
        let locale = addon.get("defaultLocale");
        let name = text(locale.and_then(|l| l.get("name"))).unwrap_or_else(|| id.clone());
        let mut loc = location(input, "firefox-extensions", file);
        loc.detail = Some(format!("addons[{i}]"));
        let mut item = Item::new(ItemKind::BrowserExtension, name, loc);
        item.version = text(addon.get("version"));
        item.publisher = text(locale.and_then(|l| l.get("creator")));
        item.identifiers
            .push(Identifier::new(IdentifierKind::ExtensionId, id));
        item.attrs.insert("browser".into(), "Firefox".into());
        item.attrs.insert("profile".into(), profile.clone());
        for key in ["type", "location"] {
            if let Some(v) = text(addon.get(key)) {
                item.attrs.insert(key.into(), v);
            }
        }
        if let Some(false) = addon.get("active").and_then(Value::as_bool) {
            item.attrs.insert("active".into(), "false".into());
        }
        sink.push(item);
    }
    Ok(())
}
