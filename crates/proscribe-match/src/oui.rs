//! Longest-prefix lookup of MAC addresses in the IEEE blocks of catalog vendors.
//!
//! A scan can hold millions of addresses and nearly all of them belong to no catalog
//! vendor, so a miss must be cheap: one bit per 24-bit prefix (2 MiB) says whether any
//! MA-L block, or any MA-M/MA-S block inside it, is a catalog vendor's. Only on a set bit
//! are the three hash maps (MA-S 36-bit, MA-M 28-bit, MA-L 24-bit keys) asked, longest
//! first.

use foldhash::HashMap;

/// Catalog OUI blocks keyed by prefix, with a presence bitmap over 24-bit prefixes.
#[derive(Debug)]
pub(crate) struct OuiTable {
    present: Vec<u64>,
    /// MA-S (36 bits), MA-M (28 bits), MA-L (24 bits).
    maps: [HashMap<u64, Vec<u32>>; 3],
}

impl Default for OuiTable {
    fn default() -> Self {
        Self {
            present: vec![0; (1 << 24) / 64],
            maps: Default::default(),
        }
    }
}

impl OuiTable {
    /// Adds target `t` for the block `value` of `bits` (24, 28 or 36) bits.
    pub(crate) fn insert(&mut self, bits: u32, value: u64, t: u32) {
        let slot = match bits {
            36 => 0,
            28 => 1,
            _ => 2,
        };
        let p24 = value >> (bits - 24);
        self.present[(p24 >> 6) as usize] |= 1 << (p24 & 63);
        self.maps[slot].entry(value).or_default().push(t);
    }

    /// The targets of the longest block holding `mac` (a MAC-48), if any.
    #[inline]
    pub(crate) fn get(&self, mac: u64) -> Option<&[u32]> {
        let p24 = (mac >> 24) & 0xff_ffff;
        if self.present[(p24 >> 6) as usize] & (1 << (p24 & 63)) == 0 {
            return None;
        }
        let keys = [mac >> 12, mac >> 20, mac >> 24];
        self.maps
            .iter()
            .zip(keys)
            .find_map(|(map, k)| map.get(&k))
            .map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest block wins; a prefix with no block misses.
    #[test]
    // Grouped as prefix_rest: the block and the device part of each address.
    #[allow(clippy::unusual_byte_groupings)]
    fn longest_prefix() {
        let mut t = OuiTable::default();
        t.insert(24, 0x70b3d5, 1);
        t.insert(36, 0x70b3d5_123, 2);
        t.insert(28, 0x70b3d5_4, 3);
        assert_eq!(t.get(0x70b3d5_123456), Some(&[2][..]));
        assert_eq!(t.get(0x70b3d5_4abcde), Some(&[3][..]));
        assert_eq!(t.get(0x70b3d5_9abcde), Some(&[1][..]));
        assert_eq!(t.get(0x70b3d6_000000), None);
        let mut only_mas = OuiTable::default();
        only_mas.insert(36, 0x70b3d5_123, 2);
        assert_eq!(only_mas.get(0x70b3d5_124000), None);
    }
}
