//! SeaORM model of `invoice_counters`: the last invoice number issued per calendar year. The
//! adapter advances it with one upsert in the transaction that inserts the invoice (see
//! [`NEXT_SEQ_SQL`]).

use sea_orm::entity::prelude::*;

/// Advances (or starts at 1) the counter of year `$1` and returns the row with the new `last_seq`. The row stays
/// locked until the transaction ends, so concurrent creations in one year take turns and a rolled
/// back insert gives its number back.
pub(crate) const NEXT_SEQ_SQL: &str = "INSERT INTO invoice_counters (year, last_seq) VALUES ($1, 1) \
     ON CONFLICT (year) DO UPDATE SET last_seq = invoice_counters.last_seq + 1 \
     RETURNING year, last_seq";

/// One row of `invoice_counters`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub last_seq: i32,
}

/// `invoice_counters` has no relation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
