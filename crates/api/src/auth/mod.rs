//! Authentication: bearer tokens ([`jwt`]).

pub mod jwt;
