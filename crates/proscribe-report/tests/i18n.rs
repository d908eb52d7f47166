//! The message files: every language defines exactly the messages the writers use, with
//! the same arguments, and parses without an error.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::Entry;
use proscribe_report::i18n::{Arg, Lang, Messages, Msg};

/// Message id → the `$variables` its text uses, from the raw file.
fn variables(ftl: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in ftl.lines() {
        if line.starts_with(|c: char| c.is_ascii_lowercase()) {
            let id = line.split('=').next().unwrap_or_default().trim().to_owned();
            current = Some(id.clone());
            out.entry(id).or_default();
        } else if !line.starts_with(' ') {
            current = None;
        }
        if let Some(id) = &current {
            let vars = out.entry(id.clone()).or_default();
            for part in line.split('$').skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                vars.insert(name);
            }
        }
    }
    out
}

/// No language misses a message or has one the code does not know; files parse cleanly.
#[test]
fn every_message_in_every_language() {
    let expected: BTreeSet<&str> = Msg::ALL.iter().map(|m| m.id()).collect();
    assert_eq!(expected.len(), Msg::ALL.len(), "duplicate ids in Msg");
    for lang in Lang::ALL {
        let resource = fluent_syntax::parser::parse(lang.ftl())
            .unwrap_or_else(|(_, errors)| panic!("{lang}: syntax errors: {errors:?}"));
        let mut ids = Vec::new();
        for entry in &resource.body {
            match entry {
                Entry::Message(m) => ids.push(m.id.name),
                Entry::Junk { content } => panic!("{lang}: junk: {content}"),
                _ => {}
            }
        }
        let found: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(found.len(), ids.len(), "{lang}: a message is defined twice");
        let missing: Vec<_> = expected.difference(&found).collect();
        let extra: Vec<_> = found.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, unknown {extra:?}"
        );
    }
}

/// A translation uses the same arguments as English, so no number or name is lost.
#[test]
fn same_arguments_in_every_language() {
    let en = variables(Lang::En.ftl());
    for lang in Lang::ALL {
        let other = variables(lang.ftl());
        for (id, vars) in &en {
            assert_eq!(other.get(id), Some(vars), "{lang}: `{id}` arguments differ");
        }
    }
}

