//! The Rust scenario of `make clients`: a fresh server (at `PROSEKTOR_URL`) driven through the
//! progenitor-generated SDK and nothing else, the same walk as the Python and TypeScript scenarios
//! (tests/clients/): a company with details, a client user, a project, an invoice sent and paid,
//! the dashboard and the activity feed, stats ingested with the project's key and read back zero-filled, a generation run
//! followed to its end with its log, keyset pages to the end, and a problem document of every
//! documented status read through [`problem::read`]. Any surprise ends the process non-zero.

use std::{collections::HashMap, num::NonZeroU32, time::Duration};

use chrono::{Days, NaiveDate, Utc};
use prosektor_client::{ByteStream, Client, Error, ResponseValue, problem, types};
use reqwest::header::{HeaderMap, HeaderValue};
use uuid::Uuid;

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

const ADMIN: (&str, &str) = ("admin@prosektor.demo", "demo-admin-password");
const PASSWORD: &str = "a long enough password";

/// Counts what the scenario checked and connects as anyone.
struct Scenario {
    base: String,
    checked: usize,
}

impl Scenario {
    /// A call that must succeed; its body.
    fn ok<T>(
        &mut self,
        what: &str,
        reply: Result<ResponseValue<T>, Error<ByteStream>>,
    ) -> Outcome<T> {
        let value = reply.map_err(|error| format!("{what}: {error}"))?;
        self.checked += 1;
        Ok(value.into_inner())
    }

    /// A call that must fail with `status` and `code`; the problem document read through the
    /// generated types.
    async fn problem<T: std::fmt::Debug>(
        &mut self,
        what: &str,
        (status, code): (u16, &str),
        reply: Result<ResponseValue<T>, Error<ByteStream>>,
    ) -> Outcome<problem::Failure> {
        let error = match reply {
            Ok(value) => return Err(format!("{what}: expected {status}, got {value:?}").into()),
            Err(error) => error,
        };
        let failure = problem::read(error)
            .await
            .map_err(|error| format!("{what}: {error}"))?;
        if (
            failure.status.as_u16(),
            failure.problem.status,
            failure.problem.code.as_str(),
        ) != (status, status, code)
        {
            return Err(format!("{what}: expected {status} {code}, got {failure:?}").into());
        }
        self.checked += 1;
        Ok(failure)
    }

    fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    fn with_header(&self, name: &'static str, value: &str) -> Outcome<Client> {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value)?);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()?;
        Ok(Client::new_with_client(&self.base, http))
    }

    async fn signed_in(&mut self, email: &str, password: &str) -> Outcome<Client> {
        let request = types::LoginRequest {
            email: email.parse()?,
            password: password.parse()?,
        };
        let token = self
            .ok("login", self.anonymous().login(&request).await)?
            .access_token;
        self.with_header("authorization", &format!("Bearer {token}"))
    }
}

