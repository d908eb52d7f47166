//! (being written by the collectors work)

use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The rpm collector.
pub struct Rpm;

impl Collector for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
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
