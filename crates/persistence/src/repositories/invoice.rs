//! [`PgInvoiceRepository`]: invoices on PostgreSQL, with numbers gapless per year (a counter row
//! advanced in the inserting transaction), conditional transitions, and the dashboard figures
//! (access pattern 1, [`INVOICE_SUMMARY_SQL`]).

use async_trait::async_trait;
use chrono::Datelike;
use prosektor_application::{
    InvoiceFilter, InvoiceRepository, NewInvoice, Page, PageRequest, RepositoryError,
    RepositoryResult, TenantScope,
};
use prosektor_domain::{
    Address, Buyer, CompanyId, CompanyName, DomainError, Invoice, InvoiceId, InvoiceNo,
    InvoiceStatus, RowVersion, TaxId, ValidationReason,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryTrait, TransactionTrait,
};

use super::row_update::RowUpdate;
use super::shared::{NewestFirst, find_one, scoped, statement};
use crate::entities::invoice_counters;
use crate::entities::invoices::{self, Column};
use crate::entities::mapping::{IntoDomain, all_to_domain, optional};
use crate::error::{map_db_err, map_transaction_err};
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// The buyer of a new invoice: company `$1` as it is now (name and tax id, its details' address).
const BUYER_SQL: &str = "SELECT c.name AS name, c.tax_id AS tax_id, d.address AS address \
     FROM companies c LEFT JOIN company_details d ON d.company_id = c.id WHERE c.id = $1";

/// The row [`BUYER_SQL`] returns.
#[derive(Debug, FromQueryResult)]
struct BuyerRow {
    name: String,
    tax_id: Option<String>,
    address: Option<String>,
}

/// The snapshot of `company` that a new invoice is made out to.
///
/// # Errors
/// `NotFound` when the company does not exist; `Corrupt` when the domain refuses its row.
async fn buyer_now(db: &impl ConnectionTrait, company: CompanyId) -> RepositoryResult<Buyer> {
    let row = BuyerRow::find_by_statement(statement(BUYER_SQL, [company.as_uuid().into()]))
        .one(db)
        .await
        .map_err(map_db_err)?
        .ok_or(RepositoryError::NotFound)?;
    Ok(Buyer {
        name: CompanyName::parse(&row.name).map_err(RepositoryError::Corrupt)?,
        tax_id: optional(row.tax_id, TaxId::parse).map_err(RepositoryError::Corrupt)?,
        address: optional(row.address, Address::parse).map_err(RepositoryError::Corrupt)?,
    })
}

/// The listing's name inside its cursors.
const NEWEST: NewestFirst = NewestFirst("invoices_newest");

/// [`InvoiceRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgInvoiceRepository {
    db: Db,
}

impl PgInvoiceRepository {
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl InvoiceRepository for PgInvoiceRepository {
    async fn create_draft(&self, new: &NewInvoice) -> RepositoryResult<Invoice> {
        let _timer = timed!("create_draft");
        let new = new.clone();
        self.db
            .transaction::<_, Invoice, RepositoryError>(|txn| {
                Box::pin(async move {
                    let buyer = buyer_now(txn, new.company_id).await?;
                    let year = new.created_at.year();
                    let counter = invoice_counters::Model::find_by_statement(statement(
                        invoice_counters::NEXT_SEQ_SQL,
                        [year.into()],
                    ))
                    .one(txn)
                    .await
                    .map_err(map_db_err)?
                    .ok_or_else(|| RepositoryError::Failed("no invoice counter row".into()))?;
                    let number = u32::try_from(counter.last_seq)
                        .map_err(|_| {
                            DomainError::invalid("invoice_no", ValidationReason::OutOfRange)
                        })
                        .and_then(|seq| InvoiceNo::new(year, seq))
                        .map_err(RepositoryError::Corrupt)?;
                    let draft = Invoice::draft(
                        new.id,
                        new.company_id,
                        buyer,
                        number,
                        new.amounts,
                        new.due_date,
                        new.created_at,
                    );
                    invoices::new_row(&draft)
                        .insert(txn)
                        .await
                        .map_err(map_db_err)?
                        .restore()
                })
            })
            .await
            .map_err(map_transaction_err)
    }

    async fn get(&self, scope: TenantScope, id: InvoiceId) -> RepositoryResult<Invoice> {
        let _timer = timed!("get");
        let select = invoices::Entity::find_by_id(id.as_uuid());
        find_one(&self.db, scoped(select, Column::CompanyId, scope)).await
    }

    async fn list(
        &self,
        scope: TenantScope,
        filter: &InvoiceFilter,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Invoice>> {
        let _timer = timed!("list");
        let select = scoped(invoices::Entity::find(), Column::CompanyId, scope)
            .apply_if(filter.company_id, |q, id| {
                q.filter(Column::CompanyId.eq(id.as_uuid()))
            })
            .apply_if(filter.status, |q, status| {
                q.filter(Column::Status.eq(status.as_str()))
            })
            .apply_if(filter.due_from, |q, day| q.filter(Column::DueDate.gte(day)))
            .apply_if(filter.due_to, |q, day| q.filter(Column::DueDate.lte(day)))
            .apply_if(filter.issued_from, |q, day| {
                q.filter(Column::IssueDate.gte(day))
            })
            .apply_if(filter.issued_to, |q, day| {
                q.filter(Column::IssueDate.lte(day))
            });
        let rows = NEWEST
            .select(select, Column::CreatedAt, Column::Id, page)?
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        let invoices = all_to_domain(rows)?;
        Ok(NEWEST.page(invoices, page, |invoice| {
            (invoice.created_at(), invoice.id().as_uuid())
        }))
    }

    async fn save(
        &self,
        invoice: &Invoice,
        expected: InvoiceStatus,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Invoice> {
        let _timer = timed!("save");
        RowUpdate::<invoices::Entity>::of(Column::Id, invoice.id().as_uuid())
            .requiring(Column::Status.eq(expected.as_str()))
            .set_all(invoices::changes(invoice))
            .apply(&self.db, Column::Version, if_match)
            .await
    }
}
