//! The geometry of the locator map: bounds and rings in longitude and latitude, the frame
//! a map shows and its projection, where insets go, and the clipping and thinning of
//! outlines. Pure functions of coordinates; [`super`] reads the atlas and draws.

/// The map's size in SVG units (4:3).
pub(super) const WIDTH: f64 = 240.0;
pub(super) const HEIGHT: f64 = 180.0;

/// Partner area below which a marker shows where the country is, in square map units
/// (about a 6 × 6 square, 1 mm across in print).
pub(super) const MARKER_BELOW: f64 = 36.0;

/// States the atlas has no outline for (too small for 1:50m), by ISO numeric code, with a
/// point to mark them at: they still get a map with a marker.
pub(super) const POINTS: &[(u32, f64, f64)] = &[
    // Tuvalu (Funafuti).
    (798, 179.19, -8.52),
];

/// Bounds in longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Bounds {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x0: f64::MAX,
        y0: f64::MAX,
        x1: f64::MIN,
        y1: f64::MIN,
    };

    pub(super) fn of(points: &[(f64, f64)]) -> Bounds {
        points.iter().fold(Bounds::EMPTY, |b, &(x, y)| Bounds {
            x0: b.x0.min(x),
            y0: b.y0.min(y),
            x1: b.x1.max(x),
            y1: b.y1.max(y),
        })
    }

    pub(super) fn union(self, o: Bounds) -> Bounds {
        Bounds {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    pub(super) fn shifted(self, dx: f64) -> Bounds {
        Bounds {
            x0: self.x0 + dx,
            x1: self.x1 + dx,
            ..self
        }
    }

    pub(super) fn intersects(self, o: Bounds) -> bool {
        self.x0 <= o.x1 && o.x0 <= self.x1 && self.y0 <= o.y1 && o.y0 <= self.y1
    }

    /// The gap between two bounds in degrees (0 when they overlap), longitude shrunk
    /// by the latitude so that it compares with latitude.
    pub(super) fn gap(self, o: Bounds) -> f64 {
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
pub(super) struct Ring {
    pub(super) points: Vec<(f64, f64)>,
    pub(super) bounds: Bounds,
    pub(super) mean_lon: f64,
}

impl Ring {
    pub(super) fn new(points: Vec<(f64, f64)>) -> Ring {
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
    pub(super) fn shift_towards(&self, lon: f64) -> f64 {
        ((lon - self.mean_lon) / 360.0).round() * 360.0
    }

    /// Roughly proportional to the area on the ground (square degrees of latitude).
    pub(super) fn area(&self) -> f64 {
        let cos = ((self.bounds.y0 + self.bounds.y1) / 2.0).to_radians().cos();
        shoelace(&self.points).abs() * cos
    }
}

/// A polygon: its outer ring, then its holes.
pub(super) type Polygon = Vec<Ring>;

/// The part of the globe a map shows: centre, and size in projected units (longitude
/// shrunk by the cosine of the centre's latitude; latitude).
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub(super) cx: f64,
    pub(super) cy: f64,
    pub(super) cos: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Frame {
    /// A 4:3 frame around bounds, `margin` times their size on each side of the centre
    /// (0.5: no margin), never smaller than 24° × 16° so that small states show their
    /// neighbours.
    pub(super) fn around(b: Bounds, margin: f64) -> Frame {
        Frame::fitted(b, margin, (12.0, 8.0))
    }

    /// An inset's frame: tighter than a map's, so that a small territory (Hawaii) fills
    /// it rather than float in the ocean.
    pub(super) fn inset(b: Bounds) -> Frame {
        Frame::fitted(b, 0.6, (2.5, 1.8))
    }

    pub(super) fn fitted(b: Bounds, margin: f64, (min_half_w, min_half_h): (f64, f64)) -> Frame {
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

    pub(super) fn area(&self) -> f64 {
        self.w * self.h
    }

    pub(super) fn bounds(&self) -> Bounds {
        let half_lon = self.w / 2.0 / self.cos;
        Bounds {
            x0: self.cx - half_lon,
            x1: self.cx + half_lon,
            y0: self.cy - self.h / 2.0,
            y1: self.cy + self.h / 2.0,
        }
    }

    pub(super) fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            ((lon - self.cx) * self.cos / self.w + 0.5) * WIDTH,
            (0.5 - (lat - self.cy) / self.h) * HEIGHT,
        )
    }
}

/// An inset's size, as a share of the map's; the smaller one where the larger finds no
/// room (Hawaii, beside Florida).
pub(super) const INSET: f64 = 0.3;
pub(super) const SMALL_INSET: f64 = 0.22;

/// A territory left out of the frame gets an inset from this area on: Alaska, Hawaii
/// (16,600 km² of land), French Guiana, the Canaries, the Galápagos; not an island of a
/// few hundred or thousand km² (Okinawa, Réunion), which would be a speck in an empty
/// box. At most two insets, the largest first.
pub(super) const INSET_FROM_KM2: f64 = 5_000.0;

/// Square kilometres in a square degree at the equator, the unit of [`Ring::area`].
pub(super) const KM2_PER_SQUARE_DEGREE: f64 = 12_392.0;

/// A box on the map: left, top, right, bottom.
pub(super) type Rect = (f64, f64, f64, f64);

/// Where an inset of `scale` may go, in the order tried: the top-left corners of boxes
/// along the bottom edge (from the left, then from the right), then along the top edge.
pub(super) fn inset_places(scale: f64) -> Vec<(f64, f64)> {
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
pub(super) fn frame_for(country: &super::Country) -> (Frame, Bounds, Vec<Bounds>) {
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
    pub(super) fn root(group: &mut [usize], mut i: usize) -> usize {
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
pub(super) fn clipped(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
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
pub(super) fn thinned(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
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
pub(super) fn shoelace(points: &[(f64, f64)]) -> f64 {
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
pub(super) fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ring whose longitudes run on without the jump of 360° where it crosses the
/// antimeridian (Chukotka, Fiji): drawn as it is, that jump would be a band across the map.
pub(super) fn unwrapped(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
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
