//! mistakes: which code blocks a Markdown page shows as an example of the mistake ("Wrong:",
//! "❌ Bad", "Не делайте так"), so that `check` reads them for nothing but their fence and does
//! not report the error they exist to show.
//!
//! A block shows the mistake when, in this order of precedence:
//! 1. the paragraph, list-item text or label directly before it is a marker label (`Wrong:`,
//!    `**Bad example**`, `Don't do this:`, `Avoid:`, `Incorrect`, `Неправильно:`, `Плохо`,
//!    `Не делайте так:`), a sentence starting with `Don't`/`Do not`/`Avoid`/`Не делайте` and
//!    ending with `:`, or carries ❌ / 🚫 / ✗ — unless it is a "right" label (`Right:`, `Good`,
//!    `Correct way`, `Правильно`, ✅, or an "instead" after the wrong cue), which makes the block a
//!    normal one whatever surrounds it;
//! 2. it sits in an admonition of the kinds that show what breaks (GFM `> [!CAUTION]`, a
//!    Docusaurus `:::danger` … `:::` container, an MkDocs `!!! danger`/`!!! failure` line).
//!    `> [!WARNING]`/`!!! warning` alone do not count: they usually wrap a command that is meant
//!    to run but has consequences ("this deletes the PVC"), which should be checked; a warning
//!    whose title or label says "Wrong"/"Don't" still counts through rule 1;
//! 3. the nearest heading above it (for the blocks up to the next heading) is such a label.
//!
//! Decisions: a marker word counts only as the whole label (after markup such as `**`, `-`, `>`
//! and emoji, before its `:`), alone or with a generic noun ("Bad example", "Don't do this"), so
//! "How to avoid OOM kills" is not a mistake section, and neither is a troubleshooting cause such
//! as "**Wrong repository or tag:** point the chart at …", whose block is the fix; the
//! crossed-out symbols count anywhere. When a text has both kinds of cue the later one wins
//! ("Don't pass it with --set; instead write:" introduces the right form).

use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};

/// What a label says about the code after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Neutral,
    Wrong,
    Right,
}

/// Adjectives that make a label introduce the mistake (`Wrong:`, `Bad example`), compared
/// lower-cased.
const WRONG_ADJECTIVES: &[&str] = &[
    "wrong",
    "bad",
    "incorrect",
    "неправильно",
    "неверно",
    "плохо",
];

/// Imperatives that make a label introduce the mistake (`Don't:`, `Avoid this`, or a sentence
/// ending with `:` such as "Don't pass it with --set:").
const WRONG_IMPERATIVES: &[&str] = &[
    "don't",
    "don’t",
    "dont",
    "do not",
    "avoid",
    "не делайте",
    "не надо",
];

/// Words that make a label introduce the right form (`Right:`, `Correct way`).
const RIGHT_WORDS: &[&str] = &[
    "right",
    "good",
    "correct",
    "better",
    "instead",
    "правильно",
    "верно",
    "хорошо",
    "лучше",
];

/// What may follow a marker word in a label that is only a marker ("Bad example", "Don't do
/// this", "Не делайте так"); anything else ("Wrong repository or tag:") names a cause, not an
/// example.
const GENERIC: &[&str] = &[
    "example",
    "examples",
    "way",
    "approach",
    "usage",
    "practice",
    "pattern",
    "code",
    "form",
    "config",
    "configuration",
    "version",
    "command",
    "commands",
    "do this",
    "do that",
    "this",
    "that",
    "so",
    "like this",
    "пример",
    "вариант",
    "способ",
    "так",
    "это",
    "этого",
    "так делать",
];

const WRONG_SYMBOLS: &[&str] = &["❌", "🚫", "✗", "✘", "⛔"];
const RIGHT_SYMBOLS: &[&str] = &["✅", "✔", "✓"];
/// Words after the wrong one that turn the sentence into an introduction of the right form.
const INSTEAD: &[&str] = &["instead", "вместо этого"];

/// Admonition kinds (MkDocs `!!! kind`, Docusaurus `:::kind`) whose code shows a mistake.
/// `warning` is not one: a warning usually wraps a command that is meant to run.
const WARNING_KINDS: &[&str] = &["danger", "caution", "error", "failure"];

