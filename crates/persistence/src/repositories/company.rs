//! [`PgCompanyRepository`]: [`CompanyRepository`] on PostgreSQL, over `companies` and
//! `company_details`.
//!
//! Listings order by `(name, id)` with keyset pagination. Search (access pattern 4) is the
//! hand-written [`SEARCH_SQL`]: prefix matches first, from the ordered prefix index, then the
//! other matches from the trigram GIN indexes, shaped so that PostgreSQL uses them even with a
//! generic plan (SPEC §6).

use async_trait::async_trait;
use prosektor_application::{
    CompanyChanges, CompanyRepository, Cursor, DetailsChanges, Page, PageRequest, RepositoryError,
    RepositoryResult, TenantScope, Transition,
};
use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanyName, CompanySuggestion, RowVersion, SearchText,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryResult,
    QuerySelect, Select, Statement,
};

use uuid::Uuid;

use super::row_update::RowUpdate;
use super::shared::{KeysetOrder, escape_like, find_one, insert_both, scoped};
use crate::cursor::{Keyset, page};
use crate::entities::mapping::{IntoDomain, all_to_domain, text};
use crate::entities::{companies, company_details};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// The name of the `(name, id)` ordering, written into its cursors.
const ORDERING: &str = "companies_by_name";

/// The `(name, id)` ordering of listings.
const BY_NAME: KeysetOrder<companies::Column> = KeysetOrder {
    key: companies::Column::Name,
    id: companies::Column::Id,
};

/// The name of the search's `(rank, key, id)` ordering, written into its cursors.
const SEARCH_ORDERING: &str = "company_search";

/// Company search, one page, prefix matches first: rank 0 holds the companies whose folded name
/// starts with the text, in the order of `idx_companies_name_fold_prefix` (one range, read in
/// order and stopped after the page, like autocomplete); rank 1 the other matches, by `(name,
/// id)`, found through the trigram indexes. The outer `LIMIT` stops the `UNION ALL` as soon as the
/// page is full, so a common prefix (an eighth of all companies) never reaches the trigram side
/// and costs the same whatever the number of companies.
///
/// `$1` is the search text with `\`, `%` and `_` escaped (`escape_like`), `$2` the same for a text
/// of digits only and `NULL` otherwise (no tax id can match another text), `$3` the text itself
/// (for the range), `$4`/`$5`/`$6` the `(rank, key, id)` after which the page starts (`NULL` for
/// the first page; the key is the folded name in rank 0, the name in rank 1), `$7` the number of
/// rows to fetch. Each side of the trigram `OR` names its index's column (`name_fold` for
/// `idx_companies_name_fold_trgm`, `tax_id` for `idx_companies_tax_id_trgm`) and every pattern is
/// an expression of parameters only, so custom and generic plans alike use the indexes. The
/// range's keyset starts at the folded text itself when no cursor says otherwise (a keyset
/// starting at `''` would make the index scan start at the first name), and rank 1 folds the text
/// once for its filter (`SELECT search_fold($3)`), not once a row as a generic plan would.
pub const SEARCH_SQL: &str = r#"(SELECT id, name, tax_id, status, created_at, version,
        0 AS rank, name_fold AS key
 FROM companies
 WHERE ($4::int IS NULL OR $4::int = 0)
   AND name_fold COLLATE "C" >= search_fold($3)
   AND name_fold COLLATE "C" < search_fold($3) || chr(1114111)
   AND (name_fold COLLATE "C", id)
       > (coalesce(CASE WHEN $4::int = 0 THEN $5::varchar END, search_fold($3)) COLLATE "C",
          coalesce(CASE WHEN $4::int = 0 THEN $6::uuid END, '00000000-0000-0000-0000-000000000000'))
 ORDER BY name_fold COLLATE "C", id
 LIMIT $7)
UNION ALL
(SELECT id, name, tax_id, status, created_at, version, 1 AS rank, name AS key
 FROM companies
 WHERE (name_fold LIKE '%' || search_fold($1) || '%' OR tax_id LIKE '%' || $2 || '%')
   AND NOT starts_with(name_fold, (SELECT search_fold($3)))
   AND ($4::int IS DISTINCT FROM 1 OR (name, id) > ($5::varchar, $6::uuid))
 ORDER BY name, id
 LIMIT $7)
LIMIT $7"#;

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

