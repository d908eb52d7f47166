//! Phones and tablets: `pm list packages` and `dumpsys package` output from Android, and
//! the discovered-apps export of Microsoft Intune (Android, iOS/iPadOS, and desktops).
//!
//! An auditor rarely gets a phone image; what they get is the output of a command run over
//! adb or a CSV exported from the MDM console. The app id (`com.zhiliaoapp.musically`)
//! is the strong identifier in all of them.

use std::collections::HashSet;
use std::io::BufReader;

use proscribe_model::{Identifier, IdentifierKind, Item, ItemKind, Location};

use crate::linux::text::Lines;
use crate::{CollectError, Collector, Confidence, Input, Sink};

fn location(input: &Input<'_>, collector: &str, line: usize) -> Location {
    Location {
        target: input.target.to_owned(),
        collector: collector.to_owned(),
        path: input.display.to_owned(),
        detail: Some(format!("line {line}")),
    }
}

fn open(input: &Input<'_>) -> Result<Lines<BufReader<std::fs::File>>, CollectError> {
    if input.is_dir {
        return Err(CollectError::format(
            "is a directory: expected a text file of command output",
        ));
    }
    Ok(Lines::new(BufReader::new(std::fs::File::open(input.path)?)))
}

/// Whether `s` is an Android application id: dot-separated Java identifiers
/// (`com.example.app`), at least two segments.
fn is_app_id(s: &str) -> bool {
    let mut parts = 0;
    for part in s.split('.') {
        parts += 1;
        let mut chars = part.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !(first.is_ascii_alphabetic() || first == '_')
            || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return false;
        }
    }
    parts >= 2
}

/// The first non-blank line of the sniffed head.
fn first_line(head: &[u8]) -> Option<&str> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.split(|&b| b == b'\n')
        .map(|l| std::str::from_utf8(l).ok().map(str::trim))
        .find(|l| l.is_none_or(|l| !l.is_empty()))
        .flatten()
}

/// `adb shell pm list packages` output, plain or with `-f` (APK path), `-U` (uid),
/// `-i` (installer) and `--show-versioncode`.
pub struct PmList;

impl Collector for PmList {
    fn name(&self) -> &'static str {
        "android-pm"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        let line = first_line(input.head)?;
        let rest = line.strip_prefix("package:")?;
        let id = rest.split_whitespace().next()?;
        let id = id.rsplit_once('=').map_or(id, |(_, id)| id);
        is_app_id(id).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut lines = open(input)?;
        while let Some(line) = lines.next_line()? {
            let text = String::from_utf8_lossy(line.bytes);
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            let item = pm_line(text)
                .map_err(|e| CollectError::format(format!("line {}: {e}", line.number)))?;
            let (id, attrs) = item;
            let mut item = Item::new(
                ItemKind::MobileApp,
                id.clone(),
                location(input, self.name(), line.number),
            );
            item.identifiers
                .push(Identifier::new(IdentifierKind::AndroidPackage, id));
            item.attrs.extend(attrs);
            item.attrs.insert("platform".into(), "Android".into());
            sink.push(item);
        }
        Ok(())
    }
}

type PmLine = (String, Vec<(String, String)>);

