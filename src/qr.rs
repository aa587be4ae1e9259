//! QR codes of the web addresses a brief prints (the adviser's page, the mission's), drawn
//! in-process as vector SVG: one path of dark modules on a white square with its quiet
//! zone, so the code prints sharp at any size and scans from paper.

use qrcode::{EcLevel, QrCode};

/// The longest address a brief turns into a QR code: beyond it the code needs more than
/// 57 modules a side (version 10 at level M), too fine to scan at the 18 mm it prints.
pub const MAX_CHARS: usize = 200;

/// The QR code of `text` as SVG, one unit per module, with the standard 4-module quiet
/// zone; medium error correction survives a fold or a smudge on a handout.
pub fn svg(text: &str) -> Result<String, String> {
    if text.chars().count() > MAX_CHARS {
        return Err(format!(
            "an address of more than {MAX_CHARS} characters makes a QR code too dense to scan from paper"
        ));
    }
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("no QR code for this address: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_becomes_one_vector_path() {
        let svg = svg("https://example.org/advisers/claire-dubois").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert_eq!(svg.matches("<path").count(), 1, "{svg}");
        assert!(!svg.contains("<image"), "no raster: {svg}");
        // The module count with the quiet zone: a version-3 code is 29 modules, plus 8.
        assert!(svg.contains(r#"viewBox="0 0 37 37""#), "{svg}");
    }

    #[test]
    fn too_long_an_address_is_refused_with_why() {
        let long = format!("https://example.org/{}", "a".repeat(MAX_CHARS));
        assert!(svg(&long).unwrap_err().contains("too dense"));
    }
}
