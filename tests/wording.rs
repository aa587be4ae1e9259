//! House style and wording, one test per language: the twelve sample briefs are built once
//! and their PDF text must carry the forms an editor asked for (catalogue phrases and the
//! rewritten sample texts) and none of the phrases they replaced.

mod common;

use common::{marketbrief, pdf_text, sample_project, squash};
use std::path::PathBuf;
use std::sync::OnceLock;

const COUNTRIES: [&str; 4] = ["ca", "jp", "mx", "us"];

/// The folder the sample briefs are built into, once for every test of this file.
fn built() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        marketbrief(
            &sample_project(),
            &["build", "--out", out.path().to_str().unwrap()],
        );
        let dir = out.path().join("2025-Q3");
        (out, dir)
    })
    .1
}

/// The text of every sample brief in `lang`, by country.
fn briefs(lang: &str) -> Vec<(String, String)> {
    COUNTRIES
        .iter()
        .map(|country| {
            let name = format!("{country}-{lang}");
            let text = pdf_text(&built().join(format!("{name}.pdf")));
            (name, text)
        })
        .collect()
}

/// `text` with the words hyphenated at a line end joined again: the PDF text reads
/// "ex ­ portations", a soft hyphen between spaces.
fn dehyphenate(text: &str) -> String {
    text.replace(" \u{AD} ", "").replace('\u{AD}', "")
}

/// Asserts that the brief `name` says `phrase` (however its lines were broken).
fn says(name: &str, text: &str, phrase: &str) {
    assert!(
        squash(text).contains(&squash(phrase)),
        "{name}: expected “{phrase}” in the PDF text:\n{text}"
    );
}

/// Asserts that the brief `name` never says `phrase` (nor with a word broken across lines).
fn never_says(name: &str, text: &str, phrase: &str) {
    let lower = phrase.to_lowercase();
    for version in [text.to_string(), dehyphenate(text)] {
        assert!(
            !version.to_lowercase().contains(&lower),
            "{name}: “{phrase}” should no longer appear in the PDF text:\n{text}"
        );
    }
}

/// Asserts that `phrase` appears in the brief of `country`.
fn country_says(briefs: &[(String, String)], country: &str, phrase: &str) {
    let (name, text) = briefs
        .iter()
        .find(|(name, _)| name.starts_with(country))
        .unwrap();
    says(name, text, phrase);
}

/// No straight apostrophes or quotes in French or Dutch prose, and no "vs".
fn typography(briefs: &[(String, String)]) {
    for (name, text) in briefs {
        for straight in ['\'', '"'] {
            assert!(
                !text.contains(straight),
                "{name}: a straight {straight} in the PDF text:\n{text}"
            );
        }
        // English "vs" (versus), lower-case: "VS" is Dutch for the United States.
        assert!(
            !text.contains(" vs ") && !text.contains(" vs."),
            "{name}: “vs” in the PDF text:\n{text}"
        );
    }
}

#[test]
fn french_briefs_read_as_a_french_editor_writes() {
    let briefs = briefs("fr");
    typography(&briefs);
    for (name, text) in &briefs {
        // The method note and the regional concept, as the editor worded them.
        says(
            name,
            text,
            "Le classement ne porte que sur les pays partenaires, à l’exclusion des groupes de pays, et se fonde sur les exportations de biens de Bruxelles.",
        );
        says(name, text, "3ᵉ trimestre 2025");
        says(name, text, "Accord commercial et droits de douane");
        for old in [
            "Le rang compte",
            "exportés depuis ou importés dans",
            // One term per concept: exportations and droits de douane.
            "exports",
            "taxes",
            "tarifs",
            // The sample texts as they read before.
            "protégé par",
            "accord CETA",
            "Forte demande de santé",
            "de long terme",
            "Deuxième bien",
            "Smart tech",
            "Préparez-la",
            "Quatrième marché américain",
            "constructeur automobile",
            "y a exporté 424",
            "Une référence sur le Japon",
            // Issue 25, the editor's corrections.
            "données d’exemple illustratives",
            "Données d’exemple illustratives",
            "les divise",
            "grâce à l’ACEUM",
            "filières concentrées",
        ] {
            never_says(name, text, old);
        }
    }
    for (country, phrase) in [
        (
            "ca",
            "un marché ouvert, dont le CETA facilite encore l’accès",
        ),
        ("ca", "Numérique et villes intelligentes"),
        (
            "ca",
            "Deuxième poste des exportations de biens de Bruxelles vers le Canada",
        ),
        ("ca", "préparez votre participation"),
        ("jp", "relations à long terme"),
        ("jp", "La demande y est forte en santé"),
        ("jp", "ouvre les marchés publics"),
        (
            "mx",
            "Moins exposé aux nouveaux droits de douane américains",
        ),
        ("mx", "7ᵉ producteur automobile mondial"),
        ("mx", "y a exporté pour 424 millions d’euros"),
        ("us", "sont soumis à des droits de douane plus élevés"),
    ] {
        country_says(&briefs, country, phrase);
    }
}