/// Every message formats to text in every language, every argument filled.
#[test]
fn every_message_formats() {
    let en = variables(Lang::En.ftl());
    for lang in Lang::ALL {
        let m = Messages::new(lang);
        for msg in Msg::ALL {
            let args: Vec<(&str, Arg<'_>)> = en[msg.id()]
                .iter()
                .map(|v| (v.as_str(), Arg::Num(2)))
                .collect();
            let text = m.format(*msg, &args);
            assert!(!text.is_empty(), "{lang}: {}", msg.id());
            assert!(!text.contains('{'), "{lang}: {} → {text}", msg.id());
        }
    }
}

mod common;

fn table(lang: Lang, width: usize) -> String {
    let mut out = Vec::new();
    let style = proscribe_report::TableStyle {
        color: false,
        width,
        lang,
    };
    proscribe_report::render_table(&common::report(), &mut out, style).unwrap();
    String::from_utf8(out).unwrap()
}

/// The table in German, French and Japanese: snapshots of what a reader sees.
#[test]
fn table_in_each_language() {
    for lang in [Lang::De, Lang::Fr, Lang::Ja] {
        insta::assert_snapshot!(format!("table_{lang}"), table(lang, 100));
    }
}

/// In every language and width, lines fit the terminal (CJK counted as two columns) and
/// every labelled value starts in the same column, so the table stays aligned.
#[test]
fn table_alignment_in_each_language() {
    use unicode_width::UnicodeWidthStr;
    for lang in Lang::ALL {
        let m = Messages::new(lang);
        let labels: BTreeSet<String> = [
            Msg::LabelProduct,
            Msg::LabelVia,
            Msg::LabelWhere,
            Msg::LabelEvidence,
            Msg::LabelActs,
            Msg::LabelDeadline,
            Msg::LabelException,
        ]
        .iter()
        .map(|l| m.get(*l))
        .collect();
        for width in [40, 60, 100] {
            let text = table(lang, width);
            let mut value_columns = BTreeSet::new();
            for line in text.lines() {
                assert!(line.width() <= width, "{lang} at {width}: `{line}`");
                let Some(rest) = line.strip_prefix("    ") else {
                    continue;
                };
                if rest.starts_with(' ') || rest.is_empty() {
                    continue;
                }
                // A labelled line: label, spaces, value.
                let label_end = rest.find(' ').unwrap_or(rest.len());
                if !labels.contains(&rest[..label_end]) {
                    continue;
                }
                let after = &rest[label_end..];
                let value_start = label_end + after.len() - after.trim_start().len();
                value_columns.insert(4 + rest[..value_start].width());
            }
            assert!(
                value_columns.len() == 1,
                "{lang} at {width}: values start at columns {value_columns:?}\n{text}"
            );
        }
    }
}

/// Markdown table rows as a GFM reader sees them: each row's cells as plain text.
fn md_rows(s: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell: Option<String> = None;
    for ev in Parser::new_ext(s, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::TableRow | Tag::TableHead) => row = Some(Vec::new()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.extend(row.take()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                    r.push(c);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

/// Markdown headings (level 2) as a reader sees them.
fn md_headings(s: &str) -> Vec<String> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for ev in Parser::new(s) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => out.extend(current.take()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// The Markdown report in German, French and Japanese: translated headings and column
/// names, tables a GFM parser still reads with every column, data left as it is.
#[test]
fn markdown_in_each_language() {
    let mut report = common::report();
    report.findings[0].exception = Some(proscribe_policy::ExceptionRef {
        id: "EX-2026-014".into(),
        until: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
        reason: "Malware-analysis lab".into(),
        approved_by: "CISO".into(),
        reference: None,
        state: proscribe_policy::ExceptionState::Active,
    });
    let render = |lang| {
        let mut out = Vec::new();
        proscribe_report::render_markdown(&report, &mut out, lang).unwrap();
        String::from_utf8(out).unwrap()
    };
    let en = render(Lang::En);
    let en_rows = md_rows(&en);
    for (lang, headings, columns) in [
        (
            Lang::De,
            ["Übersicht", "Befunde", "Ausnahmen"],
            ["Status", "Hersteller", "Produkt", "Eintrag"],
        ),
        (
            Lang::Fr,
            ["Résumé", "Constats", "Exceptions"],
            ["Statut", "Fournisseur", "Produit", "Élément"],
        ),
        (
            Lang::Ja,
            ["概要", "検出", "例外"],
            ["ステータス", "ベンダー", "製品", "項目"],
        ),
    ] {
        let text = render(lang);
        let m = Messages::new(lang);
        assert!(
            text.starts_with(&format!("# {}\n", m.get(Msg::HtmlTitle))),
            "{lang}: {text}"
        );
        let found = md_headings(&text);
        assert_eq!(&found[..3], &headings, "{lang}");
        assert_eq!(found[3..], [m.get(Msg::HtmlCardErrors)], "{lang}");
        let rows = md_rows(&text);
        // Same tables, same shape: every row keeps its column count.
        assert_eq!(rows.len(), en_rows.len(), "{lang}");
        for (row, en_row) in rows.iter().zip(&en_rows) {
            assert_eq!(row.len(), en_row.len(), "{lang}: {row:?}");
        }
        let findings_head = rows
            .iter()
            .find(|r| r.len() == 8)
            .unwrap_or_else(|| panic!("{lang}: no findings table"));
        assert_eq!(&findings_head[..4], &columns, "{lang}");
        // Status names are translated, vendor names are data and stay.
        let banned = m.get(Msg::StatusBanned).to_uppercase();
        assert!(rows.iter().any(|r| r[0] == banned), "{lang}: {rows:?}");
        for f in &report.findings {
            assert!(text.contains(&f.vendor.name), "{lang}: {}", f.vendor.name);
        }
        assert!(!text.contains("## Summary"), "{lang}: English left");
    }
}
