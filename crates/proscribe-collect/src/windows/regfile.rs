//! Registry export files (`.reg`), as `reg export` and regedit write them.
//!
//! Two dialects: `Windows Registry Editor Version 5.00` (UTF-16LE with a byte-order mark
//! from regedit and `reg export`; UTF-8 when a person or a script rewrites one) and the older
//! `REGEDIT4` (an 8-bit code page). The grammar, from Microsoft's "How to add, modify, or
//! delete registry subkeys and values by using a .reg file"
//! (<https://learn.microsoft.com/en-us/troubleshoot/windows-server/performance/add-modify-delete-registry-subkeys-values>):
//! - `[HKEY_LOCAL_MACHINE\SOFTWARE\…]` opens a key, `[-…]` deletes one (skipped here);
//! - `"Name"="text"` (with `\\` and `\"` escapes) or `@=` for the default value;
//! - `"Name"=dword:0000001f`, `"Name"=hex:…` (`REG_BINARY`) and `"Name"=hex(N):…` with `N` the
//!   registry type in hex (`hex(2)` `REG_EXPAND_SZ`, `hex(7)` `REG_MULTI_SZ`, `hex(1)` a
//!   `REG_SZ` written as bytes, `hex(b)` `REG_QWORD`); `"Name"=-` deletes a value (skipped);
//! - a line ending in `\` continues on the next line; `;` starts a comment line.
//!
//! The file becomes an in-memory tree of keys so that the same key-path mapping as for hive
//! files applies.

use std::collections::HashMap;

use super::hive::{Value, REG_DWORD, REG_SZ};
use crate::linux::text::{excerpt, Problems};

/// How an export starts, after an optional byte-order mark.
pub(crate) const HEADER_V5: &str = "Windows Registry Editor Version 5.00";
/// The Windows 95/NT 4 dialect.
pub(crate) const HEADER_V4: &str = "REGEDIT4";

/// Whether the first bytes of a file look like a registry export; the text after the header.
pub(crate) fn sniff(head: &[u8]) -> bool {
    let text = if let Some(rest) = head.strip_prefix(&[0xff, 0xfe]) {
        let n = rest.len().min(2 * HEADER_V5.len());
        super::hive::utf16(&rest[..n - n % 2])
    } else {
        let rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        String::from_utf8_lossy(&rest[..rest.len().min(HEADER_V5.len())]).into_owned()
    };
    text.starts_with(HEADER_V5) || text.starts_with(HEADER_V4)
}

/// One key of the export.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// The key's name (last path component).
    pub(crate) name: String,
    /// The full path as written in the file.
    pub(crate) path: String,
    /// The line of the key's first `[…]` header; 0 for keys only implied by a longer path.
    pub(crate) line: usize,
    pub(crate) children: Vec<usize>,
    pub(crate) values: Vec<Value>,
}

/// The keys of an export, as a tree under a nameless root (index 0).
#[derive(Debug)]
pub(crate) struct RegTree {
    pub(crate) nodes: Vec<Node>,
    by_name: HashMap<(usize, String), usize>,
}

impl RegTree {
    fn new() -> Self {
        Self {
            nodes: vec![Node::default()],
            by_name: HashMap::new(),
        }
    }

    /// The node for a full key path, created with its ancestors when missing.
    fn node(&mut self, path: &str, line: usize) -> usize {
        let mut at = 0;
        let mut full = String::new();
        for part in path.split('\\').filter(|p| !p.is_empty()) {
            if !full.is_empty() {
                full.push('\\');
            }
            full.push_str(part);
            let key = (at, part.to_lowercase());
            at = if let Some(&i) = self.by_name.get(&key) {
                i
            } else {
                let i = self.nodes.len();
                self.nodes.push(Node {
                    name: part.to_owned(),
                    path: full.clone(),
                    ..Node::default()
                });
                self.nodes[at].children.push(i);
                self.by_name.insert(key, i);
                i
            };
        }
        if self.nodes[at].line == 0 {
            self.nodes[at].line = line;
        }
        at
    }
}

/// Decodes a whole export: UTF-16LE when it has the byte-order mark, else UTF-8 (with or
/// without a mark) and, failing that, Latin-1 for `REGEDIT4` files in an 8-bit code page.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return super::hive::utf16(rest);
    }
    let rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(rest) {
        Ok(s) => s.to_owned(),
        Err(_) => super::hive::latin1(rest),
    }
}

/// Parses an export into a key tree. Lines that cannot be read are reported (the first one
/// with its line number) and skipped; the other keys are kept.
pub(crate) fn parse(text: &str, problems: &mut Problems) -> RegTree {
    let mut tree = RegTree::new();
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut number = 0;
    let wide = match lines.next().map(str::trim_end) {
        Some(HEADER_V5) => true,
        Some(HEADER_V4) => false,
        other => {
            problems.push(format!(
                "line 1: expected `{HEADER_V5}` or `{HEADER_V4}`, found `{}`",
                excerpt(other.unwrap_or_default())
            ));
            return tree;
        }
    };
    number += 1;
    let mut current: Option<usize> = None;
    while let Some(first) = lines.next() {
        number += 1;
        let start = number;
        // Join continuation lines (`hex:` data wraps at 80 columns with a trailing `\`).
        let mut line = first.trim_start().to_owned();
        while line.ends_with('\\') && !line.starts_with('[') {
            line.pop();
            match lines.next() {
                Some(next) => {
                    number += 1;
                    line.push_str(next.trim());
                }
                None => break,
            }
        }
        let line = line.trim_end();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let Some(path) = inner.strip_suffix(']') else {
                problems.push(format!("line {start}: key line without a closing `]`"));
                current = None;
                continue;
            };
            current = if path.starts_with('-') {
                None
            } else {
                Some(tree.node(path, start))
            };
            continue;
        }
        let Some(key) = current else {
            if !line.starts_with('"') && !line.starts_with('@') {
                problems.push(format!(
                    "line {start}: expected a `[key]` or a value, found `{}`",
                    excerpt(line)
                ));
            }
            // Values of a deleted key, or before any key: nothing to attach them to.
            continue;
        };
        match value_line(line, wide) {
            Ok(Some(value)) => tree.nodes[key].values.push(value),
            Ok(None) => {}
            Err(why) => problems.push(format!("line {start}: {why}")),
        }
    }
    tree
}

