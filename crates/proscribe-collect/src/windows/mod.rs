//! Windows: registry hives read offline, and registry exports (`.reg`).
//!
//! Both collectors feed one mapping ([`items`]) that works by key path, so a hive copied from
//! a disk image and the output of `reg export HKLM\…\Uninstall x.reg` give the same items:
//! - `…\Microsoft\Windows\CurrentVersion\Uninstall\*` and its `WOW6432Node` twin (32-bit
//!   programs on 64-bit Windows) in `SOFTWARE`, and the per-user twin under `Software\` in
//!   every `NTUSER.DAT`: installed programs;
//! - `ControlSetNNN\Services\*` of the control set `Select\Current` names in `SYSTEM`:
//!   services and drivers (also the ones a removed product left behind);
//! - `…\SystemCertificates\<store>\Certificates\*\Blob`: certificates in the machine's and
//!   the users' stores, where TLS-intercepting anti-virus puts its root.
//!
//! A mounted Windows root is recognised by `Windows/System32/config/{SOFTWARE,SYSTEM}` and
//! `Users/*/NTUSER.DAT` (matched case-insensitively by the driver, since NTFS is).

mod cert;
pub mod hive;
mod items;
mod regfile;

use proscribe_model::Location;

use self::hive::{Hive, HiveError, Key, Value};
use self::items::{Problems, Scope};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The largest hive read. Real `SOFTWARE` hives reach a few hundred megabytes; anything far
/// larger is not a hive worth holding in memory.
const MAX_HIVE: u64 = 2 << 30;
/// The largest `.reg` export read (a full `HKLM` export is a few hundred megabytes).
const MAX_REG: u64 = 1 << 30;

/// A registry key as the mapping sees it, whatever the file it came from.
pub(crate) trait RegKey: Sized {
    /// The key's name.
    fn name(&self) -> &str;
    /// The subkeys.
    ///
    /// # Errors
    /// A one-line reason when the file is damaged here.
    fn subkeys(&self) -> Result<Vec<Self>, String>;
    /// The values.
    ///
    /// # Errors
    /// A one-line reason when the file is damaged here.
    fn values(&self) -> Result<Vec<Value>, String>;
    /// Where the key is in its file beyond its path (`line 12` of a `.reg` file).
    fn locator(&self) -> Option<String> {
        None
    }
    /// The subkey with this name, compared case-insensitively.
    ///
    /// # Errors
    /// As [`RegKey::subkeys`].
    fn subkey(&self, name: &str) -> Result<Option<Self>, String> {
        Ok(self
            .subkeys()?
            .into_iter()
            .find(|k| hive::names_equal(k.name(), name)))
    }
}

impl RegKey for Key<'_> {
    fn name(&self) -> &str {
        Key::name(self)
    }
    fn subkeys(&self) -> Result<Vec<Self>, String> {
        Key::subkeys(self).map_err(|e| e.to_string())
    }
    fn values(&self) -> Result<Vec<Value>, String> {
        Key::values(self).map_err(|e| e.to_string())
    }
}

/// A key of a parsed `.reg` file.
#[derive(Clone, Copy)]
pub(crate) struct RegNode<'a> {
    tree: &'a regfile::RegTree,
    index: usize,
}

impl RegKey for RegNode<'_> {
    fn name(&self) -> &str {
        &self.tree.nodes[self.index].name
    }
    fn subkeys(&self) -> Result<Vec<Self>, String> {
        Ok(self.tree.nodes[self.index]
            .children
            .iter()
            .map(|&index| RegNode {
                tree: self.tree,
                index,
            })
            .collect())
    }
    fn values(&self) -> Result<Vec<Value>, String> {
        Ok(self.tree.nodes[self.index].values.clone())
    }
    fn locator(&self) -> Option<String> {
        let line = self.tree.nodes[self.index].line;
        (line > 0).then(|| format!("line {line}"))
    }
}

/// Registry hive files (`SOFTWARE`, `SYSTEM`, `NTUSER.DAT`), read offline.
pub struct RegistryHive;

/// Where the driver finds hives in a mounted Windows root.
const HIVE_ROOT_PATHS: &[&str] = &[
    "Windows/System32/config/SOFTWARE",
    "Windows/System32/config/SYSTEM",
    "Users/*/NTUSER.DAT",
    // Windows XP and Server 2003.
    "Documents and Settings/*/NTUSER.DAT",
];

impl Collector for RegistryHive {
    fn name(&self) -> &'static str {
        "windows-hive"
    }

    /// The base block's `regf` signature.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        (!input.is_dir && Hive::is_hive(input.head)).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        HIVE_ROOT_PATHS
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a registry hive file (SOFTWARE, SYSTEM, NTUSER.DAT)",
            ));
        }
        let data = read_limited(input, MAX_HIVE)?;
        let file_name = input
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let location = Location {
            target: input.target.to_owned(),
            collector: self.name().to_owned(),
            path: input.display.to_owned(),
            detail: None,
        };
        hive_items(data, &file_name, user_of(input), location, sink)
    }
}

