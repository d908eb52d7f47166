//! The RPM database: installed packages of Fedora, RHEL and its rebuilds, SUSE, and others.
//!
//! rpm keeps one *header blob* per installed package, keyed by a header number (`hnum`), in
//! one of three stores; all three are read here without linking rpm or Berkeley DB:
//!
//! | backend | file | used by |
//! |---|---|---|
//! | SQLite | `rpmdb.sqlite` | rpm ≥ 4.16 default: Fedora 33+, RHEL 9+ |
//! | ndb | `Packages.db` | rpm ≥ 4.15 with `_db_backend ndb`: openSUSE, recent SLE |
//! | Berkeley DB hash | `Packages` | rpm ≤ 4.15: RHEL/CentOS ≤ 8, older SUSE |
//!
//! Each backend yields `(hnum, blob)` pairs; [`header`] parses a blob (bounds-checked, since the
//! file is untrusted) and [`Rpm`] turns it into an [`Item`]. A damaged record costs that record:
//! the error names the file (through the driver) and the record (`hnum 3: …`), and the other
//! packages are still reported.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use std::path::{Path, PathBuf};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use self::header::Header;
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// The rpm collector.
pub struct Rpm;

/// Database paths below a filesystem root. `usr/lib/sysimage/rpm` comes first: since rpm 4.16
/// distributions moved the database there and left `var/lib/rpm` as a link to it.
const ROOT_PATHS: &[&str] = &[
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/Packages.db",
    "var/lib/rpm/Packages.db",
    "var/lib/rpm/Packages",
];

/// Database file names inside an rpm database directory, in the order rpm ≥ 4.16 prefers them.
const DB_FILES: &[&str] = &["rpmdb.sqlite", "Packages.db", "Packages"];

/// How many problems are spelled out in one error; the rest are counted.
const MAX_PROBLEMS_SHOWN: usize = 3;

/// What a backend hands on: each header blob as soon as it is read (so a database of
/// hundreds of megabytes is never held in memory at once), and the damage met on the way.
pub(crate) struct Scan<'a> {
    accept: &'a mut dyn FnMut(u32, &[u8]),
    last_hnum: Option<u32>,
    /// One line per damaged record or page, saying where.
    pub(crate) problems: Vec<String>,
}

impl<'a> Scan<'a> {
    fn new(accept: &'a mut dyn FnMut(u32, &[u8])) -> Self {
        Self {
            accept,
            last_hnum: None,
            problems: Vec::new(),
        }
    }

    /// Hands on one `(hnum, header blob)` record.
    pub(crate) fn record(&mut self, hnum: u32, blob: &[u8]) {
        (self.accept)(hnum, blob);
        self.last_hnum = Some(hnum);
    }

    /// The header number of the last record handed on, to say where damage began.
    pub(crate) fn last_hnum(&self) -> Option<u32> {
        self.last_hnum
    }
}

/// The three on-disk formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Ndb,
    Bdb,
}

