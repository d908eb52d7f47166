//! Pieces shared by the line-oriented package databases (dpkg, apk, pacman).
//!
//! These databases can be tens of megabytes, so they are read one bounded line at a time:
//! a file with no newline at all (random bytes, a wrong file) costs at most
//! [`MAX_LINE`] bytes of memory, never the size of the file.

use std::io::BufRead;
use std::path::Path;

use crate::CollectError;

/// The longest line the text databases accept. Real lines are short (a dpkg
/// `Description` continuation, an apk file name); a longer one means the input is not
/// the expected format.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// Reads lines without their end of line, counting from 1, each at most [`MAX_LINE`] bytes.
pub(crate) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    /// Wraps a buffered reader.
    pub(crate) fn new(reader: R) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            number: 0,
        }
    }

    /// The next line and its number, or `None` at the end of the input.
    ///
    /// A final line without a newline is returned like any other (`complete` is false),
    /// so a caller can tell a file that was cut in the middle of a line.
    ///
    /// # Errors
    /// When reading fails, or a line is longer than [`MAX_LINE`] or holds a NUL byte.
    pub(crate) fn next_line(&mut self) -> Result<Option<Line<'_>>, CollectError> {
        self.buf.clear();
        let limit = (MAX_LINE + 1) as u64;
        let read = std::io::Read::take(&mut self.reader, limit).read_until(b'\n', &mut self.buf)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let complete = self.buf.last() == Some(&b'\n');
        if complete {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if self.buf.len() > MAX_LINE {
            return Err(CollectError::format(format!(
                "line {} is longer than {} bytes: not a text package database",
                self.number, MAX_LINE
            )));
        }
        if self.buf.contains(&0) {
            // Text databases never hold NUL; binary data that happens to contain a line of
            // the format must not be read as one.
            return Err(CollectError::format(format!(
                "line {} contains a NUL byte: binary data, not a text package database",
                self.number
            )));
        }
        Ok(Some(Line {
            number: self.number,
            bytes: &self.buf,
            complete,
        }))
    }
}

/// One line of a text database.
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub(crate) number: usize,
    /// The bytes, without the end of line.
    pub(crate) bytes: &'a [u8],
    /// Whether the line ended with a newline (false only for a last, cut line).
    pub(crate) complete: bool,
}

impl Line<'_> {
    /// The line as text; invalid UTF-8 is replaced, never fatal (names stay readable).
    pub(crate) fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.bytes)
    }
}

/// Problems met while reading one input: the first is reported, the rest counted, and
/// reading goes on so that one damaged entry does not hide the others.
#[derive(Default)]
pub(crate) struct Problems {
    first: Option<String>,
    more: usize,
}

impl Problems {
    /// Records one problem.
    pub(crate) fn push(&mut self, msg: String) {
        if self.first.is_none() {
            self.first = Some(msg);
        } else {
            self.more += 1;
        }
    }

    /// `Ok` when nothing went wrong, else one line naming the first problem.
    pub(crate) fn into_result(self) -> Result<(), CollectError> {
        match (self.first, self.more) {
            (None, _) => Ok(()),
            (Some(first), 0) => Err(CollectError::format(first)),
            (Some(first), 1) => Err(CollectError::format(format!(
                "{first} (and 1 more problem)"
            ))),
            (Some(first), n) => Err(CollectError::format(format!(
                "{first} (and {n} more problems)"
            ))),
        }
    }
}

/// A short, printable, one-line excerpt of untrusted text for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// Splits `Name <e-mail>` into the name and the whole value: a person's or team's
/// e-mail address is contact data, not the identity of a vendor.
pub(crate) fn without_email(maintainer: &str) -> Option<String> {
    let name = match maintainer.find('<') {
        Some(i) => &maintainer[..i],
        None => maintainer,
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Percent-encodes a package URL component. The purl specification keeps only
/// unreserved characters and `:` as they are (`+` becomes `%2B`).
pub(crate) fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A package URL `pkg:<type>/<namespace>/<name>@<version>?arch=<arch>`; version and
/// arch are left out when unknown.
pub(crate) fn purl(
    ty: &str,
    namespace: &str,
    name: &str,
    version: Option<&str>,
    arch: Option<&str>,
) -> String {
    let mut out = format!("pkg:{ty}/{namespace}/{}", purl_encode(name));
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        out.push('@');
        out.push_str(&purl_encode(v));
    }
    if let Some(a) = arch.filter(|a| !a.is_empty()) {
        out.push_str("?arch=");
        out.push_str(&purl_encode(a));
    }
    out
}

/// The filesystem root that `path` sits in when it is `<root>/<rel>` (the database of a
/// mounted image or of this machine); `None` for a database copied elsewhere.
pub(crate) fn root_of<'a>(path: &'a Path, rel: &str) -> Option<&'a Path> {
    if !path.ends_with(rel) {
        return None;
    }
    path.ancestors().nth(Path::new(rel).components().count())
}

