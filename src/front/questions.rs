//! `[[questions]]`: single-best-answer questions of a case, each with a rationale per option,
//! read and checked with every problem on its line.

use super::tree::{Entry, Node, Table, Value};
use crate::diagnostic::closest;

/// The fields of a question, and of one of its options.
pub const QUESTION_FIELDS: &[&str] = &["prompt", "options", "answer", "image"];
pub const OPTION_FIELDS: &[&str] = &["text", "rationale"];

const EXAMPLE: &str = "[[questions]]\nprompt = \"What is the most likely diagnosis?\"\nanswer = \"Intussusception\"\noptions = [\n  { text = \"Intussusception\", rationale = \"A target of bowel within bowel.\" },\n  { text = \"Gastroenteritis\", rationale = \"Thickened loops, but no target.\" },\n]";

/// One question: a prompt, two or more options and which of them is right.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<Choice>,
    /// Index of the right option in `options`.
    pub answer: usize,
    /// An image of the case's `images` (by `file`) shown with the prompt.
    pub image: Option<String>,
    pub line: usize,
}

/// An option of a question, and why it is right or wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub rationale: String,
}

/// What the front matter reader offers for messages: how a value is shown, how a key is
/// written in the file's syntax, and errors placed at a byte offset.
pub trait Report {
    fn shown(&self, node: &Node) -> String;
    fn assign(&self, key: &str, value: &str) -> String;
    fn line(&self, offset: usize) -> usize;
    fn not_text(&mut self, what: &str, key: &str, node: &Node, at: usize);
    fn error_at(&mut self, offset: usize, message: String, hint: impl Into<String>);
}

/// Reading `[[questions]]` with any [`Report`].
pub trait ReadQuestions: Report {
    fn questions(&mut self, e: &Entry) -> Vec<Question> {
        let items: Vec<&Node> = match &e.node.value {
            Value::List(items) => items.iter().collect(),
            // `[questions]` (one table) for `[[questions]]`.
            Value::Table(_) => vec![&e.node],
            _ => {
                let shown = self.shown(&e.node);
                self.error_at(
                    e.key_span.start,
                    format!("`questions` must be a list of tables, not {shown}"),
                    format!("write each question as\n{EXAMPLE}"),
                );
                return Vec::new();
            }
        };
        items
            .into_iter()
            .enumerate()
            .filter_map(|(i, node)| self.question(i + 1, node))
            .collect()
    }

    fn question(&mut self, n: usize, node: &Node) -> Option<Question> {
        let at = node.span.start;
        let Value::Table(t) = &node.value else {
            let shown = self.shown(node);
            self.error_at(
                at,
                format!("entry {n} in `questions` must be a table (one question), not {shown}"),
                format!("write\n{EXAMPLE}"),
            );
            return None;
        };
        if !self.known_fields(t, QUESTION_FIELDS, &format!("question {n} in `questions`")) {
            return None;
        }
        let prompt = self.field_text(t, "prompt", n, at)?;
        let image = match t.get("image") {
            Some(_) => Some(self.field_text(t, "image", n, at)?),
            None => None,
        };
        let options = self.options(t, n, at)?;
        let answer_text = self.field_text(t, "answer", n, at)?;
        let Some(answer) = options.iter().position(|o| o.text == answer_text) else {
            let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
            let same_but_case = texts
                .iter()
                .copied()
                .find(|t| t.to_lowercase() == answer_text.to_lowercase());
            let hint = match same_but_case.or_else(|| closest(&answer_text, texts.iter().copied()))
            {
                Some(best) => format!(
                    "did you mean \"{best}\"? `answer` is the text of the right option, exactly as written"
                ),
                None => format!(
                    "`answer` is the text of the right option, exactly as written: one of \"{}\"",
                    texts.join("\", \"")
                ),
            };
            let offset = t.get("answer").map_or(at, |a| a.key_span.start);
            self.error_at(
                offset,
                format!("the answer of question {n}, \"{answer_text}\", is none of its options"),
                hint,
            );
            return None;
        };
        Some(Question {
            prompt,
            options,
            answer,
            image,
            line: self.line(at),
        })
    }