impl Backend {
    /// Recognises a backend from the first bytes of a file.
    fn of(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"SQLite format 3\0") {
            Some(Self::Sqlite)
        } else if head.starts_with(ndb::MAGIC) && head.get(4..8) == Some(&[0, 0, 0, 0]) {
            Some(Self::Ndb)
        } else if matches!(head.get(12..16), Some(m) if m == bdb::MAGIC_LE || m == bdb::MAGIC_BE) {
            Some(Self::Bdb)
        } else {
            None
        }
    }

    fn read(self, path: &Path, scan: &mut Scan<'_>) -> Result<(), CollectError> {
        match self {
            Self::Sqlite => sqlite::read(path, scan),
            Self::Ndb => ndb::read(path, scan),
            Self::Bdb => bdb::read(path, scan),
        }
    }
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// The database file to read in an rpm database directory such as `/var/lib/rpm`.
fn db_in_dir(dir: &Path) -> Option<PathBuf> {
    DB_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

impl Collector for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return db_in_dir(input.path).map(|_| Confidence::High);
        }
        let name = file_name(input.path);
        match Backend::of(input.head)? {
            // The table list is not in the first bytes: look inside, but fall back to the name
            // so that a damaged rpmdb.sqlite still reaches this collector and gets a clear error.
            Backend::Sqlite if sqlite::has_packages_table(input.path) => Some(Confidence::High),
            Backend::Sqlite => name.ends_with("rpmdb.sqlite").then_some(Confidence::Medium),
            Backend::Ndb => Some(Confidence::High),
            // rpm's index files (Name, Basenames…) are Berkeley DB hashes too; only Packages
            // holds headers.
            Backend::Bdb if name.contains("Packages") => Some(Confidence::High),
            Backend::Bdb => Some(Confidence::Low),
        }
    }

    fn root_paths(&self) -> &'static [&'static str] {
        ROOT_PATHS
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let (path, head) = if input.is_dir {
            let Some(path) = db_in_dir(input.path) else {
                return Err(CollectError::format(format!(
                    "no rpm database in this directory (looked for {})",
                    DB_FILES.join(", ")
                )));
            };
            let head = crate::head_of(&path)?;
            (path, head)
        } else {
            (input.path.to_owned(), input.head.to_owned())
        };
        let backend = Backend::of(&head).ok_or_else(|| {
            CollectError::format(
                "not an rpm database: expected SQLite (\"SQLite format 3\"), ndb (\"RpmP\") or \
                 Berkeley DB hash (0x061561 at byte 12)",
            )
        })?;
        let distro = root_of(&path).and_then(|root| Distro::of(&root));
        let shown_path = if input.is_dir {
            Path::new(input.display)
                .join(file_name(&path))
                .display()
                .to_string()
        } else {
            input.display.to_owned()
        };
        let mut parsed = Vec::new();
        let mut accept = |hnum: u32, blob: &[u8]| {
            let item = item_of(blob, hnum, &shown_path, input.target, distro.as_ref());
            parsed.push((hnum, item));
        };
        let mut scan = Scan::new(&mut accept);
        backend.read(&path, &mut scan)?;
        let mut problems = scan.problems;
        if backend == Backend::Sqlite {
            problems.extend(sqlite::wal_warning(&path));
        }
        // Berkeley DB returns records in hash order; report them in header-number order.
        parsed.sort_by_key(|r| r.0);
        for (hnum, item) in parsed {
            match item {
                Ok(item) => sink.push(item),
                Err(e) => problems.push(format!("hnum {hnum}: {e}")),
            }
        }
        match problems.len() {
            0 => Ok(()),
            n => {
                let mut msg = problems[..n.min(MAX_PROBLEMS_SHOWN)].join("; ");
                if n > MAX_PROBLEMS_SHOWN {
                    let more = n - MAX_PROBLEMS_SHOWN;
                    let noun = if more == 1 { "problem" } else { "problems" };
                    msg.push_str(&format!("; and {more} more {noun}"));
                }
                Err(CollectError::format(msg))
            }
        }
    }
}

/// The filesystem root a database path sits in, when it is at one of the root paths.
fn root_of(path: &Path) -> Option<PathBuf> {
    let text = path.to_str()?;
    ROOT_PATHS.iter().find_map(|rel| {
        let root = text.strip_suffix(rel)?;
        (root.is_empty() || root.ends_with('/'))
            .then(|| PathBuf::from(if root.is_empty() { "." } else { root }))
    })
}

/// The distribution of a root, from `os-release`: the purl namespace and `distro` qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Distro {
    id: String,
    version_id: Option<String>,
}

impl Distro {
    fn of(root: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(root.join("etc/os-release"))
            .or_else(|_| std::fs::read_to_string(root.join("usr/lib/os-release")))
            .ok()?;
        let value = |key: &str| {
            text.lines().find_map(|l| {
                let v = l.strip_prefix(key)?.strip_prefix('=')?;
                Some(v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
                    .filter(|v| !v.is_empty())
            })
        };
        Some(Self {
            id: value("ID")?.to_lowercase(),
            version_id: value("VERSION_ID"),
        })
    }
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Builds the item for one header blob.
fn item_of(
    blob: &[u8],
    hnum: u32,
    path: &str,
    target: &str,
    distro: Option<&Distro>,
) -> Result<Item, header::HeaderError> {
    let h = Header::parse(blob)?;
    let name =
        nonempty(h.string(header::NAME)?).ok_or_else(|| header::HeaderError::missing("NAME"))?;
    let version = nonempty(h.string(header::VERSION)?);
    let release = nonempty(h.string(header::RELEASE)?);
    let epoch = h.int32(header::EPOCH)?;
    let arch = nonempty(h.string(header::ARCH)?);
    let vendor = nonempty(h.string(header::VENDOR)?);
    let packager = nonempty(h.string(header::PACKAGER)?);

    let location = Location {
        target: target.to_owned(),
        collector: "rpm".to_owned(),
        path: path.to_owned(),
        detail: Some(format!("hnum {hnum}")),
    };
    let mut item = Item::new(ItemKind::Package, name.clone(), location);
    let vr = match (&version, &release) {
        (Some(v), Some(r)) => Some(format!("{v}-{r}")),
        (Some(v), None) => Some(v.clone()),
        (None, _) => None,
    };
    item.version = vr.as_ref().map(|vr| match epoch {
        Some(e) => format!("{e}:{vr}"),
        None => vr.clone(),
    });
    item.publisher = vendor.clone().or_else(|| packager.clone());
    item.identifiers
        .push(Identifier::package("rpm", name.clone()));
    item.identifiers.push(Identifier::new(
        IdentifierKind::Purl,
        purl(
            &name,
            vr.as_deref(),
            arch.as_deref(),
            epoch,
            vendor.as_deref(),
            distro,
        ),
    ));
    let mut attr = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            item.attrs.insert(key.to_owned(), v);
        }
    };
    attr("arch", arch);
    attr("epoch", epoch.map(|e| e.to_string()));
    attr("release", release);
    attr("packager", packager);
    attr("license", nonempty(h.string(header::LICENSE)?));
    attr("url", nonempty(h.string(header::URL)?));
    attr("summary", nonempty(h.string(header::SUMMARY)?));
    attr("sourcerpm", nonempty(h.string(header::SOURCERPM)?));
    Ok(item)
}

