//! A minimal, read-only reader of Windows registry hive files (the `regf` format).
//!
//! Written from the format descriptions of Joachim Metz ("Windows NT Registry File (REGF)
//! format", <https://github.com/libyal/libregf/blob/main/documentation/Windows%20NT%20Registry%20File%20(REGF)%20format.asciidoc>)
//! and Maxim Suhanov ("Windows registry file format specification",
//! <https://github.com/msuhanov/regf/blob/master/Windows%20registry%20file%20format%20specification.md>).
//! The only GPL-free Rust alternatives were young; a reader of the few cells proscribe needs
//! is small enough to own and to harden.
//!
//! Layout, as far as this reader uses it:
//! - a 4096-byte base block: `regf`, sequence numbers, root cell offset at 36, hive bins data
//!   size at 40;
//! - hive bins (`hbin`) from file offset 4096; cell offsets are relative to that start;
//! - a cell is an `i32` size (negative when allocated) followed by its data;
//! - `nk` key nodes, `vk` values, value lists (arrays of `u32` offsets), subkey lists `lf`,
//!   `lh` (offset + 4-byte hint), `li` (offsets) and `ri` (offsets of other lists), and `db`
//!   big-data records whose segments hold values longer than 16 344 bytes.
//!
//! Hives are untrusted input: every offset is bounds-checked, list counts are clamped to the
//! cell that holds them, `ri` lists may not nest deeper than [`MAX_LIST_DEPTH`], a key list
//! may not name one key twice, and value data never grows past the file's size. Transaction
//! logs (`.LOG1`/`.LOG2`) are not replayed: a hive whose sequence numbers differ ("dirty") is
//! read as it stands on disk, which is what forensic copies usually are.

use std::collections::HashSet;
use std::fmt;

/// Where the hive bins start; every cell offset is relative to it.
const BINS_START: usize = 4096;
/// `ri` lists point at other lists; Windows writes one level. Deeper nesting is damage.
const MAX_LIST_DEPTH: usize = 4;
/// A value longer than this in a `vk` cell is stored in a `db` big-data record
/// (hive format 1.4 and later).
const BIG_DATA_THRESHOLD: usize = 16_344;
/// The `nk` flag saying the key name is stored in an 8-bit code page rather than UTF-16LE.
const KEY_COMP_NAME: u16 = 0x0020;
/// The `vk` flag saying the value name is stored in an 8-bit code page.
const VALUE_COMP_NAME: u16 = 0x0001;
/// An unset cell offset.
const NONE: u32 = 0xffff_ffff;

/// Why a hive, or a part of it, could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HiveError {
    /// The file does not start with a registry base block.
    #[error("not a registry hive: bad signature at offset 0 (expected `regf`)")]
    Signature,
    /// The file is shorter than its base block says.
    #[error("truncated hive: {0}")]
    Truncated(String),
    /// A cell is damaged; the offset is relative to the first hive bin, as tools print it.
    #[error("damaged cell at offset {offset:#x}: {reason}")]
    Cell {
        /// Offset of the cell, relative to the start of the hive bins.
        offset: u32,
        /// What is wrong with it.
        reason: String,
    },
}

fn cell_err(offset: u32, reason: impl Into<String>) -> HiveError {
    HiveError::Cell {
        offset,
        reason: reason.into(),
    }
}

/// An opened hive: the whole file in memory and its validated base block.
pub struct Hive {
    data: Vec<u8>,
    root: u32,
    dirty: bool,
    /// Set when the base block promises more hive bins than the file holds.
    truncation: Option<String>,
}

