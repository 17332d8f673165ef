//! The PostgreSQL implementation of the user repository port (to be written).
