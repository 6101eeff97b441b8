fn main() {
    // embed_migrations! does not notice new migration folders on its own.
    println!("cargo:rerun-if-changed=../migrations");
}
