//! Authentication: the bearer scheme and the [`bearer::Authenticator`] that checks each request's
//! token against the user row (for a read, beside the read's own work: `beside`), and
//! [`client::ClientAddresses`], which tells the address a request comes from (for the limits on
//! failed logins).

pub mod bearer;
pub(crate) mod beside;
pub mod client;
pub mod remembered;
