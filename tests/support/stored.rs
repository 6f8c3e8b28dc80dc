//! Everything a database holds as text, table by table, for tests that check what is (not) left.

use sqlx::{Column, Row};

/// `table.column: value` for every text value in every table of the service's database (SQLite or
/// PostgreSQL); numbers are left out (they are ids, times and scores, never names or words).
pub async fn stored_text(store: &komek::store::Store) -> String {
    let tables: Vec<String> = match sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&store.pool).await {
        Ok(t) => t,
        Err(_) => sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()")
            .fetch_all(&store.pool)
            .await
            .expect("listing tables"),
    };
    let mut out = String::new();
    for table in tables.iter().filter(|t| !t.starts_with("_sqlx") && !t.starts_with("sqlite_")) {
        let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(&store.pool).await.expect("reading a table");
        for row in rows {
            for (i, column) in row.columns().iter().enumerate() {
                if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                    out.push_str(&format!("{table}.{}: {v}\n", column.name()));
                }
            }
        }
    }
    out
}
