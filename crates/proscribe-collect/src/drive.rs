//! Running the collectors over the user's targets.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proscribe_model::{Host, InputError, Inventory, Item, TargetSummary};

use crate::registry::COLLECTORS;
use crate::{head_of, Collector, Input, Sink};

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// This machine, live.
    Live,
    /// A file (sniffed by content), a mounted filesystem root, or a folder of inventory files.
    Path(PathBuf),
    /// Standard input, sniffed like a file.
    Stdin,
}

/// How to collect.
#[derive(Clone, Copy, Default)]
pub struct Options {
    /// Read every file target with this collector instead of sniffing (`--type`).
    pub forced: Option<&'static dyn Collector>,
    /// `--map COLUMN=FIELD`: how the columns of a CSV file map to item fields when its
    /// headers are not recognised. Lives for the whole run, so options stay `Copy`.
    pub columns: &'static [crate::import::csv::ColumnMap],
}

/// How deep a folder of inventory files is searched.
const MAX_FOLDER_DEPTH: usize = 8;

/// Collects every target into one inventory. Never fails: unreadable inputs become
/// entries of [`Inventory::errors`] and the other targets are still collected.
pub fn collect(targets: &[Target], options: Options) -> Inventory {
    let mut items: Vec<Item> = Vec::new();
    let mut inv = collect_each(targets, options, &mut items);
    inv.items = items;
    inv
}

/// Like [`collect`], but hands every item to `sink` as soon as it is read instead of
/// keeping it in [`Inventory::items`] (which stays empty): a caller that needs each item
/// only once (match, judge, drop) then scans an SBOM of millions of components in bounded
/// memory. The target summaries still count every item.
pub fn collect_each(targets: &[Target], options: Options, sink: &mut dyn Sink) -> Inventory {
    let mut inv = Cx {
        inv: Inventory::default(),
        sink,
    };
    for target in targets {
        match target {
            Target::Live => {
                let root = Path::new("/");
                inv.host = Some(host_of(root));
                collect_root(root, "localhost", &mut inv);
                collect_paths(root, "localhost", |c| c.live_paths(), &mut inv);
            }
            Target::Stdin => collect_stdin(options, &mut inv),
            Target::Path(path) => collect_path(path, options, &mut inv),
        }
    }
    inv.inv
}

/// What the driver fills: the inventory (targets, errors, host), and the caller's sink
/// for the items.
struct Cx<'s> {
    inv: Inventory,
    sink: &'s mut dyn Sink,
}

impl std::ops::Deref for Cx<'_> {
    type Target = Inventory;

    fn deref(&self) -> &Inventory {
        &self.inv
    }
}

impl std::ops::DerefMut for Cx<'_> {
    fn deref_mut(&mut self) -> &mut Inventory {
        &mut self.inv
    }
}

fn collect_stdin(options: Options, inv: &mut Cx<'_>) {
    // Collectors may need to seek or open a database file, so stdin is spooled first.
    let spooled = tempfile::NamedTempFile::new().and_then(|mut file| {
        std::io::copy(&mut std::io::stdin().lock().take(u64::MAX), &mut file)?;
        Ok(file)
    });
    match spooled {
        Ok(file) => collect_file(file.path(), "-", "-", options, inv),
        Err(e) => inv
            .errors
            .push(error("-", format!("cannot read standard input: {e}"))),
    }
}

fn collect_path(path: &Path, options: Options, inv: &mut Cx<'_>) {
    let target = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            inv.errors.push(error(&target, describe_io(&e)));
            return;
        }
    };
    if !meta.is_dir() {
        collect_file(path, &target, &target, options, inv);
        return;
    }
    let dir_input = Input {
        path,
        display: &target,
        target: &target,
        head: &[],
        is_dir: true,
    };
    if let Some(forced) = options.forced {
        run(forced, &dir_input, options, inv);
        return;
    }
    if let Some(collector) = best_sniff(&dir_input) {
        run(collector, &dir_input, options, inv);
    } else if is_mounted_root(path) {
        inv.host = Some(host_of(path));
        collect_root(path, &target, inv);
    } else {
        collect_folder(path, &target, 0, options, inv);
    }
}

/// A directory is a mounted root when some collector's root path exists below it.
fn is_mounted_root(path: &Path) -> bool {
    COLLECTORS
        .iter()
        .flat_map(|c| c.root_paths())
        .any(|rel| !expand_root_path(path, rel).is_empty())
}

/// The paths, relative to `root` and spelled as on disk, that a root path names, sorted.
///
/// A component `*` stands for every entry of a directory (`Users/*/NTUSER.DAT`). A
/// component that does not exist with its exact spelling is looked up ignoring ASCII
/// case, because Windows file systems are case-insensitive and a mounted image may spell
/// `Windows/System32/config` as `WINDOWS/system32/CONFIG`. Directories are listed where the
/// image's own links lead ([`crate::rootfs::resolve_in_root`]).
fn expand_root_path(root: &Path, rel: &str) -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::new()];
    for part in rel.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for dir in &paths {
            let exact = dir.join(part);
            if part != "*" && crate::rootfs::resolve_in_root(root, &exact).is_some() {
                next.push(exact);
                continue;
            }
            let Some(Ok(entries)) =
                crate::rootfs::resolve_in_root(root, dir).map(std::fs::read_dir)
            else {
                continue;
            };
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .filter(|e| {
                    part == "*" || e.file_name().to_string_lossy().eq_ignore_ascii_case(part)
                })
                .map(|e| dir.join(e.file_name()))
                .collect();
            found.sort();
            next.extend(found);
        }
        paths = next;
    }
    paths
}

