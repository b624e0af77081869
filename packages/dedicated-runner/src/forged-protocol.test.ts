// A process-runtime script can write to the protocol's stdout itself (fd 1, past the wrapper's
// hooks). Lines that are not well-formed protocol messages are its output, nothing more: the host
// never throws on them, the call still gets its own answer and the runtime serves the next call.
import { describe, expect, test } from 'vitest';
import { openRunner } from './index';
import { maxLineChars } from './process/process-runtime';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

const forging = (lines: string[]) => `import { writeSync } from 'node:fs';
export async function main(a) {
  if (!a.forge) return 'fine';
  for (const line of ${JSON.stringify(lines)}) writeSync(1, line + '\\n');
  return 'answered';
}`;

describe('process runtime: a script writing malformed protocol lines', () => {
  test.each([
    ['null', 'null'],
    ['a number', '5'],
    ['an error that is null', '{"type":"error","id":1,"error":null}'],
    ['a load error that is null', '{"type":"load-error","error":null}'],
    ['an error whose message is not a string', '{"type":"error","id":1,"error":{"message":7}}'],
    ['a log whose text is not a string', '{"type":"log","id":1,"text":{"a":1}}'],
    ['a start time that is not a number', '{"type":"started","id":1,"at":"soon"}'],
    ['an id that is not a number', '{"type":"result","id":"1","result":"forged"}'],
  ])('%s: its call gets its own answer and the next call runs', async (_what, line) => {
    const logs: string[] = [];
    const runner = await openRunner({
      content: forging([line]),
      runtime: 'process',
      onStrayLog: (text) => logs.push(text),
    });
    try {
      expect(await runner.run({ forge: true })).toBe('answered');
      expect(await runner.run({})).toBe('fine');
      // kept as the script's own output
      expect(logs.join('')).toContain(line);
    } finally {
      await runner.close();
    }
  });

  test('a line longer than any the protocol has is dropped with a note, not kept in the host', async () => {
    const logs: string[] = [];
    const runner = await openRunner({
      // 48 Mi characters and then a newline, written to fd 1 (non-blocking: retried until taken)
      content: `import { writeSync } from 'node:fs';
        function put(text) {
          const bytes = Buffer.from(text);
          for (let at = 0; at < bytes.length; ) {
            try { at += writeSync(1, bytes, at); } catch (e) { if (e.code !== 'EAGAIN') throw e; }
          }
        }
        export async function main(a) {
          if (!a.flood) return 'fine';
          const mib = 'x'.repeat(1024 * 1024);
          for (let i = 0; i < 48; i++) put(mib);
          put('\\n');
          return 'answered';
        }`,
      runtime: 'process',
      onStrayLog: (text) => logs.push(text),
    });
    try {
      expect(await runner.run({ flood: true })).toBe('answered');
      expect(await runner.run({})).toBe('fine');
      const limit = maxLineChars(10 * 1024 * 1024);
      expect(logs.join('')).toBe(
        `[millrace] dropped a line of over ${limit} characters from the process's stdout\n`,
      );
    } finally {
      await runner.close();
    }
  });
});
