-- Preferences, version 2: appearance per persona profile, readable before
-- unlock so the lock screen shows in the user's theme.
--
-- These two tables are the one deliberate exception to "only ciphertext of
-- user content": they hold display choices (theme, accent colour, text
-- size, density, motion, language, date and time format) keyed by an opaque
-- random profile id. Profile names, filters, behaviour and privacy
-- preferences stay sealed in `preferences`.
CREATE TABLE appearance (
    profile    TEXT    PRIMARY KEY,          -- opaque profile id, never its name
    updated_at INTEGER NOT NULL,
    body       TEXT    NOT NULL              -- plaintext JSON with a "version"
) STRICT;

-- The profile the app opens with, so the lock screen uses its appearance.
CREATE TABLE active_profile (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    profile    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
