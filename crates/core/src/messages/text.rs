//! A message's text as it is shown: plain text with its line breaks, and web addresses made
//! links. The parts are text, never markup; the templates escape every one of them.

use crate::record::link_url;

/// A part of a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// An `http(s)` address that passes the same check as a record's link.
    Link(&'a str),
    LineBreak,
}

/// The text's parts, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut parts = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            parts.push(Segment::LineBreak);
        }
        line_segments(line, &mut parts);
    }
    parts
}

/// Punctuation that ends a sentence rather than an address.
const TRAILING: [char; 9] = ['.', ',', ';', ':', '!', '?', ')', '"', '\''];

fn line_segments<'a>(line: &'a str, parts: &mut Vec<Segment<'a>>) {
    // `text_from` is where the text not yet pushed starts; `scan_from` where to look next.
    let mut text_from = 0;
    let mut scan_from = 0;
    while let Some(found) = next_address(&line[scan_from..]) {
        let start = scan_from + found;
        let length = line[start..]
            .find(char::is_whitespace)
            .unwrap_or(line.len() - start);
        let address = line[start..start + length].trim_end_matches(TRAILING);
        if link_url(address).is_ok() {
            if text_from < start {
                parts.push(Segment::Text(&line[text_from..start]));
            }
            parts.push(Segment::Link(address));
            text_from = start + address.len();
        }
        // Past the scheme at least, so a lone `http://` is passed over as text.
        scan_from = start + address.len().max("http://".len());
    }
    if text_from < line.len() {
        parts.push(Segment::Text(&line[text_from..]));
    }
}

/// Where the next `http://` or `https://` starts.
fn next_address(text: &str) -> Option<usize> {
    match (text.find("http://"), text.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::Segment::{LineBreak, Link, Text};
    use super::*;

    #[test]
    fn lines_and_addresses_become_parts() {
        let parts = segments("Zie https://example.org/a?b=1.\nDag");
        assert_eq!(
            parts,
            vec![
                Text("Zie "),
                Link("https://example.org/a?b=1"),
                Text("."),
                LineBreak,
                Text("Dag")
            ]
        );
    }

    #[test]
    fn what_is_not_a_plain_address_stays_text() {
        assert_eq!(
            segments("javascript:alert(1)"),
            vec![Text("javascript:alert(1)")]
        );
        assert_eq!(
            segments("http://user@evil.example/ en http://"),
            vec![Text("http://user@evil.example/ en http://")]
        );
        assert_eq!(segments("<b>http</b>"), vec![Text("<b>http</b>")]);
        assert_eq!(segments(""), Vec::<Segment<'_>>::new());
    }
}
