//! What a command works on, resolved once from its command line and the project's
//! configuration (as typst-cli's `CompileConfig`): the edition, the languages and the
//! output folder. Every command takes this one value instead of resolving them again.

use crate::i18n::Lang;
use crate::project::Project;
use crate::vocab::Edition;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `--edition`, else the configuration's `edition`.
    pub edition: Edition,
    /// `--lang`s, else the configuration's `languages`, in that order.
    pub langs: Vec<Lang>,
    /// `--out`, else the project's `output/`: each edition has a folder below it.
    pub out_root: PathBuf,
}

impl Settings {
    /// Resolves the command line's choices (`langs` empty and `None` where not given)
    /// against the project at `project_root`.
    pub fn resolve(
        project: &Project,
        project_root: &Path,
        langs: &[Lang],
        edition: Option<Edition>,
        out: Option<&Path>,
    ) -> Settings {
        Settings {
            edition: edition.unwrap_or(project.config.edition),
            langs: if langs.is_empty() {
                project.config.languages.clone()
            } else {
                // Each language once, in the order asked (`--lang fr --lang fr` wrote the
                // same file twice).
                let mut once = Vec::new();
                for &lang in langs {
                    if !once.contains(&lang) {
                        once.push(lang);
                    }
                }
                once
            },
            out_root: out
                .map(Path::to_path_buf)
                .unwrap_or_else(|| project_root.join("output")),
        }
    }

    /// The folder of an edition's briefs and records.
    pub fn edition_dir(&self, edition: Edition) -> PathBuf {
        self.out_root.join(edition.to_string())
    }

    /// The lock of an edition's folder, beside it (the folder holds only briefs and their
    /// record): whatever writes into the folder — a build, a bundle, the clean-up of
    /// leftovers — holds it, one at a time.
    pub fn edition_lock(&self, edition: Edition) -> PathBuf {
        self.out_root.join(format!(".{edition}.lock"))
    }

    /// The folder of the edition being made.
    pub fn out_dir(&self) -> PathBuf {
        self.edition_dir(self.edition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_over_the_configuration() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = Project::load(root).unwrap();
        let defaults = Settings::resolve(&project, root, &[], None, None);
        assert_eq!(defaults.langs, project.config.languages);
        assert_eq!(defaults.out_dir(), root.join("output/2025-Q3"));
        let chosen = Settings::resolve(
            &project,
            root,
            &[Lang::En],
            Some("2024-Q4".parse().unwrap()),
            Some(Path::new("/tmp/x")),
        );
        assert_eq!(chosen.langs, [Lang::En]);
        let twice = Settings::resolve(&project, root, &[Lang::Fr, Lang::En, Lang::Fr], None, None);
        assert_eq!(twice.langs, [Lang::Fr, Lang::En]);
        assert_eq!(chosen.out_dir(), Path::new("/tmp/x/2024-Q4"));
    }
}
