//! `rpmdb.sqlite`: rpm's SQLite backend (default since rpm 4.16; Fedora 33+, RHEL 9+).
//!
//! rpm's `lib/backend/sqlite.c` keeps one row per package in
//! `Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`; the other tables
//! are indexes we do not need.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Scan;
use crate::CollectError;

/// Opens a database read-only without touching the file system around it.
///
/// `immutable=1` tells SQLite the file cannot change: no locks, no `-wal`/`-shm` files, so a
/// read-only mounted image works and scanning never alters the evidence. The cost is that a
/// write-ahead log is ignored; see [`wal_warning`].
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let uri = format!("file:{}?immutable=1", uri_path(path));
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Escapes a path for a `file:` URI: RFC 3986 path characters are kept except `&` and `=`,
/// which SQLite would read as query syntax; the rest is percent-encoded.
fn uri_path(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$'()*+,;:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether a SQLite file has rpm's `Packages(hnum, blob)` table; used by sniffing.
pub(crate) fn has_packages_table(path: &Path) -> bool {
    let Ok(conn) = open(path) else { return false };
    let Ok(mut stmt) = conn.prepare("SELECT name FROM pragma_table_info('Packages')") else {
        return false;
    };
    let Ok(rows) = stmt.query_map([], |row| row.get::<_, String>(0)) else {
        return false;
    };
    let cols: Vec<String> = rows.flatten().collect();
    cols.iter().any(|c| c == "hnum") && cols.iter().any(|c| c == "blob")
}

/// Reads every `(hnum, blob)` row in `hnum` order.
///
/// # Errors
/// When the file is not a readable SQLite database with rpm's `Packages` table. A damaged
/// page met while iterating ends the scan with a problem; rows read before it are kept.
pub(crate) fn read(path: &Path, scan: &mut Scan<'_>) -> Result<(), CollectError> {
    let fail = |what: &str, e: rusqlite::Error| CollectError::format(format!("{what}: {e}"));
    let conn = open(path).map_err(|e| fail("cannot open as SQLite", e))?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|e| fail("cannot read table Packages(hnum, blob)", e))?;
    let mut rows = stmt
        .query([])
        .map_err(|e| fail("cannot read table Packages", e))?;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                let after = scan
                    .last_hnum()
                    .map_or(String::new(), |h| format!(" after hnum {h}"));
                scan.problems
                    .push(format!("table Packages is damaged{after}: {e}"));
                break;
            }
        };
        let hnum = match row.get::<_, i64>(0) {
            Ok(h) => h,
            Err(e) => {
                scan.problems.push(format!(
                    "a row of table Packages has an unreadable hnum: {e}"
                ));
                continue;
            }
        };
        let Ok(hnum) = u32::try_from(hnum) else {
            scan.problems.push(format!(
                "hnum {hnum}: out of range for an rpm header number"
            ));
            continue;
        };
        match row.get_ref(1) {
            Ok(rusqlite::types::ValueRef::Blob(b)) => scan.record(hnum, b),
            Ok(other) => scan.problems.push(format!(
                "hnum {hnum}: column blob holds {}, expected a BLOB",
                other.data_type()
            )),
            Err(e) => scan
                .problems
                .push(format!("hnum {hnum}: column blob is unreadable: {e}")),
        }
    }
    Ok(())
}

/// A note when a non-empty write-ahead log sits next to the database: rpm checkpoints it on
/// exit, so a non-empty one means rpm is running or was killed, and the newest changes were
/// not read (immutable mode cannot read a log without writing `-shm`).
pub(crate) fn wal_warning(path: &Path) -> Option<String> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let len = std::fs::metadata(&wal).ok()?.len();
    (len > 0).then(|| {
        format!(
            "{} holds {len} bytes of changes not yet written into the database (rpm running or interrupted); \
             packages changed since rpm's last checkpoint were not read",
            Path::new(&wal).file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// URI escaping keeps ordinary path characters and escapes `?`, `#`, `%`, spaces.
    #[test]
    fn uri_path_escapes_query_characters() {
        assert_eq!(
            uri_path(Path::new("/a b/c?d#e%f&g=h")),
            "/a%20b/c%3Fd%23e%25f%26g%3Dh"
        );
    }
}
