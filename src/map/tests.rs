use super::*;

fn world() -> Atlas {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/reference/world-atlas/countries-50m.json"
    ))
    .unwrap();
    Atlas::parse(&json).unwrap()
}

const STYLE: MapStyle = MapStyle {
    colour: "#123456",
    seat: Some(("Bruxelles", (4.352, 50.847))),
};

#[test]
fn decodes_the_atlas_and_draws_a_country() {
    let world = world();
    // Every outline, with an ISO code or without (Kosovo, Somaliland).
    assert_eq!(world.countries.len(), 241);
    let svg = world.locator_svg(124, &STYLE).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(r##"fill="#123456""##), "Canada is highlighted");
    assert!(world.locator_svg(999, &STYLE).is_none());
}

/// The points of each ring of each path of a map, in map units.
fn rings(svg: &str) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut rings = Vec::new();
    for path in svg.split("<path ").skip(1) {
        let d = path
            .split(r#"d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let fill = path
            .split(r#"fill=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for ring in d.split('Z') {
            let points: Vec<(f64, f64)> = ring
                .split(['M', 'L'])
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (x, y) = p.split_once(' ').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            if !points.is_empty() {
                rings.push((fill.to_string(), points));
            }
        }
    }
    rings
}

/// The longest segment of any outline that shows in the frame, in map units: edges
/// along the clipping border, just outside the frame, do not count.
fn longest_segment(svg: &str) -> f64 {
    let mut longest: f64 = 0.0;
    for (_, points) in rings(svg) {
        for i in 0..points.len() {
            let (a, b) = (points[i], points[(i + 1) % points.len()]);
            let outside = (a.0 <= 0.0 && b.0 <= 0.0)
                || (a.0 >= WIDTH && b.0 >= WIDTH)
                || (a.1 <= 0.0 && b.1 <= 0.0)
                || (a.1 >= HEIGHT && b.1 >= HEIGHT);
            if !outside {
                longest = longest.max((b.0 - a.0).hypot(b.1 - a.1));
            }
        }
    }
    longest
}

#[test]
fn no_outline_crosses_the_map_at_the_antimeridian() {
    let world = world();
    // Canada (Russia's Chukotka used to cross it), the United States (Alaska, the
    // Aleutians), Fiji, New Zealand, Japan, Mexico, Russia: no segment spans the frame.
    for numeric in [124, 840, 242, 554, 392, 484, 643] {
        let svg = world.locator_svg(numeric, &STYLE).unwrap();
        let longest = longest_segment(&svg);
        assert!(
            longest < WIDTH / 2.0,
            "{numeric}: a segment {longest:.0} long"
        );
    }
}

/// Every state of the in-country table gets a map on which it shows: a filled area
/// of some size, or a marker; no outline runs across the frame.
#[test]
fn every_country_of_the_in_country_table_shows_on_its_map() {
    let world = world();
    let table = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/reference/in-country.csv"
    ))
    .unwrap();
    let mut missing = Vec::new();
    for line in table.lines().skip(1) {
        let code = line.split(',').next().unwrap();
        let Ok(country) = isocountry::CountryCode::for_alpha2(code) else {
            // Kosovo (XK) has no ISO numeric code, nor a map.
            assert_eq!(code, "XK");
            continue;
        };
        let numeric = country.numeric_id();
        let Some(svg) = world.locator_svg(numeric, &STYLE) else {
            missing.push(code);
            continue;
        };
        let longest = longest_segment(&svg);
        assert!(longest < WIDTH / 2.0, "{code}: a segment {longest:.0} long");
        let area: f64 = rings(&svg)
            .iter()
            .filter(|(fill, _)| fill == STYLE.colour)
            .map(|(_, points)| shoelace(points).abs())
            .sum();
        let marker = svg.contains(r##"<circle cx=""##)
            && svg.contains(r##"r="8" fill="none" stroke="#123456""##);
        assert!(
            area >= MARKER_BELOW || marker,
            "{code}: area {area:.1} and no marker"
        );
        assert!(svg.len() < 150_000, "{code}: {} bytes", svg.len());
    }
    assert!(missing.is_empty(), "no map for {missing:?}");
}

#[test]
fn frames_the_main_territory() {
    let world = world();
    let frame = |numeric| {
        let country = world.countries.iter().find(|c| c.id == numeric).unwrap();
        frame_for(country).0.bounds()
    };
    // The lower 48 states, without a sliver of Alaska (from 54.7° N, 130° W).
    let us = frame(840);
    assert!(us.x0 > -130.0 && us.x1 < -50.0, "{us:?}");
    assert!(us.y0 < 25.0 && us.y1 > 49.0, "{us:?}");
    // Metropolitan France with Corsica, not French Guiana or Réunion.
    let fr = frame(250);
    assert!(fr.x0 > -20.0 && fr.x1 > 9.6 && fr.x1 < 30.0, "{fr:?}");
    // Japan with Hokkaido.
    let jp = frame(392);
    assert!(jp.y1 > 45.6 && jp.y0 < 31.0, "{jp:?}");
}

#[test]
fn a_territory_left_out_of_the_frame_shows_in_an_inset() {
    let world = world();
    let insets = |numeric| {
        let svg = world.locator_svg(numeric, &STYLE).unwrap();
        svg.split("<g transform=")
            .skip(1)
            .map(|inset| inset.split("</g>").next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Alaska and Hawaii, in the partner's colour, inside the map (bottom left and
    // bottom right: Texas leaves no room beside Alaska).
    let us = insets(840);
    assert_eq!(us.len(), 2, "{us:?}");
    for inset in &us {
        assert!(
            inset.contains(&format!(r#"fill="{}""#, STYLE.colour)),
            "{inset}"
        );
        assert!(inset.starts_with(r#""translate("#), "{inset}");
    }
    // French Guiana for France, the Canaries for Spain; none for Japan, whose southern
    // islands would be specks, nor for Canada, whole in its frame, nor for Mexico,
    // whose islands are near its coast.
    assert_eq!(insets(250).len(), 1);
    assert_eq!(insets(724).len(), 1);
    assert!(insets(392).is_empty());
    assert!(insets(124).is_empty());
    assert!(insets(484).is_empty());
}

#[test]
fn brussels_shows_when_it_is_in_the_frame() {
    let world = world();
    let dot = |numeric| {
        world
            .locator_svg(numeric, &STYLE)
            .unwrap()
            .contains(">Bruxelles</text>")
    };
    assert!(dot(442), "Luxembourg");
    assert!(dot(250), "France");
    assert!(!dot(124), "Canada");
    // Another agency's seat, where it is: Namur for a Walloon agency.
    let namur = MapStyle {
        seat: Some(("Namur", (4.8675, 50.4669))),
        ..STYLE
    };
    let france = world.locator_svg(250, &namur).unwrap();
    assert!(france.contains(">Namur</text>"), "{france}");
    assert!(!france.contains("Bruxelles"));
    assert_ne!(
        france,
        world
            .locator_svg(250, &STYLE)
            .unwrap()
            .replace("Bruxelles", "Namur")
    );
    let unlabelled = MapStyle {
        seat: None,
        ..STYLE
    };
    assert!(
        !world
            .locator_svg(442, &unlabelled)
            .unwrap()
            .contains("<text")
    );
}
