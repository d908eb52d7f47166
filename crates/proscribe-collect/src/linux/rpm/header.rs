//! The RPM header blob that every rpmdb backend stores per installed package.
//!
//! Layout (rpm.org "RPM file format", `docs/manual/format_header.md` in the rpm source tree;
//! reader `hdrblobInit`/`hdrblobVerifyInfo` in `lib/header.c`): a blob as stored in a database
//! has no 8-byte magic, only
//!
//! ```text
//! il: u32 BE   number of index entries
//! dl: u32 BE   length of the data store
//! il × { tag: u32 BE, type: u32 BE, offset: u32 BE, count: u32 BE }
//! dl bytes of data store
//! ```
//!
//! Every offset is relative to the start of the data store. Region tags (61–64) describe the
//! signed part of the header; entries after the region ("dribbles", e.g. install time) may
//! repeat a tag, and rpm lets the later entry win, so lookups here do the same.
//!
//! The blob comes from a file the user handed us, so every count and offset is checked before
//! it is used: a damaged header is an error naming the entry, never a panic.

use std::fmt;

/// `RPMTAG_NAME`.
pub(crate) const NAME: u32 = 1000;
/// `RPMTAG_VERSION`.
pub(crate) const VERSION: u32 = 1001;
/// `RPMTAG_RELEASE`.
pub(crate) const RELEASE: u32 = 1002;
/// `RPMTAG_EPOCH`.
pub(crate) const EPOCH: u32 = 1003;
/// `RPMTAG_SUMMARY` (free text: kept as an attribute, never matched).
pub(crate) const SUMMARY: u32 = 1004;
/// `RPMTAG_VENDOR`.
pub(crate) const VENDOR: u32 = 1011;
/// `RPMTAG_LICENSE`.
pub(crate) const LICENSE: u32 = 1014;
/// `RPMTAG_PACKAGER`.
pub(crate) const PACKAGER: u32 = 1015;
/// `RPMTAG_URL`.
pub(crate) const URL: u32 = 1020;
/// `RPMTAG_ARCH`.
pub(crate) const ARCH: u32 = 1022;
/// `RPMTAG_SOURCERPM`.
pub(crate) const SOURCERPM: u32 = 1044;

/// rpm's own sanity limits (`hdrchkTags`, `hdrchkData` in `lib/header_internal.h`): a blob
/// claiming more is damaged, and refusing it early keeps allocations bounded.
const MAX_ENTRIES: u32 = 0xffff;
const MAX_DATA: u32 = 0x0fff_ffff;

const ENTRY_LEN: usize = 16;
const PREAMBLE_LEN: usize = 8;

/// Data types of index entries (`rpmTagType` in `include/rpm/rpmtag.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Char,
    Int8,
    Int16,
    Int32,
    Int64,
    String,
    Bin,
    StringArray,
    I18nString,
}

impl Kind {
    fn from_u32(v: u32) -> Option<Self> {
        Some(match v {
            0 => Self::Null,
            1 => Self::Char,
            2 => Self::Int8,
            3 => Self::Int16,
            4 => Self::Int32,
            5 => Self::Int64,
            6 => Self::String,
            7 => Self::Bin,
            8 => Self::StringArray,
            9 => Self::I18nString,
            _ => return None,
        })
    }

    /// Bytes per element for fixed-size types; `None` for NUL-terminated strings.
    fn width(self) -> Option<usize> {
        match self {
            Self::Null => Some(0),
            Self::Char | Self::Int8 | Self::Bin => Some(1),
            Self::Int16 => Some(2),
            Self::Int32 => Some(4),
            Self::Int64 => Some(8),
            Self::String | Self::StringArray | Self::I18nString => None,
        }
    }
}

/// What is wrong with a header blob. The collector prefixes it with the record (`hnum 3: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderError(String);

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl HeaderError {
    /// A required tag is absent.
    pub(crate) fn missing(tag_name: &str) -> Self {
        Self(format!("header has no {tag_name} tag"))
    }
}

fn err(msg: String) -> HeaderError {
    HeaderError(msg)
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    kind: Kind,
    offset: usize,
    count: usize,
}