impl fmt::Debug for Hive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hive")
            .field("len", &self.data.len())
            .field("root", &self.root)
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Hive {
    /// Whether `head` starts like a hive (the `regf` signature).
    pub fn is_hive(head: &[u8]) -> bool {
        head.starts_with(b"regf")
    }

    /// Validates the base block and the first hive bin of a whole hive file.
    ///
    /// A file cut short is still opened when its root key is inside it (what it holds is
    /// worth reading); [`Hive::truncation`] then says so, for the caller to report.
    ///
    /// # Errors
    /// When the signature is wrong, or the base block, the first hive bin or the root key
    /// is missing.
    pub fn parse(data: Vec<u8>) -> Result<Self, HiveError> {
        if !Self::is_hive(&data) {
            return Err(HiveError::Signature);
        }
        if data.len() < BINS_START + 32 {
            return Err(HiveError::Truncated(format!(
                "{} bytes, but a hive has a 4096-byte base block and at least one hive bin",
                data.len()
            )));
        }
        if &data[BINS_START..BINS_START + 4] != b"hbin" {
            return Err(HiveError::Truncated(
                "no hive bin (`hbin`) at file offset 0x1000".into(),
            ));
        }
        let primary = u32_at(&data, 4).unwrap_or(0);
        let secondary = u32_at(&data, 8).unwrap_or(0);
        let root = u32_at(&data, 36).unwrap_or(NONE);
        let bins_size = u32_at(&data, 40).unwrap_or(0) as usize;
        let have = data.len() - BINS_START;
        let truncation = (bins_size > have).then(|| {
            format!(
                "the base block declares {bins_size:#x} bytes of hive bins, the file holds {have:#x}"
            )
        });
        let hive = Self {
            data,
            root,
            dirty: primary != secondary,
            truncation,
        };
        // The root must be a key, or nothing below it can be trusted.
        let root_key = hive.key(root, &[]).map_err(|e| match &hive.truncation {
            Some(t) => HiveError::Truncated(format!("{t}; root key unreadable ({e})")),
            None => e,
        })?;
        drop(root_key);
        Ok(hive)
    }

    /// Why the file is shorter than its base block says, if it is.
    pub fn truncation(&self) -> Option<&str> {
        self.truncation.as_deref()
    }

    /// Whether the sequence numbers differ: changes may sit in unreplayed transaction logs.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The root key.
    ///
    /// # Errors
    /// Never for a hive returned by [`Hive::parse`], which checked it; kept fallible so that
    /// callers handle every key the same way.
    pub fn root(&self) -> Result<Key<'_>, HiveError> {
        self.key(self.root, &[])
    }

    /// The data of the cell at `offset` (without its size field).
    fn cell(&self, offset: u32) -> Result<&[u8], HiveError> {
        if offset == NONE {
            return Err(cell_err(offset, "offset is unset (0xffffffff)"));
        }
        let start = BINS_START
            .checked_add(offset as usize)
            .ok_or_else(|| cell_err(offset, "offset overflows"))?;
        let Some(raw) = u32_at(&self.data, start) else {
            return Err(cell_err(offset, "offset points past the end of the file"));
        };
        // Allocated cells have a negative size; a referenced free cell is damage, but its
        // contents are usually still right (e.g. a hive copied while being written).
        let size = (raw as i32).unsigned_abs() as usize;
        if size < 8 {
            return Err(cell_err(offset, format!("cell size {size} is too small")));
        }
        let end = start
            .checked_add(size)
            .filter(|&end| end <= self.data.len())
            .ok_or_else(|| {
                cell_err(
                    offset,
                    format!("cell of {size} bytes runs past the end of the file"),
                )
            })?;
        Ok(&self.data[start + 4..end])
    }

    /// The key node at `offset`; `parents` holds the offsets of its ancestors, to refuse loops.
    fn key(&self, offset: u32, parents: &[u32]) -> Result<Key<'_>, HiveError> {
        let cell = self.cell(offset)?;
        if cell.get(0..2) != Some(b"nk") {
            return Err(cell_err(offset, "expected a key node (`nk`)"));
        }
        let field = |at| u32_at(cell, at).ok_or_else(|| cell_err(offset, "key node cut short"));
        let flags = u16_at(cell, 2).unwrap_or(0);
        let name_len = u16_at(cell, 72).ok_or_else(|| cell_err(offset, "key node cut short"))?;
        let name_bytes = cell
            .get(76..76 + name_len as usize)
            .ok_or_else(|| cell_err(offset, "key name runs past its cell"))?;
        let name = if flags & KEY_COMP_NAME != 0 {
            latin1(name_bytes)
        } else {
            utf16(name_bytes)
        };
        let mut ancestors = Vec::with_capacity(parents.len() + 1);
        ancestors.extend_from_slice(parents);
        ancestors.push(offset);
        Ok(Key {
            hive: self,
            offset,
            name,
            subkey_count: field(20)?,
            subkey_list: field(28)?,
            value_count: field(36)?,
            value_list: field(40)?,
            ancestors,
        })
    }

    /// Appends the key offsets of a subkey list (following `ri` indexes) to `out`.
    fn list(&self, offset: u32, depth: usize, out: &mut Vec<u32>) -> Result<(), HiveError> {
        if depth > MAX_LIST_DEPTH {
            return Err(cell_err(
                offset,
                "subkey index lists nest too deep (a loop?)",
            ));
        }
        let cell = self.cell(offset)?;
        let sig = cell.get(0..2).unwrap_or_default();
        let count = u16_at(cell, 2).unwrap_or(0) as usize;
        let (stride, nested) = match sig {
            b"lf" | b"lh" => (8, false),
            b"li" => (4, false),
            b"ri" => (4, true),
            _ => {
                return Err(cell_err(
                    offset,
                    format!(
                        "expected a subkey list (lf, lh, li or ri), found `{}`",
                        String::from_utf8_lossy(sig).escape_debug()
                    ),
                ))
            }
        };
        let room = cell.len().saturating_sub(4) / stride;
        if count > room {
            return Err(cell_err(
                offset,
                format!("subkey list claims {count} entries but its cell holds {room}"),
            ));
        }
        for i in 0..count {
            let entry = u32_at(cell, 4 + i * stride).unwrap_or(NONE);
            if nested {
                self.list(entry, depth + 1, out)?;
            } else {
                out.push(entry);
            }
        }
        Ok(())
    }

    /// The data of a value, following `db` big-data records.
    fn value_data(&self, vk: u32, size_field: u32, data_offset: u32) -> Result<Vec<u8>, HiveError> {
        // High bit set: up to four bytes stored in the offset field itself.
        if size_field & 0x8000_0000 != 0 {
            let len = (size_field & 0x7fff_ffff) as usize;
            return Ok(data_offset.to_le_bytes()[..len.min(4)].to_vec());
        }
        let len = size_field as usize;
        if len == 0 {
            return Ok(Vec::new());
        }
        if len > self.data.len() {
            return Err(cell_err(
                vk,
                format!("value claims {len} bytes of data, more than the whole file"),
            ));
        }
        let cell = self.cell(data_offset)?;
        if len > BIG_DATA_THRESHOLD && cell.get(0..2) == Some(b"db") {
            let segments = u16_at(cell, 2).unwrap_or(0) as usize;
            let list_offset = u32_at(cell, 4)
                .ok_or_else(|| cell_err(data_offset, "big-data record cut short"))?;
            let list = self.cell(list_offset)?;
            if segments > list.len() / 4 {
                return Err(cell_err(
                    list_offset,
                    format!(
                        "big-data list claims {segments} segments but holds {}",
                        list.len() / 4
                    ),
                ));
            }
            let mut out = Vec::with_capacity(len);
            for i in 0..segments {
                let seg = self.cell(u32_at(list, i * 4).unwrap_or(NONE))?;
                let want = (len - out.len()).min(BIG_DATA_THRESHOLD).min(seg.len());
                out.extend_from_slice(&seg[..want]);
                if out.len() >= len {
                    break;
                }
            }
            if out.len() < len {
                return Err(cell_err(
                    vk,
                    format!(
                        "value data: big-data segments hold {} of {len} bytes",
                        out.len()
                    ),
                ));
            }
            return Ok(out);
        }
        cell.get(..len).map(<[u8]>::to_vec).ok_or_else(|| {
            cell_err(
                data_offset,
                format!(
                    "value data of {len} bytes runs past its cell of {}",
                    cell.len()
                ),
            )
        })
    }

    /// The value node at `offset`.
    fn value(&self, offset: u32) -> Result<Value, HiveError> {
        let cell = self.cell(offset)?;
        if cell.get(0..2) != Some(b"vk") {
            return Err(cell_err(offset, "expected a value node (`vk`)"));
        }
        let short = || cell_err(offset, "value node cut short");
        let name_len = u16_at(cell, 2).ok_or_else(short)? as usize;
        let size_field = u32_at(cell, 4).ok_or_else(short)?;
        let data_offset = u32_at(cell, 8).ok_or_else(short)?;
        let kind = u32_at(cell, 12).ok_or_else(short)?;
        let flags = u16_at(cell, 16).ok_or_else(short)?;
        let name_bytes = cell
            .get(20..20 + name_len)
            .ok_or_else(|| cell_err(offset, "value name runs past its cell"))?;
        let name = if flags & VALUE_COMP_NAME != 0 {
            latin1(name_bytes)
        } else {
            utf16(name_bytes)
        };
        let data = self.value_data(offset, size_field, data_offset)?;
        Ok(Value {
            name,
            kind,
            data,
            wide: true,
        })
    }
}

