//! Property lists (binary, XML, ASCII) as the macOS collectors read them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_model::Location;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("X.app/Contents/Info.plist");
    let _ = proscribe_collect::macos::item_of_plist(data, path, Location::default());
});
