//! Markdown → Typst: never panics and always gives Typst without syntax errors.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let typst = marketbrief::template::markdown::to_typst(text);
    let root = typst_syntax::parse(&typst);
    assert!(root.errors_and_warnings().0.is_empty(), "{typst:?}");
    let escaped = marketbrief::template::escape::markup(text);
    assert!(typst_syntax::parse(&escaped).errors_and_warnings().0.is_empty());
});
