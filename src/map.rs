//! A small locator map of the partner country, drawn as vector SVG from the Natural Earth
//! 1:50m outlines (world-atlas TopoJSON): its neighbours in grey, the country in the brand
//! colour, framed around its main territory (the lower 48 states, metropolitan France), up
//! to two territories left out in insets in corners the country leaves free (Alaska and
//! Hawaii), a
//! marker where the country is too small to see at the map's scale, and a dot for Brussels
//! when it is in the frame.

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

/// The map's size in SVG units (4:3).
const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 180.0;

/// Partner area below which a marker shows where the country is, in square map units
/// (about a 6 × 6 square, 1 mm across in print).
const MARKER_BELOW: f64 = 36.0;

/// States the atlas has no outline for (too small for 1:50m), by ISO numeric code, with a
/// point to mark them at: they still get a map with a marker.
const POINTS: &[(u32, f64, f64)] = &[
    // Tuvalu (Funafuti).
    (798, 179.19, -8.52),
];

/// Bounds in longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x0: f64::MAX,
        y0: f64::MAX,
        x1: f64::MIN,
        y1: f64::MIN,
    };

    fn of(points: &[(f64, f64)]) -> Bounds {
        points.iter().fold(Bounds::EMPTY, |b, &(x, y)| Bounds {
            x0: b.x0.min(x),
            y0: b.y0.min(y),
            x1: b.x1.max(x),
            y1: b.y1.max(y),
        })
    }

    fn union(self, o: Bounds) -> Bounds {
        Bounds {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    fn shifted(self, dx: f64) -> Bounds {
        Bounds {
            x0: self.x0 + dx,
            x1: self.x1 + dx,
            ..self
        }
    }

    fn intersects(self, o: Bounds) -> bool {
        self.x0 <= o.x1 && o.x0 <= self.x1 && self.y0 <= o.y1 && o.y0 <= self.y1
    }

    /// The gap between two bounds in degrees (0 when they overlap), longitude shrunk
    /// by the latitude so that it compares with latitude.
    fn gap(self, o: Bounds) -> f64 {
        let dx = (o.x0 - self.x1).max(self.x0 - o.x1).max(0.0);
        let dy = (o.y0 - self.y1).max(self.y0 - o.y1).max(0.0);
        let cos = ((self.y0 + self.y1) / 4.0 + (o.y0 + o.y1) / 4.0)
            .to_radians()
            .cos();
        (dx * cos).hypot(dy)
    }
}

/// A ring of (longitude, latitude) points, its longitudes unwrapped at the antimeridian.
#[derive(Debug, Clone)]
struct Ring {
    points: Vec<(f64, f64)>,
    bounds: Bounds,
    mean_lon: f64,
}

impl Ring {
    fn new(points: Vec<(f64, f64)>) -> Ring {
        let points = unwrapped(&points);
        let mean_lon = points.iter().map(|p| p.0).sum::<f64>() / points.len().max(1) as f64;
        Ring {
            bounds: Bounds::of(&points),
            points,
            mean_lon,
        }
    }

    /// Whole turns of the globe that bring the ring nearest to a longitude, so that
    /// land across the antimeridian shows where it is (Chukotka beside Alaska).
    fn shift_towards(&self, lon: f64) -> f64 {
        ((lon - self.mean_lon) / 360.0).round() * 360.0
    }

    /// Roughly proportional to the area on the ground (square degrees of latitude).
    fn area(&self) -> f64 {
        let cos = ((self.bounds.y0 + self.bounds.y1) / 2.0).to_radians().cos();
        shoelace(&self.points).abs() * cos
    }
}

/// A polygon: its outer ring, then its holes.
type Polygon = Vec<Ring>;

#[derive(Debug, Clone)]
struct Country {
    id: u32,
    polygons: Vec<Polygon>,
}

/// Country outlines by ISO 3166-1 numeric code, decoded once.
#[derive(Debug, Clone)]
pub struct World {
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

/// The part of the globe a map shows: centre, and size in projected units (longitude
/// shrunk by the cosine of the centre's latitude; latitude).
#[derive(Debug, Clone, Copy)]
struct Frame {
    cx: f64,
    cy: f64,
    cos: f64,
    w: f64,
    h: f64,
}

impl Frame {
    /// A 4:3 frame around bounds, `margin` times their size on each side of the centre
    /// (0.5: no margin), never smaller than 24° × 16° so that small states show their
    /// neighbours.
    fn around(b: Bounds, margin: f64) -> Frame {
        Frame::fitted(b, margin, (12.0, 8.0))
    }

    /// An inset's frame: tighter than a map's, so that a small territory (Hawaii) fills
    /// it rather than float in the ocean.
    fn inset(b: Bounds) -> Frame {
        Frame::fitted(b, 0.6, (2.5, 1.8))
    }

    fn fitted(b: Bounds, margin: f64, (min_half_w, min_half_h): (f64, f64)) -> Frame {
        let (cx, cy) = ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
        let cos = cy.to_radians().cos().max(0.2);
        let half_w = ((b.x1 - b.x0) * margin).max(min_half_w);
        let half_h = ((b.y1 - b.y0) * margin).max(min_half_h);
        let (mut w, mut h) = (half_w * 2.0 * cos, half_h * 2.0);
        if w / h > WIDTH / HEIGHT {
            h = w * HEIGHT / WIDTH;
        } else {
            w = h * WIDTH / HEIGHT;
        }
        Frame { cx, cy, cos, w, h }
    }

    fn area(&self) -> f64 {
        self.w * self.h
    }

    fn bounds(&self) -> Bounds {
        let half_lon = self.w / 2.0 / self.cos;
        Bounds {
            x0: self.cx - half_lon,
            x1: self.cx + half_lon,
            y0: self.cy - self.h / 2.0,
            y1: self.cy + self.h / 2.0,
        }
    }

    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            ((lon - self.cx) * self.cos / self.w + 0.5) * WIDTH,
            (0.5 - (lat - self.cy) / self.h) * HEIGHT,
        )
    }
}

