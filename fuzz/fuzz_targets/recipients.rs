//! Recipients files: any bytes, read as CSV or as an .xlsx workbook, give rows and located
//! problems, never a panic; every address accepted is usable as a file name in mail/.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketbrief::mail::{file_stem, recipients};
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let read = recipients::parse_csv(Path::new("data/recipients.csv"), bytes);
    for recipient in &read.list {
        let stem = file_stem(&recipient.email);
        assert!(!stem.contains('/') && !stem.starts_with('.') && !stem.is_empty());
    }
    for error in read.errors.iter().chain(&read.warnings) {
        let _ = error.to_string();
    }
    let _ = recipients::parse_xlsx(Path::new("recipients.xlsx"), bytes.to_vec());
});
