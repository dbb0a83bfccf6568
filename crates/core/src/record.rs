//! The record: what a client keeps (documents and links) and the events of their care. A client
//! decides per Healthspace whether an item is shared with its connected staff; private is the
//! default, so an item no one chose to share is seen by the client alone.

use crate::accounts::FieldProblem;

/// What a record item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// An uploaded file with a title and a note.
    Document,
    /// A useful address with a title and a note.
    Link,
}

impl ItemKind {
    pub const fn code(self) -> &'static str {
        match self {
            ItemKind::Document => "document",
            ItemKind::Link => "link",
        }
    }

    pub fn parse(code: &str) -> Option<ItemKind> {
        match code {
            "document" => Some(ItemKind::Document),
            "link" => Some(ItemKind::Link),
            _ => None,
        }
    }
}

/// What happened in a client's care, written by the use case that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The client shared an item with a Healthspace.
    DocumentShared,
    /// The client became a client of a Healthspace.
    MembershipStarted,
    /// The client's membership ended (cancelled, or their role changed).
    MembershipEnded,
    /// A staff member was connected to the client.
    ConnectionMade,
    /// A staff member's connection to the client ended.
    ConnectionEnded,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::DocumentShared,
        EventKind::MembershipStarted,
        EventKind::MembershipEnded,
        EventKind::ConnectionMade,
        EventKind::ConnectionEnded,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            EventKind::DocumentShared => "document_shared",
            EventKind::MembershipStarted => "membership_started",
            EventKind::MembershipEnded => "membership_ended",
            EventKind::ConnectionMade => "connection_made",
            EventKind::ConnectionEnded => "connection_ended",
        }
    }

    pub fn parse(code: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// A title and an optional note, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub title: String,
    pub note: Option<String>,
}

/// The title and note a person typed, checked together so that they see every problem at once.
pub fn described(title_input: &str, note_input: &str) -> Result<Described, Vec<FieldProblem>> {
    let title = title(title_input).map_err(|code| FieldProblem::new("title", code));
    let note = note(note_input).map_err(|code| FieldProblem::new("note", code));
    match (title, note) {
        (Ok(title), Ok(note)) => Ok(Described { title, note }),
        (title, note) => Err([title.err(), note.err()].into_iter().flatten().collect()),
    }
}

/// A link's title, address and note, checked together.
pub fn link(
    title_input: &str,
    url_input: &str,
    note_input: &str,
) -> Result<(Described, String), Vec<FieldProblem>> {
    let described = described(title_input, note_input);
    let url = link_url(url_input).map_err(|code| FieldProblem::new("url", code));
    match (described, url) {
        (Ok(described), Ok(url)) => Ok((described, url)),
        (described, url) => {
            let mut problems = described.err().unwrap_or_default();
            problems.extend(url.err());
            Err(problems)
        }
    }
}

/// The most characters in a title.
pub const TITLE_MAX: usize = 200;
/// The most characters in a note.
pub const NOTE_MAX: usize = 2000;
/// The most characters in a link's address.
pub const URL_MAX: usize = 2000;

/// A title: trimmed, not empty, at most [`TITLE_MAX`] characters.
pub fn title(input: &str) -> Result<String, &'static str> {
    let title = input.trim();
    if title.is_empty() {
        Err("title_missing")
    } else if title.chars().count() > TITLE_MAX {
        Err("title_too_long")
    } else {
        Ok(title.to_owned())
    }
}

/// A note: trimmed, at most [`NOTE_MAX`] characters; an empty one is no note.
pub fn note(input: &str) -> Result<Option<String>, &'static str> {
    let note = input.trim();
    if note.chars().count() > NOTE_MAX {
        Err("note_too_long")
    } else {
        Ok((!note.is_empty()).then(|| note.to_owned()))
    }
}

/// A link's address: an absolute `http` or `https` URL with a host, without spaces or control
/// characters (it becomes an `href`, so `javascript:` and the like never pass).
pub fn link_url(input: &str) -> Result<String, &'static str> {
    let url = input.trim();
    if url.is_empty() {
        return Err("url_missing");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let valid = url.chars().count() <= URL_MAX
        && host.is_some_and(host_is_plain)
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(url.to_owned())
    } else {
        Err("url_invalid")
    }
}

/// A link's host (with its port): a name of letters, digits, dots and hyphens, or an IPv6
/// address in brackets. No user part (`user@host` hides the real host from a reader).
fn host_is_plain(host: &str) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((address, port)) => {
                let address_ok = !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
                if !address_ok {
                    return false;
                }
                ("ipv6", port)
            }
            None => return false,
        },
        None => match host.find(':') {
            Some(at) => host.split_at(at),
            None => (host, ""),
        },
    };
    let port = match port {
        "" => true,
        port => port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        }),
    };
    port && !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_required_and_bounded() {
        assert_eq!(title("  Verwijsbrief  "), Ok("Verwijsbrief".to_owned()));
        assert_eq!(title("   "), Err("title_missing"));
        assert_eq!(title(&"é".repeat(TITLE_MAX)).map(|t| t.len()), Ok(400));
        assert_eq!(title(&"a".repeat(TITLE_MAX + 1)), Err("title_too_long"));
    }

    #[test]
    fn an_empty_note_is_no_note() {
        assert_eq!(note("  "), Ok(None));
        assert_eq!(note(" na de MRI "), Ok(Some("na de MRI".to_owned())));
        assert_eq!(note(&"a".repeat(NOTE_MAX + 1)), Err("note_too_long"));
    }

    #[test]
    fn links_are_absolute_web_addresses_only() {
        assert_eq!(
            link_url(" https://www.thuisarts.nl/angst "),
            Ok("https://www.thuisarts.nl/angst".to_owned())
        );
        assert!(link_url("http://example.org").is_ok());
        assert!(link_url("http://[::1]:8080/x").is_ok());
        assert!(link_url("https://zorgwijzer.nl:443/ä?q=1#a").is_ok());
        for bad in [
            "javascript:alert(1)",
            "www.example.org",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "ftp://example.org",
            "data:text/html,hi",
            "http://[",
            "http://[zz]/",
            "https://user@example.org",
            "https://example.org:port",
        ] {
            assert_eq!(link_url(bad), Err("url_invalid"), "{bad}");
        }
        assert_eq!(link_url(""), Err("url_missing"));
    }

    #[test]
    fn every_problem_of_a_link_is_told_at_once() {
        let problems = link("", "javascript:alert(1)", &"a".repeat(NOTE_MAX + 1)).unwrap_err();
        let codes: Vec<_> = problems.iter().map(|p| (p.field, p.code)).collect();
        assert_eq!(
            codes,
            [
                ("title", "title_missing"),
                ("note", "note_too_long"),
                ("url", "url_invalid")
            ]
        );
        let (described, url) = link(" Thuisarts ", "https://thuisarts.nl", "").unwrap();
        assert_eq!(described.title, "Thuisarts");
        assert_eq!(
            (described.note, url.as_str()),
            (None, "https://thuisarts.nl")
        );
    }

    #[test]
    fn event_kinds_read_back_from_their_codes() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(EventKind::parse("call"), None);
    }
}
