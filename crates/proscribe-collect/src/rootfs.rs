//! Paths inside a mounted filesystem root.
//!
//! An image's symlinks are meant for the machine it came from: `etc/os-release →
//! /usr/lib/os-release` inside `/mnt/image` must lead to `/mnt/image/usr/lib/os-release`,
//! never to the scanning machine's own file. [`resolve_in_root`] follows links the way the
//! imaged machine would, confined to the root.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// How many symlinks one lookup may follow before it is taken as a loop.
const MAX_LINKS: usize = 40;

/// The real path of `rel` (relative to `root`) as the machine of `root` sees it, with every
/// symlink resolved inside `root`; `None` when it does not exist or links loop.
pub fn resolve_in_root(root: &Path, rel: impl AsRef<Path>) -> Option<PathBuf> {
    if root == Path::new("/") {
        // The live machine: its links are already right.
        let path = root.join(rel);
        return path.symlink_metadata().is_ok().then_some(path);
    }
    let mut pending = Vec::new();
    push_steps(&mut pending, rel.as_ref());
    // `resolved` is always relative to `root` and free of `..` and symlinks.
    let mut resolved = PathBuf::new();
    let mut links = 0;
    while let Some(step) = pending.pop() {
        match step {
            Step::Root => resolved.clear(),
            Step::Parent => {
                resolved.pop();
            }
            Step::Name(name) => {
                let candidate = resolved.join(name);
                let full = root.join(&candidate);
                let meta = full.symlink_metadata().ok()?;
                if meta.file_type().is_symlink() {
                    links += 1;
                    if links > MAX_LINKS {
                        return None;
                    }
                    let target = std::fs::read_link(&full).ok()?;
                    push_steps(&mut pending, &target);
                } else {
                    resolved = candidate;
                }
            }
        }
    }
    Some(root.join(resolved))
}

/// One step of a path walk.
enum Step {
    Root,
    Parent,
    Name(OsString),
}

/// Pushes the steps of `path` so that popping yields them in order.
fn push_steps(stack: &mut Vec<Step>, path: &Path) {
    let steps: Vec<Step> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(Step::Name(s.to_os_string())),
            Component::RootDir => Some(Step::Root),
            Component::ParentDir => Some(Step::Parent),
            Component::CurDir | Component::Prefix(_) => None,
        })
        .collect();
    stack.extend(steps.into_iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Absolute and relative links resolve inside the root; loops and escapes are contained.
    #[test]
    fn links_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("usr/lib")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("usr/lib/os-release"), "ID=test\n").unwrap();
        std::os::unix::fs::symlink("/usr/lib/os-release", root.join("etc/os-release")).unwrap();
        std::os::unix::fs::symlink("../../../../../../etc", root.join("usr/escape")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert_eq!(
            resolve_in_root(root, "etc/os-release"),
            Some(root.join("usr/lib/os-release"))
        );
        // `..` above the root stays at the root, as on the imaged machine.
        assert_eq!(
            resolve_in_root(root, "usr/escape/os-release"),
            Some(root.join("usr/lib/os-release"))
        );
        assert_eq!(resolve_in_root(root, "loop"), None);
        assert_eq!(resolve_in_root(root, "missing"), None);
    }
}
