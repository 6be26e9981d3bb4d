//! People (`kind = "person"`): the people page grouped by role and class, the PGY year and its
//! rollover on the first day of the academic year, graduation into alumni, every person key on
//! the person's page, photos cut square around their focus with no metadata, bylines linked to
//! people, Person JSON-LD and `rel="me"`, bad values as errors with file and line, and
//! `radcase new person`. Portraits are drawn here: simple shapes, never real faces.

use image::GenericImageView;
use serde_json::Value;

use crate::common::*;

const PEOPLE: &str = "+++\ntitle = \"People\"\ndescription = \"Our faculty, residents, fellows, alumni and staff.\"\npage_kind = \"person\"\n+++\n";
const POSTS: &str = "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n";
const EMAIL: &str = "dana.whitfield@riverside.example";

/// A synthetic portrait: a background, shoulders and a head (ellipses), shaded by `seed`.
pub fn portrait(w: u32, h: u32, seed: u8) -> image::RgbImage {
    let bg = [
        [196, 214, 224],
        [224, 206, 190],
        [204, 222, 200],
        [220, 210, 230],
    ][seed as usize % 4];
    let skin = [
        [233, 192, 160],
        [180, 130, 98],
        [120, 84, 62],
        [222, 176, 140],
    ][seed as usize / 4 % 4];
    let shirt = [[40, 70, 110], [110, 40, 60], [60, 90, 60], [70, 70, 80]][seed as usize % 4];
    let (fw, fh) = (w as f32, h as f32);
    image::RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let head = ((x - fw / 2.0) / (fw * 0.17)).powi(2) + ((y - fh * 0.40) / (fh * 0.16)).powi(2);
        let body = ((x - fw / 2.0) / (fw * 0.38)).powi(2) + ((y - fh * 1.02) / (fh * 0.40)).powi(2);
        let shade = 1.0 - 0.15 * (y / fh);
        let c = if head <= 1.0 {
            skin
        } else if body <= 1.0 {
            shirt
        } else {
            bg
        };
        image::Rgb(c.map(|v| (v as f32 * shade) as u8))
    })
}

fn jpeg(img: &image::RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn png(img: &image::RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A portrait JPEG carrying EXIF (GPS, a serial, a name, orientation 6), XMP and a comment.
fn jpeg_portrait_with_metadata(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(&portrait(w, h, 1));
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xe1, &exif_payload()));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta><dc:creator>XMP-SECRET-CREATOR</dc:creator></x:xmpmeta>");
    out.extend(segment(0xe1, &xmp));
    out.extend(segment(0xfe, b"COMMENT-SECRET"));
    out.extend_from_slice(&plain[2..]);
    out
}

fn person(title: &str, keys: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{keys}\n+++\nA short biography.\n")
}

