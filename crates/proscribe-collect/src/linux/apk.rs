//! (being written by the collectors work)

use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The apk collector.
pub struct Apk;

impl Collector for Apk {
    fn name(&self) -> &'static str {
        "apk"
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
