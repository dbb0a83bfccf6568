use crate::audit_batch::AuditLog;
use crate::files::scanner::Scanner;
use crate::gate::Gate;
use crate::keys::Keys;
use crate::live::Live;
use crate::passkeys::RelyingParty;
use crate::passwords::HashGate;
use crate::refusals::Refusals;
use crate::settings::{AccountSettings, MessageSettings, PrivacySettings, RetentionSettings};
use crate::sms::SmsService;
use carespace_core::time::{Clock, Timestamp};
use carespace_store::Db;
use carespace_store::files::FileStore;
use std::sync::Arc;

/// What every use case may reach: the database (holding the audit chain's key), the batched
/// appender for read entries, the clock, the file store, the settings and the gates that bound
/// heavy work. Cheap to clone; one per process.
#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub files: Arc<dyn FileStore>,
    /// The virus scanner uploads go through (`files.clamd`); none configured means none.
    pub scanner: Option<Arc<Scanner>>,
    /// The largest record document accepted (`files.document_max_mb`).
    pub document_max_bytes: u64,
    pub accounts: Arc<AccountSettings>,
    /// When unread messages are told by email (`messages`).
    pub messages: Arc<MessageSettings>,
    /// How long what has served its purpose is kept (`retention`).
    pub retention: Arc<RetentionSettings>,
    /// Who runs this installation and where its data is kept, for the privacy statement.
    pub privacy: Arc<PrivacySettings>,
    pub audit: AuditLog,
    /// Each client's data key, from the key store under the master key.
    pub keys: Arc<Keys>,
    /// Bounds image decoding (`images::decode_gate`).
    pub images: Arc<Gate>,
    /// Bounds password hashing (`accounts.password_hash_*`).
    pub hashing: Arc<HashGate>,
    /// Throttled requests counted and held in memory (`refusals`).
    pub refusals: Arc<Refusals>,
    /// Where text-message codes go; none configured means SMS is not offered.
    pub sms: Option<Arc<SmsService>>,
    /// The passkeys' relying party, from `web.public_url`; `None` where passkeys are not
    /// offered (the address is empty or an IP address).
    pub passkeys: Option<Arc<RelyingParty>>,
    /// The live channel: events for the recipients' open streams, here and on other instances.
    pub live: Arc<Live>,
}

impl AppContext {
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Writes the read entries still queued, then closes the database and the key store.
    pub async fn close(&self) {
        self.audit.close().await;
        self.db.close().await;
        self.keys.close().await;
    }
}
