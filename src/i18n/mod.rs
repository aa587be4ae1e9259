//! Languages as data: the [`Lang`] enum, per-language phrase [`catalogue`]s and CLDR-based
//! [`format`]ting of numbers, money, percentages, ranks and dates.

pub mod catalogue;
pub mod format;

pub use crate::vocab::Lang;
