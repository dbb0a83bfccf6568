//! Text messages in the recipient's language, from the site's translations: the code and the
//! site's address (so a code asked for elsewhere stands out), nothing about their care.

use crate::state::WebState;
use carespace_app::sms::SmsTexts;
use carespace_core::language::Language;
use carespace_core::sms::SmsPurpose;

pub struct SiteSmsTexts<'a>(pub &'a WebState);

impl SmsTexts for SiteSmsTexts<'_> {
    fn code_text(&self, language: Language, purpose: SmsPurpose, code: &str) -> String {
        let key = match purpose {
            SmsPurpose::ConfirmNumber => "sms-text-confirm-number",
            SmsPurpose::Login => "sms-text-login",
            SmsPurpose::ConfirmAction => "sms-text-confirm-action",
        };
        let url = &self.0.settings.public_url;
        let site = url
            .split_once("://")
            .map_or(url.as_str(), |(_, rest)| rest)
            .trim_end_matches('/');
        let args = [("code", code), ("site", site)];
        self.0.translations.message_with_text(language, key, &args)
    }
}
