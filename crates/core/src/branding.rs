//! A Healthspace's brand colours, checked against WCAG 2.2 AA before they are accepted:
//! text on the brand colour, and the brand colour as link text on the page's light
//! backgrounds, must each reach a contrast ratio of 4.5:1 (success criterion 1.4.3).

/// The page backgrounds the brand colour appears on as link and heading colour.
pub const PAGE_BACKGROUNDS: [Colour; 2] = [Colour([0xff, 0xff, 0xff]), Colour([0xf3, 0xf6, 0xf8])];

/// WCAG AA minimum for normal-size text.
pub const AA_NORMAL_TEXT: f64 = 4.5;

/// An sRGB colour written as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour([u8; 3]);

impl Colour {
    pub fn parse(text: &str) -> Result<Colour, &'static str> {
        let hex = text.trim().strip_prefix('#').ok_or("colour_format")?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("colour_format");
        }
        let channel =
            |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| "colour_format");
        Ok(Colour([channel(0)?, channel(2)?, channel(4)?]))
    }

    /// `#rrggbb`, lowercase.
    pub fn hex(&self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Relative luminance as WCAG defines it.
    fn luminance(&self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// The contrast ratio between two colours, from 1 to 21.
    pub fn contrast(&self, other: &Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }
}

/// The brand colour and the colour of text on it, both readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandColours {
    pub primary: Colour,
    pub primary_text: Colour,
}

impl BrandColours {
    /// Refuses a pair where text on the brand colour, or the brand colour as text on the page,
    /// falls below WCAG AA.
    pub fn check(primary: Colour, primary_text: Colour) -> Result<BrandColours, &'static str> {
        if primary.contrast(&primary_text) < AA_NORMAL_TEXT {
            return Err("colour_text_contrast");
        }
        if PAGE_BACKGROUNDS
            .iter()
            .any(|background| primary.contrast(background) < AA_NORMAL_TEXT)
        {
            return Err("colour_page_contrast");
        }
        Ok(BrandColours {
            primary,
            primary_text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colour(text: &str) -> Colour {
        Colour::parse(text).unwrap()
    }

    #[test]
    fn colours_are_six_hex_digits_after_a_hash() {
        assert_eq!(colour(" #0B5C8A ").hex(), "#0b5c8a");
        for bad in ["0b5c8a", "#0b5c8", "#0b5c8az", "#gggggg", "", "red"] {
            assert_eq!(Colour::parse(bad), Err("colour_format"), "{bad}");
        }
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        let (white, black) = (colour("#ffffff"), colour("#000000"));
        assert!((white.contrast(&black) - 21.0).abs() < 1e-9);
        assert!((white.contrast(&white) - 1.0).abs() < 1e-9);
        // #767676 on white is the lightest grey that passes AA (4.54:1); #777777 fails (4.48:1).
        assert!(colour("#767676").contrast(&white) >= AA_NORMAL_TEXT);
        assert!(colour("#777777").contrast(&white) < AA_NORMAL_TEXT);
    }

    #[test]
    fn readable_pairs_pass_and_unreadable_ones_are_refused() {
        assert!(BrandColours::check(colour("#0b5c8a"), colour("#ffffff")).is_ok());
        assert!(BrandColours::check(colour("#1d4d2b"), colour("#fafafa")).is_ok());
        // Yellow with black text reads well on itself but vanishes as link text on white.
        assert_eq!(
            BrandColours::check(colour("#ffd400"), colour("#000000")),
            Err("colour_page_contrast")
        );
        // Dark blue with dark grey text on it.
        assert_eq!(
            BrandColours::check(colour("#0b5c8a"), colour("#333333")),
            Err("colour_text_contrast")
        );
    }
}
