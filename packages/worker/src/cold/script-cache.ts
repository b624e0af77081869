// Writes each script version to disk once, named by the hash of its code, so a fresh process can
// `import()` it. Names come from our own sha256 of the code, never from job input, so a job cannot
// pick a path; write-to-temp-then-rename makes concurrent writers (other slots, other workers
// sharing the directory) safe: a reader sees either no file or the whole file.
import { createHash, randomBytes } from 'node:crypto';
import { access, chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class ScriptCache {
  readonly #dir: string;
  readonly #known = new Map<string, Promise<string>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Absolute path of a module file holding `code`. */
  pathFor(code: string): Promise<string> {
    const hash = createHash('sha256').update(code).digest('hex');
    let pending = this.#known.get(hash);
    if (!pending) {
      pending = this.#write(hash, code);
      this.#known.set(hash, pending);
      // A failed write (disk full, permissions) must be retried by the next job, not remembered.
      pending.catch(() => this.#known.delete(hash));
    }
    return pending;
  }

  async #write(hash: string, code: string): Promise<string> {
    const file = join(this.#dir, `${hash}.mjs`);
    try {
      await access(file);
      return file;
    } catch {
      // not cached yet
    }
    await mkdir(this.#dir, { recursive: true });
    const temp = join(this.#dir, `${hash}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, code);
      // readable whatever the host's umask: a job may run as another user (runAs)
      await chmod(temp, 0o644);
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return file;
  }
}
