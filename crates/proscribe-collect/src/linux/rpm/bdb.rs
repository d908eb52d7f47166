//! `Packages`: the Berkeley DB hash database of rpm ≤ 4.15 (RHEL/CentOS ≤ 8, older SUSE).
//!
//! Only the on-disk layout is needed, read the way rpm's own read-only reader
//! (`lib/backend/bdb_ro.c`) does, with the structures of Berkeley DB's `dbinc/db_page.h`:
//!
//! * Page 0 is the hash meta page: magic `0x061561` at byte 12 (its byte order is the
//!   database's byte order), version at 16, page size at 20, last page number at 32,
//!   `max_bucket`/`high_mask`/`low_mask` at 72/76/80 and 32 `spares` at 96.
//! * Bucket `b` lives on page `b + spares[⌈log2(b + 1)⌉]`, continued through `next_pgno`.
//! * Every page starts with a 26-byte header (`pgno` at 8, `next_pgno` at 16, `entries` at 20,
//!   `hf_offset` at 22, `type` at 25) followed by `entries` u16 item offsets: key, value, key…
//! * An item is `H_KEYDATA` (1, bytes follow) or `H_OFFPAGE` (3, then first overflow page at +4
//!   and total length at +8); overflow pages (type 7) carry `hf_offset` bytes at byte 26.
//!
//! rpm's keys are header numbers as 4-byte integers in the writing host's byte order; key 0
//! holds rpm's header-instance counter, not a package.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::Scan;
use crate::CollectError;

/// The hash magic number as stored at byte 12 in little- and big-endian databases.
pub(crate) const MAGIC_LE: [u8; 4] = [0x61, 0x15, 0x06, 0x00];
/// See [`MAGIC_LE`].
pub(crate) const MAGIC_BE: [u8; 4] = [0x00, 0x06, 0x15, 0x61];

const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
/// Largest value we follow through overflow pages: rpm's header size limit.
const MAX_VALUE: usize = 0x1000_0000 + 16 * 0xffff + 8;

struct Db {
    file: File,
    big_endian: bool,
    pagesize: usize,
    last_pgno: u32,
}

impl Db {
    fn u16_at(&self, b: &[u8], at: usize) -> Option<usize> {
        let s = b.get(at..at + 2)?;
        let v = if self.big_endian {
            u16::from_be_bytes([s[0], s[1]])
        } else {
            u16::from_le_bytes([s[0], s[1]])
        };
        Some(usize::from(v))
    }

    fn u32_at(&self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }

