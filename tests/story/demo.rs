//! Demo data fills an empty database once and refuses a database that holds data.

use carespace_app::{AppError, demo};
use carespace_tests::spawn_app;

#[tokio::test]
async fn demo_data_loads_into_an_empty_database_only() {
    let app = spawn_app().await;
    assert!(!demo::is_loaded(&app.ctx).await.unwrap());
    demo::load(&app.ctx).await.unwrap();
    assert!(demo::is_loaded(&app.ctx).await.unwrap());
    let again = demo::load(&app.ctx).await;
    assert!(
        matches!(again, Err(AppError::DatabaseNotEmpty)),
        "{again:?}"
    );
}
