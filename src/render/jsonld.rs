//! Structured data (schema.org JSON-LD) for a page: what search engines and some link
//! previews read. A quiz case carries no diagnosis here either.

use serde_json::{Value, json};

use crate::config::Config;
use crate::content::{Library, Page, Span};
use crate::front::{Kind, keys};

/// The `<script type="application/ld+json">` body for `page`, safe to put inside a script tag.
pub fn page(page: &Page, config: &Config, library: &Library) -> String {
    let publisher = json!({ "@type": "Organization", "name": config.author.as_deref().unwrap_or(&config.title) });
    let authors: Vec<Value> = page
        .authors()
        .iter()
        .map(|a| match library.people.person(a) {
            Some(id) => {
                let p = library.page(id);
                json!({ "@type": "Person", "name": p.title().trim(), "url": p.permalink, "@id": format!("{}#person", p.permalink) })
            }
            None => json!({ "@type": "Person", "name": a }),
        })
        .collect();
    let mut article = json!({
        "@type": match page.kind {
            Kind::Case => "MedicalWebPage",
            Kind::Post => "BlogPosting",
            Kind::Person => "ProfilePage",
            Kind::Playlist => "CollectionPage",
            _ => "WebPage",
        },
        "@id": page.permalink,
        "url": page.permalink,
        "name": page.disclosure.title,
        "headline": page.disclosure.title,
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title, "url": config.base_url },
        "publisher": publisher,
    });
    let obj = article.as_object_mut().expect("a JSON object literal");
    if !authors.is_empty() {
        obj.insert("author".into(), Value::Array(authors));
    }
    if let Some(d) = page.date() {
        obj.insert("datePublished".into(), json!(d.to_rfc3339()));
        obj.insert(
            "dateModified".into(),
            json!(page.updated().unwrap_or(d).to_rfc3339()),
        );
    }
    let names = library.taxonomy_names();
    let terms: Vec<&String> = page.disclosure.all_terms(&names).collect();
    if !terms.is_empty() {
        obj.insert("keywords".into(), json!(terms));
    }
    let image = page
        .gallery
        .first()
        .or(page.pictures.first())
        .and_then(|p| Some((p, p.largest()?)))
        .map(|(p, v)| json!({ "@type": "ImageObject", "url": config.permalink(&v.url), "width": v.width, "height": v.height, "caption": p.alt }));
    let mut subject = None;
    if page.kind == Kind::Case {
        obj.insert(
            "medicalAudience".into(),
            json!({ "@type": "MedicalAudience", "audienceType": "Clinician" }),
        );
        if let Some(l) = page.fields.text(keys::LICENSE) {
            obj.insert("license".into(), json!(l));
        }
        // The case itself, as the scholarly kind of document it is.
        let mut report = json!({
            "@type": "MedicalScholarlyArticle",
            "publicationType": "Case Reports",
            "headline": page.disclosure.title,
            "url": page.permalink,
            "mainEntityOfPage": { "@id": page.permalink },
        });
        let r = report.as_object_mut().expect("a JSON object literal");
        for key in ["author", "datePublished", "dateModified", "license"] {
            if let Some(v) = obj.get(key) {
                r.insert(key.into(), v.clone());
            }
        }
        if let Some(d) = &page.disclosure.about {
            let condition = json!({ "@type": "MedicalCondition", "name": d });
            obj.insert("about".into(), condition.clone());
            r.insert("about".into(), condition);
        }
        subject = Some(report);
    }
    if page.kind == Kind::Person {
        subject = Some(person(page, config));
        obj.insert(
            "mainEntity".into(),
            json!({ "@id": format!("{}#person", page.permalink) }),
        );
    }
    if page.kind == Kind::Event {
        subject = Some(event(page, config, image.clone()));
    }
    if page.kind == Kind::Playlist {
        // The cases in order, by the titles they show before their answers.
        let items: Vec<Value> = page
            .playlist
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let c = library.page(c);
                json!({ "@type": "ListItem", "position": i + 1, "url": c.permalink, "name": c.disclosure.title })
            })
            .collect();
        obj.insert(
            "mainEntity".into(),
            json!({ "@type": "ItemList", "numberOfItems": items.len(), "itemListElement": items }),
        );
    }
    if let Some(image) = image {
        obj.insert("primaryImageOfPage".into(), image);
    }
    let section = library.section(page.section);
    let mut crumbs = vec![(config.title.clone(), config.base_url.clone())];
    if !section.is_home() {
        crumbs.push((
            section.title.clone().unwrap_or_default(),
            section.permalink.clone(),
        ));
    }
    crumbs.push((page.disclosure.title.clone(), page.permalink.clone()));
    let items: Vec<Value> = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    let mut graph = vec![article];
    graph.extend(subject);
    graph.push(json!({ "@type": "BreadcrumbList", "itemListElement": items }));
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    // `</script>` inside a string would end the script element early.
    doc.to_string().replace("</", "<\\/")
}

