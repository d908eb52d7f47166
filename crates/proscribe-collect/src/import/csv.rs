//! CSV exports of asset managers and MDM consoles (Intune "Discovered apps", spreadsheets
//! of installed software, device lists).
//!
//! Such files have no standard: the header names the columns. Common names are mapped
//! automatically (`Application name`, `Publisher`, `Version`, `Device name`, `Bundle ID`
//! …, compared without case, spaces or punctuation); `--map COLUMN=FIELD` says what a
//! column holds when the header is unusual. The delimiter (`,` `;` tab `|`) is guessed
//! from the header line, and the encoding from the byte order mark: UTF-8 with or without
//! BOM, UTF-16LE/BE with BOM (Excel's "Unicode text" export is UTF-16LE, tab-separated).
//! Other encodings are read with replacement characters and reported.
//!
//! A row with the wrong number of fields is reported with its line and skipped; the other
//! rows are kept. Each row becomes one item whose `location.detail` is `line N`, with the
//! host (when a column names it) in `attrs["host"]` and the unmapped columns as attributes.

use std::io::{BufReader, Read};

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::linux::text::{excerpt, Problems};
use crate::{CollectError, Collector, Confidence, Input, Options, Sink};

/// The CSV importer.
pub struct Csv;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The item's name.
    Name,
    /// Its version.
    Version,
    /// Its publisher, vendor or manufacturer.
    Publisher,
    /// The host it was found on.
    Host,
    /// A bundle id or Android package name (`com.kaspersky.kav`), platform unknown.
    AppId,
    /// The device platform (`Windows`, `Android`, `iOS`), which says whether an item is a
    /// mobile app.
    Platform,
    /// An identifier of a known kind.
    Id(IdentifierKind),
    /// A column to leave out of the item.
    Ignore,
}

impl Field {
    /// Parses a `--map` field name.
    pub fn parse(s: &str) -> Option<Field> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "name" => Self::Name,
            "version" => Self::Version,
            "publisher" | "vendor" | "manufacturer" => Self::Publisher,
            "host" | "hostname" => Self::Host,
            "app-id" => Self::AppId,
            "platform" => Self::Platform,
            "ignore" => Self::Ignore,
            other => Self::Id(IdentifierKind::parse(other)?),
        })
    }

    /// The names `--map` accepts, for messages.
    pub fn names() -> String {
        let mut names = vec![
            "name",
            "version",
            "publisher",
            "host",
            "app-id",
            "platform",
            "ignore",
        ];
        names.extend(IdentifierKind::ALL.iter().map(|k| k.as_str()));
        names.join(", ")
    }
}

/// One `--map COLUMN=FIELD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// The column header as written in the file (compared without case).
    pub column: String,
    /// What it holds.
    pub field: Field,
}

impl ColumnMap {
    /// Parses `COLUMN=FIELD`.
    ///
    /// # Errors
    /// A one-line message when the text has no `=`, an empty column, or an unknown field.
    pub fn parse(spec: &str) -> Result<ColumnMap, String> {
        let (column, field) = spec
            .rsplit_once('=')
            .ok_or_else(|| format!("`{spec}`: expected COLUMN=FIELD"))?;
        let column = column.trim();
        if column.is_empty() {
            return Err(format!("`{spec}`: the column name is empty"));
        }
        let field = Field::parse(field).ok_or_else(|| {
            format!(
                "`{spec}`: unknown field `{}` (known: {})",
                field.trim(),
                Field::names()
            )
        })?;
        Ok(ColumnMap {
            column: column.to_owned(),
            field,
        })
    }
}

