//! The search page and the cases page's filter in real Chromium (`js/search.js`): typing shows
//! the expected case with its thumbnail, a quiz's hidden diagnosis finds no quiz, arrow keys
//! and Enter open a result, Escape clears; the filter hides the cases that do not match, and
//! on a paginated list shows the matching cases of every page.

use serde_json::{Value, json};

use crate::browser::{
    Device, Driver, KEY_DOWN, KEY_ESCAPE, KEY_UP, Session, browser_available, build_and_serve,
};
use crate::common::*;

const KEY_ENTER: &str = "\u{E007}";

fn site(paginate: Option<usize>) -> TestSite {
    let section = match paginate {
        Some(n) => {
            format!("+++\ntitle = \"Cases\"\npage_kind = \"case\"\npaginate_by = {n}\n+++\n")
        }
        None => CASES_SECTION.to_string(),
    };
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", section),
        (
            "content/cases/acute-appendicitis/index.md",
            "+++\ntitle = \"Acute appendicitis\"\ndate = 2024-05-04\npresentation = \"Right lower quadrant pain.\"\nmodality = [\"CT\"]\nsystem = [\"Abdominal\"]\nimages = [{ file = \"ct.png\", alt = \"Axial CT of the appendix\" }]\n+++\nA dilated appendix.\n".to_string(),
        ),
        (
            "content/cases/renal-mass/index.md",
            "+++\ntitle = \"Renal cell carcinoma\"\ndate = 2024-05-03\nmodality = [\"CT\"]\nsystem = [\"Genitourinary\"]\n+++\nAn enhancing abdominal mass of the kidney.\n".to_string(),
        ),
        (
            "content/cases/intussusception/index.md",
            "+++\ntitle = \"Ileocolic intussusception\"\ndate = 2024-05-02\nmodality = [\"US\"]\nsystem = [\"Abdominal\"]\n+++\nA target sign in the abdominal right side.\n".to_string(),
        ),
        (
            "content/cases/quiz/index.md",
            "+++\ntitle = \"Tension pneumothorax\"\ndate = 2024-05-01\nslug = \"unknown-1\"\nquiz = true\ndiagnosis = \"Tension pneumothorax\"\ndifferential = [\"Bullous emphysema\"]\npresentation = \"Sudden chest pain.\"\nmodality = [\"XR\"]\nsystem = [\"Chest\"]\n+++\nLook at the lung edge.\n\n<!-- answer -->\n\nThe pneumothorax shifts the mediastinum.\n".to_string(),
        ),
    ]);
    site.write(
        "content/cases/acute-appendicitis/ct.png",
        png_bytes(640, 480),
    );
    site
}

/// What the search page shows: status, result titles, addresses, thumbnails, the selected one.
const STATE: &str = r#"
const rs = Array.from(document.querySelectorAll('.search-result'));
const input = document.querySelector('#search-q');
return {
  status: document.querySelector('.search-status').textContent,
  titles: rs.map(r => r.querySelector('.sr-title').textContent),
  hrefs: rs.map(r => new URL(r.querySelector('a').href).pathname),
  thumbs: rs.map(r => { const i = r.querySelector('img.sr-thumb'); return i ? [new URL(i.src).pathname, i.complete && i.naturalWidth > 0] : null; }),
  selected: rs.map(r => r.getAttribute('aria-selected')),
  active: input.getAttribute('aria-activedescendant'),
  expanded: input.getAttribute('aria-expanded'),
  outline: rs.filter(r => r.getAttribute('aria-selected') === 'true').map(r => getComputedStyle(r).outlineStyle),
  value: input.value,
  focused: document.activeElement === input,
  path: location.pathname,
};
"#;

fn state(s: &Session) -> Value {
    s.exec(STATE, json!([]))
}

/// Type `query` into an emptied search box and wait for the status line to say `status`.
fn search(s: &Session, query: &str, status: &str) -> Value {
    s.exec(
        "const i = document.querySelector('#search-q'); i.value = ''; i.focus();",
        json!([]),
    );
    let input = s.find("#search-q");
    s.send_keys(&input, query);
    s.wait_for(
        &format!("the status `{status}` after typing `{query}`"),
        "return document.querySelector('.search-status').textContent === arguments[0]",
        json!([status]),
        STATE,
    );
    state(s)
}

