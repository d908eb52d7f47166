//! `Packages.db`: rpm's own "ndb" package store (rpm ≥ 4.15, `_db_backend ndb`; openSUSE).
//!
//! Layout, from rpm's `lib/backend/ndb/rpmpkg.c` (all integers little-endian):
//!
//! ```text
//! byte 0     header: magic "RpmP", version 0, generation, slotnpages, nextpkgidx (32 bytes)
//! byte 32    slots to the end of slot page `slotnpages - 1` (pages are 4096 bytes):
//!            16 bytes each: magic "Slot", pkgidx, blkoff, blkcnt; blkoff 0 = free slot
//! blocks     blobs at blkoff × 16, blkcnt × 16 bytes long:
//!            head "BlbS", pkgidx, timestamp, bloblen; the header blob; zero padding;
//!            tail adler32 (over head, blob and padding), bloblen, "BlbE"
//! ```
//!
//! `pkgidx` is the header number (`hnum`) the other backends use.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::Scan;
use crate::CollectError;

/// "RpmP" as a little-endian u32, the first bytes of the file.
pub(crate) const MAGIC: &[u8; 4] = b"RpmP";
const SLOT_MAGIC: &[u8; 4] = b"Slot";
const BLOB_HEAD_MAGIC: &[u8; 4] = b"BlbS";
const BLOB_TAIL_MAGIC: &[u8; 4] = b"BlbE";
/// rpm's optional LZO compression of blobs (`RPMPKG_LZO`, off in rpm's default build).
const LZO_MAGIC: &[u8; 4] = b"LZOB";

const HEADER_SIZE: u64 = 32;
const SLOT_SIZE: u64 = 16;
const BLK_SIZE: u64 = 16;
const PAGE_SIZE: u64 = 4096;
const BLOB_HEAD: u64 = 16;
const BLOB_TAIL: u64 = 12;
/// A header blob above rpm's own data limit (`hdrchkData`) plus its index is damage.
const MAX_BLOB: u64 = 0x1000_0000 + 16 * 0xffff + 8;

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Adler-32 (RFC 1950), as `update_adler32` in rpmpkg.c computes it over a blob's blocks.
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in bytes.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

struct Slot {
    slotno: u64,
    pkgidx: u32,
    blkoff: u64,
    blkcnt: u64,
}

/// Reads every package blob of an ndb `Packages.db`.
///
/// # Errors
/// When the file cannot be read or its header is not an ndb header. Damaged slots and blobs
/// become problems in `scan`; the other packages are still read.
pub(crate) fn read(path: &Path, scan: &mut Scan<'_>) -> Result<(), CollectError> {
    let mut file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut header = [0u8; HEADER_SIZE as usize];
    if file_len < HEADER_SIZE {
        return Err(CollectError::format(format!(
            "file is {file_len} bytes, shorter than the 32-byte ndb header"
        )));
    }
    file.read_exact(&mut header)?;
    if &header[0..4] != MAGIC {
        return Err(CollectError::format(
            "not an ndb package database: no \"RpmP\" magic at byte 0",
        ));
    }
    let version = le32(&header, 4);
    if version != 0 {
        return Err(CollectError::format(format!(
            "ndb header version {version} at byte 4 is not supported (expected 0)"
        )));
    }
    let slotnpages = u64::from(le32(&header, 12));
    if slotnpages == 0 {
        return Err(CollectError::format(
            "ndb header at byte 12 says 0 slot pages",
        ));
    }
    // A damaged count must not make us read (or allocate) far past the file.
    let whole_pages = file_len / PAGE_SIZE;
    let readable_pages = slotnpages.min(whole_pages.max(1));
    if slotnpages > whole_pages {
        scan.problems.push(format!(
            "ndb header says {slotnpages} slot pages but the file holds {whole_pages} whole pages (truncated?)"
        ));
    }
    let slot_bytes = (readable_pages * PAGE_SIZE).min(file_len);
    let mut slot_area = vec![0u8; usize::try_from(slot_bytes).unwrap_or(0)];
    file.seek(SeekFrom::Start(0))?;
    file.read_exact(&mut slot_area)?;

    let first_blob_blk = slotnpages * (PAGE_SIZE / BLK_SIZE);
    let file_blks = file_len / BLK_SIZE;
    let mut slots = Vec::new();
    let mut at = HEADER_SIZE;
    while at + SLOT_SIZE <= slot_bytes {
        let s = &slot_area[at as usize..(at + SLOT_SIZE) as usize];
        let slotno = at / SLOT_SIZE;
        if &s[0..4] != SLOT_MAGIC {
            scan.problems.push(format!(
                "ndb slot {slotno} at byte {at}: bad magic; the remaining slots were not read"
            ));
            break;
        }
        let (pkgidx, blkoff, blkcnt) = (le32(s, 4), u64::from(le32(s, 8)), u64::from(le32(s, 12)));
        at += SLOT_SIZE;
        if blkoff == 0 {
            continue; // free slot
        }
        if pkgidx == 0 || blkcnt == 0 || blkoff < first_blob_blk {
            scan.problems.push(format!(
                "ndb slot {slotno} at byte {}: invalid entry (pkgidx {pkgidx}, block {blkoff}, {blkcnt} blocks)",
                at - SLOT_SIZE
            ));
            continue;
        }
        if blkoff + blkcnt > file_blks {
            scan.problems.push(format!(
                "hnum {pkgidx}: blob at bytes {}..{} lies past the end of the file ({file_len} bytes; truncated?)",
                blkoff * BLK_SIZE,
                (blkoff + blkcnt) * BLK_SIZE
            ));
            continue;
        }
        slots.push(Slot {
            slotno,
            pkgidx,
            blkoff,
            blkcnt,
        });
    }

    for slot in slots {
        match read_blob(&mut file, &slot) {
            Ok(blob) => scan.record(slot.pkgidx, &blob),
            Err(why) => scan.problems.push(format!("hnum {}: {why}", slot.pkgidx)),
        }
    }
    Ok(())
}

