//! Rebuild when an embedded default changes: `include_dir!` does not tell cargo which
//! files it read, so a new font or template would otherwise be missed.
fn main() {
    for dir in [
        "templates",
        "fonts",
        "data/reference",
        "data/classifications",
    ] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