/// What `text` (a heading, paragraph or label) says about the code block after it.
pub fn verdict(text: &str) -> Verdict {
    let lower = text.trim().to_lowercase();
    if let Some(v) = admonition_verdict(&lower) {
        return v;
    }
    let start = lower
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_start();
    // The label: the words before a `:`, `—` or the end of the first line, markup aside.
    let label = start
        .split([':', '—', '\n', '.', '(', '!'])
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .trim();
    let sentence_ends_with_colon = lower.trim_end_matches(['*', '_', ' ']).ends_with(':');
    let only = |words: &[&str]| {
        words.iter().any(|w| {
            label == *w
                || label
                    .strip_prefix(w)
                    .and_then(|rest| rest.strip_prefix(' '))
                    .is_some_and(|rest| GENERIC.contains(&rest.trim()))
        })
    };
    let starts = |words: &[&str]| {
        words.iter().any(|w| {
            start.starts_with(w)
                && !start[w.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        })
    };
    let offset = lower.len() - start.len();
    let wrong_words = only(WRONG_ADJECTIVES)
        || only(WRONG_IMPERATIVES)
        || (starts(WRONG_IMPERATIVES) && sentence_ends_with_colon);
    let last_of = |cues: &[&str]| cues.iter().filter_map(|c| lower.rfind(c)).max();
    let wrong = last_of(WRONG_SYMBOLS).max(wrong_words.then_some(offset));
    let right = last_of(RIGHT_SYMBOLS)
        .max(only(RIGHT_WORDS).then_some(offset))
        .max(wrong.and_then(|_| last_of(INSTEAD)));
    match (wrong, right) {
        (Some(w), Some(r)) if r > w => Verdict::Right,
        (Some(_), _) => Verdict::Wrong,
        (None, Some(_)) => Verdict::Right,
        (None, None) => Verdict::Neutral,
    }
}

/// `!!! danger "Wrong"`, `???+ warning`, `:::danger Bad`: the title decides, else the kind.
fn admonition_verdict(lower: &str) -> Option<Verdict> {
    let rest = ["!!!", "???+", "???", ":::"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))?
        .trim_start();
    let kind: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
    let title = rest[kind.len()..].trim().trim_matches(['"', '\'']);
    match verdict(title) {
        Verdict::Neutral if WARNING_KINDS.contains(&kind.as_str()) => Some(Verdict::Wrong),
        Verdict::Neutral => Some(Verdict::Neutral),
        v => Some(v),
    }
}

/// Follows a page's Markdown events and tells, at each code block, whether it shows a mistake.
#[derive(Default)]
pub struct MistakeMarks {
    /// What the nearest heading says.
    heading: Option<Verdict>,
    heading_text: String,
    in_heading: bool,
    /// The text of the paragraph, list item or label seen last, since the last block boundary.
    label: String,
    in_code: bool,
    /// Open block quotes: whether each is a caution/warning admonition.
    quotes: Vec<bool>,
    /// Inside a Docusaurus `:::danger` … `:::` container.
    container: bool,
}

impl MistakeMarks {
    /// Whether a code block starting now shows the mistake.
    pub fn shows_mistake(&self) -> bool {
        match verdict(&self.label) {
            Verdict::Right => false,
            Verdict::Wrong => true,
            Verdict::Neutral => {
                self.quotes.iter().any(|q| *q)
                    || self.container
                    || self.heading == Some(Verdict::Wrong)
            }
        }
    }