/// A residency site on 10 January 2027 (academic year 2026–27: the class of 2027 is PGY-5).
fn people_site() -> TestSite {
    let faculty_links = format!(
        "[links]\nwebsite = \"https://www.whitfield.example/\"\nemail = \"{EMAIL}\"\norcid = \"0000-0002-1825-0097\"\nscholar = \"https://scholar.google.com/citations?user=abc\"\nlinkedin = \"https://www.linkedin.com/in/dana-whitfield\"\nbluesky = \"@dana.bsky.social\"\nmastodon = \"@dana@mastodon.social\"\nx = \"@danaw\"\n"
    );
    let mut files: Vec<(String, String)> = vec![
        (
            "config.toml".into(),
            format!("{CONFIG}author = \"Riverside Radiology\"\n"),
        ),
        ("content/cases/_index.md".into(), CASES_SECTION.into()),
        ("content/posts/_index.md".into(), POSTS.into()),
        ("content/people/_index.md".into(), PEOPLE.into()),
        (
            "content/people/dana-whitfield/index.md".into(),
            person(
                "Dana Whitfield",
                &format!(
                    "role = \"faculty\"\nposition = \"Program Director\"\npronouns = \"she/her\"\nphoto = \"portrait.jpg\"\ninterests = [\"Neuroradiology\", \"Resident education\"]\neducation = [\"MD, Lakeside University\", \"Residency, Riverside Hospital\"]\nfellowship = \"Neuroradiology, Lakeside University\"\ndescription = \"Program director and neuroradiologist.\"\n{faculty_links}"
                ),
            ),
        ),
        (
            "content/people/omar-haddad/index.md".into(),
            person("Omar Haddad", "role = \"faculty\"\nposition = \"Chair of Radiology\""),
        ),
        (
            "content/people/lena-park/index.md".into(),
            person(
                "Lena Park",
                "role = \"faculty\"\nposition = \"Associate Program Director\"\nphoto = \"portrait.png\"",
            ),
        ),
        (
            "content/people/maria-lopez/index.md".into(),
            person("Maria Lopez", "role = \"staff\"\nposition = \"Program Coordinator\""),
        ),
        (
            "content/people/ines-duarte/index.md".into(),
            person(
                "Ines Duarte",
                "role = \"fellow\"\nclass_of = 2027\nfellowship = \"Musculoskeletal imaging\"",
            ),
        ),
        (
            "content/people/theo-grant/index.md".into(),
            person(
                "Theo Grant",
                "role = \"alumni\"\nclass_of = 2024\nfellowship = \"Body imaging, Stanford\"",
            ),
        ),
        (
            "content/people/sam-ortiz/index.md".into(),
            person(
                "Sam Ortiz",
                "role = \"resident\"\nclass_of = 2026\nfellowship = \"Interventional radiology, Lakeside\"",
            ),
        ),
        (
            "content/cases/a/index.md".into(),
            "+++\ntitle = \"Case A\"\ndate = 2026-11-02\nauthors = [\"Dana Whitfield\", \"Nobody Known\", \" Lena Park \"]\n+++\nText.\n".into(),
        ),
        (
            "content/cases/b/index.md".into(),
            "+++\ntitle = \"Case B\"\ndate = 2026-10-02\nauthors = [\"lena park\", \"kai-brandt\"]\n+++\nText.\n".into(),
        ),
        (
            "content/posts/p/index.md".into(),
            "+++\ntitle = \"Welcome, interns\"\ndate = 2026-09-02\nauthors = [\"dana-whitfield\", \"sam-ortiz\"]\n+++\nText.\n".into(),
        ),
    ];
    // One resident per class: 2027 (PGY-5) to 2031 (PGY-1), and 2032 (not started).
    for (i, (name, class)) in [
        ("Kai Brandt", 2027),
        ("Noor Rahman", 2028),
        ("Eli Moreau", 2029),
        ("Aiko Tanaka", 2030),
        ("Ruth Abebe", 2031),
        ("Leo Varga", 2032),
    ]
    .iter()
    .enumerate()
    {
        let position = if i == 0 {
            "position = \"Chief Resident\"\n"
        } else {
            ""
        };
        files.push((
            format!("content/people/{}/index.md", slug_of(name)),
            person(
                name,
                &format!("role = \"resident\"\nclass_of = {class}\n{position}photo = \"me.jpg\""),
            ),
        ));
    }
    let site = TestSite::with(&files);
    site.write(
        "content/people/dana-whitfield/portrait.jpg",
        jpeg(&portrait(300, 400, 0)),
    );
    site.write(
        "content/people/lena-park/portrait.png",
        png(&portrait(360, 360, 6)),
    );
    for (i, name) in [
        "kai-brandt",
        "noor-rahman",
        "eli-moreau",
        "aiko-tanaka",
        "ruth-abebe",
        "leo-varga",
    ]
    .iter()
    .enumerate()
    {
        site.write(
            &format!("content/people/{name}/me.jpg"),
            jpeg(&portrait(240, 300, i as u8 * 5)),
        );
    }
    site
}

