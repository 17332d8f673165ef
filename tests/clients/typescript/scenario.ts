// The TypeScript scenario of `make clients`: a fresh server driven through openapi-fetch with the
// types openapi-typescript generated from docs/openapi.json, and nothing else. Compiled with
// `tsc --strict`, with no `any` and no casts. It walks what the Python scenario walks and reads a
// problem document of every status the API documents through the generated types.

import createClient from "openapi-fetch";

import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];

const BASE = process.env.PROSEKTOR_URL ?? "http://127.0.0.1:8080";
const PASSWORD = "a long enough password";
let checked = 0;

function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(what);
  }
  checked += 1;
}

function api(token?: string, keyHeader?: string) {
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    headers[keyHeader ?? "Authorization"] = keyHeader === undefined ? `Bearer ${token}` : token;
  }
  return createClient<paths>({ baseUrl: BASE, headers });
}

function expectProblem(
  error: Problem | undefined,
  response: Response,
  status: number,
  code: string,
  what: string,
): Problem {
  check(response.status === status, `${what}: status ${response.status}`);
  check(error !== undefined && error.code === code && error.status === status, `${what}: ${JSON.stringify(error)}`);
  if (error === undefined) {
    throw new Error(what);
  }
  check(Array.isArray(error.errors), `${what}: errors`);
  return error;
}

async function tokenFor(email: string, password: string): Promise<string> {
  const { data, response } = await api().POST("/api/v1/auth/login", { body: { email, password } });
  check(response.status === 200 && data !== undefined, `login ${email}: ${response.status}`);
  if (data === undefined) {
    throw new Error("no token");
  }
  return data.access_token;
}

