//! Registry hive reader: any bytes, never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_collect::windows::{hive, hive_items};
use proscribe_model::Location;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = hive::Hive::parse(data.to_vec()) {
        let _ = hive::walk(&h, |_, _, values| {
            for v in values {
                let _ = v.text();
            }
        });
    }
    let mut items = Vec::new();
    let _ = hive_items(data.to_vec(), "SOFTWARE", None, Location::default(), &mut items);
});
