//! JSON Schema descriptions of the types a finding borrows from other crates.
//!
//! The model, catalog and matcher crates stay free of a schema dependency; their serde
//! shapes are described here instead. The tests below pin each description to the real
//! type: adding a variant or a field there breaks the build or a test here, so the
//! published report schema cannot drift silently.

use std::borrow::Cow;

use proscribe_catalog::{MatchKind, Status};
use proscribe_model::{IdentifierKind, ItemKind};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

/// Every item kind; [`item_kind_index`] makes the compiler check that it is complete.
pub(crate) const ITEM_KINDS: [ItemKind; 12] = [
    ItemKind::Package,
    ItemKind::Application,
    ItemKind::MobileApp,
    ItemKind::Service,
    ItemKind::Driver,
    ItemKind::Process,
    ItemKind::BrowserExtension,
    ItemKind::Certificate,
    ItemKind::UsbDevice,
    ItemKind::PciDevice,
    ItemKind::NetworkDevice,
    ItemKind::Component,
];

/// The position of a kind in [`ITEM_KINDS`]. Exhaustive on purpose: a new kind in the
/// model does not compile until it is listed here and there.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn item_kind_index(kind: ItemKind) -> usize {
    match kind {
        ItemKind::Package => 0,
        ItemKind::Application => 1,
        ItemKind::MobileApp => 2,
        ItemKind::Service => 3,
        ItemKind::Driver => 4,
        ItemKind::Process => 5,
        ItemKind::BrowserExtension => 6,
        ItemKind::Certificate => 7,
        ItemKind::UsbDevice => 8,
        ItemKind::PciDevice => 9,
        ItemKind::NetworkDevice => 10,
        ItemKind::Component => 11,
    }
}

const STATUSES: [Status; 3] = [Status::Banned, Status::Restricted, Status::Review];

const MATCH_KINDS: [MatchKind; 4] = [
    MatchKind::Exact,
    MatchKind::Words,
    MatchKind::Prefix,
    MatchKind::Regex,
];

fn match_kind_str(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Words => "words",
        MatchKind::Prefix => "prefix",
        MatchKind::Regex => "regex",
    }
}

/// Schema of [`ItemKind`].
pub(crate) struct ItemKindDef;

impl JsonSchema for ItemKindDef {
    fn schema_name() -> Cow<'static, str> {
        "ItemKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = ITEM_KINDS.iter().map(|k| k.as_str()).collect();
        json_schema!({
            "description": "What kind of thing an inventory item is.",
            "type": "string",
            "enum": names,
        })
    }
}

/// Schema of [`IdentifierKind`].
pub(crate) struct IdentifierKindDef;

impl JsonSchema for IdentifierKindDef {
    fn schema_name() -> Cow<'static, str> {
        "IdentifierKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = IdentifierKind::ALL.iter().map(|k| k.as_str()).collect();
        json_schema!({
            "description": "The type of an identifier an item carries.",
            "type": "string",
            "enum": names,
        })
    }
}

/// Schema of [`Status`].
pub(crate) struct StatusDef;

impl JsonSchema for StatusDef {
    fn schema_name() -> Cow<'static, str> {
        "Status".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = STATUSES.iter().map(|s| s.as_str()).collect();
        json_schema!({
            "description": "How strongly an act treats a vendor or product: banned > restricted > review.",
            "type": "string",
            "enum": names,
        })
    }
}

/// Schema of [`MatchKind`].
pub(crate) struct MatchKindDef;

impl JsonSchema for MatchKindDef {
    fn schema_name() -> Cow<'static, str> {
        "MatchKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = MATCH_KINDS.iter().map(|k| match_kind_str(*k)).collect();
        json_schema!({
            "description": "How a signature's value was compared with the item's field.",
            "type": "string",
            "enum": names,
        })
    }
}

// Schema of `proscribe_model::Identifier`; only its schema is used.
/// One identifier an item carries, as the source showed it.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(rename = "Identifier")]
pub(crate) struct IdentifierDef {
    /// Which kind of identifier this is.
    #[serde(rename = "type")]
    #[schemars(with = "IdentifierKindDef")]
    kind: (),
    /// The value as found.
    value: String,
    /// For packages: the ecosystem (`deb`, `rpm`, `apk`, `pacman`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ecosystem: Option<String>,
}

