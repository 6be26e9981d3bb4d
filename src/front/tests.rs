//! The front matter reader on its own: formats, types, lines, hints.

use super::keys::*;
use super::*;
use crate::types::Window;

const TAX: &[&str] = &["tags", "modality", "system"];

fn record(text: &str, scope: Scope) -> Record {
    Record::from_bytes(Path::new("a.md"), text.as_bytes().to_vec(), scope, TAX)
}

fn page(text: &str) -> std::result::Result<Fields, Vec<Diagnostic>> {
    let r = record(text, Scope::Page);
    if r.errors.is_empty() {
        Ok((*r.fields).clone())
    } else {
        Err(r.errors)
    }
}

#[test]
fn reads_case_keys_from_toml() {
    let f = page("+++\ntitle = \"A\"\ndate = 2024-05-02\nmodality = \"CT\"\nage = 45\nsex = \"F\"\ndifferential = [\"x\", \"y\"]\nquiz = true\n+++\n").unwrap();
    assert_eq!(f.terms("modality"), ["CT"]);
    assert!(f.terms("tags").is_empty());
    assert_eq!(f.text(AGE), Some("45 years"));
    assert_eq!(f.text(SEX), Some("female"));
    assert!(f.flag(QUIZ));
    assert_eq!(f.list(DIFFERENTIAL), ["x", "y"]);
    assert_eq!(
        f.date(DATE).unwrap().format("%Y-%m-%d").to_string(),
        "2024-05-02"
    );
}

#[test]
fn reads_yaml_like_toml() {
    let f = page("---\ntitle: A\ndate: \"2024-05-02\"\ntags: [a, b]\nimages:\n  - file: ct.png\n    alt: Axial CT\n---\n").unwrap();
    assert_eq!(f.terms("tags"), ["a", "b"]);
    assert!(f.date(DATE).is_some());
    let images = f.media(IMAGES);
    assert_eq!((images[0].file.as_str(), images[0].line), ("ct.png", 6));
}

#[test]
fn every_key_knows_its_line() {
    let f = page("+++\ntitle = \"A\"\n\ncard_image = \"ct.png\"\nimages = [\n  { file = \"a.png\", alt = \"A\" },\n  { file = \"b.png\", alt = \"B\" },\n]\n+++\n").unwrap();
    assert_eq!(f.text(CARD_IMAGE), Some("ct.png"));
    assert_eq!(f.line(CARD_IMAGE), Some(4));
    let lines: Vec<usize> = f.media(IMAGES).iter().map(|m| m.line).collect();
    assert_eq!(lines, [6, 7]);
    let e = page("+++\ntitle = \"A\"\ncard_imag = \"ct.png\"\n+++\n").unwrap_err();
    assert!(e[0].hint.as_deref().unwrap().contains("`card_image`"));
}

#[test]
fn stacks_read_their_windows_in_order() {
    let f = page("+++\ntitle = \"A\"\nstacks = [{ dir = \"ax\", alt = \"Ax\", windows = [\"brain\", { center = -600, width = 1500 }] }]\n+++\n").unwrap();
    let w = &f.media(STACKS)[0].windows;
    assert_eq!(
        w.iter()
            .map(|w| (w.name.as_str(), w.label.as_str()))
            .collect::<Vec<_>>(),
        [("brain", "brain"), ("c-600-w1500", "C -600 / W 1500")]
    );
    assert_eq!(w[0].window, Window::preset("brain").unwrap());
    // YAML, over several lines: the error is on the line of the bad name.
    let e = page("---\ntitle: A\nstacks:\n  - dir: ax\n    alt: Ax\n    windows:\n      - brain\n      - lugn\n---\n").unwrap_err();
    assert_eq!(e[0].line, Some(8), "{:?}", e[0]);
    assert!(e[0].hint.as_deref().unwrap().contains("\"lung\""));
}

#[test]
fn unknown_key_names_line_and_closest() {
    let e = page("+++\ntitle = \"A\"\ndiagnosys = \"x\"\n+++\n").unwrap_err();
    assert_eq!(e[0].line, Some(3));
    assert!(e[0].hint.as_deref().unwrap().contains("`diagnosis`"));
}

