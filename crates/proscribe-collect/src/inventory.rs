//! proscribe's own inventory files (`proscribe.inventory/1`): what `proscribe probe` writes
//! and any other tool may produce, so collecting and judging can happen at different times
//! and places (probe from a jump host, scan in CI).
//!
//! The document is the [`Inventory`] serde shape with a `schema` tag first:
//! ```json
//! {"schema": "proscribe.inventory/1", "host": null, "targets": [...],
//!  "items": [{"kind": "network-device", "name": "192.0.2.7", "version": null,
//!             "publisher": null, "identifiers": [{"type": "snmp-object-id",
//!             "value": "1.3.6.1.4.1.2011.2.23.96"}], "location": {...}}],
//!  "errors": [{"target": "192.0.2.9:161", "reason": "no response ..."}]}
//! ```
//! Reading it back keeps each item's collector, path and detail and sets `location.target`
//! to the file the user named. Errors the file records (hosts that did not answer) are
//! reported again, so `scan` of an incomplete inventory exits like the probe did.

use std::io::{BufReader, Write};

use proscribe_model::{Host, InputError, Inventory, Item, TargetSummary};
use serde::{Deserialize, Serialize};

use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The schema tag of the current inventory format.
pub const SCHEMA: &str = "proscribe.inventory/1";

/// The on-disk document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    schema: String,
    #[serde(default)]
    host: Option<Host>,
    #[serde(default)]
    targets: Vec<TargetSummary>,
    items: Vec<Item>,
    #[serde(default)]
    errors: Vec<InputError>,
}

/// Writes `inventory` as a `proscribe.inventory/1` document (pretty-printed JSON).
///
/// # Errors
/// When writing fails.
pub fn write(inventory: &Inventory, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        schema: &'static str,
        host: &'a Option<Host>,
        targets: &'a [TargetSummary],
        items: &'a [Item],
        errors: &'a [InputError],
    }
    let doc = Borrowed {
        schema: SCHEMA,
        host: &inventory.host,
        targets: &inventory.targets,
        items: &inventory.items,
        errors: &inventory.errors,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// The `proscribe.inventory/1` collector.
pub struct ProscribeInventory;

impl Collector for ProscribeInventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    /// A JSON object whose `schema` member names a proscribe inventory.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let head = String::from_utf8_lossy(input.head);
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if !head.starts_with('{') {
            return None;
        }
        let tag = head.find("\"schema\"")?;
        head[tag..]
            .get(..200.min(head.len() - tag))
            .is_some_and(|s| s.contains("\"proscribe.inventory/"))
            .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a proscribe.inventory/1 JSON file",
            ));
        }
        let file = std::fs::File::open(input.path)?;
        let doc: Document = serde_json::from_reader(BufReader::new(file)).map_err(|e| {
            CollectError::format(format!(
                "not a proscribe inventory: {e} (expected a JSON object with `schema`: `{SCHEMA}` and `items`)"
            ))
        })?;
        if doc.schema != SCHEMA {
            return Err(CollectError::format(format!(
                "unsupported schema `{}` (this proscribe reads `{SCHEMA}`)",
                doc.schema.escape_debug()
            )));
        }
        for mut item in doc.items {
            input.target.clone_into(&mut item.location.target);
            if item.location.collector.is_empty() {
                self.name().clone_into(&mut item.location.collector);
            }
            sink.push(item);
        }
        let line =
            |e: &InputError| format!("{}: {}", e.target, e.reason).replace(['\n', '\r'], " ");
        match doc.errors.as_slice() {
            [] => Ok(()),
            [one] => Err(CollectError::format(format!(
                "the inventory records an input error: {}",
                line(one)
            ))),
            [first, rest @ ..] => Err(CollectError::format(format!(
                "the inventory records {} input errors, first: {}",
                rest.len() + 1,
                line(first)
            ))),
        }
    }
}