async function main(): Promise<void> {
  const admin = api(await tokenFor("admin@prosektor.demo", "demo-admin-password"));
  const suffix = Math.random().toString(16).slice(2, 10);

  const createOnce = () =>
    admin.POST("/api/v1/companies", {
      params: { header: { "Idempotency-Key": `create-trakya-${suffix}` } },
      body: { name: `Trakya OSGB ${suffix}` },
    });
  const created = await createOnce();
  check(created.response.status === 201 && created.data !== undefined, "create a company");
  if (created.data === undefined) throw new Error("no company");
  const company = created.data;
  const retried = await createOnce();
  check(
    retried.response.headers.get("idempotent-replayed") === "true" && retried.data?.id === company.id,
    "retry the create with its Idempotency-Key",
  );
  const details = await admin.PATCH("/api/v1/companies/{id}/details", {
    params: { path: { id: company.id } },
    body: { city: "Edirne", contact_phone: "0532 123 45 67" },
  });
  check(details.data?.contact_phone === "+905321234567", "patch its details");

  const email = `client-${suffix}@trakya-osgb.example.com`;
  const role: components["schemas"]["RoleDto"] = "CLIENT";
  const user = await admin.POST("/api/v1/users", {
    body: { email, password: PASSWORD, role, company_id: company.id, profile: { first_name: "Ayşe" } },
  });
  check(user.response.status === 201, "create a client user");
  const client = api(await tokenFor(email, PASSWORD));
  const me = await client.GET("/api/v1/me");
  check(me.data?.user.email === email && me.data.profile.first_name === "Ayşe", "read /me");

  const project = await client.POST("/api/v1/projects", { body: { company_id: company.id, name: "Kurumsal Site" } });
  check(project.response.status === 201 && project.data !== undefined, "create a project");
  if (project.data === undefined) throw new Error("no project");
  const projectId = project.data.id;

  const invoice = await admin.POST("/api/v1/invoices", {
    body: { company_id: company.id, subtotal: "1000.00", tax_rate: "20", due_date: "2026-12-31" },
  });
  check(invoice.data?.total === "1200.00", "create an invoice");
  if (invoice.data === undefined) throw new Error("no invoice");
  const invoiceId = invoice.data.id;
  const sent = await admin.POST("/api/v1/invoices/{id}/send", { params: { path: { id: invoiceId } } });
  check(sent.data?.status === "SENT", "send it");
  const version = sent.response.headers.get("etag") ?? "";
  const paid = await admin.POST("/api/v1/invoices/{id}/pay", {
    params: { path: { id: invoiceId }, header: { "If-Match": version } },
  });
  check(paid.data?.status === "PAID", "pay it with If-Match");
  const stale = await admin.POST("/api/v1/invoices/{id}/pay", {
    params: { path: { id: invoiceId }, header: { "If-Match": version } },
  });
  expectProblem(stale.error, stale.response, 412, "precondition_failed", "pay on a stale version");
  const dashboard = await client.GET("/api/v1/companies/{id}/dashboard", { params: { path: { id: company.id } } });
  check(dashboard.data?.paid_total === "1200.00", "the dashboard");
  const feed = await client.GET("/api/v1/activity", { params: { query: { limit: 2 } } });
  const kinds = feed.data?.items.map((event) => event.kind).join(",");
  check(
    kinds === "INVOICE_PAID,INVOICE_ISSUED" && feed.data?.items[0]?.total === "1200.00",
    "the activity feed",
  );

  const key = await client.POST("/api/v1/projects/{id}/ingest-key", { params: { path: { id: projectId } } });
  if (key.data === undefined) throw new Error("no key");
  const website = api(key.data.ingest_key, "X-Ingest-Key");
  const today = new Date().toISOString().slice(0, 10);
  const ingested = await website.POST("/api/v1/ingest/events", { body: { date: today, visitors: 3, page_views: 7 } });
  check(ingested.response.status === 204, "ingest with the project's key");
  const weekAgo = new Date(Date.now() - 6 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const series = await client.GET("/api/v1/projects/{id}/stats", {
    params: { path: { id: projectId }, query: { from: weekAgo, to: today, fill: true } },
  });
  check(series.data?.filled === true && series.data.days.length === 7, "a zero-filled range");
  check(series.data?.days[6]?.visitors === 3 && series.data.days[0]?.visitors === 0, "the counts");

  const started = await client.POST("/api/v1/projects/{id}/runs", { params: { path: { id: projectId } }, body: {} });
  if (started.data === undefined) throw new Error("no run");
  const runId = started.data.id;
  let status: components["schemas"]["RunStatusDto"] = started.data.status;
  for (let attempt = 0; attempt < 150 && (status === "QUEUED" || status === "RUNNING"); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const run = await client.GET("/api/v1/runs/{id}", { params: { path: { id: runId } } });
    status = run.data?.status ?? status;
  }
  check(status === "SUCCEEDED", `the run ends ${status}`);
  const messages: string[] = [];
  let after = 0;
  for (;;) {
    const page = await client.GET("/api/v1/runs/{id}/logs", {
      params: { path: { id: runId }, query: { after_seq: after, limit: 3 } },
    });
    if (page.data === undefined || page.data.lines.length === 0) break;
    messages.push(...page.data.lines.map((line) => line.message));
    after = page.data.next_after_seq;
  }
  check(messages[messages.length - 1] === "run succeeded", "follow the run's log");

  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await admin.GET("/api/v1/companies", { params: { query: { limit: 1, cursor } } });
    if (page.data === undefined) throw new Error("no page");
    page.data.items.forEach((item) => seen.add(item.id));
    cursor = page.data.next_cursor ?? undefined;
    if (cursor === undefined) break;
  }
  check(seen.has(company.id) && seen.size >= 2, "keyset pages to the end");

  const badLimit = await admin.GET("/api/v1/companies", { params: { query: { limit: 0 } } });
  expectProblem(badLimit.error, badLimit.response, 400, "bad_request", "limit 0");
  const wrong = await api().POST("/api/v1/auth/login", { body: { email, password: "a wrong one!" } });
  expectProblem(wrong.error, wrong.response, 401, "invalid_credentials", "a wrong password");
  const forbidden = await client.POST("/api/v1/companies", { body: { name: "Not mine" } });
  expectProblem(forbidden.error, forbidden.response, 403, "forbidden", "a client creating a company");
  const missing = await admin.GET("/api/v1/projects/{id}", {
    params: { path: { id: "01900000-0000-7000-8000-00000000dead" } },
  });
  expectProblem(missing.error, missing.response, 404, "not_found", "a missing project");
  const taken = await admin.POST("/api/v1/users", {
    body: { email, password: PASSWORD, role, company_id: company.id },
  });
  expectProblem(taken.error, taken.response, 409, "email_taken", "a taken email");
  const invalid = await client.PATCH("/api/v1/me", { body: { phone: "12" } });
  const problem = expectProblem(invalid.error, invalid.response, 422, "validation_failed", "an invalid phone");
  check(problem.errors[0]?.field === "phone", "the refused field");
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await api().POST("/api/v1/auth/login", { body: { email, password: "wrong again!" } });
  }
  const limited = await api().POST("/api/v1/auth/login", { body: { email, password: PASSWORD } });
  expectProblem(limited.error, limited.response, 429, "too_many_requests", "a locked account");
  check(Number(limited.response.headers.get("retry-after")) >= 1, "Retry-After");

  console.log(`typescript client: ${checked} passed, 0 failed`);
}

main().catch((failure: unknown) => {
  console.error(`typescript client: scenario failed: ${String(failure)}`);
  process.exit(1);
});
