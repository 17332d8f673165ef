-- Deterministic bulk data for benchmarks and the EXPLAIN proof: every value is a function of the
-- row number, every constraint holds. `{companies}`, `{users}`, `{invoices}`, `{projects}` and
-- `{stats_projects}` are filled in by `seed::load` from the chosen `Scale` (daily_stats gets
-- `{stats_projects}` x 365 rows).
SET synchronous_commit = off;

-- A valid VKN from its first nine digits: the check digit of SPEC §4, as the domain computes it.
CREATE FUNCTION pg_temp.vkn(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT body || ((10 - sum(CASE WHEN t = 0 THEN 0
                                   WHEN (t << (10 - i)) % 9 = 0 THEN 9
                                   ELSE (t << (10 - i)) % 9 END) % 10) % 10)::text
    FROM (SELECT i, (substr(body, i, 1)::int + 10 - i) % 10 AS t FROM generate_series(1, 9) AS i) AS digits
$$;

INSERT INTO companies (id, name, tax_id, status, created_at)
SELECT md5('company' || i)::uuid,
       (ARRAY['Anadolu', 'Ege', 'Şişli', 'Trakya', 'Karadeniz', 'Çukurova', 'İzmir', 'Boğaziçi'])[1 + i % 8]
           || ' ' || (ARRAY['Sağlık', 'İSG', 'Güvenlik', 'Danışmanlık'])[1 + (i / 8) % 4] || ' OSGB ' || i,
       pg_temp.vkn((100000000 + i)::text),
       (ARRAY['LEAD', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'CHURNED'])[1 + i % 6],
       timestamptz '2024-01-01' + i * interval '1 minute'
FROM generate_series(1, {companies}) AS i;

-- Upserted: in the expanded schema of the details split, a sync trigger has created the rows.
INSERT INTO company_details (company_id, city, danger_class)
SELECT id, 'İstanbul', 'DANGEROUS' FROM companies
ON CONFLICT (company_id) DO UPDATE SET city = EXCLUDED.city, danger_class = EXCLUDED.danger_class;

INSERT INTO users (id, email, password_hash, role, company_id)
SELECT md5('user' || i)::uuid, 'user' || i || '@osgb' || (i % {companies}) || '.example',
       '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
       'CLIENT', md5('company' || (1 + i % {companies}))::uuid
FROM generate_series(1, {users}) AS i;

-- Every user the API creates has a profile (registration writes both rows).
INSERT INTO user_profiles (user_id, first_name, last_name, phone, preferences)
SELECT md5('user' || i)::uuid,
       (ARRAY['Ayşe', 'Mehmet', 'Zeynep', 'Mustafa', 'Elif', 'Ahmet'])[1 + i % 6],
       (ARRAY['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik'])[1 + i % 5],
       '+90532' || lpad((i % 10000000)::text, 7, '0'),
       jsonb_build_object('locale', 'tr')
FROM generate_series(1, {users}) AS i;

-- Every invoice is made out to its company as seeded (the buyer snapshot of evolution 3).
INSERT INTO invoices (id, company_id, buyer_name, buyer_tax_id, invoice_no, amount_subtotal,
                      amount_tax, amount_total, status, due_date, issue_date, paid_at, created_at)
SELECT md5('invoice' || i)::uuid,
       c.id, c.name, c.tax_id,
       '2025-' || (1000 + i),
       s.subtotal, round(s.subtotal * 0.20, 2), s.subtotal + round(s.subtotal * 0.20, 2),
       s.status,
       date '2025-01-01' + (i % 365),
       CASE WHEN s.status IN ('SENT', 'PAID') THEN date '2024-12-01' + (i % 365) END,
       CASE WHEN s.status = 'PAID' THEN timestamptz '2025-01-15' + (i % 365) * interval '1 day' END,
       timestamptz '2024-12-01' + i * interval '20 seconds'
FROM generate_series(1, {invoices}) AS i
     JOIN companies c ON c.id = md5('company' || (1 + i % {companies}))::uuid,
     LATERAL (SELECT round((100 + (i::bigint * 7919) % 99900)::numeric / 10, 2) AS subtotal,
                     (ARRAY['PAID', 'PAID', 'PAID', 'PAID', 'SENT', 'SENT', 'DRAFT', 'DRAFT', 'DRAFT', 'VOID'])[1 + i % 10] AS status) AS s;

INSERT INTO web_projects (id, company_id, name, status, created_at, updated_at)
SELECT md5('project' || i)::uuid, md5('company' || (1 + i % {companies}))::uuid, 'Site ' || i,
       (ARRAY['DRAFT', 'BUILDING', 'LIVE', 'LIVE', 'PAUSED', 'ARCHIVED'])[1 + i % 6],
       timestamptz '2024-01-01' + i * interval '1 hour', timestamptz '2024-01-01' + i * interval '1 hour'
FROM generate_series(1, {projects}) AS i;

INSERT INTO daily_stats (id, project_id, date, visitors, page_views, meta_breakdown)
SELECT md5('stats' || p || '-' || d)::uuid, md5('project' || p)::uuid, date '2025-01-01' + d,
       (p * 31 + d * 17) % 500, (p * 31 + d * 17) % 500 * 3,
       jsonb_build_object('source', jsonb_build_object('google', (p + d) % 50, 'direct', (p * d) % 20))
FROM generate_series(1, {stats_projects}) AS p, generate_series(0, 364) AS d;