    /// Reads page `pgno` and checks that it says it is that page.
    fn page(&mut self, pgno: u32) -> Result<Vec<u8>, String> {
        if pgno == 0 || pgno > self.last_pgno {
            return Err(format!(
                "page {pgno} is outside the database (pages 1..={})",
                self.last_pgno
            ));
        }
        let mut buf = vec![0u8; self.pagesize];
        let at = u64::from(pgno) * self.pagesize as u64;
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|e| format!("page {pgno} at byte {at}: cannot read: {e}"))?;
        match self.u32_at(&buf, 8) {
            Some(n) if n == pgno => Ok(buf),
            Some(n) => Err(format!(
                "page {pgno} at byte {at}: header says it is page {n}"
            )),
            None => Err(format!("page {pgno}: shorter than a page header")),
        }
    }

    /// The bytes of an item on a hash page: inline data or its overflow chain.
    fn item(&mut self, page: &[u8], pgno: u32, off: usize, len: usize) -> Result<Vec<u8>, String> {
        let item = page
            .get(off..off.saturating_add(len))
            .filter(|i| !i.is_empty())
            .ok_or_else(|| {
                format!("page {pgno}: item at byte {off} ({len} bytes) lies outside the page")
            })?;
        match item[0] {
            H_KEYDATA => Ok(item[1..].to_vec()),
            H_OFFPAGE => {
                let (Some(first), Some(total)) = (self.u32_at(item, 4), self.u32_at(item, 8)) else {
                    return Err(format!("page {pgno}: off-page item at byte {off} is shorter than 12 bytes"));
                };
                self.overflow(first, total as usize)
                    .map_err(|e| format!("page {pgno}: off-page item at byte {off}: {e}"))
            }
            other => Err(format!("page {pgno}: item at byte {off} has type {other}, expected data (1) or off-page (3)")),
        }
    }

    /// Follows an overflow chain from `pgno`, collecting `total` bytes.
    fn overflow(&mut self, mut pgno: u32, total: usize) -> Result<Vec<u8>, String> {
        if total == 0 || total > MAX_VALUE {
            return Err(format!("implausible length {total}"));
        }
        let mut out = Vec::with_capacity(total.min(1 << 20));
        let mut seen = HashSet::new();
        while out.len() < total {
            if !seen.insert(pgno) {
                return Err(format!("overflow chain loops back to page {pgno}"));
            }
            let page = self.page(pgno)?;
            if page[25] != P_OVERFLOW {
                return Err(format!(
                    "overflow chain reaches page {pgno} of type {}, expected overflow (7)",
                    page[25]
                ));
            }
            let n = self.u16_at(&page, 22).unwrap_or(0);
            if PAGE_HEADER + n > self.pagesize || n > total - out.len() || n == 0 {
                return Err(format!(
                    "overflow page {pgno} claims {n} bytes ({} still expected)",
                    total - out.len()
                ));
            }
            out.extend_from_slice(&page[PAGE_HEADER..PAGE_HEADER + n]);
            pgno = self.u32_at(&page, 16).unwrap_or(0);
            if pgno == 0 && out.len() < total {
                return Err(format!(
                    "overflow chain ends after {} of {total} bytes",
                    out.len()
                ));
            }
        }
        Ok(out)
    }
}

/// Reads every `(hnum, header blob)` pair of an rpm Berkeley DB hash `Packages` file.
///
/// # Errors
/// When the file cannot be read or its meta page is not a Berkeley DB hash meta page.
/// Damaged pages and records become problems in `scan`; other buckets are still read.
pub(crate) fn read(path: &Path, scan: &mut Scan<'_>) -> Result<(), CollectError> {
    let mut file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut meta = [0u8; 512];
    if file_len < meta.len() as u64 {
        return Err(CollectError::format(format!(
            "file is {file_len} bytes, shorter than a Berkeley DB meta page"
        )));
    }
    file.read_exact(&mut meta)?;
    let big_endian = match [meta[12], meta[13], meta[14], meta[15]] {
        MAGIC_LE => false,
        MAGIC_BE => true,
        _ => {
            return Err(CollectError::format(
                "not a Berkeley DB hash database: no magic 0x061561 at byte 12",
            ))
        }
    };
    let mut db = Db {
        file,
        big_endian,
        pagesize: 0,
        last_pgno: 0,
    };
    let field = |at: usize| db.u32_at(&meta, at).unwrap_or(0);
    let version = field(16);
    if !(8..=10).contains(&version) {
        return Err(CollectError::format(format!(
            "Berkeley DB hash version {version} at byte 16 is not supported (8 to 10)"
        )));
    }
    let pagesize = field(20);
    if !(512..=65536).contains(&pagesize) || !pagesize.is_power_of_two() {
        return Err(CollectError::format(format!(
            "page size {pagesize} at byte 20 is not a power of two from 512 to 65536"
        )));
    }
    if meta[24] != 0 {
        return Err(CollectError::format(format!(
            "database is encrypted (algorithm {} at byte 24)",
            meta[24]
        )));
    }
    if meta[25] != P_HASHMETA {
        return Err(CollectError::format(format!(
            "page 0 has type {} at byte 25, expected hash meta (8)",
            meta[25]
        )));
    }
    let claimed_last = field(32);
    let max_bucket = field(72);
    let spares: Vec<u32> = (0..32).map(|i| field(96 + 4 * i)).collect();
    db.pagesize = pagesize as usize;
    let pages_in_file = u32::try_from(file_len / u64::from(pagesize)).unwrap_or(u32::MAX);
    db.last_pgno = claimed_last.min(pages_in_file.saturating_sub(1));
    if claimed_last >= pages_in_file {
        scan.problems.push(format!(
            "meta page says the last page is {claimed_last} but the file holds {pages_in_file} pages (truncated?)"
        ));
    }
    if max_bucket > db.last_pgno {
        return Err(CollectError::format(format!(
            "meta page claims {} buckets at byte 72, more than the {} pages of the file",
            u64::from(max_bucket) + 1,
            db.last_pgno
        )));
    }

    let mut visited = HashSet::new();
    for bucket in 0..=max_bucket {
        // ⌈log2(bucket + 1)⌉ as in `hash_bucket_to_page`: the number of significant bits.
        let split = (u32::BITS - bucket.leading_zeros()) as usize;
        let mut pgno = bucket.wrapping_add(spares.get(split).copied().unwrap_or(0));
        while pgno != 0 {
            if !visited.insert(pgno) {
                scan.problems.push(format!(
                    "bucket {bucket}: page chain loops back to page {pgno}"
                ));
                break;
            }
            let page = match db.page(pgno) {
                Ok(p) => p,
                Err(e) => {
                    scan.problems.push(format!("bucket {bucket}: {e}"));
                    break;
                }
            };
            if page[25] != P_HASH && page[25] != P_HASH_UNSORTED {
                scan.problems.push(format!(
                    "bucket {bucket}: page {pgno} has type {}, expected a hash page (13)",
                    page[25]
                ));
                break;
            }
            read_pairs(&mut db, &page, pgno, scan);
            pgno = db.u32_at(&page, 16).unwrap_or(0);
        }
    }
    Ok(())
}

