//! PCI devices: sysfs (`/sys/bus/pci/devices/*/vendor`, `device`, `subsystem_vendor`,
//! `subsystem_device`, `class`) and saved `lspci -nn` output (`3b:00.0 Ethernet
//! controller [0200]: Huawei Technologies Co., Ltd. Hi1822 Family [19e5:1822] (rev 45)`,
//! with the `Subsystem: … [vvvv:dddd]` lines of `lspci -nnv`).
//!
//! The subsystem vendor is the maker of the card (a Huawei-branded card may carry another
//! maker's chip), so it is a second `pci` identifier. sysfs is read only from the live
//! machine or a directory the user names.

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind};

use super::{any_entry_has, attr, hex16, hw_item, sorted_entries};
use crate::linux::text::{excerpt, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The PCI device collector.
pub struct Pci;

const NAME: &str = "pci";

impl Collector for Pci {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A directory of sysfs PCI devices, or a file whose first line is an `lspci -nn` line.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return any_entry_has(input.path, &["vendor", "device", "class"])
                .then_some(Confidence::High);
        }
        let text = String::from_utf8_lossy(input.head);
        let first = text.lines().next()?;
        lspci_line(first).map(|_| Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn live_paths(&self) -> &'static [&'static str] {
        &["sys/bus/pci/devices"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return sysfs(input, sink);
        }
        let file = std::fs::File::open(input.path)?;
        let mut lines = Lines::new(std::io::BufReader::new(file));
        let mut problems = Problems::default();
        let mut current: Option<Item> = None;
        while let Some(line) = lines.next_line()? {
            let text = line.text();
            let t = text.trim_end();
            if t.trim().is_empty() {
                continue;
            }
            if t.starts_with(char::is_whitespace) {
                // `lspci -nnv` details: only the subsystem names a maker.
                if let (Some(item), Some(rest)) =
                    (current.as_mut(), t.trim_start().strip_prefix("Subsystem:"))
                {
                    if let Some((id, descr)) = bracket_id(rest) {
                        let id = Identifier::new(IdentifierKind::Pci, id);
                        if !item.identifiers.contains(&id) {
                            item.identifiers.push(id);
                        }
                        item.attrs
                            .insert("subsystem".into(), descr.trim().to_owned());
                    }
                }
                continue;
            }
            if let Some(done) = current.take() {
                sink.push(done);
            }
            let Some((slot, class, id, descr)) = lspci_line(t) else {
                problems.push(format!(
                    "line {}: not an `lspci -nn` line: `{}`",
                    line.number,
                    excerpt(t)
                ));
                continue;
            };
            let mut item = hw_item(
                input,
                ItemKind::PciDevice,
                NAME,
                &id,
                input.display.to_owned(),
                Some(format!("line {}: slot {slot}", line.number)),
            );
            item.identifiers
                .push(Identifier::new(IdentifierKind::Pci, &id));
            item.attrs.insert("slot".into(), slot.to_owned());
            item.attrs.insert("class".into(), class.to_owned());
            if !descr.is_empty() {
                item.attrs.insert("description".into(), descr.to_owned());
            }
            current = Some(item);
        }
        if let Some(done) = current {
            sink.push(done);
        }
        problems.into_result()
    }
}

/// The last `[vvvv:dddd]` of a text, and the text before it.
fn bracket_id(s: &str) -> Option<(String, &str)> {
    let mut end = s.len();
    while let Some(open) = s[..end].rfind('[') {
        let close = open + s[open..].find(']')?;
        if let Some((v, d)) = s[open + 1..close].split_once(':') {
            if let (Some(v), Some(d)) = (hex16(v), hex16(d)) {
                return Some((format!("{v}:{d}"), &s[..open]));
            }
        }
        end = open;
    }
    None
}

/// `[DDDD:]BB:DD.F Class name [cccc]: description [vvvv:dddd] (rev rr)` →
/// (slot, class, id, description).
fn lspci_line(line: &str) -> Option<(&str, &str, String, &str)> {
    let (slot, rest) = line.split_once(' ')?;
    let slot_ok = {
        let parts: Vec<&str> = slot.split([':', '.']).collect();
        (parts.len() == 3 || parts.len() == 4)
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if !slot_ok {
        return None;
    }
    let (class, rest) = rest.split_once(": ")?;
    let (id, descr) = bracket_id(rest)?;
    Some((slot, class.trim(), id, descr.trim()))
}

fn sysfs(input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
    let mut problems = Problems::default();
    for dir in sorted_entries(input.path)? {
        let Some(vendor) = attr(&dir, "vendor") else {
            continue;
        };
        let slot = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let device = attr(&dir, "device").unwrap_or_default();
        let (Some(v), Some(d)) = (hex16(&vendor), hex16(&device)) else {
            problems.push(format!(
                "{slot}: vendor/device `{}`/`{}` are not 16-bit hex ids",
                excerpt(&vendor),
                excerpt(&device)
            ));
            continue;
        };
        let id = format!("{v}:{d}");
        let mut item = hw_item(
            input,
            ItemKind::PciDevice,
            NAME,
            &id,
            dir.display().to_string(),
            Some(format!("slot {slot}")),
        );
        item.identifiers
            .push(Identifier::new(IdentifierKind::Pci, &id));
        let sv = attr(&dir, "subsystem_vendor").and_then(|s| hex16(&s));
        let sd = attr(&dir, "subsystem_device").and_then(|s| hex16(&s));
        if let (Some(sv), Some(sd)) = (sv, sd) {
            // 0000 means "no subsystem"; the same id adds nothing.
            let sub = format!("{sv}:{sd}");
            if sv != "0000" && sub != id {
                item.identifiers
                    .push(Identifier::new(IdentifierKind::Pci, sub));
            }
        }
        item.attrs.insert("slot".into(), slot);
        if let Some(c) = attr(&dir, "class") {
            item.attrs.insert("class".into(), c);
        }
        sink.push(item);
    }
    problems.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lspci -nn lines, with a domain, a revision and brackets inside the description.
    #[test]
    fn lspci_lines() {
        let (slot, class, id, d) = lspci_line(
            "0000:3b:00.0 Ethernet controller [0200]: Huawei Technologies Co., Ltd. Hi1822 Family (4*25GE) [19e5:1822] (rev 45)",
        )
        .unwrap();
        assert_eq!(
            (slot, class, id.as_str()),
            ("0000:3b:00.0", "Ethernet controller [0200]", "19e5:1822")
        );
        assert_eq!(d, "Huawei Technologies Co., Ltd. Hi1822 Family (4*25GE)");
        let (_, _, id, _) =
            lspci_line("00:02.0 VGA compatible controller [0300]: Intel Corporation Device [8086:46a6] (rev 0c) (prog-if 00 [VGA controller])").unwrap();
        assert_eq!(id, "8086:46a6");
        assert!(lspci_line("Package: x").is_none());
        assert!(lspci_line("00:02.0 VGA: no id").is_none());
    }
}
