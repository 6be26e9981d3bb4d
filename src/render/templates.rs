//! The Tera environment: the embedded default theme, then `themes/NAME/templates/`, then the
//! site's own `templates/`, each overriding the one before by file name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};

use super::{filters, theme};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result, io_error};

/// Compiled templates and where each came from (for error messages).
pub struct Templates {
    pub tera: Tera,
    origins: HashMap<String, PathBuf>,
}

impl Templates {
    /// Compile the templates a site uses.
    pub fn load(site_dir: &Path, config: &Config) -> Result<Templates> {
        let mut sources: HashMap<String, (PathBuf, String)> = theme::templates()
            .map(|(name, src)| {
                let origin = PathBuf::from(format!("(built-in theme) templates/{name}"));
                (name.to_string(), (origin, src.to_string()))
            })
            .collect();
        if let Some(name) = &config.theme {
            let dir = theme_dir(site_dir, name)?;
            read_dir_templates(&dir.join("templates"), &mut sources)?;
        }
        read_dir_templates(&site_dir.join("templates"), &mut sources)?;

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
            return Err(templates.error(&e, None).into());
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
            .map_err(|e| Errors::one(self.error(&e, source)))
    }

    /// A Tera error as a diagnostic on the template file that caused it.
    fn error(&self, e: &tera::Error, rendering: Option<&Path>) -> Diagnostic {
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
                Diagnostic::in_file(
                    path,
                    format!("{kind}: {}{while_rendering}", report.message()),
                )
                .at(span.start_line, span.start_col + 1)
                .with_hint(hint)
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
            _ => Diagnostic::new(format!("template error: {e}{while_rendering}")),
        }
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    }
}

fn theme_dir(site_dir: &Path, name: &str) -> Result<PathBuf> {
    let dir = site_dir.join("themes").join(name);
    if !dir.is_dir() {
        return Err(Diagnostic::in_file(
            site_dir.join("config.toml"),
            format!("theme \"{name}\" not found: {} does not exist", dir.display()),
        )
        .with_hint("put the theme in themes/NAME/ in the site folder, or remove `theme` to use the built-in theme")
        .into());
    }
    Ok(dir)
}

/// Static folders of the theme chain, lowest priority first (the built-in theme is embedded).
pub fn static_dirs(site_dir: &Path, config: &Config) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    if let Some(name) = &config.theme {
        dirs.push(theme_dir(site_dir, name)?.join("static"));
    }
    dirs.push(site_dir.join("static"));
    Ok(dirs.into_iter().filter(|d| d.is_dir()).collect())
}

fn read_dir_templates(dir: &Path, into: &mut HashMap<String, (PathBuf, String)>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            Diagnostic::in_file(
                e.path().unwrap_or(dir),
                format!("could not read templates: {e}"),
            )
        })?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let name = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the template", &e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::in_file(path, "the template is not valid UTF-8 text")
                .with_hint("save it as UTF-8")
        })?;
        into.insert(name, (path.to_path_buf(), text));
    }
    Ok(())
}
