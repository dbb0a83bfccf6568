//! The account as its owner sees it, and the email to its own address.

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::mail::{self, MailMessage};
use carespace_core::ids::AccountId;
use carespace_core::language::Language;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::accounts::{self as store, AccountRow};

/// An account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub full_name: String,
    /// `YYYY-MM-DD`; set at registration and never changed by the user.
    pub birth_date: String,
    pub language: Language,
    pub phone: Option<String>,
    pub has_photo: bool,
    pub verified: bool,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Account {
            language: row.language.parse().unwrap_or(Language::Nl),
            id: row.id,
            email: row.email,
            full_name: row.full_name,
            birth_date: row.birth_date,
            phone: row.phone,
            has_photo: row.photo_id.is_some(),
            verified: row.email_verified_at.is_some(),
        }
    }
}

pub async fn find(ctx: &AppContext, account_id: &AccountId) -> AppResult<Account> {
    store::find(&ctx.db, account_id)
        .await?
        .map(Account::from)
        .ok_or(AppError::NotFound)
}

/// Queues an email to the account's own address, in the account's language.
pub(crate) async fn email_owner(
    tx: &mut Tx,
    account: &AccountRow,
    message: MailMessage,
    now: Timestamp,
) -> AppResult<()> {
    let language = account.language.parse().unwrap_or(Language::Nl);
    mail::enqueue(
        tx,
        &account.email,
        &account.full_name,
        language,
        message,
        now,
    )
    .await
}

/// A filter on a person typed as an email address: `Some(None)` when none was typed,
/// `Some(Some(id))` for an address that is someone's, `None` for one that is nobody's (so the
/// filter matches nothing).
pub(crate) async fn filter_by_email(
    ctx: &AppContext,
    email: &str,
) -> AppResult<Option<Option<AccountId>>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(Some(None));
    }
    Ok(store::find_by_email(&ctx.db, &email)
        .await?
        .map(|account| Some(account.id)))
}