/// Reads the key/value pairs of one hash page into `scan`.
fn read_pairs(db: &mut Db, page: &[u8], pgno: u32, scan: &mut Scan<'_>) {
    let entries = db.u16_at(page, 20).unwrap_or(0);
    let max_entries = (db.pagesize - PAGE_HEADER) / 2;
    if entries > max_entries || entries % 2 == 1 {
        scan.problems.push(format!(
            "page {pgno}: {entries} items cannot be key/value pairs on this page"
        ));
        return;
    }
    let offsets: Vec<usize> = (0..entries)
        .map(|i| db.u16_at(page, PAGE_HEADER + 2 * i).unwrap_or(0))
        .collect();
    let offset = |i: usize| offsets[i];
    for pair in 0..entries / 2 {
        let (k, v) = (2 * pair, 2 * pair + 1);
        let (koff, voff) = (offset(k), offset(v));
        // Items grow down from the end of the page: an item ends where the previous begins.
        let kend = if k == 0 { db.pagesize } else { offset(k - 1) };
        let min = PAGE_HEADER + 2 * entries;
        if koff < min || voff < min || kend <= koff || koff <= voff || kend > db.pagesize {
            scan.problems.push(format!(
                "page {pgno}: pair {pair} has item offsets {koff}/{voff} out of order or bounds"
            ));
            continue;
        }
        let key = match db.item(page, pgno, koff, kend - koff) {
            Ok(k) => k,
            Err(e) => {
                scan.problems.push(e);
                continue;
            }
        };
        let Some(hnum) = (key.len() == 4).then(|| db.u32_at(&key, 0)).flatten() else {
            scan.problems.push(format!(
                "page {pgno}: key of pair {pair} is {} bytes, expected a 4-byte header number",
                key.len()
            ));
            continue;
        };
        if hnum == 0 {
            continue; // rpm's header-instance counter
        }
        match db.item(page, pgno, voff, koff - voff) {
            Ok(blob) => scan.record(hnum, &blob),
            Err(e) => scan.problems.push(format!("hnum {hnum}: {e}")),
        }
    }
}
