//! The `Blob` value of a registry certificate store.
//!
//! The value is a list of properties, each `PropertyID` (u32 LE), `Reserved` (u32, 1),
//! `Length` (u32 LE) and `Length` bytes of value; property 32 (`CERTIFICATE_FILE`) holds the
//! DER-encoded certificate. Format: [MS-GPEF] 2.2.1.1.1.1 "Certificate BLOB Properties",
//! <https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-gpef/e051aba9-c9df-4f82-a42a-c13012c9d381>.

use proscribe_model::{Item, Location};

/// The property holding the certificate itself.
const CERTIFICATE_FILE: u32 = 32;

/// The DER certificate inside a `Blob` value.
///
/// # Errors
/// When a property runs past the end of the value, or no property 32 is present.
pub(crate) fn der_of_blob(blob: &[u8]) -> Result<&[u8], String> {
    let mut at = 0usize;
    while at < blob.len() {
        let field = |off: usize| {
            blob.get(at + off..at + off + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let (Some(id), Some(len)) = (field(0), field(8)) else {
            return Err(format!("property header at byte {at} is cut short"));
        };
        let start = at + 12;
        let end = start
            .checked_add(len as usize)
            .filter(|&end| end <= blob.len())
            .ok_or_else(|| {
                format!("property {id} at byte {at} claims {len} bytes, past the end of the blob")
            })?;
        if id == CERTIFICATE_FILE {
            return Ok(&blob[start..end]);
        }
        at = end;
    }
    Err("no certificate property (32) in the blob".into())
}

/// A certificate item from DER, as the certificate collector makes it (name = subject CN,
/// identifiers = subject and SHA-256), so a root found in the registry and the same root in
/// a PEM bundle look alike.
///
/// # Errors
/// When the bytes are not an X.509 certificate.
pub(crate) fn item(der: &[u8], location: Location) -> Result<Item, String> {
    crate::certs::certificate_item(der, location).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::der_of_blob;

    fn prop(id: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    /// Property 32 is found after other properties; damage is reported, never a panic.
    #[test]
    fn finds_certificate_property() {
        let mut blob = prop(3, &[0xaa; 20]);
        blob.extend(prop(32, b"DER"));
        assert_eq!(der_of_blob(&blob), Ok(&b"DER"[..]));
        assert!(der_of_blob(&prop(3, &[1, 2]))
            .unwrap_err()
            .contains("no certificate"));
        let mut cut = prop(32, b"DER");
        cut.truncate(13);
        assert!(der_of_blob(&cut).unwrap_err().contains("past the end"));
        assert!(der_of_blob(&[1, 0, 0]).unwrap_err().contains("cut short"));
    }
}
