//! Collectors: one small unit per source of inventory data.
//!
//! A [`Collector`] knows one format (the dpkg status file, an RPM database, …). It says how
//! sure it is that an input is its format ([`Collector::sniff`]), which paths it reads in a
//! mounted root ([`Collector::root_paths`]), and turns an input into [`Item`]s. Adding a
//! source is one module, one line in [`registry::COLLECTORS`], fixtures with a `PROVENANCE`
//! note and a test.
//!
//! [`collect`] drives them over the user's targets. Bad input never stops the run: every
//! input that cannot be read (or is read only in part) becomes an
//! [`InputError`](proscribe_model::InputError) and the other inputs are still collected.
#![deny(missing_docs)]

pub mod browser;
pub mod certs;
mod drive;
pub mod hw;
pub mod import;
pub mod inventory;
pub mod linux;
pub mod macos;
pub mod mobile;
pub mod net;
pub mod registry;
pub mod rootfs;
mod sniff;
mod walk;
pub mod windows;

pub use drive::{collect, collect_each, Options, Target};
pub use sniff::{head_of, Confidence, Input, HEAD_LEN};

use proscribe_model::Item;

/// Where collectors put the items they find.
pub trait Sink {
    /// Accepts one item.
    fn push(&mut self, item: Item);
}

impl Sink for Vec<Item> {
    fn push(&mut self, item: Item) {
        Vec::push(self, item);
    }
}

/// Why a collector could not read (all of) an input.
///
/// Items pushed before the error are kept: a truncated file still yields what it held.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The input could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not in the collector's format, or is damaged; the message says where.
    #[error("{0}")]
    Format(String),
}

impl CollectError {
    /// A format error with a message that says what was expected and where.
    pub fn format(msg: impl Into<String>) -> Self {
        Self::Format(msg.into())
    }
}

/// One source of inventory data.
pub trait Collector: Sync {
    /// Short stable name, used as `--type` value, in `location.collector` and in reports
    /// (`dpkg`, `rpm`, `apk`, `pacman`).
    fn name(&self) -> &'static str;

    /// How sure this collector is that `input` is its format, from the first bytes of a
    /// file or the entries of a directory; `None` when it is not.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence>;

    /// Paths, relative to a filesystem root, that this collector reads when it scans a
    /// machine or a mounted image (`var/lib/dpkg/status`). Checked in order; every path
    /// that exists is collected. A component `*` matches every entry of a directory
    /// (`Users/*/NTUSER.DAT`); a component missing with its exact spelling is matched
    /// ignoring ASCII case (Windows images).
    fn root_paths(&self) -> &'static [&'static str];

    /// Paths, relative to `/`, that describe the running state of the machine proscribe
    /// runs on (`proc/net/arp`, `sys/bus/usb/devices`). Read only when the target is this
    /// machine, live: a mounted image has no running kernel, so the same paths under it
    /// are absent or stale. None by default.
    fn live_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// Reads `input` and pushes every item found into `sink`.
    ///
    /// # Errors
    /// When the input cannot be read or is damaged; items already pushed stay valid.
    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError>;

    /// Like [`Collector::collect`], with the user's [`Options`] (the CSV importer reads
    /// `--map` from them). Collectors that need no options keep this default.
    ///
    /// # Errors
    /// As [`Collector::collect`].
    fn collect_with(
        &self,
        input: &Input<'_>,
        options: &Options,
        sink: &mut dyn Sink,
    ) -> Result<(), CollectError> {
        let _ = options;
        self.collect(input, sink)
    }
}
