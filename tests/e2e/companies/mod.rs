//! `/api/v1/companies` over HTTP: the lifecycle of a company and its details, what clients may do
//! with their own company, tenancy (another company answers 404 and stays unchanged), search, the
//! dashboard, and bad input answered as problems.

mod access;
mod bad_input;
mod dashboard;
mod lifecycle;
mod search;

use serde_json::Value;

/// A company id that exists nowhere.
const MISSING: &str = "018f2b8e-0000-7000-8000-000000000000";

/// The names of a listing's page, in order.
fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|company| company["name"].as_str().expect("name"))
        .collect()
}
