//! Inventory files written by other tools: one module per format, each a [`Collector`]
//! sniffed by content.
//!
//! [`Collector`]: crate::Collector

pub mod csv;
pub mod fleet;
mod json;
pub mod osquery;
