//! The aged balance as an inline SVG bar chart: one bar per bucket, its
//! height proportional to the amount (computed in `Decimal`, never a float),
//! the amount written above it. Negative totals (credit notes exceeding the
//! invoices of a bucket) are drawn as an empty bar with the amount in red.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::format::{Lang, html as esc, money};
use super::labels;
use crate::money::{Currency, Money};

const COLORS: [&str; 5] = ["#2e7d32", "#f2b807", "#ef8a17", "#d9480f", "#a4161a"];
const BAR_W: i64 = 120;
const GAP: i64 = 40;
const PLOT_H: i64 = 200;
const TOP: i64 = 30;

fn height(m: Money, max: Money) -> i64 {
    if !m.is_positive() || !max.is_positive() {
        return 0;
    }
    m.decimal()
        .checked_mul(Decimal::from(PLOT_H))
        .and_then(|x| x.checked_div(max.decimal()))
        .and_then(|x| x.round().to_i64())
        .unwrap_or(0)
        .clamp(0, PLOT_H)
}

/// The SVG of one currency's bucket totals; `title` names it for screen readers.
pub fn aged_bars(totals: &[Money; 5], currency: Currency, lang: Lang, title: &str) -> String {
    let max = totals.iter().copied().fold(Money::ZERO, Money::max);
    let names = labels::buckets(lang);
    let width = GAP + 5 * (BAR_W + GAP);
    let base = TOP + PLOT_H;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\"><title>{}</title>",
        base + 50,
        base + 50,
        esc(title)
    );
    s.push_str(&format!(
        "<line x1=\"{}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#9aa8b6\" stroke-width=\"1\"/>",
        GAP / 2,
        width - GAP / 2
    ));
    for (i, (amount, name)) in totals.iter().zip(names.iter()).enumerate() {
        let x = GAP + i as i64 * (BAR_W + GAP);
        let h = height(*amount, max);
        let color = COLORS.get(i).copied().unwrap_or("#555");
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{BAR_W}\" height=\"{h}\" fill=\"{color}\" rx=\"3\"/>",
            base - h
        ));
        let fill = if amount.is_negative() {
            "#a4161a"
        } else {
            "#1d2733"
        };
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"{fill}\">{}</text>",
            x + BAR_W / 2,
            base - h - 8,
            esc(&money(*amount, currency, lang))
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#3b4a5a\">{}</text>",
            x + BAR_W / 2,
            base + 20,
            esc(name)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn bars_are_proportional_and_labelled() {
        let t = [m("1000"), m("500"), m("0"), m("-20"), m("250")];
        let svg = aged_bars(&t, Currency::EUR, Lang::Fr, "EUR <x>");
        assert!(svg.contains("height=\"200\" fill=\"#2e7d32\""));
        assert!(svg.contains("height=\"100\" fill=\"#f2b807\""));
        assert!(svg.contains("height=\"50\" fill=\"#a4161a\""));
        assert!(svg.contains("1\u{202f}000,00\u{a0}€"));
        assert!(svg.contains("<title>EUR &lt;x&gt;</title>"));
        assert!(svg.contains("-20,00\u{a0}€"));
    }
}