/// Percent-encodes a purl component: everything but ASCII letters, digits and `.-_~`.
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `pkg:rpm/<namespace>/<name>@<version>-<release>?arch=…&distro=…&epoch=…` per the purl spec's
/// rpm type: the namespace is the distribution (`fedora`) when the root says so, otherwise the
/// package's vendor; qualifiers are sorted by key.
fn purl(
    name: &str,
    version: Option<&str>,
    arch: Option<&str>,
    epoch: Option<u32>,
    vendor: Option<&str>,
    distro: Option<&Distro>,
) -> String {
    let mut out = String::from("pkg:rpm/");
    let namespace = distro
        .map(|d| d.id.clone())
        .or_else(|| vendor.map(str::to_lowercase));
    if let Some(ns) = namespace {
        out.push_str(&pct(&ns));
        out.push('/');
    }
    out.push_str(&pct(name));
    if let Some(v) = version {
        out.push('@');
        out.push_str(&pct(v));
    }
    let mut qualifiers = Vec::new();
    if let Some(a) = arch {
        qualifiers.push(format!("arch={}", pct(a)));
    }
    if let Some(d) = distro {
        let value = match &d.version_id {
            Some(v) => format!("{}-{v}", d.id),
            None => d.id.clone(),
        };
        qualifiers.push(format!("distro={}", pct(&value)));
    }
    if let Some(e) = epoch {
        qualifiers.push(format!("epoch={e}"));
    }
    if !qualifiers.is_empty() {
        out.push('?');
        out.push_str(&qualifiers.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each backend is recognised by its own magic and nothing else.
    #[test]
    fn backend_magic() {
        assert_eq!(Backend::of(b"SQLite format 3\0rest"), Some(Backend::Sqlite));
        assert_eq!(Backend::of(b"RpmP\0\0\0\0"), Some(Backend::Ndb));
        let mut bdb = [0u8; 16];
        bdb[12..].copy_from_slice(&bdb::MAGIC_BE);
        assert_eq!(Backend::of(&bdb), Some(Backend::Bdb));
        bdb[12..].copy_from_slice(&bdb::MAGIC_LE);
        assert_eq!(Backend::of(&bdb), Some(Backend::Bdb));
        assert_eq!(Backend::of(b"Package: kesl\n"), None);
        assert_eq!(Backend::of(b""), None);
    }

    /// purls encode reserved characters and sort qualifiers.
    #[test]
    fn purl_shape() {
        let d = Distro {
            id: "fedora".into(),
            version_id: Some("40".into()),
        };
        assert_eq!(
            purl(
                "libstdc++",
                Some("14.1-1.fc40"),
                Some("x86_64"),
                Some(2),
                None,
                Some(&d)
            ),
            "pkg:rpm/fedora/libstdc%2B%2B@14.1-1.fc40?arch=x86_64&distro=fedora-40&epoch=2"
        );
        assert_eq!(
            purl("a", None, None, None, Some("AO Kaspersky Lab"), None),
            "pkg:rpm/ao%20kaspersky%20lab/a"
        );
    }

    /// Root detection strips exactly one known database path.
    #[test]
    fn root_of_database_paths() {
        assert_eq!(
            root_of(Path::new("/mnt/img/var/lib/rpm/Packages")),
            Some(PathBuf::from("/mnt/img/"))
        );
        assert_eq!(
            root_of(Path::new("/var/lib/rpm/rpmdb.sqlite")),
            Some(PathBuf::from("/"))
        );
        assert_eq!(root_of(Path::new("/tmp/xvar/lib/rpm/Packages")), None);
        assert_eq!(root_of(Path::new("/tmp/Packages")), None);
    }
}
