//! Plain data shared by every stage of the proscribe pipeline.
//!
//! Collectors produce [`Item`]s into an [`Inventory`]; the matcher reads them; reports
//! print them. Nothing here does I/O, so every other crate can depend on this one.
//! The serde shapes are part of the JSON report contract (`proscribe.report/1`):
//! change them only together with the report schema.
#![deny(missing_docs)]

pub mod mac;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of thing an inventory item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// An operating-system or language package (dpkg, rpm, apk, pacman, npm…).
    Package,
    /// An installed desktop application (Windows Uninstall entry, macOS `.app`).
    Application,
    /// An app on a phone or tablet.
    MobileApp,
    /// A system service or daemon.
    Service,
    /// A kernel driver or module.
    Driver,
    /// A running process.
    Process,
    /// A browser extension or add-on.
    BrowserExtension,
    /// A certificate in a trust store.
    Certificate,
    /// A USB device.
    UsbDevice,
    /// A PCI device.
    PciDevice,
    /// A device seen on the network.
    NetworkDevice,
    /// A component from an SBOM that fits no other kind.
    Component,
}

impl ItemKind {
    /// The kebab-case name used in reports and the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Package => "package",
            Self::Application => "application",
            Self::MobileApp => "mobile-app",
            Self::Service => "service",
            Self::Driver => "driver",
            Self::Process => "process",
            Self::BrowserExtension => "browser-extension",
            Self::Certificate => "certificate",
            Self::UsbDevice => "usb-device",
            Self::PciDevice => "pci-device",
            Self::NetworkDevice => "network-device",
            Self::Component => "component",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The closed set of identifier types an item can carry.
///
/// Exact identifiers are the strongest evidence the matcher has, so each one has its own
/// type rather than a free-form string key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentifierKind {
    /// A package URL (`pkg:deb/debian/kesl@12.1`).
    Purl,
    /// A CPE 2.2 or 2.3 name.
    Cpe,
    /// An OS package name; the ecosystem (`deb`, `rpm`, `apk`, `pacman`) rides along.
    Package,
    /// An Apple bundle identifier (`com.kaspersky.kav`).
    BundleId,
    /// An Android application id (`com.zhiliaoapp.musically`).
    AndroidPackage,
    /// A Windows Uninstall key name or MSI product code.
    WindowsProductCode,
    /// A service or daemon name (`klnagent`, `AVP21.3`).
    ServiceName,
    /// A file name (`klif.sys`).
    FileName,
    /// A browser extension id.
    ExtensionId,
    /// A certificate subject distinguished name.
    CertSubject,
    /// A certificate SHA-256 fingerprint, lower-case hex.
    CertSha256,
    /// A MAC address, normalised to lower-case colon form.
    Mac,
    /// A USB `vid:pid` pair, lower-case hex.
    Usb,
    /// A PCI `vendor:device` pair, lower-case hex.
    Pci,
    /// An SNMP sysObjectID in dotted form.
    SnmpObjectId,
    /// A DNS domain name.
    Domain,
    /// A SHA-256 digest of a file, lower-case hex.
    Sha256,
    /// A banner a network service sent (HTTP `Server` header, SSH version string, SNMP
    /// sysDescr, authentication realm, page title); `ecosystem` names the protocol field
    /// (`http-server`, `ssh`, `snmp-sysdescr`, `http-realm`, `http-title`, `tls-subject`).
    Banner,
}

impl IdentifierKind {
    /// Every identifier kind, in declaration order.
    pub const ALL: [IdentifierKind; 18] = [
        Self::Purl,
        Self::Cpe,
        Self::Package,
        Self::BundleId,
        Self::AndroidPackage,
        Self::WindowsProductCode,
        Self::ServiceName,
        Self::FileName,
        Self::ExtensionId,
        Self::CertSubject,
        Self::CertSha256,
        Self::Mac,
        Self::Usb,
        Self::Pci,
        Self::SnmpObjectId,
        Self::Domain,
        Self::Sha256,
        Self::Banner,
    ];

