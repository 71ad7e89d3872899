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
]

LATEST = MIGRATIONS[-1][0]
