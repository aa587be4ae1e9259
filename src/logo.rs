//! The agency's logo (`publisher.logo` in marketbrief.yaml): an SVG or PNG file of the
//! project, printed on each brief's title band and on a handout's cover. Checked before any
//! brief prints it, with the decoders Typst will use.

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};

/// The largest logo file: a logo is a few kilobytes of SVG or a small PNG.
pub const MAX_BYTES: usize = 1 << 20;
/// The narrowest PNG: printed about 25 mm wide, it needs 300 pixels for 300 dpi.
pub const MIN_PNG_WIDTH: u32 = 300;
/// The largest PNG side decoded: a logo printed 60 mm wide at 300 dpi needs 700 pixels;
/// beyond this a small file unpacks to hundreds of megabytes in every brief.
pub const MAX_PNG_SIDE: u32 = 3000;
/// The widest and the tallest shape that fits the title band's corner: 8 by 1, 1 by 2.
const MAX_WIDE: f64 = 8.0;
const MAX_TALL: f64 = 2.0;

/// Where the logo is served to Typst, by its format.
pub fn virtual_path(file: &str) -> &'static str {
    if is_svg(file) {
        "/logo.svg"
    } else {
        "/logo.png"
    }
}

fn is_svg(file: &str) -> bool {
    file.to_ascii_lowercase().ends_with(".svg")
}

/// Whether `bytes`, read from `file`, make a logo that prints: an SVG or a PNG (by its
/// name and its content), within [`MAX_BYTES`], that Typst decodes, of a shape that fits.
/// The error says what is wrong, for the field `publisher.logo`.
pub fn check(file: &str, bytes: &[u8]) -> Result<(), String> {
    let lower = file.to_ascii_lowercase();
    if !(lower.ends_with(".svg") || lower.ends_with(".png")) {
        return Err(format!(
            "`{file}` is not an SVG or PNG file: give the logo as .svg (best: sharp at any size) or .png"
        ));
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "the logo is {} KB: a logo of more than {} KB weighs on every brief (export it as SVG, or a smaller PNG)",
            bytes.len() / 1024,
            MAX_BYTES / 1024
        ));
    }
    let (width, height) = if is_svg(file) {
        // Text needs fonts the brief may not have, and a linked or embedded image is loaded
        // apart from this check (an embedded PNG can unpack to gigabytes): a logo is drawn
        // with shapes and paths only.
        if let Some(element) = svg_elements(bytes)
            .into_iter()
            .find(|e| matches!(e.as_str(), "image" | "text" | "foreignobject"))
        {
            return Err(format!(
                "the SVG logo holds a `<{element}>` element: export it with text converted to outlines and without embedded or linked images (shapes and paths only), or give a PNG"
            ));
        }
        let svg = SvgImage::new(Bytes::new(bytes.to_vec()))
            .map_err(|e| format!("the logo is not an SVG image Typst can read: {e:?}"))?;
        (svg.width(), svg.height())
    } else {
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        if !bytes.starts_with(SIGNATURE) || bytes.len() < 24 {
            return Err("the logo is named .png but is not a PNG image".to_string());
        }
        // The header's size, read before decoding: a huge image is refused unread.
        let side = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let (width, height) = (side(16), side(20));
        if width > MAX_PNG_SIDE || height > MAX_PNG_SIDE {
            return Err(format!(
                "the logo is {width} × {height} pixels: more than {MAX_PNG_SIDE} on a side is not a logo (scale it down)"
            ));
        }
        if width < MIN_PNG_WIDTH {
            return Err(format!(
                "the logo is {width} pixels wide: it would print blurred; give at least {MIN_PNG_WIDTH} pixels, or an SVG"
            ));
        }
        RasterImage::plain(Bytes::new(bytes.to_vec()), ExchangeFormat::Png)
            .map_err(|e| format!("the logo is not a PNG image Typst can read: {e}"))?;
        (f64::from(width), f64::from(height))
    };
    if !(width > 0.0 && height > 0.0) {
        return Err("the logo has no size".to_string());
    }
    let ratio = width / height;
    if !(1.0 / MAX_TALL..=MAX_WIDE).contains(&ratio) {
        return Err(format!(
            "the logo is {:.1} times as wide as it is tall: the title band's corner holds shapes from 1:{MAX_TALL} to {MAX_WIDE}:1 (crop its margins)",
            ratio
        ));
    }
    Ok(())
}

/// The local names of the elements of an SVG, lower case (`svg:image` is `image`).
fn svg_elements(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split('<')
        .skip(1)
        .filter(|tag| !tag.starts_with(['/', '!', '?']))
        .map(|tag| {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/'))
                .collect();
            let local = name.rsplit(':').next().unwrap_or_default();
            local.to_ascii_lowercase()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(w: u32, h: u32) -> Vec<u8> {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="#1d4f91"/></svg>"##
        )
        .into_bytes()
    }

    #[test]
    fn a_logo_is_an_svg_or_png_of_a_shape_that_fits() {
        assert_eq!(check("logo.svg", &svg(120, 40)), Ok(()));
        assert_eq!(check("LOGO.SVG", &svg(40, 40)), Ok(()));
        for (file, bytes, why) in [
            ("logo.jpg", svg(120, 40), "not an SVG or PNG"),
            ("logo.svg", b"<html>".to_vec(), "not an SVG image"),
            ("logo.svg", svg(1000, 40), "times as wide"),
            ("logo.svg", svg(40, 200), "times as wide"),
            ("logo.png", svg(120, 40), "not a PNG"),
            ("logo.svg", vec![b' '; MAX_BYTES + 1], "KB"),
            // Images (an embedded PNG bomb, a link to a file) and text are refused.
            (
                "logo.svg",
                br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><image href="data:image/png;base64,AAAA" width="40" height="40"/></svg>"#.to_vec(),
                "`<image>`",
            ),
            (
                "logo.svg",
                br#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="40" height="40"><svg:IMAGE href="../secret.png"/></svg:svg>"#.to_vec(),
                "`<image>`",
            ),
            (
                "logo.svg",
                br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text>Agency</text></svg>"#.to_vec(),
                "`<text>`",
            ),
        ] {
            let error = check(file, &bytes).unwrap_err();
            assert!(error.contains(why), "{file}: {error}");
        }
        // A PNG's size is read from its header before it is decoded.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(100_000u32.to_be_bytes());
        png.extend(100u32.to_be_bytes());
        assert!(
            check("logo.png", &png)
                .unwrap_err()
                .contains("100000 × 100")
        );
        let mut small = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        small.extend(120u32.to_be_bytes());
        small.extend(40u32.to_be_bytes());
        assert!(
            check("logo.png", &small)
                .unwrap_err()
                .contains("120 pixels wide")
        );
    }
}