impl World {
    /// Decodes a world-atlas TopoJSON file.
    pub fn parse(json: &str) -> Result<World, String> {
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
        Ok(World { countries })
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

/// An inset's size, as a share of the map's; the smaller one where the larger finds no
/// room (Hawaii, beside Florida).
const INSET: f64 = 0.3;
const SMALL_INSET: f64 = 0.22;

/// A territory left out of the frame gets an inset from this area on: Alaska, Hawaii
/// (16,600 km² of land), French Guiana, the Canaries, the Galápagos; not an island of a
/// few hundred or thousand km² (Okinawa, Réunion), which would be a speck in an empty
/// box. At most two insets, the largest first.
const INSET_FROM_KM2: f64 = 5_000.0;

/// Square kilometres in a square degree at the equator, the unit of [`Ring::area`].
const KM2_PER_SQUARE_DEGREE: f64 = 12_392.0;

/// A box on the map: left, top, right, bottom.
type Rect = (f64, f64, f64, f64);

/// Where an inset of `scale` may go, in the order tried: the top-left corners of boxes
/// along the bottom edge (from the left, then from the right), then along the top edge.
fn inset_places(scale: f64) -> Vec<(f64, f64)> {
    let (w, h, gap) = (WIDTH * scale, HEIGHT * scale, 3.0);
    let mut places = Vec::new();
    for y in [HEIGHT - h - gap, gap] {
        for k in 0..2 {
            places.push((gap + k as f64 * (w + gap), y));
        }
        for k in 0..2 {
            places.push((WIDTH - gap - w - k as f64 * (w + gap), y));
        }
    }
    places
}

/// The frame of a country's map and the bounds a marker would point at: its main territory
/// (the largest group of nearby polygons) with the groups that are as large or close enough
/// not to blow up the frame; far-flung territories (Alaska, Hawaii, French Guiana) are left
/// out, and the frame tightened so that none of them shows as a sliver at its edge. Those
/// left out that are large enough (see [`INSET_FROM_KM2`]) are returned for insets, the
/// largest first.
fn frame_for(country: &Country) -> (Frame, Bounds, Vec<Bounds>) {
    // Everything beside the largest polygon, across the antimeridian if need be.
    let largest = country
        .polygons
        .iter()
        .max_by(|a, b| a[0].area().total_cmp(&b[0].area()))
        .expect("a country has a polygon");
    let centre = largest[0].mean_lon + largest[0].shift_towards(0.0);
    let outer: Vec<(Bounds, f64)> = country
        .polygons
        .iter()
        .map(|p| (p[0].bounds.shifted(p[0].shift_towards(centre)), p[0].area()))
        .collect();
    // Groups of polygons less than 1.5° apart (islands off a coast, an archipelago).
    let mut group: Vec<usize> = (0..outer.len()).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for i in 0..outer.len() {
        for j in i + 1..outer.len() {
            if outer[i].0.gap(outer[j].0) < 1.5 {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[a] = b;
            }
        }
    }
    let mut groups: Vec<(Bounds, f64)> = Vec::new();
    let mut index_of = std::collections::HashMap::new();
    for (i, &(bounds, area)) in outer.iter().enumerate() {
        let r = root(&mut group, i);
        let k = *index_of.entry(r).or_insert_with(|| {
            groups.push((Bounds::EMPTY, 0.0));
            groups.len() - 1
        });
        groups[k].0 = groups[k].0.union(bounds);
        groups[k].1 += area;
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (main, main_area) = groups[0];
    let mut framed = main;
    let mut left_out = Vec::new();
    for &(bounds, area) in &groups[1..] {
        let union = framed.union(bounds);
        if area >= 0.4 * main_area
            || Frame::around(union, 0.8).area() <= 1.6 * Frame::around(framed, 0.8).area()
        {
            framed = union;
        } else if area * KM2_PER_SQUARE_DEGREE >= INSET_FROM_KM2 {
            left_out.push(bounds);
        }
    }
    // A large territory left out but reaching into the frame would be a sliver at its
    // edge (Alaska's panhandle on the US map): tighten the margins until it is out.
    let points_of = |b: Bounds| {
        country.polygons.iter().flat_map(move |p| {
            let shift = p[0].shift_towards(centre);
            let own = p[0].bounds.shifted(shift);
            let inside = b.x0 <= own.x0 && own.x1 <= b.x1 && b.y0 <= own.y0 && own.y1 <= b.y1;
            p[0].points
                .iter()
                .map(move |&(x, y)| (x + shift, y))
                .filter(move |_| inside)
        })
    };
    let frame = [0.8, 0.7, 0.6, 0.55]
        .into_iter()
        .map(|margin| Frame::around(framed, margin))
        .find(|frame| {
            let seen = frame.bounds();
            left_out.iter().all(|&b| {
                !b.intersects(seen)
                    || points_of(b).all(|(x, y)| {
                        !(seen.x0..=seen.x1).contains(&x) || !(seen.y0..=seen.y1).contains(&y)
                    })
            })
        })
        .unwrap_or_else(|| Frame::around(framed, 0.8));
    (frame, main, left_out)
}

/// A ring clipped to the map, with a little room so that the white outlines of land
/// beyond the edge do not show (Sutherland–Hodgman, one edge of the frame at a time).
fn clipped(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    const ROOM: f64 = 2.0;
    let mut ring: Vec<(f64, f64)> = points.collect();
    let edges: [(usize, f64, bool); 4] = [
        (0, -ROOM, true),
        (0, WIDTH + ROOM, false),
        (1, -ROOM, true),
        (1, HEIGHT + ROOM, false),
    ];
    for (axis, limit, lower) in edges {
        if ring.is_empty() {
            break;
        }
        let coord = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let inside = |p: (f64, f64)| {
            if lower {
                coord(p) >= limit
            } else {
                coord(p) <= limit
            }
        };
        if ring.iter().all(|&p| inside(p)) {
            continue;
        }
        let mut out = Vec::with_capacity(ring.len());
        for i in 0..ring.len() {
            let (a, b) = (ring[(i + ring.len() - 1) % ring.len()], ring[i]);
            let crossing = || {
                let t = (limit - coord(a)) / (coord(b) - coord(a));
                (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
            };
            match (inside(a), inside(b)) {
                (true, true) => out.push(b),
                (true, false) => out.push(crossing()),
                (false, true) => {
                    out.push(crossing());
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        ring = out;
    }
    ring
}

/// The ring without the points closer than 0.7 units (0.12 mm in print) to the last one kept: finer
/// detail than the print shows only weighs down the file and the typesetting.
fn thinned(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for &p in points {
        match out.last() {
            Some(&q) if (p.0 - q.0).hypot(p.1 - q.1) < 0.7 => {}
            _ => out.push(p),
        }
    }
    out
}

/// The signed area of a ring (shoelace formula).
fn shoelace(points: &[(f64, f64)]) -> f64 {
    let n = points.len();
    (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// Text for an SVG text node.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ring whose longitudes run on without the jump of 360° where it crosses the
/// antimeridian (Chukotka, Fiji): drawn as it is, that jump would be a band across the map.
fn unwrapped(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(ring.len());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/reference/world-atlas/countries-50m.json"
        ))
        .unwrap();
        World::parse(&json).unwrap()
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
}
