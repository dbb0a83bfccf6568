//! Demo data, so that someone trying Carespace has something to look at at once. Every feature
//! adds its part here; it only ever runs on an empty database.

mod messages;
mod record;

use crate::context::AppContext;
use crate::error::{AppError, AppResult};
use crate::passwords;
use crate::record::events;
use carespace_core::healthspaces::HealthspaceSettings;
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::ids::{AccountId, ConnectionId, HealthspaceId, MembershipId, OrganisationId};
use carespace_core::language::Language;
use carespace_core::memberships::{MembershipState, Role};
use carespace_core::record::EventKind;
use carespace_core::second_factors as rules;
use carespace_core::secret::Secret;
use carespace_core::time::Timestamp;
use carespace_store::Tx;
use carespace_store::accounts::{self, AccountRow};
use carespace_store::connections::{self, ConnectionRow};
use carespace_store::healthspaces::{self, HealthspaceRow};
use carespace_store::installation;
use carespace_store::memberships::{self, MembershipRow};
use carespace_store::organisations::{self, OrganisationRow};
use carespace_store::second_factors;

/// One password for every demo person, printed by `carespace demo` and `serve --demo`.
pub const DEMO_PASSWORD: &str = "demo lantern orbit meadow";

struct DemoPerson {
    role: &'static str,
    email: &'static str,
    name: &'static str,
    birth_date: &'static str,
    language: Language,
}

/// The people of the demo. Their roles come with Healthspaces and memberships.
const PEOPLE: [DemoPerson; 3] = [
    DemoPerson {
        role: "client",
        email: "anna@demo.carespace.nl",
        name: "Anna de Vries",
        birth_date: "1988-04-12",
        language: Language::Nl,
    },
    DemoPerson {
        role: "staff",
        email: "bram@demo.carespace.nl",
        name: "Bram Visser",
        birth_date: "1979-09-03",
        language: Language::Nl,
    },
    DemoPerson {
        role: "owner",
        email: "claire@demo.carespace.nl",
        name: "Claire Bakker",
        birth_date: "1970-01-20",
        language: Language::En,
    },
];

/// A person the demo created, and how to log in as them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub password: String,
    /// The secret of their authenticator app (base32, as apps and `oathtool -b` take it):
    /// staff and owners need a second factor. New at every demo load, so that no two
    /// installations share one.
    pub authenticator_secret: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    /// Where the demo Healthspace is.
    pub healthspace: Option<String>,
}

