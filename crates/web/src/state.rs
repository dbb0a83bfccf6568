use crate::assets::Assets;
use crate::i18n::Translations;
use crate::metrics::Metrics;
use crate::settings::WebSettings;
use carespace_app::AppContext;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct WebState(Arc<Inner>);

pub struct Inner {
    pub app: AppContext,
    pub settings: WebSettings,
    pub translations: Translations,
    pub assets: Assets,
    pub metrics: Arc<Metrics>,
    /// The mail folder shown at `/dev/inbox`, when that page is turned on.
    pub dev_inbox: Option<PathBuf>,
}

impl WebState {
    pub fn new(
        app: AppContext,
        settings: WebSettings,
        dev_inbox: Option<PathBuf>,
    ) -> Result<Self, String> {
        Ok(Self(Arc::new(Inner {
            app,
            settings,
            translations: Translations::load()?,
            assets: Assets::load(),
            metrics: Arc::new(Metrics::new()),
            dev_inbox,
        })))
    }
}

impl Deref for WebState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
