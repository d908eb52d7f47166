//! Normalization is idempotent and treats names the way the accuracy rules say.

use proptest::prelude::*;
use proscribe_match::{normalize, words};

/// Strings that exercise every branch: legal forms, dotted abbreviations, CJK affixes,
/// case-fold expansions, compatibility forms, ignorables and combining marks.
const TRICKY: &[&str] = &[
    "AO Kaspersky Lab",
    "АО «Лаборатория Касперского»",
    "S.A. S.p.A. B.V. K.K. Inc.",
    "S Inc A",
    "A.O. Inc. Z.A.O.",
    "华为技术有限公司",
    "有限公司华为",
    "集团有限公司",
    "株式会社カスペルスキー",
    "ﾊﾞｲﾄﾀﾞﾝｽ株式会社",
    "Straße ǰ ΐ ﬁ ﬃ Ⅻ ⑳ ㈱",
    "e\u{301} q\u{301} a\u{316}\u{301}",
    "\u{301}\u{302}x",
    "Kasper\u{AD}sky\u{200B} Lab",
    "İstanbul ı I",
    "ﷺ ﷻ",
    "ᄀ\u{1161}\u{11A8}",
    "x\u{345}\u{3B9}",
    "Co",
    "",
];

fn assert_idempotent(s: &str) {
    let once = normalize(s);
    let twice = normalize(&once);
    assert_eq!(once, twice, "normalize is not idempotent on {s:?}");
    assert_eq!(
        words(s).join(" "),
        once,
        "words and normalize disagree on {s:?}"
    );
    assert!(
        !once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "),
        "bad spacing in {once:?}"
    );
}

/// Hand-picked tricky strings normalize to a fixed point in one pass.
#[test]
fn idempotent_on_tricky_strings() {
    for s in TRICKY {
        assert_idempotent(s);
    }
    // Every pair, to catch interactions between neighbouring words.
    for a in TRICKY {
        for b in TRICKY {
            assert_idempotent(&format!("{a} {b}"));
            assert_idempotent(&format!("{a}{b}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Any Unicode string normalizes to a fixed point in one pass.
    #[test]
    fn idempotent_on_any_string(s in "\\PC{0,40}") {
        assert_idempotent(&s);
    }

    /// Short strings over a small alphabet of letters, dots and legal-form pieces hit the
    /// single-letter-run and legal-form rules far more often than random Unicode.
    #[test]
    fn idempotent_on_legal_form_soup(parts in proptest::collection::vec(
        prop_oneof![
            Just("s"), Just("a"), Just("."), Just(" "), Just("inc"), Just("co"), Just("Ltd"),
            Just("b"), Just("v"), Just("о"), Just("а"), Just("公司"), Just("华为"), Just("株式会社"),
            Just("x"), Just("1"), Just("-"), Just("ß"),
        ], 0..12)) {
        assert_idempotent(&parts.concat());
    }
}

/// The three spellings of Kaspersky's legal name share one word sequence.
#[test]
fn kaspersky_spellings_agree() {
    assert_eq!(normalize("AO Kaspersky Lab"), normalize("KASPERSKY LAB"));
    assert_eq!(normalize("Kaspersky Lab ZAO"), normalize("kaspersky lab"));
    assert_eq!(
        words("АО «Лаборатория Касперского»"),
        ["лаборатория", "касперского"]
    );
}

/// Full case folding, not just lower-casing: `ß` folds to `ss`.
#[test]
fn full_case_fold() {
    assert_eq!(normalize("STRASSE"), normalize("Straße"));
    assert_eq!(normalize("ǅemal"), "džemal");
}

/// Legal forms go only as whole words: `Cobalt` keeps its `co`, `Agile` its `ag`.
#[test]
fn legal_forms_only_whole_words() {
    assert_eq!(
        normalize("Cobalt Agile Incubator"),
        "cobalt agile incubator"
    );
    assert_eq!(normalize("Cobalt Co."), "cobalt");
}
