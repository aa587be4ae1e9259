//! Dataset loading: metadata and CSV (split at the first NUL byte) load or give errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketbrief::dataset::Dataset;
use std::path::Path;

fuzz_target!(|input: &str| {
    let (meta, csv) = input.split_once('\0').unwrap_or((input, ""));
    let (dataset, errors) =
        Dataset::parse_lenient("d", Path::new("d.yaml"), meta, Path::new("d.csv"), csv);
    if let Some(dataset) = dataset {
        let _ = dataset.year_span();
    }
    for error in errors {
        let _ = error.to_string();
    }
});
