//! `users` (hot, credentials only) and `user_profiles` (1:1, everything else), split as the design
//! document asks so that the login row stays small and cached.
//!
//! Emails are stored trimmed and lower-cased and are unique only among users that are not deleted
//! (`users_email_active_key`, a partial unique index): a soft-deleted user's address can be invited
//! again. That index is also the login lookup (access pattern 3): the query must say
//! `deleted_at IS NULL` to use it.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) NOT NULL
        CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email)) AND email LIKE '_%@_%'),
    password_hash VARCHAR(255) NOT NULL
        CONSTRAINT users_password_hash_argon2id CHECK (password_hash LIKE '$argon2id$%'),
    role VARCHAR(50) NOT NULL DEFAULT 'CLIENT',
    company_id UUID REFERENCES companies (id),
    curr_session_version INT NOT NULL DEFAULT 1
        CONSTRAINT users_session_version_positive CHECK (curr_session_version >= 1),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ,
    -- The only roles: platform staff, who belong to no company, and clients, who belong to one.
    CONSTRAINT users_role_company CHECK (
        (role = 'ADMIN' AND company_id IS NULL) OR (role = 'CLIENT' AND company_id IS NOT NULL)
    )
);

CREATE UNIQUE INDEX users_email_active_key ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX idx_users_company ON users (company_id);

CREATE TABLE user_profiles (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name VARCHAR(100),
    last_name VARCHAR(100),
    phone VARCHAR(20)
        CONSTRAINT user_profiles_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    avatar_url TEXT
        CONSTRAINT user_profiles_avatar_https CHECK (avatar_url LIKE 'https://_%' AND length(avatar_url) <= 2048),
    preferences JSONB NOT NULL DEFAULT '{}'
        CONSTRAINT user_profiles_preferences_object
        CHECK (jsonb_typeof(preferences) = 'object' AND octet_length(preferences::text) <= 4096)
);
"#;

const DOWN: &str = "DROP TABLE user_profiles; DROP TABLE users;";
