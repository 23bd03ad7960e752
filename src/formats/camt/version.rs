//! Which message and version a document is: `camt.053.001.NN` (statement),
//! `camt.052.001.NN` (account report) or `camt.054.001.NN` (notification),
//! from the root's namespace (default or prefixed) and the message element.
//! A document without namespace is version 0.

use super::tag::Tag;
use crate::statement::SourceFormat;

/// The three message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Message {
    /// camt.053 `BkToCstmrStmt` / `Stmt`.
    Statement,
    /// camt.052 `BkToCstmrAcctRpt` / `Rpt`.
    Report,
    /// camt.054 `BkToCstmrDbtCdtNtfctn` / `Ntfctn`.
    Notification,
}

impl Message {
    /// The message from the element under `Document`.
    pub(super) fn from_tag(tag: Tag) -> Option<Message> {
        match tag {
            Tag::BkToCstmrStmt | Tag::BkToCstmrStmtV01 => Some(Message::Statement),
            Tag::BkToCstmrAcctRpt => Some(Message::Report),
            Tag::BkToCstmrDbtCdtNtfctn => Some(Message::Notification),
            _ => None,
        }
    }

    /// The element holding one statement, report or notification.
    pub(super) fn block(self) -> Tag {
        match self {
            Message::Statement => Tag::Stmt,
            Message::Report => Tag::Rpt,
            Message::Notification => Tag::Ntfctn,
        }
    }

    fn number(self) -> u16 {
        match self {
            Message::Statement => 53,
            Message::Report => 52,
            Message::Notification => 54,
        }
    }

    /// The source format with its version.
    pub(super) fn format(self, version: u8) -> SourceFormat {
        match self {
            Message::Statement => SourceFormat::Camt053 { version },
            Message::Report => SourceFormat::Camt052 { version },
            Message::Notification => SourceFormat::Camt054 { version },
        }
    }
}

/// `urn:iso:std:iso:20022:tech:xsd:camt.053.001.08` → (53, 8).
pub(super) fn from_namespace(ns: &str) -> Option<(u16, u8)> {
    let at = ns.find("camt.")?;
    let rest = ns.get(at + 5..)?;
    let mut parts = rest.split('.');
    let msg: u16 = parts.next()?.parse().ok()?;
    let variant = parts.next()?;
    let version = parts.next()?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    if variant != "001" || digits.is_empty() {
        return None;
    }
    Some((msg, digits.parse().ok()?))
}

/// The version for `message` given the root namespace; `Err` carries a note
/// when the namespace names another message type (the element wins).
pub(super) fn version(message: Message, ns: Option<&str>) -> (u8, Option<String>) {
    let Some(ns) = ns.filter(|s| !s.trim().is_empty()) else {
        return (0, None);
    };
    match from_namespace(ns) {
        Some((msg, v)) if msg == message.number() => (v, None),
        Some((msg, v)) => (
            v,
            Some(format!(
                "namespace says camt.{msg:03} but the message element is camt.{:03}",
                message.number()
            )),
        ),
        None => (
            0,
            Some(format!(
                "namespace {ns:?} is not an ISO 20022 camt namespace"
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces() {
        assert_eq!(
            from_namespace("urn:iso:std:iso:20022:tech:xsd:camt.053.001.13"),
            Some((53, 13))
        );
        assert_eq!(
            from_namespace("urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"),
            Some((54, 2))
        );
        assert_eq!(from_namespace("urn:foo"), None);
        assert_eq!(version(Message::Statement, None), (0, None));
        let (v, note) = version(
            Message::Statement,
            Some("urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"),
        );
        assert_eq!(v, 8);
        assert!(note.is_some());
        assert_eq!(Message::Report.format(8).label(), "camt.052.001.08");
    }
}
