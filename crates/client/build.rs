//! Generates the SDK from the contract: `docs/openapi.json` through progenitor, into `OUT_DIR`.
//! The document is the only input, so a change to the API shows up here as a compile error.

use std::{env, fs, path::Path};

fn main() {
    let document = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    println!("cargo:rerun-if-changed={}", document.display());

    let text = fs::read_to_string(&document)
        .unwrap_or_else(|error| panic!("reading {}: {error}", document.display()));
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "{} is not an OpenAPI 3.0 document: {error}",
            document.display()
        )
    });
    let tokens = progenitor::Generator::default()
        .generate_tokens(&spec)
        .unwrap_or_else(|error| panic!("progenitor refused {}: {error}", document.display()));
    let file = syn::parse2(tokens).expect("progenitor emits valid Rust");

    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("prosektor_api.rs");
    fs::write(&out, prettyplease::unparse(&file))
        .unwrap_or_else(|error| panic!("writing {}: {error}", out.display()));
}
