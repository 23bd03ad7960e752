//! ISO 20022 CAMT: camt.053 bank-to-customer statements (every version,
//! 001.02 to 001.13), camt.052 account reports and camt.054 debit/credit
//! notifications, streamed into the statement model.
//!
//! Elements are recognised by local name, whatever the prefix (`ns2:`) or
//! namespace; the version (from the namespace, 0 without one) only labels the
//! [`SourceFormat`](crate::statement::SourceFormat): the version differences
//! (`Sts` text or `Sts/Cd`, `Dbtr/Nm` or `Dbtr/Pty/Nm`, `Dt` or `DtTm`,
//! `TxDtls/Amt` or `AmtDtls/…/Amt`, `BIC` or `BICFI`, `PRCD` for `OPBD`) are
//! all accepted everywhere. See `entry.rs` for how entries become transactions.
//!
//! Memory does not grow with the number of entries: [`parse_streaming`] hands
//! each entry to a [`CamtSink`] as soon as its `</Ntry>` is read (only the set
//! of ids used in the current statement is kept, to keep ids unique).
//! Safety: no DTD or entity definition is ever read (a DOCTYPE is an error),
//! element text is capped at 1 MiB, any one tag or text run at about 1 MiB,
//! nesting at 64 levels; NUL bytes are refused. Input is UTF-8 (BOM or not) or
//! any ASCII-compatible encoding it declares (ISO-8859-1, windows-1252…),
//! transcoded while streaming; an undeclared non-UTF-8 file given to
//! [`parse`] is read again as windows-1252 with a finding.
//!
//! Module map: `input` (bytes, encodings, line/column counting), `reader`
//! (XML events, path, limits), `tag` (interned names), `version`,
//! `statement` / `entry` (builders), `charges` (the charges an entry
//! states), `codes` (bank transaction codes), `values` (leaf values),
//! `leaf_amount` (amounts, read only where a builder uses them), `parser`
//! (the event loop), `sink`.

mod charges;
#[cfg(test)]
mod charges_tests;
mod codes;
mod entry;
#[cfg(test)]
mod entry_tests;
mod input;
mod leaf_amount;
#[cfg(test)]
mod leaf_tests;
mod parser;
mod reader;
mod sink;
mod split;
mod statement;
mod tag;
mod tx_builder;
mod values;
mod version;

use std::io::{BufRead, Cursor, Read};
use std::path::Path;

pub use sink::{CamtSink, Collect, StatementEnd};

use super::{ParseError, ParseErrorKind, Parsed};
use crate::statement::{Finding, FindingKind, Location};
use input::Declared;

/// Parses a whole CAMT document held in memory. `file` names the input in
/// errors and findings only.
pub fn parse(bytes: &[u8], file: &Path) -> Result<Parsed, ParseError> {
    let mut sink = Collect::default();
    match parse_streaming(bytes, file, &mut sink) {
        Ok(findings) => Ok(Parsed {
            statements: sink.statements,
            findings,
        }),
        Err(e) if reader::Xml::<&[u8]>::is_encoding_error(&e) && declares_nothing(bytes) => {
            let mut sink = Collect::default();
            let mut findings = vec![Finding::new(
                FindingKind::Other,
                Location::default(),
                "not valid UTF-8 and no encoding declared: read as windows-1252 (ISO-8859-1)",
            )];
            let mut src = bytes;
            let (head, _) = input::sniff(&mut src).map_err(|e| ParseError::io(file, &e))?;
            let chained = Cursor::new(head).chain(src);
            let t = input::Transcoder::new(chained, encoding_rs::WINDOWS_1252);
            findings.extend(run(t, file, &mut sink)?);
            Ok(Parsed {
                statements: sink.statements,
                findings,
            })
        }
        Err(e) => Err(e),
    }
}

fn declares_nothing(bytes: &[u8]) -> bool {
    let mut src = bytes;
    matches!(
        input::sniff(&mut src),
        Ok((_, Ok(Declared::Utf8 { implicit: true })))
    )
}

/// Parses a CAMT document from a reader, handing statements and entries to
/// `sink` as they are read. Returns the findings (at most 10 000 listed, then a
/// count). On error the sink may have received part of the document.
pub fn parse_streaming<R: BufRead>(
    mut reader: R,
    file: &Path,
    sink: &mut impl CamtSink,
) -> Result<Vec<Finding>, ParseError> {
    let (head, declared) = input::sniff(&mut reader).map_err(|e| ParseError::io(file, &e))?;
    let chained = Cursor::new(head).chain(reader);
    match declared {
        Ok(Declared::Utf8 { .. }) => run(chained, file, sink),
        Ok(Declared::Other(enc)) => run(input::Transcoder::new(chained, enc), file, sink),
        Err(label) => Err(ParseError::new(
            file,
            Location::at(1, 1, 0),
            "encoding",
            ParseErrorKind::Invalid {
                expected: "UTF-8 or an ASCII-compatible encoding such as ISO-8859-1".into(),
                found: label,
            },
        )),
    }
}

