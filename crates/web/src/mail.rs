//! Emails in the recipient's language, from the same translations and a layout like the site's.
//! Links point to the installation's public URL.

use crate::state::WebState;
use askama::Template;
use carespace_app::mail::{MailMessage, MailRenderer, OutgoingMail, RenderedMail};
use carespace_core::language::Language;

pub struct SiteMailRenderer {
    state: WebState,
}

impl SiteMailRenderer {
    pub fn new(state: WebState) -> Self {
        Self { state }
    }

    fn t(&self, language: Language, key: &str, args: &[(&str, &str)]) -> String {
        self.state.translations.message_with(language, key, args)
    }
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlMail<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    body: &'a str,
    action: Option<(&'a str, &'a str)>,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextMail<'a> {
    greeting: &'a str,
    body: &'a str,
    action: Option<(&'a str, &'a str)>,
    footer: &'a str,
}

impl MailRenderer for SiteMailRenderer {
    fn render(&self, mail: &OutgoingMail) -> Result<RenderedMail, String> {
        let base = &self.state.settings.public_url;
        let lang = mail.language;
        let stem = format!("mail-{}", mail.message.kind().replace('_', "-"));
        let link = match &mail.message {
            MailMessage::VerifyEmail { token } => {
                Some(format!("{base}/verify-email?token={token}"))
            }
            MailMessage::ResetPassword { token } => {
                Some(format!("{base}/password/reset?token={token}"))
            }
            MailMessage::ConfirmNewEmail { token } => {
                Some(format!("{base}/email/confirm?token={token}"))
            }
            MailMessage::BirthDateCorrected => Some(format!("{base}/account")),
            MailMessage::AlreadyRegistered | MailMessage::PasswordChanged => {
                Some(format!("{base}/password/forgot"))
            }
            MailMessage::EmailChanged { .. } => None,
            MailMessage::OwnerAdded { .. } => Some(format!("{base}/organisation")),
            MailMessage::OwnerInvited { .. } => Some(format!("{base}/register")),
            MailMessage::Invitation { token, .. } => {
                Some(format!("{base}/invitations/accept?token={token}"))
            }
            MailMessage::ApiTokenCreated { .. } => Some(format!("{base}/account/tokens")),
            MailMessage::InvitationReminder { .. }
            | MailMessage::MembershipCancelled { .. }
            | MailMessage::RoleChanged { .. } => Some(format!("{base}/account/memberships")),
            MailMessage::ConnectionMade { .. } | MailMessage::ConnectionEnded { .. } => {
                Some(format!("{base}/account/connections"))
            }
            MailMessage::ConnectionEndedForStaff { .. } => None,
            MailMessage::NewMessage { conversation, .. } => {
                Some(format!("{base}/messages/{conversation}"))
            }
            MailMessage::SecondFactorAdded
            | MailMessage::SecondFactorRemoved
            | MailMessage::RecoveryCodeUsed { .. }
            | MailMessage::RecoveryCodesRenewed
            | MailMessage::SmsNumberAdded
            | MailMessage::SmsNumberRemoved
            | MailMessage::AppRemoved
            | MailMessage::PasskeyAdded { .. }
            | MailMessage::PasskeyRemoved { .. } => Some(format!("{base}/account/two-step")),
        };
        let (new_email, organisation) = match &mail.message {
            MailMessage::EmailChanged { new_email } => (new_email.as_str(), ""),
            MailMessage::OwnerAdded { organisation }
            | MailMessage::OwnerInvited { organisation } => ("", organisation.as_str()),
            MailMessage::Invitation { healthspace, .. }
            | MailMessage::InvitationReminder { healthspace, .. }
            | MailMessage::MembershipCancelled { healthspace, .. }
            | MailMessage::RoleChanged { healthspace, .. }
            | MailMessage::ConnectionMade { healthspace, .. }
            | MailMessage::ConnectionEnded { healthspace, .. }
            | MailMessage::ConnectionEndedForStaff { healthspace, .. }
            | MailMessage::NewMessage { healthspace, .. } => ("", healthspace.as_str()),
            _ => ("", ""),
        };
        let token_name = match &mail.message {
            MailMessage::ApiTokenCreated { name } => name.as_str(),
            _ => "",
        };
        let passkey = match &mail.message {
            MailMessage::PasskeyAdded { name } | MailMessage::PasskeyRemoved { name } => {
                name.as_str()
            }
            _ => "",
        };
        let left = match &mail.message {
            MailMessage::RecoveryCodeUsed { left } => left.to_string(),
            _ => String::new(),
        };
        let staff = match &mail.message {
            MailMessage::ConnectionMade { staff, .. }
            | MailMessage::ConnectionEnded { staff, .. } => staff.as_str(),
            _ => "",
        };
        let client = match &mail.message {
            MailMessage::ConnectionEndedForStaff { client, .. } => client.as_str(),
            _ => "",
        };
        let role = match &mail.message {
            MailMessage::Invitation { role, .. }
            | MailMessage::InvitationReminder { role, .. }
            | MailMessage::RoleChanged { role, .. } => self.t(lang, &format!("role-{role}"), &[]),
            _ => String::new(),
        };
        // Only the Healthspace's name goes into a subject (a new message's, where it is).
        let subject = self.t(
            lang,
            &format!("{stem}-subject"),
            &[("organisation", organisation)],
        );
        let greeting = if mail.name.is_empty() {
            self.t(lang, "mail-greeting-anonymous", &[])
        } else {
            self.t(lang, "mail-greeting", &[("name", &mail.name)])
        };
        let body_key = match &mail.message {
            // Staff and admins have no record there to keep; a client is told theirs stays.
            MailMessage::MembershipCancelled { role, .. } if role == "staff" || role == "admin" => {
                format!("{stem}-staff-body")
            }
            _ => format!("{stem}-body"),
        };
        let body = self.t(
            lang,
            &body_key,
            &[
                ("new_email", new_email),
                ("organisation", organisation),
                ("email", &mail.to),
                ("role", &role),
                ("token_name", token_name),
                ("passkey", passkey),
                ("left", &left),
                ("staff", staff),
                ("client", client),
            ],
        );
        let action_label = self.t(lang, &format!("{stem}-action"), &[]);
        let action = link.as_deref().map(|url| (action_label.as_str(), url));
        let footer = self.t(lang, "mail-footer", &[("url", base)]);
        let html = HtmlMail {
            lang: lang.code(),
            subject: &subject,
            greeting: &greeting,
            body: &body,
            action,
            footer: &footer,
        }
        .render()
        .map_err(|e| format!("email template: {e}"))?;
        let text = TextMail {
            greeting: &greeting,
            body: &body,
            action,
            footer: &footer,
        }
        .render()
        .map_err(|e| format!("email template: {e}"))?;
        Ok(RenderedMail {
            subject,
            text,
            html,
        })
    }
}
