//! The local database of Arch Linux's pacman (`/var/lib/pacman/local`).
//!
//! One directory per installed package, `<name>-<version>/`, holding a `desc` file (plus
//! `files` and `mtree`, which are not needed here). A `desc` file is a list of sections:
//! a `%KEY%` line, one value per line, and a blank line (`%NAME%`, `%VERSION%`, `%ARCH%`,
//! `%PACKAGER%`, `%URL%`, `%LICENSE%` …), as written by `write_deps`/`_alpm_local_db_write`
//! in pacman's `lib/libalpm/be_local.c`; the directory also holds `ALPM_DB_VERSION` (9 for
//! pacman 6). The input is the `local` directory; a single `desc` file is read too.

use std::io::BufReader;
use std::path::Path;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use super::text::{excerpt, purl, without_email, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// Where pacman keeps its local database, relative to a filesystem root.
const ROOT_PATH: &str = "var/lib/pacman/local";

/// The pacman local-database collector.
pub struct Pacman;

impl Collector for Pacman {
    fn name(&self) -> &'static str {
        "pacman"
    }

    /// A directory with `ALPM_DB_VERSION`, or with package directories holding `desc`
    /// files; or one `desc` file, which starts with `%NAME%`.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if !input.is_dir {
            return input
                .head
                .starts_with(b"%NAME%\n")
                .then_some(Confidence::High);
        }
        if input.path.join("ALPM_DB_VERSION").is_file() {
            return Some(Confidence::High);
        }
        let entries = std::fs::read_dir(input.path).ok()?;
        let has_desc = entries.flatten().take(64).any(|e| {
            let desc = e.path().join("desc");
            crate::head_of(&desc).is_ok_and(|h| h.starts_with(b"%NAME%\n"))
        });
        has_desc.then_some(Confidence::Medium)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[ROOT_PATH]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut problems = Problems::default();
        if !input.is_dir {
            read_desc(input.path, input.display, "", input, sink, &mut problems)?;
            return problems.into_result();
        }
        let mut dirs: Vec<_> = std::fs::read_dir(input.path)?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name())
            .collect();
        dirs.sort();
        if dirs.is_empty() && !input.path.join("ALPM_DB_VERSION").is_file() {
            return Err(CollectError::format(
                "not a pacman local database: no `ALPM_DB_VERSION` and no package directories",
            ));
        }
        for dir in dirs {
            let dir = dir.to_string_lossy();
            let display = format!("{}/{dir}/desc", input.display.trim_end_matches('/'));
            let path = input.path.join(&*dir).join("desc");
            let prefix = format!("{dir}/desc: ");
            if let Err(e) = read_desc(&path, &display, &prefix, input, sink, &mut problems) {
                problems.push(format!("{prefix}{e}"));
            }
        }
        problems.into_result()
    }
}

/// Reads one `desc` file. Problems that still let an item be made go to `problems`
/// (each starting with `prefix`, which names the file inside a database directory);
/// an unreadable or foreign file is returned as an error.
fn read_desc(
    path: &Path,
    display: &str,
    prefix: &str,
    input: &Input<'_>,
    sink: &mut dyn Sink,
    problems: &mut Problems,
) -> Result<(), CollectError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(CollectError::format(
            "is a directory: expected a pacman `desc` file",
        ));
    }
    let file = std::fs::File::open(path)?;
    let mut lines = Lines::new(BufReader::new(file));
    let mut desc = Desc::default();
    let mut section: Option<String> = None;
    let mut first = true;
    let mut own = Problems::default();
    while let Some(line) = lines.next_line()? {
        if !line.complete {
            own.push(format!(
                "line {}: file ends in the middle of a line (cut short?)",
                line.number
            ));
            break;
        }
        let text = line.text();
        if first {
            first = false;
            if text != "%NAME%" {
                return Err(CollectError::format(format!(
                    "line 1: expected `%NAME%`, found `{}`: not a pacman desc file",
                    excerpt(&text)
                )));
            }
        }
        if text.is_empty() {
            section = None;
            continue;
        }
        match &section {
            None => {
                let key = text.strip_prefix('%').and_then(|t| t.strip_suffix('%'));
                match key {
                    Some(k) if !k.is_empty() => section = Some(k.to_owned()),
                    _ => own.push(format!(
                        "line {}: expected `%KEY%`, found `{}`",
                        line.number,
                        excerpt(&text)
                    )),
                }
            }
            Some(key) => desc.add(key, text.into_owned()),
        }
    }
    if first {
        return Err(CollectError::format(
            "empty file: expected a pacman desc file",
        ));
    }
    let own_result = own.into_result();
    let Some(name) = desc.name.filter(|n| !n.is_empty()) else {
        let why = own_result
            .err()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        problems.push(format!("{prefix}no `%NAME%` value{why}"));
        return Ok(());
    };
    if let Err(e) = own_result {
        problems.push(format!("{prefix}{e}"));
    }
    let location = Location {
        target: input.target.to_owned(),
        collector: "pacman".to_owned(),
        path: display.to_owned(),
        detail: None,
    };
    let mut item = Item::new(ItemKind::Package, name.clone(), location);
    item.version = desc.version.filter(|v| !v.is_empty());
    item.identifiers
        .push(Identifier::package("pacman", name.clone()));
    item.identifiers.push(Identifier::new(
        IdentifierKind::Purl,
        purl(
            "alpm",
            "arch",
            &name,
            item.version.as_deref(),
            desc.arch.as_deref(),
        ),
    ));
    if let Some(p) = desc.packager.filter(|p| !p.is_empty()) {
        item.publisher = without_email(&p);
        item.attrs.insert("packager".into(), p);
    }
    if !desc.licenses.is_empty() {
        item.attrs
            .insert("license".into(), desc.licenses.join(", "));
    }
    for (key, value) in [
        ("architecture", desc.arch),
        ("url", desc.url),
        ("base", desc.base),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            item.attrs.insert(key.into(), v);
        }
    }
    sink.push(item);
    Ok(())
}

#[derive(Default)]
struct Desc {
    name: Option<String>,
    version: Option<String>,
    base: Option<String>,
    arch: Option<String>,
    url: Option<String>,
    packager: Option<String>,
    licenses: Vec<String>,
}

impl Desc {
    fn add(&mut self, key: &str, value: String) {
        let slot = match key {
            "NAME" => &mut self.name,
            "VERSION" => &mut self.version,
            "BASE" => &mut self.base,
            "ARCH" => &mut self.arch,
            "URL" => &mut self.url,
            "PACKAGER" => &mut self.packager,
            "LICENSE" => {
                self.licenses.push(value);
                return;
            }
            _ => return,
        };
        // Single-valued sections: the first value is the one pacman uses.
        if slot.is_none() {
            *slot = Some(value);
        }
    }
}
