import { openTestDb, type TestDb } from '@millrace/testing';
import { Settings } from './index';

export interface SettingsFixture extends TestDb {
  settings: Settings;
}

/** A fresh database with Settings and the trivial script `export const main = () => 1;` at each of `paths`. */
export async function openSettingsFixture(
  driver: TestDb['driver'],
  paths: string[] = [],
): Promise<SettingsFixture> {
  const t = await openTestDb(driver);
  const settings = new Settings(t.db);
  for (const path of paths) await settings.deployScript({ path, content: 'export const main = () => 1;' });
  return { ...t, settings };
}