async fn walk(scenario: &mut Scenario) -> Outcome<()> {
    let admin = scenario.signed_in(ADMIN.0, ADMIN.1).await?;
    let suffix = &Uuid::new_v4().simple().to_string()[..8];

    let new_company = types::CreateCompany {
        name: format!("Ege OSGB {suffix}").parse()?,
        tax_id: None,
    };
    let key: types::IdempotencyKey = format!("create-ege-{suffix}").parse()?;
    let company = scenario.ok(
        "create a company",
        admin.create_company(Some(&key), &new_company).await,
    )?;
    let retried = scenario.ok(
        "retry the create with its Idempotency-Key",
        admin.create_company(Some(&key), &new_company).await,
    )?;
    assert_eq!(
        retried.id, company.id,
        "the retry answers the first response"
    );
    let patch = types::DetailsPatch {
        city: Some("İzmir".parse()?),
        contact_phone: Some("0532 123 45 67".parse()?),
        ..Default::default()
    };
    let details = scenario.ok(
        "patch its details",
        admin.patch_company_details(&company.id, None, &patch).await,
    )?;
    assert_eq!(details.contact_phone.as_deref(), Some("+905321234567"));

    let email = format!("client-{suffix}@ege-osgb.example.com");
    let new_user = types::CreateUser {
        company_id: Some(company.id),
        email: email.parse()?,
        password: PASSWORD.parse()?,
        profile: Some(types::ProfilePatch {
            first_name: Some("Ayşe".parse()?),
            ..Default::default()
        }),
        role: types::RoleDto::Client,
    };
    scenario.ok(
        "create a client user",
        admin.create_user(None, &new_user).await,
    )?;
    let client = scenario.signed_in(&email, PASSWORD).await?;
    let me = scenario.ok("read /me", client.get_me().await)?;
    assert_eq!(me.profile.first_name.as_deref(), Some("Ayşe"));

    let new_project = types::NewProject {
        company_id: company.id,
        domain: None,
        name: "Kurumsal Site".into(),
    };
    let project = scenario.ok(
        "create a project",
        client.create_project(None, &new_project).await,
    )?;

    let new_invoice = types::NewInvoice {
        company_id: company.id,
        due_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        subtotal: "1000.00".parse()?,
        tax_amount: None,
        tax_rate: Some("20".parse()?),
    };
    let invoice = scenario.ok(
        "create an invoice",
        admin.create_invoice(None, &new_invoice).await,
    )?;
    assert_eq!(invoice.total.as_str(), "1200.00");
    let sent = scenario.ok("send it", admin.send_invoice(&invoice.id, None, None).await)?;
    let version = format!("\"{}\"", sent.version);
    let paid = scenario.ok(
        "pay it with If-Match",
        admin.pay_invoice(&invoice.id, None, Some(&version)).await,
    )?;
    assert_eq!(paid.status, types::InvoiceStatusDto::Paid);
    let stale = admin.pay_invoice(&invoice.id, None, Some(&version)).await;
    scenario
        .problem(
            "pay on a stale version",
            (412, "precondition_failed"),
            stale,
        )
        .await?;
    let dashboard = scenario.ok(
        "the dashboard",
        client.get_company_dashboard(&company.id).await,
    )?;
    assert_eq!(dashboard.paid_total.as_str(), "1200.00");
    let feed = scenario.ok(
        "the activity feed",
        client.list_activity(None, None, NonZeroU32::new(2)).await,
    )?;
    let kinds: Vec<_> = feed.items.iter().map(|event| event.kind).collect();
    assert_eq!(
        kinds,
        [
            types::ActivityKindDto::InvoicePaid,
            types::ActivityKindDto::InvoiceIssued
        ]
    );
    assert_eq!(
        feed.items[0].total.as_ref().map(|total| total.as_str()),
        Some("1200.00")
    );

    let key = scenario.ok(
        "an ingest key",
        client.rotate_project_ingest_key(&project.id, None).await,
    )?;
    let website = scenario.with_header("x-ingest-key", &key.ingest_key)?;
    let today = Utc::now().date_naive();
    let day = types::StatsDay {
        breakdown: HashMap::new(),
        date: today,
        page_views: 7,
        visitors: 3,
    };
    scenario.ok(
        "ingest with the project's key",
        website.ingest_stats_with_key(None, &day).await,
    )?;
    let week_ago = today - Days::new(6);
    let series = scenario.ok(
        "a zero-filled range",
        client
            .get_project_stats(&project.id, Some(true), &week_ago, &today)
            .await,
    )?;
    assert!(series.filled && series.days.len() == 7);
    assert_eq!((series.days[0].visitors, series.days[6].visitors), (0, 3));

    let mut run = scenario.ok(
        "start a run",
        client
            .start_run(&project.id, None, &types::StartRun::default())
            .await,
    )?;
    for _ in 0..150 {
        run = scenario.ok("follow the run", client.get_run(&run.id).await)?;
        if run.finished_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(run.status, types::RunStatusDto::Succeeded, "{run:?}");
    let (mut messages, mut after) = (Vec::new(), 0);
    loop {
        let page = scenario.ok(
            "read the run's log",
            client
                .get_run_logs(&run.id, Some(after), NonZeroU32::new(3))
                .await,
        )?;
        if page.lines.is_empty() {
            break;
        }
        messages.extend(page.lines.into_iter().map(|line| line.message));
        after = page.next_after_seq;
    }
    assert_eq!(
        messages.last().map(String::as_str),
        Some("run succeeded"),
        "{messages:?}"
    );

    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = scenario.ok(
            "a page of companies",
            admin
                .list_companies(cursor.as_deref(), NonZeroU32::new(1))
                .await,
        )?;
        seen.extend(page.items.iter().map(|company| company.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert!(seen.contains(&company.id) && unique.len() == seen.len() && seen.len() >= 2);

    let too_many = admin.list_companies(None, NonZeroU32::new(101)).await;
    scenario
        .problem("limit 101", (400, "bad_request"), too_many)
        .await?;
    let wrong = types::LoginRequest {
        email: email.parse()?,
        password: "a wrong one!".parse()?,
    };
    let refused = scenario.anonymous().login(&wrong).await;
    scenario
        .problem("a wrong password", (401, "invalid_credentials"), refused)
        .await?;
    let not_mine = types::CreateCompany {
        name: "Not mine".parse()?,
        tax_id: None,
    };
    let forbidden = client.create_company(None, &not_mine).await;
    scenario
        .problem("a client creating a company", (403, "forbidden"), forbidden)
        .await?;
    let missing = admin.get_project(&Uuid::new_v4()).await;
    scenario
        .problem("a missing project", (404, "not_found"), missing)
        .await?;
    let taken = admin
        .create_user(
            None,
            &types::CreateUser {
                profile: None,
                ..new_user
            },
        )
        .await;
    scenario
        .problem("a taken email", (409, "email_taken"), taken)
        .await?;
    let bad_phone = types::ProfilePatch {
        phone: Some("12".into()),
        ..Default::default()
    };
    let invalid = client.update_me(None, &bad_phone).await;
    let invalid = scenario
        .problem("an invalid phone", (422, "validation_failed"), invalid)
        .await?;
    assert_eq!(invalid.problem.errors[0].field, "phone");
    for _ in 0..4 {
        let _ = scenario.anonymous().login(&wrong).await;
    }
    let right = types::LoginRequest {
        email: email.parse()?,
        password: PASSWORD.parse()?,
    };
    let limited = scenario.anonymous().login(&right).await;
    let limited = scenario
        .problem("a locked account", (429, "too_many_requests"), limited)
        .await?;
    let retry_after: u64 = limited.headers["retry-after"].to_str()?.parse()?;
    assert!(retry_after >= 1);
    let foreign = client.get_invoice(&Uuid::new_v4()).await;
    scenario
        .problem("another's invoice", (404, "not_found"), foreign)
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    let base = std::env::var("PROSEKTOR_URL").expect("PROSEKTOR_URL names the server to drive");
    let mut scenario = Scenario { base, checked: 0 };
    match walk(&mut scenario).await {
        Ok(()) => println!("rust client: {} passed, 0 failed", scenario.checked),
        Err(failure) => {
            eprintln!("rust client: scenario failed: {failure}");
            std::process::exit(1);
        }
    }
}
