//! Readers for the public registries: IEEE CSVs, `usb.ids`/`pci.ids`, IANA enterprise numbers.
//!
//! The parsers take the file's text and a name for error messages, so they can be tested on
//! small excerpts; [`read_input`] adds what only the file system knows (checksum, snapshot date).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

/// One assignment as the registry states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The key in the form `generated/*.tsv` uses (see `proscribe_catalog::generated`).
    pub(crate) key: String,
    /// The organisation's name, as spelled in the registry.
    pub(crate) organization: String,
}

/// Where a table's records came from, for the provenance header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The path as given on the command line.
    pub(crate) path: String,
    /// `sha256:<hex>` of the file, so a table names exactly the snapshot it was built from.
    pub(crate) sha256: String,
    /// The snapshot date and how it was determined.
    pub(crate) snapshot: String,
}

/// Every record of one registry, with the files they came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry {
    /// All assignments, in file order.
    pub(crate) records: Vec<Record>,
    /// The input files.
    pub(crate) inputs: Vec<Input>,
    /// The licence line for the header.
    pub(crate) licence: String,
}

/// The registry file formats this task reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IanaFormat {
    /// Wireshark's `enterprises.tsv`: `<number><whitespace><name>[\t# comment]`.
    WiresharkTsv,
    /// IANA's own `enterprise-numbers.txt`: the number alone, then indented organisation,
    /// contact and e-mail lines.
    IanaText,
}

/// Reads a file's bytes and checksum.
fn read_bytes(path: &Path) -> Result<(Vec<u8>, String)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let digest = Sha256::digest(&bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    Ok((bytes, format!("sha256:{hex}")))
}

fn utf8(bytes: Vec<u8>, path: &Path) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "`{}`: not UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The date part of a Unix time, `YYYY-MM-DD` (UTC).
fn unix_date(secs: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.format("%Y-%m-%d").to_string())
}

/// The file's modification date, the last resort for a snapshot date.
fn mtime_snapshot(path: &Path) -> Result<String> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("cannot read the modification time of `{}`", path.display()))?;
    let secs = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let date = unix_date(secs)
        .with_context(|| format!("`{}`: modification time out of range", path.display()))?;
    Ok(format!("{date} (file modification time)"))
}

// ---------------------------------------------------------------------------------------------
// IEEE MA-L / MA-M / MA-S / IAB

/// The IEEE CSV files read from `--ieee-dir`: (file name, required).
pub(crate) const IEEE_FILES: [(&str, bool); 4] = [
    ("oui.csv", true),
    ("mam.csv", true),
    ("oui36.csv", true),
    ("iab.csv", false),
];

/// Where Debian's `ieee-data` package installs the CSVs; its changelog dates them.
const DEBIAN_IEEE_DIR: &str = "/usr/share/ieee-data";
const DEBIAN_IEEE_CHANGELOGS: [&str; 2] = [
    "/usr/share/doc/ieee-data/changelog.Debian.gz",
    "/usr/share/doc/ieee-data/changelog.gz",
];

/// Parses one IEEE registry CSV (`Registry,Assignment,Organization Name,Organization Address`,
/// RFC 4180 quoting). Keys are upper-case hex of the length the registry implies.
pub(crate) fn parse_ieee_csv(text: &[u8], origin: &str) -> Result<Vec<Record>> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text);
    let headers = reader
        .headers()
        .with_context(|| format!("`{origin}`: cannot read the CSV header"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .with_context(|| {
                format!(
                    "`{origin}`: no `{name}` column in header `{}`",
                    headers.iter().collect::<Vec<_>>().join(",")
                )
            })
    };
    let (reg_col, key_col, org_col) = (
        column("Registry")?,
        column("Assignment")?,
        column("Organization Name")?,
    );
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e
                .position()
                .map_or(String::new(), |p| format!(":{}", p.line()));
            anyhow::anyhow!("`{origin}{line}`: malformed CSV: {e}")
        })?;
        let line = row.position().map_or(0, csv::Position::line);
        let field = |i: usize| row.get(i).unwrap_or("").trim();
        let (registry, key) = (field(reg_col), field(key_col).to_ascii_uppercase());
        let expected_len = match registry {
            "MA-L" => 6,
            "MA-M" => 7,
            "MA-S" | "IAB" => 9,
            other => bail!(
                "`{origin}:{line}`: unknown registry `{other}` (expected MA-L, MA-M, MA-S or IAB)"
            ),
        };
        if key.len() != expected_len || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("`{origin}:{line}`: assignment `{key}` is not {expected_len} hex digits as {registry} requires");
        }
        records.push(Record {
            key,
            organization: field(org_col).to_owned(),
        });
    }
    Ok(records)
}

/// The version in the first line of a Debian changelog: `ieee-data (20220827.1) unstable; …`.
pub(crate) fn debian_changelog_version(first_line: &str) -> Option<&str> {
    let open = first_line.find('(')?;
    let close = first_line[open..].find(')')? + open;
    Some(&first_line[open + 1..close]).filter(|v| !v.is_empty())
}

