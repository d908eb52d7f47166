//! The HTML report: one self-contained page a person can open, mail or print.
//!
//! Nothing is loaded from anywhere: the CSS, the script and the charts (SVG) are inline,
//! and a Content-Security-Policy forbids every fetch, so the page works offline and leaks
//! nothing when opened. The page is progressive: the header, the summary, the charts and
//! the errors are plain HTML written here, and without JavaScript a `<noscript>` table
//! lists the findings (capped, so a huge report stays a reasonable file). With JavaScript
//! the findings come from one JSON block (strings interned, rows as arrays, so 100,000
//! findings stay well under 30 MB) and are drawn a page at a time: sorting, filtering and
//! paging work on the array, never on 100,000 DOM rows.
//!
//! Every value from an inventory is untrusted: it is escaped for HTML, control characters
//! are shown as their visible pictures (U+2400…), and each value sits in its own `<bdi>`
//! so right-to-left text or stray bidi controls cannot reorder the text around it. In the
//! JSON block every `<` is written `\u003c`, so no value can close the script element.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate, SecondsFormat};
use proscribe_catalog::Status;
use proscribe_policy::{DeadlineKind, Finding};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_width::UnicodeWidthChar;

use crate::i18n::{Arg, Lang, Messages, Msg};
use crate::table::{deadline_text, status_text};
use crate::Report;

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Findings the `<noscript>` table lists; the JSON block always holds all of them.
pub const NOSCRIPT_ROWS: usize = 1000;
/// Bars in the vendor and act charts before the rest are summed as "others".
const TOP_BARS: usize = 8;
/// Acts (rows) on the deadline timeline.
const TIMELINE_ROWS: usize = 6;

/// Writes the report as one self-contained HTML page in `lang`.
///
/// # Errors
/// Only the writer's.
pub fn render_html(report: &Report, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let msg = Messages::new(lang);
    let mut h = String::with_capacity(256 * 1024);
    head(&mut h, report, &msg);
    summary(&mut h, report, &msg);
    charts(&mut h, report, &msg);
    findings_section(&mut h, report, &msg);
    problems(&mut h, report, &msg);
    h.push_str("<footer><p>");
    esc(&mut h, &msg.get(Msg::HtmlSources));
    h.push_str("</p></footer>\n</main>\n");
    out.write_all(h.as_bytes())?;
    h.clear();

    // The data, then the script that draws from it.
    out.write_all(b"<script type=\"application/json\" id=\"proscribe-ui\">")?;
    write_json(out, &ui_strings(&msg))?;
    out.write_all(b"</script>\n<script type=\"application/json\" id=\"proscribe-data\">")?;
    write_json(out, &Data::new(report))?;
    out.write_all(b"</script>\n<script>")?;
    out.write_all(JS.as_bytes())?;
    out.write_all(b"</script>\n</body>\n</html>\n")
}

/// `sha256-<base64>` of the inline script, for the Content-Security-Policy.
fn script_hash() -> String {
    let digest = Sha256::digest(JS.as_bytes());
    format!("sha256-{}", base64(&digest))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                s.push(char::from(ABC[((n >> shift) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A character no page should carry as it is: C0 and C1 controls and DEL.
fn is_control(c: char) -> bool {
    c.is_control()
}

/// The visible stand-in for a control character: its Control Pictures glyph (U+2400…)
/// for C0 and DEL, the replacement character for C1.
fn picture(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Appends `s` escaped for HTML text and quoted attribute values.
fn esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_control(c) => out.push(picture(c)),
            c => out.push(c),
        }
    }
}

/// Appends `s` escaped, inside `<bdi>` so its direction cannot leak.
fn bdi(out: &mut String, s: &str) {
    out.push_str("<bdi>");
    esc(out, s);
    out.push_str("</bdi>");
}

/// `s` cut to `cols` terminal columns with an ellipsis, for chart labels.
fn shorten(s: &str, cols: usize) -> Cow<'_, str> {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += UnicodeWidthChar::width(c).unwrap_or(0);
        if used > cols.saturating_sub(1) && s[i..].chars().count() > 1 {
            return Cow::Owned(format!("{}…", &s[..i]));
        }
    }
    Cow::Borrowed(s)
}

/// Writes JSON for a `<script type="application/json">` block: `<` becomes `\u003c`
/// (only possible inside strings), so `</script>` and `<!--` cannot occur.
fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(io::Error::other)?;
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'<' {
            out.write_all(&bytes[start..i])?;
            out.write_all(b"\\u003c")?;
            start = i + 1;
        }
    }
    out.write_all(&bytes[start..])
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Banned => "banned",
        Status::Restricted => "restricted",
        Status::Review => "review",
    }
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Review => 0,
        Status::Restricted => 1,
        Status::Banned => 2,
    }
}

fn kind_code(k: DeadlineKind) -> u8 {
    match k {
        DeadlineKind::Identify => 0,
        DeadlineKind::Plan => 1,
        DeadlineKind::Remove => 2,
    }
}

