//! The dpkg status file (`/var/lib/dpkg/status`) of Debian, Ubuntu and derivatives.
//!
//! The file is a list of deb822 paragraphs (`Field: value` lines, continuation lines
//! starting with a space or tab, paragraphs separated by blank lines), documented in
//! deb822(5) and dpkg(1). It can hold tens of thousands of paragraphs, so it is read one
//! bounded line at a time and only the current paragraph's few useful fields are kept.
//!
//! Which packages count: every paragraph whose `Status` state is not `not-installed`.
//! Besides `installed` (with want `install` or `hold`), that keeps half-installed,
//! unpacked and `config-files` packages: each still leaves files on the machine, and a
//! removed-but-not-purged product is worth seeing. The full `Status` is in
//! `attrs["status"]` so a reader can tell them apart.

use std::io::BufReader;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use super::text::{excerpt, os_release_id, purl, root_of, without_email, Lines, Problems};
use crate::{CollectError, Collector, Confidence, Input, Sink};

/// Where dpkg keeps its status file, relative to a filesystem root.
const ROOT_PATH: &str = "var/lib/dpkg/status";

/// The dpkg status file collector.
pub struct Dpkg;

impl Collector for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    /// A status file starts with a `Package:` paragraph that has a `Status:` line. An apt
    /// `Packages` index has the same shape without `Status`, and is not an inventory.
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let text = String::from_utf8_lossy(input.head);
        let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
        let first = lines.next()?;
        if !first.starts_with("Package: ") {
            return None;
        }
        lines
            .take_while(|l| !l.trim().is_empty())
            .any(|l| l.starts_with("Status: "))
            .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[ROOT_PATH]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(format!(
                "is a directory: expected the dpkg status file ({ROOT_PATH})"
            )));
        }
        let file = std::fs::File::open(input.path)?;
        let distro = root_of(input.path, ROOT_PATH)
            .and_then(os_release_id)
            .unwrap_or_else(|| "debian".to_owned());
        let mut parser = Parser {
            input,
            distro,
            problems: Problems::default(),
            para: Paragraph::default(),
        };
        let mut lines = Lines::new(BufReader::with_capacity(64 * 1024, file));
        while let Some(line) = lines.next_line()? {
            if line.complete {
                parser.line(line.number, &line.text(), sink);
            } else {
                // A last line without its newline: the file was cut short, the line may be too.
                parser.problems.push(format!(
                    "line {}: file ends in the middle of a line (cut short?)",
                    line.number
                ));
            }
        }
        parser.finish(sink);
        parser.problems.into_result()
    }
}

/// The fields of one paragraph that become an item.
#[derive(Default)]
struct Paragraph {
    /// Line of the paragraph's first field; 0 when no paragraph is open.
    start: usize,
    /// Whether a field has been seen, so that a continuation line has something to continue.
    has_field: bool,
    package: Option<String>,
    status: Option<String>,
    version: Option<String>,
    maintainer: Option<String>,
    architecture: Option<String>,
    source: Option<String>,
}

struct Parser<'i, 'a> {
    input: &'i Input<'a>,
    distro: String,
    problems: Problems,
    para: Paragraph,
}

impl Parser<'_, '_> {
    fn line(&mut self, number: usize, text: &str, sink: &mut dyn Sink) {
        if text.trim().is_empty() {
            self.finish(sink);
            return;
        }
        if self.para.start == 0 {
            self.para.start = number;
        }
        if text.starts_with([' ', '\t']) {
            if !self.para.has_field {
                self.problems.push(format!(
                    "line {number}: continuation line `{}` before any field",
                    excerpt(text.trim())
                ));
            }
            return;
        }
        let Some((name, value)) = text.split_once(':').filter(|(n, _)| is_field_name(n)) else {
            self.problems.push(format!(
                "line {number}: expected `Field: value`, found `{}`",
                excerpt(text)
            ));
            return;
        };
        self.para.has_field = true;
        let value = value.trim();
        let slot = match name.to_ascii_lowercase().as_str() {
            "package" => &mut self.para.package,
            "status" => &mut self.para.status,
            "version" => &mut self.para.version,
            "maintainer" => &mut self.para.maintainer,
            "architecture" => &mut self.para.architecture,
            "source" => &mut self.para.source,
            _ => return,
        };
        if slot.is_some() {
            self.problems.push(format!(
                "line {number}: field `{name}` appears twice in one paragraph"
            ));
        }
        *slot = Some(value.to_owned());
    }