/// The query of `CompanyRepository::get`.
fn company_by_id(scope: TenantScope, id: CompanyId) -> Select<companies::Entity> {
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
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl CompanyRepository for PgCompanyRepository {
    async fn create(&self, company: &Company, details: &CompanyDetails) -> RepositoryResult<()> {
        let _timer = timed!("create");
        insert_both(
            &self.db,
            companies::ActiveModel::from(company),
            company_details::ActiveModel::from(details),
        )
        .await
    }

    async fn get(&self, scope: TenantScope, id: CompanyId) -> RepositoryResult<Company> {
        let _timer = timed!("get");
        find_one(&self.db, company_by_id(scope, id)).await
    }

    async fn update(
        &self,
        id: CompanyId,
        changes: &CompanyChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Company> {
        let _timer = timed!("update");
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

    async fn get_details(
        &self,
        scope: TenantScope,
        id: CompanyId,
    ) -> RepositoryResult<CompanyDetails> {
        let _timer = timed!("get_details");
        let select = company_details::Entity::find_by_id(id.as_uuid());
        find_one(
            &self.db,
            scoped(select, company_details::Column::CompanyId, scope),
        )
        .await
    }

    async fn update_details(
        &self,
        id: CompanyId,
        changes: &DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<CompanyDetails> {
        let _timer = timed!("update_details");
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

    async fn list(
        &self,
        scope: TenantScope,
        request: &PageRequest,
    ) -> RepositoryResult<Page<Company>> {
        let _timer = timed!("list");
        let after = after(request)?.map(|keyset| (keyset.key, keyset.id));
        let select = scoped(companies::Entity::find(), companies::Column::Id, scope);
        let rows = BY_NAME
            .apply(select, after)
            .limit(fetch_limit(request))
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        Ok(by_name_page(all_to_domain(rows)?, request))
    }

    async fn search(
        &self,
        text: &SearchText,
        request: &PageRequest,
    ) -> RepositoryResult<Page<Company>> {
        let _timer = timed!("search");
        let pattern = escape_like(text.as_str());
        let tax_id_pattern = may_be_tax_id(text.as_str()).then(|| pattern.clone());
        let after = request.cursor().map(SearchPosition::decode).transpose()?;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            SEARCH_SQL,
            [
                pattern.into(),
                tax_id_pattern.into(),
                text.as_str().into(),
                after.as_ref().map(|position| position.rank).into(),
                after.as_ref().map(|position| position.key.clone()).into(),
                after.map(|position| position.id).into(),
                i64::try_from(fetch_limit(request))
                    .unwrap_or(i64::MAX)
                    .into(),
            ],
        );
        let rows = self
            .db
            .stale_ok()
            .query_all_raw(statement)
            .await
            .map_err(map_db_err)?
            .iter()
            .map(SearchPosition::of_row)
            .collect::<RepositoryResult<Vec<_>>>()?;
        Ok(
            page(rows, request.limit(), SEARCH_ORDERING, |(_, position)| {
                position.keyset()
            })
            .map(|(company, _)| company),
        )
    }

    async fn autocomplete(
        &self,
        prefix: &SearchText,
        limit: u32,
    ) -> RepositoryResult<Vec<CompanySuggestion>> {
        let _timer = timed!("autocomplete");
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            AUTOCOMPLETE_SQL,
            [prefix.as_str().into(), i64::from(limit).into()],
        );
        let rows = SuggestionRow::find_by_statement(statement)
            .all(&self.db.stale_ok())
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

/// Where a search row stands in the search's order: its rank (0 for a prefix match, 1 for
/// another match) and its key in that rank.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SearchPosition {
    rank: i32,
    key: String,
    id: Uuid,
}

impl SearchPosition {
    /// The company of a [`SEARCH_SQL`] row and its position.
    fn of_row(row: &QueryResult) -> RepositoryResult<(Company, Self)> {
        let company = companies::Model::from_query_result(row, "")
            .map_err(map_db_err)?
            .restore()?;
        let position = Self {
            rank: row.try_get("", "rank").map_err(map_db_err)?,
            key: row.try_get("", "key").map_err(map_db_err)?,
            id: company.id().as_uuid(),
        };
        Ok((company, position))
    }

    /// The cursor key: `<rank>:<key>`.
    fn keyset(&self) -> Keyset {
        Keyset {
            key: format!("{}:{}", self.rank, self.key),
            id: self.id,
        }
    }

    /// The position a search cursor points after.
    ///
    /// # Errors
    /// `InvalidCursor` for a cursor the search did not issue.
    fn decode(cursor: &Cursor) -> RepositoryResult<Self> {
        let keyset = Keyset::decode(cursor, SEARCH_ORDERING)?;
        let (rank, key) = keyset
            .key
            .split_once(':')
            .ok_or(RepositoryError::InvalidCursor)?;
        let rank = match rank {
            "0" => 0,
            "1" => 1,
            _ => return Err(RepositoryError::InvalidCursor),
        };
        Ok(Self {
            rank,
            key: key.to_owned(),
            id: keyset.id,
        })
    }
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
