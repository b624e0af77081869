export { DatabaseError, DataDirLockedError, MigrationError, MillraceError } from './errors';
export { migrate } from './migrate';
export { type Migration, migrations } from './migrations';
export { dumpPglite, type OpenDbOptions, openDb } from './open-db';
export type { Db, DriverName, Queryable, QueryResult, Unlisten } from './types';