/// `package:[<apk path>=]<id>[ versionCode:<n>][ installer=<pkg>][ uid:<n>]`.
fn pm_line(text: &str) -> Result<PmLine, String> {
    let Some(rest) = text.strip_prefix("package:") else {
        return Err(format!(
            "expected `package:<application id>`, found `{}`",
            shorten(text)
        ));
    };
    let mut tokens = rest.split_whitespace();
    let first = tokens.next().unwrap_or("");
    // With -f the APK path comes first; ids never hold `=`, paths may (`~~aGVsbG8=`).
    let (path, id) = match first.rsplit_once('=') {
        Some((path, id)) => (Some(path), id),
        None => (None, first),
    };
    if !is_app_id(id) {
        return Err(format!(
            "`{}` is not an Android application id",
            shorten(id)
        ));
    }
    let mut attrs = Vec::new();
    if let Some(path) = path {
        attrs.push(("apk".to_owned(), path.to_owned()));
    }
    for token in tokens {
        let (key, value) = token
            .split_once(':')
            .or_else(|| token.split_once('='))
            .ok_or_else(|| format!("unexpected `{}` after the application id", shorten(token)))?;
        let key = match key {
            "versionCode" => "version_code",
            "uid" => "uid",
            "installer" => "installer",
            other => return Err(format!("unknown field `{}`", shorten(other))),
        };
        attrs.push((key.to_owned(), value.to_owned()));
    }
    Ok((id.to_owned(), attrs))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// `adb shell dumpsys package` output: `Package [com.x] (hash):` blocks with
/// `versionName=`, `versionCode=` and `codePath=` lines.
pub struct DumpsysPackage;

/// The package id of a `Package [com.x] (1a2b3c):` line.
fn dumpsys_header(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("Package [")?;
    let (id, tail) = rest.split_once(']')?;
    (tail.trim_start().starts_with('(') && tail.trim_end().ends_with(':')).then_some(id)
}

impl Collector for DumpsysPackage {
    fn name(&self) -> &'static str {
        "android-dumpsys"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        let head = String::from_utf8_lossy(input.head);
        let headers = head.lines().filter_map(dumpsys_header).count();
        let fields = head.contains("versionName=") || head.contains("codePath=");
        (headers > 0 && fields).then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut lines = open(input)?;
        // The same package appears again under "Hidden system packages:" (the factory
        // version of an updated system app): one item per id, the first seen.
        let mut seen = HashSet::new();
        let mut current: Option<Item> = None;
        let mut headers = 0;
        while let Some(line) = lines.next_line()? {
            let text = String::from_utf8_lossy(line.bytes);
            if let Some(id) = dumpsys_header(&text) {
                headers += 1;
                if let Some(item) = current.take() {
                    sink.push(item);
                }
                if !is_app_id(id) {
                    return Err(CollectError::format(format!(
                        "line {}: `{}` is not an Android application id",
                        line.number,
                        shorten(id)
                    )));
                }
                if seen.insert(id.to_owned()) {
                    let mut item = Item::new(
                        ItemKind::MobileApp,
                        id,
                        location(input, self.name(), line.number),
                    );
                    item.identifiers
                        .push(Identifier::new(IdentifierKind::AndroidPackage, id));
                    item.attrs.insert("platform".into(), "Android".into());
                    current = Some(item);
                }
                continue;
            }
            let indented = text.starts_with(' ') || text.starts_with('\t');
            if !indented {
                // A new top-level section ends the package list.
                if let Some(item) = current.take() {
                    sink.push(item);
                }
                continue;
            }
            let Some(item) = current.as_mut() else {
                continue;
            };
            for field in text.split_whitespace() {
                match field.split_once('=') {
                    Some(("versionName", v)) if item.version.is_none() => {
                        item.version = Some(v.to_owned());
                    }
                    Some(("versionCode", v)) => {
                        item.attrs.entry("version_code".into()).or_insert(v.into());
                    }
                    Some(("codePath", v)) => {
                        item.attrs.entry("code_path".into()).or_insert(v.into());
                    }
                    Some(("installerPackageName", v)) => {
                        item.attrs.entry("installer".into()).or_insert(v.into());
                    }
                    _ => {}
                }
            }
        }
        if let Some(item) = current.take() {
            sink.push(item);
        }
        if headers == 0 {
            return Err(CollectError::format(
                "no `Package [<id>] (<hash>):` lines: not `dumpsys package` output",
            ));
        }
        Ok(())
    }
}

/// The columns of Intune's discovered-apps exports (`AppInvRawData`, `AppInvAggregate`,
/// `AppInvByDevice`), as Microsoft documents them in "Intune reports and properties
/// available using Graph API":
/// <https://learn.microsoft.com/en-us/mem/intune/fundamentals/reports-export-graph-available-reports>
const INTUNE_NAME: &str = "ApplicationName";
const INTUNE_MARKERS: [&str; 4] = [
    "ApplicationKey",
    "ApplicationPublisher",
    "ApplicationShortVersion",
    "ApplicationVersion",
];

/// The discovered-apps CSV exported from Microsoft Intune (Apps > Monitor > Discovered
/// apps > Export, or the `AppInvRawData` / `AppInvAggregate` Graph export jobs).
pub struct IntuneCsv;

