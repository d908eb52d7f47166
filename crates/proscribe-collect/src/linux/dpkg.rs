//! (being written by the collectors work)

use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The dpkg collector.
pub struct Dpkg;

impl Collector for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }
    fn sniff(&self, _input: &Input<'_>) -> Option<Confidence> {
        None
    }
    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }
    fn collect(&self, _input: &Input<'_>, _sink: &mut dyn Sink) -> Result<(), CollectError> {
        Err(CollectError::format("not yet supported"))
    }
}
