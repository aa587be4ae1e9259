//! A small locator map of the partner country, drawn as vector SVG from the Natural Earth
//! 1:110m outlines (world-atlas TopoJSON): its neighbours in grey, the country in the brand
//! colour, framed around the country's main landmass.

use serde::Deserialize;
use std::fmt::Write;

#[derive(Deserialize)]
struct Topology {
    arcs: Vec<Vec<[f64; 2]>>,
    transform: Transform,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    countries: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(default)]
    id: Option<String>,
    #[serde(flatten)]
    shape: Shape,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "arcs")]
enum Shape {
    Polygon(Vec<Vec<i64>>),
    MultiPolygon(Vec<Vec<Vec<i64>>>),
    #[serde(other)]
    Other,
}

/// A ring of (longitude, latitude) points.
type Ring = Vec<(f64, f64)>;

/// Country outlines by ISO 3166-1 numeric code, decoded once.
#[derive(Debug, Clone)]
pub struct World {
    countries: Vec<(u32, Vec<Vec<Ring>>)>,
}

impl World {
    /// Decodes a world-atlas TopoJSON file.
    pub fn parse(json: &str) -> Result<World, String> {
        let topology: Topology = serde_json::from_str(json)
            .map_err(|e| format!("not a world-atlas TopoJSON file: {e}"))?;
        let t = &topology.transform;
        // Arcs are delta-encoded, quantised positions.
        let arcs: Vec<Ring> = topology
            .arcs
            .iter()
            .map(|arc| {
                let (mut x, mut y) = (0.0, 0.0);
                arc.iter()
                    .map(|[dx, dy]| {
                        x += dx;
                        y += dy;
                        (
                            x * t.scale[0] + t.translate[0],
                            y * t.scale[1] + t.translate[1],
                        )
                    })
                    .collect()
            })
            .collect();
        let ring = |indices: &[i64]| -> Ring {
            let mut ring = Ring::new();
            for &i in indices {
                // A negative index ~i is arc i reversed.
                let (index, reversed) = if i < 0 {
                    ((!i) as usize, true)
                } else {
                    (i as usize, false)
                };
                let Some(arc) = arcs.get(index) else { continue };
                let points: Ring = if reversed {
                    arc.iter().rev().copied().collect()
                } else {
                    arc.clone()
                };
                let skip = usize::from(!ring.is_empty());
                ring.extend(points.into_iter().skip(skip));
            }
            ring
        };
        let countries = topology
            .objects
            .countries
            .geometries
            .iter()
            .filter_map(|g| {
                let id: u32 = g.id.as_deref()?.parse().ok()?;
                let polygons: Vec<Vec<Ring>> = match &g.shape {
                    Shape::Polygon(rings) => vec![rings.iter().map(|r| ring(r)).collect()],
                    Shape::MultiPolygon(polys) => polys
                        .iter()
                        .map(|rings| rings.iter().map(|r| ring(r)).collect())
                        .collect(),
                    Shape::Other => return None,
                };
                Some((id, polygons))
            })
            .collect();
        Ok(World { countries })
    }