fn head(h: &mut String, report: &Report, msg: &Messages) {
    let lang = msg.lang().tag();
    let title = msg.get(Msg::HtmlTitle);
    let host = report.host.as_ref().and_then(|x| x.hostname.as_deref());
    let date = report.generated_at.date_naive();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src '{}'; img-src data:; base-uri 'none'; \
         form-action 'none'\">\n<meta name=\"generator\" content=\"",
        script_hash()
    );
    esc(h, &format!("{} {}", report.tool.name, report.tool.version));
    h.push_str("\">\n<title>");
    esc(h, &title);
    if let Some(host) = host {
        h.push_str(" — ");
        esc(h, host);
    }
    let _ = write!(h, " — {date}</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<header>\n<h1>");
    esc(h, &title);
    if let Some(host) = host {
        h.push_str(" <span class=\"host\">");
        bdi(h, host);
        h.push_str("</span>");
    }
    h.push_str("</h1>\n<dl class=\"meta\">\n");
    let row = |h: &mut String, label: Msg, value: &str| {
        h.push_str("<div><dt>");
        esc(h, &msg.get(label));
        h.push_str("</dt><dd>");
        h.push_str(value);
        h.push_str("</dd></div>\n");
    };
    let mut v = String::new();
    esc(
        &mut v,
        &report
            .generated_at
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    row(h, Msg::HtmlGenerated, &v);
    v.clear();
    esc(
        &mut v,
        &format!("{} {}", report.tool.name, report.tool.version),
    );
    row(h, Msg::HtmlTool, &v);
    v.clear();
    esc(&mut v, &report.catalog.version);
    v.push_str(" <code class=\"digest\" title=\"");
    esc(&mut v, &report.catalog.digest);
    v.push_str("\">");
    esc(&mut v, shorten(&report.catalog.digest, 20).as_ref());
    v.push_str("</code>");
    row(h, Msg::HtmlCatalog, &v);
    if let Some(host) = &report.host {
        let parts: Vec<&str> = [host.hostname.as_deref(), host.os.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            v.clear();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    v.push_str(" · ");
                }
                bdi(&mut v, p);
            }
            row(h, Msg::HtmlHost, &v);
        }
    }
    if !report.targets.is_empty() {
        v.clear();
        v.push_str("<ul class=\"targets\">");
        const SHOWN: usize = 20;
        for t in report.targets.iter().take(SHOWN) {
            v.push_str("<li>");
            let items = msg.count(Msg::CountItems, t.items);
            let text = msg.format(
                Msg::TableReadTarget,
                &[
                    ("target", Arg::Str("\u{1}T")),
                    ("format", Arg::Str(&t.format)),
                    ("items", Arg::Str(&items)),
                ],
            );
            // The target is data: escaped and isolated on its own, the rest is message text.
            let (before, after) = text.split_once("\u{1}T").unwrap_or((&text, ""));
            esc(&mut v, before);
            v.push_str("<code>");
            bdi(&mut v, &t.target);
            v.push_str("</code>");
            esc(&mut v, after);
            v.push_str("</li>");
        }
        if report.targets.len() > SHOWN {
            let rest = &report.targets[SHOWN..];
            let targets = msg.count(Msg::CountTargets, rest.len());
            let items = msg.count(Msg::CountItems, rest.iter().map(|t| t.items).sum());
            v.push_str("<li>");
            esc(
                &mut v,
                &msg.format(
                    Msg::TableMoreTargets,
                    &[("targets", Arg::Str(&targets)), ("items", Arg::Str(&items))],
                ),
            );
            v.push_str("</li>");
        }
        v.push_str("</ul>");
        row(h, Msg::HtmlInputs, &v);
    }
    h.push_str("</dl>\n</header>\n<main>\n");
}

fn summary(h: &mut String, report: &Report, msg: &Messages) {
    let s = &report.summary;
    let overdue = report
        .findings
        .iter()
        .filter(|f| f.deadline.as_ref().is_some_and(|d| d.overdue))
        .count();
    let excepted = s.excepted;
    h.push_str("<section class=\"summary\" aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">");
    esc(h, &msg.get(Msg::HtmlSummary));
    h.push_str("</h2>\n<div class=\"cards\">\n");
    let card = |h: &mut String, class: &str, id: &str, n: usize, label: &str| {
        let _ = write!(
            h,
            "<div class=\"card {class}\" id=\"card-{id}\"><span class=\"n\">{n}</span><span class=\"l\">"
        );
        esc(h, label);
        h.push_str("</span></div>\n");
    };
    card(
        h,
        "total",
        "findings",
        s.findings,
        &msg.get(Msg::HtmlCardFindings),
    );
    for status in [Status::Banned, Status::Restricted, Status::Review] {
        let n = match status {
            Status::Banned => s.by_status.banned,
            Status::Restricted => s.by_status.restricted,
            Status::Review => s.by_status.review,
        };
        card(
            h,
            status_class(status),
            status_class(status),
            n,
            &status_text(msg, status),
        );
    }
    card(
        h,
        if overdue > 0 { "overdue" } else { "" },
        "overdue",
        overdue,
        &msg.get(Msg::HtmlCardOverdue),
    );
    if excepted > 0 {
        card(
            h,
            "excepted",
            "excepted",
            excepted,
            &msg.get(Msg::HtmlCardExcepted),
        );
    }
    card(h, "", "items", s.items, &msg.get(Msg::HtmlCardItems));
    if !report.errors.is_empty() {
        card(
            h,
            "errors",
            "errors",
            report.errors.len(),
            &msg.get(Msg::HtmlCardErrors),
        );
    }
    h.push_str("</div>\n</section>\n");
}

/// One bar of a bar chart.
struct Bar {
    label: String,
    /// The full text for the tooltip when the label is shortened or needs context.
    tip: String,
    count: usize,
    class: &'static str,
}

fn bar_chart(h: &mut String, id: &str, title: &str, bars: &[Bar], msg: &Messages) {
    let _ = write!(h, "<figure class=\"chart\" id=\"chart-{id}\"><figcaption>");
    esc(h, title);
    h.push_str("</figcaption>");
    if bars.is_empty() {
        h.push_str("<p class=\"empty\">");
        esc(h, &msg.get(Msg::ChartEmpty));
        h.push_str("</p></figure>\n");
        return;
    }
    const W: usize = 480;
    const LABEL_W: usize = 190;
    const ROW: usize = 24;
    const BAR_MAX: usize = W - LABEL_W - 56;
    let height = bars.len() * ROW + 8;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" aria-label=\""
    );
    esc(h, title);
    h.push_str("\">");
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + i * ROW;
        let w = (b.count * BAR_MAX).div_ceil(max).max(2);
        h.push_str("<g><title>");
        esc(h, &b.tip);
        let _ = write!(
            h,
            "</title><text class=\"lbl\" x=\"{}\" y=\"{}\" text-anchor=\"end\">",
            LABEL_W - 8,
            y + 16
        );
        esc(h, &shorten(&b.label, 28));
        let _ = write!(
            h,
            "</text><rect class=\"bar {}\" x=\"{LABEL_W}\" y=\"{}\" width=\"{w}\" height=\"16\" rx=\"2\"/>\
             <text class=\"cnt\" x=\"{}\" y=\"{}\">{}</text></g>",
            b.class,
            y + 3,
            LABEL_W + w + 6,
            y + 16,
            b.count
        );
    }
    h.push_str("</svg></figure>\n");
}

