//! The PostgreSQL implementation of the stats repository port (to be written).
