//! Structured data (schema.org JSON-LD) for a page: what search engines and some link
//! previews read. A quiz case carries no diagnosis here either.

use serde_json::{Value, json};

use crate::config::Config;
use crate::content::{Kind, Library, Page};

/// The `<script type="application/ld+json">` body for `page`, safe to put inside a script tag.
pub fn page(page: &Page, config: &Config, library: &Library) -> String {
    let publisher = json!({ "@type": "Organization", "name": config.author.as_deref().unwrap_or(&config.title) });
    let authors: Vec<Value> = page
        .front
        .authors
        .iter()
        .map(|a| json!({ "@type": "Person", "name": a }))
        .collect();
    let mut article = json!({
        "@type": match page.kind {
            Kind::Case => "MedicalWebPage",
            Kind::Post => "BlogPosting",
            _ => "WebPage",
        },
        "@id": page.permalink,
        "url": page.permalink,
        "name": page.public_title(),
        "headline": page.public_title(),
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title, "url": config.base_url },
        "publisher": publisher,
    });
    let obj = article.as_object_mut().expect("a JSON object literal");
    if !authors.is_empty() {
        obj.insert("author".into(), Value::Array(authors));
    }
    if let Some(d) = page.front.date {
        obj.insert("datePublished".into(), json!(d.to_rfc3339()));
        obj.insert(
            "dateModified".into(),
            json!(page.front.updated.unwrap_or(d).to_rfc3339()),
        );
    }
    let terms: Vec<&String> =
        page.public_terms(library.taxonomies.iter().map(|t| t.config.name.as_str()));
    if !terms.is_empty() {
        obj.insert("keywords".into(), json!(terms));
    }
    if page.kind == Kind::Case {
        obj.insert(
            "medicalAudience".into(),
            json!({ "@type": "MedicalAudience", "audienceType": "Clinician" }),
        );
        if let Some(l) = &page.front.case.license {
            obj.insert("license".into(), json!(l));
        }
        if !page.is_quiz()
            && let Some(d) = &page.front.case.diagnosis
        {
            obj.insert(
                "about".into(),
                json!({ "@type": "MedicalCondition", "name": d }),
            );
        }
    }
    if let Some((p, v)) = page.gallery.first().and_then(|p| Some((p, p.largest()?))) {
        obj.insert(
            "primaryImageOfPage".into(),
            json!({ "@type": "ImageObject", "url": config.permalink(&v.url), "width": v.width, "height": v.height, "caption": p.alt }),
        );
    }
    let section = &library.sections[page.section];
    let mut crumbs = vec![(config.title.clone(), config.base_url.clone())];
    if !section.is_home() {
        crumbs.push((
            section.front.title.clone().unwrap_or_default(),
            section.permalink.clone(),
        ));
    }
    crumbs.push((page.public_title(), page.permalink.clone()));
    let items: Vec<Value> = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    let doc = json!({
        "@context": "https://schema.org",
        "@graph": [article, { "@type": "BreadcrumbList", "itemListElement": items }],
    });
    // `</script>` inside a string would end the script element early.
    doc.to_string().replace("</", "<\\/")
}
