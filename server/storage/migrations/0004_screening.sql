-- The screening funnel: tracks, quiz pools, vacancies with their assessments, the candidate
-- pipeline, timed attempts (deadline on the server), drafts, answers, integrity signals and
-- code-similarity flags.

CREATE TABLE tracks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    slug             text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, slug)
);

-- Tasks gain a track, starter code per language, and where they came from (an import).
ALTER TABLE tasks
    ADD COLUMN track_id      uuid REFERENCES tracks (id) ON DELETE SET NULL,
    ADD COLUMN starter_code  jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN origin        text,
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();

CREATE TABLE quiz_questions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    track_id         uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('single', 'multiple', 'text', 'numeric')),
    prompt           text NOT NULL CHECK (length(prompt) BETWEEN 1 AND 4000),
    options          jsonb NOT NULL DEFAULT '[]'::jsonb,
    -- the answer key; never sent to a candidate
    answer_key       jsonb NOT NULL,
    points           integer NOT NULL DEFAULT 1 CHECK (points BETWEEN 1 AND 100),
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX quiz_questions_pool_idx ON quiz_questions (track_id) WHERE is_active;

CREATE TABLE vacancies (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id   uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    track_id          uuid NOT NULL REFERENCES tracks (id) ON DELETE RESTRICT,
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description       text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    pass_mark         integer NOT NULL DEFAULT 60 CHECK (pass_mark BETWEEN 0 AND 100),
    duration_minutes  integer NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 1 AND 1440),
    quiz_questions    integer NOT NULL DEFAULT 0 CHECK (quiz_questions BETWEEN 0 AND 200),
    quiz_weight       integer NOT NULL DEFAULT 0 CHECK (quiz_weight BETWEEN 0 AND 1000),
    languages         text[] NOT NULL DEFAULT '{}',
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX vacancies_board_idx ON vacancies (track_id) WHERE status = 'open';
CREATE INDEX vacancies_organisation_idx ON vacancies (organisation_id);

CREATE TABLE vacancy_tasks (
    vacancy_id  uuid NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    position    integer NOT NULL,
    weight      integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
    PRIMARY KEY (vacancy_id, task_id),
    UNIQUE (vacancy_id, position)
);

-- One candidate's way through one vacancy.
CREATE TABLE applications (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    vacancy_id        uuid NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    candidate_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage             text NOT NULL CHECK (stage IN (
                          'applied', 'invited', 'registered', 'started', 'finished',
                          'passed', 'not_passed', 'interview_scheduled', 'interviewed',
                          'offer', 'rejected')),
    -- set when HR moved the stage by hand; scoring then leaves the stage alone
    stage_set_by_hr   boolean NOT NULL DEFAULT false,
    stage_changed_at  timestamptz NOT NULL DEFAULT now(),
    source            text NOT NULL DEFAULT 'board',
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (vacancy_id, candidate_id)
);

CREATE INDEX applications_vacancy_stage_idx ON applications (vacancy_id, stage);
CREATE INDEX applications_candidate_idx ON applications (candidate_id);

CREATE TABLE stage_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_stage      text,
    to_stage        text NOT NULL,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    reason          text,
    at              timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX stage_changes_application_idx ON stage_changes (application_id, id);

CREATE TABLE attempts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id  uuid NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    vacancy_id      uuid NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    candidate_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished')),
    started_at      timestamptz NOT NULL,
    deadline        timestamptz NOT NULL,
    finished_at     timestamptz,
    finish_reason   text CHECK (finish_reason IN ('submitted', 'deadline')),
    -- the vacancy's assessment as it was when the attempt started
    pass_mark       integer NOT NULL,
    quiz_weight     integer NOT NULL,
    languages       text[] NOT NULL,
    score_percent   numeric(6, 2),
    breakdown       jsonb,
    CHECK ((status = 'finished') = (finished_at IS NOT NULL))
);

CREATE INDEX attempts_open_deadline_idx ON attempts (deadline) WHERE status = 'active';
CREATE INDEX attempts_candidate_idx ON attempts (candidate_id);

CREATE TABLE attempt_tasks (
    attempt_id  uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    position    integer NOT NULL,
    weight      integer NOT NULL,
    PRIMARY KEY (attempt_id, task_id)
);

CREATE TABLE attempt_questions (
    attempt_id   uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    question_id  uuid NOT NULL REFERENCES quiz_questions (id) ON DELETE RESTRICT,
    answer       jsonb,
    answered_at  timestamptz,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE attempt_drafts (
    attempt_id  uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    task_id     uuid NOT NULL,
    language    text NOT NULL,
    source      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, task_id, language)
);

-- Submissions and sample runs made inside an attempt.
ALTER TABLE judge_jobs
    ADD COLUMN attempt_id    uuid REFERENCES attempts (id) ON DELETE CASCADE,
    ADD COLUMN samples_only  boolean NOT NULL DEFAULT false;

CREATE INDEX judge_jobs_attempt_idx ON judge_jobs (attempt_id, task_id) WHERE attempt_id IS NOT NULL;

CREATE TABLE integrity_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_id   uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN (
                     'tab_hidden', 'tab_visible', 'focus_lost', 'focus_regained', 'paste',
                     'fullscreen_exit', 'fullscreen_enter')),
    -- the client's time of the event, and when the server heard of it
    at           timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    details      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX integrity_events_attempt_idx ON integrity_events (attempt_id, id);

-- Pairs of final submissions to one task whose code is alike above the threshold.
CREATE TABLE similarity_flags (
    task_id       uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    attempt_id    uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    other_attempt_id uuid NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    submission_id uuid NOT NULL,
    other_submission_id uuid NOT NULL,
    similarity    real NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, attempt_id, other_attempt_id)
);

CREATE INDEX similarity_flags_other_idx ON similarity_flags (other_attempt_id);
