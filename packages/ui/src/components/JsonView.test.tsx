import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { formatJson } from '../format';
import { JsonView } from './JsonView';

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replaceAll('&quot;', '"')
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

it('writes the document exactly as JSON.stringify(value, null, 2), toggles and all', () => {
  const value = {
    greeting: 'hello "QA" <b>',
    n: 42,
    ok: true,
    none: null,
    list: [1, { deep: [] }, 'x'],
    empty: {},
    nested: { a: { b: [false] } },
  };
  const html = renderToStaticMarkup(<JsonView value={value} label="Result" testId="job-result" />);
  const pre = /<pre[^>]*>([\s\S]*)<\/pre>/.exec(html)?.[1] ?? '';
  expect(decode(pre)).toBe(formatJson(value));
  expect(html).toContain('aria-label="Collapse Result.list (3 items)"');
  for (const scalar of [7, 'text', null]) {
    const one = renderToStaticMarkup(<JsonView value={scalar} label="Args" testId="a" />);
    expect(decode(/<pre[^>]*>([\s\S]*)<\/pre>/.exec(one)?.[1] ?? '')).toBe(formatJson(scalar));
  }
});
