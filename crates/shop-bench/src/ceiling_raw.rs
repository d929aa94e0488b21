//! The ceiling of one hop: actix-web answering a fixed body with no I/O.
//! `make bench-catalogue` measures the catalogue against it.
//!
//! `PORT` (default 9100) and `CEILING_BODY`, a file whose bytes are the body
//! (the script saves a real product's JSON there).

use actix_web::{App, HttpResponse, HttpServer, web};
use bytes::Bytes;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let port: u16 = std::env::var("PORT").map_or(Ok(9100), |p| p.parse())?;
    let body = Bytes::from(std::fs::read(std::env::var("CEILING_BODY")?)?);
    HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::to(move || {
            let body = body.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(body)
            }
        }))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