/// The first `TOP_BARS` entries, the rest summed into one "others" bar.
fn top_bars(mut counts: Vec<Bar>, msg: &Messages) -> Vec<Bar> {
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    if counts.len() > TOP_BARS + 1 {
        let rest = counts.split_off(TOP_BARS);
        let label = msg.count(Msg::ChartOthers, rest.len());
        counts.push(Bar {
            tip: label.clone(),
            label,
            count: rest.iter().map(|b| b.count).sum(),
            class: "other",
        });
    }
    counts
}

fn charts(h: &mut String, report: &Report, msg: &Messages) {
    h.push_str("<section class=\"charts\">\n");
    let s = &report.summary.by_status;
    let status_bars: Vec<Bar> = [
        (Status::Banned, s.banned),
        (Status::Restricted, s.restricted),
        (Status::Review, s.review),
    ]
    .into_iter()
    .map(|(st, n)| {
        let label = status_text(msg, st);
        Bar {
            tip: format!("{label}: {n}"),
            label,
            count: n,
            class: status_class(st),
        }
    })
    .collect();
    let status_bars = if report.findings.is_empty() {
        Vec::new()
    } else {
        status_bars
    };
    bar_chart(h, "status", &msg.get(Msg::ChartStatus), &status_bars, msg);

    let mut vendors: BTreeMap<&str, (&str, usize, Status)> = BTreeMap::new();
    let mut acts: BTreeMap<&str, (&str, usize, Status)> = BTreeMap::new();
    for f in &report.findings {
        let e = vendors
            .entry(&f.vendor.id)
            .or_insert((&f.vendor.name, 0, f.status));
        e.1 += 1;
        e.2 = e.2.max(f.status);
        for a in &f.acts {
            let e = acts.entry(&a.id).or_insert((&a.title, 0, a.status));
            e.1 += 1;
            e.2 = e.2.max(a.status);
        }
    }
    let vendor_bars = vendors
        .into_values()
        .map(|(name, n, st)| Bar {
            label: name.to_owned(),
            tip: format!("{name}: {n}"),
            count: n,
            class: status_class(st),
        })
        .collect();
    bar_chart(
        h,
        "vendor",
        &msg.get(Msg::ChartVendor),
        &top_bars(vendor_bars, msg),
        msg,
    );
    let act_bars = acts
        .into_iter()
        .map(|(id, (title, n, st))| Bar {
            label: id.to_owned(),
            tip: format!("{id} — {title}: {n}"),
            count: n,
            class: status_class(st),
        })
        .collect();
    bar_chart(
        h,
        "act",
        &msg.get(Msg::ChartAct),
        &top_bars(act_bars, msg),
        msg,
    );
    timeline(h, report, msg);
    h.push_str("</section>\n");
}

