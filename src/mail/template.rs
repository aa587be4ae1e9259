//! The mail templates — `templates/mail/<lang>.txt.j2` (plain text, first line
//! `Subject: …`) and `<lang>.html.j2` (every value HTML-escaped) — and what they are given.

use crate::InputError;
use crate::assets::Assets;
use crate::error::Result;
use crate::i18n::Lang;
use minijinja::{AutoEscape, Environment, Error, ErrorKind};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct MailContext<'a> {
    pub(super) recipient: RecipientContext<'a>,
    pub(super) edition: String,
    pub(super) edition_code: String,
    pub(super) countries: Vec<CountryContext>,
    pub(super) adviser: AdviserContext,
    pub(super) publisher: PublisherContext,
    /// The sender's name (`mail.from.name`), for the signature.
    pub(super) sender: &'a str,
    pub(super) brand_colour: &'a str,
    pub(super) unsubscribe: &'a str,
    /// The brief's note on figures marked †, when the message quotes any.
    pub(super) illustrative_note: Option<String>,
}

#[derive(Serialize)]
pub(super) struct RecipientContext<'a> {
    pub(super) name: &'a str,
    pub(super) company: &'a str,
    pub(super) email: &'a str,
}

#[derive(Serialize)]
pub(super) struct CountryContext {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) attachment: String,
    pub(super) figures: Vec<FigureContext>,
    pub(super) interests: Vec<InterestContext>,
    /// The call to action: the country's next mission as its brief announces it, with its
    /// dates and registration page.
    pub(super) mission: Option<String>,
}

#[derive(Serialize)]
pub(super) struct FigureContext {
    pub(super) label: String,
    pub(super) value: String,
    pub(super) period: String,
    /// The value and the change are as printed, each with its mark (see [`crate::marks`]).
    pub(super) change: Option<String>,
    /// Some part carries †: the message gives the note saying what it means.
    #[serde(skip)]
    pub(super) marked: bool,
}

/// A line about one of the recipient's interests.
#[derive(Serialize)]
pub(super) struct InterestContext {
    /// The line, its amount and change marked as the brief marks them.
    pub(super) text: String,
    #[serde(skip)]
    pub(super) marked: bool,
}

#[derive(Serialize)]
pub(super) struct AdviserContext {
    pub(super) name: String,
    pub(super) role: String,
    pub(super) email: String,
    pub(super) phone: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PublisherContext {
    pub(super) name: String,
    pub(super) email: String,
    pub(super) phone: Option<String>,
    pub(super) website: Option<String>,
}

/// The mail templates: plain text as written, HTML with every value escaped.
pub(super) fn environment(assets: &Assets) -> Environment<'static> {
    let mut env = Environment::new();
    let assets = assets.clone();
    env.set_loader(move |name| {
        if !crate::template::is_inside(name) {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("a mail template can include only files of templates/mail/, not `{name}`"),
            ));
        }
        match assets.read_text(&format!("templates/mail/{name}")) {
            Ok(found) => Ok(found.map(|(_, text)| text)),
            Err(e) => Err(Error::new(ErrorKind::InvalidOperation, format!("{e:#}"))),
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// Renders one mail template.
pub(super) fn render(
    env: &Environment<'_>,
    name: &str,
    context: &impl serde::Serialize,
) -> Result<String> {
    // A project may override the templates: their errors are input errors, at their line.
    let located = |e: minijinja::Error| {
        InputError::new(format!("templates/mail/{name}"), crate::error::chain(&e))
            .at(e.line(), None)
    };
    let template = env.get_template(name).map_err(located)?;
    Ok(template
        .render(minijinja::value::Serde(context))
        .map_err(located)?)
}

/// The text template: a first line `Subject: …`, then the body.
pub(super) fn render_text(
    env: &Environment<'_>,
    lang: Lang,
    context: &MailContext<'_>,
) -> Result<(String, String)> {
    let name = format!("{lang}.txt.j2");
    let rendered = render(env, &name, context)?;
    let (first, body) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    let Some(subject) = first.strip_prefix("Subject:") else {
        return Err(InputError::new(
            format!("templates/mail/{name}"),
            format!(
                "expected a first line `Subject: …`, found `{}`",
                first.trim()
            ),
        )
        .at(Some(1), None)
        .into());
    };
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    if subject.is_empty() {
        return Err(
            InputError::new(format!("templates/mail/{name}"), "the subject is empty")
                .at(Some(1), None)
                .into(),
        );
    }
    Ok((subject, body.trim_start_matches(['\r', '\n']).to_string()))
}
