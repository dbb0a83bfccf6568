//! Our own CSS, JavaScript and icon, embedded in the binary and served under names that carry
//! a hash of their content, so browsers may cache them for a year and still never see a stale
//! file after an upgrade.

use sha2::{Digest, Sha256};

pub struct Asset {
    /// The name in URLs, e.g. `app.3f2a9c0d1e.css`.
    pub hashed_name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

pub struct Assets {
    pub css: Asset,
    pub js: Asset,
    /// The passkey ceremonies' browser side, loaded only by the pages that offer passkeys.
    pub passkeys_js: Asset,
    pub icon: Asset,
}

impl Assets {
    pub fn load() -> Self {
        Self {
            css: asset(
                "app",
                "css",
                "text/css; charset=utf-8",
                include_bytes!("../static/app.css"),
            ),
            js: asset(
                "app",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../static/app.js"),
            ),
            passkeys_js: asset(
                "passkeys",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("../static/passkeys.js"),
            ),
            icon: asset(
                "icon",
                "svg",
                "image/svg+xml",
                include_bytes!("../static/icon.svg"),
            ),
        }
    }

    pub fn find(&self, hashed_name: &str) -> Option<&Asset> {
        [&self.css, &self.js, &self.passkeys_js, &self.icon]
            .into_iter()
            .find(|a| a.hashed_name == hashed_name)
    }

    pub fn url(asset: &Asset) -> String {
        format!("/static/{}", asset.hashed_name)
    }
}

fn asset(stem: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let digest = Sha256::digest(bytes);
    let short: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    Asset {
        hashed_name: format!("{stem}.{short}.{ext}"),
        content_type,
        bytes,
    }
}
