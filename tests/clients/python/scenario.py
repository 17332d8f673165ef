"""The Python scenario of `make clients`: a fresh server driven through the client that
openapi-python-client generated from docs/openapi.json, and nothing else.

It walks what a tenant's integration does (a company with details, a client user, a project, an
invoice sent and paid, the dashboard and the activity feed, stats ingested with the project's key and read back
zero-filled, a generation run followed to its end with its log, keyset pages to the end) and reads
a problem document of every status the API documents (400, 401, 403, 404, 409, 412, 422, 429)
through the generated types. Any surprise raises, so the script's exit status is the verdict.
"""

import datetime
import os
import sys
import time
from uuid import uuid4

from prosektor_client import AuthenticatedClient, Client
from prosektor_client.api.activity import list_activity
from prosektor_client.api.auth import get_me, login, update_me
from prosektor_client.api.companies import (
    create_company,
    get_company_dashboard,
    list_companies,
    patch_company_details,
)
from prosektor_client.api.invoices import create_invoice, get_invoice, pay_invoice, send_invoice
from prosektor_client.api.projects import create_project, get_project, rotate_project_ingest_key
from prosektor_client.api.runs import get_run, get_run_logs, start_run
from prosektor_client.api.stats import get_project_stats, ingest_stats_with_key
from prosektor_client.api.users import create_user
from prosektor_client.models import (
    ActivityKindDto,
    CreateCompany,
    CreateUser,
    DetailsPatch,
    InvoiceStatusDto,
    LoginRequest,
    NewInvoice,
    NewProject,
    Problem,
    ProfilePatch,
    RoleDto,
    RunStatusDto,
    StartRun,
    StatsDay,
)

BASE = os.environ["PROSEKTOR_URL"]
ADMIN = ("admin@prosektor.demo", "demo-admin-password")
PASSWORD = "a long enough password"
checked = []


def expect(reply, status, what):
    assert reply.status_code == status, f"{what}: {reply.status_code} {reply.content!r}"
    checked.append(what)
    return reply.parsed


def problem(reply, status, code, what):
    parsed = expect(reply, status, what)
    assert isinstance(parsed, Problem), f"{what}: {parsed!r}"
    assert (parsed.status, parsed.code) == (status, code), f"{what}: {parsed!r}"
    assert isinstance(parsed.errors, list)
    return parsed


def token_for(email, password):
    anonymous = Client(base_url=BASE)
    reply = login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=password))
    return expect(reply, 200, f"login {email}").access_token


