//! The running Linux machine: processes (`/proc/<pid>/comm`, `exe`) and loaded kernel
//! modules (`/proc/modules`).
//!
//! Only for a live scan: a mounted image has no processes, and a `/proc` bind-mounted into
//! a chroot belongs to the scanning machine, not to the image.

use std::collections::BTreeMap;
use std::path::Path;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::walk;
use crate::{CollectError, Collector, Confidence, Input, Sink};

fn live_only(input: &Input<'_>, expected: &str) -> Result<(), CollectError> {
    if input.path == Path::new(expected) {
        Ok(())
    } else {
        Err(CollectError::format(format!(
            "read only from this machine's {expected} during a live scan"
        )))
    }
}

/// Running processes, one item per distinct (name, executable).
pub struct Processes;

impl Collector for Processes {
    fn name(&self) -> &'static str {
        "processes"
    }

    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }

    fn root_paths(&self) -> &'static [&'static str] {
        // Exists only where procfs is mounted; `collect` then insists on the live one.
        &["proc/self/comm"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        live_only(input, "/proc/self/comm")?;
        let mut seen: BTreeMap<(String, String), Item> = BTreeMap::new();
        for dir in walk::subdirs(Path::new("/proc")) {
            let pid = walk::file_name(&dir);
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            // Processes exit while we read: a vanished one is skipped, not an error.
            let Ok(comm) = std::fs::read_to_string(dir.join("comm")) else {
                continue;
            };
            let comm = comm.trim_end_matches('\n').to_owned();
            let exe = std::fs::read_link(dir.join("exe"))
                .ok()
                .map(|p| p.display().to_string())
                .map(|p| p.trim_end_matches(" (deleted)").to_owned());
            let cmdline_empty = std::fs::read(dir.join("cmdline")).is_ok_and(|c| c.is_empty());
            if exe.is_none() && cmdline_empty {
                // A kernel thread: not software anyone installed.
                continue;
            }
            let key = (comm.clone(), exe.clone().unwrap_or_default());
            if let Some(item) = seen.get_mut(&key) {
                let n: usize = item.attrs["count"].parse().unwrap_or(1);
                item.attrs.insert("count".into(), (n + 1).to_string());
                continue;
            }
            let mut item = Item::new(
                ItemKind::Process,
                comm.clone(),
                Location {
                    target: input.target.to_owned(),
                    collector: self.name().to_owned(),
                    path: dir.display().to_string(),
                    detail: None,
                },
            );
            let file = exe.as_deref().and_then(walk::base_name).unwrap_or(comm);
            item.identifiers
                .push(Identifier::new(IdentifierKind::FileName, file));
            if let Some(exe) = exe {
                item.attrs.insert("exe".into(), exe);
            }
            item.attrs.insert("pid".into(), pid);
            item.attrs.insert("count".into(), "1".into());
            seen.insert(key, item);
        }
        for item in seen.into_values() {
            sink.push(item);
        }
        Ok(())
    }
}

/// Loaded kernel modules from `/proc/modules`.
pub struct KernelModules;

impl Collector for KernelModules {
    fn name(&self) -> &'static str {
        "kernel-modules"
    }

    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &["proc/modules"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        live_only(input, "/proc/modules")?;
        let text = std::fs::read_to_string(input.path)?;
        for (i, line) in text.lines().enumerate() {
            // `name size refcount deps state address [taint]`
            let mut fields = line.split_whitespace();
            let Some(name) = fields.next() else { continue };
            let mut item = Item::new(
                ItemKind::Driver,
                name,
                Location {
                    target: input.target.to_owned(),
                    collector: self.name().to_owned(),
                    path: input.display.to_owned(),
                    detail: Some(format!("line {}", i + 1)),
                },
            );
            item.identifiers.push(Identifier::new(
                IdentifierKind::FileName,
                format!("{name}.ko"),
            ));
            if let Some(state) = fields.nth(3) {
                item.attrs.insert("state".into(), state.to_owned());
            }
            if let Some(taint) = fields.nth(1) {
                item.attrs
                    .insert("taint".into(), taint.trim_matches(['(', ')']).to_owned());
            }
            sink.push(item);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(c: &dyn Collector, path: &str) -> Result<Vec<Item>, CollectError> {
        let input = Input {
            path: Path::new(path),
            display: path,
            target: "localhost",
            head: &[],
            is_dir: false,
        };
        let mut items = Vec::new();
        c.collect(&input, &mut items).map(|()| items)
    }

    /// The test process itself is among the running processes, named by its executable.
    #[test]
    fn finds_this_process() {
        let items = run(&Processes, "/proc/self/comm").unwrap();
        let me = std::fs::read_link("/proc/self/exe").unwrap();
        let base = me.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            items.iter().any(|i| i
                .identifiers_of(IdentifierKind::FileName)
                .any(|f| f.value == base)),
            "{base} not among {} processes",
            items.len()
        );
    }

    /// `/proc/modules` lines as the kernel writes them; elsewhere, a clear refusal.
    #[test]
    fn modules_and_refusals() {
        if Path::new("/proc/modules").exists() {
            let items = run(&KernelModules, "/proc/modules").unwrap();
            let text = std::fs::read_to_string("/proc/modules").unwrap();
            assert_eq!(items.len(), text.lines().count());
        } else {
            eprintln!("skipped: this kernel has no /proc/modules (no module support)");
        }
        let err = run(&KernelModules, "/mnt/image/proc/modules").unwrap_err();
        assert_eq!(
            err.to_string(),
            "read only from this machine's /proc/modules during a live scan"
        );
        assert!(run(&Processes, "/tmp/proc/self/comm").is_err());
    }
}