fn run<R: Read>(src: R, file: &Path, sink: &mut impl CamtSink) -> Result<Vec<Finding>, ParseError> {
    let mut xml = reader::Xml::new(src, file);
    parser::Parser::new(file, sink).run(&mut xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "<ns:Document xmlns:ns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n <ns:BkToCstmrStmt>\n  <ns:Stmt>\n   <ns:Id>S1</ns:Id>\n";

    fn error(doc: &str) -> String {
        parse(doc.as_bytes(), Path::new("t.xml"))
            .map(|_| "no error".to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn errors_name_unknown_and_prefixed_elements_at_their_tag() {
        // A prefixed element in the path, after indentation: the position is
        // the `<` of the element's start tag.
        let doc = format!(
            "{HEAD}   <ns:Ntry>\n    <ns:NtryDtls><ns:TxDtls>\n      <ns:Amt Ccy=\"EUR\">1,5</ns:Amt>\n"
        );
        assert_eq!(
            error(&doc),
            "t.xml: line 7, column 7: Document/BkToCstmrStmt/Stmt/Ntry/NtryDtls/TxDtls/Amt: expected a decimal amount (digits and an optional '.'; at most 13 digits before the point and 5 after), found \"1,5\""
        );
        // An amount under an unknown element is no amount of pointage's: not
        // read (review 37 L5), the error is the truncated file's.
        let doc =
            format!("{HEAD}   <ns:Ntry>\n    <ns:Xtra>\n      <ns:Amt Ccy=\"EUR\">1,5</ns:Amt>\n");
        assert!(
            error(&doc).ends_with("Document/BkToCstmrStmt/Stmt/Ntry/Xtra is not closed"),
            "{}",
            error(&doc)
        );
        // An unknown element closed, then a truncated document: the path is
        // that of the open elements only.
        let doc = format!("{HEAD}   <Unknown>x</Unknown>\n   <ns:Ntry>\n");
        assert!(
            error(&doc).ends_with(
                "Document/BkToCstmrStmt/Stmt/Ntry: unexpected end of file: Document/BkToCstmrStmt/Stmt/Ntry is not closed"
            ),
            "{}",
            error(&doc)
        );
    }

    /// The text of an `Amt` that is not an amount, as the error shows it.
    fn found(amt_text: &str) -> String {
        let doc = format!("{HEAD}   <ns:Ntry>\n    <ns:Amt Ccy=\"EUR\">{amt_text}</ns:Amt>");
        let e = error(&doc);
        e.split_once("found ")
            .map(|(_, f)| f.to_string())
            .unwrap_or(e)
    }

    #[test]
    fn text_keeps_its_leading_whitespace() {
        // The reader skips whitespace after a start tag and gives it back
        // when text follows: errors show the text exactly as written.
        assert_eq!(found("\n      8,5"), "\"\\n      8,5\"");
        assert_eq!(found("   "), "\"   \"");
        assert_eq!(found(" \t&#49;,5"), "\" \\t1,5\"");
        assert_eq!(found("  <!-- c -->x"), "\"  x\"");
        assert_eq!(found("  <![CDATA[1,]]>5"), "\"  1,5\"");
        // Whitespace across the reader's 64 KiB buffers.
        let long = format!("\t{}x", " ".repeat(70_000));
        assert_eq!(found(&long), format!("\"\\t{}\"", " ".repeat(39)));
    }

    #[test]
    fn leading_whitespace_survives_a_buffer_boundary_anywhere() {
        // The reader's first buffer ends after the 512 bytes read to find
        // the encoding: shift the text across that boundary byte by byte.
        let before = format!("{HEAD}   <ns:Ntry>\n    <ns:Amt Ccy=\"EUR\">");
        for shift in 0..12 {
            let pad = 512 - before.len() - 6 + shift;
            let doc = format!(
                "{HEAD}<!--{}-->   <ns:Ntry>\n    <ns:Amt Ccy=\"EUR\"> \n \t8,5</ns:Amt>",
                "-".repeat(pad - 7).replace("--", "-x")
            );
            let e = error(&doc);
            assert!(e.ends_with("found \" \\n \\t8,5\""), "shift {shift}: {e}");
        }
    }

    #[test]
    fn an_error_in_text_after_whitespace_is_where_the_text_run_starts() {
        // Whitespace and the text after it were one event: an error in that
        // text (here bytes that are not UTF-8) is placed at its start.
        for (tail, at) in [
            (
                &b"   <ns:Ntry>\n    \xff</ns:Ntry>"[..],
                "line 6, column 13",
            ),
            (
                &b"   <ns:Xtra></ns:Xtra>\n   \xff<x/>"[..],
                "line 6, column 23",
            ),
            (
                &b"   <ns:Ntry>\n  <ns:Amt>\xff</ns:Amt>"[..],
                "line 7, column 11",
            ),
        ] {
            let mut doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
            doc.extend_from_slice(HEAD.as_bytes());
            doc.extend_from_slice(tail);
            let e = parse(&doc, Path::new("t.xml")).map(|_| String::new());
            let e = e.unwrap_or_else(|e| e.to_string());
            assert!(e.starts_with(&format!("t.xml: {at}: ")), "{e}");
        }
    }

    #[test]
    fn an_error_at_an_end_tag_after_indentation_is_at_that_tag() {
        let doc = format!("{HEAD}   <ns:Ntry>\n   </ns:Ntryx>\n");
        let e = error(&doc);
        assert!(e.starts_with("t.xml: line 6, column 4: "), "{e}");
    }
}