/// The `ID` of `etc/os-release` (or `usr/lib/os-release`) under `root`, when it is a
/// plain lower-case token usable as a purl namespace.
pub(crate) fn os_release_id(root: &Path) -> Option<String> {
    ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|rel| {
            let text = read_small(&root.join(rel))?;
            text.lines().find_map(|l| {
                let v = l
                    .strip_prefix("ID=")?
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'');
                let ok = !v.is_empty()
                    && v.bytes().all(|b| {
                        b.is_ascii_lowercase()
                            || b.is_ascii_digit()
                            || matches!(b, b'.' | b'_' | b'-')
                    });
                ok.then(|| v.to_owned())
            })
        })
}

/// Reads a small text file (at most 64 KiB); anything else is treated as absent.
fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `+` in Debian names and versions is percent-encoded; `:` (epochs) is not.
    #[test]
    fn purl_encoding() {
        assert_eq!(
            purl(
                "deb",
                "debian",
                "libstdc++6",
                Some("1:12.2.0-14+deb12u1"),
                Some("amd64")
            ),
            "pkg:deb/debian/libstdc%2B%2B6@1:12.2.0-14%2Bdeb12u1?arch=amd64"
        );
        assert_eq!(
            purl("apk", "alpine", "musl", None, None),
            "pkg:apk/alpine/musl"
        );
    }

    /// The maintainer's e-mail is dropped, the name kept; an address alone gives nothing.
    #[test]
    fn email_removed() {
        assert_eq!(
            without_email("Debian Adduser Developers <adduser@packages.debian.org>").as_deref(),
            Some("Debian Adduser Developers")
        );
        assert_eq!(without_email("<x@example.org>"), None);
        assert_eq!(without_email("Plain Name").as_deref(), Some("Plain Name"));
    }

    /// The root is found only when the path really ends with the root path.
    #[test]
    fn roots() {
        assert_eq!(
            root_of(
                Path::new("/mnt/img/var/lib/dpkg/status"),
                "var/lib/dpkg/status"
            ),
            Some(Path::new("/mnt/img"))
        );
        assert_eq!(
            root_of(Path::new("/var/lib/dpkg/status"), "var/lib/dpkg/status"),
            Some(Path::new("/"))
        );
        assert_eq!(
            root_of(Path::new("/tmp/status"), "var/lib/dpkg/status"),
            None
        );
    }

    /// A line longer than the limit is an error, not an allocation of the whole file.
    #[test]
    fn long_line_refused() {
        let data = vec![b'x'; MAX_LINE + 10];
        let mut lines = Lines::new(&data[..]);
        let err = lines
            .next_line()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 1 is longer than"), "{err}");
    }

    /// Binary data stops the reading at its first line.
    #[test]
    fn nul_refused() {
        let mut lines = Lines::new(&b"P:a\nV:\x001\n"[..]);
        assert!(lines.next_line().unwrap().is_some());
        let err = lines
            .next_line()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            err,
            "line 2 contains a NUL byte: binary data, not a text package database"
        );
    }

    /// CRLF line ends are accepted and a cut last line is flagged.
    #[test]
    fn line_ends() {
        let mut lines = Lines::new(&b"a\r\nb"[..]);
        let l = lines.next_line().unwrap().unwrap();
        assert_eq!((l.number, l.bytes, l.complete), (1, &b"a"[..], true));
        let l = lines.next_line().unwrap().unwrap();
        assert_eq!((l.number, l.bytes, l.complete), (2, &b"b"[..], false));
        assert!(lines.next_line().unwrap().is_none());
    }
}
