//! Name normalization: the one place that decides when two names are "the same words".
//!
//! The pipeline is Unicode's `NFKC_Casefold` (NFD → full case fold → NFKD → case fold →
//! NFKC, with default-ignorable code points removed), then a split into words on every
//! character that is not alphanumeric and at every change between CJK and other scripts,
//! then the legal-form words of `legal_forms.txt` are dropped. The result is the words
//! joined by single spaces. Every step is idempotent and the split leaves nothing that a
//! second pass would split or drop again, so `normalize(normalize(x)) == normalize(x)`.
//!
//! Pure-ASCII input (most package names and publishers) takes a fast path that gives the
//! same result without the Unicode iterators.

use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

/// The legal-form list shipped with the crate.
const LEGAL_FORMS: &str = include_str!("legal_forms.txt");

/// The parsed legal-form list.
struct LegalForms {
    /// Whole words to drop.
    tokens: HashSet<&'static str>,
    /// `(byte length, first byte)` pairs of `tokens`, as bits: most words fail this test
    /// and skip the hash lookup.
    quick: [[u64; 4]; 16],
    /// CJK prefixes/suffixes to strip, longest first.
    cjk_affixes: Vec<&'static str>,
}

static FORMS: LazyLock<LegalForms> = LazyLock::new(|| {
    let mut tokens = HashSet::new();
    let mut cjk_affixes = Vec::new();
    let mut section = "";
    for line in LEGAL_FORMS.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            section = line;
            continue;
        }
        match section {
            "[cjk-affixes]" => cjk_affixes.push(line),
            _ => {
                tokens.insert(line);
            }
        }
    }
    cjk_affixes.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let mut quick = [[0u64; 4]; 16];
    for t in &tokens {
        let b = t.as_bytes()[0];
        quick[t.len().min(15)][usize::from(b >> 6)] |= 1 << (b & 63);
    }
    LegalForms {
        tokens,
        quick,
        cjk_affixes,
    }
});

impl LegalForms {
    fn is_legal(&self, word: &str) -> bool {
        let Some(&b) = word.as_bytes().first() else {
            return false;
        };
        let bits = self.quick[word.len().min(15)][usize::from(b >> 6)];
        bits & (1 << (b & 63)) != 0 && self.tokens.contains(word)
    }
}

/// Normalizes a name for comparison: NFKC, full case fold, punctuation dropped, legal
/// forms stripped, words separated by single spaces.
///
/// `AO Kaspersky Lab`, `KASPERSKY LAB` and `Kaspersky Lab ZAO` all give `kaspersky lab`;
/// `АО «Лаборатория Касперского»` gives `лаборатория касперского`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// The normalized word sequence of `s` (see [`normalize`]).
pub fn words(s: &str) -> Vec<String> {
    let n = normalize(s);
    if n.is_empty() {
        return Vec::new();
    }
    n.split(' ').map(str::to_owned).collect()
}

/// Writes the normalized form of `s` into `out` (cleared first), reusing its allocation.
pub(crate) fn normalize_into(s: &str, out: &mut String) {
    out.clear();
    let mut w = Writer {
        out,
        run_start: 0,
        run_end: 0,
        run_len: 0,
        run: ['\0'; 4],
    };
    if s.is_ascii() {
        ascii(s, &mut w);
    } else {
        unicode(s, &mut w);
    }
    w.close_run();
}

fn ascii(s: &str, w: &mut Writer<'_>) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let sep = w.begin();
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let at = w.out.len();
        w.out.push_str(&s[start..i]);
        w.out[at..].make_ascii_lowercase();
        w.end(sep);
    }
}

fn unicode(s: &str, w: &mut Writer<'_>) {
    let folded = s
        .chars()
        .filter(|&c| !is_default_ignorable(c))
        .nfd()
        .default_case_fold()
        .nfkd()
        .default_case_fold()
        .nfkc();
    // `Some(is_cjk)` while inside a word.
    let mut word: Option<(usize, bool)> = None;
    for c in folded {
        if !c.is_alphanumeric() {
            if let Some((sep, _)) = word.take() {
                w.end(sep);
            }
            continue;
        }
        let cjk = is_cjk(c);
        match word {
            Some((_, was_cjk)) if was_cjk == cjk => {}
            Some((sep, _)) => {
                w.end(sep);
                word = Some((w.begin(), cjk));
            }
            None => word = Some((w.begin(), cjk)),
        }
        w.out.push(c);
    }
    if let Some((sep, _)) = word {
        w.end(sep);
    }
}

/// Appends words to the output, dropping legal forms as they complete.
struct Writer<'a> {
    out: &'a mut String,
    /// Byte offset where the current run of single-letter words starts (its separator).
    run_start: usize,
    /// Byte offset just past the run's last letter.
    run_end: usize,
    /// How many single-letter words the run has.
    run_len: usize,
    /// The run's first four letters.
    run: [char; 4],
}

