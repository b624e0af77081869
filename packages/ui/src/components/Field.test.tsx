import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { InputField, Switch } from './Field';

it('a switch is a checkbox with the switch role whose aria-checked follows its state', () => {
  const on = renderToStaticMarkup(
    <Switch checked onChecked={() => {}} testId="t" aria-label="Schedule x enabled" disabled />,
  );
  expect(on).toMatch(/^<input [^>]*type="checkbox"/);
  expect(on).toContain('role="switch"');
  expect(on).toContain('aria-checked="true"');
  expect(on).toContain('checked=""');
  expect(on).toContain('aria-label="Schedule x enabled"');
  expect(on).toContain('disabled=""');
  expect(on).toContain('data-testid="t"');
  const off = renderToStaticMarkup(<Switch id="d" checked={false} onChecked={() => {}} testId="t" />);
  expect(off).toContain('aria-checked="false"');
  expect(off).not.toContain('checked=""');
  expect(off).toContain('id="d"');
});

it('an input field ties its label to its control and offers its suggestions', () => {
  const html = renderToStaticMarkup(
    <InputField label="Handler" value="f/ops/alert" onValue={() => {}} testId="h" suggestions={['f/a/b']} />,
  );
  const id = /<input[^>]* id="([^"]+)"/.exec(html)?.[1];
  expect(html).toContain(`<label class="field" for="${id}"><span>Handler</span>`);
  expect(html).toContain('value="f/ops/alert"');
  expect(html).toMatch(/<datalist id="[^"]+"><option value="f\/a\/b"><\/option><\/datalist>/);
});
