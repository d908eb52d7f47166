//! The terminal table: findings grouped by status, then vendor, one small block each.
//!
//! A block per finding rather than a grid because a finding needs several long values
//! (where, evidence, acts) that a grid would either truncate or wrap into unreadable
//! columns. Text wraps at word boundaries to the given width, continuation lines are
//! indented under their value, and every line stays within the width (measured in
//! terminal columns, so CJK names count double, and labels are padded by columns too).
//! Colour only highlights: the table reads the same without it. Fixed text comes from the
//! [`Messages`] of the chosen language.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use chrono::SecondsFormat;
use proscribe_catalog::{MatchKind, Status};
use proscribe_policy::{DeadlineKind, Finding};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::i18n::{Arg, Lang, Messages, Msg};
use crate::Report;

/// How to draw the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    /// Use ANSI colours and bold.
    pub color: bool,
    /// The terminal width in columns; values under 40 are treated as 40.
    pub width: usize,
    /// The language of the fixed text.
    pub lang: Lang,
}

/// The narrowest layout the table draws.
const MIN_WIDTH: usize = 40;
/// Indent of a finding's first line, and of its labelled lines.
const ITEM_INDENT: usize = 2;
const FIELD_INDENT: usize = 4;
/// How many targets the header names before summarising the rest.
const MAX_TARGETS: usize = 5;

const PLAIN: Style = Style::new();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn status_style(status: Status) -> Style {
    let color = match status {
        Status::Banned => AnsiColor::Red,
        Status::Restricted => AnsiColor::Yellow,
        Status::Review => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(color.into()))
}

const OVERDUE: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const ERROR: Style = OVERDUE;

/// Writes the report as a table for people.
///
/// # Errors
/// Only the writer's.
pub fn render_table(report: &Report, out: &mut dyn Write, style: TableStyle) -> io::Result<()> {
    let msg = Messages::new(style.lang);
    // Label columns fit the widest label of the language, plus a space.
    let label = [
        Msg::LabelProduct,
        Msg::LabelVia,
        Msg::LabelWhere,
        Msg::LabelEvidence,
        Msg::LabelActs,
        Msg::LabelDeadline,
        Msg::LabelException,
    ]
    .iter()
    .map(|m| width(&msg.get(*m)))
    .max()
    .unwrap_or(0)
        + 1;
    let head_label = width(&msg.get(Msg::TableHost)).max(width(&msg.get(Msg::TableRead))) + 1;
    let mut t = Table {
        out,
        color: style.color,
        width: style.width.max(MIN_WIDTH),
        msg,
        label,
        head_label,
    };
    t.header(report)?;
    for status in [Status::Banned, Status::Restricted, Status::Review] {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.status == status)
            .collect();
        if !group.is_empty() {
            t.group(status, &group)?;
        }
    }
    t.footer(report)
}

/// A run of text in one style; wrapping never splits inside a word unless the word alone
/// is wider than the line.
type Words = Vec<(String, Style)>;

fn words(text: &str, style: Style) -> Words {
    text.split_whitespace()
        .map(|w| (w.to_owned(), style))
        .collect()
}

fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Greedy word wrap: the first line has `first` columns, the others `rest`.
fn wrap(words: &Words, first: usize, rest: usize) -> Vec<Words> {
    let mut lines: Vec<Words> = vec![Vec::new()];
    let mut used = 0;
    let mut avail = first.max(1);
    for (word, style) in words {
        let w = width(word);
        let sep = usize::from(used > 0);
        if used + sep + w <= avail {
            lines
                .last_mut()
                .unwrap_or(&mut Vec::new())
                .push((word.clone(), *style));
            used += sep + w;
            continue;
        }
        if used > 0 {
            lines.push(Vec::new());
            avail = rest.max(1);
        }
        if w <= avail {
            if let Some(line) = lines.last_mut() {
                line.push((word.clone(), *style));
            }
            used = w;
            continue;
        }
        // A word wider than a whole line (a registry key, a URL): cut it after the last
        // path separator that fits, else at the last column that fits.
        let mut piece = String::new();
        let mut piece_w = 0;
        for c in word.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if piece_w + cw > avail && !piece.is_empty() {
                let cut = piece
                    .char_indices()
                    .rev()
                    .filter(|(_, c)| matches!(c, '\\' | '/'))
                    .map(|(i, c)| i + c.len_utf8())
                    .find(|&i| i < piece.len() && width(&piece[..i]) * 2 >= avail)
                    .unwrap_or(piece.len());
                let carry = piece.split_off(cut);
                if let Some(line) = lines.last_mut() {
                    line.push((std::mem::replace(&mut piece, carry), *style));
                }
                lines.push(Vec::new());
                avail = rest.max(1);
                piece_w = width(&piece);
            }
            piece.push(c);
            piece_w += cw;
        }
        if let Some(line) = lines.last_mut() {
            line.push((piece, *style));
        }
        used = piece_w;
    }
    lines
}

