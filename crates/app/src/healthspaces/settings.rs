//! A Healthspace's settings ("Beheer > Instellingen"), for its admins and the
//! organisation's owners: name, address, welcome text, opening hours, logo, brand colours and
//! whether staff may connect themselves to clients.

use super::{Healthspace, HealthspaceSettings, record};
use crate::access::{self, Actor};
use crate::context::AppContext;
use crate::error::{AppError, AppResult, Problems};
use crate::images::{self, ImageCodes, Redrawn, UploadRules};
use crate::memberships::manager_role;
use bytes::Bytes;
use carespace_core::audit::AuditAction;
use carespace_core::branding::{BrandColours, Colour};
use carespace_core::ids::AccountId;
use carespace_core::policy::Action;
use carespace_store::files::ContentId;
use carespace_store::healthspaces as store;
use std::collections::HashSet;

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 500;
pub const WELCOME_MAX: usize = 5_000;
pub const OPENING_HOURS_MAX: usize = 1_000;
/// Logos are drawn again within this square.
pub const LOGO_PX: u32 = 512;

const LOGO_FIELD: &str = "logo";
const LOGO_CODES: ImageCodes = ImageCodes {
    missing: "logo_missing",
    too_large: "logo_too_large",
    wrong_type: "logo_type",
    unreadable: "logo_unreadable",
    too_many_pixels: "logo_too_many_pixels",
};

#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub name: String,
    pub address: String,
    /// A little markup is kept (paragraphs, emphasis, lists, links); everything else is removed.
    pub welcome_text: String,
    pub opening_hours: String,
    /// Both empty for the product's own colours; otherwise `#rrggbb` each.
    pub brand_primary: String,
    pub brand_primary_text: String,
    pub staff_connect_self: bool,
    /// Clients need a second factor before they reach the Healthspace.
    pub clients_two_step: bool,
}

/// The Healthspace, when the account may change its settings.
pub async fn editable(ctx: &AppContext, actor: &Actor, alias: &str) -> AppResult<Healthspace> {
    let (row, _) = access::healthspace(&ctx.db, actor, alias, Action::ManageSettings).await?;
    Ok(Healthspace::from(row))
}

/// Checks and stores the settings; nothing is stored when any field is wrong.
pub async fn update(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    input: &SettingsInput,
) -> AppResult<Healthspace> {
    let mut problems = Problems::default();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        problems.add("name", "healthspace_name");
    }
    let too_long = |text: &str, max: usize| text.chars().count() > max;
    if too_long(&input.address, ADDRESS_MAX) {
        problems.add("address", "too_long");
    }
    if too_long(&input.welcome_text, WELCOME_MAX) {
        problems.add("welcome_text", "too_long");
    }
    if too_long(&input.opening_hours, OPENING_HOURS_MAX) {
        problems.add("opening_hours", "too_long");
    }
    let colours = problems
        .check(
            "brand_primary",
            brand_colours(&input.brand_primary, &input.brand_primary_text),
        )
        .flatten();
    problems.finish()?;
    let mut tx = ctx.db.begin().await?;
    let (row, facts) = access::healthspace(&mut tx, actor, alias, Action::ManageSettings).await?;
    let settings = HealthspaceSettings {
        welcome_html: sanitise(&input.welcome_text),
        opening_hours: input.opening_hours.trim().to_owned(),
        logo_id: row.settings.logo_id.clone(),
        brand_primary: colours.map(|c| c.primary.hex()).unwrap_or_default(),
        brand_primary_text: colours.map(|c| c.primary_text.hex()).unwrap_or_default(),
        staff_connect_self: input.staff_connect_self,
        clients_two_step: input.clients_two_step,
    };
    let address = input.address.trim();
    let now = ctx.now();
    store::update_settings(&mut tx, &row.id, name, address, &settings, now).await?;
    let by = (&actor.account, manager_role(facts));
    let action = AuditAction::HealthspaceSettingsChanged;
    record(&mut tx, by, action, &row.id, &actor.origin, now).await?;
    tx.commit().await?;
    Ok(Healthspace {
        name: name.to_owned(),
        address: address.to_owned(),
        settings,
        version: now.millis(),
        ..Healthspace::from(row)
    })
}

/// Both colours empty means the product's own; otherwise both must parse and be readable.
fn brand_colours(primary: &str, text: &str) -> Result<Option<BrandColours>, &'static str> {
    if primary.trim().is_empty() && text.trim().is_empty() {
        return Ok(None);
    }
    BrandColours::check(Colour::parse(primary)?, Colour::parse(text)?).map(Some)
}

