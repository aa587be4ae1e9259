//! Profile loading: any text parses or gives an error, and every error location is found
//! without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketbrief::profile::Profile;
use marketbrief::validate::locate;
use std::path::Path;

fuzz_target!(|text: &str| {
    match Profile::parse(Path::new("data/profiles/ca.yaml"), text) {
        Ok(profile) => {
            for (field, _) in profile.localized_fields() {
                let _ = locate(text, &format!("{field}.nl"));
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
