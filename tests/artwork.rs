//! The artwork of the cover goes through Typst as a brief shows it: every shipped flag, read
//! through the assets like a brief's flag and placed in the same 4:3 frame (some flags use
//! SVG markers, `<use>` and clip paths; an SVG Typst cannot read would fail a brief), and
//! the locator map of every country of the in-country table.

use marketbrief::assets::Assets;
use marketbrief::map::MapStyle;
use marketbrief::reference::{Reference, flag_file};
use marketbrief::typeset::{Files, Typesetter};

/// Typesets a contact sheet, failing on any error or warning; writes it to the file an
/// environment variable names, to look at.
fn contact_sheet(main: String, files: &Files, name: &str, env: &str) {
    let assets = Assets::embedded();
    let typesetter = Typesetter::new(assets.fonts().unwrap())
        .unwrap()
        .with_standards(Vec::new());
    let typeset = typesetter
        .typeset(main, files, (2025, 1, 1), name)
        .unwrap_or_else(|e| panic!("{name} do not typeset: {e}"));
    assert!(
        typeset.warnings.is_empty(),
        "warnings: {:?}",
        typeset.warnings
    );
    if let Some(out) = std::env::var_os(env) {
        std::fs::write(out, &typeset.pdf).unwrap();
    }
}

#[test]
fn every_flag_typesets_in_its_frame() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/reference/flags");
    let mut codes: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".svg").map(str::to_string))
        .collect();
    codes.sort();
    assert!(codes.len() > 250, "{} flags", codes.len());

    let assets = Assets::embedded();
    let mut files = Files::new();
    let mut main = String::from(
        "#set page(width: 210mm, height: auto, margin: 5mm, fill: rgb(\"#1d4f91\"))\n\
         #set text(size: 5pt, fill: white)\n#grid(columns: 8, gutter: 2mm,\n",
    );
    for code in &codes {
        assert_eq!(flag_file(code), format!("data/reference/flags/{code}.svg"));
        let flag = Reference::flag(&assets, code)
            .unwrap()
            .unwrap_or_else(|| panic!("{code}: not embedded"));
        let svg = String::from_utf8(flag.clone()).unwrap();
        assert!(
            svg.contains(r#"viewBox="0 0 640 480""#),
            "{code}: not a 4:3 flag"
        );
        let path = format!("/{code}/flag.svg");
        files.insert(path.clone(), typst::foundations::Bytes::new(flag));
        // The frame of templates/brief.typ.j2.
        main.push_str(&format!(
            "[#box(width: 24mm, height: 18mm, stroke: 0.4pt + rgb(\"#c9d1da\"), clip: true, \
             image(\"{path}\", width: 100%, height: 100%, fit: \"contain\", alt: \"{code}\")) \\ {code}],\n"
        ));
    }
    main.push_str(")\n");
    // To look at: `MARKETBRIEF_FLAG_SHEET=/tmp/flags.pdf cargo test --test artwork`.
    contact_sheet(main, &files, "flags", "MARKETBRIEF_FLAG_SHEET");
}

#[test]
fn every_locator_map_typesets() {
    let assets = Assets::embedded();
    let reference = Reference::load(&assets).unwrap();
    let table = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/reference/in-country.csv"
    ))
    .unwrap();
    let style = MapStyle {
        colour: "#1d4f91",
        seat: Some(("Bruxelles", (4.352, 50.847))),
    };
    let mut files = Files::new();
    let mut main = String::from(
        "#set page(width: 210mm, height: auto, margin: 5mm)\n\
         #set text(size: 6pt)\n#grid(columns: 5, gutter: 2mm,\n",
    );
    let mut missing = Vec::new();
    for line in table.lines().skip(1) {
        let code = line.split(',').next().unwrap();
        let Some(map) = reference.locator_map(code, &style) else {
            missing.push(code);
            continue;
        };
        if let Some(dir) = std::env::var_os("MARKETBRIEF_MAP_DIR") {
            std::fs::write(std::path::Path::new(&dir).join(format!("{code}.svg")), &map).unwrap();
        }
        let path = format!("/{code}/map.svg");
        files.insert(
            path.clone(),
            typst::foundations::Bytes::new(map.into_bytes()),
        );
        // As wide as on the cover.
        main.push_str(&format!(
            "[#image(\"{path}\", width: 40mm, alt: \"{code}\") \\ {code}],\n"
        ));
    }
    main.push_str(")\n");
    // To look at: `MARKETBRIEF_MAP_SHEET=/tmp/maps.pdf cargo test --test artwork`.
    contact_sheet(main, &files, "maps", "MARKETBRIEF_MAP_SHEET");
    // Kosovo has no ISO numeric code, nor an outline of its own.
    assert_eq!(missing, ["XK"], "no map");
}
