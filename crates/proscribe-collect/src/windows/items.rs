//! From registry keys to items, by key path; shared by hive files and `.reg` exports.
//!
//! Every root (a hive's root key, or `HKEY_LOCAL_MACHINE\SOFTWARE` of an export) is tried
//! against every known path, so the mapping does not depend on file names: a `SOFTWARE` hive
//! renamed `software.hiv`, or a folder of hives collected by a script, still gives its
//! programs. Damage in one key is recorded and the other keys are still read.

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use super::hive::Value;
use super::RegKey;
use crate::Sink;

pub(crate) use crate::linux::text::Problems;

/// What every item of one file shares.
pub(crate) struct Scope {
    /// Target, collector and file; `detail` is filled per key.
    pub(crate) location: Location,
    /// The Windows profile (or SID) a per-user hive belongs to.
    pub(crate) user: Option<String>,
}

/// Uninstall keys, relative to a hive root, and whether they hold 32-bit programs.
const UNINSTALL: &[(&[&str], bool)] = &[
    (
        &["Microsoft", "Windows", "CurrentVersion", "Uninstall"],
        false,
    ),
    (
        &[
            "WOW6432Node",
            "Microsoft",
            "Windows",
            "CurrentVersion",
            "Uninstall",
        ],
        true,
    ),
    // NTUSER.DAT (HKCU): per-user installs such as Telegram Desktop.
    (
        &[
            "Software",
            "Microsoft",
            "Windows",
            "CurrentVersion",
            "Uninstall",
        ],
        false,
    ),
    (
        &[
            "Software",
            "WOW6432Node",
            "Microsoft",
            "Windows",
            "CurrentVersion",
            "Uninstall",
        ],
        true,
    ),
];

/// Certificate store roots, relative to a hive root (`SOFTWARE` and `NTUSER.DAT`, plus the
/// stores Group Policy and Active Directory fill).
const CERT_STORES: &[&[&str]] = &[
    &["Microsoft", "SystemCertificates"],
    &["Policies", "Microsoft", "SystemCertificates"],
    &["Microsoft", "EnterpriseCertificates"],
    &["Software", "Microsoft", "SystemCertificates"],
    &["Software", "Policies", "Microsoft", "SystemCertificates"],
];

/// Reads every known path below one root; `prefix` is how the root is named in locations.
pub(crate) fn scan<K: RegKey>(
    root: &K,
    prefix: &str,
    scope: &Scope,
    sink: &mut dyn Sink,
    problems: &mut Problems,
) {
    let mut ctx = Ctx {
        scope,
        sink,
        problems,
    };
    for (path, wow64) in UNINSTALL {
        if let Some((key, at)) = ctx.descend(root, prefix, path) {
            ctx.uninstall(&key, &at, *wow64);
        }
    }
    ctx.services(root, prefix);
    for path in CERT_STORES {
        if let Some((key, at)) = ctx.descend(root, prefix, path) {
            ctx.certificates(&key, &at);
        }
    }
}

struct Ctx<'a> {
    scope: &'a Scope,
    sink: &'a mut dyn Sink,
    problems: &'a mut Problems,
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}\\{b}")
    }
}

/// The value with this name (case-insensitive), as text.
fn text(values: &[Value], name: &str) -> Option<String> {
    value(values, name)?.text().filter(|s| !s.is_empty())
}

fn value<'v>(values: &'v [Value], name: &str) -> Option<&'v Value> {
    values
        .iter()
        .find(|v| super::hive::names_equal(&v.name, name))
}