fn slug_of(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

const NOW: &[&str] = &["--now", "2027-01-10"];

#[test]
fn the_people_page_groups_by_role_and_residents_by_class() {
    let site = people_site();
    site.build_ok(NOW);
    let doc = site.html("people/index.html");
    assert_eq!(
        texts(&doc, ".people-group > h2"),
        ["Faculty", "Residents", "Fellows", "Alumni", "Staff"]
    );
    // Leadership first: the chair, the program director, the associate director.
    assert_eq!(
        texts(&doc, "#faculty .person-name"),
        ["Omar Haddad", "Dana Whitfield", "Lena Park"]
    );
    assert_eq!(
        texts(&doc, "#resident .people-class"),
        [
            "PGY-5 · Class of 2027",
            "PGY-4 · Class of 2028",
            "PGY-3 · Class of 2029",
            "PGY-2 · Class of 2030",
            "PGY-1 · Class of 2031",
            "Incoming · Class of 2032",
        ]
    );
    assert_eq!(
        texts(&doc, "#resident .person-name")[..2],
        ["Kai Brandt", "Noor Rahman"]
    );
    // The class of 2026 has graduated: Sam Ortiz is among the alumni, the most recent class
    // first, with where they went.
    assert_eq!(
        texts(&doc, "#alumni .people-class"),
        ["Class of 2026", "Class of 2024"]
    );
    assert_eq!(
        texts(&doc, "#alumni .person-name"),
        ["Sam Ortiz", "Theo Grant"]
    );
    assert_eq!(
        texts(&doc, "#alumni .destination"),
        [
            "Fellowship: Interventional radiology, Lakeside",
            "Fellowship: Body imaging, Stanford"
        ]
    );
    assert_eq!(
        texts(&doc, "#fellow .destination"),
        ["Musculoskeletal imaging"]
    );
    assert_eq!(texts(&doc, "#staff .position"), ["Program Coordinator"]);
    // Square photos where there is one, initials where there is none.
    let photos = attrs(&doc, "#faculty .person-photo img", "src");
    assert_eq!(photos.len(), 2, "{photos:?}");
    assert!(
        photos[0].starts_with("/people/dana-whitfield/portrait-"),
        "{photos:?}"
    );
    for (w, h) in attrs(&doc, ".person-photo img", "width").iter().zip(attrs(
        &doc,
        ".person-photo img",
        "height",
    )) {
        assert_eq!(*w, h, "a card photo is square");
    }
    assert_eq!(texts(&doc, "#faculty .initials"), ["OH"]);
    assert_eq!(texts(&doc, "#staff .initials"), ["ML"]);
    assert_eq!(texts(&doc, "#faculty .pronouns"), ["she/her"]);
    assert_eq!(texts(&doc, ".people-jump a").len(), 5);
}

/// One resident of each class around the boundary, on a day, with a config.
fn rollover(now: &str, program: &str) -> (scraper::Html, scraper::Html) {
    let site = TestSite::with(&[
        ("config.toml", format!("{CONFIG}{program}")),
        ("content/people/_index.md", PEOPLE.to_string()),
        (
            "content/people/senior/index.md",
            person("Senior Resident", "role = \"resident\"\nclass_of = 2027"),
        ),
        (
            "content/people/junior/index.md",
            person("Junior Resident", "role = \"resident\"\nclass_of = 2028"),
        ),
        (
            "content/people/fellow/index.md",
            person("Some Fellow", "role = \"fellow\"\nclass_of = 2027"),
        ),
    ]);
    site.build_ok(&["--now", now]);
    (
        site.html("people/index.html"),
        site.html("people/senior/index.html"),
    )
}

#[test]
fn the_pgy_year_rolls_over_on_the_first_day_of_the_academic_year() {
    // 30 June: still the year of the class of 2027.
    let (list, senior) = rollover("2027-06-30", "");
    assert_eq!(
        texts(&list, "#resident .people-class"),
        ["PGY-5 · Class of 2027", "PGY-4 · Class of 2028"]
    );
    assert_eq!(text(&senior, ".standing"), "PGY-5 · Class of 2027");
    assert_eq!(texts(&list, "#fellow .person-name"), ["Some Fellow"]);
    // 1 July: the class of 2027 (resident and fellow) has graduated, the juniors move up.
    let (list, senior) = rollover("2027-07-01", "");
    assert_eq!(
        texts(&list, "#resident .people-class"),
        ["PGY-5 · Class of 2028"]
    );
    assert_eq!(
        texts(&list, "#alumni .person-name"),
        ["Senior Resident", "Some Fellow"]
    );
    assert!(texts(&list, "#fellow").is_empty());
    assert_eq!(text(&senior, ".standing"), "Alumni · Class of 2027");
    // A time on the day before counts as that day.
    let (list, _) = rollover("2027-06-30T23:59:59Z", "");
    assert_eq!(texts(&list, "#resident .people-class").len(), 2);

    // A program whose year starts on 24 June, with four PGY years.
    let program = "[program]\nacademic_year_start = \"06-24\"\nfinal_pgy = 4\n";
    let (list, _) = rollover("2027-06-23", program);
    assert_eq!(
        texts(&list, "#resident .people-class"),
        ["PGY-4 · Class of 2027", "PGY-3 · Class of 2028"]
    );
    let (list, _) = rollover("2027-06-24", program);
    assert_eq!(
        texts(&list, "#resident .people-class"),
        ["PGY-4 · Class of 2028"]
    );
    assert_eq!(texts(&list, "#alumni .person-name").len(), 2);
}

#[test]
fn a_person_page_shows_every_key_and_lists_their_cases_and_posts() {
    let site = people_site();
    site.build_ok(NOW);
    let doc = site.html("people/dana-whitfield/index.html");
    assert_eq!(text(&doc, "h1"), "Dana Whitfield");
    assert_eq!(text(&doc, ".person-intro .pronouns"), "she/her");
    assert_eq!(text(&doc, ".person-intro .position"), "Program Director");
    assert_eq!(text(&doc, ".standing"), "Faculty");
    assert_eq!(
        texts(&doc, ".person-facts dt"),
        ["Fellowship training", "Interests", "Education"]
    );
    assert_eq!(
        texts(&doc, ".person-facts dd li"),
        [
            "Neuroradiology",
            "Resident education",
            "MD, Lakeside University",
            "Residency, Riverside Hospital"
        ]
    );
    assert!(text(&doc, ".person-facts").contains("Neuroradiology, Lakeside University"));
    let img = doc
        .select(&sel(".person-portrait img"))
        .next()
        .expect("a photo");
    assert_eq!(img.value().attr("alt"), Some("Dana Whitfield"));
    assert_eq!(img.value().attr("width"), img.value().attr("height"));
    // Every link, with rel="me", in the order of the README; the e-mail apart.
    let hrefs = attrs(&doc, ".person-links a[rel~=me]", "href");
    assert_eq!(
        hrefs,
        [
            "https://www.whitfield.example/",
            "https://orcid.org/0000-0002-1825-0097",
            "https://scholar.google.com/citations?user=abc",
            "https://www.linkedin.com/in/dana-whitfield",
            "https://bsky.app/profile/dana.bsky.social",
            "https://mastodon.social/@dana",
            "https://x.com/danaw",
        ]
    );
    assert_eq!(doc.select(&sel(".person-email")).count(), 1);
    // The address is on the page, but not as text a harvester reads.
    let html = site.read_out("people/dana-whitfield/index.html");
    assert!(!html.contains(EMAIL), "the e-mail address is in plain form");
    assert!(!html.contains("mailto:dana"), "a plain mailto link");
    // What she wrote: one case (the other names "lena park") and the post.
    assert_eq!(
        texts(&doc, "#person-cases ~ .cards .card-title"),
        ["Case A"]
    );
    assert_eq!(
        texts(&doc, "#person-posts ~ .cards .card-title"),
        ["Welcome, interns"]
    );
    // An alumna's page: where she went, labelled as such.
    let sam = site.html("people/sam-ortiz/index.html");
    assert_eq!(text(&sam, ".standing"), "Alumni · Class of 2026");
    assert_eq!(text(&sam, ".person-facts dt"), "Fellowship");
    assert_eq!(text(&sam, ".initials"), "SO");
    assert_eq!(
        texts(&sam, "#person-posts ~ .cards .card-title"),
        ["Welcome, interns"]
    );
}

#[test]
fn bylines_link_to_people_by_slug_or_by_exact_name() {
    let site = people_site();
    site.build_ok(NOW);
    let a = site.html("cases/a/index.html");
    assert_eq!(
        texts(&a, ".bylines .byline"),
        ["Dana Whitfield", "Nobody Known", "Lena Park"]
    );
    assert_eq!(
        attrs(&a, ".bylines a.byline", "href"),
        ["/people/dana-whitfield/", "/people/lena-park/"]
    );
    // The case of a name is part of it; a slug names the person too.
    let b = site.html("cases/b/index.html");
    assert_eq!(texts(&b, ".bylines .byline"), ["lena park", "Kai Brandt"]);
    assert_eq!(texts(&b, ".bylines span.byline"), ["lena park"]);
    assert_eq!(
        attrs(&b, ".bylines a.byline", "href"),
        ["/people/kai-brandt/"]
    );
    let post = site.html("posts/p/index.html");
    // Named by slug, a person is shown by their name.
    assert_eq!(
        texts(&post, ".bylines a.byline"),
        ["Dana Whitfield", "Sam Ortiz"]
    );
    // List cards link them too.
    let list = site.html("cases/index.html");
    assert_eq!(
        attrs(&list, ".card .bylines a", "href"),
        [
            "/people/dana-whitfield/",
            "/people/lena-park/",
            "/people/kai-brandt/"
        ]
    );
}

#[test]
fn two_people_of_one_name_make_a_byline_of_that_name_an_error() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/people/_index.md", PEOPLE.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/people/alex-kim/index.md",
            person("Alex Kim", "role = \"faculty\""),
        ),
        (
            "content/people/alex-kim-2/index.md",
            person("Alex Kim", "role = \"resident\"\nclass_of = 2028"),
        ),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\ndate = 2026-11-02\n\nauthors = [\"Alex Kim\"]\n+++\nText.\n"
                .to_string(),
        ),
    ]);
    let err = build_fails(&site, NOW);
    assert!(
        err.contains("content/cases/a/index.md:5:")
            && err.contains("2 people are called that")
            && err.contains("alex-kim/index.md")
            && err.contains("alex-kim-2/index.md")
            && err.contains("\"alex-kim-2\""),
        "{err}"
    );
    // By slug, each is one person.
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"A\"\ndate = 2026-11-02\n\nauthors = [\"alex-kim-2\"]\n+++\nText.\n",
    );
    site.build_ok(NOW);
    let a = site.html("cases/a/index.html");
    assert_eq!(attrs(&a, ".bylines a", "href"), ["/people/alex-kim-2/"]);
}

