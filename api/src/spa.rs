//! Serves the built SPA (`frontend/dist`) at `/`, with `index.html` for every client-side
//! route. Paths under `/api/` are never answered with the SPA: an unknown API route is a 404
//! problem, not a web page.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::web::ServiceConfig;
use actix_web::ResponseError;

use crate::extract::route_error;

pub fn configure(cfg: &mut ServiceConfig, static_dir: Option<&Path>) {
    let Some(dir) = static_dir.filter(|d| d.join("index.html").is_file()) else {
        return;
    };
    let index: PathBuf = dir.join("index.html");
    cfg.service(
        Files::new("/", dir)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    if req.path().starts_with("/api/") {
                        let response = route_error(&req).error_response();
                        return Ok(ServiceResponse::new(req, response));
                    }
                    let file = NamedFile::open_async(&index).await?;
                    let response = file.into_response(&req);
                    Ok(ServiceResponse::new(req, response))
                }
            })),
    );
}