fn collect_root(root: &Path, target: &str, inv: &mut Cx<'_>) {
    collect_paths(root, target, |c| c.root_paths(), inv);
}

/// Runs every collector over the paths `paths_of` gives it under `root`.
fn collect_paths(
    root: &Path,
    target: &str,
    paths_of: impl Fn(&dyn Collector) -> &'static [&'static str],
    inv: &mut Cx<'_>,
) {
    // Distributions link old database locations to new ones (Fedora's `var/lib/rpm` →
    // `usr/lib/sysimage/rpm`): read each file once, however many root paths reach it.
    let mut seen = std::collections::HashSet::new();
    for collector in COLLECTORS {
        for rel in paths_of(*collector)
            .iter()
            .flat_map(|rel| expand_root_path(root, rel))
        {
            let Some(real) = crate::rootfs::resolve_in_root(root, &rel) else {
                continue;
            };
            let Ok(meta) = std::fs::metadata(&real) else {
                continue;
            };
            // Per collector: several collectors read the same folder (`Users`, `home`).
            if !seen.insert((collector.name(), real.clone())) {
                continue;
            }
            // Name the path as the user knows it; read the one the image's links lead to.
            let display = root.join(&rel).display().to_string();
            let path = real;
            let head = if meta.is_dir() {
                Vec::new()
            } else {
                match head_of(&path) {
                    Ok(h) => h,
                    Err(e) => {
                        inv.errors.push(error(&display, describe_io(&e)));
                        continue;
                    }
                }
            };
            let input = Input {
                path: &path,
                display: &display,
                target,
                head: &head,
                is_dir: meta.is_dir(),
            };
            run(*collector, &input, Options::default(), inv);
        }
    }
}

fn collect_folder(dir: &Path, target: &str, depth: usize, options: Options, inv: &mut Cx<'_>) {
    // `--type` names the format of the targets, not of every file inside a folder.
    let options = Options {
        forced: None,
        ..options
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            inv.errors
                .push(error(&dir.display().to_string(), describe_io(&e)));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let display = path.display().to_string();
        if path.is_dir() {
            let input = Input {
                path: &path,
                display: &display,
                target,
                head: &[],
                is_dir: true,
            };
            if let Some(c) = best_sniff(&input) {
                run(c, &input, options, inv);
            } else if depth < MAX_FOLDER_DEPTH {
                collect_folder(&path, target, depth + 1, options, inv);
            }
        } else {
            collect_file(&path, &display, target, options, inv);
        }
    }
}

fn collect_file(path: &Path, display: &str, target: &str, options: Options, inv: &mut Cx<'_>) {
    let head = match head_of(path) {
        Ok(h) => h,
        Err(e) => {
            inv.errors.push(error(display, describe_io(&e)));
            return;
        }
    };
    let input = Input {
        path,
        display,
        target,
        head: &head,
        is_dir: false,
    };
    if let Some(forced) = options.forced {
        run(forced, &input, options, inv);
        return;
    }
    if head.is_empty() {
        inv.errors
            .push(error(display, "empty file: not an inventory".into()));
        return;
    }
    match best_sniff(&input) {
        Some(collector) => run(collector, &input, options, inv),
        None => {
            let tried: Vec<&str> = COLLECTORS.iter().map(|c| c.name()).collect();
            inv.errors.push(error(
                display,
                format!(
                    "format not recognised (tried: {}); use --type to force one",
                    tried.join(", ")
                ),
            ));
        }
    }
}

fn best_sniff(input: &Input<'_>) -> Option<&'static dyn Collector> {
    COLLECTORS
        .iter()
        .filter_map(|c| Some((c.sniff(input)?, *c)))
        .max_by_key(|(conf, _)| *conf)
        .map(|(_, c)| c)
}

fn run(collector: &dyn Collector, input: &Input<'_>, options: Options, inv: &mut Cx<'_>) {
    /// Counts the items on their way to the caller's sink.
    struct Counting<'a, 's> {
        sink: &'a mut (dyn Sink + 's),
        count: usize,
    }
    impl Sink for Counting<'_, '_> {
        fn push(&mut self, item: Item) {
            self.count += 1;
            self.sink.push(item);
        }
    }
    let mut counting = Counting {
        sink: &mut *inv.sink,
        count: 0,
    };
    // A panic is a bug, but it must cost one input, not the run.
    let result = catch_unwind(AssertUnwindSafe(|| {
        collector.collect_with(input, &options, &mut counting)
    }));
    let count = counting.count;
    inv.targets.push(TargetSummary {
        target: input.display.to_owned(),
        format: collector.name().to_owned(),
        items: count,
    });
    let reason = match result {
        Ok(Ok(())) => return,
        Ok(Err(e)) => format!("{}: {e}", collector.name()),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("{}: internal error while reading: {msg}", collector.name())
        }
    };
    let reason = if count > 0 {
        format!("{reason} (kept the {count} items read before it)")
    } else {
        reason
    };
    inv.errors.push(error(input.display, reason));
}

fn error(target: &str, reason: String) -> InputError {
    InputError {
        target: target.to_owned(),
        reason,
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Host name and OS of a root, from `etc/hostname` and `etc/os-release`.
fn host_of(root: &Path) -> Host {
    let read = |rel: &str| {
        crate::rootfs::resolve_in_root(root, rel).and_then(|p| std::fs::read_to_string(p).ok())
    };
    let hostname = read("etc/hostname")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            (root == Path::new("/"))
                .then(|| read("proc/sys/kernel/hostname"))
                .flatten()
                .map(|s| s.trim().to_owned())
        });
    let os = read("etc/os-release")
        .or_else(|| read("usr/lib/os-release"))
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            })
        });
    Host { hostname, os }
}
