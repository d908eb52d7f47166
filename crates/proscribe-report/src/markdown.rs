//! Markdown (GitHub Flavored): a summary and tables, for tickets, wikis and pull requests.
//!
//! Every value from a scan is escaped so it reads as the text it is: Markdown punctuation
//! is backslash-escaped, `<`, `>` and `&` become entities (no HTML gets through), line
//! breaks inside a value become `<br>` so a table row stays one line, control characters
//! become U+FFFD and explicit bidirectional controls are shown as `<U+202E>` instead of
//! reordering the rest of the row.
//!
//! Fixed text comes from the [`crate::i18n`] messages in the language asked for, because
//! a ticket or wiki page is read by people. Vendor, product and act names, ids, dates,
//! warning codes and catalog categories are data and stay as they are. CSV headers and
//! SARIF stay English on purpose: they are machine formats whose column names and
//! property keys other tools match on.

use std::fmt::Write as _;
use std::io::{self, Write};

use proscribe_catalog::Status;
use proscribe_policy::plan::{Plan, PlanItem};
use proscribe_policy::{ExceptionRef, Finding};

use crate::i18n::{Arg, Lang, Messages, Msg};
use crate::table::{deadline_text, status_text};
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

fn status(msg: &Messages, s: Status) -> String {
    format!("**{}**", status_text(msg, s).to_uppercase())
}

/// A GFM table header and its delimiter row; `right` marks right-aligned (count) columns.
fn header(out: &mut String, msg: &Messages, cols: &[(Msg, bool)]) {
    for (m, _) in cols {
        let _ = write!(out, "| {} ", md(&msg.get(*m)));
    }
    out.push_str("|\n");
    for (_, right) in cols {
        out.push_str(if *right { "|---:" } else { "|---" });
    }
    out.push_str("|\n");
}

fn exception_cell(msg: &Messages, x: Option<&ExceptionRef>) -> String {
    let Some(x) = x else {
        return String::new();
    };
    let until = x.until.map(|u| u.to_string()).unwrap_or_default();
    let id = md(&x.id);
    let which = match x.state {
        proscribe_policy::ExceptionState::Active => Msg::MdExceptionUntil,
        proscribe_policy::ExceptionState::Expired => Msg::MdExceptionExpired,
    };
    msg.format(which, &[("id", Arg::Str(&id)), ("until", Arg::Str(&until))])
}

fn deadline_cell(msg: &Messages, d: Option<&proscribe_policy::Deadline>, excepted: bool) -> String {
    let Some(d) = d else {
        return String::new();
    };
    let overdue = if d.overdue && !excepted {
        format!(" **{}**", md(&msg.get(Msg::Overdue).to_lowercase()))
    } else if d.overdue {
        format!(" ({})", md(&msg.get(Msg::Overdue).to_lowercase()))
    } else {
        String::new()
    };
    format!("{} {}{overdue}", md(&deadline_text(msg, d.kind)), d.date)
}

fn finding_row(out: &mut String, msg: &Messages, f: &Finding) {
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
        status(msg, f.status),
        md(&f.vendor.name),
        f.product.as_ref().map(|p| md(&p.name)).unwrap_or_default(),
        item,
        acts,
        deadline_cell(msg, f.deadline.as_ref(), f.is_excepted()),
        exception_cell(msg, f.exception.as_ref()),
        md(&crate::text::location(&f.location)),
    );
}

