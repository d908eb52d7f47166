//! LLDP neighbours as `lldpctl -f json` (lldpd) prints them.
//!
//! lldpd's JSON mirrors its text output: `{"lldp": {"interface": …}}` where `interface`
//! is one object keyed by the local interface name, or a list of such objects when there
//! are several; inside, `chassis` is keyed by the neighbour's system name (or holds `id`
//! directly when the neighbour sent none), with `id` (`type` and `value`), `descr`, and
//! `mgmt-ip` (a string or a list). Single-element lists are printed as plain values, so
//! every level is read both ways.
//!
//! One network-device item per neighbour: named by its management address (else its
//! system name, else its chassis id), with the chassis MAC as `mac` identifier and the
//! system description (Huawei's `Huawei Versatile Routing Platform Software …`) as a
//! `banner` of ecosystem `snmp-sysdescr`: IEEE 802.1AB (clause 8.5.8) has the System
//! Description TLV carry the system's `sysDescr` (RFC 3418) when it has one, so sysDescr
//! signatures apply to it as they are. The item's collector (`lldp`) says where it came
//! from. System name and local port go to `attrs`.

use serde_json::Value;

use super::{device, mac_id, push_banner};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The `lldpctl -f json` collector.
pub struct Lldp;

const NAME: &str = "lldp";

/// The largest JSON document read: lldpctl output for hundreds of ports is a few MB.
const MAX_LEN: u64 = 256 << 20;

impl Collector for Lldp {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A JSON object whose first key is `lldp`.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let text = String::from_utf8_lossy(input.head);
        let rest = text.trim_start().strip_prefix('{')?.trim_start();
        rest.starts_with("\"lldp\"").then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected `lldpctl -f json` output",
            ));
        }
        let meta = std::fs::metadata(input.path)?;
        if meta.len() > MAX_LEN {
            return Err(CollectError::format(format!(
                "{} bytes: larger than any `lldpctl -f json` output (limit {MAX_LEN})",
                meta.len()
            )));
        }
        let file = std::io::BufReader::new(std::fs::File::open(input.path)?);
        let doc: Value = serde_json::from_reader(file).map_err(|e| {
            CollectError::format(format!(
                "not valid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        let Some(lldp) = doc.get("lldp") else {
            return Err(CollectError::format(
                "no `lldp` object: not `lldpctl -f json` output",
            ));
        };
        // No neighbours: lldpctl prints `{"lldp": {}}` (or an empty list).
        let Some(interfaces) = lldp.get("interface") else {
            return Ok(());
        };
        let mut n = 0usize;
        for (local_if, neighbour) in keyed(interfaces) {
            n += 1;
            let Some(chassis) = neighbour.get("chassis") else {
                continue;
            };
            // `{"<sysname>": {...}}`, or the chassis itself when no name was sent.
            let (sysname, chassis) = match chassis.get("id") {
                Some(_) => (None, chassis),
                None => match keyed(chassis).into_iter().next() {
                    Some((name, c)) => (Some(name), c),
                    None => continue,
                },
            };
            let id_type = chassis.pointer("/id/type").and_then(Value::as_str);
            let id_value = chassis.pointer("/id/value").and_then(Value::as_str);
            let mac = match (id_type, id_value) {
                (Some("mac"), Some(v)) => proscribe_model::mac::parse(v),
                _ => None,
            };
            let mgmt_ip = first_str(chassis.get("mgmt-ip"));
            let name = mgmt_ip
                .clone()
                .or_else(|| sysname.clone())
                .or_else(|| id_value.map(str::to_owned))
                .unwrap_or_else(|| format!("neighbour on {local_if}"));
            let detail = format!("interface {local_if}");
            let mut item = device(input, NAME, &name, detail);
            if let Some(mac) = mac {
                item.identifiers.push(mac_id(mac));
            }
            if let Some(descr) = first_str(chassis.get("descr")) {
                push_banner(&mut item, "snmp-sysdescr", &descr);
            }
            let attrs = [
                ("system-name", sysname),
                ("management-ip", mgmt_ip),
                ("local-interface", Some(local_if.clone())),
                (
                    "chassis-id",
                    id_value.map(|v| format!("{} {v}", id_type.unwrap_or("unknown"))),
                ),
                (
                    "port-id",
                    neighbour
                        .pointer("/port/id/value")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                ),
                ("via", first_str(neighbour.get("via"))),
            ];
            for (k, v) in attrs {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    item.attrs.insert(k.into(), v);
                }
            }
            sink.push(item);
        }
        if n == 0 && !interfaces.is_object() && !interfaces.is_array() {
            return Err(CollectError::format(
                "`lldp.interface` is neither an object nor a list",
            ));
        }
        Ok(())
    }
}

/// `(key, value)` pairs of an object, or of every object in a list of objects.
fn keyed(v: &Value) -> Vec<(String, &Value)> {
    match v {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(list) => list.iter().flat_map(keyed).collect(),
        _ => Vec::new(),
    }
}

/// A string, or the first string of a list (lldpd prints one value without the list).
fn first_str(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(list) => list.iter().find_map(|x| x.as_str().map(str::to_owned)),
        _ => None,
    }
}
