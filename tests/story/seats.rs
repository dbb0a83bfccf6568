//! The seats report: existing memberships per Healthspace, calendar month and role, also while
//! the Healthspace is inactive; as a page and as CSV.

use crate::practice::{account_id, healthspace, join};
use carespace_app::audit::Origin;
use carespace_app::{healthspaces, memberships};
use carespace_core::healthspaces::HealthspaceState;
use carespace_core::time::Month;
use carespace_tests::{Person, TestApp, actor_of, spawn_app};

const DAY_MS: i64 = 24 * 3_600_000;

/// The CSV rows after the header, newest month first.
async fn csv_rows(app: &TestApp, owner: &reqwest::Client) -> Vec<String> {
    let csv = app.get_with(owner, "/h/de-linde/seats.csv").await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"seats-de-linde.csv\""
    );
    let text = csv.text().await.unwrap();
    let mut lines = text.split("\r\n").map(str::to_owned);
    assert_eq!(
        lines.next().unwrap(),
        "Maand,Cliënten,Medewerkers,Beheerders,Totaal"
    );
    lines.filter(|l| !l.is_empty()).collect()
}

#[tokio::test]
async fn seats_count_existing_memberships_per_month_also_while_inactive() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let first = Month::of(app.ctx.now());
    let bram = join(&app, &owner, "de-linde", &Person::new("Bram"), "staff").await;
    join(&app, &owner, "de-linde", &Person::new("Cleo"), "client").await;
    join(&app, &owner, "de-linde", &Person::new("Dirk"), "client").await;

    let page = app.get_with(&owner, "/h/de-linde/seats").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("<th scope=\"row\">{first}</th>")));
    assert_eq!(app.get_with(&bram, "/h/de-linde/seats").await.status(), 404);
    assert_eq!(csv_rows(&app, &owner).await[0], format!("{first},2,1,0,3"));

    // Into the next month: the Healthspace is deactivated and Bram's membership cancelled.
    let second = first.next();
    app.advance(second.start().millis() - app.ctx.now().millis() + DAY_MS);
    let olga = account_id(&app, "olga@example.nl").await;
    let hs = carespace_store::healthspaces::find_by_any_alias(&app.ctx.db, "de-linde")
        .await
        .unwrap()
        .unwrap();
    let origin = Origin::default();
    healthspaces::set_state(
        &app.ctx,
        &olga,
        hs.id.as_str(),
        HealthspaceState::Inactive,
        &origin,
    )
    .await
    .unwrap();
    let bram_id = account_id(&app, "bram@example.nl").await;
    let bram_membership = memberships::mine(&app.ctx, &bram_id)
        .await
        .unwrap()
        .remove(0);
    memberships::cancel_by_provider(
        &app.ctx,
        &actor_of(olga.as_str()),
        "de-linde",
        bram_membership.id.as_str(),
    )
    .await
    .unwrap();

    // A month later still: inactive memberships count, Bram only up to his last month.
    app.advance(35 * DAY_MS);
    let owner = app.logged_in(&Person::new("Olga")).await;
    let rows = csv_rows(&app, &owner).await;
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0], format!("{},2,0,0,2", second.next()));
    assert_eq!(rows[1], format!("{second},2,1,0,3"));
    assert_eq!(rows[2], format!("{first},2,1,0,3"));
    assert_eq!(rows[3], format!("{},0,0,0,0", first.previous()));
}

#[tokio::test]
async fn a_month_counts_each_member_by_the_role_held_on_its_last_day() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let first = Month::of(app.ctx.now());
    join(&app, &owner, "de-linde", &Person::new("Bram"), "staff").await;
    let bram = account_id(&app, "bram@example.nl").await;
    let membership = memberships::mine(&app.ctx, &bram).await.unwrap().remove(0);

    // Into the next month, Bram becomes a client.
    let second = first.next();
    app.advance(second.start().millis() - app.ctx.now().millis() + DAY_MS);
    let olga = account_id(&app, "olga@example.nl").await;
    let id = membership.id.as_str();
    memberships::roles::change_role(&app.ctx, &actor_of(olga.as_str()), "de-linde", id, "client")
        .await
        .unwrap();

    let owner = app.logged_in(&Person::new("Olga")).await;
    let rows = csv_rows(&app, &owner).await;
    assert_eq!(rows[0], format!("{second},1,0,0,1"), "a client now");
    assert_eq!(
        rows[1],
        format!("{first},0,1,0,1"),
        "staff on that month's last day"
    );
}

#[tokio::test]
async fn a_role_changed_at_the_first_moment_of_a_month_counts_there_and_the_last_change_wins() {
    let app = spawn_app().await;
    let owner = healthspace(&app, "de-linde").await;
    let first = Month::of(app.ctx.now());
    join(&app, &owner, "de-linde", &Person::new("Bram"), "staff").await;
    let bram = account_id(&app, "bram@example.nl").await;
    let membership = memberships::mine(&app.ctx, &bram).await.unwrap().remove(0);
    let olga = account_id(&app, "olga@example.nl").await;
    let change = |role: &'static str| {
        let (ctx, actor, id) = (&app.ctx, actor_of(olga.as_str()), membership.id.clone());
        async move {
            memberships::roles::change_role(ctx, &actor, "de-linde", id.as_str(), role)
                .await
                .unwrap();
        }
    };

    // At the very first moment of the next month Bram becomes an admin, then a client, then staff
    // again within that month.
    let second = first.next();
    app.advance(second.start().millis() - app.ctx.now().millis());
    change("admin").await;
    app.advance(DAY_MS);
    change("client").await;
    app.advance(DAY_MS);
    change("staff").await;

    let owner = app.logged_in(&Person::new("Olga")).await;
    let rows = csv_rows(&app, &owner).await;
    assert_eq!(rows[0], format!("{second},0,1,0,1"), "the role held last");
    assert_eq!(
        rows[1],
        format!("{first},0,1,0,1"),
        "staff until the month ended"
    );
}