/// Keeps a little safe markup of the welcome text: paragraphs, line breaks, emphasis, lists,
/// small headings and links (which open without giving the site away).
fn sanitise(text: &str) -> String {
    let tags: HashSet<&str> = [
        "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3",
    ]
    .into_iter()
    .collect();
    let schemes: HashSet<&str> = ["https", "http", "mailto", "tel"].into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(text.trim())
        .to_string()
}

/// Replaces the logo by the upload, drawn again as a PNG of at most 512×512.
pub async fn set_logo(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    upload: Vec<u8>,
) -> AppResult<()> {
    // Asked before the image work, and again in the transaction that stores the result.
    access::healthspace(&ctx.db, actor, alias, Action::ManageSettings).await?;
    let rules = UploadRules {
        field: LOGO_FIELD,
        codes: LOGO_CODES,
        max_bytes: ctx.accounts.photo_max_bytes,
        size: LOGO_PX,
        output: Redrawn::Png,
    };
    let png = images::redraw_upload(ctx, &actor.account, upload, rules).await?;
    let id = ctx.files.put(Bytes::from(png)).await?;
    replace_logo(ctx, actor, alias, Some(id.as_str())).await
}

pub async fn remove_logo(ctx: &AppContext, actor: &Actor, alias: &str) -> AppResult<()> {
    replace_logo(ctx, actor, alias, None).await
}

async fn replace_logo(
    ctx: &AppContext,
    actor: &Actor,
    alias: &str,
    logo_id: Option<&str>,
) -> AppResult<()> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let (current, facts) =
        access::healthspace(&mut tx, actor, alias, Action::ManageSettings).await?;
    let row = &current;
    let by = (&actor.account, manager_role(facts));
    store::set_logo(&mut tx, &row.id, logo_id, now).await?;
    let action = if logo_id.is_some() {
        AuditAction::HealthspaceLogoChanged
    } else {
        AuditAction::HealthspaceLogoRemoved
    };
    record(&mut tx, by, action, &row.id, &actor.origin, now).await?;
    let orphan = match current.settings.logo_id.as_deref() {
        Some(old) if Some(old) != logo_id && store::logo_users(&mut tx, old).await? == 0 => {
            ContentId::parse(old)
        }
        _ => None,
    };
    tx.commit().await?;
    if let Some(old) = orphan {
        ctx.files.delete(&old).await?;
    }
    Ok(())
}

/// The logo as PNG bytes, for whoever may see the Healthspace's own page.
pub async fn logo(
    ctx: &AppContext,
    alias: &str,
    viewer: Option<&AccountId>,
) -> AppResult<Option<Vec<u8>>> {
    let super::PublicPage::Open(healthspace) = super::public_page(ctx, alias, viewer).await? else {
        return Err(AppError::NotFound);
    };
    let Some(id) = healthspace
        .settings
        .logo_id
        .as_deref()
        .and_then(ContentId::parse)
    else {
        return Ok(None);
    };
    match ctx.files.open(&id, None).await? {
        Some(file) => Ok(Some(file.read_all().await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_text_keeps_simple_markup_and_loses_everything_else() {
        let html = sanitise(
            "<p onclick=\"x()\">Welkom <strong>bij ons</strong></p><script>alert(1)</script>\
             <a href=\"javascript:alert(1)\">klik</a><a href=\"https://example.nl\">site</a>\
             <img src=x onerror=alert(1)><style>p{}</style><ul><li>één</li></ul>",
        );
        assert_eq!(
            html,
            "<p>Welkom <strong>bij ons</strong></p><a rel=\"noopener noreferrer nofollow\">klik</a>\
             <a href=\"https://example.nl\" rel=\"noopener noreferrer nofollow\">site</a>\
             <ul><li>één</li></ul>"
        );
    }

    #[test]
    fn brand_colours_are_both_empty_or_both_readable() {
        assert_eq!(brand_colours("", " "), Ok(None));
        assert!(brand_colours("#0b5c8a", "#ffffff").unwrap().is_some());
        assert_eq!(brand_colours("#0b5c8a", ""), Err("colour_format"));
        assert_eq!(
            brand_colours("#ffd400", "#000000"),
            Err("colour_page_contrast")
        );
    }
}
