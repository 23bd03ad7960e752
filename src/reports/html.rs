//! A tiny HTML writer: every piece of text goes through [`super::format::html`]
//! on its way in, so a name like `<script>` is shown, never run. Markup is
//! only ever written from string literals in this crate.

use super::format::html as esc;

/// A cell of a table.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text, left-aligned.
    Text(String),
    /// A figure, right-aligned, never wrapped.
    Num(String),
    /// Markup already built with this module (escaped inside).
    Raw(String),
}

/// An HTML document being written.
#[derive(Debug, Default)]
pub struct Page {
    out: String,
}

impl Page {
    /// An empty page.
    pub fn new() -> Page {
        Page::default()
    }

    /// Literal markup (from this crate's string literals only).
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        super::format::push_html(&mut self.out, text);
        self
    }

    /// `<tag attrs>text</tag>` with the text escaped; `attrs` are literal.
    pub fn el(&mut self, tag: &str, attrs: &str, text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// `<tag attrs>`.
    pub fn open(&mut self, tag: &str, attrs: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(tag);
        if !attrs.is_empty() {
            self.out.push(' ');
            self.out.push_str(attrs);
        }
        self.out.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// A table with a header row; `empty` is shown when there is no row.
    pub fn table(&mut self, class: &str, head: &[&str], rows: &[Vec<Cell>], empty: &str) {
        if rows.is_empty() {
            self.el("p", "class=\"empty\"", empty);
            return;
        }
        self.open("table", &format!("class=\"{}\"", esc(class)));
        self.raw("<thead><tr>");
        for h in head {
            self.el("th", "", h);
        }
        self.raw("</tr></thead><tbody>");
        for r in rows {
            self.raw("<tr>");
            for c in r {
                match c {
                    Cell::Text(t) => self.el("td", "", t),
                    Cell::Num(t) => self.el("td", "class=\"num\"", t),
                    Cell::Raw(m) => self.open("td", "").raw(m).close("td"),
                };
            }
            self.raw("</tr>");
        }
        self.raw("</tbody></table>");
    }

    /// The markup written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Escaped text wrapped in `<tag attrs>…</tag>`, as a string.
pub fn wrap(tag: &str, attrs: &str, text: &str) -> String {
    let mut p = Page::new();
    p.el(tag, attrs, text);
    p.finish()
}

/// The shared stylesheet of the pages: system fonts only, nothing fetched.
pub const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:24px auto;max-width:1180px;color:#1d2733;background:#fff;line-height:1.4;padding:0 16px}\
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #d8dee6;padding-bottom:4px}\
h3{font-size:16px;margin:16px 0 6px}.sub{color:#5b6b7c;margin:0 0 16px}\
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d8dee6;border-radius:8px;padding:10px 14px;min-width:150px;background:#f7f9fb}\
.card .label{font-size:13px;color:#5b6b7c}.card .value{font-size:22px;font-weight:600;white-space:nowrap}\
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:14px}th,td{border-bottom:1px solid #e3e8ee;padding:5px 8px;text-align:left;vertical-align:top}\
th{background:#eef2f6;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}tr.total td{font-weight:700;border-top:2px solid #9aa8b6}\
.empty{color:#5b6b7c;font-style:italic}.sev-critical{color:#a4161a;font-weight:700}.sev-warning{color:#b35c00;font-weight:600}.sev-info{color:#5b6b7c}\
ul.cands{margin:0;padding-left:18px}.note{color:#5b6b7c;font-size:13px}.chart{margin:6px 0}a{color:#0b5cad}\
";