/// `20220827.1` → `2022-08-27` (ieee-data versions are the download date).
pub(crate) fn date_of_version(version: &str) -> Option<String> {
    let digits = version.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}",
        &digits[..4],
        &digits[4..6],
        &digits[6..8]
    ))
}

/// The IEEE CSVs carry no date: use the Debian package version when the files are the
/// package's own, else the `.lastupdate` stamp `update-ieee-data` writes, else the mtime.
fn ieee_snapshot(dir: &Path, file: &Path) -> Result<String> {
    let is_package_dir = std::fs::canonicalize(dir).is_ok_and(|d| d == Path::new(DEBIAN_IEEE_DIR));
    if is_package_dir {
        for changelog in DEBIAN_IEEE_CHANGELOGS {
            let Ok(gz) = std::fs::read(changelog) else {
                continue;
            };
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text)
                .with_context(|| format!("cannot decompress `{changelog}`"))?;
            let first = text.lines().next().unwrap_or("");
            let version = debian_changelog_version(first)
                .with_context(|| format!("`{changelog}:1`: no version in `{first}`"))?;
            let date = date_of_version(version).unwrap_or_else(|| "undated".into());
            return Ok(format!(
                "{date} (Debian package ieee-data {version}, from {changelog})"
            ));
        }
    }
    let stamp = dir.join(".lastupdate");
    if let Ok(text) = std::fs::read_to_string(&stamp) {
        let secs: i64 = text.trim().parse().with_context(|| {
            format!(
                "`{}`: expected a Unix time, found `{}`",
                stamp.display(),
                text.trim()
            )
        })?;
        let date =
            unix_date(secs).with_context(|| format!("`{}`: time out of range", stamp.display()))?;
        return Ok(format!(
            "{date} (download time in .lastupdate, written by update-ieee-data)"
        ));
    }
    mtime_snapshot(file)
}

/// Reads every IEEE CSV in `dir`.
pub(crate) fn read_ieee(dir: &Path) -> Result<Registry> {
    let mut registry = Registry {
        licence: "IEEE Registration Authority public listing, https://standards-oui.ieee.org/ \
                  (Debian's ieee-data records the lists as \"Public Domain\", (c) IEEE)"
            .into(),
        ..Registry::default()
    };
    for (name, required) in IEEE_FILES {
        let path = dir.join(name);
        if !required && !path.exists() {
            continue;
        }
        let (bytes, sha256) = read_bytes(&path)?;
        registry
            .records
            .extend(parse_ieee_csv(&bytes, &path.display().to_string())?);
        let snapshot = ieee_snapshot(dir, &path)?;
        registry.inputs.push(Input {
            path: path.display().to_string(),
            sha256,
            snapshot,
        });
    }
    Ok(registry)
}

// ---------------------------------------------------------------------------------------------
// usb.ids / pci.ids

/// The vendors of a `usb.ids` or `pci.ids` file, with its `Version:`/`Date:` header values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdsFile {
    /// Vendor lines: key = four lower-case hex digits.
    pub(crate) vendors: Vec<Record>,
    /// The `# Version:` header value.
    pub(crate) version: Option<String>,
    /// The `# Date:` header value.
    pub(crate) date: Option<String>,
}

/// Parses the vendor section of a `usb.ids`/`pci.ids` file.
///
/// Vendor lines are four hex digits at the start of the line, two spaces and the name;
/// tab-indented device and interface lines are skipped. The first top-level line of any other
/// shape (`C 00  Audio`, `AT 0100  …`) starts the class and lookup sections, which reuse
/// the indentation scheme for other kinds of ids, so reading stops there.
pub(crate) fn parse_ids(text: &str, origin: &str) -> Result<IdsFile> {
    let mut file = IdsFile::default();
    for (n, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            if file.vendors.is_empty() {
                let comment = comment.trim();
                if let Some(v) = comment.strip_prefix("Version:") {
                    file.version.get_or_insert_with(|| v.trim().to_owned());
                } else if let Some(d) = comment.strip_prefix("Date:") {
                    file.date.get_or_insert_with(|| d.trim().to_owned());
                }
            }
            continue;
        }
        if line.trim().is_empty() || line.starts_with('\t') {
            continue;
        }
        let head = line
            .get(..4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(head) = head else { break };
        let name = line[4..]
            .strip_prefix("  ")
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let Some(name) = name else {
            bail!(
                "`{origin}:{}`: vendor line `{line}` is not `<4 hex digits><two spaces><name>`",
                n + 1
            );
        };
        file.vendors.push(Record {
            key: head.to_ascii_lowercase(),
            organization: name.to_owned(),
        });
    }
    Ok(file)
}

