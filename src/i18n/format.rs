//! Locale formatting of numbers, money, percentages, ranks and dates, done in Rust before
//! anything reaches Typst (which has no locale-aware number formatting).
//!
//! Digits, decimal and grouping separators, signs and plural categories come from CLDR
//! through ICU4X (`fr-BE`, `nl-BE`, `en`); the words around them ("millions d'euros",
//! "miljoen euro", "EUR … million") come from the language's catalogue.

use crate::error::{Error, InputError, Result};
use crate::i18n::Lang;
use crate::i18n::catalogue::Catalogue;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::{Decimal, FloatPrecision, SignDisplay};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};

/// An amount split around its number, so a key-figure card can set the number large and
/// the words small: `before` + `number` + `after` reads as the full amount.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Amount {
    pub before: String,
    pub number: String,
    pub after: String,
}

impl Amount {
    /// The whole amount as one string ("32,4 millions d'euros").
    pub fn full(&self) -> String {
        format!("{}{}{}", self.before, self.number, self.after)
    }
}

/// Formats values the way one language's readers expect.
pub struct LocaleFormatter {
    pub lang: Lang,
    decimal: DecimalFormatter,
    cardinal: PluralRules,
    ordinal: PluralRules,
    catalogue: Catalogue,
    /// Whether amounts of a thousand billion and more are written in trillions
    /// ("USD 27.4 trillion") or stay in billions ("27 400 milliards"), as the
    /// catalogue's `format.largest_scale` says.
    trillions: bool,
}