/// A person's page: the person, named by the page title, with `jobTitle` from `position`, the
/// site's program as `affiliation`, the square photo as `image`, `knowsAbout` from `interests`
/// and `sameAs` from `links` (every link but the e-mail address, which is never published in
/// a form harvesters read).
fn person(page: &Page, config: &Config) -> Value {
    let mut p = json!({
        "@type": "Person",
        "@id": format!("{}#person", page.permalink),
        "name": page.title(),
        "url": page.permalink,
        "affiliation": {
            "@type": "Organization",
            "name": config.author.as_deref().unwrap_or(&config.title),
            "url": config.base_url,
        },
    });
    let o = p.as_object_mut().expect("a JSON object literal");
    let fields = &page.fields;
    if let Some(d) = fields.text(keys::DESCRIPTION) {
        o.insert("description".into(), json!(d));
    }
    if let Some(position) = fields.text(keys::POSITION) {
        o.insert("jobTitle".into(), json!(position));
    }
    if let Some(v) = page.photo.as_ref().and_then(|p| p.largest()) {
        o.insert(
            "image".into(),
            json!({ "@type": "ImageObject", "url": config.permalink(&v.url), "width": v.width, "height": v.height }),
        );
    }
    let interests = fields.list(keys::INTERESTS);
    if !interests.is_empty() {
        o.insert("knowsAbout".into(), json!(interests));
    }
    let same_as: Vec<&str> = fields
        .links()
        .iter()
        .filter(|l| l.network != crate::front::Network::Email)
        .map(|l| l.url.as_str())
        .collect();
    if !same_as.is_empty() {
        o.insert("sameAs".into(), json!(same_as));
    }
    p
}

/// An event's page: the event from its own keys (`start`, `end` with their offsets, or dates
/// for an all-day event; `location` and `online`; `registration`; `organizer`).
fn event(page: &Page, config: &Config, image: Option<Value>) -> Value {
    let organizer = page
        .event
        .as_ref()
        .and_then(|e| e.organizer.clone())
        .unwrap_or_else(|| {
            config
                .author
                .clone()
                .unwrap_or_else(|| config.title.clone())
        });
    let mut e = json!({
        "@type": "Event",
        "name": page.title(),
        "url": page.permalink,
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": { "@type": "Organization", "name": organizer, "url": config.base_url },
    });
    let o = e.as_object_mut().expect("a JSON object literal");
    if let Some(ev) = &page.event {
        let (start, end) = match ev.span {
            Span::Days { first, last } => {
                (first.to_string(), (last != first).then(|| last.to_string()))
            }
            Span::Timed { start, end } => (start.to_rfc3339(), end.map(|t| t.to_rfc3339())),
        };
        o.insert("startDate".into(), json!(start));
        if let Some(end) = end {
            o.insert("endDate".into(), json!(end));
        }
        let place = ev
            .location
            .as_ref()
            .map(|l| json!({ "@type": "Place", "name": l, "address": l }));
        let virtual_place = ev
            .online
            .as_ref()
            .map(|u| json!({ "@type": "VirtualLocation", "url": u }));
        let mode = match (&place, &virtual_place) {
            (Some(_), Some(_)) => Some("MixedEventAttendanceMode"),
            (None, Some(_)) => Some("OnlineEventAttendanceMode"),
            (Some(_), None) => Some("OfflineEventAttendanceMode"),
            (None, None) => None,
        };
        if let Some(mode) = mode {
            o.insert(
                "eventAttendanceMode".into(),
                json!(format!("https://schema.org/{mode}")),
            );
        }
        let places: Vec<Value> = place.into_iter().chain(virtual_place).collect();
        match places.len() {
            0 => {}
            1 => {
                o.insert("location".into(), places[0].clone());
            }
            _ => {
                o.insert("location".into(), Value::Array(places));
            }
        }
        if let Some(url) = &ev.registration {
            o.insert(
                "offers".into(),
                json!({ "@type": "Offer", "url": url, "availability": "https://schema.org/InStock" }),
            );
        }
    }
    if let Some(d) = page.fields.text(keys::DESCRIPTION) {
        o.insert("description".into(), json!(d));
    }
    if let Some(image) = image {
        o.insert("image".into(), image);
    }
    e
}
