//! Active probes: ask network devices, and only the ones the user names, who made them.
//!
//! Passive collectors read what a machine or a file already holds; a probe sends packets,
//! so it is a separate crate with its own rules:
//! - **Only named hosts.** [`targets::expand`] turns the user's addresses, names and CIDR
//!   ranges into the exact list asked, with a size cap; nothing is discovered on the side.
//! - **Never hang.** Every request has a timeout and a retry budget, so a silent host costs
//!   at most `timeout × (retries + 1)` per request, and hosts are asked by a bounded pool
//!   of threads ([`Options::concurrency`]).
//! - **Per-host errors, not aborts.** A host that does not answer becomes one
//!   [`InputError`] in the [`Inventory`], the others are still read.
//!
//! The SNMP probe ([`snmp`]) reads `sysDescr`, `sysObjectID`, `sysName` and the interface
//! MACs (`ifPhysAddress`), over SNMPv2c or SNMPv3 (USM, authNoPriv/authPriv). Each
//! answering agent becomes one `network-device` [`Item`] carrying the identifiers the
//! matcher compares: `snmp-object-id` (its enterprise number is looked up in the IANA
//! table), a `banner` with ecosystem `snmp-sysdescr`, and one `mac` per interface (OUI
//! lookup). Interpretation stays in the matcher: this crate only reports what was said.
#![deny(missing_docs)]

pub mod snmp;
pub mod targets;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use proscribe_model::{
    Identifier, IdentifierKind, InputError, Inventory, Item, ItemKind, Location, TargetSummary,
};

pub use snmp::{Credentials, Device, ProbeError, Timing};
pub use targets::Target;

/// The `location.collector` of probed items.
pub const COLLECTOR: &str = "snmp";

/// Stack size of each probe worker thread.
const WORKER_STACK: usize = 8 << 20;

/// How to run a probe over many hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Timeout and retries of each request.
    pub timing: Timing,
    /// How many hosts are asked at the same time (at least 1).
    pub concurrency: usize,
}

/// What asking one host gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The host.
    pub target: Target,
    /// Its answers, or why there were none.
    pub result: Result<Device, ProbeError>,
}

/// Asks every target, `options.concurrency` at a time, and returns the outcomes in the
/// order of `targets`. `on_done` is called once per finished host (for a progress bar),
/// from the worker threads.
pub fn probe_all(
    targets: &[Target],
    creds: &Credentials,
    options: Options,
    on_done: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Outcome>>> = targets.iter().map(|_| Mutex::new(None)).collect();
    let workers = options.concurrency.clamp(1, targets.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            // snmp2's session keeps a 64 KiB receive buffer inline and debug builds copy
            // it around on the stack: give workers room.
            let spawned = std::thread::Builder::new()
                .name("snmp-probe".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = targets.get(i) else {
                        return;
                    };
                    let outcome = Outcome {
                        target: target.clone(),
                        result: snmp::probe(target, creds, options.timing),
                    };
                    on_done(&outcome);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(outcome);
                    }
                });
            if spawned.is_err() {
                // Out of threads: the workers already running take the rest of the queue.
                break;
            }
        }
    });
    slots
        .into_iter()
        .zip(targets)
        .map(|(slot, target)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| Outcome {
                target: target.clone(),
                result: Err(ProbeError::Agent {
                    address: std::net::SocketAddr::from(([0, 0, 0, 0], target.port)),
                    reason: "internal error: the probe thread stopped".into(),
                }),
            })
        })
        .collect()
}

/// The inventory of a probe run: one item per answering host, one error per silent one.
pub fn inventory(outcomes: &[Outcome], creds: &Credentials) -> Inventory {
    let mut inv = Inventory::default();
    for o in outcomes {
        let address = o.target.address();
        match &o.result {
            Ok(device) => {
                inv.items.push(device_item(&o.target, device, creds));
                inv.targets.push(TargetSummary {
                    target: device.address.to_string(),
                    format: COLLECTOR.to_owned(),
                    items: 1,
                });
            }
            Err(e) => inv.errors.push(InputError {
                target: address,
                reason: e.to_string(),
            }),
        }
    }
    inv
}

