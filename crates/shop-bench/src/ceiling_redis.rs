//! The ceiling of a Redis-backed read: actix-web answering every request with
//! the value of one Redis GET through deadpool-redis. `make bench-catalogue`
//! measures the catalogue against it.
//!
//! `PORT` (default 9101), `REDIS_URL`, and `CEILING_BODY`, a file whose bytes
//! are stored under the key read.

use actix_web::{App, HttpResponse, HttpServer, web};
use deadpool_redis::redis::AsyncCommands as _;

const KEY: &str = "bench:ceiling:body";

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::var("PORT").map_or(Ok(9101), |p| p.parse())?;
    let body = std::fs::read(std::env::var("CEILING_BODY")?)?;
    let pool = deadpool_redis::Config::from_url(std::env::var("REDIS_URL")?)
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))?;
    pool.get().await?.set::<_, _, ()>(KEY, body).await?;
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .default_service(web::to(read))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}

async fn read(pool: web::Data<deadpool_redis::Pool>) -> HttpResponse {
    let body: Result<Vec<u8>, String> = async {
        let mut conn = pool.get().await.map_err(|e| e.to_string())?;
        conn.get(KEY).await.map_err(|e| e.to_string())
    }
    .await;
    match body {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Err(error) => HttpResponse::ServiceUnavailable().body(error),
    }
}