#[test]
fn search_page_in_chromium() {
    if !browser_available() {
        return;
    }
    let site = site(None);
    let (_tmp, _, base) = build_and_serve(&site.dir);
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.goto(&format!("{base}/search/"));
    s.wait_for(
        "the search form to show",
        "return !document.querySelector('.search-form').hidden && document.activeElement.id === 'search-q'",
        json!([]),
        STATE,
    );

    // A word of the title, typed in part, finds the case, with the thumbnail the list shows.
    let st = search(&s, "appendic", "1 result for “appendic”");
    assert_eq!(st["titles"], json!(["Acute appendicitis"]), "{st}");
    s.wait_for(
        "the thumbnail to load",
        "return document.querySelector('img.sr-thumb').complete && document.querySelector('img.sr-thumb').naturalWidth > 0",
        json!([]),
        STATE,
    );
    let thumb = state(&s)["thumbs"][0][0].as_str().unwrap().to_string();
    assert!(
        thumb.starts_with("/cases/acute-appendicitis/ct-"),
        "{thumb}"
    );
    assert_eq!(state(&s)["expanded"], "true");

    // The quiz's diagnosis and differential find nothing; what it shows before the answer
    // finds it under its neutral title.
    for hidden in [
        "pneumothorax",
        "tension pneumothorax",
        "emphysema",
        "mediastinum",
    ] {
        let st = search(&s, hidden, &format!("No results for “{hidden}”."));
        assert_eq!(st["hrefs"], json!([]), "{hidden}: {st}");
    }
    let st = search(&s, "chest pain", "1 result for “chest pain”");
    assert_eq!(st["hrefs"], json!(["/cases/unknown-1/"]), "{st}");
    assert_eq!(st["titles"], json!(["Case: Sudden chest pain"]), "{st}");

    // Arrow keys move the selection (visibly), Escape drops it, then clears the box.
    let st = search(&s, "abdominal", "3 results for “abdominal”");
    assert_eq!(st["selected"], json!(["false", "false", "false"]), "{st}");
    s.press(KEY_DOWN);
    s.press(KEY_DOWN);
    let st = state(&s);
    assert_eq!(st["selected"], json!(["false", "true", "false"]), "{st}");
    assert_eq!(st["active"], "sr-1", "{st}");
    assert_eq!(
        st["outline"],
        json!(["solid"]),
        "the selected result shows: {st}"
    );
    assert_eq!(st["focused"], true, "the focus stays in the box: {st}");
    s.press(KEY_UP);
    assert_eq!(state(&s)["selected"], json!(["true", "false", "false"]));
    s.press(KEY_ESCAPE);
    assert_eq!(state(&s)["selected"], json!(["false", "false", "false"]));
    s.press(KEY_ESCAPE);
    s.wait_for(
        "Escape to clear the box and the results",
        "return document.querySelector('#search-q').value === '' && !document.querySelector('.search-result')",
        json!([]),
        STATE,
    );

    // Enter opens the selected result.
    let st = search(&s, "abdominal", "3 results for “abdominal”");
    let second = st["hrefs"][1].as_str().unwrap().to_string();
    s.press(KEY_DOWN);
    s.press(KEY_DOWN);
    s.press(KEY_ENTER);
    s.wait_for(
        "Enter to open the selected result",
        "return location.pathname === arguments[0]",
        json!([second]),
        "return location.href",
    );

    // A facet narrows the results, and the address keeps the query for a reload.
    s.goto(&format!("{base}/search/?q=abdominal&modality=US"));
    s.wait_for(
        "the query and facet from the address",
        "return document.querySelector('.search-status').textContent === '1 result for “abdominal”'",
        json!([]),
        STATE,
    );
    assert_eq!(state(&s)["hrefs"], json!(["/cases/intussusception/"]));
}

const CARDS: &str = r#"
return {
  shown: Array.from(document.querySelectorAll('.cards .card')).filter(c => c.offsetParent !== null).map(c => new URL(c.querySelector('.card-title a').href).pathname),
  status: document.querySelector('.case-filter-status').textContent,
  pager: (() => { const p = document.querySelector('.pagination'); return p ? p.offsetParent !== null : null; })(),
};
"#;

fn choose(s: &Session, facet: &str, value: &str) {
    s.exec(
        "const x = document.querySelector('select[data-facet=' + arguments[0] + ']'); x.value = arguments[1]; x.dispatchEvent(new Event('change'));",
        json!([facet, value]),
    );
}

#[test]
fn cases_filter_in_chromium() {
    if !browser_available() {
        return;
    }
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);

    // One page of cases: the cards that do not match are hidden.
    let one = site(None);
    let (_tmp, _, base) = build_and_serve(&one.dir);
    s.goto(&format!("{base}/cases/"));
    s.wait_for(
        "the filter to show",
        "return !document.querySelector('.case-filter').hidden",
        json!([]),
        CARDS,
    );
    assert_eq!(
        s.exec(CARDS, json!([]))["shown"].as_array().unwrap().len(),
        4
    );
    // Without pages to fetch, the filter answers at once.
    choose(&s, "modality", "US");
    let got = s.exec(CARDS, json!([]));
    assert_eq!(got["shown"], json!(["/cases/intussusception/"]), "{got}");
    assert_eq!(got["status"], "1 case of 4 shown", "{got}");
    choose(&s, "system", "Chest");
    let got = s.exec(CARDS, json!([]));
    assert_eq!(got["shown"], json!([]), "{got}");
    choose(&s, "modality", "");
    let got = s.exec(CARDS, json!([]));
    assert_eq!(got["shown"], json!(["/cases/unknown-1/"]), "{got}");
    choose(&s, "system", "");
    assert_eq!(
        s.exec(CARDS, json!([]))["shown"].as_array().unwrap().len(),
        4
    );

    // Cases on several pages: the matching cases of every page, from the index.
    let paged = site(Some(1));
    let (_tmp2, _, base2) = build_and_serve(&paged.dir);
    s.goto(&format!("{base2}/cases/"));
    s.wait_for(
        "the filter to show",
        "return !document.querySelector('.case-filter').hidden",
        json!([]),
        CARDS,
    );
    assert_eq!(s.exec(CARDS, json!([]))["pager"], true);
    choose(&s, "modality", "CT");
    let got = s.wait_for(
        "both CT cases, from two pages",
        "const c = document.querySelectorAll('.cards .card'); return c.length === 2 && document.querySelector('.case-filter-status').textContent",
        json!([]),
        CARDS,
    );
    assert_eq!(got, "2 cases match");
    let got = s.exec(CARDS, json!([]));
    assert_eq!(
        got["shown"],
        json!(["/cases/acute-appendicitis/", "/cases/renal-mass/"]),
        "{got}"
    );
    assert_eq!(
        got["pager"], false,
        "the pager is hidden while filtering: {got}"
    );
}
