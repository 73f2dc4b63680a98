-- Organisations, users and their roles, sign-in sessions, and the audit log.

CREATE TABLE organisations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roles (
    name         text PRIMARY KEY,
    is_staff     boolean NOT NULL,
    description  text NOT NULL
);

INSERT INTO roles (name, is_staff, description) VALUES
    ('candidate',   false, 'applies to vacancies and takes assessments; sees only their own data'),
    ('interviewer', true,  'runs live interviews for their organisation'),
    ('hr',          true,  'manages vacancies and the candidate pipeline of their organisation'),
    ('admin',       true,  'manages the organisation, its team and its settings');

CREATE TABLE users (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id  uuid REFERENCES organisations (id) ON DELETE RESTRICT,
    email            text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    password_hash    text NOT NULL,
    full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    role             text NOT NULL REFERENCES roles (name),
    locale           text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'ru')),
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- staff always belong to an organisation; candidates apply across organisations
    CONSTRAINT staff_have_organisation CHECK (role = 'candidate' OR organisation_id IS NOT NULL)
);

CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_organisation_idx ON users (organisation_id) WHERE organisation_id IS NOT NULL;

CREATE TABLE sessions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash    bytea NOT NULL UNIQUE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    ip            inet,
    user_agent    text
);

CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

CREATE TABLE audit_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    actor_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    subject_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    organisation_id  uuid REFERENCES organisations (id) ON DELETE SET NULL,
    action           text NOT NULL,
    target           text,
    ip               inet,
    details          jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_organisation_idx ON audit_log (organisation_id, id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, id DESC);