#[test]
fn dutch_briefs_read_as_a_belgian_editor_writes() {
    let briefs = briefs("nl");
    typography(&briefs);
    for (name, text) in &briefs {
        says(
            name,
            text,
            "De rangschikking omvat alleen partnerlanden, geen landengroepen, en is gebaseerd op de goederenuitvoer van Brussel.",
        );
        says(name, text, "stand op 23 juli 2025");
        says(name, text, "Handelsovereenkomst en invoerrechten");
        says(name, text, "Rang onder de afzetmarkten van Brussel");
        // One term per concept: uitvoer, invoerrechten, overeenkomst. "Export" is
        // left only in the adviser's title.
        let export = text.to_lowercase().matches("export").count();
        let adviser = text.to_lowercase().matches("exportadviseur").count();
        assert_eq!(export, adviser, "{name}: “export” besides uitvoer:\n{text}");
        for old in [
            "De rang telt",
            "uitgevoerd uit of ingevoerd in",
            "douanerechten",
            "heffingen",
            "Handelsakkoord",
            "vrijhandelsakkoord",
            "cijfers op",
            // The sample texts as they read before.
            " pool ",
            "technologische pool",
            "technologische hub",
            "grote groepen",
            "aan de poorten van",
            "Na een 2024",
            "getekend werd door",
            "open staat",
            "Een vraag die vernieuwt",
            "keer groter",
            "vervierdubbel",
            "als vangnet",
            "spitsindustrie",
            "Gegeerde",
            "vierde Amerikaanse markt",
            // Issue 25, the editor's corrections.
            "vermenigvuldigd met",
            "gespaard van",
            "van hieruit",
            "duurzame relaties",
            "ongeziene",
            "deelt beide",
        ] {
            never_says(name, text, old);
        }
    }
    for (country, phrase) in [
        (
            "ca",
            "een open markt, die dankzij CETA nog vlotter toegankelijk is",
        ),
        (
            "ca",
            "met de sluiting van Audi Brussels, van elektrische wagens liep terug",
        ),
        ("ca", "Vraag in beweging."),
        (
            "ca",
            "68 keer zo groot geworden en die van textiel vier keer zo groot",
        ),
        ("ca", "de op één na grootste uitvoerpost"),
        // A city's name heads its column, its text below.
        ("ca", "Vancouver Technologiecentrum"),
        ("jp", "ruim openstaat voor Europese producten"),
        (
            "jp",
            "waar de meeste grote bedrijven en importeurs hun hoofdzetel hebben",
        ),
        ("mx", "vlak bij de grens met Californië"),
        ("mx", "Tijuana Industrie- en technologiecentrum"),
        (
            "us",
            "Boston Wereldwijd centrum voor levenswetenschappen, rond zijn universiteiten",
        ),
    ] {
        country_says(&briefs, country, phrase);
    }
}

#[test]
fn english_briefs_read_as_written_not_translated() {
    let briefs = briefs("en");
    for (name, text) in &briefs {
        says(
            name,
            text,
            "The ranking covers partner countries only, not groups of countries, and is based on the goods exports of Brussels.",
        );
        says(name, text, "shown under ‘Year to date’");
        says(name, text, "Trade agreement and customs duties");
        for old in [
            "The rank counts",
            // One term per concept: duties, and "on 2023" as in the key figures.
            "tariff",
            " vs ",
            // The sample texts as they read before.
            "buyers from Brussels companies",
            "anchored by",
            "After a 2024",
            "Demand that renews itself",
            "large groups",
            "Smart tech",
            "Prepare it",
            "car maker",
            // Issue 25, the editor's corrections.
            "second North American customer",
            "from across the border",
            "divides them",
            "thanks to the USMCA",
            "(in French)",
        ] {
            never_says(name, text, old);
        }
    }
    for (country, phrase) in [
        (
            "ca",
            "an open market that the CETA trade agreement has made easier still to enter",
        ),
        ("ca", "Shifting demand."),
        ("ca", "Digital technology and smart cities"),
        (
            "jp",
            "where most large companies and importers have their head office",
        ),
        ("mx", "Less exposed to the new US duties"),
        ("us", "Higher duties since 2025"),
    ] {
        country_says(&briefs, country, phrase);
    }
}

