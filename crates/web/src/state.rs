use crate::assets::Assets;
use crate::i18n::Translations;
use crate::metrics::Metrics;
use crate::settings::WebSettings;
use carespace_app::AppContext;
use std::ops::Deref;
use std::sync::Arc;

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct WebState(Arc<Inner>);

pub struct Inner {
    pub app: AppContext,
    pub settings: WebSettings,
    pub translations: Translations,
    pub assets: Assets,
    pub metrics: Metrics,
}

impl WebState {
    pub fn new(app: AppContext, settings: WebSettings) -> Result<Self, String> {
        Ok(Self(Arc::new(Inner {
            app,
            settings,
            translations: Translations::load()?,
            assets: Assets::load(),
            metrics: Metrics::new(),
        })))
    }
}

impl Deref for WebState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
