//! Filters and functions our templates need that Tera 2 does not ship (dates, slugs,
//! Markdown, site URLs). Small and ours, instead of pulling tera-contrib.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::front::parse_date;
use crate::types::escape_html;

pub fn register(tera: &mut Tera, config: &crate::config::Config) {
    tera.register_filter("date", date);
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| slug::slugify(s));
    let settings = config.markdown;
    tera.register_filter("markdown", move |value: &str, kwargs: Kwargs, _: &State| {
        markdown(value, kwargs, settings)
    });
    tera.register_filter("striptags", |s: &str, _: Kwargs, _: &State| strip_tags(s));
    tera.register_filter("urlencode", |s: &str, _: Kwargs, _: &State| urlencode(s));
    tera.register_filter("protected_email", |s: &str, _: Kwargs, _: &State| {
        protected_email(s)
            .map(|html| Value::safe_string(&html))
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "the protected_email filter needs an e-mail address like name@example.org, got \"{s}\""
                ))
            })
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

/// `{{ email | protected_email }}`: an e-mail address as HTML that has neither `user@host` nor
/// `mailto:` in it, so the harvesters that read a page's HTML with a regex find nothing, while
/// people read it in every browser:
/// - the `@` is a CSS `::before` in a span whose own text, " (at) ", is hidden by the stylesheet:
///   with CSS the page shows `jane@example.org`, without it (reader modes, text browsers) it shows
///   `jane (at) example.org`;
/// - radcase.js replaces the span with a real `mailto:` link (clickable, copyable), built from the
///   two halves' text.
///
/// Not reversed text with `unicode-bidi: bidi-override` (copying and screen readers get the
/// address backwards) and not HTML entities alone (harvesters decode them). `None` when the
/// value is not one address.
pub fn protected_email(address: &str) -> Option<String> {
    let address = address.trim();
    let (user, host) = address.rsplit_once('@')?;
    let valid =
        |part: &str| !part.is_empty() && !part.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid(user) || !valid(host) || user.contains('@') || !host.contains('.') {
        return None;
    }
    Some(format!(
        "<span class=\"email\" data-email><span class=\"email-user\">{}</span>\
         <span class=\"email-at\"><span class=\"email-at-text\"> (at) </span></span>\
         <span class=\"email-host\">{}</span></span>",
        escape_html(user),
        escape_html(host)
    ))
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

    /// What a harvester's regexes would find: `user@host` (also with entities decoded) and
    /// `mailto:`.
    fn harvestable(html: &str) -> bool {
        let decoded = html.replace("&#64;", "@").replace("&#x40;", "@");
        let address = regex::Regex::new(r"[\w.+'&-]+@[\w-]+(\.[\w-]+)+").unwrap();
        address.is_match(&decoded) || decoded.to_ascii_lowercase().contains("mailto")
    }

    #[test]
    fn protected_email_hides_the_address_from_harvesters() {
        for address in [
            "jane@example.org",
            "jane.doe+residency@mail.example.ac.uk",
            "o'neil@example.com",
            "  radiology-office@hospital.example.org ",
            "x@y.io",
        ] {
            let html = render(&format!("{{{{ \"{address}\" | protected_email }}}}"));
            assert!(!harvestable(&html), "{address} is readable in {html}");
            // The visible halves are there, for people and for the script.
            let (user, host) = address.trim().split_once('@').unwrap();
            let doc = scraper::Html::parse_fragment(&html);
            let part = |class: &str| {
                let sel = scraper::Selector::parse(&format!("span.email > .{class}")).unwrap();
                doc.select(&sel)
                    .next()
                    .map(|e| e.text().collect::<String>())
            };
            assert_eq!(part("email-user").as_deref(), Some(user));
            assert_eq!(part("email-host").as_deref(), Some(host));
            assert_eq!(part("email-at").as_deref(), Some(" (at) "));
        }
    }

    #[test]
    fn protected_email_escapes_html() {
        let html = protected_email("a<b>&\"c@example.org").unwrap();
        assert!(html.contains("a&lt;b&gt;&amp;&quot;c"), "{html}");
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn protected_email_refuses_what_is_not_one_address() {
        for bad in [
            "",
            "jane",
            "@example.org",
            "jane@",
            "a@b@example.org",
            "jane doe@x.org",
            "jane@localhost",
        ] {
            assert_eq!(protected_email(bad), None, "{bad:?}");
        }
        let mut tera = Tera::new();
        let config = crate::config::Config::parse(
            std::path::Path::new("config.toml"),
            "title = \"T\"\nbase_url = \"https://x.org/\"\n",
        )
        .unwrap();
        register(&mut tera, &config);
        tera.add_raw_template("t.html", "{{ 'jane' | protected_email }}")
            .unwrap();
        let err = tera.render("t.html", &tera::Context::new()).unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("name@example.org") && text.contains("jane"),
            "{text}"
        );
    }

    #[test]
    fn markdown_filter_is_safe_html() {
        assert_eq!(render("{{ '*a*' | markdown(inline=true) }}"), "<em>a</em>");
    }
}
