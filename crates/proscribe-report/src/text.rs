//! Small text helpers the writers share.

use proscribe_model::Location;
use proscribe_policy::{Deadline, FindingAct};

/// The line number in a location detail such as `line 20431` (or `line 7, …`).
pub(crate) fn line_of(detail: Option<&str>) -> Option<u64> {
    let rest = detail?.strip_prefix("line ")?;
    let digits: &str = &rest[..rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len())];
    digits.parse().ok().filter(|n| *n >= 1)
}

/// Whether a character is a control character that no writer passes through: C0 (except
/// tab, line feed and carriage return), DEL and C1.
pub(crate) fn is_bad_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// Explicit bidirectional formatting characters: they reorder what follows them on the
/// line, so a name could make the rest of a row read differently ("Trojan Source").
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `path, detail` or just the path (the target when there is no path).
pub(crate) fn location(loc: &Location) -> String {
    let place = if loc.path.is_empty() {
        &loc.target
    } else {
        &loc.path
    };
    match &loc.detail {
        Some(d) if !d.is_empty() => format!("{place}, {d}"),
        _ => place.clone(),
    }
}

/// `remove 2017-12-12 (overdue)`.
pub(crate) fn deadline(d: &Deadline) -> String {
    format!(
        "{} {}{}",
        d.kind.as_str(),
        d.date,
        if d.overdue { " (overdue)" } else { "" }
    )
}

/// `us-bod-17-01 (banned); eu-ep-2018-0258 (banned)`.
pub(crate) fn act_ids(acts: &[FindingAct]) -> String {
    acts.iter()
        .map(|a| format!("{} ({})", a.id, a.status.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::line_of;

    /// Only `line N` with N ≥ 1 is a line.
    #[test]
    fn lines() {
        assert_eq!(line_of(Some("line 20431")), Some(20431));
        assert_eq!(line_of(Some("line 7, field Package")), Some(7));
        assert_eq!(line_of(Some("line 0")), None);
        assert_eq!(line_of(Some("line x")), None);
        assert_eq!(line_of(Some(r"Microsoft\Windows")), None);
        assert_eq!(line_of(None), None);
        assert_eq!(line_of(Some("line 99999999999999999999999")), None);
    }
}
