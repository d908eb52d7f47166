//! Walking the per-user and per-app folders of a mounted root, collecting errors as it goes.
//!
//! Endpoint sources are many small files (one Info.plist per app, one manifest per
//! extension). One damaged file must cost that file only: the walkers read on and report
//! every failure at the end, as one line that names the first file.

use std::path::{Path, PathBuf};

use crate::CollectError;

/// Failures of single files met during a walk.
#[derive(Default)]
pub(crate) struct Failures(Vec<String>);

impl Failures {
    /// Records that `path` could not be read, and why.
    pub(crate) fn add(&mut self, path: &Path, why: impl std::fmt::Display) {
        self.0.push(format!("{}: {why}", path.display()));
    }

    /// `Ok` when nothing failed; otherwise one line naming the first failure and how many
    /// more there were.
    pub(crate) fn finish(mut self) -> Result<(), CollectError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(CollectError::format(self.0.remove(0))),
            n => Err(CollectError::format(format!(
                "{} (and {} more unreadable files)",
                self.0.remove(0),
                n - 1
            ))),
        }
    }
}

/// The entries of a directory, sorted by name; an unreadable or missing directory has none.
///
/// Symbolic links are included only when `follow` is set, since on a mounted image an
/// absolute link leads to the scanning machine's own files.
pub(crate) fn entries(dir: &Path) -> Vec<(PathBuf, std::fs::FileType)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = read
        .flatten()
        .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The real (non-link) subdirectories of `dir`, sorted.
pub(crate) fn subdirs(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|(_, t)| t.is_dir())
        .map(|(p, _)| p)
        .collect()
}

/// The regular (non-link) files of `dir`, sorted.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|(_, t)| t.is_file())
        .map(|(p, _)| p)
        .collect()
}

/// Reads a whole small file, refusing one larger than `max` bytes (a 2 GB "Info.plist"
/// is not one; reading it would only exhaust memory).
pub(crate) fn read_small(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > max {
        return Err(format!(
            "{} bytes is larger than the {max} bytes such a file can be: not read",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// The file name of a path as text (lossy), for items.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The last component of a program path, for `file-name` identifiers; `None` for an
/// empty one. Both `/` and `\` separate, since Windows paths reach here too.
pub(crate) fn base_name(program: &str) -> Option<String> {
    let program = program.trim().trim_matches('"');
    let base = program.rsplit(['/', '\\']).next()?.trim();
    (!base.is_empty()).then(|| base.to_owned())
}