/// One `network-device` item for an answering agent.
pub fn device_item(target: &Target, device: &Device, creds: &Credentials) -> Item {
    let ip = device.address.ip().to_string();
    let mut item = Item::new(
        ItemKind::NetworkDevice,
        ip.clone(),
        Location {
            target: target.named.clone(),
            collector: COLLECTOR.to_owned(),
            path: device.address.to_string(),
            detail: Some(creds.describe()),
        },
    );
    if let Some(oid) = &device.sys_object_id {
        item.identifiers
            .push(Identifier::new(IdentifierKind::SnmpObjectId, oid.clone()));
    }
    if let Some(descr) = &device.sys_descr {
        item.identifiers.push(Identifier {
            kind: IdentifierKind::Banner,
            value: descr.clone(),
            ecosystem: Some("snmp-sysdescr".to_owned()),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for (_, mac) in &device.interfaces {
        if seen.insert(mac.as_str()) {
            item.identifiers
                .push(Identifier::new(IdentifierKind::Mac, mac.clone()));
        }
    }
    item.attrs.insert("ip".into(), ip);
    if let Some(name) = &device.sys_name {
        item.attrs.insert("sys-name".into(), name.clone());
    }
    if let Some(descr) = &device.sys_descr {
        item.attrs.insert("sys-descr".into(), descr.clone());
    }
    if device.interfaces_truncated {
        item.attrs.insert(
            "interfaces".into(),
            format!("first {} interface rows only", snmp::MAX_INTERFACES),
        );
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answering agent becomes one network device carrying exactly what it said.
    #[test]
    fn item_shape() {
        let target = targets::expand(&["192.0.2.7".to_owned()], 161).unwrap()[0].clone();
        let device = Device {
            address: "192.0.2.7:161".parse().unwrap(),
            sys_descr: Some("Huawei Versatile Routing Platform Software".into()),
            sys_object_id: Some("1.3.6.1.4.1.2011.2.23.96".into()),
            sys_name: Some("core-1".into()),
            interfaces: vec![
                (1, "00:e0:fc:00:00:01".into()),
                (2, "00:e0:fc:00:00:01".into()),
                (3, "00:e0:fc:00:00:02".into()),
            ],
            interfaces_truncated: false,
        };
        let creds = Credentials::V2c {
            community: b"public".to_vec(),
        };
        let item = device_item(&target, &device, &creds);
        assert_eq!(item.kind, ItemKind::NetworkDevice);
        assert_eq!(item.name, "192.0.2.7");
        let ids: Vec<(String, &str, Option<&str>)> = item
            .identifiers
            .iter()
            .map(|i| (i.kind.to_string(), i.value.as_str(), i.ecosystem.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("snmp-object-id".into(), "1.3.6.1.4.1.2011.2.23.96", None),
                (
                    "banner".into(),
                    "Huawei Versatile Routing Platform Software",
                    Some("snmp-sysdescr")
                ),
                ("mac".into(), "00:e0:fc:00:00:01", None),
                ("mac".into(), "00:e0:fc:00:00:02", None),
            ]
        );
        assert_eq!(item.attrs["sys-name"], "core-1");
        assert_eq!(item.location.detail.as_deref(), Some("SNMPv2c"));
    }

    /// A silent host (a bound socket that never answers) costs one timeout per try, then
    /// becomes an error in the inventory; the run does not hang.
    #[test]
    fn silent_host_times_out() {
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let targets = targets::expand(&[format!("127.0.0.1:{port}")], 161).unwrap();
        let creds = Credentials::V2c {
            community: b"public".to_vec(),
        };
        let options = Options {
            timing: Timing {
                timeout: std::time::Duration::from_millis(150),
                retries: 1,
            },
            concurrency: 4,
        };
        let started = std::time::Instant::now();
        let outcomes = probe_all(&targets, &creds, options, &|_| {});
        let took = started.elapsed();
        assert!(took >= std::time::Duration::from_millis(300), "{took:?}");
        assert!(took < std::time::Duration::from_secs(3), "{took:?}");
        let inv = inventory(&outcomes, &creds);
        assert!(inv.items.is_empty());
        assert_eq!(inv.errors.len(), 1);
        assert!(
            inv.errors[0].reason.contains("no response")
                && inv.errors[0].reason.contains("2 tries"),
            "{}",
            inv.errors[0].reason
        );
    }
}