/// Reads a `usb.ids` or `pci.ids` file.
pub(crate) fn read_ids(path: &Path, licence: &str) -> Result<Registry> {
    let (bytes, sha256) = read_bytes(path)?;
    let origin = path.display().to_string();
    let text = utf8(bytes, path)?;
    let ids = parse_ids(&text, &origin)?;
    let snapshot = match (&ids.date, &ids.version) {
        (Some(date), Some(version)) => format!("{date} (file header, Version {version})"),
        (Some(date), None) => format!("{date} (file header)"),
        (None, Some(version)) => format!("{version} (file header Version)"),
        (None, None) => mtime_snapshot(path)?,
    };
    Ok(Registry {
        records: ids.vendors,
        inputs: vec![Input {
            path: origin,
            sha256,
            snapshot,
        }],
        licence: licence.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// IANA Private Enterprise Numbers

/// Enterprise numbers with the file's `last updated` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IanaFile {
    /// key = decimal number.
    pub(crate) records: Vec<Record>,
    /// The `(last updated YYYY-MM-DD)` value.
    pub(crate) last_updated: Option<String>,
    /// Which of the two formats the file is in.
    pub(crate) format: IanaFormat,
}

/// Parses Wireshark's `enterprises.tsv` or IANA's `enterprise-numbers.txt`.
///
/// In both a line starting with a decimal number at column 0 begins an entry: in the TSV the
/// name follows on the same line (a trailing `<TAB># formerly …` is a comment; a `#` inside a
/// name, as in "School District #57", is not), in IANA's text the number stands alone and the
/// organisation is the next, indented, line.
pub(crate) fn parse_iana(text: &str, origin: &str) -> Result<IanaFile> {
    let mut records = Vec::new();
    let mut last_updated = None;
    let mut format = None;
    let mut pending: Option<(usize, &str)> = None;
    for (n, line) in text.lines().enumerate() {
        if last_updated.is_none() {
            if let Some(rest) = line
                .find("(last updated ")
                .map(|i| &line[i + "(last updated ".len()..])
            {
                last_updated = rest.split(')').next().map(|d| d.trim().to_owned());
            }
        }
        if let Some((_, number)) = pending.take() {
            let org = line.trim();
            if line.starts_with([' ', '\t']) && !org.is_empty() {
                records.push(Record {
                    key: number.to_owned(),
                    organization: org.to_owned(),
                });
                continue;
            }
            // An entry without an organisation line: nothing to match, keep reading.
        }
        if line.starts_with('#') || !line.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let digits_end = line
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(line.len());
        let (number, rest) = line.split_at(digits_end);
        let normalised = number.trim_start_matches('0');
        let number = if normalised.is_empty() {
            "0"
        } else {
            normalised
        };
        if rest.trim().is_empty() {
            format.get_or_insert(IanaFormat::IanaText);
            pending = Some((n + 1, number));
            continue;
        }
        if !rest.starts_with([' ', '\t']) {
            bail!(
                "`{origin}:{}`: expected `<number> <name>`, found `{line}`",
                n + 1
            );
        }
        // The name starts after the whitespace (it may itself begin with `#`, as
        // "#B4mad Research Lab Organization" does); a later `<TAB>#` starts a comment.
        let name = rest.trim_start().split("\t#").next().unwrap_or("").trim();
        if name.is_empty() {
            bail!("`{origin}:{}`: enterprise {number} has no name", n + 1);
        }
        format.get_or_insert(IanaFormat::WiresharkTsv);
        records.push(Record {
            key: number.to_owned(),
            organization: name.to_owned(),
        });
    }
    let Some(format) = format else {
        bail!("`{origin}`: no enterprise numbers found (neither `<number> <name>` lines nor IANA's format)");
    };
    Ok(IanaFile {
        records,
        last_updated,
        format,
    })
}

/// Reads an enterprise-numbers file in either format.
pub(crate) fn read_iana(path: &Path) -> Result<Registry> {
    let (bytes, sha256) = read_bytes(path)?;
    let origin = path.display().to_string();
    let text = utf8(bytes, path)?;
    let file = parse_iana(&text, &origin)?;
    let snapshot = match &file.last_updated {
        Some(date) => format!("{date} (the file's \"last updated\" line)"),
        None => mtime_snapshot(path)?,
    };
    let licence = match file.format {
        IanaFormat::IanaText => {
            "IANA Private Enterprise Numbers registry, https://www.iana.org/assignments/enterprise-numbers/ \
             (no licence stated in the file)"
        }
        IanaFormat::WiresharkTsv => {
            "IANA Private Enterprise Numbers registry, https://www.iana.org/assignments/enterprise-numbers/, \
             as converted into Wireshark's enterprises.tsv (distributed under GPL-2.0-or-later)"
        }
    };
    Ok(Registry {
        records: file.records,
        inputs: vec![Input {
            path: origin,
            sha256,
            snapshot,
        }],
        licence: licence.into(),
    })
}

/// Default input: Debian package `ieee-data`.
pub(crate) const DEFAULT_IEEE_DIR: &str = DEBIAN_IEEE_DIR;
/// Default input: Debian package `usb.ids`.
pub(crate) const DEFAULT_USB_IDS: &str = "/usr/share/misc/usb.ids";
/// Default input: Debian package `pci.ids`.
pub(crate) const DEFAULT_PCI_IDS: &str = "/usr/share/misc/pci.ids";
/// Default input: Debian package `libwireshark-data`.
pub(crate) const DEFAULT_IANA: &str = "/usr/share/wireshark/enterprises.tsv";