/// A parsed header: validated index entries over a borrowed data store.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> Header<'a> {
    /// Parses and checks a header blob as stored in an rpm database.
    ///
    /// # Errors
    /// When the preamble, an index entry or the data store is out of bounds.
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err(err(format!(
                "header blob is {} bytes, shorter than its 8-byte preamble",
                blob.len()
            )));
        };
        if il == 0 || il > MAX_ENTRIES {
            return Err(err(format!(
                "header claims {il} index entries (expected 1 to {MAX_ENTRIES})"
            )));
        }
        if dl > MAX_DATA {
            return Err(err(format!(
                "header claims a data store of {dl} bytes (limit {MAX_DATA})"
            )));
        }
        // Both fit in u32 and are capped, so this cannot overflow usize on 32-bit targets.
        let (il, dl) = (il as usize, dl as usize);
        let index_end = PREAMBLE_LEN + il * ENTRY_LEN;
        let expected = index_end + dl;
        if blob.len() != expected {
            return Err(err(format!(
                "header blob is {} bytes but its preamble says 8 + 16 × {il} entries + {dl} data = {expected}",
                blob.len()
            )));
        }
        let data = &blob[index_end..];
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = PREAMBLE_LEN + i * ENTRY_LEN;
            let field = |k: usize| be32(blob, at + 4 * k).unwrap_or(0);
            let (tag, raw_kind, offset, count) = (field(0), field(1), field(2), field(3));
            let kind = Kind::from_u32(raw_kind).ok_or_else(|| {
                err(format!(
                    "header index entry {i} (tag {tag}) has unknown data type {raw_kind}"
                ))
            })?;
            let (offset, count) = (offset as usize, count as usize);
            if offset > dl || (offset == dl && kind != Kind::Null && count > 0) {
                return Err(err(format!(
                    "header index entry {i} (tag {tag}) points past the data store (offset {offset}, data store {dl} bytes)"
                )));
            }
            if let Some(width) = kind.width() {
                let end = count.checked_mul(width).and_then(|n| n.checked_add(offset));
                if end.is_none_or(|end| end > dl) {
                    return Err(err(format!(
                        "header index entry {i} (tag {tag}) runs past the data store ({count} × {width} bytes at offset {offset}, data store {dl} bytes)"
                    )));
                }
            } else if count == 0 {
                return Err(err(format!(
                    "header index entry {i} (tag {tag}) is a string type with count 0"
                )));
            }
            entries.push(Entry {
                tag,
                kind,
                offset,
                count,
            });
        }
        Ok(Self { entries, data })
    }

    /// The last entry with this tag: dribble entries after the region override it, as in rpm.
    fn entry(&self, tag: u32) -> Option<(usize, Entry)> {
        self.entries
            .iter()
            .copied()
            .enumerate()
            .rev()
            .find(|(_, e)| e.tag == tag)
    }

    /// The first string of a `STRING`, `STRING_ARRAY` or `I18NSTRING` entry; `None` when the
    /// tag is absent.
    ///
    /// # Errors
    /// When the entry has another type or its string is not NUL-terminated in the data store.
    pub(crate) fn string(&self, tag: u32) -> Result<Option<String>, HeaderError> {
        let Some((i, e)) = self.entry(tag) else {
            return Ok(None);
        };
        match e.kind {
            Kind::String | Kind::StringArray | Kind::I18nString => {}
            other => {
                return Err(err(format!(
                    "header index entry {i} (tag {tag}) has type {other:?}, expected a string"
                )))
            }
        }
        let rest = self.data.get(e.offset..).unwrap_or_default();
        let Some(len) = rest.iter().position(|&b| b == 0) else {
            return Err(err(format!(
                "header index entry {i} (tag {tag}): string at offset {} is not NUL-terminated within the data store",
                e.offset
            )));
        };
        // Old packages carry Latin-1 vendor names; show them rather than drop the package.
        Ok(Some(String::from_utf8_lossy(&rest[..len]).into_owned()))
    }

    /// The first value of an `INT32` entry; `None` when the tag is absent.
    ///
    /// # Errors
    /// When the entry has another type or no values.
    pub(crate) fn int32(&self, tag: u32) -> Result<Option<u32>, HeaderError> {
        let Some((i, e)) = self.entry(tag) else {
            return Ok(None);
        };
        if e.kind != Kind::Int32 || e.count == 0 {
            return Err(err(format!(
                "header index entry {i} (tag {tag}) has type {:?} × {}, expected INT32",
                e.kind, e.count
            )));
        }
        // In bounds: `parse` checked offset + 4 × count ≤ data store length.
        Ok(be32(self.data, e.offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a blob from (tag, type, data) triples, laying data out in order.
    fn blob(entries: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for &(tag, kind, count, bytes) in entries {
            for v in [tag, kind, data.len() as u32, count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    /// Strings and integers are read from their offsets; the last duplicate wins.
    #[test]
    fn reads_strings_ints_and_later_duplicates() {
        let b = blob(&[
            (NAME, 6, 1, b"kesl\0"),
            (EPOCH, 4, 1, &[0, 0, 0, 7]),
            (NAME, 6, 1, b"kesl2\0"),
        ]);
        let h = Header::parse(&b).unwrap();
        assert_eq!(h.string(NAME).unwrap().as_deref(), Some("kesl2"));
        assert_eq!(h.int32(EPOCH).unwrap(), Some(7));
        assert_eq!(h.string(VENDOR).unwrap(), None);
    }

    /// An offset past the data store names the entry instead of panicking.
    #[test]
    fn offset_past_data_store_is_named() {
        let mut b = blob(&[(NAME, 6, 1, b"a\0"), (VERSION, 6, 1, b"1\0")]);
        // Entry 1's offset field sits at 8 + 16 + 8.
        b[8 + 16 + 8..8 + 16 + 12].copy_from_slice(&1000u32.to_be_bytes());
        let e = Header::parse(&b).unwrap_err().to_string();
        assert!(
            e.contains("index entry 1 (tag 1001) points past the data store"),
            "{e}"
        );
    }

    /// An unterminated string is an error, not an out-of-bounds read.
    #[test]
    fn unterminated_string_is_an_error() {
        let b = blob(&[(NAME, 6, 1, b"abc")]);
        let e = Header::parse(&b)
            .unwrap()
            .string(NAME)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not NUL-terminated"), "{e}");
    }

    /// Sizes that disagree with the preamble, or absurd counts, are rejected.
    #[test]
    fn bad_preamble_is_rejected() {
        assert!(Header::parse(&[0, 0, 0]).is_err());
        assert!(Header::parse(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]).is_err());
        let mut b = blob(&[(NAME, 6, 1, b"a\0")]);
        b.push(0);
        assert!(Header::parse(&b)
            .unwrap_err()
            .to_string()
            .contains("preamble says"));
        let b = blob(&[(EPOCH, 4, 0x4000_0000, &[0, 0, 0, 1])]);
        assert!(Header::parse(&b)
            .unwrap_err()
            .to_string()
            .contains("runs past the data store"));
    }
}