impl Writer<'_> {
    /// Starts a word; returns the offset of its separator.
    fn begin(&mut self) -> usize {
        let sep = self.out.len();
        if sep > 0 {
            self.out.push(' ');
        }
        sep
    }

    /// Finishes the word begun at `sep`: drops it if it is a legal form, strips CJK
    /// legal-form affixes, and tracks runs of single letters ("s a" from "S.A.").
    fn end(&mut self, sep: usize) {
        let start = if sep == 0 { 0 } else { sep + 1 };
        let forms = &*FORMS;
        let word = &self.out[start..];
        let mut chars = word.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_alphabetic() && !forms.is_legal(word) {
                if self.run_len == 0 {
                    self.run_start = sep;
                }
                if self.run_len < 4 {
                    self.run[self.run_len] = c;
                }
                self.run_len += 1;
                self.run_end = self.out.len();
                return;
            }
        }
        if forms.is_legal(word) {
            // A dropped word does not end a run: "S Inc A" reads as "s a" on a second pass.
            self.out.truncate(sep);
            return;
        }
        if word.chars().next().is_some_and(is_cjk) {
            let (a, b) = strip_cjk_affixes(word, &forms.cjk_affixes);
            if a == b {
                self.out.truncate(sep);
                return;
            }
            if (a, b) != (0, word.len()) {
                let kept = word[a..b].to_owned();
                self.out.truncate(start);
                self.out.push_str(&kept);
            }
        }
        self.close_run();
    }

    /// Drops the pending single-letter run if it spells a legal form.
    fn close_run(&mut self) {
        let len = std::mem::take(&mut self.run_len);
        if !(2..=4).contains(&len) {
            return;
        }
        let mut spelled = String::with_capacity(16);
        spelled.extend(&self.run[..len]);
        if !FORMS.is_legal(&spelled) {
            return;
        }
        if self.run_start == 0 {
            // The run opens the text: remove it with the separator that follows it.
            let end = (self.run_end + 1).min(self.out.len());
            self.out.drain(..end);
        } else {
            self.out.drain(self.run_start..self.run_end);
        }
    }
}

/// The byte range of `word` left after stripping CJK legal-form prefixes and suffixes
/// (equal bounds when the whole word is legal forms).
fn strip_cjk_affixes(word: &str, affixes: &[&str]) -> (usize, usize) {
    let (mut a, mut b) = (0, word.len());
    'outer: loop {
        let rest = &word[a..b];
        for affix in affixes {
            if rest == *affix {
                return (a, a);
            }
            if rest.ends_with(affix) {
                b -= affix.len();
                continue 'outer;
            }
            if rest.starts_with(affix) {
                a += affix.len();
                continue 'outer;
            }
        }
        return (a, b);
    }
}

/// Chinese and Japanese scripts, written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'     // 々 〆 〇
        | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}' // CJK extensions B and later
    )
}

/// Unicode `Default_Ignorable_Code_Point`, which `NFKC_Casefold` removes (soft hyphens,
/// zero-width joiners, variation selectors…), so "Kasper\u{AD}sky" stays one word.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The brief's examples, one per rule.
    #[test]
    fn examples() {
        let cases = [
            ("AO Kaspersky Lab", "kaspersky lab"),
            ("KASPERSKY LAB", "kaspersky lab"),
            ("Kaspersky Lab ZAO", "kaspersky lab"),
            ("АО «Лаборатория Касперского»", "лаборатория касперского"),
            ("HUAWEI TECHNOLOGIES CO.,LTD", "huawei technologies"),
            (
                "Zhongxing Telecom Co.,ltd. (abbr. ZTE)",
                "zhongxing telecom abbr zte",
            ),
            ("Bytedance Pte. Ltd.", "bytedance"),
            ("Straße GmbH", "strasse"),
            ("Acme S.A.", "acme"),
            ("S.A. Acme", "acme"),
            ("А.О. Касперский", "касперский"),
            ("Plan 9 from Bell Labs", "plan 9 from bell labs"),
            ("华为技术有限公司", "华为技术"),
            ("中国移动通信集团公司", "中国移动通信"),
            ("株式会社カスペルスキー", "カスペルスキー"),
            ("HUAWEI华为技术有限公司", "huawei 华为技术"),
            ("ＫＡＳＰＥＲＳＫＹ", "kaspersky"),
            ("Kasper\u{AD}sky", "kaspersky"),
            ("  --  ", ""),
            ("Co., Ltd.", ""),
            ("libtrilinos-aztecoo-dev", "libtrilinos aztecoo dev"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "normalize({input:?})");
        }
    }

    /// `words` splits what `normalize` joins, and gives nothing for an empty name.
    #[test]
    fn words_split() {
        assert_eq!(
            words("Kaspersky Endpoint Security 11"),
            ["kaspersky", "endpoint", "security", "11"]
        );
        assert!(words("Inc.").is_empty());
    }

    /// A single letter that is not part of a legal form stays.
    #[test]
    fn single_letters_stay() {
        assert_eq!(normalize("Plan B"), "plan b");
        assert_eq!(normalize("X Window System"), "x window system");
        assert_eq!(normalize("A B C D E"), "a b c d e");
    }

    /// Every legal form in the list is already in normalized shape, or it could never match.
    #[test]
    fn legal_form_list_is_normalized() {
        for t in &FORMS.tokens {
            let mut out = String::new();
            let mut w = Writer {
                out: &mut out,
                run_start: 0,
                run_end: 0,
                run_len: 0,
                run: ['\0'; 4],
            };
            unicode(t, &mut w);
            assert!(
                out.is_empty(),
                "legal form `{t}` is not dropped by itself (got `{out}`)"
            );
        }
        for a in &FORMS.cjk_affixes {
            assert!(
                a.chars().all(is_cjk),
                "CJK affix `{a}` has a non-CJK character"
            );
        }
    }

    /// The ASCII fast path agrees with the Unicode path.
    #[test]
    fn ascii_fast_path_agrees() {
        for s in [
            "AO Kaspersky Lab",
            "S.A. Acme",
            "x-y_z",
            "Acme S P A",
            "Inc",
            "a b",
            "GmbH & Co. KG",
        ] {
            let mut fast = String::new();
            normalize_into(s, &mut fast);
            let mut slow = String::new();
            let mut w = Writer {
                out: &mut slow,
                run_start: 0,
                run_end: 0,
                run_len: 0,
                run: ['\0'; 4],
            };
            unicode(s, &mut w);
            w.close_run();
            assert_eq!(fast, slow, "{s:?}");
        }
    }
}
