//! systemd service units: `etc/systemd/system`, `usr/lib/systemd/system`,
//! `lib/systemd/system`.
//!
//! A vendor's daemon (`klnagent64.service`) outlives a removed package and shows what runs
//! at boot; units are plain files, so they are read from mounted roots as well.

use std::path::{Component, Path, PathBuf};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::walk::{self, Failures};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The largest unit file read; real ones are a few KB.
const MAX_UNIT: u64 = 1 << 20;

const ROOT_PATHS: &[&str] = &[
    "etc/systemd/system",
    "usr/local/lib/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];

/// Reads `*.service` unit files of a unit directory.
pub struct Systemd;

impl Collector for Systemd {
    fn name(&self) -> &'static str {
        "systemd"
    }

    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }

    fn root_paths(&self) -> &'static [&'static str] {
        ROOT_PATHS
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if !input.is_dir {
            return Err(CollectError::format(
                "not a directory: expected a systemd unit directory",
            ));
        }
        let root = root_of(input.path);
        let mut failures = Failures::default();
        for (path, ty) in walk::entries(input.path) {
            let name = walk::file_name(&path);
            if !name.ends_with(".service") || ty.is_dir() {
                continue;
            }
            let mut item = Item::new(
                ItemKind::Service,
                name.clone(),
                Location {
                    target: input.target.to_owned(),
                    collector: self.name().to_owned(),
                    path: path.display().to_string(),
                    detail: None,
                },
            );
            let stem = name.trim_end_matches(".service").trim_end_matches('@');
            item.identifiers
                .push(Identifier::new(IdentifierKind::ServiceName, stem));
            let file = if ty.is_symlink() {
                let Ok(target) = std::fs::read_link(&path) else {
                    continue;
                };
                item.attrs
                    .insert("link".into(), target.display().to_string());
                if target == Path::new("/dev/null") {
                    item.attrs.insert("masked".into(), "true".into());
                    sink.push(item);
                    continue;
                }
                resolve(root.as_deref(), input.path, &target)
            } else {
                Some(path.clone())
            };
            if let Some(file) = file {
                match walk::read_small(&file, MAX_UNIT) {
                    Ok(bytes) => read_unit(&String::from_utf8_lossy(&bytes), &mut item),
                    // A link to a unit that is not in the image is still a unit name.
                    Err(_) if ty.is_symlink() => {}
                    Err(e) => failures.add(&path, e),
                }
            }
            sink.push(item);
        }
        failures.finish()
    }
}

/// The root a unit directory sits in, when its path ends with one of the root paths.
fn root_of(dir: &Path) -> Option<PathBuf> {
    ROOT_PATHS.iter().find_map(|rel| {
        let depth = Path::new(rel).components().count();
        dir.ends_with(rel).then(|| {
            let mut root = dir.to_path_buf();
            for _ in 0..depth {
                root.pop();
            }
            root
        })
    })
}

/// Where a unit link points, one hop, kept inside the root: an absolute target is taken
/// relative to the root (on a mounted image it must not reach the scanning machine's own
/// files); `None` when it leaves the root or the root is unknown.
fn resolve(root: Option<&Path>, dir: &Path, target: &Path) -> Option<PathBuf> {
    let (base, rel) = if target.is_absolute() {
        (root?.to_path_buf(), target.strip_prefix("/").ok()?)
    } else {
        (dir.to_path_buf(), target)
    };
    if rel.components().any(|c| matches!(c, Component::ParentDir)) {
        return None;
    }
    let path = base.join(rel);
    path.symlink_metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|_| path)
}

/// Takes `Description=` and the binary of the first `ExecStart=` of the `[Service]` section.
fn read_unit(text: &str, item: &mut Item) {
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = if name == "Service" {
                "service"
            } else {
                "other"
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key == "Description" && !item.attrs.contains_key("description") {
            item.attrs.insert("description".into(), value.to_owned());
        }
        if section == "service" && key == "ExecStart" && !item.attrs.contains_key("exec") {
            // Prefixes `@ - : + !` change how systemd runs the command, not which.
            let command = value.trim_start_matches(['@', '-', ':', '+', '!']);
            let binary = exec_binary(command);
            if let Some(binary) = binary.filter(|b| !b.is_empty()) {
                if let Some(base) = walk::base_name(&binary) {
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::FileName, base));
                }
                item.attrs.insert("exec".into(), binary);
            }
        }
    }
}

/// The first word of a command line, honouring double and single quotes.
fn exec_binary(command: &str) -> Option<String> {
    let command = command.trim_start();
    let quote = command.chars().next().filter(|c| *c == '"' || *c == '\'');
    match quote {
        Some(q) => command[1..].split(q).next().map(str::to_owned),
        None => command.split_whitespace().next().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unit parsing: description, prefixes, quotes, only the `[Service]` section.
    #[test]
    fn unit_fields() {
        let mut item = Item::new(ItemKind::Service, "x.service", Location::default());
        read_unit(
            "[Unit]\nDescription=Kaspersky Security Center Network Agent\nExecStart=/wrong\n\
             [Service]\n# comment\nExecStart=-\"/opt/kaspersky/klnagent64/sbin/klnagent\" -d\nExecStart=/second\n",
            &mut item,
        );
        assert_eq!(
            item.attrs["exec"],
            "/opt/kaspersky/klnagent64/sbin/klnagent"
        );
        assert_eq!(
            item.attrs["description"],
            "Kaspersky Security Center Network Agent"
        );
        assert_eq!(
            item.identifiers_of(IdentifierKind::FileName)
                .map(|i| i.value.as_str())
                .collect::<Vec<_>>(),
            ["klnagent"]
        );
    }

    /// Roots are found from the unit directory; links never leave the root.
    #[test]
    fn roots_and_links() {
        assert_eq!(
            root_of(Path::new("/mnt/img/usr/lib/systemd/system")),
            Some(PathBuf::from("/mnt/img"))
        );
        assert_eq!(root_of(Path::new("/tmp/units")), None);
        assert_eq!(
            resolve(None, Path::new("/tmp/units"), Path::new("/lib/x.service")),
            None
        );
        assert_eq!(
            resolve(
                Some(Path::new("/nonexistent-root")),
                Path::new("/tmp"),
                Path::new("../../etc/passwd")
            ),
            None
        );
    }
}