#[test]
fn section_and_page_keys_stay_in_their_place() {
    let e = page("+++\ntitle = \"A\"\nsort_by = \"title\"\n+++\n").unwrap_err();
    assert_eq!(e[0].line, Some(3));
    assert!(e[0].message.contains("section key"), "{}", e[0].message);
    let r = record(
        "+++\ntitle = \"Cases\"\ndiagnosis = \"x\"\n+++\n",
        Scope::Section,
    );
    assert!(r.errors[0].message.contains("page key"), "{:?}", r.errors);
    let r = record(
        "+++\ntitle = \"Cases\"\npage_kind = \"case\"\npaginate_by = 10\n+++\n",
        Scope::Section,
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.fields.kind(PAGE_KIND), Some(Kind::Case));
    assert_eq!(r.fields.count(PAGINATE_BY), Some(10));
}

#[test]
fn keys_a_kind_does_not_show_are_known() {
    let f = page("+++\ntitle = \"A\"\ndiagnosis = \"x\"\ndeadline = 2027-02-01\n+++\n").unwrap();
    let on_page: Vec<&str> = f.not_shown_by(Kind::Page).map(|(k, _)| k.name).collect();
    assert_eq!(on_page, ["diagnosis", "deadline"]);
    let on_post: Vec<(&str, usize)> = f
        .not_shown_by(Kind::Post)
        .map(|(k, l)| (k.name, l))
        .collect();
    assert_eq!(on_post, [("diagnosis", 3)]);
    let on_case: Vec<&str> = f.not_shown_by(Kind::Case).map(|(k, _)| k.name).collect();
    assert_eq!(on_case, ["deadline"]);
}

#[test]
fn type_errors_name_the_line() {
    let e = page("+++\ntitle = \"A\"\n\ntags = 5\n+++\n").unwrap_err();
    assert_eq!(e[0].line, Some(4));
    assert!(e[0].message.contains("list"));
    let e = page("---\ntitle: A\ndate: 2024-13-45\n---\n").unwrap_err();
    assert_eq!(e[0].line, Some(3));
    let e = page("+++\ntitle = \"A\"\nquiz = \"yes\"\nweight = 1.5\n+++\n").unwrap_err();
    let lines: Vec<Option<usize>> = e.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(3), Some(4)], "every error, each on its line");
}

#[test]
fn missing_title_and_missing_alt_are_errors() {
    let e = page("+++\ndate = 2024-01-01\n+++\n").unwrap_err();
    assert!(e[0].message.contains("no title"));
    let e = page("+++\ntitle = \"A\"\nimages = [{ file = \"a.png\" }]\n+++\n").unwrap_err();
    assert!(e[0].message.contains("alt"));
}

#[test]
fn syntax_errors_carry_file_lines() {
    let e = page("\n+++\ntitle = \"A\n+++\n").unwrap_err();
    assert_eq!(e[0].line, Some(3));
    let e = page("---\ntitle: A\ntags: [a, b\n---\n").unwrap_err();
    assert!(e[0].line.is_some_and(|l| l >= 3), "{:?}", e[0]);
    // The guard still gets the text of a file it cannot parse.
    let r = record("+++\ntitle = \"A\nMRN 1234567\n+++\n", Scope::Page);
    assert!(r.doc().is_none() && r.text().contains("MRN 1234567"));
}

#[test]
fn acknowledgements_are_read_with_their_lines() {
    let f = page("+++\ntitle = \"A\"\n\n[[privacy.acknowledge]]\nrule = \"patient-name\"\ntext = \"Mr. Bones\"\nreason = \"the skeleton\"\n\n[[privacy.acknowledge]]\nrule = \"phone\"\ntext = \"555-0100\"\nreason = \"fictional\"\n+++\n").unwrap();
    let acks: Vec<(usize, usize, &str)> = f
        .acknowledgements()
        .iter()
        .map(|a| (a.number, a.line, a.rule.as_str()))
        .collect();
    assert_eq!(acks, [(1, 5, "patient-name"), (2, 10, "phone")]);
    let e =
        page("+++\ntitle = \"A\"\n[[privacy.acknowledge]]\nrule = \"phone\"\ntext = \"x\"\n+++\n")
            .unwrap_err();
    assert!(e[0].message.contains("no `reason`"), "{:?}", e[0]);
    assert_eq!(e[0].line, Some(4));
}

#[test]
fn dates_in_several_forms() {
    for s in [
        "2024-05-02",
        "2024-05-02T10:00:00Z",
        "2024-05-02 10:00:00",
        "2024-05-02T10:00:00+02:00",
    ] {
        assert!(parse_date(s).is_some(), "{s}");
    }
    assert!(parse_date("02/05/2024").is_none());
}
