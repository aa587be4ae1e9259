//! Which products a dataset covers: `coverage: all` (the default), or the list of the
//! products an extract was made of. Over a list, the dataset's `TOTAL` rows are the covered
//! products' sum, never the country's total: no key figure, rank or share of the total is
//! computed from them, and the table that prints them says what it covers.

use crate::profile::Localized;
use serde::Deserialize;
use std::collections::BTreeSet;

/// What a dataset's `TOTAL` rows add up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProductCoverage {
    /// Every product: `TOTAL` is the real total.
    #[default]
    All,
    /// Only these products (CN8 codes, as written): `TOTAL` is their sum.
    Products(BTreeSet<String>),
    /// Only some products, said in words per language: the form `marketbrief import`
    /// wrote before coverage was a list. Still read; importing again writes the list.
    Described(Localized),
}

impl ProductCoverage {
    /// Whether the dataset covers only some products.
    pub fn is_partial(&self) -> bool {
        !matches!(self, ProductCoverage::All)
    }

    /// How many products are covered, when the dataset lists them.
    pub fn product_count(&self) -> Option<usize> {
        match self {
            ProductCoverage::Products(products) => Some(products.len()),
            _ => None,
        }
    }

    /// The CN chapters (the codes' first two digits) of the listed products.
    pub fn chapters(&self) -> Vec<String> {
        match self {
            ProductCoverage::Products(products) => products
                .iter()
                .filter_map(|p| p.get(..2))
                .map(str::to_string)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for ProductCoverage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ProductCoverage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all` or the list of the products covered (CN8 codes in quotes)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ProductCoverage, E> {
                if v == "all" {
                    Ok(ProductCoverage::All)
                } else {
                    Err(E::custom(format!(
                        "expected `all` or a list of the products covered, found `{}`",
                        crate::limits::quote(v)
                    )))
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ProductCoverage, A::Error> {
                let mut products = BTreeSet::new();
                while let Some(code) = seq.next_element::<Code>()? {
                    products.insert(code.0);
                }
                if products.is_empty() {
                    return Err(serde::de::Error::custom(
                        "an empty list of products covers nothing: write `coverage: all` when every product is covered",
                    ));
                }
                Ok(ProductCoverage::Products(products))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ProductCoverage, A::Error> {
                Localized::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ProductCoverage::Described)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A product code of the list: digits, written in quotes (YAML reads `01012100` unquoted
/// as a number and drops its leading zero).
struct Code(String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Code;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a product code in quotes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Code, E> {
                if v.is_empty() || v.len() > 10 || !v.chars().all(|c| c.is_ascii_digit()) {
                    return Err(E::custom(format!(
                        "expected a product code (CN8: eight digits), found `{}`",
                        crate::limits::quote(v)
                    )));
                }
                Ok(Code(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Code, E> {
                Err(E::custom(format!(
                    "write the product code {v} in quotes (\"{v:08}\" if it had a leading zero): YAML reads an unquoted code as a number and drops its leading zeros"
                )))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Code, E> {
                Err(E::custom(format!(
                    "expected a product code in quotes, found the number {v}"
                )))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Code, E> {
                Err(E::custom(format!(
                    "expected a product code in quotes, found the number {v}"
                )))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The schema editors validate `coverage:` against.
pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "`all` (the default), or the products an extract covers (CN8 codes in quotes): its TOTAL rows are then their sum, never a key figure.",
        "anyOf": [
            {"const": "all"},
            {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[0-9]{1,10}$"}},
            {"type": "object", "additionalProperties": {"type": "string"}}
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<ProductCoverage, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn all_a_list_or_the_words_of_earlier_imports() {
        assert_eq!(read("all").unwrap(), ProductCoverage::All);
        let listed = read("['32121000', '01012100']").unwrap();
        assert_eq!(listed.product_count(), Some(2));
        assert_eq!(listed.chapters(), ["01", "32"]);
        assert!(listed.is_partial());
        let described = read("{fr: a, nl: b, en: c}").unwrap();
        assert!(described.is_partial() && described.product_count().is_none());
        assert!(!ProductCoverage::default().is_partial());
    }

    #[test]
    fn a_code_without_quotes_or_an_empty_list_is_refused_saying_why() {
        assert!(read("[1012100]").unwrap_err().contains("in quotes"));
        assert!(read("[]").unwrap_err().contains("coverage: all"));
        assert!(read("some").unwrap_err().contains("expected `all`"));
        assert!(read("['84x']").unwrap_err().contains("product code"));
    }
}
