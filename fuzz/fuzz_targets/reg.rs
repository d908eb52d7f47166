//! `.reg` export parser and key-path mapping: any bytes, never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_collect::windows::reg_items;
use proscribe_model::Location;

fuzz_target!(|data: &[u8]| {
    let mut items = Vec::new();
    let _ = reg_items(data, &Location::default(), &mut items);
});
