//! The installed database of Alpine's apk (`/lib/apk/db/installed`).
//!
//! One paragraph per installed package, paragraphs separated by blank lines, each line a
//! one-letter field, a colon and a value (`P:musl`, `V:1.2.2-r3`). The letters are listed
//! in the "Database" table of <https://wiki.alpinelinux.org/wiki/Apk_spec>: `P` name, `V`
//! version, `A` architecture, `o` origin (source package), `m` maintainer, `U` URL, `L`
//! license, `T` description, followed by the package's files (`F`, `R`, `Z`, `a`, `M`).
//! The file list makes the database large, so it is read one bounded line at a time.

use std::io::BufReader;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use super::text::{excerpt, purl, without_email, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// Where apk keeps its installed database, relative to a filesystem root.
const ROOT_PATH: &str = "lib/apk/db/installed";

/// The apk installed-database collector.
pub struct Apk;

impl Collector for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    /// The first paragraph is made only of `X:value` lines and names a package (`P:`)
    /// and its version (`V:`).
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let text = String::from_utf8_lossy(input.head);
        // The last line of the head may be cut by the head's length: ignore it.
        let complete = match text.rfind('\n') {
            Some(i) => &text[..i],
            None => return None,
        };
        let para: Vec<&str> = complete
            .lines()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect();
        let shaped = !para.is_empty() && para.iter().all(|l| field(l).is_some());
        let has = |c: u8| para.iter().any(|l| field(l).is_some_and(|(k, _)| k == c));
        (shaped && has(b'P') && has(b'V')).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[ROOT_PATH]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(format!(
                "is a directory: expected the apk installed database ({ROOT_PATH})"
            )));
        }
        let file = std::fs::File::open(input.path)?;
        let mut lines = Lines::new(BufReader::with_capacity(64 * 1024, file));
        let mut problems = Problems::default();
        let mut para = Entry::default();
        while let Some(line) = lines.next_line()? {
            if !line.complete {
                problems.push(format!(
                    "line {}: file ends in the middle of a line (cut short?)",
                    line.number
                ));
                break;
            }
            let text = line.text();
            if text.trim().is_empty() {
                finish(std::mem::take(&mut para), input, sink, &mut problems);
                continue;
            }
            if para.start == 0 {
                para.start = line.number;
            }
            let Some((key, value)) = field(&text) else {
                problems.push(format!(
                    "line {}: expected `X:value`, found `{}`",
                    line.number,
                    excerpt(&text)
                ));
                continue;
            };
            let slot = match key {
                b'P' => &mut para.name,
                b'V' => &mut para.version,
                b'A' => &mut para.arch,
                b'o' => &mut para.origin,
                b'm' => &mut para.maintainer,
                b'U' => &mut para.url,
                b'L' => &mut para.license,
                _ => continue,
            };
            if slot.is_some() {
                problems.push(format!(
                    "line {}: field `{}` appears twice in one package",
                    line.number,
                    char::from(key)
                ));
            }
            *slot = Some(value.trim().to_owned());
        }
        finish(para, input, sink, &mut problems);
        problems.into_result()
    }
}

/// `X:value` with `X` an ASCII letter.
fn field(line: &str) -> Option<(u8, &str)> {
    let b = line.as_bytes();
    (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':').then(|| (b[0], &line[2..]))
}

#[derive(Default)]
struct Entry {
    /// Line of the entry's first field; 0 when no entry is open.
    start: usize,
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    origin: Option<String>,
    maintainer: Option<String>,
    url: Option<String>,
    license: Option<String>,
}

fn finish(entry: Entry, input: &Input<'_>, sink: &mut dyn Sink, problems: &mut Problems) {
    if entry.start == 0 {
        return;
    }
    let Some(name) = entry.name.filter(|n| !n.is_empty()) else {
        problems.push(format!(
            "line {}: package entry has no `P:` (name) field",
            entry.start
        ));
        return;
    };
    let location = Location {
        target: input.target.to_owned(),
        collector: "apk".to_owned(),
        path: input.display.to_owned(),
        detail: Some(format!("line {}", entry.start)),
    };
    let mut item = Item::new(ItemKind::Package, name.clone(), location);
    item.version = entry.version.filter(|v| !v.is_empty());
    item.identifiers
        .push(Identifier::package("apk", name.clone()));
    item.identifiers.push(Identifier::new(
        IdentifierKind::Purl,
        purl(
            "apk",
            "alpine",
            &name,
            item.version.as_deref(),
            entry.arch.as_deref(),
        ),
    ));
    if let Some(m) = entry.maintainer.filter(|m| !m.is_empty()) {
        item.publisher = without_email(&m);
        item.attrs.insert("maintainer".into(), m);
    }
    for (key, value) in [
        ("architecture", entry.arch),
        ("origin", entry.origin),
        ("url", entry.url),
        ("license", entry.license),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            item.attrs.insert(key.into(), v);
        }
    }
    sink.push(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(head: &[u8]) -> Option<Confidence> {
        let input = Input {
            path: std::path::Path::new("x"),
            display: "x",
            target: "x",
            head,
            is_dir: false,
        };
        Apk.sniff(&input)
    }

    /// Real-shaped heads are recognised; dpkg and pacman text is not.
    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"C:Q1abc=\nP:musl\nV:1.2.2-r3\nA:x86_64\n\n"),
            Some(Confidence::High)
        );
        assert_eq!(
            sniff(b"Package: musl\nStatus: install ok installed\n"),
            None
        );
        assert_eq!(sniff(b"%NAME%\nmusl\n"), None);
        assert_eq!(sniff(b"P:musl\n"), None, "a version is required");
    }
}
