//! Lookups by email that include deleted users (an admin finding an address's whole history, a
//! query such as `SELECT * FROM users WHERE email = $1`): the only email index so far is the
//! partial unique `users_email_active_key`, whose predicate (`deleted_at IS NULL`) such a query
//! does not repeat, so it scanned the table. A plain B-tree on the (already normalised) address
//! beside the partial unique one serves them; the login lookup keeps its own.
//!
//! Built `CONCURRENTLY`, so outside a transaction; an index left invalid by an interrupted build is
//! dropped and built again.

crate::sql::sql_migration!(
    outside_transaction,
    up = [DROP_INDEX, CREATE_INDEX],
    down = [DROP_INDEX]
);

const CREATE_INDEX: &str = "CREATE INDEX CONCURRENTLY idx_users_email ON users (email)";

const DROP_INDEX: &str = "DROP INDEX CONCURRENTLY IF EXISTS idx_users_email";