    /// Closes the current paragraph: pushes its item, or records why it has none.
    fn finish(&mut self, sink: &mut dyn Sink) {
        let para = std::mem::take(&mut self.para);
        if para.start == 0 {
            return;
        }
        let start = para.start;
        let Some(name) = para.package.filter(|p| !p.is_empty()) else {
            self.problems
                .push(format!("line {start}: paragraph has no `Package` field"));
            return;
        };
        let Some(status) = para.status else {
            self.problems.push(format!(
                "line {start}: package `{}` has no `Status` field",
                excerpt(&name)
            ));
            return;
        };
        let words: Vec<&str> = status.split_whitespace().collect();
        let [_want, _flag, state] = words[..] else {
            self.problems.push(format!(
                "line {start}: package `{}` has a malformed `Status` `{}` (expected want, flag and state)",
                excerpt(&name),
                excerpt(&status)
            ));
            return;
        };
        if state == "not-installed" {
            return;
        }
        let location = Location {
            target: self.input.target.to_owned(),
            collector: "dpkg".to_owned(),
            path: self.input.display.to_owned(),
            detail: Some(format!("line {start}")),
        };
        let mut item = Item::new(ItemKind::Package, name.clone(), location);
        item.version = para.version.filter(|v| !v.is_empty());
        item.identifiers
            .push(Identifier::package("deb", name.clone()));
        item.identifiers.push(Identifier::new(
            IdentifierKind::Purl,
            purl(
                "deb",
                &self.distro,
                &name,
                item.version.as_deref(),
                para.architecture.as_deref(),
            ),
        ));
        if let Some(m) = para.maintainer.filter(|m| !m.is_empty()) {
            item.publisher = without_email(&m);
            item.attrs.insert("maintainer".into(), m);
        }
        if let Some(a) = para.architecture.filter(|a| !a.is_empty()) {
            item.attrs.insert("architecture".into(), a);
        }
        if let Some(src) = para.source.filter(|s| !s.is_empty()) {
            // `Source: name (version)` when the source version differs from the binary's.
            match src.split_once(' ') {
                Some((n, v)) => {
                    item.attrs.insert("source".into(), n.to_owned());
                    let v = v
                        .trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .trim();
                    if !v.is_empty() {
                        item.attrs.insert("source-version".into(), v.to_owned());
                    }
                }
                None => {
                    item.attrs.insert("source".into(), src);
                }
            }
        }
        item.attrs.insert("status".into(), words.join(" "));
        sink.push(item);
    }
}

/// deb822 field names: printable ASCII without spaces or colons, not starting with `#` or `-`.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['#', '-'])
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> (Vec<Item>, Result<(), CollectError>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status");
        std::fs::write(&path, text).unwrap();
        let input = Input {
            path: &path,
            display: "status",
            target: "status",
            head: &[],
            is_dir: false,
        };
        let mut items = Vec::new();
        let r = Dpkg.collect(&input, &mut items);
        (items, r)
    }

    /// `not-installed` paragraphs are dropped; `config-files` ones are kept with their status.
    #[test]
    fn states() {
        let (items, r) = parse(
            "Package: a\nStatus: purge ok not-installed\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 1\n",
        );
        r.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, "b");
        assert_eq!(items[0].attrs["status"], "deinstall ok config-files");
    }

    /// A malformed line is reported with its number; the paragraphs around it still count.
    #[test]
    fn bad_line_reported_and_skipped() {
        let (items, r) = parse("Package: a\nStatus: install ok installed\nbroken\n\nPackage: b\nStatus: install ok installed\n");
        assert_eq!(items.len(), 2);
        assert_eq!(
            r.unwrap_err().to_string(),
            "line 3: expected `Field: value`, found `broken`"
        );
    }

    /// A file cut in the middle of a line says so.
    #[test]
    fn cut_line() {
        let (items, r) = parse("Package: a\nStatus: install ok installed\nVersi");
        assert_eq!(items.len(), 1, "the paragraph read before the cut is kept");
        assert_eq!(
            r.unwrap_err().to_string(),
            "line 3: file ends in the middle of a line (cut short?)"
        );
    }

    /// The purl namespace is `debian` when the file is not inside a known root.
    #[test]
    fn default_distro() {
        let (items, r) = parse("Package: libstdc++6\nStatus: install ok installed\nVersion: 12.2.0-14\nArchitecture: amd64\n");
        r.unwrap();
        let p = items[0]
            .identifiers_of(IdentifierKind::Purl)
            .next()
            .unwrap();
        assert_eq!(
            p.value,
            "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64"
        );
        assert!(root_of(Path::new("status"), ROOT_PATH).is_none());
    }
}