/// Days from the start of the common era, for placing dates on the timeline.
fn day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The deadlines on a time axis: one row per act, a circle per (step, date) sized by how
/// many findings it concerns, red when overdue, and a line at the report's day.
fn timeline(h: &mut String, report: &Report, msg: &Messages) {
    let title = msg.get(Msg::ChartDeadlines);
    h.push_str("<figure class=\"chart wide\" id=\"chart-deadlines\"><figcaption>");
    esc(h, &title);
    h.push_str("</figcaption>");
    let mut points: BTreeMap<(&str, NaiveDate, DeadlineKind, bool), usize> = BTreeMap::new();
    for f in &report.findings {
        if let Some(d) = &f.deadline {
            *points
                .entry((&d.act, d.date, d.kind, d.overdue))
                .or_default() += 1;
        }
    }
    if points.is_empty() {
        h.push_str("<p class=\"empty\">");
        esc(h, &msg.get(Msg::ChartEmpty));
        h.push_str("</p></figure>\n");
        return;
    }
    // Rows: the acts with the most findings, in order of their first deadline.
    let mut per_act: BTreeMap<&str, (usize, NaiveDate)> = BTreeMap::new();
    for ((act, date, _, _), n) in &points {
        let e = per_act.entry(act).or_insert((0, *date));
        e.0 += n;
        e.1 = e.1.min(*date);
    }
    let mut rows: Vec<(&str, usize, NaiveDate)> =
        per_act.into_iter().map(|(a, (n, d))| (a, n, d)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(TIMELINE_ROWS);
    rows.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(b.0)));

    let today = report.generated_at.date_naive();
    let shown = points
        .keys()
        .filter(|k| rows.iter().any(|r| r.0 == k.0))
        .map(|k| k.1);
    let lo = shown.clone().min().unwrap_or(today).min(today);
    let hi = shown.max().unwrap_or(today).max(today);
    let span = (day(hi) - day(lo)).max(60);
    let pad = span / 12;
    let (x0, x1) = (day(lo) - pad, day(lo) + span + pad);
    const W: i64 = 960;
    const LEFT: i64 = 170;
    const RIGHT: i64 = 30;
    const ROW: i64 = 44;
    let x = |d: i64| LEFT + (d - x0) * (W - LEFT - RIGHT) / (x1 - x0).max(1);
    let height = 30 + ROW * rows.len() as i64 + 30;
    let max = points.values().copied().max().unwrap_or(1).max(1) as f64;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" aria-label=\""
    );
    esc(h, &title);
    h.push_str("\">");
    // Year ticks (every n years so there are at most ten).
    let axis_y = height - 26;
    let (y_lo, y_hi) = (
        NaiveDate::from_num_days_from_ce_opt(x0 as i32).map_or(lo.year(), |d| d.year()),
        NaiveDate::from_num_days_from_ce_opt(x1 as i32).map_or(hi.year(), |d| d.year()),
    );
    let step = ((y_hi - y_lo) / 10 + 1).max(1);
    let _ = write!(
        h,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\"/>",
        W - RIGHT
    );
    let mut year = y_lo + 1;
    while year <= y_hi {
        if let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1) {
            let tx = x(day(d));
            if tx > LEFT && tx < W - RIGHT {
                let _ = write!(
                    h,
                    "<line class=\"tick\" x1=\"{tx}\" y1=\"22\" x2=\"{tx}\" y2=\"{}\"/>\
                     <text class=\"tk\" x=\"{tx}\" y=\"{}\" text-anchor=\"middle\">{year}</text>",
                    axis_y + 4,
                    axis_y + 18
                );
            }
        }
        year += step;
    }
    let tx = x(day(today));
    let _ = write!(
        h,
        "<line class=\"today\" x1=\"{tx}\" y1=\"14\" x2=\"{tx}\" y2=\"{axis_y}\"/>\
         <text class=\"today-l\" x=\"{tx}\" y=\"11\" text-anchor=\"middle\">"
    );
    esc(h, &format!("{} {today}", msg.get(Msg::ChartToday)));
    h.push_str("</text>");
    for (i, (act, _, _)) in rows.iter().enumerate() {
        let y = 30 + ROW * i as i64 + ROW / 2;
        let _ = write!(
            h,
            "<line class=\"row\" x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>\
             <text class=\"lbl\" x=\"{}\" y=\"{}\" text-anchor=\"end\">",
            W - RIGHT,
            LEFT - 10,
            y + 4
        );
        esc(h, &shorten(act, 24));
        h.push_str("</text>");
        for ((a, date, kind, overdue), n) in points.iter().filter(|(k, _)| k.0 == *act) {
            let cx = x(day(*date));
            let r = 5.0 + 9.0 * (*n as f64 / max).sqrt();
            let kind_s = deadline_text(msg, *kind);
            let date_s = date.to_string();
            let findings = msg.count(Msg::CountFindings, *n);
            let tip = msg.format(
                Msg::ChartDeadlinePoint,
                &[
                    ("kind", Arg::Str(&kind_s)),
                    ("date", Arg::Str(&date_s)),
                    ("act", Arg::Str(a)),
                    ("findings", Arg::Str(&findings)),
                ],
            );
            let class = if *overdue {
                "dl overdue"
            } else {
                "dl upcoming"
            };
            h.push_str("<g><title>");
            esc(h, &tip);
            let _ = write!(
                h,
                "</title><circle class=\"{class}\" cx=\"{cx}\" cy=\"{y}\" r=\"{r:.1}\"/>\
                 <text class=\"dl-l\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">",
                y + 22
            );
            esc(h, &format!("{kind_s} {date_s} · {n}"));
            h.push_str("</text></g>");
        }
    }
    h.push_str("</svg></figure>\n");
}

