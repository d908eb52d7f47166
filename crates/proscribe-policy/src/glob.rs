//! Shell-style name patterns for exceptions: `*` any run of characters, `?` one
//! character, everything else literal, compared case-insensitively.
//!
//! Item and host names are not paths, so there is no special meaning for `/`, no
//! character classes and no escapes: a pattern a person reads at a glance is one they can
//! approve as a waiver.

use std::fmt;

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    text: String,
    folded: Vec<char>,
}

impl Glob {
    /// Compiles a pattern; every string is a valid pattern.
    pub fn new(pattern: &str) -> Self {
        Self {
            text: pattern.to_owned(),
            folded: fold(pattern),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let name = fold(name);
        let p = &self.folded;
        // Iterative wildcard matching: on a mismatch, retry from the last `*` with one
        // more character swallowed. Linear in practice, O(len(p) * len(name)) at worst.
        let (mut i, mut j) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while j < name.len() {
            if i < p.len() && (p[i] == '?' || p[i] == name[j]) {
                i += 1;
                j += 1;
            } else if i < p.len() && p[i] == '*' {
                star = Some((i, j));
                i += 1;
            } else if let Some((si, sj)) = star {
                i = si + 1;
                j = sj + 1;
                star = Some((si, sj + 1));
            } else {
                return false;
            }
        }
        p[i..].iter().all(|&c| c == '*')
    }
}

impl fmt::Display for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn fold(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::Glob;

    /// Wildcards, case folding and whole-name anchoring.
    #[test]
    fn matches() {
        let cases = [
            ("kesl", "kesl", true),
            ("kesl", "kesl-gui", false),
            ("kesl*", "kesl-gui", true),
            ("KESL*", "kesl-gui", true),
            ("*Endpoint*", "Kaspersky Endpoint Security 12", true),
            ("ws-0??", "ws-042", true),
            ("ws-0??", "ws-0420", false),
            ("*", "", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*.example.org", "srv1.example.org", true),
            ("*.example.org", "example.org", false),
            ("Лаборатория*", "лаборатория Касперского", true),
            ("**a", "bba", true),
        ];
        for (p, n, want) in cases {
            assert_eq!(Glob::new(p).matches(n), want, "{p:?} on {n:?}");
        }
    }
}
