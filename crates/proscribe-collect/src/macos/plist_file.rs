//! A single property list given by the user: an app's Info.plist, a receipt or a launchd
//! job, told apart by their keys.

use plist::Value;

use super::{app_item, launchd_item, parse_plist, receipt_item, MAX_PLIST};
use crate::walk;
use crate::{CollectError, Collector, Confidence, Input, Sink};
use std::path::Path;

use proscribe_model::{Item, Location};

/// Reads one plist file and makes the item its keys describe.
pub struct PlistFile;

/// The item one plist file describes: an app's Info.plist, an installer receipt or a
/// launchd job, told apart by their keys; `location.collector` is set to match.
///
/// # Errors
/// A one-line reason when `bytes` is not a property list or describes none of those.
pub fn item_of_plist(bytes: &[u8], path: &Path, loc: Location) -> Result<Item, String> {
    let Value::Dictionary(d) = parse_plist(bytes)? else {
        return Err(
            "a property list whose top level is not a dictionary: not an Info.plist, receipt or launchd job"
                .into(),
        );
    };
    let with = |collector: &str| Location {
        collector: collector.to_owned(),
        ..loc.clone()
    };
    // An Info.plist sits in `X.app/Contents/`; name the bundle after the app folder.
    let bundle = path.parent().and_then(Path::parent).unwrap_or(path);
    app_item(&d, bundle, with("macos-app"))
        .or_else(|| receipt_item(&d, with("macos-receipt")))
        .or_else(|| launchd_item(&d, with("launchd")))
        .ok_or_else(|| {
            "a property list without CFBundleIdentifier, PackageIdentifier or Label: not an Info.plist, receipt or launchd job"
                .into()
        })
}

/// Whether `head` starts like a binary or XML property list.
pub(crate) fn looks_plist(head: &[u8]) -> bool {
    if head.starts_with(b"bplist00") {
        return true;
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    (text.starts_with(b"<?xml")
        || text.starts_with(b"<!DOCTYPE plist")
        || text.starts_with(b"<plist"))
        && text.windows(6).any(|w| w == b"<plist")
}

impl Collector for PlistFile {
    fn name(&self) -> &'static str {
        "plist"
    }

    fn sniff(&self, input: &Input<'_>) -> Option<Confidence> {
        if input.is_dir {
            return None;
        }
        if looks_plist(input.head) {
            return Some(Confidence::Medium);
        }
        // A damaged plist is still reported as one, by its name.
        input
            .path
            .extension()
            .is_some_and(|e| e == "plist")
            .then_some(Confidence::Low)
    }

    fn root_paths(&self) -> &'static [&'static str] {
        &[]
    }

    fn collect(&self, input: &Input<'_>, sink: &mut dyn Sink) -> Result<(), CollectError> {
        if input.is_dir {
            return Err(CollectError::format(
                "is a directory: expected a property list file",
            ));
        }
        let bytes = walk::read_small(input.path, MAX_PLIST).map_err(CollectError::format)?;
        let loc = Location {
            target: input.target.to_owned(),
            collector: String::new(),
            path: input.display.to_owned(),
            detail: None,
        };
        let item = item_of_plist(&bytes, input.path, loc).map_err(CollectError::format)?;
        sink.push(item);
        Ok(())
    }
}