#[test]
fn bad_person_values_are_errors_with_file_line_and_hint() {
    // (keys written from line 3, the line the error must name, what it must say)
    let cases: &[(&str, usize, &[&str])] = &[
        (
            "role = \"student\"",
            3,
            &["`role` must be one of faculty, resident, fellow, alumni, staff, not \"student\""],
        ),
        (
            "role = \"Faculty\"",
            3,
            &["not \"Faculty\"", "did you mean \"faculty\""],
        ),
        ("role = 3", 3, &["`role` must be text"]),
        (
            "role = \"resident\"\nclass_of = 27",
            4,
            &["`class_of` must be a year such as 2027, not 27"],
        ),
        (
            "role = \"resident\"\nclass_of = \"2027\"",
            4,
            &["`class_of` must be a whole number", "class_of = 2027"],
        ),
        ("role = \"resident\"", 3, &["a resident has no `class_of`"]),
        (
            "role = \"faculty\"\nclass_of = 2020",
            4,
            &["`class_of` does nothing for faculty"],
        ),
        (
            "role = \"staff\"\nphoto_focus = [50, 50]",
            4,
            &["`photo_focus` needs a `photo`, and the page has none"],
        ),
        (
            "role = \"staff\"\nphoto = \"me.jpg\"\nphoto_focus = [120, 5]",
            5,
            &["`photo_focus` must be two numbers from 0 to 100"],
        ),
        (
            "role = \"staff\"\nphoto = \"me.jpg\"\nphoto_focus = [50]",
            5,
            &["`photo_focus` must be two numbers", "a list of 1"],
        ),
        (
            "role = \"staff\"\nphoto = \"missing.jpg\"",
            4,
            &["`photo` `missing.jpg` does not exist"],
        ),
        (
            "role = \"staff\"\nphoto = \"notes.txt\"",
            4,
            &["`photo` `notes.txt` is not an image"],
        ),
        (
            "role = \"staff\"\nphoto = \"../x.jpg\"",
            4,
            &["outside the page's folder"],
        ),
        (
            "role = \"staff\"\n[links]\nfacebook = \"https://facebook.com/a\"",
            5,
            &[
                "`links` has an unknown network `facebook`",
                "website, email, orcid, scholar, linkedin, bluesky, mastodon, x",
            ],
        ),
        (
            "role = \"staff\"\n[links]\nemial = \"a@b.org\"",
            5,
            &["unknown network `emial`", "did you mean `email`"],
        ),
        (
            "role = \"staff\"\n[links]\nx = \"https://facebook.com/a\"",
            5,
            &["`links.x`", "not an address on x.com or twitter.com"],
        ),
        (
            "role = \"staff\"\n[links]\norcid = \"0000-0002-1825-0098\"",
            5,
            &["`links.orcid`", "is not an ORCID iD"],
        ),
        (
            "role = \"staff\"\n[links]\nwebsite = \"www.example.org\"",
            5,
            &["`links.website`", "not a web address"],
        ),
        (
            "role = \"staff\"\n[links]\nwebsite = \"javascript:alert(1)\"",
            5,
            &["`links.website`", "https://"],
        ),
        (
            "role = \"staff\"\n[links]\nemail = \"jane at example\"",
            5,
            &["`links.email`", "not an e-mail address"],
        ),
        (
            "role = \"staff\"\n[links]\nmastodon = \"@jane\"",
            5,
            &["`links.mastodon`", "@name@server"],
        ),
        (
            "role = \"staff\"\n[links]\nx = 42",
            5,
            &["`links.x` must be text"],
        ),
        (
            "role = \"staff\"\nlinks = \"https://a.org\"",
            4,
            &["`links` must be a table"],
        ),
        (
            "position = \"Coordinator\"",
            2,
            &["a person page has no `role`"],
        ),
    ];
    for (keys, line, says) in cases {
        let site = TestSite::with(&[
            ("config.toml", CONFIG.to_string()),
            ("content/people/_index.md", PEOPLE.to_string()),
            (
                "content/people/x/index.md",
                format!("+++\ntitle = \"X\"\n{keys}\n+++\nBio.\n"),
            ),
            (
                "content/people/x/notes.txt",
                "Office hours on request.\n".to_string(),
            ),
        ]);
        site.write("content/people/x/me.jpg", jpeg(&portrait(60, 80, 2)));
        let err = build_fails(&site, NOW);
        let at = format!("content/people/x/index.md:{line}:");
        let found = err
            .lines()
            .any(|l| l.contains(&at) && says.iter().all(|s| err.contains(s)));
        assert!(found, "{keys:?}: expected {at} {says:?}, got:\n{err}");
    }
    // A people section is one page: paginate_by would do nothing.
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        (
            "content/people/_index.md",
            PEOPLE.replace("page_kind", "paginate_by = 2\npage_kind"),
        ),
    ]);
    let err = build_fails(&site, NOW);
    assert!(
        err.contains("content/people/_index.md:4:") && err.contains("`paginate_by` is set"),
        "{err}"
    );
    // A photo on a page that is not a bundle has no folder to be in.
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/people/_index.md", PEOPLE.to_string()),
        (
            "content/people/x.md",
            "+++\ntitle = \"X\"\nrole = \"staff\"\nphoto = \"me.jpg\"\n+++\n".to_string(),
        ),
    ]);
    let err = build_fails(&site, NOW);
    assert!(
        err.contains("content/people/x.md:4:") && err.contains("not a bundle"),
        "{err}"
    );
}