/// Writes the report as Markdown, its fixed text in `lang`.
///
/// # Errors
/// Only the writer's.
pub fn render_markdown(report: &Report, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let msg = Messages::new(lang);
    let mut s = String::with_capacity(256 + report.findings.len() * 256);
    let _ = writeln!(s, "# {}\n", md(&msg.get(Msg::HtmlTitle)));
    let date = report.generated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let tool = md(&report.tool.name);
    let version = md(&report.tool.version);
    let catalog = md(&report.catalog.version);
    let digest = md_code(&report.catalog.digest);
    let mut args = vec![
        ("date", Arg::Str(&date)),
        ("tool", Arg::Str(&tool)),
        ("version", Arg::Str(&version)),
        ("catalog", Arg::Str(&catalog)),
        ("digest", Arg::Str(digest.trim_matches('`'))),
    ];
    let host = report.host.as_ref().map(|h| {
        let mut name = match &h.hostname {
            Some(n) => md(n),
            None => md(&msg.get(Msg::MdHostUnnamed)),
        };
        if let Some(os) = &h.os {
            let _ = write!(name, " ({})", md(os));
        }
        name
    });
    let generated = match &host {
        Some(h) => {
            args.push(("host", Arg::Str(h)));
            msg.format(Msg::MdGeneratedOnHost, &args)
        }
        None => msg.format(Msg::MdGenerated, &args),
    };
    let _ = writeln!(s, "{generated}\n");
    let _ = writeln!(s, "## {}\n", md(&msg.get(Msg::HtmlSummary)));
    let sum = &report.summary;
    let _ = writeln!(
        s,
        "{}\n",
        msg.format(
            Msg::MdSummary,
            &[
                ("items", Arg::Num(sum.items)),
                ("targets", Arg::Num(report.targets.len())),
                ("findings", Arg::Num(sum.findings)),
                ("excepted", Arg::Num(sum.excepted)),
            ],
        )
    );
    header(
        &mut s,
        &msg,
        &[(Msg::ColStatus, false), (Msg::HtmlCardFindings, true)],
    );
    for (st, n) in [
        (Status::Banned, sum.by_status.banned),
        (Status::Restricted, sum.by_status.restricted),
        (Status::Review, sum.by_status.review),
    ] {
        let _ = writeln!(s, "| {} | {n} |", status(&msg, st));
    }
    let overdue = report
        .findings
        .iter()
        .filter(|f| !f.is_excepted() && f.deadline.as_ref().is_some_and(|d| d.overdue))
        .count();
    let _ = writeln!(s, "\n{}\n", msg.count(Msg::MdOverdueCount, overdue));

    let _ = writeln!(s, "## {}\n", md(&msg.get(Msg::HtmlFindings)));
    if report.findings.is_empty() {
        let _ = writeln!(s, "{}\n", md(&msg.get(Msg::NoFindings)));
    } else {
        header(
            &mut s,
            &msg,
            &[
                (Msg::ColStatus, false),
                (Msg::ColVendor, false),
                (Msg::ColProduct, false),
                (Msg::ColItem, false),
                (Msg::ColActs, false),
                (Msg::ColDeadline, false),
                (Msg::DetailException, false),
                (Msg::DetailLocation, false),
            ],
        );
        for f in &report.findings {
            finding_row(&mut s, &msg, f);
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
        let _ = writeln!(s, "## {}\n", md(&msg.get(Msg::MdExceptions)));
        header(
            &mut s,
            &msg,
            &[
                (Msg::DetailException, false),
                (Msg::MdColState, false),
                (Msg::MdColUntil, false),
                (Msg::MdColApprovedBy, false),
                (Msg::MdColReference, false),
                (Msg::MdColReason, false),
                (Msg::HtmlCardFindings, true),
            ],
        );
        for (x, n) in exceptions {
            let state = match x.state {
                proscribe_policy::ExceptionState::Active => Msg::ExceptionStateActive,
                proscribe_policy::ExceptionState::Expired => Msg::MdStateExpired,
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {n} |",
                md(&x.id),
                md(&msg.get(state)),
                x.until.map(|u| u.to_string()).unwrap_or_default(),
                md(&x.approved_by),
                x.reference.as_deref().map(md).unwrap_or_default(),
                md(&x.reason),
            );
        }
        s.push('\n');
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(s, "## {}\n", md(&msg.get(Msg::HtmlWarnings)));
        for w in &report.warnings {
            let _ = writeln!(s, "- {}: {}", md_code(&w.code), md(&w.message));
        }
        s.push('\n');
    }
    if !report.errors.is_empty() {
        let _ = writeln!(s, "## {}\n", md(&msg.get(Msg::HtmlCardErrors)));
        for e in &report.errors {
            let _ = writeln!(s, "- {}: {}", md(&e.target), md(&e.reason));
        }
        s.push('\n');
    }
    out.write_all(s.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

fn plan_item_row(out: &mut String, msg: &Messages, host: &str, i: &PlanItem) {
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        md(host),
        md(&i.name),
        i.version.as_deref().map(md).unwrap_or_default(),
        status(msg, i.status),
        deadline_cell(msg, i.deadline.as_ref(), i.is_excepted()),
        i.uninstall
            .as_ref()
            .map(|u| md_code(&u.command))
            .unwrap_or_default(),
        exception_cell(msg, i.exception.as_ref()),
        md(&crate::text::location(&i.location)),
    );
}

/// Writes a removal plan as Markdown, its fixed text in `lang`: one section per vendor
/// and product.
///
/// # Errors
/// Only the writer's.
pub fn render_plan_markdown(plan: &Plan, out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    let msg = Messages::new(lang);
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", md(&msg.get(Msg::MdPlanTitle)));
    let sum = &plan.summary;
    let _ = writeln!(
        s,
        "{}\n",
        msg.format(
            Msg::MdPlanSummary,
            &[
                ("items", Arg::Num(sum.items)),
                ("hosts", Arg::Num(sum.hosts)),
                ("groups", Arg::Num(sum.groups)),
                ("overdue", Arg::Num(sum.overdue)),
                ("excepted", Arg::Num(sum.excepted)),
                ("without", Arg::Num(sum.without_uninstall_hint)),
            ],
        )
    );
    header(
        &mut s,
        &msg,
        &[
            (Msg::MdColReport, false),
            (Msg::HtmlHost, false),
            (Msg::HtmlGenerated, false),
            (Msg::HtmlCardFindings, true),
        ],
    );
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
        let _ = writeln!(s, "{}", md(&msg.get(Msg::MdPlanNothing)));
    }
    for (n, g) in plan.groups.iter().enumerate() {
        let vendor = md(&g.vendor.name);
        let title = match &g.product {
            Some(p) => format!("{} ({vendor})", md(&p.name)),
            None => msg.format(Msg::MdPlanAnyProduct, &[("vendor", Arg::Str(&vendor))]),
        };
        let _ = writeln!(s, "## {}. {title}\n", n + 1);
        let _ = writeln!(
            s,
            "- {}: {}",
            md(&msg.get(Msg::ColStatus)),
            status(&msg, g.status)
        );
        let deadline = match &g.deadline {
            Some(d) => {
                let kind = md(&deadline_text(&msg, d.kind));
                let date = d.date.to_string();
                let act = md(&d.act);
                let which = if d.overdue {
                    Msg::MdPlanDeadlineOverdue
                } else {
                    Msg::DeadlineBy
                };
                msg.format(
                    which,
                    &[
                        ("kind", Arg::Str(&kind)),
                        ("date", Arg::Str(&date)),
                        ("act", Arg::Str(&act)),
                    ],
                )
            }
            None => md(&msg.get(Msg::MdPlanNoDeadline)),
        };
        let _ = writeln!(s, "- {}: {deadline}", md(&msg.get(Msg::ColDeadline)));
        let replace = match g.category.as_deref() {
            Some(c) => msg.format(
                Msg::MdPlanReplaceCategory,
                &[("category", Arg::Str(&md(c)))],
            ),
            None => msg.get(Msg::MdPlanReplaceAny),
        };
        let _ = writeln!(s, "- {replace}");
        let acts = g
            .acts
            .iter()
            .map(|a| format!("{} {}", link(&a.id, &a.url), md(&a.title)))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(s, "- {}: {acts}\n", md(&msg.get(Msg::ColActs)));
        header(
            &mut s,
            &msg,
            &[
                (Msg::HtmlHost, false),
                (Msg::ColItem, false),
                (Msg::ColVersion, false),
                (Msg::ColStatus, false),
                (Msg::ColDeadline, false),
                (Msg::MdColUninstall, false),
                (Msg::DetailException, false),
                (Msg::MdColFoundAt, false),
            ],
        );
        for h in &g.hosts {
            for i in &h.items {
                plan_item_row(&mut s, &msg, &h.host, i);
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
