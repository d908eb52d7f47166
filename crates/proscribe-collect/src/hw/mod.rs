//! Hardware attached to a machine: USB and PCI devices.
//!
//! Each bus has one collector reading two sources: the kernel's sysfs tree (the live
//! machine's `/sys/bus/*/devices`, or a saved copy of it) and the saved text output of the
//! usual lister (`lsusb`, `lspci -nn`). The vendor and product ids become `usb` / `pci`
//! identifiers (`12d1:1506`), matched against the usb.ids / pci.ids vendor tables. Names
//! the lister looked up in those same tables are kept in `attrs["description"]`: they are
//! the tool's lookup, not what the device said. What the device said (a USB device's
//! `manufacturer` string) is its publisher.

pub mod pci;
pub mod usb;

use std::path::Path;

use proscribe_model::{Item, ItemKind, Location};

use crate::Input;

/// An item of `kind` found in `input` by `collector`.
pub(crate) fn hw_item(
    input: &Input<'_>,
    kind: ItemKind,
    collector: &str,
    name: &str,
    path: String,
    detail: Option<String>,
) -> Item {
    Item::new(
        kind,
        name,
        Location {
            target: input.target.to_owned(),
            collector: collector.to_owned(),
            path,
            detail,
        },
    )
}

/// A small sysfs attribute file, trimmed; `None` when absent or unreadable.
pub(crate) fn attr(dir: &Path, name: &str) -> Option<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(dir.join(name))
        .ok()?
        .take(4096)
        .read_to_end(&mut buf)
        .ok()?;
    let s = String::from_utf8_lossy(&buf).trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// A 16-bit id as sysfs writes it (`0x12d1` or `12d1`), in four lower-case hex digits.
pub(crate) fn hex16(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// The entries of a directory, sorted, or an error naming it.
pub(crate) fn sorted_entries(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut v: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    Ok(v)
}

/// Whether some entry of `dir` (up to 64 looked at) has every file of `files`.
pub(crate) fn any_entry_has(dir: &Path, files: &[&str]) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten()
            .take(64)
            .any(|e| files.iter().all(|f| e.path().join(f).is_file()))
    })
}
