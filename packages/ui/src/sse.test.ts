import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events split across arbitrary chunks', () => {
    const stream =
      'id: 1\nevent: log\ndata: {"seq":1,"text":"a\\n"}\n\n: ping\n\nevent: end\ndata: {"status":"success"}\n\n';
    for (const size of [1, 3, 7, stream.length]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual([
        { event: 'log', data: '{"seq":1,"text":"a\\n"}', id: '1' },
        { event: 'end', data: '{"status":"success"}', id: '1' },
      ]);
    }
  });

  it('handles CRLF line endings split between chunks, and multi-line data', () => {
    const parser = new SseParser();
    const events = [...parser.push('data: one\r'), ...parser.push('\ndata: two\r\n\r\n')];
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