impl LocaleFormatter {
    pub fn new(catalogue: &Catalogue) -> Result<Self> {
        let lang = catalogue.lang;
        // ICU4X's CLDR data is compiled in: these fail only for a locale it lacks.
        let cldr = |what: &str, e: &dyn std::fmt::Display| {
            Error::asset(
                "ICU4X CLDR data",
                format!("{what} for {}: {e}", lang.locale()),
            )
        };
        let locale: Locale = lang
            .locale()
            .parse()
            .map_err(|e| cldr("invalid locale", &e))?;
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default())
            .map_err(|e| cldr("no number data", &e))?;
        let cardinal = PluralRules::try_new_cardinal((&locale).into())
            .map_err(|e| cldr("no plural rules", &e))?;
        let ordinal = PluralRules::try_new_ordinal((&locale).into())
            .map_err(|e| cldr("no ordinal rules", &e))?;
        const SCALE: &str = "format.largest_scale";
        let trillions = match catalogue.get(SCALE)? {
            "trillion" => true,
            "billion" => false,
            other => {
                return Err(InputError::new(
                    &catalogue.origin,
                    format!("`{SCALE}` is `{other}`; expected `billion` or `trillion`"),
                )
                .field(SCALE)
                .into());
            }
        };
        Ok(LocaleFormatter {
            lang,
            decimal,
            cardinal,
            ordinal,
            trillions,
            catalogue: catalogue.clone(),
        })
    }

    fn decimal(value: f64, max_fraction_digits: i16) -> Decimal {
        let mut d = Decimal::try_from_f64(value, FloatPrecision::RoundTrip)
            .unwrap_or_else(|_| Decimal::from(0));
        d.round(-max_fraction_digits);
        d.absolute.trim_end();
        d
    }

    /// A plain number with at most `max_fraction_digits` decimals ("1 234,5").
    pub fn number(&self, value: f64, max_fraction_digits: i16) -> String {
        self.decimal
            .format_to_string(&Self::decimal(value, max_fraction_digits))
    }

    /// A number with an explicit sign unless zero ("+12,5", "−3").
    pub fn signed_number(&self, value: f64, max_fraction_digits: i16) -> String {
        let mut d = Self::decimal(value, max_fraction_digits);
        d.apply_sign_display(SignDisplay::ExceptZero);
        // A true minus (U+2212), as set in print; CLDR gives the hyphen-minus.
        self.decimal.format_to_string(&d).replace('-', "\u{2212}")
    }

    fn plural_key(&self, base: &str, number: &Decimal) -> String {
        format!(
            "{base}.{}",
            category_name(self.cardinal.category_for(number))
        )
    }

    /// An amount in euros, scaled to millions or billions with one decimal at most
    /// ("32,4 millions d'euros", "32,4 miljoen euro", "EUR 32.4 million").
    pub fn money(&self, eur: f64) -> Result<Amount> {
        self.scaled("money", eur)
    }

    /// A quantity scaled to millions, billions (or trillions, where the language counts in
    /// them) with one decimal at most, in the words of
    /// the catalogue's `format.<family>` patterns (`money` for euros, `usd`, `people`).
    pub fn scaled(&self, family: &str, value: f64) -> Result<Amount> {
        // The scales this language writes, largest first, with their size.
        let scales: &[(f64, &str, u32)] = if self.trillions {
            &[
                (1e12, "trillion", 1),
                (1e9, "billion", 1),
                (1e6, "million", 1),
                (1.0, "unit", 0),
            ]
        } else {
            &[(1e9, "billion", 1), (1e6, "million", 1), (1.0, "unit", 0)]
        };
        let magnitude = value.abs();
        let mut at = scales
            .iter()
            .position(|(size, ..)| magnitude >= *size)
            .unwrap_or(scales.len() - 1);
        let (scaled, scale, digits) = loop {
            let (size, scale, digits) = scales[at];
            // Past a thousand billions, three significant digits in every language:
            // "USD 2.14 trillion" where French writes "2 140 milliards".
            let digits = match (scale, (value / size).abs()) {
                ("trillion", v) if v < 9.995 => 2,
                ("trillion", v) if v < 99.95 => 1,
                ("trillion", _) => 0,
                _ => digits,
            };
            let (scaled, digits) = Self::rounded(value / size, digits);
            // Rounding may reach the next unit: 999 960 000 is "1 billion", not
            // "1 000 million".
            match at.checked_sub(1) {
                Some(up) if scaled.abs() * size >= scales[up].0 => at = up,
                _ => break (scaled, scale, digits),
            }
        };
        let d = Self::decimal(scaled, digits as i16);
        let number = self.decimal.format_to_string(&d);
        let base = format!("format.{family}.{scale}");
        let pattern = self.catalogue.get(&self.plural_key(&base, &d))?;
        Ok(split_pattern(pattern, number))
    }

    /// An amount in euros as prose quotes what a brief's chart or table prints: below a
    /// million, still in millions ("0,9 million d'euros", not "900 000 euros"), to two
    /// decimals at most; from a million on, as [`LocaleFormatter::money`].
    pub fn money_as_charted(&self, eur: f64) -> Result<Amount> {
        if eur.abs() >= 1e6 || eur == 0.0 {
            return self.money(eur);
        }
        let d = Self::decimal(eur / 1e6, 2);
        let number = self.decimal.format_to_string(&d);
        let pattern = self
            .catalogue
            .get(&self.plural_key("format.money.million", &d))?;
        Ok(split_pattern(pattern, number))
    }

    /// `scaled` to `digits` decimals, or past four digits before the decimal mark to three
    /// significant ones (27 361 milliards → 27 400 milliards), as a reader quotes them.
    fn rounded(scaled: f64, digits: u32) -> (f64, u32) {
        let decimals = 10f64.powi(digits as i32);
        let near = (scaled * decimals).round() / decimals;
        if near.abs() >= 1000.0 {
            let step = 10f64.powi(near.abs().log10().floor() as i32 - 2);
            ((scaled / step).round() * step, 0)
        } else {
            (near, digits)
        }
    }

    /// An amount in millions of euros for chart axes, bar labels and tables ("32,4"; "0,04"
    /// for small amounts, which would otherwise print as a misleading "0").
    pub fn millions(&self, eur: f64) -> String {
        let millions = eur / 1e6;
        let digits = match millions.abs() {
            m if m >= 100.0 => 0,
            m if m >= 1.0 || m == 0.0 => 1,
            _ => 2,
        };
        self.number(millions, digits)
    }

    /// A percentage from a ratio (0.78 → "78 %" in French, "78%" in English).
    pub fn percent(&self, ratio: f64) -> Result<String> {
        let value = ratio * 100.0;
        let digits = if value.abs() >= 10.0 { 0 } else { 1 };
        let n = self.number(value, digits);
        Ok(self.catalogue.fill("format.percent", &[("n", &n)])?)
    }

    /// A change from a ratio with its sign ("+12 %", "−78 %").
    pub fn percent_change(&self, ratio: f64) -> Result<String> {
        let value = ratio * 100.0;
        let digits = if value.abs() >= 10.0 { 0 } else { 1 };
        let n = self.signed_number(value, digits);
        Ok(self.catalogue.fill("format.percent", &[("n", &n)])?)
    }

    /// An ordinal rank ("5ᵉ", "5e", "5th"; "1ᵉʳ", "1st").
    pub fn rank(&self, rank: u32) -> Result<String> {
        let category = category_name(self.ordinal.category_for(rank));
        let n = self.number(f64::from(rank), 0);
        Ok(self
            .catalogue
            .fill(&format!("format.rank.{category}"), &[("n", &n)])?)
    }

    /// A calendar date ("20 octobre 2025", "1ᵉʳ février 2019", "20 oktober 2025",
    /// "20 October 2025").
    /// The day of `date` as a date writes it ("1er", "17"), for a range in one month.
    pub fn day(&self, date: &crate::vocab::Date) -> Result<String> {
        Ok(if date.day == 1 {
            self.catalogue.get("format.day_first")?.to_string()
        } else {
            date.day.to_string()
        })
    }

    /// `date` without its year ("17 novembre"), for a range within one year.
    pub fn date_no_year(&self, date: &crate::vocab::Date) -> Result<String> {
        let month = self
            .catalogue
            .get(&format!("format.months[{}]", date.month - 1))?;
        Ok(self.catalogue.fill(
            "format.date_no_year",
            &[("d", &self.day(date)?), ("month", month)],
        )?)
    }

    pub fn date(&self, date: &crate::vocab::Date) -> Result<String> {
        let month = self
            .catalogue
            .get(&format!("format.months[{}]", date.month - 1))?;
        let day = if date.day == 1 {
            self.catalogue.get("format.day_first")?.to_string()
        } else {
            date.day.to_string()
        };
        Ok(self.catalogue.fill(
            "format.date",
            &[("d", &day), ("month", month), ("y", &date.year.to_string())],
        )?)
    }

    /// The first months of a year ("janv.–nov. 2025", "Jan–Nov 2025", "Jan 2025").
    pub fn months_to(&self, year: i32, last_month: u8) -> Result<String> {
        let first = self.catalogue.get("format.months_short[0]")?;
        if last_month <= 1 {
            return Ok(format!("{first} {year}"));
        }
        let last = self
            .catalogue
            .get(&format!("format.months_short[{}]", last_month - 1))?;
        Ok(self.catalogue.fill(
            "format.month_range",
            &[("from", first), ("to", last), ("y", &year.to_string())],
        )?)
    }

    /// An edition as readers say it ("3e trimestre 2025", "Q3 2025").
    pub fn edition(&self, edition: &crate::vocab::Edition) -> Result<String> {
        let qth = self.rank(u32::from(edition.quarter))?;
        Ok(self.catalogue.fill(
            "format.edition",
            &[
                ("q", &edition.quarter.to_string()),
                ("qth", &qth),
                ("y", &edition.year.to_string()),
            ],
        )?)
    }
}

