//! Importers: inventories written by other tools (SBOMs, scanner reports), read as they
//! are and sniffed by content.
//!
//! Each format is one module with one [`Collector`](crate::Collector). Large files are
//! streamed: JSON through serde visitors that hand each element of the big arrays
//! (`components`, `packages`, `artifacts`, `Packages`) to the sink as soon as it is read,
//! XML through a pull parser, tag-value one line at a time. Memory is bounded by the largest
//! single element, not by the file.

pub mod cyclonedx;
mod cyclonedx_xml;
mod sbom;
pub mod spdx;
mod spdx_tv;
mod stream;
pub mod syft;
pub mod trivy;
