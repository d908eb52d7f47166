//! Reading catalog files into a [`Catalog`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::generated::Generated;
use crate::schema::{Act, Vendor};
use crate::{Catalog, Header, SCHEMA_VERSION};

/// Why a catalog could not be loaded: one entry per broken file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// Each problem as (file relative to the catalog root, line if known, message).
    pub problems: Vec<(String, Option<usize>, String)>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (file, line, msg)) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match line {
                Some(line) => write!(f, "{file}:{line}: {msg}")?,
                None => write!(f, "{file}: {msg}")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

pub(crate) fn from_dir(dir: &Path) -> Result<Catalog, LoadError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    walk(dir, dir, &mut files, &mut problems);
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    files.sort();
    from_files(files)
}

fn walk(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, String)>,
    problems: &mut Vec<(String, Option<usize>, String)>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push((
                dir.display().to_string(),
                None,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, files, problems);
            continue;
        }
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "tsv")
        ) {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((rel, text)),
            Err(e) => problems.push((rel, None, format!("cannot read: {e}"))),
        }
    }
}

/// Builds a catalog from (relative path, contents) pairs.
pub(crate) fn from_files(
    files: impl IntoIterator<Item = (String, String)>,
) -> Result<Catalog, LoadError> {
    let mut files: Vec<(String, String)> = files.into_iter().collect();
    files.sort();
    let mut hasher = Sha256::new();
    let mut problems = Vec::new();
    let mut header = None;
    let mut acts = BTreeMap::new();
    let mut vendors = Vec::new();
    let mut generated = Generated::default();
    for (rel, text) in &files {
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
        if rel == "catalog.toml" {
            match toml::from_str::<Header>(text) {
                Ok(h) if h.schema == SCHEMA_VERSION => header = Some(h),
                Ok(h) => problems.push((
                    rel.clone(),
                    None,
                    format!(
                        "catalog schema {} is not the {SCHEMA_VERSION} this build reads",
                        h.schema
                    ),
                )),
                Err(e) => problems.push(toml_problem(rel, text, &e)),
            }
        } else if let Some(stem) = stem_in(rel, "acts/") {
            match toml::from_str::<Act>(text) {
                Ok(act) => {
                    if act.id != stem {
                        problems.push((
                            rel.clone(),
                            None,
                            format!("id `{}` differs from file name `{stem}`", act.id),
                        ));
                    }
                    if acts.insert(act.id.clone(), act).is_some() {
                        problems.push((rel.clone(), None, format!("duplicate act id `{stem}`")));
                    }
                }
                Err(e) => problems.push(toml_problem(rel, text, &e)),
            }
        } else if let Some(stem) = stem_in(rel, "vendors/") {
            match toml::from_str::<Vendor>(text) {
                Ok(vendor) => {
                    if vendor.id != stem {
                        problems.push((
                            rel.clone(),
                            None,
                            format!("id `{}` differs from file name `{stem}`", vendor.id),
                        ));
                    }
                    vendors.push(vendor);
                }
                Err(e) => problems.push(toml_problem(rel, text, &e)),
            }
        } else if rel.starts_with("generated/") {
            if let Err((line, msg)) = generated.add_file(rel, text) {
                problems.push((rel.clone(), line, msg));
            }
        }
    }
    let Some(header) = header else {
        problems.push(("catalog.toml".into(), None, "missing catalog header".into()));
        return Err(LoadError { problems });
    };
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    vendors.sort_by(|a, b| a.id.cmp(&b.id));
    let digest = format!("sha256:{:x}", hasher.finalize());
    Ok(Catalog {
        version: header.version,
        digest,
        acts,
        vendors,
        generated,
    })
}

fn stem_in<'a>(rel: &'a str, dir: &str) -> Option<&'a str> {
    rel.strip_prefix(dir)?
        .strip_suffix(".toml")
        .filter(|s| !s.contains('/'))
}

fn toml_problem(rel: &str, text: &str, e: &toml::de::Error) -> (String, Option<usize>, String) {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    (rel.to_owned(), line, e.message().to_owned())
}
