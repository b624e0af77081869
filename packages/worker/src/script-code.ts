import type { Settings } from '@millrace/settings';
import type { ExecutableJob } from './executor';

export interface ScriptCode {
  code: string;
  language: ExecutableJob['language'];
}

/** Script versions are immutable, so their code is fetched once per hash and kept. */
export class ScriptCodeCache {
  private readonly byVersion = new Map<string, Promise<ScriptCode>>();

  constructor(
    private readonly settings: Settings,
    private readonly maxEntries = 256,
    private readonly retries = 6,
  ) {}

  get(path: string, hash: string): Promise<ScriptCode> {
    const key = `${path}@${hash}`;
    let entry = this.byVersion.get(key);
    if (!entry) {
      entry = this.fetch(path, hash);
      entry.catch(() => this.byVersion.delete(key));
      if (this.byVersion.size >= this.maxEntries) {
        const oldest = this.byVersion.keys().next().value;
        if (oldest !== undefined) this.byVersion.delete(oldest);
      }
      this.byVersion.set(key, entry);
    }
    return entry;
  }

  /**
   * A lost connection is retried with backoff (about 5 s in all) before the job is failed: the
   * database is usually back by then, and a job should not fail for good because its code could
   * not be read for a moment (seen: 26 jobs failed at once when every connection was terminated).
   */
  private async fetch(path: string, hash: string): Promise<ScriptCode> {
    for (let attempt = 0; ; attempt++) {
      try {
        const s = await this.settings.getScriptVersion(path, hash);
        return { code: s.code, language: s.language };
      } catch (err) {
        if ((err as { code?: string }).code !== 'database_error' || attempt >= this.retries) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
      }
    }
  }
}