/// A key of a hive.
#[derive(Clone)]
pub struct Key<'h> {
    hive: &'h Hive,
    offset: u32,
    name: String,
    subkey_count: u32,
    subkey_list: u32,
    value_count: u32,
    value_list: u32,
    /// Offsets from the root down to this key, to refuse a key that is its own ancestor.
    ancestors: Vec<u32>,
}

impl fmt::Debug for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("offset", &self.offset)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<'h> Key<'h> {
    /// The key's name as stored.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Offset of the key node, for error messages.
    pub fn offset(&self) -> u32 {
        self.offset
    }

    /// The subkeys, in stored order.
    ///
    /// # Errors
    /// When the subkey list or a subkey is damaged, a subkey appears twice, or a subkey is
    /// one of this key's ancestors (a loop).
    pub fn subkeys(&self) -> Result<Vec<Key<'h>>, HiveError> {
        if self.subkey_count == 0 || self.subkey_list == NONE {
            return Ok(Vec::new());
        }
        let mut offsets = Vec::new();
        self.hive.list(self.subkey_list, 0, &mut offsets)?;
        let mut seen = HashSet::with_capacity(offsets.len());
        let mut keys = Vec::with_capacity(offsets.len());
        for offset in offsets {
            if !seen.insert(offset) || self.ancestors.contains(&offset) {
                return Err(cell_err(
                    self.subkey_list,
                    format!(
                        "subkey list of `{}` names key {offset:#x} twice or loops back to an ancestor",
                        self.name
                    ),
                ));
            }
            keys.push(self.hive.key(offset, &self.ancestors)?);
        }
        Ok(keys)
    }

    /// The subkey with this name, compared case-insensitively as Windows does.
    ///
    /// # Errors
    /// As [`Key::subkeys`].
    pub fn subkey(&self, name: &str) -> Result<Option<Key<'h>>, HiveError> {
        Ok(self
            .subkeys()?
            .into_iter()
            .find(|k| names_equal(&k.name, name)))
    }

    /// The values, in stored order.
    ///
    /// # Errors
    /// When the value list or a value is damaged.
    pub fn values(&self) -> Result<Vec<Value>, HiveError> {
        if self.value_count == 0 || self.value_list == NONE {
            return Ok(Vec::new());
        }
        let list = self.hive.cell(self.value_list)?;
        let count = self.value_count as usize;
        if count > list.len() / 4 {
            return Err(cell_err(
                self.value_list,
                format!(
                    "key `{}` claims {count} values but its value list holds {}",
                    self.name,
                    list.len() / 4
                ),
            ));
        }
        (0..count)
            .map(|i| self.hive.value(u32_at(list, i * 4).unwrap_or(NONE)))
            .collect()
    }
}