impl Collector for IntuneCsv {
    fn name(&self) -> &'static str {
        "intune-csv"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        let header = first_line(input.head)?;
        let columns: Vec<&str> = header
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        (columns.contains(&INTUNE_NAME)
            && INTUNE_MARKERS
                .iter()
                .filter(|m| columns.contains(m))
                .count()
                >= 2)
            .then_some(Confidence::High)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format("is a directory: expected a CSV file"));
        }
        let file = std::fs::File::open(input.path)?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(BufReader::new(file));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| CollectError::format(format!("line 1: {e}")))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let Some(name_col) = col(INTUNE_NAME) else {
            return Err(CollectError::format(
                "line 1: no ApplicationName column: not an Intune discovered-apps export",
            ));
        };
        let key_col = col("ApplicationKey");
        let publisher_col = col("ApplicationPublisher");
        let version_col = col("ApplicationVersion").or_else(|| col("ApplicationShortVersion"));
        // With `LocalizedValuesAsAdditionalColumn` the readable value is in `<col>_loc`.
        let platform_cols = [col("Platform_loc"), col("Platform")];
        let extra = [
            ("DeviceName", "device"),
            ("UserName", "user"),
            ("EmailAddress", "email"),
            ("OSDescription", "os"),
            ("OSVersion", "os_version"),
            ("DeviceCount", "device_count"),
        ];
        for (i, record) in reader.records().enumerate() {
            let number = i + 2;
            let record = record.map_err(|e| CollectError::format(csv_error(&e, number)))?;
            let get = |c: Option<usize>| {
                c.and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let Some(name) = get(Some(name_col)) else {
                continue;
            };
            let platform = platform_cols.iter().find_map(|c| get(*c)).unwrap_or("");
            let mobile = platform_kind(platform);
            let kind = if mobile.is_some() {
                ItemKind::MobileApp
            } else {
                ItemKind::Application
            };
            let mut item = Item::new(kind, name, location(input, self.name(), number));
            item.version = get(version_col).map(str::to_owned);
            item.publisher = get(publisher_col).map(str::to_owned);
            if let Some(id_kind) = mobile {
                // Intune shows app ids for mobile apps in the key or as the name.
                let mut ids: Vec<&str> = [get(key_col), Some(name)]
                    .into_iter()
                    .flatten()
                    .filter(|v| is_app_id(v))
                    .collect();
                ids.dedup();
                for id in ids {
                    item.identifiers.push(Identifier::new(id_kind, id));
                }
            }
            if !platform.is_empty() {
                item.attrs.insert("platform".into(), platform.to_owned());
            }
            if let Some(key) = get(key_col) {
                item.attrs.insert("application_key".into(), key.to_owned());
            }
            for (column, attr) in extra {
                if let Some(v) = get(col(column)) {
                    item.attrs.insert(attr.into(), v.to_owned());
                }
            }
            sink.push(item);
        }
        Ok(())
    }
}

/// One line about a CSV error, with the line it happened on.
fn csv_error(e: &csv::Error, number: usize) -> String {
    let line = e.position().map_or(number as u64, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("line {line}: {len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => format!("line {line}: not UTF-8 text"),
        _ => format!("line {line}: {e}"),
    }
}

/// The identifier kind of app ids on a platform; `None` for desktops.
fn platform_kind(platform: &str) -> Option<IdentifierKind> {
    let p = platform.to_ascii_lowercase();
    if p.contains("android") {
        Some(IdentifierKind::AndroidPackage)
    } else if p.contains("ios")
        || p.contains("ipados")
        || p.contains("iphone")
        || p.contains("ipad")
    {
        Some(IdentifierKind::BundleId)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every documented `pm list packages` shape.
    #[test]
    fn pm_line_shapes() {
        assert_eq!(
            pm_line("package:com.tencent.mm").unwrap().0,
            "com.tencent.mm"
        );
        let (id, attrs) = pm_line(
            "package:/data/app/~~Xy0_ab==/com.zhiliaoapp.musically-Qk9==/base.apk=com.zhiliaoapp.musically versionCode:2023509030 uid:10245",
        )
        .unwrap();
        assert_eq!(id, "com.zhiliaoapp.musically");
        assert_eq!(
            attrs,
            vec![
                (
                    "apk".into(),
                    "/data/app/~~Xy0_ab==/com.zhiliaoapp.musically-Qk9==/base.apk".into()
                ),
                ("version_code".into(), "2023509030".into()),
                ("uid".into(), "10245".into()),
            ]
        );
        assert!(pm_line("package:not an id").is_err());
        assert!(pm_line("Error: unknown option").is_err());
        assert!(pm_line("package:com.x.y flavour:z").is_err());
    }

    /// App ids: Java identifiers, two segments or more.
    #[test]
    fn app_ids() {
        assert!(is_app_id("org.telegram.messenger"));
        assert!(is_app_id("com.ss.android.ugc.trill"));
        assert!(!is_app_id("Telegram"));
        assert!(!is_app_id("com..x"));
        assert!(!is_app_id("1com.x"));
        assert!(!is_app_id("Microsoft Edge"));
    }
}