/// The field a header names, from the names asset managers and MDM consoles use.
/// Intune's discovered-apps export (`AppInvRawData`, `AppInvAggregate`) names its columns
/// `ApplicationName`, `ApplicationPublisher`, `ApplicationVersion`, `DeviceName`, `Platform`.
fn auto_field(header: &str) -> Option<Field> {
    let key: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "name" | "product" | "productname" | "application" | "applicationname" | "app"
        | "appname" | "displayname" | "software" | "softwarename" | "softwaretitle" | "program"
        | "programname" | "title" => Field::Name,
        "publisher"
        | "publishername"
        | "applicationpublisher"
        | "vendor"
        | "vendorname"
        | "manufacturer"
        | "developer"
        | "company" => Field::Publisher,
        "version" | "productversion" | "appversion" | "applicationversion" | "displayversion"
        | "softwareversion" | "versionnumber" => Field::Version,
        "host" | "hostname" | "devicename" | "device" | "computer" | "computername" | "machine"
        | "machinename" | "endpoint" => Field::Host,
        "bundleid"
        | "bundleidentifier"
        | "packageid"
        | "packagename"
        | "appid"
        | "appidentifier"
        | "applicationid"
        | "applicationidentifier" => Field::AppId,
        "platform" | "os" | "operatingsystem" => Field::Platform,
        "productcode" | "msiproductcode" | "identifyingnumber" => {
            Field::Id(IdentifierKind::WindowsProductCode)
        }
        "mac" | "macaddress" | "wifimac" | "wifimacaddress" | "ethernetmac" => {
            Field::Id(IdentifierKind::Mac)
        }
        _ => return None,
    })
}

/// The text encodings recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// The encoding and the length of its byte order mark.
fn detect_encoding(head: &[u8]) -> (Encoding, usize) {
    if head.starts_with(b"\xEF\xBB\xBF") {
        (Encoding::Utf8, 3)
    } else if head.starts_with(b"\xFF\xFE") {
        (Encoding::Utf16Le, 2)
    } else if head.starts_with(b"\xFE\xFF") {
        (Encoding::Utf16Be, 2)
    } else {
        (Encoding::Utf8, 0)
    }
}

/// The head as text, whatever its encoding (lossy; a cut character at the end is fine).
fn head_text(head: &[u8]) -> (Encoding, String) {
    let (enc, bom) = detect_encoding(head);
    let body = &head[bom..];
    let text = match enc {
        Encoding::Utf8 => String::from_utf8_lossy(body).into_owned(),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let units = body.chunks_exact(2).map(|c| {
                if enc == Encoding::Utf16Le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
    };
    (enc, text)
}

/// The delimiter of a header line: the candidate seen most often outside quotes.
fn detect_delimiter(header: &str) -> Option<u8> {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let (i, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, 3 - *i))?;
    (n > 0).then_some(candidates[i])
}

/// Splits a header line (good enough for sniffing; reading uses a real CSV parser).
fn split_header(line: &str, delim: u8) -> Vec<String> {
    line.split(char::from(delim))
        .map(|f| f.trim().trim_matches('"').trim().to_owned())
        .collect()
}

impl Collector for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    /// Delimited text whose header names an item column (`Medium`), or any delimited
    /// text with at least two columns (`Low`, so `--map` can say what it holds).
    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        let (enc, text) = head_text(input.head);
        if enc == Encoding::Utf8 && input.head.contains(&0) {
            return None;
        }
        let first = text.trim_start().chars().next()?;
        if matches!(first, '{' | '[' | '<') {
            return None;
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        {
            return None;
        }
        let header = text.lines().find(|l| !l.trim().is_empty())?;
        let delim = detect_delimiter(header)?;
        let columns = split_header(header, delim);
        if columns.len() < 2 {
            return None;
        }
        if columns.iter().any(|c| auto_field(c) == Some(Field::Name)) {
            Some(Confidence::Medium)
        } else {
            Some(Confidence::Low)
        }
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        self.collect_with(input, &Options::default(), sink)
    }

    fn collect_with(
        &self,
        input: &Input<'_>,
        options: &Options,
        sink: &mut dyn Sink,
    ) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format("is a directory: expected a CSV file"));
        }
        let (enc, text) = head_text(input.head);
        let header_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let delim = detect_delimiter(header_line).unwrap_or(b',');
        let (_, bom) = detect_encoding(input.head);
        let mut file = BufReader::with_capacity(64 * 1024, std::fs::File::open(input.path)?);
        std::io::copy(&mut (&mut file).take(bom as u64), &mut std::io::sink())?;
        let reader: Box<dyn Read> = match enc {
            Encoding::Utf8 => Box::new(file),
            Encoding::Utf16Le => Box::new(Utf16Reader::new(file, false)),
            Encoding::Utf16Be => Box::new(Utf16Reader::new(file, true)),
        };
        let mut csv = ::csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        // The CSV parser starts a record's position before the `\n` of a CRLF that ended
        // the previous one, so its line numbers run one short in CRLF files.
        let crlf = text.contains("\r\n");
        read_rows(input, options.columns, crlf, &mut csv, sink)
    }
}