#[test]
fn names_are_never_hyphenated_nor_dutch_words_at_a_trema() {
    let mut problems = Vec::new();
    for lang in ["fr", "nl", "en"] {
        for (name, text) in briefs(lang) {
            // "Mexi-co", "Bel-gië": no capitalised word the brief prints whole is split
            // anywhere (the PDF text shows a break as " \u{AD} "; a hyphen the text has, as
            // in "Noord-Amerika", may show the same, so only a split of one word counts).
            let words: std::collections::BTreeSet<&str> = text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| {
                    w.chars().count() >= 4 && w.chars().next().is_some_and(char::is_uppercase)
                })
                .collect();
            for word in words {
                let chars: Vec<char> = word.chars().collect();
                for at in 2..chars.len() - 1 {
                    let head: String = chars[..at].iter().collect();
                    let tail: String = chars[at..].iter().collect();
                    if text.contains(&format!("{head} \u{AD} {tail}")) {
                        problems.push(format!("{name}: “{head}-{tail}”"));
                    }
                }
            }
            // Dutch drops the trema at a break ("effici-entie"), which Typst cannot do:
            // such a word is not split at all.
            if lang == "nl" {
                for after in text.split('\u{AD}').skip(1) {
                    let next = after.trim_start().chars().next();
                    if next.is_some_and(|c| "äëïöü".contains(c)) {
                        problems.push(format!(
                            "{name}: a break before “{}”",
                            &after.trim_start()[..10.min(after.trim_start().len())]
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_sentence_ends_on_a_stub_of_three_letters_or_fewer() {
    // "cen-/tre.", "waar-/den.": a break that carries the last three letters or fewer of a
    // sentence to the next line reads as a slip. Paragraphs are broken as a whole, with hyphens costly, so that
    // a slightly shorter line wins (the PDF text shows a break as " \u{AD} ").
    let mut problems = Vec::new();
    for lang in ["fr", "nl", "en"] {
        for (name, text) in briefs(lang) {
            // pdf-extract reads some breaks as " - ".
            let text = text.replace(" - ", " \u{AD} ");
            for after in text.split(" \u{AD} ").skip(1) {
                let tail: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
                let ends_sentence = after[tail.len()..].starts_with(['.', '!', '?']);
                if !tail.is_empty() && tail.chars().count() <= 3 && ends_sentence {
                    problems.push(format!(
                        "{name}: “-{}”",
                        after.chars().take(12).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Issue 25: no word is hyphenated in the narrow city boxes (mx-en printed "capi-tal",
/// "lo-gistics"): their lines break between words. A hyphenation break reads as a soft
/// hyphen in the PDF text.
#[test]
fn the_city_boxes_are_never_hyphenated() {
    for (lang, cities, next) in [
        (
            "fr",
            "Villes et pôles clés",
            "Accord commercial et droits de douane",
        ),
        (
            "nl",
            "Belangrijke steden en centra",
            "Handelsovereenkomst en invoerrechten",
        ),
        (
            "en",
            "Key cities and hubs",
            "Trade agreement and customs duties",
        ),
    ] {
        for (name, text) in briefs(lang) {
            let from = text
                .find(cities)
                .unwrap_or_else(|| panic!("{name}: no `{cities}` in {text}"));
            let to = from + text[from..].find(next).unwrap();
            let boxes = &text[from..to];
            // A break after a word's own hyphen ("Kansai-regio") reads the same as a
            // hyphenation: it is one when the profile does not write the word so.
            let code = &name[..2];
            let profile = std::fs::read_to_string(
                common::sample_project().join(format!("data/profiles/{code}.yaml")),
            )
            .unwrap();
            let words: Vec<&str> = boxes.split(' ').collect();
            for (i, word) in words.iter().enumerate() {
                if *word != "\u{AD}" || i == 0 || i + 1 == words.len() {
                    continue;
                }
                // The letters before the break, with the hyphen: "Kansai-", "Industrie- en"
                // are written so; "capi-" of "capital" is not.
                let before: Vec<char> = words[i - 1].chars().collect();
                let tail: String = before[before.len().saturating_sub(6)..].iter().collect();
                assert!(
                    profile.contains(&format!("{tail}-")),
                    "{name}: `{tail}-{}` hyphenated in the city boxes: {boxes}",
                    words[i + 1]
                );
            }
        }
    }
}