/// Fills an empty database with demo data; refuses when anything is there.
pub async fn load(ctx: &AppContext) -> AppResult<DemoSummary> {
    // Hashed before the transaction, which on SQLite holds the one writer.
    let password_hash = passwords::hash(&ctx.hashing, Secret::new(DEMO_PASSWORD)).await?;
    let mut tx = ctx.db.begin().await?;
    if !installation::is_empty(&mut tx).await? {
        return Err(AppError::DatabaseNotEmpty);
    }
    let now = ctx.now();
    let mut logins = Vec::new();
    let mut ids = Vec::new();
    for person in PEOPLE {
        let account = AccountRow {
            id: AccountId::generate(),
            email: person.email.to_owned(),
            full_name: person.name.to_owned(),
            birth_date: person.birth_date.to_owned(),
            password_hash: password_hash.clone(),
            language: person.language.code().to_owned(),
            phone: None,
            photo_id: None,
            email_verified_at: Some(now),
            created_at: now,
        };
        accounts::insert(&mut tx, &account).await?;
        let authenticator_secret = if person.role == "client" {
            None
        } else {
            let secret = rules::encode_secret(&rules::new_totp_secret()?);
            second_factors::insert_confirmed_totp(&mut tx, &account.id, &secret, now).await?;
            Some(secret)
        };
        ids.push(account.id.clone());
        logins.push(DemoLogin {
            role: person.role,
            email: person.email.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            authenticator_secret,
        });
    }
    let care = match ids.as_slice() {
        [anna, bram, claire] => Some((
            (anna.clone(), bram.clone()),
            care_provider(&mut tx, anna, bram, claire, now).await?,
        )),
        _ => None,
    };
    installation::set(
        &mut tx,
        installation::DEMO_LOADED_AT,
        &now.millis().to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    if let Some(((anna, bram), healthspace)) = care {
        record::fill(ctx, &anna, &healthspace).await?;
        messages::fill(ctx, &anna, &bram).await?;
    }
    Ok(DemoSummary {
        logins,
        healthspace: Some(format!("/h/{DEMO_ALIAS}")),
    })
}

/// The demo's alias: the Healthspace is at `/h/de-linde`.
pub const DEMO_ALIAS: &str = "de-linde";

/// Claire owns the practice "De Linde" with one active Healthspace, where Anna is a client and
/// Bram a staff member connected to her; the Healthspace's id.
async fn care_provider(
    tx: &mut Tx,
    anna: &AccountId,
    bram: &AccountId,
    claire: &AccountId,
    now: Timestamp,
) -> AppResult<HealthspaceId> {
    let organisation = OrganisationRow {
        id: OrganisationId::generate(),
        name: "Praktijk De Linde".into(),
        address: "Lindelaan 1\n3512 AB Utrecht".into(),
        billing_address: "Postbus 100\n3500 AA Utrecht".into(),
    };
    organisations::insert(&mut *tx, &organisation, now).await?;
    organisations::add_owner(
        &mut *tx,
        &organisation.id,
        "claire@demo.carespace.nl",
        Some(claire),
        now,
    )
    .await?;
    let healthspace = HealthspaceRow {
        id: HealthspaceId::generate(),
        organisation_id: organisation.id.clone(),
        name: "De Linde".into(),
        alias: DEMO_ALIAS.into(),
        state: HealthspaceState::Active,
        address: "Lindelaan 1, Utrecht".into(),
        settings: HealthspaceSettings {
            welcome_html:
                "<p>Welkom bij <strong>Praktijk De Linde</strong>. Stel je vragen gerust \
                via een bericht; we antwoorden binnen twee werkdagen.</p>"
                    .into(),
            opening_hours: "Maandag t/m donderdag 9:00–17:00\nVrijdag 9:00–12:30".into(),
            logo_id: None,
            brand_primary: "#1d5e3a".into(),
            brand_primary_text: "#ffffff".into(),
            staff_connect_self: false,
            clients_two_step: false,
        },
        updated_at: now.millis(),
    };
    healthspaces::insert(&mut *tx, &healthspace, now).await?;
    for (account, role) in [(anna, Role::Client), (bram, Role::Staff)] {
        let membership = MembershipRow {
            id: MembershipId::generate(),
            healthspace_id: healthspace.id.clone(),
            account_id: account.clone(),
            role,
            state: MembershipState::Active,
            created_at: now,
            cancelled_at: None,
            cancelled_by: None,
        };
        memberships::insert(&mut *tx, &membership).await?;
    }
    let started = EventKind::MembershipStarted;
    events::membership(tx, started, anna, &healthspace.id, Some(anna), now).await?;
    let connection = ConnectionRow {
        id: ConnectionId::generate(),
        healthspace_id: healthspace.id.clone(),
        staff_account_id: bram.clone(),
        client_account_id: anna.clone(),
        created_at: now,
    };
    connections::insert(&mut *tx, &connection, claire).await?;
    let made = EventKind::ConnectionMade;
    events::connection(tx, made, (anna, bram), &healthspace.id, Some(claire), now).await?;
    Ok(healthspace.id)
}

/// Whether demo data was loaded into this database.
pub async fn is_loaded(ctx: &AppContext) -> AppResult<bool> {
    Ok(installation::get(&ctx.db, installation::DEMO_LOADED_AT)
        .await?
        .is_some())
}