/// French typography that Typst does not apply: a no-break space before `:` and inside
/// « », a narrow no-break space before `;`, `!` and `?`, where the writer put a space.
pub fn french_spacing(text: &str) -> String {
    const NBSP: &str = "\u{A0}";
    const NNBSP: &str = "\u{202F}";
    text.replace(" :", &format!("{NBSP}:"))
        .replace(" ;", &format!("{NNBSP};"))
        .replace(" !", &format!("{NNBSP}!"))
        .replace(" ?", &format!("{NNBSP}?"))
        .replace("« ", &format!("«{NBSP}"))
        .replace(" »", &format!("{NBSP}»"))
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

fn split_pattern(pattern: &str, number: String) -> Amount {
    match pattern.split_once("{n}") {
        Some((before, after)) => Amount {
            before: before.to_string(),
            number,
            after: after.to_string(),
        },
        None => Amount {
            before: String::new(),
            number,
            after: pattern.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Assets;

    fn formatter(lang: Lang) -> LocaleFormatter {
        let assets = Assets::embedded();
        let catalogue = assets.catalogue(lang).unwrap();
        LocaleFormatter::new(&catalogue).unwrap()
    }

    const NNBSP: char = '\u{202F}';
    const NBSP: char = '\u{A0}';

    #[test]
    fn french_belgian_money_follows_cldr() {
        let fr = formatter(Lang::Fr);
        assert_eq!(
            fr.money(32_400_000.0).unwrap().full(),
            format!("32,4{NBSP}millions d’euros")
        );
        // French: 1,5 takes the singular (CLDR plural category "one" for i = 0 or 1).
        assert_eq!(
            fr.money(1_500_000_000.0).unwrap().full(),
            format!("1,5{NBSP}milliard d’euros")
        );
        assert_eq!(
            fr.money(2_600_000_000.0).unwrap().full(),
            format!("2,6{NBSP}milliards d’euros")
        );
        assert_eq!(
            fr.money(24_000_000.0).unwrap().full(),
            format!("24{NBSP}millions d’euros")
        );
        // Grouping with a narrow no-break space, as CLDR fr.
        assert_eq!(fr.number(1_234_567.0, 0), format!("1{NNBSP}234{NNBSP}567"));
        assert_eq!(
            fr.money(850_000.0).unwrap().full(),
            format!("850{NNBSP}000{NBSP}euros")
        );
    }

    #[test]
    fn dutch_money_follows_cldr() {
        let nl = formatter(Lang::Nl);
        assert_eq!(
            nl.money(32_400_000.0).unwrap().full(),
            format!("32,4{NBSP}miljoen euro")
        );
        assert_eq!(
            nl.money(2_600_000_000.0).unwrap().full(),
            format!("2,6{NBSP}miljard euro")
        );
        assert_eq!(nl.number(1_234_567.0, 0), "1.234.567");
    }

    #[test]
    fn english_money_follows_cldr() {
        let en = formatter(Lang::En);
        assert_eq!(
            en.money(32_400_000.0).unwrap().full(),
            format!("EUR{NBSP}32.4{NBSP}million")
        );
        assert_eq!(
            en.money(1_500_000_000.0).unwrap().full(),
            format!("EUR{NBSP}1.5{NBSP}billion")
        );
        assert_eq!(en.number(1_234_567.0, 0), "1,234,567");
    }

    #[test]
    fn population_and_dollars() {
        let fr = formatter(Lang::Fr);
        assert_eq!(
            fr.scaled("people", 41_288_599.0).unwrap().full(),
            format!("41,3{NBSP}millions d’habitants")
        );
        assert_eq!(
            fr.scaled("usd", 2_140_086_000_000.0).unwrap().full(),
            // "de dollars US" kept together: a narrow column breaks after "milliards".
            format!("2{NNBSP}140{NBSP}milliards de{NBSP}dollars{NBSP}US")
        );
        // Past a thousand billions, three significant digits; French says "de" after a
        // million of them.
        assert_eq!(
            fr.money(998_490e9).unwrap().full(),
            format!("998{NNBSP}000{NBSP}milliards d’euros")
        );
        assert_eq!(
            fr.scaled("usd", 27_360_700_000_000.0).unwrap().full(),
            format!("27{NNBSP}400{NBSP}milliards de{NBSP}dollars{NBSP}US")
        );
        assert_eq!(
            fr.money(1e15).unwrap().full(),
            format!("1{NNBSP}000{NNBSP}000{NBSP}de milliards d’euros")
        );
        // Issue 25: prose quotes a charted amount as the chart prints it, in millions.
        assert_eq!(
            fr.money_as_charted(900_000.0).unwrap().full(),
            format!("0,9{NBSP}million d’euros")
        );
        assert_eq!(
            fr.money_as_charted(2_600_000.0).unwrap().full(),
            format!("2,6{NBSP}millions d’euros")
        );
        let en = formatter(Lang::En);
        assert_eq!(
            en.money_as_charted(40_000.0).unwrap().full(),
            format!("EUR{NBSP}0.04{NBSP}million")
        );
        // Issue 25: the same significant digits in every language, whatever its scales.
        assert_eq!(
            en.scaled("usd", 2_140_086_000_000.0).unwrap().full(),
            format!("USD{NBSP}2.14{NBSP}trillion")
        );
        assert_eq!(
            en.scaled("usd", 27_360_700_000_000.0).unwrap().full(),
            format!("USD{NBSP}27.4{NBSP}trillion")
        );
        assert_eq!(
            formatter(Lang::Nl)
                .scaled("usd", 2_140_086_000_000.0)
                .unwrap()
                .full(),
            format!("2,14{NBSP}biljoen Amerikaanse{NBSP}dollar")
        );
        // Rounding that reaches the next unit moves to it, in every language.
        for (value, expected) in [
            (999_960_000.0, format!("EUR{NBSP}1{NBSP}billion")),
            (999_960.0, format!("EUR{NBSP}1{NBSP}million")),
            (999.96e9, format!("EUR{NBSP}1{NBSP}trillion")),
            (999_940.0, format!("EUR{NBSP}1{NBSP}million")),
            (123_456.0, "EUR\u{a0}123,000".to_string()),
        ] {
            assert_eq!(en.money(value).unwrap().full(), expected, "{value}");
        }
        assert_eq!(
            formatter(Lang::Nl).money(999_960_000.0).unwrap().full(),
            format!("1{NBSP}miljard euro")
        );
        assert_eq!(
            fr.money(999_960_000.0).unwrap().full(),
            format!("1{NBSP}milliard d’euros")
        );
        // French stays in milliards.
        assert_eq!(
            fr.money(999.96e9).unwrap().full(),
            format!("1{NNBSP}000{NBSP}milliards d’euros")
        );
        // English and Dutch count in trillions from a thousand billion.
        assert_eq!(
            en.scaled("usd", 27_360_700_000_000.0).unwrap().full(),
            format!("USD{NBSP}27.4{NBSP}trillion")
        );
        assert_eq!(
            en.scaled("usd", 999_000_000_000.0).unwrap().full(),
            format!("USD{NBSP}999{NBSP}billion")
        );
        assert_eq!(
            formatter(Lang::Nl)
                .scaled("usd", 27_360_700_000_000.0)
                .unwrap()
                .full(),
            format!("27,4{NBSP}biljoen Amerikaanse{NBSP}dollar")
        );
        assert_eq!(
            en.scaled("people", 1_400_000_000.0).unwrap().full(),
            format!("1.4{NBSP}billion people")
        );
        assert_eq!(
            formatter(Lang::Nl)
                .scaled("people", 11_800_000.0)
                .unwrap()
                .full(),
            format!("11,8{NBSP}miljoen inwoners")
        );
    }

    #[test]
    fn percentages_per_locale() {
        assert_eq!(
            formatter(Lang::Fr).percent(0.78).unwrap(),
            format!("78{NNBSP}%")
        );
        assert_eq!(formatter(Lang::Nl).percent(0.78).unwrap(), "78%");
        assert_eq!(formatter(Lang::En).percent(0.78).unwrap(), "78%");
        assert_eq!(formatter(Lang::En).percent(0.053).unwrap(), "5.3%");
        assert_eq!(
            formatter(Lang::Fr).percent(0.053).unwrap(),
            format!("5,3{NNBSP}%")
        );
    }

    #[test]
    fn millions_keep_small_amounts_visible() {
        let fr = formatter(Lang::Fr);
        assert_eq!(fr.millions(2_100_000_000.0), "2\u{202F}100");
        assert_eq!(fr.millions(14_927_404.0), "14,9");
        assert_eq!(fr.millions(37_747.0), "0,04");
        assert_eq!(formatter(Lang::En).millions(0.0), "0");
    }

    #[test]
    fn changes_carry_a_sign() {
        let en = formatter(Lang::En);
        assert_eq!(en.percent_change(-0.78).unwrap(), "\u{2212}78%");
        // CLDR rounds half to even.
        assert_eq!(en.percent_change(0.125).unwrap(), "+12%");
        assert_eq!(en.percent_change(0.135).unwrap(), "+14%");
        assert_eq!(en.percent_change(0.0).unwrap(), "0%");
        let fr = formatter(Lang::Fr);
        let change = fr.percent_change(-0.78).unwrap();
        assert!(change.ends_with(&format!("78{NNBSP}%")), "{change}");
        assert!(change.starts_with(['-', '\u{2212}']), "{change}");
    }

    #[test]
    fn ranks_use_cldr_ordinal_rules() {
        let en = formatter(Lang::En);
        assert_eq!(en.rank(1).unwrap(), "1st");
        assert_eq!(en.rank(2).unwrap(), "2nd");
        assert_eq!(en.rank(3).unwrap(), "3rd");
        assert_eq!(en.rank(11).unwrap(), "11th");
        assert_eq!(en.rank(22).unwrap(), "22nd");
        let fr = formatter(Lang::Fr);
        // French sets the ordinal's letters as superscripts.
        assert_eq!(fr.rank(1).unwrap(), "1ᵉʳ");
        assert_eq!(fr.rank(5).unwrap(), "5ᵉ");
        assert_eq!(formatter(Lang::Nl).rank(5).unwrap(), "5e");
    }

    #[test]
    fn french_spacing_is_non_breaking() {
        assert_eq!(
            french_spacing("Pourquoi ? « Oui » : voici ; https://x.org"),
            format!("Pourquoi{NNBSP}? «{NBSP}Oui{NBSP}»{NBSP}: voici{NNBSP}; https://x.org")
        );
    }

    #[test]
    fn months_of_a_year_to_date() {
        assert_eq!(
            formatter(Lang::En).months_to(2025, 11).unwrap(),
            "Jan–Nov 2025"
        );
        assert_eq!(
            formatter(Lang::Fr).months_to(2025, 11).unwrap(),
            "janv.–nov. 2025"
        );
        assert_eq!(
            formatter(Lang::Nl).months_to(2025, 3).unwrap(),
            "jan.–mrt. 2025"
        );
        assert_eq!(formatter(Lang::En).months_to(2025, 1).unwrap(), "Jan 2025");
    }

    #[test]
    fn dates_and_editions() {
        let date = crate::vocab::Date {
            year: 2025,
            month: 10,
            day: 20,
        };
        assert_eq!(
            formatter(Lang::Fr).date(&date).unwrap(),
            format!("20{NBSP}octobre 2025")
        );
        assert_eq!(
            formatter(Lang::Nl).date(&date).unwrap(),
            format!("20{NBSP}oktober 2025")
        );
        assert_eq!(
            formatter(Lang::En).date(&date).unwrap(),
            format!("20{NBSP}October 2025")
        );
        let first = crate::vocab::Date {
            year: 2019,
            month: 2,
            day: 1,
        };
        assert_eq!(
            formatter(Lang::Fr).date(&first).unwrap(),
            format!("1ᵉʳ{NBSP}février 2019")
        );
        assert_eq!(
            formatter(Lang::En).date(&first).unwrap(),
            format!("1{NBSP}February 2019")
        );
        let edition: crate::vocab::Edition = "2025-Q3".parse().unwrap();
        assert_eq!(
            formatter(Lang::Fr).edition(&edition).unwrap(),
            "3ᵉ trimestre 2025"
        );
        assert_eq!(
            formatter(Lang::Nl).edition(&edition).unwrap(),
            "3e kwartaal 2025"
        );
        assert_eq!(formatter(Lang::En).edition(&edition).unwrap(), "Q3 2025");
        let first: crate::vocab::Edition = "2026-Q1".parse().unwrap();
        assert_eq!(
            formatter(Lang::Fr).edition(&first).unwrap(),
            "1ᵉʳ trimestre 2026"
        );
    }
}
