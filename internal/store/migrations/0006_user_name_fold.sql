-- Users' names folded for search (lower case, diacritics removed): SQLite's
-- lower() only folds ASCII, so "özdemir" would not find "Özdemir". Filled by
-- the org service on every write and, for rows from before this migration,
-- by org.Service.FoldNames at start-up.
ALTER TABLE users ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