    fn options(&mut self, t: &Table, n: usize, at: usize) -> Option<Vec<Choice>> {
        let Some(entry) = t.get("options") else {
            self.error_at(
                at,
                format!("question {n} has no `options`"),
                format!("give it two or more, each with a rationale:\n{EXAMPLE}"),
            );
            return None;
        };
        let Value::List(items) = &entry.node.value else {
            let shown = self.shown(&entry.node);
            self.error_at(
                entry.key_span.start,
                format!("`options` of question {n} must be a list of tables, not {shown}"),
                format!("write\n{EXAMPLE}"),
            );
            return None;
        };
        if items.len() < 2 {
            self.error_at(
                entry.key_span.start,
                format!(
                    "question {n} has {} option(s): a question needs at least two",
                    items.len()
                ),
                "add the options a reader chooses between, each with why it is right or wrong",
            );
            return None;
        }
        let mut out: Vec<Choice> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let what = format!("option {} of question {n}", i + 1);
            let Value::Table(o) = &item.value else {
                let shown = self.shown(item);
                self.error_at(
                    item.span.start,
                    format!("{what} must be a table with `text` and `rationale`, not {shown}"),
                    "write { text = \"Intussusception\", rationale = \"Why it is right or wrong\" }",
                );
                ok = false;
                continue;
            };
            if !self.known_fields(o, OPTION_FIELDS, &what) {
                ok = false;
                continue;
            }
            let text = self.option_text(o, "text", &what, item.span.start);
            let rationale = self.option_text(o, "rationale", &what, item.span.start);
            let (Some(text), Some(rationale)) = (text, rationale) else {
                ok = false;
                continue;
            };
            if out.iter().any(|c| c.text == text) {
                self.error_at(
                    item.span.start,
                    format!("{what}, \"{text}\", is written twice"),
                    "give each option its own text",
                );
                ok = false;
                continue;
            }
            out.push(Choice { text, rationale });
        }
        ok.then_some(out)
    }

    /// False (after reporting) when `t` has a field not in `fields`.
    fn known_fields(&mut self, t: &Table, fields: &[&str], what: &str) -> bool {
        let Some(unknown) = t.entries.iter().find(|f| !fields.contains(&f.key.as_str())) else {
            return true;
        };
        let hint = closest(&unknown.key, fields.iter().copied()).map_or_else(
            || format!("{what} takes {}", fields.join(", ")),
            |b| format!("did you mean `{b}`? It takes {}", fields.join(", ")),
        );
        self.error_at(
            unknown.key_span.start,
            format!("{what} has an unknown key `{}`", unknown.key),
            hint,
        );
        false
    }

    fn field_text(&mut self, t: &Table, name: &str, n: usize, at: usize) -> Option<String> {
        self.option_text(t, name, &format!("question {n}"), at)
    }

    /// The text `name` of `t` (a question or an option called `what`), required and not empty.
    fn option_text(&mut self, t: &Table, name: &str, what: &str, at: usize) -> Option<String> {
        let Some(field) = t.get(name) else {
            self.error_at(
                at,
                format!("{what} has no `{name}`"),
                format!("add {}", self.assign(name, "\"…\"")),
            );
            return None;
        };
        match &field.node.value {
            Value::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Str(_) => {
                self.error_at(
                    field.key_span.start,
                    format!("`{name}` of {what} is empty"),
                    format!("write the {name}, or remove the {what}"),
                );
                None
            }
            _ => {
                self.not_text(
                    &format!("`{name}` of {what}"),
                    name,
                    &field.node,
                    field.key_span.start,
                );
                None
            }
        }
    }
}

impl<T: Report> ReadQuestions for T {}
