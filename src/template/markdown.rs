//! Narrative Markdown → Typst markup, by walking the parsed Markdown tree and escaping
//! every text node. Raw HTML and anything that looks like Typst is printed literally.

use super::escape;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Converts Markdown (bold, italics, lists, links, line breaks) to Typst markup.
pub fn to_typst(markdown: &str) -> String {
    let mut out = String::new();
    // Typst links need their target in code position, so keep the open ones.
    let mut list_stack: Vec<Option<u64>> = Vec::new();
    // Whether the current list item already holds a paragraph (a loose list's item may hold
    // several; they must not run together).
    let mut item_has_paragraph = false;
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let newline = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    for event in parser {
        match event {
            Event::Start(Tag::Paragraph) => {
                if list_stack.is_empty() {
                    newline(&mut out);
                    if !out.is_empty() {
                        out.push('\n');
                    }
                } else if item_has_paragraph {
                    // A line break keeps the next paragraph inside the item.
                    out.push_str(" \\ ");
                }
            }
            Event::End(TagEnd::Paragraph) => {
                item_has_paragraph = !list_stack.is_empty();
                if list_stack.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                newline(&mut out);
                out.push_str("\n#strong[");
            }
            Event::End(TagEnd::Heading(_)) => out.push_str("]\n"),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strikethrough) => out.push_str("#strike["),
            Event::End(TagEnd::Strong | TagEnd::Emphasis | TagEnd::Strikethrough) => out.push(']'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let url = dest_url.trim();
                // Only web and mail links become live; anything else shows as text.
                if url.starts_with("https://")
                    || url.starts_with("http://")
                    || url.starts_with("mailto:")
                {
                    out.push_str(&format!("#link(\"{}\")[", escape::string(url)));
                } else {
                    out.push_str("#box[");
                }
            }
            Event::End(TagEnd::Link) => out.push(']'),
            Event::Start(Tag::List(start)) => {
                newline(&mut out);
                list_stack.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
                newline(&mut out);
            }
            Event::Start(Tag::Item) => {
                item_has_paragraph = false;
                newline(&mut out);
                let depth = list_stack.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                match list_stack.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) => newline(&mut out),
            Event::Start(Tag::BlockQuote(_)) => {
                newline(&mut out);
                out.push_str("#quote(block: true)[");
            }
            Event::End(TagEnd::BlockQuote(_)) => out.push_str("]\n"),
            Event::Start(Tag::CodeBlock(_)) => {
                newline(&mut out);
                out.push_str("#block[");
            }
            Event::End(TagEnd::CodeBlock) => out.push_str("]\n"),
            Event::Text(text) => out.push_str(&escape::markup(&tie_amounts(&text))),
            Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&escape::markup(&text));
            }
            Event::Code(code) => {
                out.push_str(&format!("#raw(\"{}\")", escape::string(&code)));
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("\\\n"),
            Event::Rule => {
                newline(&mut out);
                out.push_str("#line(length: 100%)\n");
            }
            // Footnotes, tables, math and images are not enabled; anything else that a
            // parser might produce is shown as its text.
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                out.push_str(&escape::markup(&text));
            }
            Event::TaskListMarker(_) | Event::Start(_) | Event::End(_) => {}
        }
    }
    out.trim().to_string()
}

/// The words an amount is never parted from at a line's end: its scale and its currency.
const UNITS: [&str; 22] = [
    "million",
    "millions",
    "milliard",
    "milliards",
    "billion",
    "billions",
    "trillion",
    "miljoen",
    "miljard",
    "biljoen",
    "euro",
    "euros",
    "EUR",
    "USD",
    "dollar",
    "dollars",
    "%",
    "Mio",
    "mln",
    "mld",
    "km",
    "km²",
];

