//! Markdown (GitHub Flavored): a summary and tables, for tickets, wikis and pull requests.
//!
//! Every value from a scan is escaped so it reads as the text it is: Markdown punctuation
//! is backslash-escaped, `<`, `>` and `&` become entities (no HTML gets through), line
//! breaks inside a value become `<br>` so a table row stays one line, control characters
//! become U+FFFD and explicit bidirectional controls are shown as `<U+202E>` instead of
//! reordering the rest of the row.

use std::fmt::Write as _;
use std::io::{self, Write};

use proscribe_catalog::Status;
use proscribe_policy::plan::{Plan, PlanItem};
use proscribe_policy::{ExceptionRef, Finding};

use crate::text::{is_bad_control, is_bidi_control};
use crate::Report;

/// Escapes text for a GFM table cell or a paragraph.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if is_bad_control(c) => out.push('\u{fffd}'),
            c if is_bidi_control(c) => {
                let _ = write!(out, "&lt;U+{:04X}&gt;", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span for a GFM table cell: no entity or Markdown is interpreted inside, but
/// `|` still needs its backslash and a line break would end the row.
pub(crate) fn md_code(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_bad_control(c) => '\u{fffd}',
            c => c,
        })
        .collect();
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if clean.starts_with('`') || clean.ends_with('`') || clean.trim().is_empty() {
        " "
    } else {
        ""
    };
    let body = clean.replace('|', "\\|");
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A link when the URL is http(s), else the escaped text alone.
pub(crate) fn link(text: &str, url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return md(text);
    }
    let mut dest = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'*+,;=%".contains(&b) {
            dest.push(b as char);
        } else {
            let _ = write!(dest, "%{b:02X}");
        }
    }
    format!("[{}]({dest})", md(text))
}

fn status(s: Status) -> String {
    format!("**{}**", s.as_str().to_uppercase())
}

fn exception_cell(x: Option<&ExceptionRef>) -> String {
    let Some(x) = x else {
        return String::new();
    };
    let until = x.until.map(|u| u.to_string()).unwrap_or_default();
    match x.state {
        proscribe_policy::ExceptionState::Active => {
            format!("{} until {until}", md(&x.id))
        }
        proscribe_policy::ExceptionState::Expired => {
            format!("{} **expired** {until}", md(&x.id))
        }
    }
}

fn deadline_cell(d: Option<&proscribe_policy::Deadline>, excepted: bool) -> String {
    let Some(d) = d else {
        return String::new();
    };
    let overdue = if d.overdue && !excepted {
        " **overdue**"
    } else if d.overdue {
        " (overdue)"
    } else {
        ""
    };
    format!("{} {}{overdue}", d.kind.as_str(), d.date)
}

fn finding_row(out: &mut String, f: &Finding) {
    let acts = f
        .acts
        .iter()
        .map(|a| link(&a.id, &a.url))
        .collect::<Vec<_>>()
        .join(", ");
    let item = match &f.item.version {
        Some(v) => format!("{} {}", md(&f.item.name), md(v)),
        None => md(&f.item.name),
    };
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        status(f.status),
        md(&f.vendor.name),
        f.product.as_ref().map(|p| md(&p.name)).unwrap_or_default(),
        item,
        acts,
        deadline_cell(f.deadline.as_ref(), f.is_excepted()),
        exception_cell(f.exception.as_ref()),
        md(&crate::text::location(&f.location)),
    );
}

