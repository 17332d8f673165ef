//! The PostgreSQL implementation of the pipeline repository port (to be written).
