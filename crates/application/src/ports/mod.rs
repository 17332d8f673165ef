//! Ports: the traits adapters implement. Each method documents, under `# Errors`, exactly what an
//! implementation returns.

pub mod readiness;