/// A registry value: its name, type (`REG_SZ` = 1 …) and raw data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The value name; empty for the key's default value.
    pub name: String,
    /// The registry type (`REG_SZ` 1, `REG_EXPAND_SZ` 2, `REG_BINARY` 3, `REG_DWORD` 4,
    /// `REG_MULTI_SZ` 7, `REG_QWORD` 11, …).
    pub kind: u32,
    /// The raw data.
    pub data: Vec<u8>,
    /// Whether string data is UTF-16LE (hives, `.reg` version 5) rather than an 8-bit code
    /// page (`hex(2)` and `hex(7)` of `REGEDIT4` files).
    pub wide: bool,
}

/// `REG_SZ`.
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ`.
pub const REG_EXPAND_SZ: u32 = 2;
/// `REG_BINARY`.
pub const REG_BINARY: u32 = 3;
/// `REG_DWORD`.
pub const REG_DWORD: u32 = 4;
/// `REG_DWORD_BIG_ENDIAN`.
pub const REG_DWORD_BIG_ENDIAN: u32 = 5;
/// `REG_MULTI_SZ`.
pub const REG_MULTI_SZ: u32 = 7;
/// `REG_QWORD`.
pub const REG_QWORD: u32 = 11;

impl Value {
    /// The data as text: strings up to their first NUL, the first string of a multi-string,
    /// numbers in decimal. `None` for binary data.
    pub fn text(&self) -> Option<String> {
        match self.kind {
            REG_SZ | REG_EXPAND_SZ | REG_MULTI_SZ => {
                let s = if self.wide {
                    utf16(&self.data)
                } else {
                    String::from_utf8(self.data.clone()).unwrap_or_else(|_| latin1(&self.data))
                };
                let s = s.split('\0').next().unwrap_or_default().trim().to_owned();
                Some(s)
            }
            REG_DWORD | REG_DWORD_BIG_ENDIAN | REG_QWORD => self.number().map(|n| n.to_string()),
            _ => None,
        }
    }

    /// The data as a number (`REG_DWORD`, `REG_DWORD_BIG_ENDIAN`, `REG_QWORD`).
    pub fn number(&self) -> Option<u64> {
        match (self.kind, self.data.len()) {
            (REG_DWORD, 4) => Some(u64::from(u32::from_le_bytes(
                self.data[..4].try_into().ok()?,
            ))),
            (REG_DWORD_BIG_ENDIAN, 4) => Some(u64::from(u32::from_be_bytes(
                self.data[..4].try_into().ok()?,
            ))),
            (REG_QWORD, 8) => Some(u64::from_le_bytes(self.data[..8].try_into().ok()?)),
            _ => None,
        }
    }
}

/// Decodes UTF-16LE, replacing unpaired surrogates; an odd last byte is dropped.
pub(crate) fn utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Decodes an 8-bit name as Latin-1 (hives store "compressed" ASCII names this way).
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Registry names compare case-insensitively.
pub(crate) fn names_equal(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}

/// Visits every key and value below the root, depth-first in stored order, with a visited
/// set and a depth limit; `visit` gets the key's path below the root (`A\\B`, empty for the
/// root). Returns how many keys and values were read. For tests, fuzzing and benches: it
/// reads every cell a hive references.
///
/// # Errors
/// The first damaged cell met.
pub fn walk(
    hive: &Hive,
    mut visit: impl FnMut(&str, &Key<'_>, &[Value]),
) -> Result<(usize, usize), HiveError> {
    const MAX_DEPTH: usize = 512;
    let mut seen = HashSet::new();
    let mut stack = vec![(hive.root()?, 0usize, String::new())];
    let (mut keys, mut values) = (0, 0);
    while let Some((key, depth, path)) = stack.pop() {
        if !seen.insert(key.offset) {
            return Err(cell_err(
                key.offset,
                "key reached twice (a loop in the hive)",
            ));
        }
        if depth > MAX_DEPTH {
            return Err(cell_err(key.offset, "keys nest deeper than 512 levels"));
        }
        let vals = key.values()?;
        keys += 1;
        values += vals.len();
        visit(&path, &key, &vals);
        for sub in key.subkeys()?.into_iter().rev() {
            let sub_path = if path.is_empty() {
                sub.name.clone()
            } else {
                format!("{path}\\{}", sub.name)
            };
            stack.push((sub, depth + 1, sub_path));
        }
    }
    Ok((keys, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn software() -> Vec<u8> {
        fixture("roots/windows/Windows/System32/config/SOFTWARE")
    }

    /// Cell offset of the subkey list of the key at `path` (for damaging it on purpose).
    fn list_of(data: &[u8], path: &[&str]) -> (u32, u32) {
        let hive = Hive::parse(data.to_vec()).unwrap();
        let mut key = hive.root().unwrap();
        for p in path {
            key = key.subkey(p).unwrap().unwrap();
        }
        (key.offset, key.subkey_list)
    }

    fn put_u32(data: &mut [u8], cell: u32, at: usize, v: u32) {
        let pos = BINS_START + cell as usize + 4 + at;
        data[pos..pos + 4].copy_from_slice(&v.to_le_bytes());
    }

    const UNINSTALL: [&str; 4] = ["Microsoft", "Windows", "CurrentVersion", "Uninstall"];

    /// A subkey list entry pointing back at an ancestor is refused, not followed forever.
    #[test]
    fn subkey_loop_is_an_error() {
        let mut data = software();
        let (uninstall, list) = list_of(&data, &UNINSTALL);
        put_u32(&mut data, list, 4, uninstall);
        let hive = Hive::parse(data).unwrap();
        let mut key = hive.root().unwrap();
        for p in &UNINSTALL[..3] {
            key = key.subkey(p).unwrap().unwrap();
        }
        let key = key.subkey("Uninstall").unwrap().unwrap();
        let err = key.subkeys().unwrap_err().to_string();
        assert!(err.contains("loops back to an ancestor"), "{err}");
        assert!(walk(&hive, |_, _, _| {}).is_err());
    }

    /// An `ri` index list naming itself hits the nesting limit.
    #[test]
    fn index_list_cycle_is_an_error() {
        let mut data = software();
        let (_, list) = list_of(&data, &UNINSTALL);
        let pos = BINS_START + list as usize + 4;
        data[pos..pos + 2].copy_from_slice(b"ri");
        put_u32(&mut data, list, 4, list);
        let hive = Hive::parse(data).unwrap();
        let err = walk(&hive, |_, _, _| {}).unwrap_err().to_string();
        assert!(err.contains("nest too deep"), "{err}");
    }

    /// Counts larger than their cells, offsets past the end and unset offsets are errors.
    #[test]
    fn bad_counts_and_offsets_are_errors() {
        let data = software();
        let (_, list) = list_of(&data, &UNINSTALL);
        let mut big_count = data.clone();
        let pos = BINS_START + list as usize + 4 + 2;
        big_count[pos..pos + 2].copy_from_slice(&0xffffu16.to_le_bytes());
        let hive = Hive::parse(big_count).unwrap();
        let err = walk(&hive, |_, _, _| {}).unwrap_err().to_string();
        assert!(err.contains("claims 65535 entries"), "{err}");

        let mut past_end = data.clone();
        let len = past_end.len() as u32;
        put_u32(&mut past_end, list, 4, len);
        let hive = Hive::parse(past_end).unwrap();
        let err = walk(&hive, |_, _, _| {}).unwrap_err().to_string();
        assert!(err.contains("past the end of the file"), "{err}");

        let mut root_unset = data;
        root_unset[36..40].copy_from_slice(&NONE.to_le_bytes());
        let err = Hive::parse(root_unset).unwrap_err().to_string();
        assert!(err.contains("offset is unset"), "{err}");
    }

    /// A hive whose sequence numbers differ (unreplayed logs) is read as it stands.
    #[test]
    fn dirty_hive_is_read() {
        let clean = software();
        let mut dirty = clean.clone();
        dirty[4..8].copy_from_slice(&7u32.to_le_bytes());
        let a = Hive::parse(clean).unwrap();
        let b = Hive::parse(dirty).unwrap();
        assert!(!a.is_dirty());
        assert!(b.is_dirty());
        assert_eq!(
            walk(&a, |_, _, _| {}).unwrap(),
            walk(&b, |_, _, _| {}).unwrap()
        );
    }

    /// Signature, base block only, and a cut inside the hive bins.
    #[test]
    fn truncation() {
        assert_eq!(
            Hive::parse(b"regX".to_vec()).unwrap_err(),
            HiveError::Signature
        );
        let data = software();
        let err = Hive::parse(data[..4096].to_vec()).unwrap_err().to_string();
        assert!(err.starts_with("truncated hive: 4096 bytes"), "{err}");
        let hive = Hive::parse(data[..data.len() / 2].to_vec()).unwrap();
        let t = hive.truncation().unwrap();
        assert!(t.starts_with("the base block declares"), "{t}");
    }

    /// Appends a hive bin holding `cells` and returns their offsets.
    fn append_bin(data: &mut Vec<u8>, cells: &[Vec<u8>]) -> Vec<u32> {
        let bin_offset = data.len() - BINS_START;
        let mut bin = vec![0u8; 32];
        bin[..4].copy_from_slice(b"hbin");
        bin[4..8].copy_from_slice(&(bin_offset as u32).to_le_bytes());
        let mut offsets = Vec::new();
        for cell in cells {
            let size = (cell.len() + 4).next_multiple_of(8);
            offsets.push((bin_offset + bin.len()) as u32);
            bin.extend_from_slice(&(-(size as i32)).to_le_bytes());
            bin.extend_from_slice(cell);
            bin.resize(bin.len() + size - 4 - cell.len(), 0);
        }
        let total = bin.len().next_multiple_of(4096);
        let rest = total - bin.len();
        bin.extend_from_slice(&(rest as i32).to_le_bytes());
        bin.resize(total, 0);
        bin[8..12].copy_from_slice(&(total as u32).to_le_bytes());
        data.extend_from_slice(&bin);
        let bins = (data.len() - BINS_START) as u32;
        data[40..44].copy_from_slice(&bins.to_le_bytes());
        offsets
    }

    fn large_key<'h>(hive: &'h Hive) -> Key<'h> {
        hive.root()
            .unwrap()
            .subkey("Proscribe")
            .unwrap()
            .unwrap()
            .subkey("BigData")
            .unwrap()
            .unwrap()
    }

    /// A long value is read whole, whether hivex stored it in one cell or Windows split it
    /// into `db` big-data segments (hive format 1.4+; rebuilt here from hivex's value).
    #[test]
    fn big_data_value() {
        let want: Vec<u8> = (0..80).flat_map(|_| 0..=255u8).collect();
        let mut data = software();
        let hive = Hive::parse(data.clone()).unwrap();
        let values = large_key(&hive).values().unwrap();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].name, "Large");
        assert_eq!(values[0].kind, REG_BINARY);
        assert_eq!(values[0].data, want);

        let vk = u32_at(hive.cell(large_key(&hive).value_list).unwrap(), 0).unwrap();
        let (first, second) = want.split_at(BIG_DATA_THRESHOLD);
        let segs = append_bin(&mut data, &[first.to_vec(), second.to_vec()]);
        let list: Vec<u8> = segs.iter().flat_map(|o| o.to_le_bytes()).collect();
        let list_at = append_bin(&mut data, &[list])[0];
        let mut db = b"db".to_vec();
        db.extend_from_slice(&2u16.to_le_bytes());
        db.extend_from_slice(&list_at.to_le_bytes());
        let db_at = append_bin(&mut data, &[db])[0];
        put_u32(&mut data, vk, 8, db_at);
        let hive = Hive::parse(data.clone()).unwrap();
        assert_eq!(large_key(&hive).values().unwrap()[0].data, want);

        // A segment list that claims more segments than it holds is damage.
        let pos = BINS_START + db_at as usize + 4 + 2;
        data[pos..pos + 2].copy_from_slice(&9u16.to_le_bytes());
        let hive = Hive::parse(data).unwrap();
        let err = large_key(&hive).values().unwrap_err().to_string();
        assert!(err.contains("claims 9 segments"), "{err}");
    }
}
