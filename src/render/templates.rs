//! The Tera environment: the embedded default theme, then `themes/NAME/templates/`, then the
//! site's own `templates/`, each overriding the one before by file name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};

use super::filters;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result, io_error};
use crate::source::{Root, Sources};
use crate::theme;

/// Compiled templates and where each came from (for error messages).
pub struct Templates {
    pub tera: Tera,
    origins: HashMap<String, PathBuf>,
}

impl Templates {
    /// Compile the templates a site uses: the built-in theme's, replaced by name by the chosen
    /// theme's, replaced by the site's own (`files`: the source list).
    pub fn load(files: &Sources, config: &Config) -> Result<Templates> {
        let mut sources: HashMap<String, (PathBuf, String)> = theme::templates()
            .map(|(name, src)| {
                let origin = PathBuf::from(format!("(built-in theme) templates/{name}"));
                (name.to_string(), (origin, src.to_string()))
            })
            .collect();
        // A folder named like a template would be skipped, and the theme's template used
        // without a word.
        let folders: Vec<Diagnostic> = files
            .folders
            .iter()
            .filter(|f| matches!(f.root, Root::ThemeTemplates | Root::Templates))
            .filter(|f| f.rel.ends_with(".html"))
            .map(|f| {
                let builtin = sources.contains_key(&f.rel);
                Diagnostic::in_file(&f.path, "this is a folder, but a template must be a file")
                    .with_hint(if builtin {
                        format!(
                            "remove or rename the folder and put your {} file in its place; until then the theme's {} would be used",
                            f.rel, f.rel
                        )
                    } else {
                        "remove or rename the folder: a folder name ending in .html is taken for a template".to_string()
                    })
            })
            .collect();
        if !folders.is_empty() {
            return Err(Errors::new(folders));
        }
        for root in [Root::ThemeTemplates, Root::Templates] {
            for source in files.in_root(root) {
                let text = read_template(&source.path)?;
                sources.insert(source.rel.clone(), (source.path.clone(), text));
            }
        }

        let mut tera = Tera::new();
        filters::register(&mut tera, config);
        let origins: HashMap<String, PathBuf> = sources
            .iter()
            .map(|(n, (o, _))| (n.clone(), o.clone()))
            .collect();
        let list: Vec<(String, String)> = sources.into_iter().map(|(n, (_, s))| (n, s)).collect();
        let templates = Templates { tera, origins };
        let mut templates = templates;
        if let Err(e) = templates.tera.add_raw_templates(list) {
            return Err(templates.error(&e, None, None).into());
        }
        Ok(templates)
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Render `name`; `source` names the content file being rendered, for the error message.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        source: Option<&Path>,
    ) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| Errors::one(self.error(&e, Some(name), source)))
    }

    /// A Tera error as a diagnostic on the template file that caused it.
    fn error(&self, e: &tera::Error, name: Option<&str>, rendering: Option<&Path>) -> Diagnostic {
        let while_rendering = rendering
            .map(|p| format!(" (while rendering {})", p.display()))
            .unwrap_or_default();
        match e.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let path = self.origin(report.filename());
                let span = report.span();
                let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                    "template syntax error"
                } else {
                    "template error"
                };
                let hint = if report.message().contains("not found in context")
                    || report.message().contains("not defined")
                    || report.message().contains("undefined")
                {
                    "check the variable name against the template variables listed in the README, \
                     or guard it: {% if page.extra.x %}…{% endif %}"
                } else {
                    "see the template reference in the README"
                };
                let d = Diagnostic::in_file(path, format!("{kind}: {}", report.message()))
                    .at(span.start_line, span.start_col + 1)
                    .with_hint(hint);
                match rendering {
                    Some(p) => d.with_context(format!("while rendering {}", p.display())),
                    None => d,
                }
            }
            ErrorKind::CircularExtend {
                tpl,
                inheritance_chain: chain,
            }
            | ErrorKind::CircularInclude {
                tpl,
                include_chain: chain,
            } => {
                let how = if matches!(e.kind(), ErrorKind::CircularExtend { .. }) {
                    "extends"
                } else {
                    "includes"
                };
                Diagnostic::in_file(
                    self.origin(tpl),
                    format!(
                        "this template {how} itself, through {}",
                        chain
                            .iter()
                            .map(|t| self.origin(t).display().to_string())
                            .collect::<Vec<_>>()
                            .join(" → ")
                    ),
                )
                .with_hint(format!(
                    "a template cannot {} itself, directly or through others: remove one `{{% {} %}}` from the loop",
                    how.trim_end_matches('s'),
                    if how == "extends" { "extends" } else { "include" }
                ))
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::in_file(
                self.origin(current),
                format!("template extends \"{parent}\", which does not exist"),
            )
            .with_hint("check the name in {% extends \"…\" %}"),
            ErrorKind::TemplateNotFound(name) => Diagnostic::new(format!(
                "template \"{name}\" does not exist{while_rendering}"
            ))
            .with_hint("create it in the site's templates/ folder, or fix the `template` key"),
            _ => {
                let message = e.to_string();
                let hint = if message.contains("recursion depth") {
                    "a component calls itself without end: make the call depend on a condition that stops it"
                } else {
                    "see the template reference in the README"
                };
                let message = format!("template error: {message}{while_rendering}");
                match name {
                    Some(name) => Diagnostic::in_file(self.origin(name), message),
                    None => Diagnostic::new(message),
                }
                .with_hint(hint)
            }
        }
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    }
}

fn read_template(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the template", &e))?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::in_file(path, "the template is not valid UTF-8 text")
            .with_hint("save it as UTF-8")
            .into()
    })
}