#[test]
fn person_keys_on_other_pages_are_errors() {
    for (key, value) in [
        ("role", "\"faculty\""),
        ("class_of", "2027"),
        ("pronouns", "\"she/her\""),
        ("photo_focus", "[50, 50]"),
    ] {
        let site = TestSite::with(&[
            ("config.toml", CONFIG.to_string()),
            ("content/cases/_index.md", CASES_SECTION.to_string()),
            (
                "content/cases/a/index.md",
                format!("+++\ntitle = \"A\"\ndate = 2026-11-02\n{key} = {value}\n+++\nText.\n"),
            ),
        ]);
        let err = build_fails(&site, NOW);
        assert!(
            err.contains("content/cases/a/index.md:4:")
                && err.contains(&format!("`{key}` is set, but this page is a case"))
                && err.contains("kind = \"person\""),
            "{key}: {err}"
        );
    }
}

#[test]
fn photos_are_cut_square_around_their_focus_and_carry_no_metadata() {
    // Left half red, right half blue: a focus at the right edge must give a blue square.
    let halves = image::RgbImage::from_fn(400, 200, |x, _| {
        if x < 200 {
            image::Rgb([220, 30, 30])
        } else {
            image::Rgb([30, 30, 220])
        }
    });
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/people/_index.md", PEOPLE.to_string()),
        (
            "content/people/a/index.md",
            person(
                "Anna Right",
                "role = \"staff\"\nphoto = \"wide.png\"\nphoto_focus = [100, 50]",
            ),
        ),
        (
            "content/people/b/index.md",
            person(
                "Ben Left",
                "role = \"staff\"\nphoto = \"wide.png\"\nphoto_focus = [0, 50]",
            ),
        ),
        (
            "content/people/c/index.md",
            person("Cleo Exif", "role = \"staff\"\nphoto = \"camera.jpg\""),
        ),
    ]);
    site.write("content/people/a/wide.png", png(&halves));
    site.write("content/people/b/wide.png", png(&halves));
    // Stored 300×400 with orientation 6: upright it is 400×300, so its square is 300×300.
    site.write(
        "content/people/c/camera.jpg",
        jpeg_portrait_with_metadata(300, 400),
    );
    site.build_ok(NOW);
    let published = |rel: &str| {
        let mut files: Vec<String> = list_files(&site.out(rel))
            .into_iter()
            // The page's share card is checked in cards.rs.
            .filter(|f| !f.ends_with(".html") && !f.contains('/') && !f.starts_with("card-"))
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        published("people/a"),
        [
            "wide-160.jpg",
            "wide-160.webp",
            "wide-200.jpg",
            "wide-200.webp"
        ]
    );
    assert_eq!(
        published("people/c"),
        [
            "camera-160.jpg",
            "camera-160.webp",
            "camera-300.jpg",
            "camera-300.webp"
        ]
    );
    let centre = |rel: &str| {
        let img = image::open(site.out(rel)).unwrap();
        assert_eq!(img.width(), img.height(), "{rel} is square");
        img.get_pixel(img.width() / 2, img.height() / 2).0
    };
    let [r, _, b, _] = centre("people/a/wide-160.jpg");
    assert!(b > 150 && r < 90, "the right-hand square is blue: {r} {b}");
    let [r, _, b, _] = centre("people/b/wide-160.jpg");
    assert!(r > 150 && b < 90, "the left-hand square is red: {r} {b}");
    // Both halves' squares are of one source, published once each: no whole photo anywhere.
    let img = image::open(site.out("people/c/camera-300.jpg")).unwrap();
    assert_eq!(img.dimensions(), (300, 300));
    for f in published("people/c") {
        let bytes = std::fs::read(site.out(&format!("people/c/{f}"))).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in SECRETS.iter().chain(&["Exif"]) {
            assert!(!text.contains(secret), "{f} carries {secret}");
        }
    }
    // A second build takes every square from the cache.
    let err = site.build_ok(&["-v", "--now", "2027-01-10"]);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn person_json_ld_and_rel_me_come_from_the_keys() {
    let site = people_site();
    site.build_ok(NOW);
    let doc = site.html("people/dana-whitfield/index.html");
    let raw = text(&doc, "script[type=\"application/ld+json\"]");
    assert!(!raw.contains(EMAIL) && !raw.contains("mailto"), "{raw}");
    let ld: Value = serde_json::from_str(&raw).unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    let profile = graph.iter().find(|g| g["@type"] == "ProfilePage").unwrap();
    let person = graph.iter().find(|g| g["@type"] == "Person").unwrap();
    assert_eq!(profile["mainEntity"]["@id"], person["@id"]);
    assert_eq!(person["name"], "Dana Whitfield");
    assert_eq!(person["jobTitle"], "Program Director");
    assert_eq!(person["affiliation"]["name"], "Riverside Radiology");
    let image = person["image"]["url"].as_str().unwrap();
    assert!(
        image.starts_with("https://example.org/people/dana-whitfield/portrait-")
            && image.ends_with(".jpg"),
        "{image}"
    );
    assert_eq!(person["image"]["width"], person["image"]["height"]);
    assert_eq!(
        person["sameAs"],
        serde_json::json!([
            "https://www.whitfield.example/",
            "https://orcid.org/0000-0002-1825-0097",
            "https://scholar.google.com/citations?user=abc",
            "https://www.linkedin.com/in/dana-whitfield",
            "https://bsky.app/profile/dana.bsky.social",
            "https://mastodon.social/@dana",
            "https://x.com/danaw",
        ])
    );
    assert_eq!(
        person["knowsAbout"],
        serde_json::json!(["Neuroradiology", "Resident education"])
    );
    // rel="me" points at exactly the same addresses.
    let me: Vec<Value> = attrs(&doc, "a[rel~=me]", "href")
        .into_iter()
        .map(Value::from)
        .collect();
    assert_eq!(Value::from(me), person["sameAs"]);
    // A case's author who is a person of the site is that person in its JSON-LD.
    let case = site.html("cases/a/index.html");
    let ld: Value =
        serde_json::from_str(&text(&case, "script[type=\"application/ld+json\"]")).unwrap();
    let authors = &ld["@graph"][0]["author"];
    assert_eq!(
        authors[0]["url"],
        "https://example.org/people/dana-whitfield/"
    );
    assert_eq!(
        authors[0]["@id"],
        "https://example.org/people/dana-whitfield/#person"
    );
    assert!(authors[1].get("url").is_none(), "{authors}");
}

