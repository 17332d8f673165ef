//! [`PgCompanyRepository`]: [`CompanyRepository`] on PostgreSQL, over `companies` and
//! `company_details`.
//!
//! Listing and search order by `(name, id)` with keyset pagination. Search (access pattern 4) is the
//! hand-written [`SEARCH_SQL`], shaped so that PostgreSQL answers it from the trigram GIN indexes
//! even with a generic plan (SPEC §6).

use async_trait::async_trait;
use prosektor_application::{
    CompanyChanges, CompanyRepository, CompanySuggestion, DetailsChanges, Page, PageRequest,
    RepositoryError, RepositoryResult, SearchText, TenantScope, Transition,
};
use prosektor_domain::{Company, CompanyDetails, CompanyId, CompanyName, RowVersion};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QuerySelect, Select,
    Statement,
};

use super::row_update::RowUpdate;
use super::shared::{KeysetOrder, escape_like, find_one, insert_both, scoped};
use crate::cursor::{Keyset, page};
use crate::entities::mapping::{all_to_domain, text};
use crate::entities::{companies, company_details};
use crate::error::map_db_err;
use crate::unit_of_work::Db;

/// The name of the `(name, id)` ordering, written into its cursors.
const ORDERING: &str = "companies_by_name";

/// The `(name, id)` ordering of listings.
const BY_NAME: KeysetOrder<companies::Column> = KeysetOrder {
    key: companies::Column::Name,
    id: companies::Column::Id,
};

/// Company search, one page: `$1` is the search text with `\`, `%` and `_` escaped
/// (`escape_like`), `$2` the same for a text of digits only and `NULL` otherwise (no tax id can
/// match another text; with `NULL` a custom plan drops that side and reads the name index only,
/// where the planner would otherwise weigh both indexes against a scan of the table), `$3`/`$4` the `(name, id)` after which the page starts (`NULL` for the first
/// page), `$5` the number of rows to fetch.
///
/// Both sides of the `OR` name their index's column (`name_fold`, stored as `search_fold(name)`, for
/// `idx_companies_name_fold_trgm`, `tax_id` for `idx_companies_tax_id_trgm`), and the pattern is an
/// expression of parameters only, so a bitmap scan over both trigram indexes is possible with a
/// custom and with a generic plan alike. `'%' || x || '%'` is an infix match, which includes the
/// prefix match.
pub const SEARCH_SQL: &str = r"SELECT id, name, tax_id, status, created_at, version
FROM companies
WHERE (name_fold LIKE '%' || search_fold($1) || '%' OR tax_id LIKE '%' || $2 || '%')
  AND ($3::varchar IS NULL OR (name, id) > ($3::varchar, $4::uuid))
ORDER BY name, id
LIMIT $5";

/// Autocomplete: the first `$2` companies whose folded name starts with the fold of `$1`. In the
/// `C` collation every such name lies in `[fold($1), fold($1) || U+10FFFF)`, one range of
/// `idx_companies_name_fold_prefix (name_fold COLLATE "C", id) INCLUDE (name)`, read in order and
/// stopped after `$2` entries: no sort, and the same plan whether generic or custom (a `LIKE`
/// prefix with a parameter would not be turned into a range in a generic plan).
pub const AUTOCOMPLETE_SQL: &str = r#"SELECT id, name
FROM companies
WHERE name_fold COLLATE "C" >= search_fold($1)
  AND name_fold COLLATE "C" < search_fold($1) || chr(1114111)
ORDER BY name_fold COLLATE "C", id
LIMIT $2"#;

/// The query of `CompanyRepository::get` (public for tools that replay the SQL).
pub fn company_by_id(scope: TenantScope, id: CompanyId) -> Select<companies::Entity> {
    scoped(
        companies::Entity::find_by_id(id.as_uuid()),
        companies::Column::Id,
        scope,
    )
}

/// Companies and their details in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgCompanyRepository {
    db: Db,
}

impl PgCompanyRepository {
    /// A repository over the server's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db: Db::new(db) }
    }
}