impl Ctx<'_> {
    fn location(&self, key_path: &str, locator: Option<String>) -> Location {
        let mut location = self.scope.location.clone();
        location.detail = Some(match locator {
            Some(l) => format!("{key_path} ({l})"),
            None => key_path.to_owned(),
        });
        location
    }

    fn fail(&mut self, key_path: &str, why: &str) {
        self.problems.push(format!("key {key_path}: {why}"));
    }

    fn subkeys<K: RegKey>(&mut self, key: &K, at: &str) -> Vec<K> {
        key.subkeys().unwrap_or_else(|e| {
            self.fail(at, &e);
            Vec::new()
        })
    }

    fn values<K: RegKey>(&mut self, key: &K, at: &str) -> Option<Vec<Value>> {
        key.values().map_err(|e| self.fail(at, &e)).ok()
    }

    /// The key at `path` below `root` and its display path; `None` when absent or damaged
    /// (damage is recorded).
    fn descend<K: RegKey>(&mut self, root: &K, prefix: &str, path: &[&str]) -> Option<(K, String)> {
        let mut at = prefix.to_owned();
        let mut key: Option<K> = None;
        for part in path {
            let next = match key.as_ref().unwrap_or(root).subkey(part) {
                Ok(next) => next,
                Err(e) => {
                    self.fail(&at, &e);
                    return None;
                }
            }?;
            at = join(&at, next.name());
            key = Some(next);
        }
        key.map(|k| (k, at))
    }

    /// One application per subkey of an Uninstall key.
    fn uninstall<K: RegKey>(&mut self, key: &K, at: &str, wow64: bool) {
        for entry in self.subkeys(key, at) {
            let here = join(at, entry.name());
            let Some(values) = self.values(&entry, &here) else {
                continue;
            };
            let code = entry.name().to_owned();
            // Programs and Features hides entries without a DisplayName, but the key name
            // (a product code such as Telegram's `{53F4…}_is1`) is still evidence.
            let name = text(&values, "DisplayName").unwrap_or_else(|| code.clone());
            let mut item = Item::new(
                ItemKind::Application,
                name,
                self.location(&here, entry.locator()),
            );
            item.version = text(&values, "DisplayVersion");
            item.publisher = text(&values, "Publisher");
            item.identifiers
                .push(Identifier::new(IdentifierKind::WindowsProductCode, code));
            for (attr, name) in [
                ("install-location", "InstallLocation"),
                ("uninstall-string", "UninstallString"),
                ("install-date", "InstallDate"),
            ] {
                if let Some(v) = text(&values, name) {
                    item.attrs.insert(attr.into(), v);
                }
            }
            if value(&values, "SystemComponent").and_then(Value::number) == Some(1) {
                item.attrs.insert("system-component".into(), "1".into());
            }
            if wow64 {
                item.attrs.insert("architecture".into(), "x86".into());
            }
            self.add_user(&mut item);
            self.sink.push(item);
        }
    }

    fn add_user(&self, item: &mut Item) {
        if let Some(user) = &self.scope.user {
            item.attrs.insert("user".into(), user.clone());
        }
    }

    /// Services and drivers of the current control set.
    ///
    /// A hive has `ControlSetNNN` keys and `Select\Current` = NNN; `CurrentControlSet` is a
    /// link Windows creates at boot, so it appears only in exports. Older control sets
    /// (`Select\LastKnownGood`) describe a past state and are not read, unless there is
    /// neither `Select` nor `CurrentControlSet` to say which set is current (a partial
    /// export): then every `ControlSetNNN` is read, each service once.
    fn services<K: RegKey>(&mut self, root: &K, prefix: &str) {
        let current = self
            .descend(root, prefix, &["Select"])
            .and_then(|(select, at)| {
                let values = self.values(&select, &at)?;
                value(&values, "Current").and_then(Value::number)
            });
        let mut sets: Vec<(K, String)> = Vec::new();
        if let Some(n) = current {
            if let Some(set) = self.descend(root, prefix, &[&format!("ControlSet{n:03}")]) {
                sets.push(set);
            }
        }
        if let Some(set) = self.descend(root, prefix, &["CurrentControlSet"]) {
            sets.push(set);
        }
        if sets.is_empty() && current.is_none() {
            // An export of `HKLM\SYSTEM\ControlSet001\Services` alone: no Select to ask.
            for set in self.subkeys(root, prefix) {
                let name = set.name();
                let digits = name.get(10..).unwrap_or_default();
                if digits.len() == 3
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && name
                        .get(..10)
                        .is_some_and(|p| p.eq_ignore_ascii_case("ControlSet"))
                {
                    let at = join(prefix, name);
                    sets.push((set, at));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (set, at) in sets {
            let Some((services, at)) = self.descend(&set, &at, &["Services"]) else {
                continue;
            };
            for service in self.subkeys(&services, &at) {
                // An export of both ControlSet001 and CurrentControlSet lists each twice.
                if seen.insert(service.name().to_lowercase()) {
                    self.service(&service, &join(&at, service.name()));
                }
            }
        }
    }

    fn service<K: RegKey>(&mut self, key: &K, at: &str) {
        let Some(values) = self.values(key, at) else {
            return;
        };
        let kind = value(&values, "Type").and_then(Value::number);
        let image = text(&values, "ImagePath");
        // Subkeys with neither are configuration (e.g. event-log sources), not services.
        if kind.is_none() && image.is_none() {
            return;
        }
        let service_name = key.name().to_owned();
        // `@%SystemRoot%\…dll,-100` is a resource reference, not a name a person reads.
        let display = text(&values, "DisplayName");
        let name = display
            .clone()
            .filter(|d| !d.starts_with('@'))
            .unwrap_or_else(|| service_name.clone());
        // SERVICE_KERNEL_DRIVER 1, SERVICE_FILE_SYSTEM_DRIVER 2, SERVICE_ADAPTER 4,
        // SERVICE_RECOGNIZER_DRIVER 8; services run in processes (0x10, 0x20, 0x50, …).
        let item_kind = match kind {
            Some(k) if k & 0xf != 0 => ItemKind::Driver,
            _ => ItemKind::Service,
        };
        let mut item = Item::new(item_kind, name, self.location(at, key.locator()));
        item.identifiers
            .push(Identifier::new(IdentifierKind::ServiceName, service_name));
        if let Some(image) = &image {
            if let Some(file) = file_name_of(image) {
                item.identifiers
                    .push(Identifier::new(IdentifierKind::FileName, file));
            }
            item.attrs.insert("image-path".into(), image.clone());
        }
        // Services hosted by svchost.exe name their real code in Parameters\ServiceDll.
        if let Ok(Some(params)) = key.subkey("Parameters") {
            if let Some(dll) = params.values().ok().and_then(|v| text(&v, "ServiceDll")) {
                if let Some(file) = file_name_of(&dll) {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::FileName, file));
                }
                item.attrs.insert("service-dll".into(), dll);
            }
        }
        if let Some(k) = kind {
            item.attrs.insert("type".into(), format!("{k:#x}"));
        }
        if let Some(start) = value(&values, "Start").and_then(Value::number) {
            item.attrs.insert("start".into(), start_name(start).into());
        }
        if let Some(d) = display.filter(|d| d.starts_with('@')) {
            item.attrs.insert("display-name".into(), d);
        }
        self.sink.push(item);
    }

    /// Every certificate of every store below a `SystemCertificates` key.
    fn certificates<K: RegKey>(&mut self, key: &K, at: &str) {
        for store in self.subkeys(key, at) {
            // Certificates in Disallowed are explicitly distrusted: their presence is a
            // defence, not an installed root.
            if store.name().eq_ignore_ascii_case("Disallowed") {
                continue;
            }
            let store_at = join(at, store.name());
            let Ok(Some(certs)) = store
                .subkey("Certificates")
                .map_err(|e| self.fail(&store_at, &e))
            else {
                continue;
            };
            let certs_at = join(&store_at, certs.name());
            for cert in self.subkeys(&certs, &certs_at) {
                let here = join(&certs_at, cert.name());
                let Some(values) = self.values(&cert, &here) else {
                    continue;
                };
                let Some(blob) = value(&values, "Blob") else {
                    continue;
                };
                let der = match super::cert::der_of_blob(&blob.data) {
                    Ok(der) => der,
                    Err(why) => {
                        self.fail(&here, &format!("value Blob: {why}"));
                        continue;
                    }
                };
                match super::cert::item(der, self.location(&here, cert.locator())) {
                    Ok(mut item) => {
                        item.attrs.insert("store".into(), store.name().to_owned());
                        item.attrs
                            .insert("thumbprint".into(), cert.name().to_owned());
                        self.add_user(&mut item);
                        self.sink.push(item);
                    }
                    Err(why) => self.fail(&here, &format!("value Blob: {why}")),
                }
            }
        }
    }
}