#[test]
fn the_home_page_gets_featured_people_with_photos_leadership_first() {
    let site = people_site();
    site.write(
        "templates/index.html",
        "{% for p in featured_people %}<p class=\"f\">{{ p.title }}|{{ p.person.position or \"\" }}</p>{% endfor %}",
    );
    site.build_ok(NOW);
    let doc = site.html("index.html");
    assert_eq!(
        texts(&doc, ".f"),
        [
            "Dana Whitfield|Program Director",
            "Lena Park|Associate Program Director",
            "Kai Brandt|Chief Resident",
            "Aiko Tanaka|",
            "Eli Moreau|",
            "Leo Varga|",
        ]
    );
}

#[test]
fn new_person_scaffolds_a_page_that_builds() {
    let site = TestSite::with(&[("config.toml", CONFIG.to_string())]);
    let run = |name: &str| {
        radcase()
            .args(["new", "person", name, "--site"])
            .arg(&site.dir)
            .output()
            .unwrap()
    };
    let out = run("Jane Q. Doe");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(site.path("content/people/jane-q-doe/index.md")).unwrap();
    for key in [
        "role",
        "position",
        "class_of",
        "photo",
        "photo_focus",
        "pronouns",
        "interests",
        "education",
        "fellowship",
        "website",
        "email",
        "orcid",
        "scholar",
        "linkedin",
        "bluesky",
        "mastodon",
        "x",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
            "no `{key}` in\n{text}"
        );
    }
    assert!(site.path("content/people/_index.md").is_file());
    site.build_ok(NOW);
    let doc = site.html("people/index.html");
    assert_eq!(texts(&doc, "#faculty .person-name"), ["Jane Q. Doe"]);
    assert_eq!(texts(&doc, ".initials"), ["JD"]);
    // Filled in as the comments say, it still builds.
    let filled = text
        .replace("role = \"faculty\"", "role = \"resident\"")
        .replace("# class_of = 2028", "class_of = 2028")
        .replace("# pronouns", "pronouns")
        .replace("# orcid", "orcid")
        .replace("# bluesky", "bluesky");
    site.write("content/people/jane-q-doe/index.md", filled);
    site.build_ok(NOW);
    // A second time, the page exists: refused, nothing written over.
    let out = run("Jane Q. Doe");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("hint:"),
        "{err}"
    );
}

