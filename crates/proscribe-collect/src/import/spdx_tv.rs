//! SPDX tag-value: `Tag: value` lines, one bounded line at a time.
//!
//! A package section starts at `PackageName:` and ends at the next `PackageName:`, or at
//! the first tag of a file, snippet or extracted-licence section. Multi-line values are
//! wrapped in `<text>…</text>` and skipped.

use std::io::BufReader;

use super::sbom::Ctx;
use super::spdx::{package_item, Package};
use crate::linux::text::{excerpt, Lines};
use crate::CollectError;

/// Whether the first bytes hold the `SPDXVersion: SPDX-2` line every document starts with.
pub(crate) fn sniff(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    String::from_utf8_lossy(head)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(20)
        .any(|l| {
            l.starts_with("SPDXVersion:") && l["SPDXVersion:".len()..].trim().starts_with("SPDX-2")
        })
}

/// Reads a tag-value document into `ctx`.
pub(crate) fn read(ctx: &mut Ctx<'_, '_, '_>) -> Result<(), CollectError> {
    if ctx.input.is_dir {
        return Err(CollectError::format(
            "is a directory: expected an SPDX document",
        ));
    }
    let file = std::fs::File::open(ctx.input.path)?;
    let mut lines = Lines::new(BufReader::with_capacity(1 << 16, file));
    let mut version: Option<String> = None;
    let mut current: Option<(usize, Package)> = None;
    // The line a `<text>` value opened on, while inside it.
    let mut in_text: Option<usize> = None;
    while let Some(line) = lines.next_line()? {
        let number = line.number;
        let complete = line.complete;
        let text = line.text();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if in_text.is_some() {
            if text.contains("</text>") {
                in_text = None;
            }
            continue;
        }
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = trimmed.split_once(':').filter(|(t, _)| is_tag(t)) else {
            ctx.problems.push(format!(
                "line {number}: expected `Tag: value`, found `{}`",
                excerpt(trimmed)
            ));
            continue;
        };
        let value = value.trim();
        if value.starts_with("<text>") && !value.contains("</text>") {
            in_text = Some(number);
            continue;
        }
        let value = value
            .strip_prefix("<text>")
            .and_then(|v| v.strip_suffix("</text>"))
            .unwrap_or(value)
            .trim();
        if !complete {
            ctx.problems.push(format!(
                "line {number}: file ends in the middle of a line (cut short?)"
            ));
        }
        match tag {
            "SPDXVersion" => {
                if !value.starts_with("SPDX-2") {
                    return Err(CollectError::format(format!(
                        "line {number}: `SPDXVersion` is `{}`: only SPDX 2.x is read",
                        excerpt(value)
                    )));
                }
                version = Some(value.to_owned());
            }
            "PackageName" => {
                if let Some((start, p)) = current.take() {
                    package_item(ctx, format!("line {start}"), p);
                }
                current = Some((
                    number,
                    Package {
                        name: Some(value.to_owned()),
                        ..Package::default()
                    },
                ));
            }
            "FileName" | "SnippetSPDXID" | "LicenseID" => {
                if let Some((start, p)) = current.take() {
                    package_item(ctx, format!("line {start}"), p);
                }
            }
            _ => {
                if let Some((_, p)) = current.as_mut() {
                    let v = Some(value.to_owned());
                    match tag {
                        "SPDXID" => p.spdx_id = v,
                        "PackageVersion" => p.version = v,
                        "PackageSupplier" => p.supplier = v,
                        "PackageOriginator" => p.originator = v,
                        "PrimaryPackagePurpose" => p.purpose = v,
                        "ExternalRef" => {
                            // `ExternalRef: <category> <type> <locator>`
                            let mut parts = value.split_whitespace();
                            if let (Some(_), Some(ty), Some(loc)) =
                                (parts.next(), parts.next(), parts.next())
                            {
                                p.refs.push((ty.to_owned(), loc.to_owned()));
                            } else {
                                ctx.problems.push(format!(
                                    "line {number}: `ExternalRef` needs a category, a type and a locator, found `{}`",
                                    excerpt(value)
                                ));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if version.is_none() && current.is_some() {
            return Err(CollectError::format(format!(
                "line {number}: package before any `SPDXVersion` tag: not an SPDX tag-value document"
            )));
        }
    }
    if let Some((start, p)) = current.take() {
        package_item(ctx, format!("line {start}"), p);
    }
    if let Some(start) = in_text {
        ctx.problems.push(format!(
            "line {start}: `<text>` value never closed (file cut short?)"
        ));
    }
    if version.is_none() {
        return Err(CollectError::format(
            "no `SPDXVersion` tag: not an SPDX tag-value document",
        ));
    }
    Ok(())
}

/// Tags are ASCII letters and digits (`PackageName`, `SPDXID`, `ExternalRef`).
fn is_tag(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric())
}
