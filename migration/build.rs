//! Fingerprints the migration sources so that a test kit can tell whether a database template built
//! earlier still matches this schema history (`SCHEMA_FINGERPRINT`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut files: Vec<_> = std::fs::read_dir(Path::new("src"))
        .expect("migration/src is readable")
        .map(|entry| entry.expect("directory entry is readable").path())
        .collect();
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.file_name().hash(&mut hasher);
        std::fs::read(&file)
            .expect("migration source is readable")
            .hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=PROSEKTOR_SCHEMA_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
