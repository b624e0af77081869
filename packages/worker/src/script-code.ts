import type { Settings } from '@millrace/settings';

export interface ScriptCode {
  code: string;
  language: 'typescript' | 'javascript' | 'python';
}

/** Script versions are immutable, so their code is fetched once per hash and kept. */
export class ScriptCodeCache {
  private readonly byVersion = new Map<string, Promise<ScriptCode>>();

  constructor(
    private readonly settings: Settings,
    private readonly maxEntries = 256,
  ) {}

  get(path: string, hash: string): Promise<ScriptCode> {
    const key = `${path}@${hash}`;
    let entry = this.byVersion.get(key);
    if (!entry) {
      entry = this.settings
        .getScriptVersion(path, hash)
        .then((s) => ({ code: s.code, language: s.language }));
      entry.catch(() => this.byVersion.delete(key));
      if (this.byVersion.size >= this.maxEntries) {
        const oldest = this.byVersion.keys().next().value;
        if (oldest !== undefined) this.byVersion.delete(oldest);
      }
      this.byVersion.set(key, entry);
    }
    return entry;
  }
}
