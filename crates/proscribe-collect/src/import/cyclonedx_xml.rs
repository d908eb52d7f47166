//! CycloneDX XML, read with quick-xml's pull parser one event at a time.
//!
//! Only the open elements' names, the components being read (one per nesting level) and
//! the current text are kept. Entity expansion is off by construction: quick-xml resolves
//! only the five predefined entities and character references, and a document type
//! declaration (where an "XML bomb" defines its entities) is refused outright, since
//! CycloneDX BOMs have none.

use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use super::cyclonedx::{component_item, Fields, XML_NAMESPACE};
use super::sbom::Ctx;
use crate::linux::text::excerpt;
use crate::CollectError;

/// The deepest element nesting accepted. Real BOMs nest components a few levels deep.
const MAX_DEPTH: usize = 256;
/// The longest text of one element that is kept (longer text is cut, not buffered).
const MAX_TEXT: usize = 64 * 1024;

/// A component whose element is open.
struct Open {
    /// Index in the element path of its `component` element.
    depth: usize,
    detail: String,
    fields: Fields,
    /// How many nested components it has had so far.
    children: usize,
    /// The `alg` of the `hash` element being read.
    hash_alg: Option<String>,
    /// Whether this is `metadata/component`.
    metadata: bool,
}

struct State {
    path: Vec<String>,
    open: Vec<Open>,
    text: String,
    top: usize,
    meta_component: Option<Fields>,
    meta_parties: Vec<String>,
    saw_bom: bool,
}

