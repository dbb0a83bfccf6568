//! Anna's record in the demo: a referral letter she shares with De Linde, a private exercise
//! schedule and a useful link, added through the record's own use cases (so they are sealed
//! under her data key and stored like any upload).

use crate::access::Actor;
use crate::audit::Origin;
use crate::context::AppContext;
use crate::error::AppResult;
use crate::record::{documents, links, sharing};
use bytes::Bytes;
use carespace_core::ids::{AccountId, HealthspaceId};

const REFERRAL: &str = "Verwijsbrief\n\nAan: Praktijk De Linde\nBetreft: mevrouw A. de Vries\n\n\
Graag verwijs ik mevrouw De Vries naar u voor behandeling van paniekklachten.\n\n\
Met vriendelijke groet,\nDr. J. Pietersen, huisarts\n";

const SCHEDULE: &str = "Oefenschema ademhaling\n\nMaandag: 10 minuten\nWoensdag: 10 minuten\n\
Vrijdag: 15 minuten\n";

pub(super) async fn fill(
    ctx: &AppContext,
    anna: &AccountId,
    healthspace: &HealthspaceId,
) -> AppResult<()> {
    let actor = Actor {
        account: anna.clone(),
        via: crate::access::Via::Session,
        origin: Origin::default(),
        seen: None,
    };
    let link = links::NewLink {
        title: "Thuisarts: paniekaanval",
        url: "https://www.thuisarts.nl/paniekaanval",
        note: "Tip van de huisarts",
    };
    links::add(ctx, &actor, link).await?;
    add_text(
        ctx,
        &actor,
        "Oefenschema ademhaling",
        "oefenschema.txt",
        SCHEDULE,
    )
    .await?;
    let referral = add_text(
        ctx,
        &actor,
        "Verwijsbrief huisarts",
        "verwijsbrief.txt",
        REFERRAL,
    )
    .await?;
    sharing::set(ctx, &actor, referral.as_str(), healthspace.as_str(), true).await?;
    Ok(())
}

async fn add_text(
    ctx: &AppContext,
    actor: &Actor,
    title: &str,
    file_name: &str,
    text: &'static str,
) -> AppResult<carespace_core::ids::RecordItemId> {
    let body =
        futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(text.as_bytes()))]);
    let staged = documents::stage(ctx, actor, body).await?;
    let input = documents::NewDocument {
        title,
        note: "",
        file_name,
    };
    documents::add(ctx, actor, staged, input).await
}
