//! Hostile edges, tried as an attacker would over real connections: login limits that hold across
//! connections, parallel guesses and server instances; bounded ingestion; dates, texts and run
//! inputs that storage could not hold; what a suspended or churned company's clients may do; and
//! `405` answers that say what is allowed.

mod companies;
mod dates;
mod ingestion;
mod logins;
mod methods;
mod runs;
mod text;
