//! The benchmark corpus: a project with `n` profiles made from the four samples, each for
//! another country, with varied illustrative data. Shared by the `corpus` benchmark and the
//! test that keeps it building.

use anyhow::{Result, bail};
use marketbrief::project::Project;
use std::path::Path;

/// The sample profiles the corpus is made from.
const SAMPLES: [&str; 4] = ["ca", "mx", "us", "jp"];

/// A small deterministic generator (no randomness between runs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

/// Writes a project with `n` profiles made from the samples, each for a different country
/// with varied illustrative data. Returns the lower-case codes.
pub fn generate_corpus(sample: &Path, corpus: &Path, n: usize) -> Result<Vec<String>> {
    let project = Project::load(sample)?;
    let mut codes: Vec<String> = project
        .reference
        .country_names
        .keys()
        .filter(|c| {
            marketbrief::reference::Reference::flag(&project.assets, c)
                .ok()
                .flatten()
                .is_some()
        })
        // A brief is about a country (ISO 3166-1) whose headings have an in-form in every
        // language ("au Canada"), as `check` requires of any profile.
        .filter(|c| c.as_str() != "BE" && isocountry::CountryCode::for_alpha2(c).is_ok())
        .filter(|c| {
            project.reference.in_country.get(*c).is_some_and(|forms| {
                project
                    .config
                    .languages
                    .iter()
                    .all(|lang| forms.0.contains_key(lang))
            })
        })
        .cloned()
        .collect();
    codes.truncate(n);
    if codes.len() < n {
        bail!("only {} countries have a name and a flag", codes.len());
    }
    std::fs::create_dir_all(corpus.join("data/profiles"))?;
    std::fs::create_dir_all(corpus.join("data/datasets"))?;
    // The sample's missions name its own countries, which the corpus need not have.
    let config = std::fs::read_to_string(sample.join("marketbrief.yaml"))?;
    let config = match config.find("\nmissions:") {
        Some(at) => &config[..=at],
        None => &config[..],
    };
    std::fs::write(corpus.join("marketbrief.yaml"), config)?;
    std::fs::copy(sample.join("data/logo.svg"), corpus.join("data/logo.svg"))?;
    for id in ["bru-goods", "be-goods", "be-services"] {
        std::fs::copy(
            sample.join(format!("data/datasets/{id}.yaml")),
            corpus.join(format!("data/datasets/{id}.yaml")),
        )?;
    }
    let header = "reporter,partner,flow,period,product,value_eur,status\n";
    let (mut bru, mut be, mut services) =
        (header.to_string(), header.to_string(), header.to_string());
    let mut rng = Lcg(2025);
    let sections = ["VI", "IV", "XVI", "XVIII", "XV", "XI", "XVII", "VII"];
    let ebops = ["SJ", "SI", "SH", "SC", "SD", "SG"];
    for (i, code) in codes.iter().enumerate() {
        let sample_code = SAMPLES[i % SAMPLES.len()];
        let text =
            std::fs::read_to_string(sample.join(format!("data/profiles/{sample_code}.yaml")))?;
        let text = text.replacen(
            &format!("country: {}", sample_code.to_ascii_uppercase()),
            &format!("country: {code}"),
            1,
        );
        std::fs::write(
            corpus.join(format!("data/profiles/{}.yaml", code.to_ascii_lowercase())),
            text,
        )?;
        let scale = 1e6 * (5.0 + 400.0 * rng.next().powi(3));
        let mut level = scale;
        let mut exports = std::collections::BTreeMap::new();
        for year in 2019..=2024 {
            level *= 0.8 + 0.45 * rng.next();
            exports.insert(year, level);
            let line = |flow: &str, v: f64| {
                format!("BE-BRU,{code},{flow},{year},TOTAL,{:.0},illustrative\n", v)
            };
            bru.push_str(&line("export", level));
            bru.push_str(&line("import", level * (0.4 + 0.6 * rng.next())));
        }
        let mut services_2023 = 0.0;
        for year in [2023, 2024] {
            let total = exports[&year];
            let mut left = total * 0.9;
            for section in sections.iter().take(4 + i % 4) {
                let v = left * (0.2 + 0.5 * rng.next());
                left -= v;
                bru.push_str(&format!(
                    "BE-BRU,{code},export,{year},{section},{v:.0},illustrative\n"
                ));
            }
            let national = total * (40.0 + 80.0 * rng.next());
            be.push_str(&format!(
                "BE,{code},export,{year},TOTAL,{national:.0},illustrative\n"
            ));
            let services_total = national * 0.25;
            services.push_str(&format!(
                "BE,{code},export,{year},TOTAL,{services_total:.0},illustrative\n"
            ));
            if year == 2023 {
                services_2023 = services_total;
            }
        }
        let mut left = services_2023 * 0.9;
        for category in ebops.iter().take(3 + i % 4) {
            let v = left * (0.2 + 0.5 * rng.next());
            left -= v;
            services.push_str(&format!(
                "BE,{code},export,2023,{category},{v:.0},illustrative\n"
            ));
        }
    }
    std::fs::write(corpus.join("data/datasets/bru-goods.csv"), bru)?;
    std::fs::write(corpus.join("data/datasets/be-goods.csv"), be)?;
    std::fs::write(corpus.join("data/datasets/be-services.csv"), services)?;
    Ok(codes.iter().map(|c| c.to_ascii_lowercase()).collect())
}
