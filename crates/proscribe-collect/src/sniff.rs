//! What a collector sees of an input before deciding it is its format.

use std::io::Read;
use std::path::Path;

/// How many leading bytes of a file sniffing sees.
pub const HEAD_LEN: usize = 8192;

/// How sure a collector is that an input is its format. Greater is surer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Plausible (e.g. the right file name but an unusual start).
    Low,
    /// The content has the shape of the format.
    Medium,
    /// A magic number or a signature that only this format has.
    High,
}

/// An input as collectors see it: a file or a directory, with the first bytes of a file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The file or directory to read.
    pub path: &'a Path,
    /// The name to use in locations and errors (the user's target, or a path inside it
    /// relative to a mounted root).
    pub display: &'a str,
    /// The target the user named, for `location.target`.
    pub target: &'a str,
    /// The first [`HEAD_LEN`] bytes of a file; empty for a directory.
    pub head: &'a [u8],
    /// Whether `path` is a directory.
    pub is_dir: bool,
}

/// Reads the first [`HEAD_LEN`] bytes of a file.
///
/// # Errors
/// When the file cannot be opened or read.
pub fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(HEAD_LEN);
    std::fs::File::open(path)?
        .take(HEAD_LEN as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}
