-- A minimal task bank for the judge: tasks with test groups and tests, and submissions (judge
-- jobs of kind 'submission') against them. The screening work builds authoring on top.

CREATE TABLE tasks (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id        uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title                  text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    statement              text NOT NULL DEFAULT '',
    limits                 jsonb NOT NULL DEFAULT '{}'::jsonb,
    checker                jsonb NOT NULL DEFAULT '{"kind": "tokens"}'::jsonb,
    stop_on_first_failure  boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tasks_organisation_idx ON tasks (organisation_id);

CREATE TABLE task_groups (
    task_id   uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    ordinal   integer NOT NULL,
    name      text NOT NULL,
    points    integer NOT NULL CHECK (points >= 0),
    PRIMARY KEY (task_id, ordinal),
    UNIQUE (task_id, name)
);

CREATE TABLE task_tests (
    task_id        uuid NOT NULL,
    group_ordinal  integer NOT NULL,
    ordinal        integer NOT NULL,
    name           text NOT NULL,
    input          bytea NOT NULL,
    answer         bytea NOT NULL,
    visible        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (task_id, group_ordinal, ordinal),
    FOREIGN KEY (task_id, group_ordinal) REFERENCES task_groups (task_id, ordinal) ON DELETE CASCADE
);

ALTER TABLE judge_jobs ADD COLUMN task_id uuid REFERENCES tasks (id) ON DELETE CASCADE;
ALTER TABLE judge_jobs ADD CONSTRAINT submissions_have_a_task
    CHECK ((kind = 'submission') = (task_id IS NOT NULL));
