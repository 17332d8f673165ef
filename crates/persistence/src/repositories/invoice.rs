//! The PostgreSQL implementation of the invoice repository port (to be written).
