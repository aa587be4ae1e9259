//! Which key figure a card shows ([`KeyFigureId`]): whose trade, what it counts, which way —
//! as `marketbrief.yaml` names the cards under `key_figures:`.

use crate::dataset::Flow;
use serde::Serialize;

/// Which key figure a card shows: whose trade (the region's or the country's), what it
/// counts and which way. `marketbrief.yaml` lists the cards an agency prints under
/// `key_figures:`, in order; [`KeyFigureId::DEFAULT`] when it does not.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct KeyFigureId {
    /// `region` (the agency's region, `region:` in marketbrief.yaml) or `country`.
    pub reporter: Reporter,
    /// `goods`, `services` or `rank` (the partner's rank among the reporter's export
    /// markets).
    pub measure: Measure,
    /// `export` (the default) or `import`.
    #[serde(default = "export")]
    pub flow: Flow,
}

fn export() -> Flow {
    Flow::Export
}

/// Whose trade a key figure counts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Reporter {
    Region,
    #[serde(rename = "country")]
    National,
}

/// What a key figure counts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Euros of goods trade.
    Goods,
    /// Euros of services trade.
    Services,
    /// The country's rank among the reporter's goods export markets.
    Rank,
}

impl KeyFigureId {
    pub const REGION_GOODS_EXPORTS: KeyFigureId =
        KeyFigureId::new(Reporter::Region, Measure::Goods, Flow::Export);
    pub const REGION_GOODS_IMPORTS: KeyFigureId =
        KeyFigureId::new(Reporter::Region, Measure::Goods, Flow::Import);
    pub const NATIONAL_GOODS_EXPORTS: KeyFigureId =
        KeyFigureId::new(Reporter::National, Measure::Goods, Flow::Export);
    pub const NATIONAL_SERVICES_EXPORTS: KeyFigureId =
        KeyFigureId::new(Reporter::National, Measure::Services, Flow::Export);
    pub const REGION_EXPORT_RANK: KeyFigureId =
        KeyFigureId::new(Reporter::Region, Measure::Rank, Flow::Export);

    /// The cards of a project that does not list its own, in this order.
    pub const DEFAULT: [KeyFigureId; 5] = [
        KeyFigureId::REGION_GOODS_EXPORTS,
        KeyFigureId::REGION_GOODS_IMPORTS,
        KeyFigureId::NATIONAL_GOODS_EXPORTS,
        KeyFigureId::NATIONAL_SERVICES_EXPORTS,
        KeyFigureId::REGION_EXPORT_RANK,
    ];

    /// The cards of a national agency (no region) that does not list its own. No rank: a
    /// country's dataset seldom holds every export market, and a rank among the few it
    /// holds would be false (a project that has them asks for it).
    pub const NATIONAL_DEFAULT: [KeyFigureId; 3] = [
        KeyFigureId::NATIONAL_GOODS_EXPORTS,
        KeyFigureId::new(Reporter::National, Measure::Goods, Flow::Import),
        KeyFigureId::NATIONAL_SERVICES_EXPORTS,
    ];

    pub const fn new(reporter: Reporter, measure: Measure, flow: Flow) -> KeyFigureId {
        KeyFigureId {
            reporter,
            measure,
            flow,
        }
    }

    /// Its name in records (`region_goods_exports`, `region_export_rank`), the same from
    /// one edition to the next.
    pub fn key(self) -> String {
        let reporter = match self.reporter {
            Reporter::Region => "region",
            Reporter::National => "national",
        };
        let flow = self.flow.as_str();
        match self.measure {
            Measure::Goods => format!("{reporter}_goods_{flow}s"),
            Measure::Services => format!("{reporter}_services_{flow}s"),
            Measure::Rank => format!("{reporter}_{flow}_rank"),
        }
    }

    /// Its id in `figures.json` (`key/region_goods_exports`).
    pub fn record_id(self) -> String {
        format!("key/{}", self.key())
    }

    /// The catalogue phrase of the card's label (`{who}` is the reporter).
    pub fn label(self) -> &'static str {
        match (self.measure, self.flow) {
            (Measure::Goods, Flow::Export) => "figures.goods_exports",
            (Measure::Goods, Flow::Import) => "figures.goods_imports",
            (Measure::Services, Flow::Export) => "figures.services_exports",
            (Measure::Services, Flow::Import) => "figures.services_imports",
            (Measure::Rank, _) => "figures.export_rank",
        }
    }

    pub fn is_rank(self) -> bool {
        self.measure == Measure::Rank
    }
}

impl Serialize for KeyFigureId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.key())
    }
}