struct Table<'a> {
    out: &'a mut dyn Write,
    color: bool,
    width: usize,
    msg: Messages,
    /// Columns of the finding's label column and of the header's.
    label: usize,
    head_label: usize,
}

/// `text` followed by spaces up to `cols` terminal columns.
fn pad(text: &str, cols: usize) -> String {
    let mut s = text.to_owned();
    s.push_str(&" ".repeat(cols.saturating_sub(width(text))));
    s
}

impl Table<'_> {
    fn styled(&mut self, text: &str, style: Style) -> io::Result<()> {
        if self.color && style != PLAIN {
            write!(self.out, "{}{text}{}", style.render(), style.render_reset())
        } else {
            self.out.write_all(text.as_bytes())
        }
    }

    /// Writes `lead` then `body` wrapped, continuation lines indented by `indent`.
    fn line(&mut self, lead: &Words, indent: usize, body: &Words) -> io::Result<()> {
        let lead_w: usize = lead.iter().map(|(s, _)| width(s)).sum();
        let lines = wrap(
            body,
            self.width.saturating_sub(lead_w),
            self.width.saturating_sub(indent),
        );
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                for (text, style) in lead {
                    self.styled(text, *style)?;
                }
            } else {
                write!(self.out, "{:indent$}", "")?;
            }
            // Words in one style are written as one run, so colour codes stay few.
            let mut run = String::new();
            let mut run_style = PLAIN;
            for (j, (text, style)) in line.iter().enumerate() {
                if j > 0 && *style != run_style {
                    self.styled(&run, run_style)?;
                    self.out.write_all(b" ")?;
                    run.clear();
                } else if j > 0 {
                    run.push(' ');
                }
                run_style = *style;
                run.push_str(text);
            }
            self.styled(&run, run_style)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// A labelled line of a finding: `    evidence  package = kesl (…)`.
    fn field(&mut self, label: Msg, body: &Words) -> io::Result<()> {
        let lead = vec![
            (" ".repeat(FIELD_INDENT), PLAIN),
            (pad(&self.msg.get(label), self.label), DIM),
        ];
        self.line(&lead, FIELD_INDENT + self.label, body)
    }

    fn rule(&mut self) -> io::Result<()> {
        let rule = "─".repeat(self.width);
        self.styled(&rule, DIM)?;
        self.out.write_all(b"\n")
    }

    fn header(&mut self, report: &Report) -> io::Result<()> {
        let mut body = words(
            &format!("{} {}", report.tool.name, report.tool.version),
            BOLD,
        );
        let catalog = self.msg.format(
            Msg::TableCatalog,
            &[("version", Arg::Str(&report.catalog.version))],
        );
        body.extend(words(
            &format!(
                "· {catalog} · {}",
                report
                    .generated_at
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            PLAIN,
        ));
        self.line(&Vec::new(), 0, &body)?;
        if let Some(host) = &report.host {
            let parts: Vec<&str> = [host.hostname.as_deref(), host.os.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !parts.is_empty() {
                let lead = vec![(pad(&self.msg.get(Msg::TableHost), self.head_label), DIM)];
                self.line(&lead, self.head_label, &words(&parts.join(" · "), PLAIN))?;
            }
        }
        // One target per line: a target's name, format and count belong together.
        for (i, t) in report.targets.iter().take(MAX_TARGETS).enumerate() {
            let label = if i == 0 {
                self.msg.get(Msg::TableRead)
            } else {
                String::new()
            };
            let lead = vec![(pad(&label, self.head_label), DIM)];
            let items = self.msg.count(Msg::CountItems, t.items);
            let text = self.msg.format(
                Msg::TableReadTarget,
                &[
                    ("target", Arg::Str(&t.target)),
                    ("format", Arg::Str(&t.format)),
                    ("items", Arg::Str(&items)),
                ],
            );
            self.line(&lead, self.head_label, &words(&text, PLAIN))?;
        }
        if report.targets.len() > MAX_TARGETS {
            let rest = &report.targets[MAX_TARGETS..];
            let items: usize = rest.iter().map(|t| t.items).sum();
            let targets = self.msg.count(Msg::CountTargets, rest.len());
            let items = self.msg.count(Msg::CountItems, items);
            let text = self.msg.format(
                Msg::TableMoreTargets,
                &[("targets", Arg::Str(&targets)), ("items", Arg::Str(&items))],
            );
            self.line(
                &vec![(" ".repeat(self.head_label), PLAIN)],
                self.head_label,
                &words(&text, PLAIN),
            )?;
        }
        Ok(())
    }

    fn group(&mut self, status: Status, findings: &[&Finding]) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        let mut title = words(
            &status_text(&self.msg, status).to_uppercase(),
            status_style(status),
        );
        title.extend(words(
            &format!("· {}", self.msg.count(Msg::CountFindings, findings.len())),
            PLAIN,
        ));
        self.line(&Vec::new(), 0, &title)?;
        self.rule()?;
        let mut vendor: Option<&str> = None;
        for f in findings {
            if vendor != Some(f.vendor.id.as_str()) {
                if vendor.is_some() {
                    self.out.write_all(b"\n")?;
                }
                vendor = Some(&f.vendor.id);
                let mut body = words(&f.vendor.name, BOLD);
                body.extend(words(&format!("({})", f.vendor.id), DIM));
                self.line(&Vec::new(), ITEM_INDENT, &body)?;
            }
            self.finding(f)?;
        }
        Ok(())
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        let mut head = words(&f.item.name, BOLD);
        if let Some(v) = &f.item.version {
            head.extend(words(v, PLAIN));
        }
        head.extend(words(&format!("[{}]", f.item.kind), DIM));
        self.line(&vec![(" ".repeat(ITEM_INDENT), PLAIN)], FIELD_INDENT, &head)?;

        if let Some(p) = &f.product {
            self.field(Msg::LabelProduct, &words(&p.name, PLAIN))?;
        }
        if let Some(e) = &f.entity {
            self.field(Msg::LabelVia, &words(e, PLAIN))?;
        }
        let mut place = f.location.path.clone();
        if let Some(detail) = &f.location.detail {
            place.push_str(", ");
            place.push_str(detail);
        }
        self.field(Msg::LabelWhere, &words(&place, PLAIN))?;
        if let Some(e) = f.evidence.first() {
            let how = match e.how {
                MatchKind::Exact => String::new(),
                other => format!(
                    ", {}",
                    serde_json::to_value(other)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ),
            };
            let mut text = format!("{} = {} ({}{how})", e.field, e.value, e.signature);
            if f.evidence.len() > 1 {
                text.push(' ');
                text.push_str(&self.msg.count(Msg::EvidenceMore, f.evidence.len() - 1));
            }
            self.field(Msg::LabelEvidence, &words(&text, PLAIN))?;
        }
        let acts: Vec<String> = f
            .acts
            .iter()
            .map(|a| match a.date {
                Some(d) => format!("{} ({d})", a.id),
                None => a.id.clone(),
            })
            .collect();
        self.field(Msg::LabelActs, &words(&acts.join(", "), PLAIN))?;
        if let Some(d) = &f.deadline {
            let kind = deadline_text(&self.msg, d.kind);
            let date = d.date.to_string();
            let mut body = words(
                &self.msg.format(
                    Msg::DeadlineBy,
                    &[
                        ("kind", Arg::Str(&kind)),
                        ("date", Arg::Str(&date)),
                        ("act", Arg::Str(&d.act)),
                    ],
                ),
                PLAIN,
            );
            if d.overdue {
                body.push((self.msg.get(Msg::Overdue), OVERDUE));
            }
            self.field(Msg::LabelDeadline, &body)?;
        }
        if let Some(x) = &f.exception {
            let text = match x.until {
                Some(until) => {
                    let until = until.to_string();
                    self.msg.format(
                        Msg::ExceptionUntil,
                        &[
                            ("id", Arg::Str(&x.id)),
                            ("until", Arg::Str(&until)),
                            ("reason", Arg::Str(&x.reason)),
                        ],
                    )
                }
                None => self.msg.format(
                    Msg::ExceptionOpen,
                    &[("id", Arg::Str(&x.id)), ("reason", Arg::Str(&x.reason))],
                ),
            };
            let mut body = words(&text, PLAIN);
            if !x.approved_by.is_empty() {
                body.extend(words(
                    &format!(
                        "· {}",
                        self.msg.format(
                            Msg::ExceptionApprovedBy,
                            &[("who", Arg::Str(&x.approved_by))]
                        )
                    ),
                    PLAIN,
                ));
            }
            if let Some(r) = &x.reference {
                body.extend(words(
                    &format!(
                        "· {}",
                        self.msg
                            .format(Msg::ExceptionReference, &[("reference", Arg::Str(r))])
                    ),
                    PLAIN,
                ));
            }
            if !x.is_active() {
                body.push((self.msg.get(Msg::ExceptionExpired).to_uppercase(), OVERDUE));
            }
            self.field(Msg::LabelException, &body)?;
        }
        Ok(())
    }

    fn footer(&mut self, report: &Report) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        self.rule()?;
        let s = &report.summary;
        let items = self.msg.count(Msg::CountItems, s.items);
        let text = if s.findings == 0 {
            self.msg
                .format(Msg::SummaryNone, &[("items", Arg::Str(&items))])
        } else {
            let findings = self.msg.count(Msg::CountFindings, s.findings);
            self.msg.format(
                Msg::SummaryLine,
                &[
                    ("findings", Arg::Str(&findings)),
                    ("items", Arg::Str(&items)),
                    ("banned", Arg::Num(s.by_status.banned)),
                    ("restricted", Arg::Num(s.by_status.restricted)),
                    ("review", Arg::Num(s.by_status.review)),
                ],
            )
        };
        let text = if s.excepted > 0 {
            format!(
                "{text} ({})",
                self.msg.count(Msg::SummaryExcepted, s.excepted)
            )
        } else {
            text
        };
        let style = if s.by_status.banned > 0 {
            status_style(Status::Banned)
        } else {
            BOLD
        };
        self.line(&Vec::new(), 0, &words(&text, style))?;
        if !report.errors.is_empty() {
            self.out.write_all(b"\n")?;
            let title = self.msg.count(Msg::ErrorsTitle, report.errors.len());
            self.line(&Vec::new(), 0, &words(&title, PLAIN))?;
            for e in &report.errors {
                let lead = vec![("! ".to_owned(), ERROR)];
                self.line(
                    &lead,
                    2,
                    &words(&format!("{}: {}", e.target, e.reason), PLAIN),
                )?;
            }
        }
        Ok(())
    }
}

