//! The one rule for the illustrative mark: a printed number carries † exactly when an input
//! row it was computed from is illustrative — and a published value never does.
//!
//! A value is computed from its own rows; a change from the value's rows and those of the
//! value it is compared with. So a published 24 million compared with an illustrative
//! 2023 is printed plain and its change marked ("−38 % on 2023 †"); an illustrative value
//! compared with an illustrative year has both marked. Every renderer — the brief, the
//! handout's glance table, the mail — reads the marks from here, through the record
//! ([`crate::printed::PrintedFigure::marks`]), so none can decide otherwise.
//!
//! The mark travels with the text: what the brief's, the handout's and the mail's
//! templates receive is the value, change or label already marked ([`Marks::value_text`],
//! [`Marks::change_text`]), so a project's own template cannot drop or misplace it.

use serde::{Deserialize, Serialize};

/// The mark, and the no-break space that ties it to what it marks.
pub const DAGGER: &str = "\u{a0}†";

/// Which printed parts of a figure carry †.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Marks {
    /// The value: one of its rows is illustrative.
    pub value: bool,
    /// The value it is compared with (the previous year's amount, the previous rank).
    pub base: bool,
    /// The change, computed from both.
    pub change: bool,
}

impl Marks {
    /// The marks of a value from illustrative rows or not (`value`), compared, when it is,
    /// with a value from illustrative rows or not (`base`).
    pub fn of(value: bool, base: Option<bool>) -> Marks {
        let base_marked = base.unwrap_or(false);
        Marks {
            value,
            base: base_marked,
            change: base.is_some() && (value || base_marked),
        }
    }

    /// The value as printed: `text` followed by † when the value is marked.
    pub fn value_text(&self, text: &str) -> String {
        mark(text, self.value)
    }

    /// The change as printed: `text` followed by † when the change is marked.
    pub fn change_text(&self, text: &str) -> String {
        mark(text, self.change)
    }

    /// Whether any printed part carries †.
    pub fn any(&self) -> bool {
        self.value || self.base || self.change
    }
}

/// `text` followed by † when `marked`.
pub fn mark(text: &str, marked: bool) -> String {
    if marked {
        format!("{text}{DAGGER}")
    } else {
        text.to_string()
    }
}

/// Whether a printed text carries the mark.
pub fn is_marked(text: &str) -> bool {
    text.trim_end().ends_with('†')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_value_is_never_marked() {
        // Canada: a published 2024 against an illustrative 2023.
        assert_eq!(
            Marks::of(false, Some(true)),
            Marks {
                value: false,
                base: true,
                change: true
            }
        );
        // The United States: both illustrative.
        assert_eq!(
            Marks::of(true, Some(true)),
            Marks {
                value: true,
                base: true,
                change: true
            }
        );
        // Both published; an illustrative value with nothing to compare with.
        assert_eq!(Marks::of(false, Some(false)), Marks::default());
        assert_eq!(
            Marks::of(true, None),
            Marks {
                value: true,
                base: false,
                change: false
            }
        );
        assert_eq!(mark("24 M", false), "24 M");
        assert_eq!(mark("+4 %", true), "+4 %\u{a0}†");
        assert!(is_marked(&mark("x", true)) && !is_marked("x"));
    }
}