fn read_rows(
    input: &Input<'_>,
    maps: &[ColumnMap],
    crlf: bool,
    csv: &mut ::csv::Reader<Box<dyn Read>>,
    sink: &mut dyn Sink,
) -> Result<(), CollectError> {
    let mut record = ::csv::ByteRecord::new();
    let mut problems = Problems::default();
    let mut bad_text: Option<(usize, usize)> = None; // (first line, count)
    let read = |csv: &mut ::csv::Reader<Box<dyn Read>>, record: &mut ::csv::ByteRecord| {
        csv.read_byte_record(record).map_err(|e| match e.kind() {
            ::csv::ErrorKind::Io(io) => CollectError::format(format!("cannot read: {io}")),
            _ => CollectError::format(format!("not readable as CSV: {e}")),
        })
    };
    // The header: the first non-empty record.
    let header: Vec<String> = loop {
        if !read(csv, &mut record)? {
            return Err(CollectError::format(
                "no header line: the file holds no rows",
            ));
        }
        if record.iter().any(|f| !f.trim_ascii().is_empty()) {
            break record
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                .collect();
        }
    };
    let mut fields: Vec<Option<Field>> = header.iter().map(|h| auto_field(h)).collect();
    for m in maps {
        let Some(i) = header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(m.column.trim()))
        else {
            return Err(CollectError::format(format!(
                "--map column `{}` is not in the header (columns: {})",
                excerpt(&m.column),
                header
                    .iter()
                    .map(|h| excerpt(h))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        // An explicit mapping wins over a guessed one, for this column and the field.
        for f in fields.iter_mut() {
            if *f == Some(m.field) && m.field != Field::Ignore {
                *f = None;
            }
        }
        fields[i] = Some(m.field);
    }
    let Some(name_col) = fields.iter().position(|f| *f == Some(Field::Name)) else {
        return Err(CollectError::format(format!(
            "no column holds the item name (columns: {}); name it with --map COLUMN=name",
            header
                .iter()
                .map(|h| excerpt(h))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    while read(csv, &mut record)? {
        let line = record.position().map_or(0, |p| p.line() as usize) + usize::from(crlf);
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue;
        }
        if record.len() != header.len() {
            problems.push(format!(
                "line {line}: {} fields, the header has {}; row skipped",
                record.len(),
                header.len()
            ));
            continue;
        }
        let mut cell = |i: usize| -> Option<String> {
            let raw = &record[i];
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t.to_owned(),
                Err(_) => {
                    let (first, n) = bad_text.get_or_insert((line, 0));
                    let _ = first;
                    *n += 1;
                    String::from_utf8_lossy(raw).into_owned()
                }
            };
            let t = text.trim();
            (!t.is_empty()).then(|| t.to_owned())
        };
        let Some(name) = cell(name_col) else {
            continue;
        };
        let location = Location {
            target: input.target.to_owned(),
            collector: "csv".to_owned(),
            path: input.display.to_owned(),
            detail: Some(format!("line {line}")),
        };
        let mut item = Item::new(ItemKind::Application, name, location);
        let mut platform = None;
        for (i, field) in fields.iter().enumerate() {
            if i == name_col {
                continue;
            }
            let Some(value) = cell(i) else {
                continue;
            };
            match field {
                Some(Field::Name) => {}
                Some(Field::Version) => item.version = Some(value),
                Some(Field::Publisher) => item.publisher = Some(value),
                Some(Field::Host) => {
                    item.attrs.insert("host".to_owned(), value);
                }
                Some(Field::Platform) => {
                    platform = Some(value.to_ascii_lowercase());
                    item.attrs.insert("platform".to_owned(), value);
                }
                Some(Field::AppId) => {
                    // Intune's ApplicationId and the like are GUIDs, not app ids.
                    let reverse_dns = value.contains('.')
                        && !value.contains(char::is_whitespace)
                        && !value.starts_with('{');
                    if reverse_dns {
                        item.identifiers
                            .push(Identifier::new(IdentifierKind::BundleId, value.clone()));
                        item.identifiers.push(Identifier::new(
                            IdentifierKind::AndroidPackage,
                            value.clone(),
                        ));
                    }
                    item.attrs.insert(header[i].clone(), value);
                }
                Some(Field::Id(kind)) => {
                    let value = if *kind == IdentifierKind::Mac {
                        value.to_ascii_lowercase().replace('-', ":")
                    } else {
                        value
                    };
                    item.identifiers.push(Identifier::new(*kind, value));
                }
                Some(Field::Ignore) => {}
                None => {
                    item.attrs.insert(header[i].clone(), value);
                }
            }
        }
        if let Some(p) = platform {
            if ["android", "ios", "ipados"].iter().any(|m| p.contains(m)) {
                item.kind = ItemKind::MobileApp;
                // The platform says which of the two app-id kinds this is.
                let drop = if p.contains("android") {
                    IdentifierKind::BundleId
                } else {
                    IdentifierKind::AndroidPackage
                };
                item.identifiers.retain(|id| id.kind != drop);
            }
        }
        sink.push(item);
    }
    if let Some((first, n)) = bad_text {
        problems.push(format!(
            "line {first}: {n} field(s) are not valid UTF-8 and were read with replacement characters; save the file as UTF-8 or UTF-16"
        ));
    }
    problems.into_result()
}

/// Decodes UTF-16 into UTF-8 as it is read, so the CSV parser sees UTF-8 and memory stays
/// bounded. Unpaired surrogates become U+FFFD.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    carry: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Self {
            inner,
            big_endian,
            carry: Vec::new(),
            out: Vec::new(),
            pos: 0,
        }
    }

    /// Decodes the next chunk into `out`; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        let mut raw = std::mem::take(&mut self.carry);
        let start = raw.len();
        raw.resize(start + 16 * 1024, 0);
        let n = self.inner.read(&mut raw[start..])?;
        raw.truncate(start + n);
        if n == 0 {
            if raw.is_empty() {
                return Ok(false);
            }
            // An odd final byte or a lone high surrogate at the very end.
            self.out.extend_from_slice("\u{FFFD}".as_bytes());
            return Ok(true);
        }
        let even = raw.len() & !1;
        let unit = |c: &[u8]| {
            if self.big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        };
        let mut units: Vec<u16> = raw[..even].chunks_exact(2).map(unit).collect();
        let mut carry = raw[even..].to_vec();
        if units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            // A high surrogate whose pair is in the next chunk.
            let mut kept = raw[even - 2..even].to_vec();
            kept.extend_from_slice(&carry);
            carry = kept;
            units.pop();
        }
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut b = [0; 4];
            self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
        self.carry = carry;
        Ok(true)
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The delimiter is the most frequent candidate outside quotes.
    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("Name,Version,Publisher"), Some(b','));
        assert_eq!(
            detect_delimiter("Name;Version;\"Publisher, Inc\""),
            Some(b';')
        );
        assert_eq!(detect_delimiter("Name\tVersion"), Some(b'\t'));
        assert_eq!(detect_delimiter("Name|Version"), Some(b'|'));
        assert_eq!(detect_delimiter("Name"), None);
    }

    /// Headers are compared without case, spaces or punctuation.
    #[test]
    fn headers() {
        assert_eq!(auto_field("Application name"), Some(Field::Name));
        assert_eq!(auto_field("ApplicationName"), Some(Field::Name));
        assert_eq!(auto_field("Device Name"), Some(Field::Host));
        assert_eq!(auto_field("bundle_id"), Some(Field::AppId));
        assert_eq!(auto_field("Manufacturer"), Some(Field::Publisher));
        assert_eq!(auto_field("Install date"), None);
    }

    /// `--map` parses fields and rejects unknown ones with the list of known fields.
    #[test]
    fn map_specs() {
        assert_eq!(
            ColumnMap::parse("Soft=name").unwrap(),
            ColumnMap {
                column: "Soft".into(),
                field: Field::Name
            }
        );
        assert_eq!(
            ColumnMap::parse("A=B=bundle-id").unwrap().field,
            Field::Id(IdentifierKind::BundleId)
        );
        let e = ColumnMap::parse("Soft=colour").unwrap_err();
        assert!(e.contains("unknown field `colour`"), "{e}");
        assert!(ColumnMap::parse("nothing").is_err());
    }

    /// UTF-16 is decoded across chunk boundaries, surrogate pairs included.
    #[test]
    fn utf16_decoding() {
        let text = "Name\tVersion\r\n𝕂aspersky\t1\r\n".repeat(3000);
        for be in [false, true] {
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            let mut out = String::new();
            Utf16Reader::new(&bytes[..], be)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        let mut out = String::new();
        Utf16Reader::new(&[0x41, 0x00, 0x42][..], false)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "A\u{FFFD}");
    }
}
