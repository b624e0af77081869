export { type DriverName, openTestDb, type TestDb, testDrivers } from './test-db';
export { waitFor } from './wait-for';