/// A status in the report's language.
pub(crate) fn status_text(msg: &Messages, status: Status) -> String {
    msg.get(match status {
        Status::Banned => Msg::StatusBanned,
        Status::Restricted => Msg::StatusRestricted,
        Status::Review => Msg::StatusReview,
    })
}

/// A deadline step in the report's language.
pub(crate) fn deadline_text(msg: &Messages, kind: DeadlineKind) -> String {
    msg.get(match kind {
        DeadlineKind::Identify => Msg::DeadlineIdentify,
        DeadlineKind::Plan => Msg::DeadlinePlan,
        DeadlineKind::Remove => Msg::DeadlineRemove,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Words]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Words wrap greedily and continuation lines get the narrower width.
    #[test]
    fn wraps_at_words() {
        let w = words("one two three four five", PLAIN);
        assert_eq!(texts(&wrap(&w, 9, 5)), ["one two", "three", "four", "five"]);
        assert_eq!(texts(&wrap(&w, 100, 100)), ["one two three four five"]);
    }

    /// A word wider than a line is cut, counting double-width characters as two columns.
    #[test]
    fn cuts_long_words_by_columns() {
        let w = words("abcdefghij", PLAIN);
        assert_eq!(texts(&wrap(&w, 4, 4)), ["abcd", "efgh", "ij"]);
        let w = words("杭州海康威视", PLAIN);
        let lines = texts(&wrap(&w, 5, 5));
        assert_eq!(lines, ["杭州", "海康", "威视"]);
        assert!(lines.iter().all(|l| width(l) <= 5));
    }

    /// Long paths break after a separator when one falls in the second half of the line.
    #[test]
    fn cuts_paths_at_separators() {
        let w = words(
            r"Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95}",
            PLAIN,
        );
        assert_eq!(
            texts(&wrap(&w, 30, 30)),
            [
                r"Microsoft\Windows\",
                r"CurrentVersion\Uninstall\",
                "{7EC66A95}"
            ]
        );
        let w = words("https://example.org/a/very/long/path", PLAIN);
        assert_eq!(
            texts(&wrap(&w, 20, 20)),
            ["https://example.org/", "a/very/long/path"]
        );
    }
}
