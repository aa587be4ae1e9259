//! Renders the MiniJinja template (`templates/brief.typ.j2`) into Typst source.
//!
//! Templates ending in `.typ.j2` auto-escape every value for Typst markup; the `str`
//! filter writes a value as a Typst string literal and the `markdown` filter converts
//! narrative Markdown to Typst markup, escaping every text node.

pub mod escape;
pub mod markdown;

use crate::assets::Assets;
use crate::error::InputError;
use crate::error::Result;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// The default template's name.
pub const BRIEF_TEMPLATE: &str = "brief.typ.j2";

/// marketbrief's Typst library, which every generated brief imports (static Typst, not a
/// template), as a project-relative path.
pub const LIB_FILE: &str = "templates/lib.typ";

const TYPST: &str = "typst";

/// Marks, at the end of each template line, which line it is: used only to map a Typst
/// error back to the template line that produced the failing source.
const LINE_MARK: &str = "// marketbrief-template-line:";

/// A MiniJinja environment that loads templates from the project, then the embedded ones.
pub struct Templates {
    env: Environment<'static>,
    assets: Assets,
    /// Every template file looked up so far (MiniJinja loads each once, on first use).
    loaded: Arc<Mutex<BTreeSet<String>>>,
}

/// Whether a template name stays inside its folder. A template may include only templates:
/// a name that climbs out of the folder, or an absolute one, could read any file on the
/// machine.
pub fn is_inside(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains(['\\', ':', '\0'])
        && name.split('/').all(|part| !part.is_empty() && part != "..")
}

impl Templates {
    pub fn new(assets: &Assets) -> Self {
        let mut env = Environment::new();
        let loader_assets = assets.clone();
        let loaded = Arc::new(Mutex::new(BTreeSet::new()));
        let loader_loaded = Arc::clone(&loaded);
        env.set_loader(move |name| {
            if !is_inside(name) {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("a template can include only files of templates/, not `{name}`"),
                ));
            }
            let rel = format!("templates/{name}");
            if let Ok(mut loaded) = loader_loaded.lock() {
                loaded.insert(rel.clone());
            }
            match loader_assets.read_text(&rel) {
                Ok(found) => Ok(found.map(|(_, text)| text)),
                Err(e) => Err(Error::new(
                    ErrorKind::InvalidOperation,
                    crate::error::chain(&e),
                )),
            }
        });
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Block tags ({% ... %}) take their line with them, so the Typst stays readable.
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid");
        env.set_syntax(syntax);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ.j2") || name.ends_with(".typ") {
                AutoEscape::Custom(TYPST.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if value.is_safe() || value.is_none() {
                if !value.is_none() {
                    out.write_str(&value.to_string())?;
                }
                Ok(())
            } else if matches!(state.auto_escape(), AutoEscape::Custom(name) if name == TYPST) {
                out.write_str(&escape::markup(&value.to_string()))?;
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_filter("str", |value: Value| -> Value {
            let text = if value.is_none() {
                String::new()
            } else {
                value.to_string()
            };
            Value::from_safe_string(format!("\"{}\"", escape::string(&text)))
        });
        env.add_filter("markdown", |value: String| -> Value {
            Value::from_safe_string(markdown::to_typst(&value))
        });
        Templates {
            env,
            assets: assets.clone(),
            loaded,
        }
    }

    /// The template files looked up so far, as project-relative paths: those of every
    /// template rendered, with what they include or extend.
    pub fn loaded(&self) -> Vec<String> {
        self.loaded
            .lock()
            .map(|loaded| loaded.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Renders a template with a serializable context.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        let template = self.env.get_template(name).map_err(describe)?;
        template
            .render(minijinja::value::Serde(context))
            .map_err(describe)
    }
}

impl Templates {
    /// Finds the template line that produced line `typst_line` of `generated` source.
    /// The template is rendered again with a line mark appended to every line (a Typst
    /// comment, so the output means the same); `locate` compiles that output and returns
    /// the line of its first error, and the first mark at or below it names the line.
    pub fn template_line(
        &self,
        name: &str,
        context: &impl Serialize,
        locate: impl FnOnce(String) -> Option<usize>,
    ) -> Option<usize> {
        let (_, source) = self.assets.read_text(&format!("templates/{name}")).ok()??;
        let annotated: String = source
            .lines()
            .enumerate()
            .map(|(i, line)| format!("{line} {LINE_MARK}{}\n", i + 1))
            .collect();
        let output = self
            .env
            .render_named_str(name, &annotated, minijinja::value::Serde(context))
            .ok()?;
        let error_line = locate(output.clone())?;
        output
            .lines()
            .skip(error_line.saturating_sub(1))
            .find_map(|l| {
                let (_, n) = l.rsplit_once(LINE_MARK)?;
                n.trim().parse().ok()
            })
    }
}

/// Describes a MiniJinja error by the template file and line that produced it.
fn describe(e: Error) -> crate::error::Error {
    let file = format!("templates/{}", e.name().unwrap_or(BRIEF_TEMPLATE));
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    InputError::new(file, format!("template error: {}{detail}", e.kind()))
        .at(e.line(), None)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, ctx: &impl Serialize) -> Result<String> {
        let mut t = Templates::new(&Assets::embedded());
        t.env
            .add_template_owned("t.typ.j2", template.to_string())
            .unwrap();
        t.render("t.typ.j2", ctx)
    }

    #[test]
    fn values_are_escaped_for_typst() {
        let out = render(
            "= {{ title }}\n#set document(title: {{ title|str }})\n{{ md|markdown }}",
            &serde_json::json!({"title": "#read(\"x\") \"q\"", "md": "**b** #x"}),
        )
        .unwrap();
        assert!(out.contains("= \\#read\\(\\\"x\\\"\\) \\\"q\\\""), "{out}");
        assert!(
            out.contains("title: \"#read(\\\"x\\\") \\\"q\\\"\")"),
            "{out}"
        );
        assert!(out.contains("#strong[b] \\#x"), "{out}");
    }

    #[test]
    fn templates_include_only_templates() {
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(project.path().join("templates/parts")).unwrap();
        std::fs::write(project.path().join("secret.txt"), "SECRET").unwrap();
        std::fs::write(project.path().join("templates/parts/a.typ.j2"), "part").unwrap();
        let mut t = Templates::new(&Assets::with_project(project.path()));
        for (name, include) in [
            ("up.typ.j2", "../secret.txt"),
            ("abs.typ.j2", "/etc/passwd"),
            ("deep.typ.j2", "parts/../../secret.txt"),
        ] {
            t.env
                .add_template_owned(name, format!("{{% include \"{include}\" %}}"))
                .unwrap();
            let err = t.render(name, &serde_json::json!({})).unwrap_err();
            let text = format!("{err:#}");
            assert!(
                text.contains("can include only files of templates/"),
                "{text}"
            );
            assert!(!text.contains("SECRET"));
        }
        t.env
            .add_template_owned("ok.typ.j2", "{% include \"parts/a.typ.j2\" %}")
            .unwrap();
        assert_eq!(
            t.render("ok.typ.j2", &serde_json::json!({})).unwrap(),
            "part"
        );
    }

    #[test]
    fn template_errors_name_template_and_line() {
        let err = render("ok\n{{ missing.field }}", &serde_json::json!({})).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("templates/t.typ.j2:2"), "{text}");
    }
}