/// Reads a CycloneDX XML BOM into `ctx`.
pub(crate) fn read(ctx: &mut Ctx<'_, '_, '_>) -> Result<(), CollectError> {
    if ctx.input.is_dir {
        return Err(CollectError::format(
            "is a directory: expected a CycloneDX BOM",
        ));
    }
    let file = std::fs::File::open(ctx.input.path)?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut buf = Vec::new();
    let mut st = State {
        path: Vec::new(),
        open: Vec::new(),
        text: String::new(),
        top: 0,
        meta_component: None,
        meta_parties: Vec::new(),
        saw_bom: false,
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            CollectError::format(format!(
                "invalid XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        let at = reader.buffer_position();
        match event {
            Event::Start(e) => st.start(&e, at)?,
            Event::Empty(e) => {
                st.start(&e, at)?;
                st.end(ctx);
            }
            Event::End(_) => st.end(ctx),
            Event::Text(t) => st.push_text(&t.xml10_content()),
            Event::CData(t) => st.push_text(&t.into_inner()),
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => st.push_text(c.encode_utf8(&mut [0; 4])),
                        _ => {
                            return Err(CollectError::format(format!(
                                "invalid character reference `&{};` at byte {at}",
                                excerpt(&r.xml10_content())
                            )))
                        }
                    }
                } else {
                    let name = r.xml10_content();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => st.push_text(s),
                        None => {
                            return Err(CollectError::format(format!(
                                "undefined entity `&{};` at byte {at}: entities are not expanded",
                                excerpt(&name)
                            )))
                        }
                    }
                }
            }
            Event::DocType(_) => {
                return Err(CollectError::format(format!(
                    "document type declaration at byte {at}: refused (CycloneDX has none, and \
                     entity definitions are never expanded)"
                )))
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = st.path.last() {
        return Err(CollectError::format(format!(
            "file ends inside `<{}>` (cut short?)",
            excerpt(open)
        )));
    }
    if !st.saw_bom {
        return Err(CollectError::format(
            "no `<bom>` element: not a CycloneDX XML BOM",
        ));
    }
    Ok(())
}

impl State {
    fn push_text(&mut self, s: &str) {
        if self.text.len() + s.len() <= MAX_TEXT {
            self.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, at: u64) -> Result<(), CollectError> {
        let local = String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned();
        self.text.clear();
        if self.path.len() >= MAX_DEPTH {
            return Err(CollectError::format(format!(
                "elements nested deeper than {MAX_DEPTH} levels at byte {at}"
            )));
        }
        if self.path.is_empty() {
            if local != "bom" {
                return Err(CollectError::format(format!(
                    "root element is `<{}>`, not a CycloneDX `<bom>`",
                    excerpt(&local)
                )));
            }
            let in_namespace = e.attributes().flatten().any(|a| {
                let key = a.key.as_ref();
                (key == "xmlns" || key.starts_with("xmlns:")) && a.value.starts_with(XML_NAMESPACE)
            });
            if !in_namespace {
                return Err(CollectError::format(format!(
                    "`<bom>` is not in the CycloneDX namespace ({XML_NAMESPACE}…)"
                )));
            }
            self.saw_bom = true;
        }
        let parent = self.path.last().map(String::as_str);
        let grand = self
            .path
            .len()
            .checked_sub(2)
            .map(|i| self.path[i].as_str());
        let depth = self.path.len();
        let attr = |name: &str| -> Result<Option<String>, CollectError> {
            for a in e.attributes() {
                let a = a.map_err(|err| {
                    CollectError::format(format!("invalid XML attribute at byte {at}: {err}"))
                })?;
                if a.key.as_ref() == name {
                    let v = a.normalized_value(XmlVersion::Implicit1_0).map_err(|err| {
                        CollectError::format(format!(
                            "invalid XML attribute `{name}` at byte {at}: {err}"
                        ))
                    })?;
                    return Ok(Some(v.into_owned()));
                }
            }
            Ok(None)
        };
        let owner = self.open.last().map(|o| o.depth);
        if local == "component" {
            let started = match (parent, grand) {
                (Some("metadata"), Some("bom")) => Some(("metadata.component".to_owned(), true)),
                (Some("components"), Some("bom")) => {
                    self.top += 1;
                    Some((format!("components[{}]", self.top - 1), false))
                }
                (Some("components"), Some("component")) if owner == Some(depth - 2) => {
                    let o = self.open.last_mut().expect("owner exists");
                    o.children += 1;
                    Some((
                        format!("{}.components[{}]", o.detail, o.children - 1),
                        false,
                    ))
                }
                _ => None,
            };
            if let Some((detail, metadata)) = started {
                let fields = Fields {
                    ty: attr("type")?,
                    bom_ref: attr("bom-ref")?,
                    ..Fields::default()
                };
                self.open.push(Open {
                    depth,
                    detail,
                    fields,
                    children: 0,
                    hash_alg: None,
                    metadata,
                });
            }
        } else if owner == Some(depth.wrapping_sub(1)) && local == "swid" {
            let tag_id = attr("tagId")?;
            let name = attr("name")?;
            let o = self.open.last_mut().expect("owner exists");
            o.fields.swid_tag_id = tag_id;
            o.fields.swid_name = name;
        } else if owner == Some(depth.wrapping_sub(2))
            && local == "hash"
            && parent == Some("hashes")
        {
            let alg = attr("alg")?;
            self.open.last_mut().expect("owner exists").hash_alg = alg;
        }
        self.path.push(local);
        Ok(())
    }

    fn end(&mut self, ctx: &mut Ctx<'_, '_, '_>) {
        let Some(local) = self.path.pop() else {
            return;
        };
        let depth = self.path.len();
        let text = std::mem::take(&mut self.text);
        let text = text.trim();
        let value = (!text.is_empty()).then(|| text.to_owned());
        if self.open.last().is_some_and(|o| o.depth == depth) {
            let o = self.open.pop().expect("checked");
            if o.metadata {
                self.meta_component = Some(o.fields);
            } else {
                component_item(ctx, o.detail, o.fields, None);
            }
            return;
        }
        if let Some(o) = self.open.last_mut() {
            let f = &mut o.fields;
            let rel = &self.path[o.depth + 1..];
            match (rel, local.as_str()) {
                ([], "name") => f.name = value,
                ([], "version") => f.version = value,
                ([], "group") => f.group = value,
                ([], "publisher") => f.publisher = value,
                ([], "author") => f.author = value,
                ([], "purl") => f.purl = value,
                ([], "cpe") => f.cpe = value,
                ([p], "name") if p == "supplier" => f.supplier = value,
                ([p], "name") if p == "manufacturer" => f.manufacturer = value,
                ([p, q], "name") if p == "authors" && q == "author" => f.authors.extend(value),
                ([p], "hash")
                    if p == "hashes" && o.hash_alg.take().as_deref() == Some("SHA-256") =>
                {
                    f.sha256.extend(value);
                }
                _ => {}
            }
            return;
        }
        match (self.path.as_slice(), local.as_str()) {
            ([b, m, p], "name")
                if b == "bom"
                    && m == "metadata"
                    && matches!(p.as_str(), "manufacture" | "manufacturer" | "supplier") =>
            {
                if let Some(v) = value {
                    if p == "supplier" {
                        self.meta_parties.push(v);
                    } else {
                        self.meta_parties.insert(0, v);
                    }
                }
            }
            ([b], "metadata") if b == "bom" => {
                if let Some(f) = self.meta_component.take() {
                    let fallback = self.meta_parties.first().cloned();
                    component_item(ctx, "metadata.component".into(), f, fallback.as_deref());
                }
            }
            _ => {}
        }
    }
}