/// Reads and checks one blob: head, length, tail and checksum, as `rpmpkgReadBlob` does.
fn read_blob(file: &mut File, slot: &Slot) -> Result<Vec<u8>, String> {
    let start = slot.blkoff * BLK_SIZE;
    let len = slot.blkcnt * BLK_SIZE;
    let where_ = format!("blob of slot {} at byte {start}", slot.slotno);
    if !(BLOB_HEAD + BLOB_TAIL..=MAX_BLOB + BLOB_HEAD + BLOB_TAIL + BLK_SIZE).contains(&len) {
        return Err(format!(
            "{where_}: implausible length of {} blocks",
            slot.blkcnt
        ));
    }
    let mut buf = vec![0u8; len as usize];
    file.seek(SeekFrom::Start(start))
        .map_err(|e| format!("{where_}: cannot seek: {e}"))?;
    file.read_exact(&mut buf)
        .map_err(|e| format!("{where_}: cannot read: {e}"))?;
    if &buf[0..4] != BLOB_HEAD_MAGIC {
        return Err(format!("{where_}: bad head magic"));
    }
    if le32(&buf, 4) != slot.pkgidx {
        return Err(format!(
            "{where_}: head names package {} but the slot names {}",
            le32(&buf, 4),
            slot.pkgidx
        ));
    }
    let bloblen = u64::from(le32(&buf, 12));
    let need = (BLOB_HEAD + bloblen + BLOB_TAIL).div_ceil(BLK_SIZE);
    if need != slot.blkcnt {
        return Err(format!(
            "{where_}: blob length {bloblen} needs {need} blocks but the slot has {}",
            slot.blkcnt
        ));
    }
    let tail = (len - BLOB_TAIL) as usize;
    if &buf[tail + 8..tail + 12] != BLOB_TAIL_MAGIC {
        return Err(format!("{where_}: bad tail magic"));
    }
    if u64::from(le32(&buf, tail + 4)) != bloblen {
        return Err(format!(
            "{where_}: tail length {} differs from head length {bloblen}",
            le32(&buf, tail + 4)
        ));
    }
    let stored = le32(&buf, tail);
    let computed = adler32(&buf[..tail]);
    if stored != computed {
        return Err(format!("{where_}: checksum mismatch (adler32 stored {stored:#010x}, computed {computed:#010x})"));
    }
    let blob = buf[BLOB_HEAD as usize..(BLOB_HEAD + bloblen) as usize].to_vec();
    if blob.starts_with(LZO_MAGIC) {
        return Err(format!(
            "{where_}: LZO-compressed blob (rpm built with RPMPKG_LZO) is not supported"
        ));
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adler-32 of "Wikipedia" is the RFC 1950 textbook value.
    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
    }
}
