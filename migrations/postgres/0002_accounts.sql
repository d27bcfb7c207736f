-- Accounts, credentials and refresh tokens. citext (created by 0001) makes `Alice` and `alice`
-- one username, and the same for emails.
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    username      CITEXT NOT NULL,
    email         CITEXT NOT NULL,
    -- argon2id PHC string; the password itself is never stored.
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    -- 'deleting': deletion started and did not finish; the account is refused and invisible.
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleting')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at TIMESTAMPTZ,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE refresh_tokens (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the token; the token is only ever known to the client.
    token_hash  BYTEA NOT NULL,
    family_id   UUID NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    replaced_by UUID,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_live_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- Ids of deleted accounts (no personal data), so that access tokens issued before the deletion
-- are refused until they expire. Rows older than a day are pruned by later deletions.
CREATE TABLE deleted_accounts (
    id         UUID PRIMARY KEY,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