    /// The kebab-case name used in reports and the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Purl => "purl",
            Self::Cpe => "cpe",
            Self::Package => "package",
            Self::BundleId => "bundle-id",
            Self::AndroidPackage => "android-package",
            Self::WindowsProductCode => "windows-product-code",
            Self::ServiceName => "service-name",
            Self::FileName => "file-name",
            Self::ExtensionId => "extension-id",
            Self::CertSubject => "cert-subject",
            Self::CertSha256 => "cert-sha256",
            Self::Mac => "mac",
            Self::Usb => "usb",
            Self::Pci => "pci",
            Self::SnmpObjectId => "snmp-object-id",
            Self::Domain => "domain",
            Self::Sha256 => "sha256",
            Self::Banner => "banner",
        }
    }

    /// Parses the kebab-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One identifier an item carries, as the source showed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identifier {
    /// Which kind of identifier this is.
    #[serde(rename = "type")]
    pub kind: IdentifierKind,
    /// The value as found (collectors normalise only where the kind says so, e.g. MACs).
    pub value: String,
    /// For packages: the ecosystem (`deb`, `rpm`, `apk`, `pacman`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
}

impl Identifier {
    /// An identifier without an ecosystem.
    pub fn new(kind: IdentifierKind, value: impl Into<String>) -> Self {
        Self {
            kind,
            value: value.into(),
            ecosystem: None,
        }
    }

    /// An OS package name in an ecosystem such as `deb` or `rpm`.
    pub fn package(ecosystem: &str, name: impl Into<String>) -> Self {
        Self {
            kind: IdentifierKind::Package,
            value: name.into(),
            ecosystem: Some(ecosystem.to_owned()),
        }
    }
}

/// Where exactly an item was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The target the user named (a path, `-`, or `localhost` for the live machine).
    pub target: String,
    /// The collector that produced the item (`dpkg`, `rpm`, …).
    pub collector: String,
    /// The file (or registry hive, or URL) inside the target.
    pub path: String,
    /// The place inside that file: `line 20431`, a registry key, a host address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One thing found in an inventory: a package, an app, a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// What kind of thing this is.
    pub kind: ItemKind,
    /// The name as the source shows it.
    pub name: String,
    /// The version as the source shows it.
    pub version: Option<String>,
    /// The publisher, vendor, maintainer or manufacturer as the source shows it.
    pub publisher: Option<String>,
    /// Every identifier the collector saw.
    pub identifiers: Vec<Identifier>,
    /// Where the item was found.
    #[serde(default)]
    pub location: Location,
    /// Other source fields that may help a person (architecture, install path…).
    /// Never matched against: free text here must not produce findings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
}

impl Item {
    /// A new item with no version, publisher, identifiers or attributes.
    pub fn new(kind: ItemKind, name: impl Into<String>, location: Location) -> Self {
        Self {
            kind,
            name: name.into(),
            version: None,
            publisher: None,
            identifiers: Vec::new(),
            location,
            attrs: BTreeMap::new(),
        }
    }

    /// The values of every identifier of one kind.
    pub fn identifiers_of(&self, kind: IdentifierKind) -> impl Iterator<Item = &Identifier> {
        self.identifiers.iter().filter(move |i| i.kind == kind)
    }
}

/// The machine an inventory describes, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// Host name.
    pub hostname: Option<String>,
    /// Operating system, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub os: Option<String>,
}

/// An input that could not be read, or could be read only in part.
///
/// Never a panic and never silence: every unreadable input becomes one of these, and the
/// run goes on with the other inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The file or target that failed.
    pub target: String,
    /// Why, in one line: what was expected and where it went wrong.
    pub reason: String,
}

/// What one target (or one source file inside a target) contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSummary {
    /// The file or target.
    pub target: String,
    /// The format (collector) that read it.
    pub format: String,
    /// How many items it yielded.
    pub items: usize,
}

/// Everything collected from the targets of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The machine, when the inventory is of one machine.
    pub host: Option<Host>,
    /// What each source contributed.
    pub targets: Vec<TargetSummary>,
    /// The items.
    pub items: Vec<Item>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Identifier kinds round-trip through their kebab-case names.
    #[test]
    fn identifier_kind_names_round_trip() {
        for kind in IdentifierKind::ALL {
            assert_eq!(IdentifierKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    /// The identifier's JSON shape is the report contract's `{"type", "value"}`.
    #[test]
    fn identifier_json_shape() {
        let id = Identifier::new(IdentifierKind::BundleId, "com.kaspersky.kav");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            r#"{"type":"bundle-id","value":"com.kaspersky.kav"}"#
        );
    }
}
