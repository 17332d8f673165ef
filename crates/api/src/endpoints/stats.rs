//! `/api/v1/projects/{id}/stats`: admins ingest counts and import whole days; every tenant reads
//! its own projects' series (at most 366 days per query). `/api/v1/ingest/events`: a project's
//! website ingests with the project's ingestion key (SPEC §5) instead of a bearer token.

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use prosektor_domain::{DateRange, ProjectId};
use uuid::Uuid;

use super::responses::NoContent;
use crate::auth::bearer::{BearerAuth, IngestKeyAuth};
use crate::context::ApiContext;
use crate::convert::field;
use crate::dto::date::ApiDate;
use crate::dto::stats::{StatsDayDto, StatsImportDto, StatsImported, StatsSeriesDto};
use crate::error::ApiResult;
use crate::payload::Serialized;
use crate::tags::ApiTags;

/// Analytics endpoints.
#[derive(Debug)]
pub struct StatsApi {
    context: ApiContext,
}

impl StatsApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Stats")]
impl StatsApi {
    /// Add counts to the day of the project whose ingestion key is sent as `X-Ingest-Key` (a
    /// project's website; see `rotateProjectIngestKey`). An unknown key answers `401`.
    #[oai(
        path = "/ingest/events",
        method = "post",
        operation_id = "ingestStatsWithKey"
    )]
    async fn ingest_with_key(
        &self,
        key: IngestKeyAuth,
        body: Json<StatsDayDto>,
    ) -> ApiResult<NoContent> {
        let increment = body.increment()?;
        self.context
            .services
            .stats
            .ingest_with_key(&key.0.key, body.date.get(), &increment)
            .await?;
        Ok(NoContent::Done)
    }

    /// Add counts to a project's day (admins): visitors and page views are added and the
    /// breakdown merged, atomically, so concurrent ingestions are never lost.
    #[oai(
        path = "/projects/:id/stats/events",
        method = "post",
        operation_id = "ingestStats"
    )]
    async fn ingest(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<StatsDayDto>,
    ) -> ApiResult<NoContent> {
        let actor = auth.actor();
        let increment = body.increment()?;
        self.context
            .services
            .stats
            .ingest(
                &actor,
                ProjectId::from_uuid(id.0),
                body.date.get(),
                &increment,
            )
            .await?;
        Ok(NoContent::Done)
    }

    /// Write whole days of a project (admins), replacing what is stored for those days.
    /// Idempotent: importing the same days again leaves the same data.
    #[oai(
        path = "/projects/:id/stats/days",
        method = "put",
        operation_id = "importStatsDays"
    )]
    async fn import_days(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<StatsImportDto>,
    ) -> ApiResult<Json<StatsImported>> {
        let actor = auth.actor();
        let project_id = ProjectId::from_uuid(id.0);
        let days = body
            .days
            .iter()
            .map(|day| day.day(project_id))
            .collect::<ApiResult<Vec<_>>>()?;
        let written = self
            .context
            .services
            .stats
            .import_days(&actor, &days)
            .await?;
        Ok(Json(StatsImported { written }))
    }

    /// A project's daily analytics from `from` to `to` (both included, at most 366 days), in
    /// date order; with `fill=true` every day is listed, with zeros where nothing was recorded.
    #[oai(
        path = "/projects/:id/stats",
        method = "get",
        operation_id = "getProjectStats"
    )]
    async fn range(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// The first day.
        from: Query<ApiDate>,
        /// The last day; at most 365 days after `from`.
        to: Query<ApiDate>,
        /// List every day of the range, zero-filled (default `false`: only recorded days).
        fill: Query<Option<bool>>,
    ) -> ApiResult<Serialized<StatsSeriesDto>> {
        let actor = auth.actor();
        let range = field("to", DateRange::new(from.0.get(), to.0.get()))?;
        let series = self
            .context
            .services
            .stats
            .range(
                &actor,
                ProjectId::from_uuid(id.0),
                range,
                fill.0.unwrap_or(false),
            )
            .await?;
        Ok(Serialized(StatsSeriesDto::new(range, series)))
    }
}
