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

/// Whether `text` makes a QR code a brief can print, without drawing it (`check`).
pub fn check(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_CHARS {
        return Err(format!(
            "an address of more than {MAX_CHARS} characters makes a QR code too dense to scan from paper"
        ));
    }
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map(drop)
        .map_err(|e| format!("no QR code for this address: {e}"))
}

/// [`svg`] as the bytes a document holds, drawn once per address and shared by the briefs
/// that print it (a country's languages, a handout): the last few addresses are kept.
pub fn svg_bytes(text: &str) -> Result<typst::foundations::Bytes, String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static DRAWN: OnceLock<Mutex<HashMap<String, typst::foundations::Bytes>>> = OnceLock::new();
    const KEPT: usize = 64;
    let drawn = DRAWN.get_or_init(Default::default);
    if let Some(bytes) = drawn.lock().ok().and_then(|d| d.get(text).cloned()) {
        return Ok(bytes);
    }
    let bytes = typst::foundations::Bytes::new(svg(text)?.into_bytes());
    if let Ok(mut drawn) = drawn.lock() {
        if drawn.len() >= KEPT {
            drawn.clear();
        }
        drawn.insert(text.to_string(), bytes.clone());
    }
    Ok(bytes)
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
        assert!(check(&long).unwrap_err().contains("too dense"));
    }

    #[test]
    fn an_address_is_drawn_once_and_shared() {
        let url = "https://example.org/missions/shared";
        let first = svg_bytes(url).unwrap();
        let again = svg_bytes(url).unwrap();
        assert_eq!(first.as_slice(), svg(url).unwrap().as_bytes());
        assert_eq!(first, again);
        assert!(check(url).is_ok());
    }
}