/// Writes the report as Markdown.
///
/// # Errors
/// Only the writer's.
pub fn render_markdown(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::with_capacity(256 + report.findings.len() * 256);
    s.push_str("# proscribe report\n\n");
    let _ = write!(
        s,
        "Generated {} by {} {} with catalog {} (`{}`)",
        report.generated_at.format("%Y-%m-%dT%H:%M:%SZ"),
        md(&report.tool.name),
        md(&report.tool.version),
        md(&report.catalog.version),
        md_code(&report.catalog.digest).trim_matches('`'),
    );
    if let Some(h) = &report.host {
        let _ = write!(
            s,
            " on host {}",
            md(h.hostname.as_deref().unwrap_or("(unnamed)"))
        );
        if let Some(os) = &h.os {
            let _ = write!(s, " ({})", md(os));
        }
    }
    s.push_str(".\n\n## Summary\n\n");
    let sum = &report.summary;
    let _ = writeln!(
        s,
        "{} items read from {} targets; {} findings, {} of them under an active exception.\n",
        sum.items,
        report.targets.len(),
        sum.findings,
        sum.excepted
    );
    s.push_str("| Status | Findings |\n|---|---:|\n");
    for (st, n) in [
        (Status::Banned, sum.by_status.banned),
        (Status::Restricted, sum.by_status.restricted),
        (Status::Review, sum.by_status.review),
    ] {
        let _ = writeln!(s, "| {} | {n} |", status(st));
    }
    let overdue = report
        .findings
        .iter()
        .filter(|f| !f.is_excepted() && f.deadline.as_ref().is_some_and(|d| d.overdue))
        .count();
    let _ = writeln!(s, "\nOverdue (no active exception): {overdue}.\n");

    s.push_str("## Findings\n\n");
    if report.findings.is_empty() {
        s.push_str("No findings.\n\n");
    } else {
        s.push_str(
            "| Status | Vendor | Product | Item | Acts | Deadline | Exception | Location |\n",
        );
        s.push_str("|---|---|---|---|---|---|---|---|\n");
        for f in &report.findings {
            finding_row(&mut s, f);
        }
        s.push('\n');
    }

    // Each exception once, with what it says and how many findings it covers.
    let mut exceptions: Vec<(&ExceptionRef, usize)> = Vec::new();
    for x in report.findings.iter().filter_map(|f| f.exception.as_ref()) {
        match exceptions.iter_mut().find(|(e, _)| e.id == x.id) {
            Some((_, n)) => *n += 1,
            None => exceptions.push((x, 1)),
        }
    }
    if !exceptions.is_empty() {
        s.push_str("## Exceptions\n\n| Exception | State | Until | Approved by | Reference | Reason | Findings |\n|---|---|---|---|---|---|---:|\n");
        for (x, n) in exceptions {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {n} |",
                md(&x.id),
                x.state.as_str(),
                x.until.map(|u| u.to_string()).unwrap_or_default(),
                md(&x.approved_by),
                x.reference.as_deref().map(md).unwrap_or_default(),
                md(&x.reason),
            );
        }
        s.push('\n');
    }
    if !report.warnings.is_empty() {
        s.push_str("## Warnings\n\n");
        for w in &report.warnings {
            let _ = writeln!(s, "- {}: {}", md_code(&w.code), md(&w.message));
        }
        s.push('\n');
    }
    if !report.errors.is_empty() {
        s.push_str("## Unreadable inputs\n\n");
        for e in &report.errors {
            let _ = writeln!(s, "- {}: {}", md(&e.target), md(&e.reason));
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

fn plan_item_row(out: &mut String, host: &str, i: &PlanItem) {
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        md(host),
        md(&i.name),
        i.version.as_deref().map(md).unwrap_or_default(),
        status(i.status),
        deadline_cell(i.deadline.as_ref(), i.is_excepted()),
        i.uninstall
            .as_ref()
            .map(|u| md_code(&u.command))
            .unwrap_or_default(),
        exception_cell(i.exception.as_ref()),
        md(&crate::text::location(&i.location)),
    );
}

/// Writes a removal plan as Markdown: one section per vendor and product.
///
/// # Errors
/// Only the writer's.
pub fn render_plan_markdown(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    s.push_str("# Removal plan\n\n");
    let sum = &plan.summary;
    let _ = writeln!(
        s,
        "{} items on {} hosts in {} groups: {} overdue, {} under an active exception, {} without a known uninstall command.\n",
        sum.items, sum.hosts, sum.groups, sum.overdue, sum.excepted, sum.without_uninstall_hint
    );
    s.push_str("| Report | Host | Generated | Findings |\n|---|---|---|---:|\n");
    for r in &plan.reports {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(&r.file),
            r.host.as_deref().map(md).unwrap_or_default(),
            r.generated_at.as_deref().map(md).unwrap_or_default(),
            r.findings
        );
    }
    s.push('\n');
    if plan.groups.is_empty() {
        s.push_str("Nothing to remove.\n");
    }
    for (n, g) in plan.groups.iter().enumerate() {
        let title = match &g.product {
            Some(p) => format!("{} ({})", md(&p.name), md(&g.vendor.name)),
            None => format!("{} (any product)", md(&g.vendor.name)),
        };
        let _ = writeln!(s, "## {}. {title}\n", n + 1);
        let _ = write!(s, "- Status: {}\n- Deadline: ", status(g.status));
        match &g.deadline {
            Some(d) => {
                let _ = writeln!(
                    s,
                    "{} by {}{} ({})",
                    d.kind.as_str(),
                    d.date,
                    if d.overdue { ", **overdue**" } else { "" },
                    md(&d.act)
                );
            }
            None => s.push_str("none set by the acts\n"),
        }
        let _ = writeln!(
            s,
            "- Replace with: {}",
            g.category.as_deref().map_or_else(
                || "another product (no category in the catalog)".to_owned(),
                |c| { format!("another {} product", md(c)) }
            )
        );
        let acts = g
            .acts
            .iter()
            .map(|a| format!("{} {}", link(&a.id, &a.url), md(&a.title)))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(s, "- Acts: {acts}\n");
        s.push_str("| Host | Item | Version | Status | Deadline | Uninstall | Exception | Found at |\n|---|---|---|---|---|---|---|---|\n");
        for h in &g.hosts {
            for i in &h.items {
                plan_item_row(&mut s, &h.host, i);
            }
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::{md, md_code};

    /// Markdown and HTML syntax is escaped; line breaks stay inside the cell.
    #[test]
    fn escapes() {
        assert_eq!(md("a|b"), r"a\|b");
        assert_eq!(md("*x* _y_ [z](u)"), r"\*x\* \_y\_ \[z\](u)");
        assert_eq!(md("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(md("a\nb\r\nc"), "a<br>b<br>c");
        assert_eq!(md("x\u{202e}y"), "x&lt;U+202E&gt;y");
        assert_eq!(md("\u{7}"), "\u{fffd}");
        assert_eq!(md("12.1.0-1268"), "12.1.0-1268");
        assert_eq!(md_code("apt-get purge kesl"), "`apt-get purge kesl`");
        assert_eq!(md_code("a`b|c"), r"``a`b\|c``");
        assert_eq!(md_code("`x"), "`` `x ``");
    }
}
