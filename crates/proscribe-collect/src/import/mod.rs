//! Inventory files written by other tools (SBOMs, scanner reports, asset exports): one
//! module per format, each a [`Collector`] sniffed by content.
//!
//! Large files are streamed: the SBOM importers read JSON through serde visitors that hand
//! each element of the big arrays (`components`, `packages`, `artifacts`, `Packages`) to
//! the sink as soon as it is read, XML through a pull parser, tag-value one line at a time,
//! so memory is bounded by the largest single element, not by the file.
//!
//! [`Collector`]: crate::Collector

pub mod csv;
pub mod cyclonedx;
mod cyclonedx_xml;
pub mod fleet;
mod json;
pub mod osquery;
mod sbom;
pub mod spdx;
mod spdx_tv;
mod stream;
pub mod syft;
pub mod trivy;
