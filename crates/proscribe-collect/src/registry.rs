//! The list of collectors. Adding a source is one line here.

use crate::Collector;

/// Every collector, in the order they are tried for a mounted root.
pub static COLLECTORS: &[&dyn Collector] = &[
    &crate::linux::dpkg::Dpkg,
    &crate::linux::rpm::Rpm,
    &crate::linux::apk::Apk,
    &crate::linux::pacman::Pacman,
    &crate::inventory::ProscribeInventory,
    &crate::net::nmap::Nmap,
    &crate::net::neigh::Neigh,
    &crate::net::dhcp::DhcpLeases,
    &crate::net::lldp::Lldp,
    &crate::hw::usb::Usb,
    &crate::hw::pci::Pci,
];

/// A collector by its name (the `--type` value).
pub fn by_name(name: &str) -> Option<&'static dyn Collector> {
    COLLECTORS.iter().copied().find(|c| c.name() == name)
}
