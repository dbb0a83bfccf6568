//! The SQLite and PostgreSQL migrations describe the same schema.

use carespace_store::schema::describe;
use carespace_tests::{TestBackend, TestDatabase};

#[tokio::test]
async fn sqlite_and_postgres_schemas_are_the_same() {
    let sqlite_db = TestDatabase::create(TestBackend::Sqlite).await;
    let postgres_db = TestDatabase::create(TestBackend::Postgres).await;
    let sqlite = describe(&sqlite_db.connect().await).await.unwrap();
    let postgres = describe(&postgres_db.connect().await).await.unwrap();
    assert!(sqlite.contains_key("jobs"), "{sqlite:#?}");
    let names: Vec<_> = sqlite.keys().collect();
    assert_eq!(
        names,
        postgres.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (name, table) in &sqlite {
        assert_eq!(table, &postgres[name], "table {name} differs");
    }
}
