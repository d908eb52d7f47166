//! Streaming JSON: visit an object's members and an array's elements one at a time.
//!
//! `serde_json::from_reader` into a `Vec` of all components would hold a few-hundred-MB SBOM
//! in memory. Instead an importer implements [`Members`] for each object it cares about and
//! [`Elements`] for each big array; serde drives them while reading, and every element is
//! turned into an item and dropped before the next is read. serde_json's recursion limit
//! (128 levels) bounds the stack on deeply nested input, and its errors carry the line and
//! column.

use std::fmt;
use std::io::BufReader;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{CollectError, Input};

/// Receives the members of a JSON object.
pub(crate) trait Members<'de> {
    /// Reads the value of member `key` from `map` (with `next_value` or
    /// `next_value_seed`); unknown keys must be skipped with [`skip`].
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Receives the elements of a JSON array.
pub(crate) trait Elements<'de> {
    /// Reads element `index` from `seq` (with `next_element` or `next_element_seed`);
    /// returns `false` when the array has ended.
    fn element<A: SeqAccess<'de>>(&mut self, index: usize, seq: &mut A) -> Result<bool, A::Error>;
}

/// Skips the value of the current member.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A seed that visits a JSON object (or `null`, which has no members) with [`Members`].
pub(crate) struct Object<'m, M>(pub(crate) &'m mut M);

impl<'de, M: Members<'de>> DeserializeSeed<'de> for Object<'_, M> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, M: Members<'de>> Visitor<'de> for Object<'_, M> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            self.0.member(&key, &mut map)?;
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A seed that visits a JSON array (or `null`, which has no elements) with [`Elements`].
pub(crate) struct Array<'e, E>(pub(crate) &'e mut E);

impl<'de, E: Elements<'de>> DeserializeSeed<'de> for Array<'_, E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, E: Elements<'de>> Visitor<'de> for Array<'_, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while self.0.element(index, &mut seq)? {
            index += 1;
        }
        Ok(())
    }

    fn visit_unit<Er>(self) -> Result<(), Er> {
        Ok(())
    }
}

/// An object key, kept on the stack when short (every key of the formats read here is),
/// so that visiting a member costs no allocation.
enum Key {
    Short([u8; 40], u8),
    Long(String),
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // The bytes were copied from a `&str` whole, so they are valid UTF-8.
            Key::Short(buf, len) => std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or(""),
            Key::Long(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_str<E>(self, s: &str) -> Result<Key, E> {
                let mut buf = [0u8; 40];
                match u8::try_from(s.len()) {
                    Ok(len) if s.len() <= buf.len() => {
                        buf[..s.len()].copy_from_slice(s.as_bytes());
                        Ok(Key::Short(buf, len))
                    }
                    _ => Ok(Key::Long(s.to_owned())),
                }
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Reads a whole JSON file as one object visited by `root`, then checks that nothing but
/// white space follows it.
///
/// # Errors
/// When the file cannot be read or is not valid JSON of the expected shape; the message
/// names the line and column (serde_json's position).
pub(crate) fn read_object<M>(input: &Input<'_>, root: &mut M) -> Result<(), CollectError>
where
    M: for<'de> Members<'de>,
{
    if input.is_dir {
        return Err(CollectError::format("is a directory: expected a JSON file"));
    }
    let file = std::fs::File::open(input.path)?;
    let reader = BufReader::with_capacity(1 << 16, file);
    let mut de = serde_json::Deserializer::from_reader(reader);
    Object(root)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| json_error(&e))
}

/// One line for a serde_json error: what and where.
pub(crate) fn json_error(e: &serde_json::Error) -> CollectError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => CollectError::format(format!("cannot read: {e}")),
        Category::Eof => CollectError::format(format!("file ends too early (cut short?): {e}")),
        Category::Syntax | Category::Data => CollectError::format(format!("invalid JSON: {e}")),
    }
}

/// Whether the first bytes of a file hold the member `"key": "value"` (any white space
/// around the colon), with `value` compared as a prefix.
pub(crate) fn head_has_member(head: &[u8], key: &str, value_prefix: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let mut rest = head;
    while let Some(at) = find(rest, quoted.as_bytes()) {
        let after = &rest[at + quoted.len()..];
        let after = trim_start(after);
        if let Some(after) = after.strip_prefix(b":") {
            let after = trim_start(after);
            if let Some(v) = after.strip_prefix(b"\"") {
                if v.starts_with(value_prefix.as_bytes()) {
                    return true;
                }
            }
        }
        rest = &rest[at + 1..];
    }
    false
}

/// Whether the first bytes of a file hold the key `"key"` followed by a colon.
pub(crate) fn head_has_key(head: &[u8], key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let mut rest = head;
    while let Some(at) = find(rest, quoted.as_bytes()) {
        if trim_start(&rest[at + quoted.len()..]).starts_with(b":") {
            return true;
        }
        rest = &rest[at + 1..];
    }
    false
}

/// Whether the first non-blank byte (after a UTF-8 byte order mark) is `{`.
pub(crate) fn head_is_object(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    trim_start(head).starts_with(b"{")
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Members are found with any spacing; a key without a colon is not a member.
    #[test]
    fn head_members() {
        assert!(head_has_member(
            br#"{"bomFormat":"CycloneDX"}"#,
            "bomFormat",
            "CycloneDX"
        ));
        assert!(head_has_member(
            b"{\n  \"bomFormat\" :\n \"CycloneDX\"",
            "bomFormat",
            "CycloneDX"
        ));
        assert!(!head_has_member(
            br#"{"x":"bomFormat","y":"CycloneDX"}"#,
            "bomFormat",
            "CycloneDX"
        ));
        assert!(head_has_key(br#"{"a": 1, "Results" : []}"#, "Results"));
        assert!(!head_has_key(br#"["Results"]"#, "Results"));
        assert!(head_is_object(b"\xEF\xBB\xBF \n{"));
        assert!(!head_is_object(b"[{"));
    }
}