/// One `name=data` line; `None` for a deletion (`=-`).
fn value_line(line: &str, wide: bool) -> Result<Option<Value>, String> {
    let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
        (String::new(), rest)
    } else if let Some(rest) = line.strip_prefix('"') {
        let (name, len) = quoted(rest).ok_or("value name without a closing quote")?;
        (name, &rest[len..])
    } else {
        return Err(format!("expected a value line, found `{}`", excerpt(line)));
    };
    let data = rest
        .trim_start()
        .strip_prefix('=')
        .ok_or_else(|| format!("value `{name}`: expected `=` after the name"))?
        .trim();
    if data == "-" {
        return Ok(None);
    }
    let value = |kind, data: Vec<u8>, wide| Value {
        name: name.clone(),
        kind,
        data,
        wide,
    };
    if let Some(s) = data.strip_prefix('"') {
        let (text, len) =
            quoted(s).ok_or_else(|| format!("value `{name}`: string without a closing quote"))?;
        if !s[len..].trim().is_empty() {
            return Err(format!("value `{name}`: text after the closing quote"));
        }
        let bytes = if wide {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            text.into_bytes()
        };
        return Ok(Some(value(REG_SZ, bytes, wide)));
    }
    if let Some(hex) = data.strip_prefix("dword:") {
        let n = u32::from_str_radix(hex.trim(), 16).map_err(|_| {
            format!(
                "value `{name}`: `dword:{}` is not 8 hex digits",
                excerpt(hex)
            )
        })?;
        return Ok(Some(value(REG_DWORD, n.to_le_bytes().to_vec(), true)));
    }
    let (kind, bytes) = if let Some(rest) = data.strip_prefix("hex:") {
        (super::hive::REG_BINARY, rest)
    } else if let Some(rest) = data.strip_prefix("hex(") {
        let (kind, bytes) = rest
            .split_once("):")
            .ok_or_else(|| format!("value `{name}`: expected `hex(N):`"))?;
        let kind = u32::from_str_radix(kind, 16)
            .map_err(|_| format!("value `{name}`: `hex({})` is not a hex type", excerpt(kind)))?;
        (kind, bytes)
    } else {
        return Err(format!(
            "value `{name}`: unknown data `{}` (expected a string, dword: or hex)",
            excerpt(data)
        ));
    };
    let mut out = Vec::new();
    for part in bytes.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let b = u8::from_str_radix(part, 16)
            .map_err(|_| format!("value `{name}`: `{}` is not a hex byte", excerpt(part)))?;
        out.push(b);
    }
    Ok(Some(value(kind, out, wide)))
}

/// The text of a quoted string whose opening quote is already consumed, unescaped, and how
/// many bytes of `s` it took (including the closing quote).
fn quoted(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Escapes, continuations, deletions and every data form of one key.
    #[test]
    fn parses_values() {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n\"S\"=\"a \\\"q\\\" \\\\ b\"\r\n@=\"def\"\r\n\"D\"=dword:0000001f\r\n\"H\"=hex(2):41,00,\\\r\n  42,00,00,00\r\n\"X\"=-\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\B]\r\n\"Y\"=\"gone\"\r\n";
        let mut problems = Problems::default();
        let tree = parse(text, &mut problems);
        assert!(problems.into_result().is_ok());
        let a = tree.nodes.iter().find(|n| n.name == "A").unwrap();
        assert_eq!(a.path, "HKEY_LOCAL_MACHINE\\SOFTWARE\\A");
        assert_eq!(a.line, 3);
        let texts: Vec<_> = a
            .values
            .iter()
            .map(|v| (v.name.as_str(), v.text()))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("S", Some("a \"q\" \\ b".to_owned())),
                ("", Some("def".to_owned())),
                ("D", Some("31".to_owned())),
                ("H", Some("AB".to_owned())),
            ]
        );
        assert!(tree.nodes.iter().all(|n| n.name != "B"));
    }

    /// A bad line is reported with its number; the following keys are still read.
    #[test]
    fn bad_line_is_reported_and_skipped() {
        let text = "REGEDIT4\n[HKEY_CURRENT_USER\\X]\n\"A\"=hex:zz\n\"B\"=\"ok\"\n";
        let mut problems = Problems::default();
        let tree = parse(text, &mut problems);
        let err = problems.into_result().unwrap_err().to_string();
        assert!(
            err.starts_with("line 3: value `A`: `zz` is not a hex byte"),
            "{err}"
        );
        let x = tree.nodes.iter().find(|n| n.name == "X").unwrap();
        assert_eq!(x.values.len(), 1);
    }
}