/// The `Start` value's meaning (winnt.h `SERVICE_BOOT_START` …).
fn start_name(start: u64) -> &'static str {
    match start {
        0 => "boot",
        1 => "system",
        2 => "auto",
        3 => "demand",
        4 => "disabled",
        _ => "unknown",
    }
}

/// The file name an `ImagePath` runs: `"C:\Program Files\x\avp.exe" -r` → `avp.exe`,
/// `\SystemRoot\system32\DRIVERS\klif.sys` → `klif.sys`, `system32\svchost.exe -k netsvcs`
/// → `svchost.exe`. Unquoted paths may hold spaces (`C:\Program Files\x\y.exe`), so the path
/// ends at the first `.exe`, `.sys` or `.dll` followed by a space, else at the end.
pub(crate) fn file_name_of(image: &str) -> Option<String> {
    let image = image.trim();
    let path = if let Some(rest) = image.strip_prefix('"') {
        rest.split('"').next().unwrap_or(rest)
    } else {
        let lower = image.to_ascii_lowercase();
        [".exe", ".sys", ".dll"]
            .iter()
            .filter_map(|ext| {
                lower
                    .match_indices(ext)
                    .map(|(i, _)| i + ext.len())
                    .find(|&end| end == lower.len() || lower.as_bytes()[end] == b' ')
            })
            .min()
            .map_or(image, |end| &image[..end])
    };
    let file = path.rsplit(['\\', '/']).next()?.trim();
    (!file.is_empty()).then(|| file.to_owned())
}

#[cfg(test)]
mod tests {
    use super::file_name_of;

    /// Quoted, unquoted with spaces and arguments, and driver paths.
    #[test]
    fn image_path_file_names() {
        let cases = [
            (
                r#""C:\Program Files (x86)\Kaspersky Lab\KES.21.3\avp.exe" -r"#,
                "avp.exe",
            ),
            (r"\SystemRoot\system32\DRIVERS\klif.sys", "klif.sys"),
            (
                r"%SystemRoot%\system32\svchost.exe -k netsvcs -p",
                "svchost.exe",
            ),
            (r"C:\Program Files\Some App\svc.exe /run", "svc.exe"),
            (r"system32\drivers\x.SYS", "x.SYS"),
            ("plain", "plain"),
        ];
        for (image, want) in cases {
            assert_eq!(file_name_of(image).as_deref(), Some(want), "{image}");
        }
        assert_eq!(file_name_of("  "), None);
    }
}
