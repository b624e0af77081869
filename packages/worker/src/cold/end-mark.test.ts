import { describe, expect, it } from 'vitest';
import { EndMarkReader } from './end-mark';

const mark = Buffer.from('\0end-1234\0');

function reader() {
  const out: string[] = [];
  let ended = 0;
  const r = new EndMarkReader(
    mark,
    (chunk) => out.push(chunk.toString()),
    () => ended++,
  );
  return { r, out, ended: () => ended };
}

describe('end mark', () => {
  it('passes output on at once and ends at the mark, dropping what follows', () => {
    const { r, out, ended } = reader();
    r.write(Buffer.from('hello\n'));
    expect(out).toEqual(['hello\n']);
    r.write(Buffer.from('last\0end-1234\0after'));
    expect(out).toEqual(['hello\n', 'last']);
    expect(ended()).toBe(1);
    r.write(Buffer.from('more'));
    r.end();
    expect(ended()).toBe(1);
    expect(out.join('')).toBe('hello\nlast');
  });

  it('finds a mark split across chunks, holding back only what may start it', () => {
    const { r, out, ended } = reader();
    r.write(Buffer.from('abc\0en'));
    expect(out).toEqual(['abc']);
    r.write(Buffer.from('d-12'));
    r.write(Buffer.from('34\0'));
    expect(ended()).toBe(1);
    expect(out.join('')).toBe('abc');
  });

  it('gives back held bytes that turn out not to be the mark', () => {
    const { r, out } = reader();
    r.write(Buffer.from('x\0e'));
    r.write(Buffer.from('lse'));
    expect(out.join('')).toBe('x\0else');
  });

  it('ends without a mark when the stream ends, flushing what it held', () => {
    const { r, out, ended } = reader();
    r.write(Buffer.from('tail\0end'));
    r.end();
    expect(out.join('')).toBe('tail\0end');
    expect(ended()).toBe(1);
  });
});