    /// An SVG locator map of the country with this ISO numeric code, if the atlas has it.
    pub fn locator_svg(&self, numeric: u32, colour: &str) -> Option<String> {
        let (_, polygons) = self.countries.iter().find(|(id, _)| *id == numeric)?;
        // Frame the main landmass (the polygon with most points): islands across the
        // antimeridian would otherwise stretch the frame around the world.
        let main = polygons
            .iter()
            .max_by_key(|p| p.first().map_or(0, Vec::len))?;
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in main.iter().flatten() {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        // Some context around it, and never a frame smaller than 24° × 16°.
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let cos = cy.to_radians().cos().max(0.2);
        let half_w = ((x1 - x0) * 0.8).max(12.0);
        let half_h = ((y1 - y0) * 0.8).max(8.0);
        // Keep a 4:3 frame in projected units.
        let (mut w, mut h) = (half_w * 2.0 * cos, half_h * 2.0);
        if w / h > 4.0 / 3.0 {
            h = w * 3.0 / 4.0;
        } else {
            w = h * 4.0 / 3.0;
        }
        let (left, top) = (cx * cos - w / 2.0, cy + h / 2.0);
        let (width, height) = (240.0, 180.0);
        let project =
            |(lon, lat): (f64, f64)| ((lon * cos - left) / w * width, (top - lat) / h * height);
        let mut svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><rect width="{width}" height="{height}" fill="#eef3f8"/>"##
        );
        for (id, polys) in &self.countries {
            let fill = if *id == numeric { colour } else { "#d5dbe2" };
            let mut d = String::new();
            for ring in polys.iter().flatten() {
                let ring = beside(&unwrapped(ring), cx);
                let points: Vec<(f64, f64)> = ring.iter().map(|p| project(*p)).collect();
                // Skip rings entirely outside the frame.
                if points.iter().all(|(x, _)| *x < -50.0)
                    || points.iter().all(|(x, _)| *x > width + 50.0)
                {
                    continue;
                }
                for (i, (x, y)) in points.iter().enumerate() {
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
            if !d.is_empty() {
                let _ = write!(
                    svg,
                    r##"<path d="{d}" fill="{fill}" stroke="#ffffff" stroke-width="0.5"/>"##
                );
            }
        }
        svg.push_str(r##"<rect width="240" height="180" fill="none" stroke="#c9d1da" stroke-width="1"/></svg>"##);
        Some(svg)
    }
}

/// A ring whose longitudes run on without the jump of 360° where it crosses the
/// antimeridian (Chukotka, Fiji): drawn as it is, that jump would be a band across the map.
fn unwrapped(ring: &Ring) -> Ring {
    let mut out = Ring::with_capacity(ring.len());
    let mut offset = 0.0;
    let mut previous: Option<f64> = None;
    for &(lon, lat) in ring {
        if let Some(prev) = previous {
            let step = lon - prev;
            if step > 180.0 {
                offset -= 360.0;
            } else if step < -180.0 {
                offset += 360.0;
            }
        }
        previous = Some(lon);
        out.push((lon + offset, lat));
    }
    out
}

/// The ring moved by whole turns of the globe to lie nearest the frame's centre longitude,
/// so that land across the antimeridian shows where it is (Chukotka beside Alaska).
fn beside(ring: &Ring, centre: f64) -> Ring {
    if ring.is_empty() {
        return Ring::new();
    }
    let mean = ring.iter().map(|p| p.0).sum::<f64>() / ring.len() as f64;
    let turns = ((centre - mean) / 360.0).round();
    ring.iter()
        .map(|&(lon, lat)| (lon + turns * 360.0, lat))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_atlas_and_draws_a_country() {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/reference/world-atlas/countries-110m.json"
        ))
        .unwrap();
        let world = World::parse(&json).unwrap();
        assert!(world.countries.len() > 170);
        let svg = world.locator_svg(124, "#1d4f91").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r##"fill="#1d4f91""##), "Canada is highlighted");
        assert!(world.locator_svg(999, "#000000").is_none());
    }

    /// The longest segment of any path of a map, in map units (the frame is 240 wide).
    fn longest_segment(svg: &str) -> f64 {
        let mut longest: f64 = 0.0;
        for d in svg.split(r#" d=""#).skip(1) {
            let d = d.split('"').next().unwrap();
            for ring in d.split('Z') {
                let points: Vec<(f64, f64)> = ring
                    .split(['M', 'L'])
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect();
                for pair in points.windows(2) {
                    let (dx, dy) = (pair[1].0 - pair[0].0, pair[1].1 - pair[0].1);
                    longest = longest.max((dx * dx + dy * dy).sqrt());
                }
            }
        }
        longest
    }

    #[test]
    fn no_outline_crosses_the_map_at_the_antimeridian() {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/reference/world-atlas/countries-110m.json"
        ))
        .unwrap();
        let world = World::parse(&json).unwrap();
        // Canada (Russia's Chukotka used to cross it), the United States (Alaska, the
        // Aleutians), Fiji, New Zealand, Japan, Mexico: no segment spans the frame.
        for numeric in [124, 840, 242, 554, 392, 484, 643] {
            let svg = world.locator_svg(numeric, "#1d4f91").unwrap();
            let longest = longest_segment(&svg);
            assert!(longest < 240.0, "{numeric}: a segment {longest:.0} long");
        }
        // Every country the atlas has draws, with its own fill.
        for (numeric, _) in &world.countries {
            let svg = world.locator_svg(*numeric, "#123456").unwrap();
            assert!(svg.contains(r##"fill="#123456""##), "{numeric} not drawn");
            assert!(longest_segment(&svg) < 240.0 * 2.0, "{numeric}");
        }
    }
}
