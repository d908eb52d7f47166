//! Built-in presets: policy files shipped with proscribe, one per kind of organisation,
//! listing the acts binding there. Each file's comments justify every act it lists.

/// Every preset: (name, policy file text).
pub(crate) const PRESETS: [(&str, &str); 7] = [
    (
        "au-government",
        include_str!("../presets/au-government.toml"),
    ),
    ("de-federal", include_str!("../presets/de-federal.toml")),
    (
        "eu-institutions",
        include_str!("../presets/eu-institutions.toml"),
    ),
    (
        "lt-government",
        include_str!("../presets/lt-government.toml"),
    ),
    (
        "nl-government",
        include_str!("../presets/nl-government.toml"),
    ),
    (
        "ua-government",
        include_str!("../presets/ua-government.toml"),
    ),
    ("us-federal", include_str!("../presets/us-federal.toml")),
];

/// A preset by name, with the name as a static string.
pub(crate) fn get(name: &str) -> Option<(&'static str, &'static str)> {
    PRESETS.iter().find(|(n, _)| *n == name).copied()
}

/// The preset names, sorted.
pub(crate) fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}
