//! A small locator map of the partner country, drawn as vector SVG from the Natural Earth
//! 1:50m outlines (world-atlas TopoJSON): its neighbours in grey, the country in the brand
//! colour, framed around its main territory (the lower 48 states, metropolitan France), up
//! to two territories left out in insets in corners the country leaves free (Alaska and
//! Hawaii), a
//! marker where the country is too small to see at the map's scale, and a dot for Brussels
//! when it is in the frame.

mod geometry;

use geometry::*;
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

#[derive(Debug, Clone)]
struct Country {
    id: u32,
    polygons: Vec<Polygon>,
}

/// Country outlines by ISO 3166-1 numeric code, decoded once.
#[derive(Debug, Clone)]
pub struct Atlas {
    countries: Vec<Country>,
}

/// What a locator map draws beside the outlines.
#[derive(Debug, Clone, Copy)]
pub struct MapStyle<'a> {
    /// The partner's fill, `#rrggbb`.
    pub colour: &'a str,
    /// The agency's seat — its label, and its longitude and latitude — drawn as a dot
    /// when it is in the frame.
    pub seat: Option<(&'a str, (f64, f64))>,
}

impl Atlas {
    /// Decodes a world-atlas TopoJSON file.
    pub fn parse(json: &str) -> Result<Atlas, String> {
        let topology: Topology = serde_json::from_str(json)
            .map_err(|e| format!("not a world-atlas TopoJSON file: {e}"))?;
        let t = &topology.transform;
        // Arcs are delta-encoded, quantised positions.
        let arcs: Vec<Vec<(f64, f64)>> = topology
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
            let mut ring = Vec::new();
            for &i in indices {
                // A negative index ~i is arc i reversed.
                let (index, reversed) = if i < 0 {
                    ((!i) as usize, true)
                } else {
                    (i as usize, false)
                };
                let Some(arc) = arcs.get(index) else { continue };
                let skip = usize::from(!ring.is_empty());
                if reversed {
                    ring.extend(arc.iter().rev().skip(skip));
                } else {
                    ring.extend(arc.iter().skip(skip));
                }
            }
            Ring::new(ring)
        };
        let polygon = |rings: &Vec<Vec<i64>>| -> Polygon {
            rings
                .iter()
                .map(|r| ring(r))
                .filter(|r| !r.points.is_empty())
                .collect()
        };
        let countries = topology
            .objects
            .countries
            .geometries
            .iter()
            .filter_map(|g| {
                // Land without an ISO code (Kosovo, Somaliland, Northern Cyprus) is still
                // drawn, as a neighbour: left out, it would show as sea. No code is 0.
                let id: u32 = match g.id.as_deref() {
                    Some(id) => id.parse().ok()?,
                    None => 0,
                };
                let polygons: Vec<Polygon> = match &g.shape {
                    Shape::Polygon(rings) => vec![polygon(rings)],
                    Shape::MultiPolygon(polys) => polys.iter().map(polygon).collect(),
                    Shape::Other => return None,
                };
                let polygons: Vec<Polygon> =
                    polygons.into_iter().filter(|p| !p.is_empty()).collect();
                (!polygons.is_empty()).then_some(Country { id, polygons })
            })
            .collect();
        Ok(Atlas { countries })
    }

    /// An SVG locator map of the country with this ISO numeric code, if the atlas has it
    /// (or a point for it).
    pub fn locator_svg(&self, numeric: u32, style: &MapStyle) -> Option<String> {
        if numeric == 0 {
            return None;
        }
        let (frame, focus, left_out) = match self.countries.iter().find(|c| c.id == numeric) {
            Some(country) => frame_for(country),
            None => {
                let &(_, lon, lat) = POINTS.iter().find(|(id, _, _)| *id == numeric)?;
                let point = Bounds {
                    x0: lon,
                    x1: lon,
                    y0: lat,
                    y1: lat,
                };
                (Frame::around(point, 0.8), point, Vec::new())
            }
        };
        let mut svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#eef3f8"/>"##
        );
        let partner_area = self.draw_countries(&mut svg, &frame, numeric, style.colour);
        // Too small to see at this scale (Singapore, Luxembourg, Malta): a dot and a ring.
        if partner_area < MARKER_BELOW {
            let (x, y) = frame.project(((focus.x0 + focus.x1) / 2.0, (focus.y0 + focus.y1) / 2.0));
            let colour = style.colour;
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="8" fill="none" stroke="{colour}" stroke-width="1.6"/><circle cx="{x:.1}" cy="{y:.1}" r="3.2" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>"##
            );
        }
        // What the insets must not cover: the partner, and the seat with its label.
        let mut keep_clear: Vec<Rect> = self
            .partner_points(&frame, numeric)
            .map(|(x, y)| (x, y, x, y))
            .collect();
        if let Some((label, place)) = style.seat {
            let (x, y) = frame.project(place);
            // Only well inside the frame, so that the dot is never cut by its edge.
            if (4.0..=WIDTH - 4.0).contains(&x) && (4.0..=HEIGHT - 4.0).contains(&y) {
                // The label away from the partner, unless it has no room there.
                let (fx, _) = frame.project(((focus.x0 + focus.x1) / 2.0, focus.y1));
                let room = 6.5 * label.chars().count() as f64;
                let left = if x < fx {
                    x - 4.5 - room > 0.0
                } else {
                    x + 4.5 + room > WIDTH
                };
                let (lx, anchor) = if left {
                    (x - 4.5, "end")
                } else {
                    (x + 4.5, "start")
                };
                let label_x = if left { lx - room } else { lx + room };
                keep_clear.push((x.min(label_x), y - 8.0, x.max(label_x), y + 8.0));
                let label = escaped(label);
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.2" fill="#1f2933" stroke="#ffffff" stroke-width="0.8"/><text x="{lx:.1}" y="{:.1}" font-family="Inter" font-size="11" font-weight="600" fill="#1f2933" stroke="#ffffff" stroke-width="2.4" stroke-linejoin="round" paint-order="stroke" text-anchor="{anchor}">{label}</text>"##,
                    y + 3.8
                );
            }
        }
        // Territories left out of the frame (Alaska, Hawaii), each in an inset on its own
        // scale, so that the map still shows the whole country: the largest first, each in
        // the first place along the bottom or top edge where it covers neither the partner,
        // nor Brussels with its label, nor another inset; one with no such place is left out.
        // Whether an inset at (x, y) of `scale` keeps 2 units clear of a box.
        let clear_of = |(x, y, scale): (f64, f64, f64), &(a0, b0, a1, b1): &Rect| {
            let (x1, y1) = (x + WIDTH * scale, y + HEIGHT * scale);
            a1 < x - 2.0 || a0 > x1 + 2.0 || b1 < y - 2.0 || b0 > y1 + 2.0
        };
        let mut slots: Vec<(f64, f64, f64)> = Vec::new();
        for &bounds in left_out.iter().take(2) {
            let place = [INSET, SMALL_INSET]
                .into_iter()
                .flat_map(|scale| {
                    inset_places(scale)
                        .into_iter()
                        .map(move |(x, y)| (x, y, scale))
                })
                .find(|&slot| {
                    keep_clear.iter().all(|r| clear_of(slot, r))
                        && slots.iter().all(|&(a, b, k)| {
                            clear_of(slot, &(a, b, a + WIDTH * k, b + HEIGHT * k))
                        })
                });
            let Some((x, y, scale)) = place else {
                continue;
            };
            slots.push((x, y, scale));
            let inset = Frame::inset(bounds);
            let _ = write!(
                svg,
                r##"<g transform="translate({x:.1} {y:.1}) scale({scale})"><rect width="{WIDTH}" height="{HEIGHT}" fill="#eef3f8"/>"##
            );
            self.draw_countries(&mut svg, &inset, numeric, style.colour);
            let _ = write!(
                svg,
                r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="none" stroke="#9aa5b1" stroke-width="{:.1}"/></g>"##,
                1.0 / scale
            );
        }
        svg.push_str(r##"<rect width="240" height="180" fill="none" stroke="#c9d1da" stroke-width="1"/></svg>"##);
        Some(svg)
    }

    /// The partner's outline points that fall on the map drawn with `frame`.
    fn partner_points<'a>(
        &'a self,
        frame: &'a Frame,
        numeric: u32,
    ) -> impl Iterator<Item = (f64, f64)> + 'a {
        self.countries
            .iter()
            .filter(move |c| c.id == numeric)
            .flat_map(|c| &c.polygons)
            .flat_map(move |polygon| {
                let shift = polygon[0].shift_towards(frame.cx);
                polygon[0]
                    .points
                    .iter()
                    .map(move |&(lon, lat)| frame.project((lon + shift, lat)))
            })
            .filter(|&(x, y)| (0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y))
    }

    /// Draws every country within `frame` (the partner in `colour`), clipped to the map;
    /// returns the partner's drawn area.
    fn draw_countries(&self, svg: &mut String, frame: &Frame, numeric: u32, colour: &str) -> f64 {
        let seen = frame.bounds();
        let mut partner_area = 0.0;
        for country in &self.countries {
            let partner = country.id == numeric;
            let mut d = String::new();
            for polygon in &country.polygons {
                let shift = polygon[0].shift_towards(frame.cx);
                if !polygon[0].bounds.shifted(shift).intersects(seen) {
                    continue;
                }
                for ring in polygon {
                    let points = clipped(
                        ring.points
                            .iter()
                            .map(|&(lon, lat)| frame.project((lon + shift, lat))),
                    );
                    let points = thinned(&points);
                    if points.len() < 3 {
                        continue;
                    }
                    if partner {
                        partner_area += shoelace(&points).abs();
                    }
                    for (i, (x, y)) in points.iter().enumerate() {
                        let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
                    }
                    d.push('Z');
                }
            }
            if !d.is_empty() {
                let fill = if partner { colour } else { "#d5dbe2" };
                let _ = write!(
                    svg,
                    r##"<path d="{d}" fill="{fill}" stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round"/>"##
                );
            }
        }
        partner_area
    }
}

#[cfg(test)]
mod tests;