/// `cargo test --test it -- --ignored people::screenshot_site` builds the people site above
/// into /tmp/radcase-people/public for a person to look at in a browser.
#[test]
#[ignore = "writes a site for a person to look at in a browser; asserts nothing"]
fn screenshot_site() {
    let site = people_site();
    let bio = "Dana trained in neuroradiology and has led the residency since 2019. She teaches the first-year neuro course and runs the monthly case conference.\n\nHer research is on imaging of acute stroke.\n";
    let page =
        std::fs::read_to_string(site.path("content/people/dana-whitfield/index.md")).unwrap();
    site.write(
        "content/people/dana-whitfield/index.md",
        page.replace("A short biography.\n", bio),
    );
    site.build_ok(NOW);
    let to = std::path::Path::new("/tmp/radcase-people");
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(site.out(""))
        .arg(to.join("public"))
        .status()
        .unwrap();
    assert!(status.success());
}

/// A case or post credits its authors' Mastodon accounts (`fediverse:creator`), from the
/// person pages its byline names, in byline order, a handle from either way of writing the
/// link; an author without a person page or without an account adds none.
#[test]
fn pages_credit_their_authors_mastodon_accounts() {
    let site = people_site();
    site.write(
        "content/people/lena-park/index.md",
        person(
            "Lena Park",
            "role = \"faculty\"\nposition = \"Associate Program Director\"\nphoto = \"portrait.png\"\n[links]\nmastodon = \"https://fosstodon.org/@lenapark\"",
        ),
    );
    site.build_ok(NOW);
    let creators = |rel: &str| attrs(&site.html(rel), "meta[name='fediverse:creator']", "content");
    assert_eq!(
        creators("cases/a/index.html"),
        ["@dana@mastodon.social", "@lenapark@fosstodon.org"]
    );
    // "lena park" is neither her title nor her slug: the byline names no person page.
    assert_eq!(creators("cases/b/index.html"), Vec::<String>::new());
    assert_eq!(creators("posts/p/index.html"), ["@dana@mastodon.social"]);
    assert_eq!(creators("people/index.html"), Vec::<String>::new());
}