/// `text` with a no-break space where a line must not break: between a number and its scale
/// or currency ("340 millions", "77 million"), after a currency code before its number
/// ("EUR 77"), as a typesetter keeps an amount together; and inside a place name whose
/// first word is short ("New York", "San Francisco", "Hong Kong", "Los Angeles").
fn tie_amounts(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        let Some(next) = words.get(i + 1) else { break };
        let number = word.ends_with(|c: char| c.is_ascii_digit());
        let unit = UNITS.contains(&next.trim_end_matches([',', '.', ';', ':', ')', '!', '?']));
        let code = matches!(*word, "EUR" | "USD") && next.starts_with(|c: char| c.is_ascii_digit());
        let capitalised = |w: &str| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.next().is_some_and(char::is_lowercase)
        };
        // A short capitalised word before another: the first half of a name. Not after a
        // sentence's end, where "So Brussels" would be two words of a sentence.
        let name = capitalised(word)
            && word.chars().count() <= 4
            && word.chars().all(char::is_alphabetic)
            && capitalised(next)
            && i > 0
            && !words[i - 1].ends_with(['.', '!', '?', ':']);
        out.push(if (number && unit) || code || name {
            '\u{a0}'
        } else {
            ' '
        });
    }
    out
}

#[cfg(test)]
mod tests {
    /// Issue 25: an amount is never broken from its unit ("340 / millions", "EUR / 77
    /// million").
    #[test]
    fn an_amount_keeps_its_unit_on_its_line() {
        assert_eq!(
            tie_amounts("Plus de 340 millions de consommateurs"),
            "Plus de 340\u{a0}millions de consommateurs"
        );
        assert_eq!(
            tie_amounts("exported EUR 77 million, in 2019 the"),
            "exported EUR\u{a0}77\u{a0}million, in 2019 the"
        );
        assert_eq!(tie_amounts("68 keer zo groot"), "68 keer zo groot");
        // A place name of two words stays on one line ("avec New / York").
        assert_eq!(
            tie_amounts("avec New York comme vitrine, San Francisco"),
            "avec New\u{a0}York comme vitrine, San\u{a0}Francisco"
        );
        // Not at a sentence's start, nor a long first word.
        assert_eq!(tie_amounts("New York est"), "New York est");
        assert_eq!(tie_amounts("vers Toronto Pearson"), "vers Toronto Pearson");
        assert!(to_typst("de 340 millions").contains("340\u{a0}millions"));
    }

    #[test]
    fn paragraphs_of_a_loose_list_item_stay_apart() {
        let typst = super::to_typst("- one\n\n  second\n- third");
        assert!(typst.contains("one \\ second"), "{typst}");
        assert!(!typst.contains("onesecond"), "{typst}");
        assert!(typst.contains("- third"), "{typst}");
    }

    use super::*;

    #[test]
    fn emphasis_lists_and_links() {
        let t = to_typst(
            "Le **Canada** est *ouvert*.\n\n- Vancouver\n- Toronto\n\nVoir [le site](https://example.org).",
        );
        assert!(t.contains("#strong[Canada]"), "{t}");
        assert!(t.contains("#emph[ouvert]"), "{t}");
        assert!(t.contains("\n- Vancouver\n- Toronto\n"), "{t}");
        assert!(t.contains("#link(\"https://example.org\")[le site]"), "{t}");
    }

    #[test]
    fn typst_and_html_are_literal() {
        let t = to_typst("#read(\"/etc/passwd\") <b>x</b> $x^2$ @ref");
        // Every `#` that could start Typst code is escaped.
        assert!(
            t.match_indices('#').all(|(i, _)| t[..i].ends_with('\\')),
            "{t}"
        );
        assert!(t.contains("\\#read"), "{t}");
        assert!(t.contains("\\<b\\>"), "{t}");
        assert!(t.contains("\\$x\\^2\\$"), "{t}");
    }

    #[test]
    fn unsafe_links_are_not_live() {
        let t = to_typst("[x](javascript:alert(1)) [y](/etc/passwd)");
        assert!(!t.contains("#link"), "{t}");
    }
}