fn findings_section(h: &mut String, report: &Report, msg: &Messages) {
    h.push_str(
        "<section class=\"findings\" aria-labelledby=\"h-findings\">\n<h2 id=\"h-findings\">",
    );
    esc(h, &msg.get(Msg::HtmlFindings));
    h.push_str("</h2>\n");
    if report.findings.is_empty() {
        h.push_str("<p class=\"none\">");
        esc(h, &msg.get(Msg::NoFindings));
        h.push_str("</p>\n</section>\n");
        return;
    }
    // Controls and the table the script fills; hidden until the script runs.
    h.push_str("<div id=\"app\" hidden>\n<div class=\"controls\" role=\"search\">\n<label>");
    esc(h, &msg.get(Msg::FilterLabel));
    h.push_str(" <input type=\"search\" id=\"q\" autocomplete=\"off\" placeholder=\"");
    esc(h, &msg.get(Msg::FilterPlaceholder));
    h.push_str("\"></label>\n<select id=\"fs\" aria-label=\"");
    esc(h, &msg.get(Msg::ColStatus));
    h.push_str("\"><option value=\"\">");
    esc(h, &msg.get(Msg::FilterStatusAll));
    h.push_str("</option>");
    for st in [Status::Banned, Status::Restricted, Status::Review] {
        let _ = write!(h, "<option value=\"{}\">", status_code(st));
        esc(h, &status_text(msg, st));
        h.push_str("</option>");
    }
    h.push_str("</select>\n<select id=\"fv\" aria-label=\"");
    esc(h, &msg.get(Msg::ColVendor));
    h.push_str("\"><option value=\"\">");
    esc(h, &msg.get(Msg::FilterVendorAll));
    h.push_str("</option></select>\n<label class=\"chk\"><input type=\"checkbox\" id=\"fo\"> ");
    esc(h, &msg.get(Msg::FilterOverdue));
    h.push_str("</label>\n<span id=\"shown\" aria-live=\"polite\"></span>\n</div>\n");
    h.push_str("<table id=\"ft\" class=\"ft\">\n");
    colgroup(h);
    h.push_str("<thead><tr>");
    for (key, label) in columns(msg) {
        let _ = write!(
            h,
            "<th scope=\"col\" data-key=\"{key}\" aria-sort=\"none\"><button type=\"button\" class=\"sort\">"
        );
        esc(h, &label);
        h.push_str("</button></th>");
    }
    h.push_str("</tr></thead>\n<tbody></tbody>\n</table>\n<p id=\"nomatch\" hidden>");
    esc(h, &msg.get(Msg::FilterNone));
    h.push_str("</p>\n<nav class=\"pager\"><button type=\"button\" id=\"prev\">");
    esc(h, &msg.get(Msg::PagerPrevious));
    h.push_str("</button> <span id=\"page\"></span> <button type=\"button\" id=\"next\">");
    esc(h, &msg.get(Msg::PagerNext));
    h.push_str("</button></nav>\n</div>\n<noscript>\n");
    let total = report.findings.len();
    if total > NOSCRIPT_ROWS {
        h.push_str("<p class=\"capped\">");
        esc(
            h,
            &msg.format(
                Msg::NoscriptCapped,
                &[
                    ("shown", Arg::Num(NOSCRIPT_ROWS)),
                    ("total", Arg::Num(total)),
                ],
            ),
        );
        h.push_str("</p>\n");
    }
    h.push_str("<table class=\"ft\">\n");
    colgroup(h);
    h.push_str("<thead><tr>");
    for (_, label) in columns(msg) {
        h.push_str("<th scope=\"col\">");
        esc(h, &label);
        h.push_str("</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for f in report.findings.iter().take(NOSCRIPT_ROWS) {
        row_html(h, f, msg);
    }
    h.push_str("</tbody>\n</table>\n</noscript>\n</section>\n");
}

fn colgroup(h: &mut String) {
    h.push_str(
        "<colgroup><col class=\"c-status\"><col class=\"c-vendor\"><col class=\"c-product\">\
         <col class=\"c-item\"><col class=\"c-version\"><col class=\"c-where\"><col class=\"c-acts\">\
         <col class=\"c-deadline\"></colgroup>\n",
    );
}

fn columns(msg: &Messages) -> [(&'static str, String); 8] {
    [
        ("status", msg.get(Msg::ColStatus)),
        ("vendor", msg.get(Msg::ColVendor)),
        ("product", msg.get(Msg::ColProduct)),
        ("item", msg.get(Msg::ColItem)),
        ("version", msg.get(Msg::ColVersion)),
        ("where", msg.get(Msg::ColWhere)),
        ("acts", msg.get(Msg::ColActs)),
        ("deadline", msg.get(Msg::ColDeadline)),
    ]
}

/// One finding in the `<noscript>` table: its row and its details, always open.
fn row_html(h: &mut String, f: &Finding, msg: &Messages) {
    let class = status_class(f.status);
    let _ = write!(
        h,
        "<tr class=\"f s-{class}\"><td><span class=\"badge {class}\">"
    );
    esc(h, &status_text(msg, f.status).to_uppercase());
    h.push_str("</span>");
    if let Some(x) = &f.exception {
        if x.is_active() {
            h.push_str(" <span class=\"badge exc\">");
            esc(h, &msg.get(Msg::Excepted));
        } else {
            h.push_str(" <span class=\"badge exc expired\">");
            esc(h, &msg.get(Msg::ExceptionExpired));
        }
        h.push_str("</span>");
    }
    h.push_str("</td><td>");
    bdi(h, &f.vendor.name);
    h.push_str("</td><td>");
    if let Some(p) = &f.product {
        bdi(h, &p.name);
    }
    h.push_str("</td><td>");
    bdi(h, &f.item.name);
    h.push_str(" <span class=\"kind\">");
    esc(h, f.item.kind.as_str());
    h.push_str("</span></td><td>");
    if let Some(v) = &f.item.version {
        bdi(h, v);
    }
    h.push_str("</td><td>");
    where_html(h, f);
    h.push_str("</td><td>");
    for (i, a) in f.acts.iter().enumerate() {
        if i > 0 {
            h.push_str(", ");
        }
        esc(h, &a.id);
    }
    h.push_str("</td><td>");
    if let Some(d) = &f.deadline {
        deadline_html(h, d, msg);
    }
    h.push_str("</td></tr>\n<tr class=\"det open\"><td colspan=\"8\">");
    details_html(h, f, msg);
    h.push_str("</td></tr>\n");
}

fn where_html(h: &mut String, f: &Finding) {
    let loc = &f.location;
    let place = if loc.path.is_empty() {
        &loc.target
    } else {
        &loc.path
    };
    bdi(h, place);
    if let Some(d) = &loc.detail {
        h.push_str(", ");
        bdi(h, d);
    }
}

fn deadline_html(h: &mut String, d: &proscribe_policy::Deadline, msg: &Messages) {
    let kind = deadline_text(msg, d.kind);
    let date = d.date.to_string();
    esc(
        h,
        &msg.format(
            Msg::DeadlineBy,
            &[
                ("kind", Arg::Str(&kind)),
                ("date", Arg::Str(&date)),
                ("act", Arg::Str(&d.act)),
            ],
        ),
    );
    if d.overdue {
        h.push_str(" <span class=\"overdue\">");
        esc(h, &msg.get(Msg::Overdue));
        h.push_str("</span>");
    }
}

fn details_html(h: &mut String, f: &Finding, msg: &Messages) {
    h.push_str("<dl class=\"details\">");
    let label = |h: &mut String, m: Msg| {
        h.push_str("<dt>");
        esc(h, &msg.get(m));
        h.push_str("</dt><dd>");
    };
    label(h, Msg::ColItem);
    bdi(h, &f.item.name);
    if let Some(v) = &f.item.version {
        h.push(' ');
        bdi(h, v);
    }
    h.push_str("</dd>");
    label(h, Msg::DetailEvidence);
    h.push_str("<ul>");
    for e in &f.evidence {
        h.push_str("<li><code>");
        esc(h, &e.field);
        h.push_str("</code> = ");
        bdi(h, &e.value);
        h.push_str(" <span class=\"sig\">(");
        esc(h, &e.signature);
        let how = serde_json::to_value(e.how)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        h.push_str(", ");
        esc(h, &how);
        h.push_str(")</span></li>");
    }
    h.push_str("</ul></dd>");
    label(h, Msg::DetailActs);
    h.push_str("<ul>");
    for a in &f.acts {
        let _ = write!(h, "<li><span class=\"badge {}\">", status_class(a.status));
        esc(h, &status_text(msg, a.status));
        h.push_str("</span> <code>");
        esc(h, &a.id);
        h.push_str("</code> ");
        link(h, &a.url, &a.title);
        if let Some(d) = a.date {
            h.push_str(" <span class=\"date\">");
            esc(
                h,
                &msg.format(Msg::DetailActDate, &[("date", Arg::Str(&d.to_string()))]),
            );
            h.push_str("</span>");
        }
        h.push_str("</li>");
    }
    h.push_str("</ul></dd>");
    if let Some(d) = &f.deadline {
        label(h, Msg::DetailDeadline);
        deadline_html(h, d, msg);
        h.push_str("</dd>");
    }
    if let Some(x) = &f.exception {
        label(h, Msg::DetailException);
        h.push_str("<code>");
        esc(h, &x.id);
        h.push_str("</code>");
        if let Some(until) = x.until {
            h.push_str(" → ");
            esc(h, &until.to_string());
        }
        h.push_str(": ");
        bdi(h, &x.reason);
        if !x.approved_by.is_empty() {
            h.push_str(" <span class=\"date\">· ");
            esc(
                h,
                &msg.format(
                    Msg::ExceptionApprovedBy,
                    &[("who", Arg::Str(&x.approved_by))],
                ),
            );
            h.push_str("</span>");
        }
        if let Some(r) = &x.reference {
            h.push_str(" <span class=\"date\">· ");
            esc(
                h,
                &msg.format(Msg::ExceptionReference, &[("reference", Arg::Str(r))]),
            );
            h.push_str("</span>");
        }
        let (class, state) = if x.is_active() {
            ("badge exc", Msg::ExceptionStateActive)
        } else {
            ("badge exc expired", Msg::ExceptionStateExpired)
        };
        let _ = write!(h, " <span class=\"{class}\">");
        esc(h, &msg.get(state));
        h.push_str("</span></dd>");
    }
    label(h, Msg::DetailLocation);
    let loc = &f.location;
    h.push_str("<code>");
    bdi(h, &loc.target);
    h.push_str("</code> (");
    esc(h, &loc.collector);
    h.push_str(") ");
    where_html(h, f);
    h.push_str("</dd>");
    if let Some(p) = &f.item.publisher {
        label(h, Msg::DetailPublisher);
        bdi(h, p);
        h.push_str("</dd>");
    }
    if let Some(e) = &f.entity {
        label(h, Msg::DetailEntity);
        bdi(h, e);
        h.push_str("</dd>");
    }
    label(h, Msg::DetailId);
    h.push_str("<code>");
    esc(h, &f.id);
    h.push_str("</code></dd></dl>");
}

/// A link to a source, only for `http(s)` URLs; anything else is shown as text.
fn link(h: &mut String, url: &str, text: &str) {
    if url.starts_with("https://") || url.starts_with("http://") {
        h.push_str("<a href=\"");
        esc(h, url);
        h.push_str("\" rel=\"noopener noreferrer\">");
        bdi(h, text);
        h.push_str("</a>");
    } else {
        bdi(h, text);
    }
}

fn problems(h: &mut String, report: &Report, msg: &Messages) {
    if !report.warnings.is_empty() {
        h.push_str(
            "<section class=\"warnings\" aria-labelledby=\"h-warnings\"><h2 id=\"h-warnings\">",
        );
        esc(h, &msg.get(Msg::HtmlWarnings));
        h.push_str("</h2><ul>");
        for w in &report.warnings {
            h.push_str("<li><code>");
            esc(h, &w.code);
            h.push_str("</code>: ");
            bdi(h, &w.message);
            h.push_str("</li>");
        }
        h.push_str("</ul></section>\n");
    }
    if report.errors.is_empty() {
        return;
    }
    h.push_str("<section class=\"errors\" aria-labelledby=\"h-errors\"><h2 id=\"h-errors\">");
    esc(h, &msg.get(Msg::HtmlErrors));
    h.push_str("</h2><ul>");
    for e in &report.errors {
        h.push_str("<li><code>");
        bdi(h, &e.target);
        h.push_str("</code>: ");
        bdi(h, &e.reason);
        h.push_str("</li>");
    }
    h.push_str("</ul></section>\n");
}

/// The fixed strings the script needs, in the report's language. Numbers the script
/// fills in are written as `{name}` placeholders.
fn ui_strings(msg: &Messages) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    m.insert("lang", msg.lang().tag().to_owned());
    for st in [Status::Review, Status::Restricted, Status::Banned] {
        m.insert(
            ["status0", "status1", "status2"][usize::from(status_code(st))],
            status_text(msg, st),
        );
    }
    for k in [
        DeadlineKind::Identify,
        DeadlineKind::Plan,
        DeadlineKind::Remove,
    ] {
        m.insert(
            ["kind0", "kind1", "kind2"][usize::from(kind_code(k))],
            deadline_text(msg, k),
        );
    }
    m.insert(
        "deadlineBy",
        msg.format(
            Msg::DeadlineBy,
            &[
                ("kind", Arg::Str("{kind}")),
                ("date", Arg::Str("{date}")),
                ("act", Arg::Str("{act}")),
            ],
        ),
    );
    m.insert(
        "shown",
        msg.format(
            Msg::FilterShown,
            &[
                ("from", Arg::Str("{from}")),
                ("to", Arg::Str("{to}")),
                ("shown", Arg::Str("{shown}")),
                ("total", Arg::Str("{total}")),
            ],
        ),
    );
    m.insert(
        "actDate",
        msg.format(Msg::DetailActDate, &[("date", Arg::Str("{date}"))]),
    );
    m.insert(
        "approvedBy",
        msg.format(Msg::ExceptionApprovedBy, &[("who", Arg::Str("{who}"))]),
    );
    m.insert(
        "reference",
        msg.format(
            Msg::ExceptionReference,
            &[("reference", Arg::Str("{reference}"))],
        ),
    );
    for (key, id) in [
        ("overdue", Msg::Overdue),
        ("item", Msg::ColItem),
        ("excepted", Msg::Excepted),
        ("exceptionExpired", Msg::ExceptionExpired),
        ("details", Msg::DetailsShow),
        ("evidence", Msg::DetailEvidence),
        ("acts", Msg::DetailActs),
        ("deadline", Msg::DetailDeadline),
        ("exception", Msg::DetailException),
        ("location", Msg::DetailLocation),
        ("publisher", Msg::DetailPublisher),
        ("entity", Msg::DetailEntity),
        ("id", Msg::DetailId),
        ("kind", Msg::DetailKind),
        ("stateActive", Msg::ExceptionStateActive),
        ("stateExpired", Msg::ExceptionStateExpired),
    ] {
        m.insert(key, msg.get(id));
    }
    m
}

/// The findings for the script, interned: each vendor, product, act, act list, deadline,
/// location, signature and exception is written once and rows refer to it by index.
#[derive(Serialize, Default)]
struct Data<'a> {
    /// Vendors: `[id, name]`.
    v: Vec<[&'a str; 2]>,
    /// Products: `[id, name]`.
    p: Vec<[&'a str; 2]>,
    /// Acts: `[id, title, date or null, url]`.
    a: Vec<(&'a str, &'a str, Option<String>, &'a str)>,
    /// Act lists: `[[act, status], …]`.
    al: Vec<Vec<(u32, u8)>>,
    /// Deadlines: `[act, step, date, overdue]`.
    d: Vec<(u32, u8, String, bool)>,
    /// Locations: `[target, collector, path]`.
    l: Vec<[&'a str; 3]>,
    /// How evidence matched: `[field, signature, source, match]`.
    s: Vec<[&'a str; 4]>,
    /// Item kinds.
    k: Vec<&'a str>,
    /// Publishers.
    u: Vec<&'a str>,
    /// Exceptions, as the report contract writes them.
    x: Vec<&'a proscribe_policy::ExceptionRef>,
    /// Rows: `[id, status, vendor, product, entity, kind, name, version, publisher,
    /// location, detail, act list, deadline, exception, evidence]`, -1 for none; each
    /// evidence is `[how, value]`, the value 0 when it is the item's name and 1 when it is
    /// its publisher (the usual case, written once).
    f: Vec<Row<'a>>,
}

type Row<'a> = (
    &'a str,
    u8,
    u32,
    i64,
    Option<&'a str>,
    u32,
    &'a str,
    Option<&'a str>,
    i64,
    u32,
    Option<&'a str>,
    u32,
    i64,
    i64,
    Vec<(u32, EvidenceValue<'a>)>,
);

/// An evidence value, or which of the item's fields it repeats.
#[derive(Serialize)]
#[serde(untagged)]
enum EvidenceValue<'a> {
    Same(u8),
    Text(&'a str),
}

/// Index of `key` in `list`, adding it when new.
fn intern<K: std::hash::Hash + Eq, V>(
    map: &mut HashMap<K, u32>,
    list: &mut Vec<V>,
    key: K,
    value: impl FnOnce() -> V,
) -> u32 {
    *map.entry(key).or_insert_with(|| {
        list.push(value());
        u32::try_from(list.len() - 1).unwrap_or(u32::MAX)
    })
}

fn how_str(how: proscribe_catalog::MatchKind) -> &'static str {
    use proscribe_catalog::MatchKind;
    match how {
        MatchKind::Exact => "exact",
        MatchKind::Words => "words",
        MatchKind::Prefix => "prefix",
        MatchKind::Regex => "regex",
    }
}

impl<'a> Data<'a> {
    fn new(report: &'a Report) -> Self {
        let mut d = Data::default();
        let (mut km, mut um) = (HashMap::new(), HashMap::new());
        let (mut vm, mut pm, mut am, mut alm, mut dm, mut lm, mut sm, mut xm) = (
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
        );
        d.f.reserve(report.findings.len());
        for f in &report.findings {
            let v = intern(&mut vm, &mut d.v, f.vendor.id.as_str(), || {
                [f.vendor.id.as_str(), f.vendor.name.as_str()]
            });
            let p = f.product.as_ref().map_or(-1, |p| {
                i64::from(intern(&mut pm, &mut d.p, p.id.as_str(), || {
                    [p.id.as_str(), p.name.as_str()]
                }))
            });
            let acts: Vec<(u32, u8)> = f
                .acts
                .iter()
                .map(|a| {
                    let i = intern(&mut am, &mut d.a, a.id.as_str(), || {
                        (
                            a.id.as_str(),
                            a.title.as_str(),
                            a.date.map(|x| x.to_string()),
                            a.url.as_str(),
                        )
                    });
                    (i, status_code(a.status))
                })
                .collect();
            let al = intern(&mut alm, &mut d.al, acts.clone(), || acts);
            let dl = f.deadline.as_ref().map_or(-1, |x| {
                let act = intern(&mut am, &mut d.a, x.act.as_str(), || {
                    (x.act.as_str(), x.act.as_str(), None, "")
                });
                let key = (act, kind_code(x.kind), x.date, x.overdue);
                i64::from(intern(&mut dm, &mut d.d, key, || {
                    (act, kind_code(x.kind), x.date.to_string(), x.overdue)
                }))
            });
            let loc = &f.location;
            let l = intern(
                &mut lm,
                &mut d.l,
                (
                    loc.target.as_str(),
                    loc.collector.as_str(),
                    loc.path.as_str(),
                ),
                || {
                    [
                        loc.target.as_str(),
                        loc.collector.as_str(),
                        loc.path.as_str(),
                    ]
                },
            );
            let x = f.exception.as_ref().map_or(-1, |x| {
                let key = serde_json::to_string(x).unwrap_or_default();
                i64::from(intern(&mut xm, &mut d.x, key, || x))
            });
            let ev = f
                .evidence
                .iter()
                .map(|e| {
                    let key = [
                        e.field.as_str(),
                        e.signature.as_str(),
                        e.source.as_str(),
                        how_str(e.how),
                    ];
                    let s = intern(&mut sm, &mut d.s, key, || key);
                    let value = if e.value == f.item.name {
                        EvidenceValue::Same(0)
                    } else if f.item.publisher.as_ref() == Some(&e.value) {
                        EvidenceValue::Same(1)
                    } else {
                        EvidenceValue::Text(&e.value)
                    };
                    (s, value)
                })
                .collect();
            d.f.push((
                f.id.as_str(),
                status_code(f.status),
                v,
                p,
                f.entity.as_deref(),
                intern(&mut km, &mut d.k, f.item.kind.as_str(), || {
                    f.item.kind.as_str()
                }),
                f.item.name.as_str(),
                f.item.version.as_deref(),
                f.item
                    .publisher
                    .as_deref()
                    .map_or(-1, |p| i64::from(intern(&mut um, &mut d.u, p, || p))),
                l,
                loc.detail.as_deref(),
                al,
                dl,
                x,
                ev,
            ));
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Base64 as RFC 4648 writes it, padding included.
    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    /// Markup characters are escaped and control characters shown as pictures.
    #[test]
    fn escapes_markup_and_controls() {
        let mut s = String::new();
        esc(
            &mut s,
            "<script>alert('x')</script>&\u{0}\u{1b}\u{7f}\u{85}\"",
        );
        assert_eq!(
            s,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\u{2400}\u{241b}\u{2421}\u{fffd}&quot;"
        );
    }

    /// No value can end the JSON block early.
    #[test]
    fn json_block_cannot_close_script() {
        let mut out = Vec::new();
        write_json(&mut out, &["</script><!--<script>"]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<'), "{text}");
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, ["</script><!--<script>"]);
    }

    /// Labels are cut by terminal columns, CJK counting two.
    #[test]
    fn shortens_by_columns() {
        assert_eq!(shorten("short", 28), "short");
        assert_eq!(shorten("abcdefghij", 5), "abcd…");
        assert_eq!(shorten("杭州海康威视数字技术", 7), "杭州海…");
    }
}
