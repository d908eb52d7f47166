//! Streaming JSON pieces shared by the JSON importers.
//!
//! Exports can be hundreds of megabytes, so no importer builds a document tree: arrays
//! are walked one element at a time ([`EachElement`]) and an element is dropped once it
//! has become an item. `serde_json` refuses nesting deeper than 128 levels with an error,
//! so a deeply nested file cannot exhaust the stack.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// One scalar of a result row, as text. osquery prints every value as a string, but
/// `--logger_numerics` and Fleet print numbers and booleans; nested values are kept
/// apart so a row can say which column was not a scalar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// A string, number or boolean, as text.
    Text(String),
    /// `null`.
    Null,
    /// An object or array where a scalar was expected.
    Nested,
}

impl Scalar {
    /// The text of a non-empty scalar.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Text(if v { "1" } else { "0" }.to_owned()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(V)
    }
}

/// A flat JSON object of column → scalar, in the order of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Row(pub(crate) Vec<(String, Scalar)>);

impl Row {
    /// The non-empty text of a column.
    pub(crate) fn get(&self, column: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == column)
            .and_then(|(_, v)| v.text())
    }

    /// Whether the row has a column, empty or not.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.0.iter().any(|(k, _)| k == column)
    }

    /// The column names, for error messages.
    pub(crate) fn columns(&self) -> String {
        let mut names: Vec<&str> = self.0.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        names.join(", ")
    }

    /// The first column whose value is an object or an array.
    pub(crate) fn nested(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, v)| *v == Scalar::Nested)
            .map(|(k, _)| k.as_str())
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of column values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Scalar>()? {
                    out.push((k, v));
                }
                Ok(Row(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Deserializes the array the deserializer is at, handing each element to `f` as soon as
/// it is read; the value is the number of elements.
pub(crate) struct EachElement<T, F> {
    f: F,
    marker: PhantomData<fn() -> T>,
}

impl<T, F> EachElement<T, F> {
    pub(crate) fn new(f: F) -> Self {
        Self {
            f,
            marker: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(T)> DeserializeSeed<'de> for EachElement<T, F> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(T)> Visitor<'de> for EachElement<T, F> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(x) = seq.next_element::<T>()? {
            (self.f)(x);
            n += 1;
        }
        Ok(n)
    }
}

/// A reader that counts the lines it has handed out, so a streaming parser's callbacks
/// can say where in the file an element was (`serde_json` reads byte by byte from it).
pub(crate) struct LineCounter<R> {
    inner: R,
    lines: Rc<Cell<usize>>,
}

impl<R: Read> LineCounter<R> {
    /// Wraps `inner`; the returned counter is the current (1-based) line.
    pub(crate) fn new(inner: R) -> (Self, Rc<Cell<usize>>) {
        let lines = Rc::new(Cell::new(1));
        (
            Self {
                inner,
                lines: Rc::clone(&lines),
            },
            lines,
        )
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count();
        self.lines.set(self.lines.get() + newlines);
        Ok(n)
    }
}

/// The first non-whitespace byte of `head` after an optional UTF-8 byte order mark.
pub(crate) fn first_byte(head: &[u8]) -> Option<u8> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// A `serde_json` error as one line: what went wrong and where.
pub(crate) fn describe(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "file ends in the middle of the JSON (cut short?)",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Io => "cannot read",
    };
    let msg = e.to_string();
    // serde_json appends " at line L column C"; keep its detail before that.
    let detail = msg.split(" at line ").next().unwrap_or(&msg);
    format!("line {} column {}: {what}: {detail}", e.line(), e.column())
}
