//! A single property list given by the user: an app's Info.plist, a receipt or a launchd
//! job, told apart by their keys.

use plist::Value;

use super::{app_item, launchd_item, parse_plist, receipt_item, MAX_PLIST};
use crate::walk;
use crate::{CollectError, Collector, Confidence, Input, Sink};
use proscribe_model::Location;

/// Reads one plist file and makes the item its keys describe.
pub struct PlistFile;

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
        let value = parse_plist(&bytes).map_err(CollectError::format)?;
        let Value::Dictionary(d) = value else {
            return Err(CollectError::format(
                "a property list whose top level is not a dictionary: not an Info.plist, receipt or launchd job",
            ));
        };
        let loc = |collector: &str| Location {
            target: input.target.to_owned(),
            collector: collector.to_owned(),
            path: input.display.to_owned(),
            detail: None,
        };
        // An Info.plist sits in `X.app/Contents/`; name the bundle after the app folder.
        let bundle = input
            .path
            .parent()
            .and_then(|p| p.parent())
            .unwrap_or(input.path);
        let item = app_item(&d, bundle, loc("macos-app"))
            .or_else(|| receipt_item(&d, loc("macos-receipt")))
            .or_else(|| launchd_item(&d, loc("launchd")));
        match item {
            Some(item) => {
                sink.push(item);
                Ok(())
            }
            None => Err(CollectError::format(
                "a property list without CFBundleIdentifier, PackageIdentifier or Label: not an Info.plist, receipt or launchd job",
            )),
        }
    }
}
