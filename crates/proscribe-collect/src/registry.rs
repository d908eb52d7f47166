//! The list of collectors. Adding a source is one line here.

use crate::Collector;

/// Every collector, in the order they are tried for a mounted root.
pub static COLLECTORS: &[&dyn Collector] = &[
    &crate::linux::dpkg::Dpkg,
    &crate::linux::rpm::Rpm,
    &crate::linux::apk::Apk,
    &crate::linux::pacman::Pacman,
    &crate::windows::RegistryHive,
    &crate::windows::RegExport,
    &crate::certs::Certificates,
    &crate::macos::MacApps,
    &crate::macos::MacReceipts,
    &crate::macos::Launchd,
    &crate::macos::PlistFile,
    &crate::browser::ChromiumExtensions,
    &crate::browser::FirefoxExtensions,
    &crate::mobile::PmList,
    &crate::mobile::DumpsysPackage,
    &crate::mobile::IntuneCsv,
    &crate::linux::systemd::Systemd,
    &crate::linux::live::Processes,
    &crate::linux::live::KernelModules,
    &crate::inventory::ProscribeInventory,
    &crate::import::osquery::Osquery,
    &crate::import::fleet::Fleet,
    &crate::import::csv::Csv,
    &crate::net::nmap::Nmap,
    &crate::net::neigh::Neigh,
    &crate::net::dhcp::DhcpLeases,
    &crate::net::lldp::Lldp,
    &crate::hw::usb::Usb,
    &crate::hw::pci::Pci,
    &crate::import::cyclonedx::CycloneDx,
    &crate::import::spdx::Spdx,
    &crate::import::syft::Syft,
    &crate::import::trivy::Trivy,
];

/// A collector by its name (the `--type` value).
pub fn by_name(name: &str) -> Option<&'static dyn Collector> {
    COLLECTORS.iter().copied().find(|c| c.name() == name)
}
