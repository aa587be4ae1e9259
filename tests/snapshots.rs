//! Page snapshots: every page of the sample briefs, rendered to PNG from the laid-out frames
//! with typst-render (as typst's own test suite does), is compared with the reference image
//! committed under `tests/snapshots/`. A moved box, a clipped label, a lost colour or an
//! extra page fails here even when the text — which the other tests read — is unchanged.
//!
//! On failure the page as it is now and a diff image (the reference faded, the differing
//! pixels in red) are written to `target/tmp/page-snapshots/`. When the look changes on
//! purpose, update the references with `MARKETBRIEF_BLESS=1 cargo test --test snapshots`,
//! look at them, and commit them with the change.

mod common;

use marketbrief::Lang;
use marketbrief::brief::Renderer;
use marketbrief::project::Project;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// 36 dpi: the layout, the colours and the artwork show; the files stay small.
const PIXELS_PER_PT: f64 = 0.5;
/// A pixel differs when one of its channels moves by more than this.
const CHANNEL_TOLERANCE: u8 = 40;
/// A page may differ from its reference in this many pixels (rounding in anti-aliased
/// edges) and still match; one changed digit changes more than this.
const PIXEL_TOLERANCE: usize = 8;

struct Image {
    width: u32,
    height: u32,
    /// RGB, 8 bits per channel, row by row.
    rgb: Vec<u8>,
}

fn references() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

fn failures() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("page-snapshots")
}

fn render(page: &typst_layout::Page) -> Image {
    let options = typst_render::RenderOptions {
        pixel_per_pt: PIXELS_PER_PT.into(),
        ..Default::default()
    };
    let pixmap = typst_render::render(page, &options);
    // Pages are opaque (white paper): the alpha channel carries nothing.
    let rgb = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    Image {
        width: pixmap.width(),
        height: pixmap.height(),
        rgb,
    }
}

fn encode(image: &Image, path: &Path) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&image.rgb).unwrap();
    writer.finish().unwrap();
}

fn decode(path: &Path) -> Image {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight),
        "{}: references are 8-bit RGB",
        path.display()
    );
    buffer.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgb: buffer,
    }
}

/// The pixels that differ, or `None` when the sizes do not even agree.
fn differing_pixels(reference: &Image, actual: &Image) -> Option<Vec<usize>> {
    if (reference.width, reference.height) != (actual.width, actual.height) {
        return None;
    }
    Some(
        reference
            .rgb
            .chunks_exact(3)
            .zip(actual.rgb.chunks_exact(3))
            .enumerate()
            .filter(|(_, (a, b))| {
                a.iter()
                    .zip(*b)
                    .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
            })
            .map(|(i, _)| i)
            .collect(),
    )
}

/// The reference faded to a tenth of its contrast, the differing pixels in red.
fn diff_image(reference: &Image, differing: &[usize]) -> Image {
    let mut rgb: Vec<u8> = reference.rgb.iter().map(|&c| 255 - (255 - c) / 4).collect();
    for &i in differing {
        rgb[3 * i..3 * i + 3].copy_from_slice(&[230, 0, 0]);
    }
    Image {
        width: reference.width,
        height: reference.height,
        rgb,
    }
}

#[test]
fn every_page_of_the_sample_briefs_looks_as_committed() {
    let bless = std::env::var_os("MARKETBRIEF_BLESS").is_some();
    let project = Project::load(&common::sample_project()).unwrap();
    let renderer = Renderer::new(&project).unwrap();
    let edition = project.config.edition;
    let references = references();
    let failures = failures();
    let _ = std::fs::remove_dir_all(&failures);
    std::fs::create_dir_all(&failures).unwrap();
    if bless {
        std::fs::create_dir_all(&references).unwrap();
    }

    let mut problems = Vec::new();
    let mut pages_seen = BTreeSet::new();
    for entry in &project.profiles {
        let profile = entry.profile.as_ref().unwrap();
        for lang in Lang::ALL {
            let brief = renderer
                .build(&entry.path, profile, lang, edition)
                .unwrap_or_else(|e| panic!("{}-{lang}: {e}", entry.code));
            for (index, page) in brief.typeset.document.pages().iter().enumerate() {
                let name = format!("{}-{lang}-p{}.png", entry.code, index + 1);
                pages_seen.insert(name.clone());
                let actual = render(page);
                let path = references.join(&name);
                if bless {
                    encode(&actual, &path);
                    continue;
                }
                if !path.exists() {
                    encode(&actual, &failures.join(&name));
                    problems.push(format!("{name}: no reference image (a new page?)"));
                    continue;
                }
                let reference = decode(&path);
                match differing_pixels(&reference, &actual) {
                    Some(differing) if differing.len() <= PIXEL_TOLERANCE => {}
                    outcome => {
                        encode(&actual, &failures.join(&name));
                        let what = match outcome {
                            Some(differing) => {
                                let diff = name.replace(".png", ".diff.png");
                                encode(&diff_image(&reference, &differing), &failures.join(&diff));
                                format!("{} pixels differ", differing.len())
                            }
                            None => format!(
                                "{}×{} px, the reference is {}×{}",
                                actual.width, actual.height, reference.width, reference.height
                            ),
                        };
                        problems.push(format!("{name}: {what}"));
                    }
                }
            }
        }
    }

    // A reference no page matches any more: the brief lost a page, or a country went.
    for file in std::fs::read_dir(&references).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".png") && !pages_seen.contains(&name) {
            if bless {
                std::fs::remove_file(references.join(&name)).unwrap();
            } else {
                problems.push(format!("{name}: a reference without a page (a lost page?)"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "pages that no longer look as committed (the pages as they are now, and diff images, \
         are in {}; if the change is on purpose, update the references with \
         MARKETBRIEF_BLESS=1 cargo test --test snapshots and look at them):\n{}",
        failures.display(),
        problems.join("\n")
    );
}
