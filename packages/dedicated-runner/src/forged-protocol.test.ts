// A process-runtime script can write to the protocol's stdout itself (fd 1, past the wrapper's
// hooks). Lines that are not well-formed protocol messages are its output, nothing more: the host
// never throws on them, the call still gets its own answer and the runtime serves the next call.
import { describe, expect, test } from 'vitest';
import { openRunner } from './index';
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
});
