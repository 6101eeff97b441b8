//! Prints the OpenAPI document (`make openapi` writes it to openapi/openapi.json).

fn main() -> anyhow::Result<()> {
    let doc = api::openapi::document();
    println!("{}", doc.to_pretty_json()?);
    Ok(())
}