// Schema of `proscribe_model::Location`; only its schema is used.
/// Where exactly an item was found.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(rename = "Location")]
pub(crate) struct LocationDef {
    /// The target the user named (a path, `-`, or `localhost` for the live machine).
    target: String,
    /// The collector that produced the item.
    collector: String,
    /// The file (or registry hive, or URL) inside the target.
    path: String,
    /// The place inside that file: a line, a registry key, a host address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

// Schema of `proscribe_match::Evidence`; only its schema is used.
/// Which item field matched which catalog signature, and how.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(rename = "Evidence")]
pub(crate) struct EvidenceDef {
    /// The item field compared: `name`, `publisher`, or an identifier type.
    field: String,
    /// The item's value in that field.
    value: String,
    /// The signature that matched, as `<product-or-vendor-id>#<index>`.
    signature: String,
    /// Where the signature is attested.
    source: String,
    /// How the value was compared.
    #[serde(rename = "match")]
    #[schemars(with = "MatchKindDef")]
    how: (),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proscribe_match::Evidence;
    use proscribe_model::{Identifier, Location};
    use serde_json::{json, Value};

    fn schema_of<T: JsonSchema>() -> Value {
        serde_json::to_value(schemars::SchemaGenerator::default().into_root_schema_for::<T>())
            .unwrap()
    }

    fn enum_values<T: JsonSchema>() -> Vec<Value> {
        schema_of::<T>()["enum"].as_array().unwrap().clone()
    }

    fn props<T: JsonSchema>() -> Vec<String> {
        let mut keys: Vec<String> = schema_of::<T>()["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn keys(v: &Value) -> Vec<String> {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// Every item kind is listed once, and its schema value is its serde name.
    #[test]
    fn item_kind_schema_lists_every_kind() {
        for (i, kind) in ITEM_KINDS.iter().enumerate() {
            assert_eq!(
                item_kind_index(*kind),
                i,
                "{kind} out of place in ITEM_KINDS"
            );
        }
        let serde: Vec<Value> = ITEM_KINDS
            .iter()
            .map(|k| serde_json::to_value(k).unwrap())
            .collect();
        assert_eq!(enum_values::<ItemKindDef>(), serde);
    }

    /// Identifier kinds, statuses and match kinds list exactly what serde writes.
    #[test]
    fn other_enum_schemas_match_serde() {
        let serde: Vec<Value> = IdentifierKind::ALL
            .iter()
            .map(|k| serde_json::to_value(k).unwrap())
            .collect();
        assert_eq!(enum_values::<IdentifierKindDef>(), serde);
        // Exhaustive matches pin the variant lists to the enums.
        for s in STATUSES {
            match s {
                Status::Banned | Status::Restricted | Status::Review => {}
            }
        }
        let serde: Vec<Value> = STATUSES
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        assert_eq!(enum_values::<StatusDef>(), serde);
        let serde: Vec<Value> = MATCH_KINDS
            .iter()
            .map(|k| serde_json::to_value(k).unwrap())
            .collect();
        assert_eq!(enum_values::<MatchKindDef>(), serde);
    }

    /// The struct schemas have exactly the fields serde writes for the real types
    /// (every optional field set, so none is skipped).
    #[test]
    fn struct_schemas_match_serde() {
        // Exhaustive destructuring: a new field in a borrowed type stops this compiling.
        let Identifier {
            kind: _,
            value: _,
            ecosystem: _,
        } = Identifier::package("deb", "kesl");
        let Location {
            target: _,
            collector: _,
            path: _,
            detail: _,
        } = Location::default();
        let identifier = Identifier::package("deb", "kesl");
        assert_eq!(
            props::<IdentifierDef>(),
            keys(&serde_json::to_value(identifier).unwrap())
        );
        let location = Location {
            target: "t".into(),
            collector: "c".into(),
            path: "p".into(),
            detail: Some("line 1".into()),
        };
        assert_eq!(
            props::<LocationDef>(),
            keys(&serde_json::to_value(location).unwrap())
        );
        let evidence = Evidence {
            field: "package".into(),
            value: "kesl".into(),
            signature: "kaspersky-endpoint-security#0".into(),
            source: "https://example.org".into(),
            how: MatchKind::Exact,
        };
        let Evidence {
            field: _,
            value: _,
            signature: _,
            source: _,
            how: _,
        } = evidence.clone();
        assert_eq!(
            props::<EvidenceDef>(),
            keys(&serde_json::to_value(evidence).unwrap())
        );
        assert_eq!(
            schema_of::<EvidenceDef>()["required"],
            json!(["field", "value", "signature", "source", "match"])
        );
    }
}