def main():
    admin = AuthenticatedClient(base_url=BASE, token=token_for(*ADMIN))
    suffix = uuid4().hex[:8]

    company = expect(
        create_company.sync_detailed(
            client=admin,
            body=CreateCompany(name=f"Ege OSGB {suffix}"),
            idempotency_key=f"create-ege-{suffix}",
        ),
        201,
        "create a company",
    )
    retried = create_company.sync_detailed(
        client=admin,
        body=CreateCompany(name=f"Ege OSGB {suffix}"),
        idempotency_key=f"create-ege-{suffix}",
    )
    assert retried.headers.get("idempotent-replayed") == "true", retried.headers
    assert expect(retried, 201, "retry the create with its Idempotency-Key").id == company.id
    details = expect(
        patch_company_details.sync_detailed(
            company.id,
            client=admin,
            body=DetailsPatch(city="İzmir", contact_phone="0532 123 45 67"),
        ),
        200,
        "patch its details",
    )
    assert (details.city, details.contact_phone) == ("İzmir", "+905321234567")

    email = f"client-{suffix}@ege-osgb.example.com"
    expect(
        create_user.sync_detailed(
            client=admin,
            body=CreateUser(
                email=email,
                password=PASSWORD,
                role=RoleDto.CLIENT,
                company_id=company.id,
                profile=ProfilePatch(first_name="Ayşe"),
            ),
        ),
        201,
        "create a client user",
    )
    client = AuthenticatedClient(base_url=BASE, token=token_for(email, PASSWORD))
    me = expect(get_me.sync_detailed(client=client), 200, "read /me")
    assert me.user.email == email and me.profile.first_name == "Ayşe"

    project = expect(
        create_project.sync_detailed(
            client=client, body=NewProject(company_id=company.id, name="Kurumsal Site")
        ),
        201,
        "create a project",
    )

    invoice = expect(
        create_invoice.sync_detailed(
            client=admin,
            body=NewInvoice(
                company_id=company.id,
                subtotal="1000.00",
                tax_rate="20",
                due_date=datetime.date(2026, 12, 31),
            ),
        ),
        201,
        "create an invoice",
    )
    assert invoice.total == "1200.00"
    sent = expect(send_invoice.sync_detailed(invoice.id, client=admin), 200, "send it")
    paid = expect(
        pay_invoice.sync_detailed(invoice.id, client=admin, if_match=f'"{sent.version}"'),
        200,
        "pay it with If-Match",
    )
    assert paid.status == InvoiceStatusDto.PAID
    problem(
        pay_invoice.sync_detailed(invoice.id, client=admin, if_match=f'"{sent.version}"'),
        412,
        "precondition_failed",
        "pay on a stale version",
    )
    dashboard = expect(
        get_company_dashboard.sync_detailed(company.id, client=client), 200, "the dashboard"
    )
    assert dashboard.paid_total == "1200.00"
    feed = expect(list_activity.sync_detailed(client=client, limit=2), 200, "the activity feed")
    assert [event.kind for event in feed.items] == [
        ActivityKindDto.INVOICE_PAID,
        ActivityKindDto.INVOICE_ISSUED,
    ], feed
    assert feed.items[0].total == "1200.00" and feed.items[0].subject_id == invoice.id

    key = expect(
        rotate_project_ingest_key.sync_detailed(project.id, client=client), 201, "an ingest key"
    ).ingest_key
    website = AuthenticatedClient(
        base_url=BASE, token=key, auth_header_name="X-Ingest-Key", prefix=""
    )
    today = datetime.date.today()
    expect(
        ingest_stats_with_key.sync_detailed(
            client=website, body=StatsDay(date=today, visitors=3, page_views=7)
        ),
        204,
        "ingest with the project's key",
    )
    series = expect(
        get_project_stats.sync_detailed(
            project.id,
            client=client,
            from_=today - datetime.timedelta(days=6),
            to=today,
            fill=True,
        ),
        200,
        "a zero-filled range",
    )
    assert series.filled and len(series.days) == 7
    assert series.days[-1].visitors == 3 and series.days[0].visitors == 0

    run = expect(start_run.sync_detailed(project.id, client=client, body=StartRun()), 201, "start a run")
    for _ in range(150):
        run = expect(get_run.sync_detailed(run.id, client=client), 200, "follow the run")
        if run.status in (RunStatusDto.SUCCEEDED, RunStatusDto.FAILED, RunStatusDto.CANCELLED):
            break
        time.sleep(0.1)
    assert run.status == RunStatusDto.SUCCEEDED, run
    lines, after = [], 0
    while True:
        page = expect(
            get_run_logs.sync_detailed(run.id, client=client, after_seq=after, limit=3),
            200,
            "read the run's log",
        )
        if not page.lines:
            break
        lines += page.lines
        after = page.next_after_seq
    assert lines[-1].message == "run succeeded", [line.message for line in lines]

    seen, cursor = [], None
    while True:
        page = expect(
            list_companies.sync_detailed(client=admin, limit=1, **({"cursor": cursor} if cursor else {})),
            200,
            "a page of companies",
        )
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert company.id in seen and len(seen) == len(set(seen)) >= 2

    problem(list_companies.sync_detailed(client=admin, limit=0), 400, "bad_request", "limit 0")
    problem(
        login.sync_detailed(
            client=Client(base_url=BASE), body=LoginRequest(email=email, password="a wrong one!")
        ),
        401,
        "invalid_credentials",
        "a wrong password",
    )
    problem(
        create_company.sync_detailed(client=client, body=CreateCompany(name="Not mine")),
        403,
        "forbidden",
        "a client creating a company",
    )
    problem(get_project.sync_detailed(uuid4(), client=admin), 404, "not_found", "a missing project")
    problem(
        create_user.sync_detailed(
            client=admin,
            body=CreateUser(email=email, password=PASSWORD, role=RoleDto.CLIENT, company_id=company.id),
        ),
        409,
        "email_taken",
        "a taken email",
    )
    invalid = problem(
        update_me.sync_detailed(client=client, body=ProfilePatch(phone="12")),
        422,
        "validation_failed",
        "an invalid phone",
    )
    assert invalid.errors[0].field == "phone"
    anonymous = Client(base_url=BASE)
    for _ in range(4):
        login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password="wrong again!"))
    limited = login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=PASSWORD))
    problem(limited, 429, "too_many_requests", "a locked account")
    assert int(limited.headers["retry-after"]) >= 1
    problem(get_invoice.sync_detailed(uuid4(), client=client), 404, "not_found", "another's invoice")

    print(f"python client: {len(checked)} passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"python client: scenario failed: {failure}", file=sys.stderr)
        sys.exit(1)