    /// Takes in the next event of the page.
    pub fn observe(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.label.clear();
            }
            _ if self.in_code => {}
            Event::Start(Tag::Heading { .. }) => {
                self.in_heading = true;
                self.heading_text.clear();
                self.label.clear();
                self.container = false;
            }
            Event::End(TagEnd::Heading(_)) => {
                self.in_heading = false;
                self.heading = Some(verdict(&self.heading_text));
            }
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::Item)
            | Event::Start(Tag::Table(_)) => self.label.clear(),
            Event::End(TagEnd::Paragraph) => self.paragraph_end(),
            Event::Start(Tag::BlockQuote(kind)) => {
                self.label.clear();
                self.quotes
                    .push(matches!(kind, Some(BlockQuoteKind::Caution)));
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.quotes.pop();
            }
            Event::Text(t) | Event::Code(t) => {
                if self.in_heading {
                    self.heading_text.push_str(t);
                }
                self.label.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => self.label.push('\n'),
            _ => {}
        }
    }

    /// A paragraph that opens or closes a Docusaurus container (`:::danger` … `:::`).
    fn paragraph_end(&mut self) {
        let text = self.label.trim();
        let Some(first) = text.lines().next() else {
            return;
        };
        let first = first.trim();
        let closes = text.lines().last().is_some_and(|l| l.trim() == ":::");
        if first == ":::" {
            self.container = false;
        } else if let Some(rest) = first.strip_prefix(":::") {
            let kind: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let opens = WARNING_KINDS.contains(&kind.to_lowercase().as_str())
                || verdict(first) == Verdict::Wrong;
            self.container = opens && !closes;
        } else if closes {
            self.container = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    #[test]
    fn labels() {
        for wrong in [
            "**Wrong:**",
            "❌ Bad",
            "Don't do this:",
            "Do not pass it with --set:",
            "Bad example:",
            "**Don't do this**",
            "Avoid:",
            "Incorrect example",
            "Неправильно:",
            "Плохо",
            "Не делайте так:",
            "Result 🚫",
            "!!! danger",
            "!!! note \"Wrong\"",
            ":::caution",
        ] {
            assert_eq!(verdict(wrong), Verdict::Wrong, "{wrong}");
        }
        for right in [
            "**Right:**",
            "✅ Good",
            "Правильно:",
            "Don't pass it with --set; instead write:",
            "❌ Bad above, ✅ good here:",
            "!!! danger \"Right\"",
        ] {
            assert_eq!(verdict(right), Verdict::Right, "{right}");
        }
        for neutral in [
            "How to avoid OOM kills",
            "Badge colours",
            "Run:",
            "If you don't set it, the job fails:",
            "**Wrong repository or tag:** point the chart at an image that exists:",
            "Do not set `x` on Kubernetes unless a shuffle service runs.",
            "Avoid hostPath volumes",
            "!!! note",
            "",
        ] {
            assert_eq!(verdict(neutral), Verdict::Neutral, "{neutral}");
        }
    }

    /// Whether each code block of `md` shows a mistake.
    fn marks(md: &str) -> Vec<bool> {
        let mut m = MistakeMarks::default();
        let mut out = Vec::new();
        for e in Parser::new_ext(md, crate::load::recipe::markdown_options()) {
            if matches!(e, Event::Start(Tag::CodeBlock(_))) {
                out.push(m.shows_mistake());
            }
            m.observe(&e);
        }
        out
    }

    #[test]
    fn headings_labels_and_admonitions() {
        let md = "## Wrong\n\n```bash\na\n```\n\nAlso:\n\n```bash\nb\n```\n\n✅ Right:\n\n```bash\nc\n```\n\n## Next\n\n```bash\nd\n```\n";
        assert_eq!(marks(md), [true, true, false, false]);
        let md = "> [!CAUTION]\n> This breaks:\n>\n> ```bash\n> a\n> ```\n\n> [!NOTE]\n> ```bash\n> b\n> ```\n";
        assert_eq!(marks(md), [true, false]);
        // A warning wraps a command meant to run, unless its label says otherwise.
        let md = "> [!WARNING]\n> This deletes the data:\n>\n> ```bash\n> a\n> ```\n\n> [!WARNING]\n> Don't do this:\n>\n> ```bash\n> b\n> ```\n";
        assert_eq!(marks(md), [false, true]);
        assert_eq!(marks("!!! warning\n\n```bash\na\n```\n"), [false]);
        let md = ":::danger\n\nThis breaks:\n\n```bash\na\n```\n\n:::\n\n```bash\nb\n```\n";
        assert_eq!(marks(md), [true, false]);
        let md = "- ❌ Bad:\n\n  ```bash\n  a\n  ```\n- ✅ Good:\n\n  ```bash\n  b\n  ```\n";
        assert_eq!(marks(md), [true, false]);
        let md = "# How to avoid OOM kills\n\n```bash\na\n```\n";
        assert_eq!(marks(md), [false]);
    }
}
