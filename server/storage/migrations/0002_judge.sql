-- Jobs for the judge (program runs for now; task submissions join them with the screening
-- work), their results (one per job, whatever the retries), and the workers' heartbeats.

CREATE TABLE judge_jobs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind         text NOT NULL CHECK (kind IN ('run', 'submission')),
    lane         text NOT NULL CHECK (lane IN ('live', 'screening')),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    language     text NOT NULL,
    source       text NOT NULL,
    stdin        text NOT NULL DEFAULT '',
    limits       jsonb NOT NULL DEFAULT '{}'::jsonb,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done')),
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);

CREATE INDEX judge_jobs_user_idx ON judge_jobs (user_id, created_at DESC);

CREATE TABLE judge_results (
    job_id      uuid PRIMARY KEY REFERENCES judge_jobs (id) ON DELETE CASCADE,
    verdict     text NOT NULL,
    result      jsonb NOT NULL,
    worker      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE judge_workers (
    name          text PRIMARY KEY,
    languages     jsonb NOT NULL,
    slots         integer NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
