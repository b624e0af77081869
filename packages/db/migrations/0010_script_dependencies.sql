-- A script version's locked dependencies (docs/dependencies.md): the npm packages resolved at
-- deploy with exact versions and integrity, and the scripts it imports pinned by version and hash.
-- NULL for a version that imports only Node built-ins. Workers never read it: the version's
-- `code` is the bundle built from it.
ALTER TABLE millrace.script_versions ADD COLUMN dependencies jsonb;
