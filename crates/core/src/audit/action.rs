//! What an audit entry records as having happened: one stable code per action, the same in the
//! database, the API and the translation keys of the viewer (`audit-action-<code>`).

macro_rules! audit_actions {
    ($($variant:ident => $code:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)+
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            /// The code stored in the log.
            pub const fn code(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $code,)+
                }
            }

            /// The action of a stored code; `None` for a code this version does not know (an
            /// entry written by a newer or older version stays readable by its code).
            pub fn parse(code: &str) -> Option<AuditAction> {
                match code {
                    $($code => Some(AuditAction::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

audit_actions! {
    AccountRegistered => "account_registered",
    RegistrationForExistingEmail => "registration_for_existing_email",
    EmailVerified => "email_verified",
    EmailVerificationRefused => "email_verification_refused",
    EmailChanged => "email_changed",
    PasswordReset => "password_reset",
    PasswordChanged => "password_changed",
    Login => "login",
    LoginFailed => "login_failed",
    LoginThrottled => "login_throttled",
    ThrottledRequestsSummarised => "throttled_requests_summarised",
    AccountDeactivated => "account_deactivated",
    Logout => "logout",
    SessionEnded => "session_ended",
    OtherSessionsEnded => "other_sessions_ended",
    ApiTokenCreated => "api_token_created",
    ApiTokenRevoked => "api_token_revoked",
    OrganisationCreated => "organisation_created",
    OrganisationChanged => "organisation_changed",
    OrganisationOwnerAdded => "organisation_owner_added",
    OrganisationOwnerRemoved => "organisation_owner_removed",
    OperatorGranted => "operator_granted",
    OperatorRevoked => "operator_revoked",
    MasterKeyRotated => "master_key_rotated",
    HealthspaceCreated => "healthspace_created",
    HealthspaceActivated => "healthspace_activated",
    HealthspaceDeactivated => "healthspace_deactivated",
    HealthspaceSettingsChanged => "healthspace_settings_changed",
    HealthspaceLogoChanged => "healthspace_logo_changed",
    HealthspaceLogoRemoved => "healthspace_logo_removed",
    HealthspaceAliasChanged => "healthspace_alias_changed",
    InvitationSent => "invitation_sent",
    InvitationRevoked => "invitation_revoked",
    InvitationIdentityCheckFailed => "invitation_identity_check_failed",
    InvitationAddressMismatch => "invitation_address_mismatch",
    MembershipCreated => "membership_created",
    MembershipMerged => "membership_merged",
    MembershipCancelled => "membership_cancelled",
    MembershipRoleChanged => "membership_role_changed",
    ClientViewed => "client_viewed",
    ClientsListed => "clients_listed",
    ConnectionCreated => "connection_created",
    ConnectionEnded => "connection_ended",
    ConnectionsListed => "connections_listed",
    ProfileChanged => "profile_changed",
    BirthDateCorrected => "birth_date_corrected",
    MessageNoticesChanged => "message_notices_changed",
    PhotoChanged => "photo_changed",
    PhotoRemoved => "photo_removed",
    CurrentPasswordWrong => "current_password_wrong",
    EmailChangeRequested => "email_change_requested",
    PasswordResetRequested => "password_reset_requested",
    MembersListed => "members_listed",
    AuditLogViewed => "audit_log_viewed",
    AccessRefused => "access_refused",
    SecondFactorEnrolled => "second_factor_enrolled",
    SecondFactorRemoved => "second_factor_removed",
    SecondFactorReset => "second_factor_reset",
    SecondStepFailed => "second_step_failed",
    RecoveryCodeUsed => "recovery_code_used",
    RecoveryCodesRenewed => "recovery_codes_renewed",
    BrowserRemembered => "browser_remembered",
    BrowserForgotten => "browser_forgotten",
    SmsCodeUsed => "sms_code_used",
    SmsSendFailed => "sms_send_failed",
    SmsNumberChanged => "sms_number_changed",
    PasskeyEnrolled => "passkey_enrolled",
    PasskeyEnrolmentFailed => "passkey_enrolment_failed",
    PasskeyUsed => "passkey_used",
    PasskeyFailed => "passkey_failed",
    PasskeyRenamed => "passkey_renamed",
    PasskeyRemoved => "passkey_removed",
    RecordItemAdded => "record_item_added",
    RecordItemChanged => "record_item_changed",
    RecordItemDeleted => "record_item_deleted",
    RecordItemShared => "record_item_shared",
    RecordItemUnshared => "record_item_unshared",
    RecordUploadRefused => "record_upload_refused",
    RecordListed => "record_listed",
    RecordItemOpened => "record_item_opened",
    AccessLogViewed => "access_log_viewed",
    ConversationStarted => "conversation_started",
    ConversationOpened => "conversation_opened",
    MessageSent => "message_sent",
    MessageRemoved => "message_removed",
    MessageUploadRefused => "message_upload_refused",
    MessageFileOpened => "message_file_opened",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_action_and_codes_are_unique() {
        let mut codes = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.code()), Some(*action));
            assert!(codes.insert(action.code()), "{} twice", action.code());
        }
        assert_eq!(AuditAction::parse("no_such_action"), None);
    }
}
