//! A conversation in the demo: Bram (staff) welcomes Anna, and she answers; written through
//! the messages' own use cases, so the texts are sealed under Anna's data key.

use crate::access::{Actor, Via};
use crate::audit::Origin;
use crate::context::AppContext;
use crate::error::AppResult;
use crate::messages::{sending, starting};
use carespace_core::ids::AccountId;

fn actor(account: &AccountId) -> Actor {
    Actor {
        account: account.clone(),
        via: Via::Session,
        origin: Origin::default(),
        seen: None,
    }
}

pub(super) async fn fill(ctx: &AppContext, anna: &AccountId, bram: &AccountId) -> AppResult<()> {
    let welcome = starting::NewConversationInput {
        alias: super::DEMO_ALIAS,
        with: vec![anna.as_str()],
        text: "Welkom bij De Linde, Anna. Hier kunt u mij veilig een bericht sturen.\n\
               Onze eerste afspraak is dinsdag om 10:00.",
    };
    let sent = starting::start(ctx, &actor(bram), welcome).await?;
    let answer = "Dank u! Ik heb mijn verwijsbrief in Mijn dossier gedeeld.";
    let conversation = sent.conversation_id.as_str();
    sending::send(ctx, &actor(anna), conversation, answer, Vec::new()).await?;
    Ok(())
}