/// Reads the items of a hive held in memory. `file_name` (`SOFTWARE`, `SYSTEM`,
/// `NTUSER.DAT`) decides how key paths are named in locations (`HKLM\SOFTWARE\…`,
/// `HKCU\…`); other names give paths relative to the hive root. `location` is copied into
/// every item, with the key path as its `detail`.
///
/// # Errors
/// When the hive cannot be opened, or some key is damaged (the items of the other keys are
/// pushed all the same).
pub fn hive_items(
    data: Vec<u8>,
    file_name: &str,
    user: Option<String>,
    location: Location,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let hive = Hive::parse(data)?;
    let root = hive.root()?;
    // Name keys as Windows shows them when the file name says where the hive is loaded.
    let (prefix, user) = match file_name.to_ascii_uppercase().as_str() {
        "SOFTWARE" => ("HKLM\\SOFTWARE", None),
        "SYSTEM" => ("HKLM\\SYSTEM", None),
        "NTUSER.DAT" => ("HKCU", user),
        _ => ("", user),
    };
    let mut problems = Problems::default();
    if let Some(t) = hive.truncation() {
        problems.push(format!("truncated hive: {t}"));
    }
    let scope = Scope { location, user };
    items::scan(&root, prefix, &scope, sink, &mut problems);
    problems.into_result()
}

/// The profile folder name of `Users/<name>/NTUSER.DAT` (or `Documents and Settings/…`).
fn user_of(input: &Input<'_>) -> Option<String> {
    let parent = input.path.parent()?;
    let users = parent.parent()?.file_name()?.to_string_lossy();
    (users.eq_ignore_ascii_case("Users") || users.eq_ignore_ascii_case("Documents and Settings"))
        .then(|| parent.file_name().map(|n| n.to_string_lossy().into_owned()))
        .flatten()
}

/// Registry exports written by `reg export` or regedit (`.reg`).
pub struct RegExport;

impl Collector for RegExport {
    fn name(&self) -> &'static str {
        "windows-reg"
    }

    /// The `Windows Registry Editor Version 5.00` or `REGEDIT4` header, in UTF-16LE with a
    /// byte-order mark or in UTF-8.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        (!input.is_dir && regfile::sniff(input.head)).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a registry export (.reg)",
            ));
        }
        let bytes = read_limited(input, MAX_REG)?;
        let location = Location {
            target: input.target.to_owned(),
            collector: self.name().to_owned(),
            path: input.display.to_owned(),
            detail: None,
        };
        reg_items(&bytes, &location, sink)
    }
}

/// Reads the items of a registry export held in memory; `location` is copied into every
/// item, with the key path and line as its `detail`.
///
/// # Errors
/// When the header is missing or lines are damaged (reported by line number; the other
/// keys' items are pushed all the same).
pub fn reg_items(
    bytes: &[u8],
    location: &Location,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let text = regfile::decode(bytes);
    let mut problems = Problems::default();
    let tree = regfile::parse(&text, &mut problems);
    scan_export(&tree, location, sink, &mut problems);
    problems.into_result()
}

/// Maps the hive roots of an export (`HKEY_LOCAL_MACHINE\SOFTWARE`, `HKEY_CURRENT_USER`,
/// `HKEY_USERS\<SID>`) through the shared key-path mapping.
fn scan_export<'a>(
    tree: &'a regfile::RegTree,
    base: &Location,
    sink: &mut dyn Sink,
    problems: &mut Problems,
) {
    let root = RegNode { tree, index: 0 };
    for top in root.subkeys().unwrap_or_default() {
        let hkey = top.name().to_ascii_uppercase();
        let per_user = |key: RegNode<'a>, user: Option<String>| {
            (
                key,
                Scope {
                    location: base.clone(),
                    user,
                },
            )
        };
        let roots: Vec<(RegNode<'a>, Scope)> = match hkey.as_str() {
            "HKEY_LOCAL_MACHINE" | "HKLM" => top
                .subkeys()
                .unwrap_or_default()
                .into_iter()
                .map(|k| per_user(k, None))
                .collect(),
            "HKEY_CURRENT_USER" | "HKCU" => vec![per_user(top, None)],
            "HKEY_USERS" | "HKU" => top
                .subkeys()
                .unwrap_or_default()
                .into_iter()
                .map(|k| {
                    let sid = k.name().to_owned();
                    per_user(k, Some(sid))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (key, scope) in roots {
            let prefix = tree.nodes[key.index].path.clone();
            items::scan(&key, &prefix, &scope, sink, problems);
        }
    }
}

/// Reads a whole file, refusing one larger than `max` bytes.
fn read_limited(input: &Input<'_>, max: u64) -> Result<Vec<u8>, CollectError> {
    let len = std::fs::metadata(input.path)?.len();
    if len > max {
        return Err(CollectError::format(format!(
            "file of {len} bytes is larger than the {max}-byte limit"
        )));
    }
    Ok(std::fs::read(input.path)?)
}

impl From<HiveError> for CollectError {
    fn from(e: HiveError) -> Self {
        CollectError::format(e.to_string())
    }
}
