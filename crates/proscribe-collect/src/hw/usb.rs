//! USB devices: sysfs (`/sys/bus/usb/devices/*/idVendor`, `idProduct`, `manufacturer`,
//! `product`) and saved `lsusb` output (`Bus 001 Device 002: ID 12d1:1506 Huawei …`).
//!
//! sysfs is read only from the live machine (a live path) or from a directory the user
//! names; a mounted image's `sys/` is empty or not the image's hardware.

use proscribe_model::{Identifier, IdentifierKind, ItemKind};

use super::{any_entry_has, attr, hex16, hw_item, sorted_entries};
use crate::linux::text::{excerpt, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The USB device collector.
pub struct Usb;

const NAME: &str = "usb";

impl Collector for Usb {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A directory of sysfs USB devices, or a file whose first line is an `lsusb` line.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return any_entry_has(input.path, &["idVendor", "idProduct"])
                .then_some(Confidence::High);
        }
        let text = String::from_utf8_lossy(input.head);
        let first = text.lines().next()?;
        lsusb_line(first).map(|_| Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn live_paths(&self) -> &'static [&'static str] {
        &["sys/bus/usb/devices"]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return sysfs(input, sink);
        }
        let file = std::fs::File::open(input.path)?;
        let mut lines = Lines::new(std::io::BufReader::new(file));
        let mut problems = Problems::default();
        while let Some(line) = lines.next_line()? {
            let text = line.text();
            let t = text.trim_end();
            // `lsusb -t` trees and `-v` details are indented; blank lines separate nothing.
            if t.trim().is_empty() || t.starts_with(char::is_whitespace) {
                continue;
            }
            let Some((bus, dev, id, descr)) = lsusb_line(t) else {
                problems.push(format!(
                    "line {}: not an `lsusb` line: `{}`",
                    line.number,
                    excerpt(t)
                ));
                continue;
            };
            let mut item = hw_item(
                input,
                ItemKind::UsbDevice,
                NAME,
                &id,
                input.display.to_owned(),
                Some(format!("line {}: bus {bus} device {dev}", line.number)),
            );
            item.identifiers
                .push(Identifier::new(IdentifierKind::Usb, &id));
            if !descr.is_empty() {
                item.attrs.insert("description".into(), descr.to_owned());
            }
            sink.push(item);
        }
        problems.into_result()
    }
}

/// `Bus BBB Device DDD: ID vvvv:pppp description` → (bus, device, id, description).
fn lsusb_line(line: &str) -> Option<(&str, &str, String, &str)> {
    let rest = line.strip_prefix("Bus ")?;
    let (bus, rest) = rest.split_once(" Device ")?;
    let (dev, rest) = rest.split_once(": ID ")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(bus) || !digits(dev) {
        return None;
    }
    let (id, descr) = rest.split_once(' ').unwrap_or((rest, ""));
    let (v, p) = id.split_once(':')?;
    Some((
        bus,
        dev,
        format!("{}:{}", hex16(v)?, hex16(p)?),
        descr.trim(),
    ))
}

fn sysfs(input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
    let entries = sorted_entries(input.path)?;
    let mut problems = Problems::default();
    let mut devices = 0usize;
    for dir in entries {
        // Interfaces (`1-1:1.0`) and hubs' ports have no `idVendor`.
        let Some(vendor) = attr(&dir, "idVendor") else {
            continue;
        };
        let entry = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let product_id = attr(&dir, "idProduct").unwrap_or_default();
        let (Some(v), Some(p)) = (hex16(&vendor), hex16(&product_id)) else {
            problems.push(format!(
                "{entry}: idVendor/idProduct `{}`/`{}` are not 4 hex digits",
                excerpt(&vendor),
                excerpt(&product_id)
            ));
            continue;
        };
        devices += 1;
        let id = format!("{v}:{p}");
        let product = attr(&dir, "product");
        let mut item = hw_item(
            input,
            ItemKind::UsbDevice,
            NAME,
            product.as_deref().unwrap_or(&id),
            dir.display().to_string(),
            None,
        );
        item.identifiers
            .push(Identifier::new(IdentifierKind::Usb, &id));
        item.publisher = attr(&dir, "manufacturer");
        for (k, f) in [
            ("busnum", "busnum"),
            ("devnum", "devnum"),
            ("version", "version"),
        ] {
            if let Some(v) = attr(&dir, f) {
                item.attrs.insert(k.into(), v);
            }
        }
        sink.push(item);
    }
    let _ = devices;
    problems.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lsusb lines give the id in lower case and the looked-up description.
    #[test]
    fn lsusb_lines() {
        let (bus, dev, id, d) = lsusb_line(
            "Bus 001 Device 004: ID 12D1:1506 Huawei Technologies Co., Ltd. Modem/Networkcard",
        )
        .unwrap();
        assert_eq!((bus, dev, id.as_str()), ("001", "004", "12d1:1506"));
        assert_eq!(d, "Huawei Technologies Co., Ltd. Modem/Networkcard");
        assert!(lsusb_line("Bus 001 Device 004: ID 12d1 x").is_none());
        assert!(lsusb_line("Package: x").is_none());
    }
}
