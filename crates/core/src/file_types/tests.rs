use super::*;

/// A zip whose first entry is named `name` (the local header's name starts at byte 30).
fn zip_with_first_entry(name: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend_from_slice(&[0; 22]);
    bytes.extend_from_slice(&(name.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    bytes.extend_from_slice(name);
    bytes.extend_from_slice(rest);
    bytes
}

#[test]
fn each_accepted_kind_is_known_by_its_first_bytes() {
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec();
    let cases: Vec<(Vec<u8>, FileKind)> = vec![
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(), FileKind::Pdf),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec(), FileKind::Jpeg),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            FileKind::Png,
        ),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec(), FileKind::Webp),
        (heic, FileKind::Heic),
        (
            zip_with_first_entry(b"word/document.xml", b""),
            FileKind::Docx,
        ),
        (
            zip_with_first_entry(b"mimetype", b"application/vnd.oasis.opendocument.text"),
            FileKind::Odt,
        ),
        (
            "Afspraak: dinsdag, één uur".as_bytes().to_vec(),
            FileKind::Text,
        ),
    ];
    for (bytes, kind) in cases {
        assert_eq!(FileKind::sniff(&bytes), Some(kind), "{kind:?}");
        assert_eq!(FileKind::from_media_type(kind.media_type()), Some(kind));
    }
}

#[test]
fn programs_and_other_binaries_are_refused_whatever_they_carry() {
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend_from_slice(&[0; 56]);
    assert_eq!(FileKind::sniff(&elf), None);
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.extend_from_slice(b"%PDF-1.4 pretending");
    exe.extend_from_slice(&[0; 64]);
    assert_eq!(FileKind::sniff(&exe), None);
    assert_eq!(FileKind::sniff(b"GIF89a\x01\x00\x01\x00"), None);
    assert_eq!(FileKind::sniff(b"text with a \x00 byte"), None);
    assert_eq!(FileKind::sniff(b"\xff\xfe not utf-8"), None);
    assert_eq!(FileKind::sniff(b""), None);
}

#[test]
fn text_cut_inside_a_character_is_still_text() {
    let text = "één".as_bytes();
    assert_eq!(
        FileKind::sniff(&text[..text.len() - 1]),
        Some(FileKind::Text)
    );
}

#[test]
fn only_pictures_show_inline() {
    assert!(FileKind::Png.is_image());
    assert!(!FileKind::Pdf.is_image());
    assert!(!FileKind::Text.is_image());
}

#[test]
fn file_names_lose_paths_control_characters_and_quotes() {
    assert_eq!(sanitised_file_name("../../etc/passwd"), "passwd");
    assert_eq!(sanitised_file_name("C:\\Users\\an\\brief.pdf"), "brief.pdf");
    assert_eq!(sanitised_file_name("a\"b\r\nc;d.pdf"), "abcd.pdf");
    assert_eq!(sanitised_file_name("  ..verslag.pdf.. "), "verslag.pdf");
    assert_eq!(sanitised_file_name("../"), "download");
    assert_eq!(sanitised_file_name(""), "download");
    assert_eq!(sanitised_file_name(&"x".repeat(500)).chars().count(), 120);
}

#[test]
fn the_header_value_carries_an_ascii_and_a_utf8_name() {
    assert_eq!(
        content_disposition("brief.pdf", false),
        "attachment; filename=\"brief.pdf\"; filename*=UTF-8''brief.pdf"
    );
    assert_eq!(
        content_disposition("dir/Überweisung 1.png", true),
        "inline; filename=\"_berweisung 1.png\"; filename*=UTF-8''%C3%9Cberweisung%201.png"
    );
}