#[async_trait]
impl CompanyRepository for PgCompanyRepository {
    #[tracing::instrument(skip_all)]
    async fn create(&self, company: &Company, details: &CompanyDetails) -> RepositoryResult<()> {
        insert_both(
            &self.db,
            companies::ActiveModel::from(company),
            company_details::ActiveModel::from(details),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn get(&self, scope: TenantScope, id: CompanyId) -> RepositoryResult<Company> {
        find_one(&self.db, company_by_id(scope, id)).await
    }

    #[tracing::instrument(skip_all)]
    async fn update(
        &self,
        id: CompanyId,
        changes: &CompanyChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Company> {
        use companies::Column;
        let mut update = RowUpdate::<companies::Entity>::of(Column::Id, id.as_uuid())
            .set_some(Column::Name, changes.name.as_ref(), |name| {
                name.as_str().into()
            })
            .set_some(Column::TaxId, changes.tax_id.as_ref(), |tax_id| {
                text(tax_id.as_ref()).into()
            });
        if let Some(Transition { from, to }) = changes.status {
            update = update
                .requiring(Column::Status.eq(from.as_str()))
                .set(Column::Status, to.as_str());
        }
        update.apply(&self.db, Column::Version, if_match).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_details(
        &self,
        scope: TenantScope,
        id: CompanyId,
    ) -> RepositoryResult<CompanyDetails> {
        let select = company_details::Entity::find_by_id(id.as_uuid());
        find_one(
            &self.db,
            scoped(select, company_details::Column::CompanyId, scope),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_details(
        &self,
        id: CompanyId,
        changes: &DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<CompanyDetails> {
        use company_details::Column;
        RowUpdate::<company_details::Entity>::of(Column::CompanyId, id.as_uuid())
            .set_some(Column::Address, changes.address.as_ref(), |v| {
                text(v.as_ref()).into()
            })
            .set_some(Column::City, changes.city.as_ref(), |v| {
                text(v.as_ref()).into()
            })
            .set_some(Column::ContactEmail, changes.contact_email.as_ref(), |v| {
                text(v.as_ref()).into()
            })
            .set_some(Column::ContactPhone, changes.contact_phone.as_ref(), |v| {
                text(v.as_ref()).into()
            })
            .set_some(Column::NaceCode, changes.nace_code.as_ref(), |v| {
                text(v.as_ref()).into()
            })
            .set_some(Column::DangerClass, changes.danger_class, |v| {
                v.map(|class| class.as_str().to_owned()).into()
            })
            .apply(&self.db, Column::Version, if_match)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn list(
        &self,
        scope: TenantScope,
        request: &PageRequest,
    ) -> RepositoryResult<Page<Company>> {
        let after = after(request)?.map(|keyset| (keyset.key, keyset.id));
        let select = scoped(companies::Entity::find(), companies::Column::Id, scope);
        let rows = BY_NAME
            .apply(select, after)
            .limit(fetch_limit(request))
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(by_name_page(all_to_domain(rows)?, request))
    }

    #[tracing::instrument(skip_all)]
    async fn search(
        &self,
        text: &SearchText,
        request: &PageRequest,
    ) -> RepositoryResult<Page<Company>> {
        let pattern = escape_like(text.as_str());
        let tax_id_pattern = may_be_tax_id(text.as_str()).then(|| pattern.clone());
        let after = after(request)?;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            SEARCH_SQL,
            [
                pattern.into(),
                tax_id_pattern.into(),
                after.as_ref().map(|keyset| keyset.key.clone()).into(),
                after.map(|keyset| keyset.id).into(),
                i64::try_from(fetch_limit(request))
                    .unwrap_or(i64::MAX)
                    .into(),
            ],
        );
        let rows = companies::Entity::find()
            .from_raw_sql(statement)
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(by_name_page(all_to_domain(rows)?, request))
    }

    #[tracing::instrument(skip_all)]
    async fn autocomplete(
        &self,
        prefix: &SearchText,
        limit: u32,
    ) -> RepositoryResult<Vec<CompanySuggestion>> {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            AUTOCOMPLETE_SQL,
            [prefix.as_str().into(), i64::from(limit).into()],
        );
        let rows = SuggestionRow::find_by_statement(statement)
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| {
                Ok(CompanySuggestion {
                    id: CompanyId::from_uuid(row.id),
                    name: CompanyName::parse(&row.name).map_err(RepositoryError::Corrupt)?,
                })
            })
            .collect()
    }
}

/// The row [`AUTOCOMPLETE_SQL`] returns.
#[derive(Debug, FromQueryResult)]
struct SuggestionRow {
    id: uuid::Uuid,
    name: String,
}

/// Whether a search text can match a tax id: tax ids are digits only, so any other text searches
/// names alone (`SEARCH_SQL`'s `$2` is then `NULL`).
pub fn may_be_tax_id(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_digit())
}

/// The position a page request continues from, if any.
fn after(request: &PageRequest) -> RepositoryResult<Option<Keyset>> {
    request
        .cursor()
        .map(|cursor| Keyset::decode(cursor, ORDERING))
        .transpose()
}

/// One more row than the page holds, to know whether another page follows.
fn fetch_limit(request: &PageRequest) -> u64 {
    u64::from(request.limit()) + 1
}

/// The page of companies fetched in `(name, id)` order with [`fetch_limit`].
fn by_name_page(companies: Vec<Company>, request: &PageRequest) -> Page<Company> {
    page(companies, request.limit(), ORDERING, |company| Keyset {
        key: company.name().as_str().to_owned(),
        id: company.id().as_uuid(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("şişli"), "şişli");
        assert_eq!(escape_like(r"50%_off\x"), r"50\%\_off\\x");
    }
}
