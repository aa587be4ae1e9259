//! Mapped CSV imports: a mapping (YAML) and an extract (split at the first NUL byte) import
//! or give an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketbrief::import::mapped::{Mapping, read};

fuzz_target!(|input: &str| {
    let (mapping, extract) = input.split_once('\0').unwrap_or((
        "columns: {partner: p, flow: f, period: t, product: c, value: v}\nconstants: {reporter: BE}\nproducts: cn8\nmetadata: {}\n",
        input,
    ));
    let Ok(mapping) = serde_yaml::from_str::<Mapping>(mapping) else {
        return;
    };
    if let Ok((_, report)) = read(extract, &mapping) {
        let _ = marketbrief::import::coverage_lines(&report.coverage);
    }
});
