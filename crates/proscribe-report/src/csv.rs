//! CSV: one row per finding (or per plan item), for spreadsheets.
//!
//! RFC 4180 (comma, double quotes, CRLF) with a header row. Spreadsheet-safe: a cell that
//! a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return, or their full-width forms) gets a leading `'`, the OWASP advice
//! against CSV injection, since item names come from the scanned machine and anyone who
//! can name a package can write a cell. Control characters other than tab and line
//! breaks become U+FFFD; everything else, right-to-left text included, is kept.

use std::borrow::Cow;
use std::io::{self, Write};

use proscribe_policy::plan::Plan;

use crate::text::{act_ids, is_bad_control};
use crate::Report;

/// The header of [`render_csv`].
pub const CSV_COLUMNS: [&str; 28] = [
    "id",
    "status",
    "excepted",
    "vendor_id",
    "vendor",
    "product_id",
    "product",
    "entity",
    "item_kind",
    "item_name",
    "item_version",
    "publisher",
    "acts",
    "deadline_act",
    "deadline_kind",
    "deadline",
    "overdue",
    "exception_id",
    "exception_state",
    "exception_until",
    "exception_reason",
    "exception_approved_by",
    "exception_reference",
    "target",
    "collector",
    "path",
    "detail",
    "evidence",
];

/// The header of [`render_plan_csv`].
pub const PLAN_CSV_COLUMNS: [&str; 21] = [
    "vendor_id",
    "vendor",
    "product_id",
    "product",
    "replacement_category",
    "host",
    "item_name",
    "item_version",
    "item_kind",
    "status",
    "act",
    "deadline_kind",
    "deadline",
    "overdue",
    "uninstall_command",
    "uninstall_via",
    "exception_id",
    "exception_state",
    "exception_until",
    "location",
    "report",
];

/// Makes one cell safe: control characters replaced, formula triggers neutralised.
/// Borrows when the value is already safe, which is nearly always.
pub(crate) fn cell(value: &str) -> Cow<'_, str> {
    let formula = value.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ]);
    if !formula && !value.chars().any(is_bad_control) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 1);
    if formula {
        out.push('\'');
    }
    out.extend(
        value
            .chars()
            .map(|c| if is_bad_control(c) { '\u{fffd}' } else { c }),
    );
    Cow::Owned(out)
}

fn writer(out: &mut dyn Write) -> ::csv::Writer<&mut dyn Write> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(out)
}

fn io_error(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn row<const N: usize>(w: &mut ::csv::Writer<&mut dyn Write>, values: [&str; N]) -> io::Result<()> {
    for v in values {
        w.write_field(cell(v).as_bytes()).map_err(io_error)?;
    }
    // An empty record ends the row the fields above started.
    w.write_record(None::<&[u8]>).map_err(io_error)
}

/// Writes one row per finding, with a header.
///
/// # Errors
/// Only the writer's.
pub fn render_csv(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(CSV_COLUMNS).map_err(io_error)?;
    for f in &report.findings {
        let acts = act_ids(&f.acts);
        let evidence = f
            .evidence
            .iter()
            .map(|e| format!("{}={} [{}]", e.field, e.value, e.signature))
            .collect::<Vec<_>>()
            .join("; ");
        let d = f.deadline.as_ref();
        let date = d.map(|d| d.date.to_string()).unwrap_or_default();
        let x = f.exception.as_ref();
        let until = x
            .and_then(|x| x.until)
            .map(|u| u.to_string())
            .unwrap_or_default();
        row(
            &mut w,
            [
                &f.id,
                f.status.as_str(),
                if f.is_excepted() { "true" } else { "false" },
                &f.vendor.id,
                &f.vendor.name,
                f.product.as_ref().map_or("", |p| p.id.as_str()),
                f.product.as_ref().map_or("", |p| p.name.as_str()),
                f.entity.as_deref().unwrap_or(""),
                f.item.kind.as_str(),
                &f.item.name,
                f.item.version.as_deref().unwrap_or(""),
                f.item.publisher.as_deref().unwrap_or(""),
                &acts,
                d.map_or("", |d| d.act.as_str()),
                d.map_or("", |d| d.kind.as_str()),
                &date,
                match d {
                    Some(d) if d.overdue => "true",
                    Some(_) => "false",
                    None => "",
                },
                x.map_or("", |x| x.id.as_str()),
                x.map_or("", |x| x.state.as_str()),
                &until,
                x.map_or("", |x| x.reason.as_str()),
                x.map_or("", |x| x.approved_by.as_str()),
                x.and_then(|x| x.reference.as_deref()).unwrap_or(""),
                &f.location.target,
                &f.location.collector,
                &f.location.path,
                f.location.detail.as_deref().unwrap_or(""),
                &evidence,
            ],
        )?;
    }
    w.flush()
}

/// Writes one row per item of a removal plan, with a header.
///
/// # Errors
/// Only the writer's.
pub fn render_plan_csv(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(PLAN_CSV_COLUMNS).map_err(io_error)?;
    for g in &plan.groups {
        for h in &g.hosts {
            for i in &h.items {
                let d = i.deadline.as_ref();
                let date = d.map(|d| d.date.to_string()).unwrap_or_default();
                let x = i.exception.as_ref();
                let until = x
                    .and_then(|x| x.until)
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let loc = crate::text::location(&i.location);
                row(
                    &mut w,
                    [
                        &g.vendor.id,
                        &g.vendor.name,
                        g.product.as_ref().map_or("", |p| p.id.as_str()),
                        g.product.as_ref().map_or("", |p| p.name.as_str()),
                        g.category.as_deref().unwrap_or(""),
                        &h.host,
                        &i.name,
                        i.version.as_deref().unwrap_or(""),
                        i.kind.as_str(),
                        i.status.as_str(),
                        i.act.as_deref().unwrap_or(""),
                        d.map_or("", |d| d.kind.as_str()),
                        &date,
                        if i.is_overdue() { "true" } else { "false" },
                        i.uninstall.as_ref().map_or("", |u| u.command.as_str()),
                        i.uninstall.as_ref().map_or("", |u| u.via),
                        x.map_or("", |x| x.id.as_str()),
                        x.map_or("", |x| x.state.as_str()),
                        &until,
                        &loc,
                        &i.report,
                    ],
                )?;
            }
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::cell;

    /// Formula triggers get a quote; controls become U+FFFD; other text is kept.
    #[test]
    fn cells() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\u{ff1d}1+1"), "'\u{ff1d}1+1");
        assert_eq!(cell("kesl"), "kesl");
        assert_eq!(cell("a\u{0}b\u{1b}c\u{85}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(cell("كاسبرسكي"), "كاسبرسكي");
        assert_eq!(cell(""), "");
    }
}
