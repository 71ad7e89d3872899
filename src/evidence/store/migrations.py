"""The database schema, as an ordered list of migrations.

`PRAGMA user_version` holds the number of the last migration applied. A migration is only ever appended:
never edit one that has shipped, add a new one that changes what it made.
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "core: frameworks, criteria, campaigns, units, evidence, links",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE frameworks (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            version     TEXT,
            description TEXT,
            sample      INTEGER NOT NULL DEFAULT 0,
            source      TEXT,
            document    TEXT NOT NULL,           -- the validated framework as JSON
            imported_at TEXT NOT NULL
        );

        CREATE TABLE criteria (
            framework_id         TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
            code                 TEXT NOT NULL,
            parent_code          TEXT,
            position             INTEGER NOT NULL,
            title                TEXT NOT NULL,
            max_points           REAL,
            evidence_required    INTEGER NOT NULL DEFAULT 0,
            expected_types       TEXT NOT NULL DEFAULT '[]',
            evidence_description TEXT,
            due_rule             TEXT,
            applies_to           TEXT NOT NULL DEFAULT '[]',
            guidance             TEXT,
            PRIMARY KEY (framework_id, code)
        );

        CREATE TABLE campaigns (
            id           TEXT PRIMARY KEY,
            name         TEXT NOT NULL,
            framework_id TEXT NOT NULL REFERENCES frameworks(id),
            year         INTEGER,
            period_start TEXT,
            period_end   TEXT,
            config       TEXT NOT NULL,           -- the validated campaign file as JSON
            created_at   TEXT NOT NULL
        );

        CREATE TABLE units (
            campaign_id    TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            code           TEXT NOT NULL,
            name           TEXT NOT NULL,
            kind           TEXT,
            not_applicable TEXT NOT NULL DEFAULT '[]',
            position       INTEGER NOT NULL,
            PRIMARY KEY (campaign_id, code)
        );

        CREATE TABLE evidence (
            id             INTEGER PRIMARY KEY,
            sha256         TEXT NOT NULL UNIQUE,
            size           INTEGER NOT NULL,
            filename       TEXT NOT NULL,          -- name of the first upload
            format         TEXT,
            pages          INTEGER,
            text_source    TEXT,
            metadata       TEXT NOT NULL DEFAULT '{}',
            text           TEXT NOT NULL DEFAULT '', -- full text, pages separated by form feeds
            reader_version INTEGER,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL
        );

        CREATE TABLE links (
            id             INTEGER PRIMARY KEY,
            evidence_id    INTEGER NOT NULL REFERENCES evidence(id),
            campaign_id    TEXT NOT NULL,
            unit_code      TEXT NOT NULL,
            criterion_code TEXT NOT NULL,
            filename       TEXT NOT NULL,
            pages          TEXT,
            note           TEXT,
            linked_by      TEXT NOT NULL,
            linked_at      TEXT NOT NULL,
            UNIQUE (evidence_id, campaign_id, unit_code, criterion_code),
            FOREIGN KEY (campaign_id, unit_code) REFERENCES units(campaign_id, code)
        );
        CREATE INDEX links_by_unit ON links(campaign_id, unit_code, criterion_code);
        CREATE INDEX links_by_evidence ON links(evidence_id);
        """,
    ),
    (
        2,
        "scores: append-only score events, current scores and unit status",
        """
        -- Every change to a score, an objection, a submission or an agreement is one row here; rows are never
        -- updated or deleted (the triggers below refuse it). `scores` and `score_units` hold the current state and
        -- are written in the same transaction as the event that changes them.
        CREATE TABLE score_events (
            id             INTEGER PRIMARY KEY,
            campaign_id    TEXT NOT NULL,
            unit_code      TEXT NOT NULL,
            criterion_code TEXT,                  -- NULL for unit-level events (submission, reopen, agreement)
            kind           TEXT NOT NULL CHECK (kind IN ('self', 'appraised', 'objection', 'objection_resolved',
                                                         'agreement', 'submission', 'reopen')),
            value          REAL,                  -- the new score (self, appraised, accepted objection)
            previous_value REAL,                  -- the score it replaced
            text           TEXT,                  -- explanation, comment, objection, resolution reason, note
            outcome        TEXT,                  -- objection_resolved: accepted | rejected
            reference      TEXT,                  -- agreement: the unit's document number
            event_date     TEXT,                  -- agreement: the date of the unit's document
            by             TEXT NOT NULL,
            at             TEXT NOT NULL,
            FOREIGN KEY (campaign_id, unit_code) REFERENCES units(campaign_id, code)
        );
        CREATE INDEX score_events_by_target ON score_events(campaign_id, unit_code, criterion_code, id);
        CREATE TRIGGER score_events_no_update BEFORE UPDATE ON score_events
        BEGIN SELECT RAISE(ABORT, 'score_events is append-only'); END;
        CREATE TRIGGER score_events_no_delete BEFORE DELETE ON score_events
        BEGIN SELECT RAISE(ABORT, 'score_events is append-only'); END;

        CREATE TABLE scores (
            campaign_id        TEXT NOT NULL,
            unit_code          TEXT NOT NULL,
            criterion_code     TEXT NOT NULL,
            self_score         REAL,
            explanation        TEXT,
            self_event_id      INTEGER,
            appraised_score    REAL,
            comment            TEXT,
            appraised_event_id INTEGER,          -- the last event that set the appraised score
            objection          TEXT,             -- the last objection's text
            objection_status   TEXT,             -- open | accepted | rejected
            resolution         TEXT,
            updated_at         TEXT NOT NULL,
            PRIMARY KEY (campaign_id, unit_code, criterion_code),
            FOREIGN KEY (campaign_id, unit_code) REFERENCES units(campaign_id, code)
        );

        CREATE TABLE score_units (
            campaign_id         TEXT NOT NULL,
            unit_code           TEXT NOT NULL,
            submitted_at        TEXT,            -- NULL: self-assessment open
            submitted_by        TEXT,
            agreed_on           TEXT,
            agreement_reference TEXT,
            agreement_note      TEXT,
            agreement_event_id  INTEGER,
            PRIMARY KEY (campaign_id, unit_code),
            FOREIGN KEY (campaign_id, unit_code) REFERENCES units(campaign_id, code)
        );
        """,
    ),
    (
        3,
        "web: user accounts, metadata corrections (append-only), login throttle",
        """
        CREATE TABLE users (
            name          TEXT PRIMARY KEY,
            role          TEXT NOT NULL CHECK (role IN ('secretariat', 'reviewer', 'unit')),
            unit_code     TEXT,                   -- role 'unit': the unit's code in every campaign where it exists
            campaign_id   TEXT,                   -- reserved: NULL = every campaign
            password_hash TEXT NOT NULL,          -- Argon2id
            created_at    TEXT NOT NULL,
            updated_at    TEXT,
            disabled      INTEGER NOT NULL DEFAULT 0,
            CHECK ((role = 'unit') = (unit_code IS NOT NULL))
        );

        -- A person's correction of one extracted field; the latest row per (evidence, field) wins.
        CREATE TABLE metadata_corrections (
            id           INTEGER PRIMARY KEY,
            evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
            field        TEXT NOT NULL,
            value        TEXT,                    -- NULL: the person says the value is unknown
            corrected_by TEXT NOT NULL,
            corrected_at TEXT NOT NULL
        );
        CREATE INDEX metadata_corrections_by_evidence ON metadata_corrections(evidence_id, id);
        CREATE TRIGGER metadata_corrections_no_update BEFORE UPDATE ON metadata_corrections
        BEGIN SELECT RAISE(ABORT, 'metadata_corrections is append-only'); END;
        CREATE TRIGGER metadata_corrections_no_delete BEFORE DELETE ON metadata_corrections
        BEGIN SELECT RAISE(ABORT, 'metadata_corrections is append-only'); END;

        -- Failed sign-ins per "user|client address", for the throttle (rows older than a day are pruned).
        CREATE TABLE login_failures (
            key TEXT NOT NULL,
            at  REAL NOT NULL
        );
        CREATE INDEX login_failures_by_key ON login_failures(key, at);
        """,
    ),
    (
        4,
        "detached links: a link taken back is kept here (append-only), not lost",
        """
        CREATE TABLE detached_links (
            id             INTEGER PRIMARY KEY,
            link_id        INTEGER NOT NULL,      -- the id the link had in `links`
            evidence_id    INTEGER NOT NULL REFERENCES evidence(id),
            campaign_id    TEXT NOT NULL,
            unit_code      TEXT NOT NULL,
            criterion_code TEXT NOT NULL,
            filename       TEXT NOT NULL,
            pages          TEXT,
            note           TEXT,
            linked_by      TEXT NOT NULL,
            linked_at      TEXT NOT NULL,
            detached_by    TEXT NOT NULL,
            detached_at    TEXT NOT NULL,
            reason         TEXT
        );
        CREATE INDEX detached_links_by_evidence ON detached_links(evidence_id);
        CREATE TRIGGER detached_links_no_update BEFORE UPDATE ON detached_links
        BEGIN SELECT RAISE(ABORT, 'detached_links is append-only'); END;
        CREATE TRIGGER detached_links_no_delete BEFORE DELETE ON detached_links
        BEGIN SELECT RAISE(ABORT, 'detached_links is append-only'); END;
        """,
    ),
    (
        5,
        "round: who scores a criterion, campaign stages, register of issued documents",
        """
        ALTER TABLE criteria ADD COLUMN scored_by TEXT NOT NULL DEFAULT 'self';  -- self | survey

        -- Each move of a campaign to a stage (collection → … → final), with the date it took effect.
        CREATE TABLE campaign_stages (
            id          INTEGER PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            stage       TEXT NOT NULL,
            stage_date  TEXT NOT NULL,           -- YYYY-MM-DD, the day the stage began
            by          TEXT NOT NULL,
            at          TEXT NOT NULL,
            UNIQUE (campaign_id, stage)
        );

        -- The number and date a document of the round got when it was signed and issued.
        CREATE TABLE issued_documents (
            campaign_id   TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            kind          TEXT NOT NULL,         -- plan | decision | reminder | minutes | report | submission | announcement
            number        TEXT NOT NULL,         -- e.g. 15/KH-UBND
            issued_on     TEXT NOT NULL,         -- YYYY-MM-DD
            issuer        TEXT NOT NULL,
            subject       TEXT NOT NULL,
            signer        TEXT NOT NULL DEFAULT '',
            pdf_sha256    TEXT,                  -- the signed PDF, stored with the originals
            registered_by TEXT NOT NULL,
            registered_at TEXT NOT NULL,
            PRIMARY KEY (campaign_id, kind)
        );
        """,
    ),
    (
        6,
        "web: server-side sessions (the cookie carries only a random id; ending a session deletes its row)",
        """
        CREATE TABLE web_sessions (
            id_hash    TEXT PRIMARY KEY,       -- sha256 of the cookie's random id (the id itself is never stored)
            user_name  TEXT,                   -- NULL: not signed in yet (the login form's CSRF token)
            data       TEXT NOT NULL,          -- JSON: csrf token, messages for the next page
            created_at REAL NOT NULL,          -- unix seconds; the absolute timeout counts from here
            last_seen  REAL NOT NULL,          -- the idle timeout counts from here
            client     TEXT,                   -- address and browser, shown to the secretariat
            user_agent TEXT
        );
        CREATE INDEX web_sessions_by_user ON web_sessions(user_name);
        CREATE INDEX web_sessions_by_last_seen ON web_sessions(last_seen);
        """,
    ),
    (
        7,
        "background reading: each record says whether it is read (uploads are read after the request)",
        """
        -- pending: stored and linked, waiting for a reader; reading: a worker (read_owner, since read_claimed_at)
        -- is at it; read: text and metadata are there; failed: read_error says why (the original is kept).
        ALTER TABLE evidence ADD COLUMN read_status TEXT NOT NULL DEFAULT 'read'
            CHECK (read_status IN ('pending', 'reading', 'read', 'failed'));
        ALTER TABLE evidence ADD COLUMN read_error TEXT;
        ALTER TABLE evidence ADD COLUMN read_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE evidence ADD COLUMN read_owner TEXT;
        ALTER TABLE evidence ADD COLUMN read_claimed_at REAL;
        CREATE INDEX evidence_to_read ON evidence(read_status, id) WHERE read_status IN ('pending', 'reading');
        """,
    ),
    (
        8,
        "history: hash-chained events (append-only); what the store held before is taken into the chain",
        """
        -- One row per change a council relies on (evidence stored, link, detach, correction, score event,
        -- submission, stage change, account); `hash` covers the row and the hash before it (store/chain.py), so
        -- a rewritten event breaks the chain from there on. `evidence verify` walks it.
        CREATE TABLE events (
            id        INTEGER PRIMARY KEY,
            kind      TEXT NOT NULL,
            payload   TEXT NOT NULL,              -- canonical JSON (sorted keys, NFC)
            by        TEXT NOT NULL,
            at        TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash      TEXT NOT NULL UNIQUE
        );
        CREATE INDEX events_by_kind ON events(kind, id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
        """,
    ),
]

LATEST = MIGRATIONS[-1][0]
