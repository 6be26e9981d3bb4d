//! Filters and functions our templates need that Tera 2 does not ship (dates, slugs,
//! Markdown, site URLs). Small and ours, instead of pulling tera-contrib.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::front::parse_date;

pub fn register(tera: &mut Tera, config: &crate::config::Config) {
    tera.register_filter("date", date);
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| slug::slugify(s));
    let settings = config.markdown;
    tera.register_filter("markdown", move |value: &str, kwargs: Kwargs, _: &State| {
        markdown(value, kwargs, settings)
    });
    tera.register_filter("striptags", |s: &str, _: Kwargs, _: &State| strip_tags(s));
    tera.register_filter("urlencode", |s: &str, _: Kwargs, _: &State| urlencode(s));
    // TEMP stand-in until the real `protected_email` lands: a mailto link with every character
    // as a numeric entity.
    tera.register_filter("protected_email", |s: &str, _: Kwargs, _: &State| {
        let enc: String = s.chars().map(|c| format!("&#{};", c as u32)).collect();
        Value::safe_string(&format!(
            "<a href=\"&#109;&#97;&#105;&#108;&#116;&#111;&#58;{enc}\">{enc}</a>"
        ))
    });
    let base_path = config.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{}{}", base_path, path.trim_start_matches('/')))
        },
    );
}

/// `{{ page.date | date(format="%e %B %Y") }}`: format an ISO date or RFC 3339 datetime.
fn date(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: String = kwargs
        .get("format")?
        .unwrap_or_else(|| "%e %B %Y".to_string());
    let parsed = parse_date(value).ok_or_else(|| {
        tera::Error::message(format!(
            "the date filter needs a date like 2024-05-02, got \"{value}\""
        ))
    })?;
    let mut out = String::new();
    use std::fmt::Write;
    write!(out, "{}", parsed.format(&format))
        .map_err(|_| tera::Error::message(format!("invalid date format \"{format}\"")))?;
    Ok(out.trim().to_string())
}

/// `{{ text | markdown }}` renders Markdown; `markdown(inline=true)` drops the `<p>` wrapper.
/// Raw HTML follows `[markdown] raw_html`; a `javascript:` or `data:` address is an error.
fn markdown(value: &str, kwargs: Kwargs, settings: crate::markdown::Settings) -> TeraResult<Value> {
    let inline: bool = kwargs.get("inline")?.unwrap_or(false);
    let (html, refused) = if inline {
        crate::markdown::render_inline_checked(value, settings)
    } else {
        crate::markdown::render_block(value, settings)
    };
    if let Some(r) = refused.first() {
        return Err(tera::Error::message(format!(
            "the markdown filter was given text where {}; {}",
            r.message(),
            crate::markdown::Refused::hint()
        )));
    }
    Ok(Value::safe_string(&html))
}

/// Percent-encode everything but unreserved characters (RFC 3986), for share-link parameters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text of an HTML fragment: tags removed, whitespace collapsed (for meta descriptions).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace(" .", ".").replace(" ,", ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tpl: &str) -> String {
        let config = crate::config::Config::parse(
            std::path::Path::new("config.toml"),
            "title = \"T\"\nbase_url = \"https://x.org/teach/\"\n",
        )
        .unwrap();
        let mut tera = Tera::new();
        register(&mut tera, &config);
        tera.add_raw_template("t.html", tpl).unwrap();
        tera.render("t.html", &tera::Context::new()).unwrap()
    }

    #[test]
    fn date_filter_formats() {
        assert_eq!(render("{{ '2024-05-02' | date }}"), "2 May 2024");
        assert_eq!(
            render("{{ '2024-05-02T10:00:00Z' | date(format='%Y') }}"),
            "2024"
        );
    }

    #[test]
    fn striptags_keeps_text() {
        assert_eq!(strip_tags("<p>A <em>b</em>.</p>\n"), "A b.");
    }

    #[test]
    fn urlencode_escapes_reserved_characters() {
        assert_eq!(
            urlencode("https://x.org/a b?c=1&d=é"),
            "https%3A%2F%2Fx.org%2Fa%20b%3Fc%3D1%26d%3D%C3%A9"
        );
    }

    #[test]
    fn url_function_adds_base_path() {
        assert_eq!(render("{{ url(path='/css/a.css') }}"), "/teach/css/a.css");
    }

    #[test]
    fn markdown_filter_is_safe_html() {
        assert_eq!(render("{{ '*a*' | markdown(inline=true) }}"), "<em>a</em>");
    }
}
