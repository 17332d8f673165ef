//! The PostgreSQL implementation of the company repository port (to be written).
