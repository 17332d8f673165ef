//! The PostgreSQL implementation of the project repository port (to be written).
