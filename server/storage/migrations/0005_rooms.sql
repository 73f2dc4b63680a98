-- Live interview rooms: participants, join tokens, shared documents (Yjs) with snapshots and
-- the full update log for playback, chat, interviewers' private notes, scorecards.

CREATE TABLE rooms (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    application_id   uuid REFERENCES applications (id) ON DELETE SET NULL,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('scheduled', 'open', 'ended')),
    scheduled_at     timestamptz,
    -- the candidate's invite link carries a secret; only its hash is kept
    invite_hash      bytea NOT NULL UNIQUE,
    editor_locked    boolean NOT NULL DEFAULT false,
    running_disabled boolean NOT NULL DEFAULT false,
    task_id          uuid REFERENCES tasks (id) ON DELETE SET NULL,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    ended_at         timestamptz
);

CREATE INDEX rooms_organisation_idx ON rooms (organisation_id, created_at DESC);

CREATE TABLE room_participants (
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- candidate: writes; interviewer: writes, notes, scorecard, controls; observer: reads
    role         text NOT NULL CHECK (role IN ('candidate', 'interviewer', 'observer')),
    joined_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, user_id)
);

-- Who is in the room now: one row per open Socket.IO connection, refreshed by its node; a
-- row whose node stopped refreshing it (the node died) is stale after a minute.
CREATE TABLE room_presence (
    room_id       uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sid           text NOT NULL,
    node          text NOT NULL,
    connected_at  timestamptz NOT NULL DEFAULT now(),
    seen_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, sid)
);

-- Short-lived tokens for the y-websocket connection (`?token=`), one per participant and tab.
CREATE TABLE room_tokens (
    token_hash  bytea PRIMARY KEY,
    room_id     uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    can_write   boolean NOT NULL,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX room_tokens_expiry_idx ON room_tokens (expires_at);

CREATE TABLE room_documents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id         uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    -- the y-websocket document name: "<room id>/<file name>"
    name            text NOT NULL UNIQUE,
    file_name       text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 100),
    language        text NOT NULL,
    position        integer NOT NULL DEFAULT 0,
    -- the merged state up to and including stream entry `snapshot_through`
    snapshot        bytea,
    snapshot_through text,
    snapshot_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (room_id, file_name)
);

-- Every update, with its time and author, moved here from the stream by the compactor.
CREATE TABLE room_updates (
    document_id  uuid NOT NULL REFERENCES room_documents (id) ON DELETE CASCADE,
    stream_id    text NOT NULL,
    at           timestamptz NOT NULL,
    author_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    update       bytea NOT NULL,
    PRIMARY KEY (document_id, stream_id)
);

CREATE INDEX room_updates_time_idx ON room_updates (document_id, at);

CREATE TABLE room_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id    uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id  uuid REFERENCES users (id) ON DELETE SET NULL,
    -- 'chat' reaches everyone in the room; 'note' only the organisation's staff
    kind       text NOT NULL CHECK (kind IN ('chat', 'note')),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX room_messages_room_idx ON room_messages (room_id, kind, id);

CREATE TABLE scorecards (
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- [{"name": "Problem solving", "rating": 1..4, "comment": "..."}]
    criteria     jsonb NOT NULL DEFAULT '[]'::jsonb,
    decision     text CHECK (decision IN ('strong_hire', 'hire', 'no_hire', 'strong_no_hire')),
    summary      text NOT NULL DEFAULT '',
    submitted_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, author_id)
);

-- Runs made in a room (shared output); the job itself is in judge_jobs.
ALTER TABLE judge_jobs ADD COLUMN room_id uuid REFERENCES rooms (id) ON DELETE CASCADE;
