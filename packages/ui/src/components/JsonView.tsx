import { useState } from 'react';
import { formatJson } from '../format';

const pad = (level: number) => '  '.repeat(level);

/**
 * One JSON value, written exactly as `JSON.stringify(value, null, 2)` writes it, with a toggle on
 * every non-empty object and array. A collapsed node's children are hidden, not removed, so the
 * element's text stays the whole document (what copy and the e2e suite read).
 */
function JsonNode({ value, level, label }: { value: unknown; level: number; label: string }) {
  const [open, setOpen] = useState(true);
  if (value === null || typeof value !== 'object')
    return <span className={`json-${typeof value}`}>{JSON.stringify(value)}</span>;
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const [openMark, closeMark] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{openMark + closeMark}</span>;
  return (
    <span className={open ? 'json-node' : 'json-node json-collapsed'}>
      {openMark}
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        aria-label={`${open ? 'Collapse' : 'Expand'} ${label} (${entries.length} ${isArray ? 'items' : 'keys'})`}
        onClick={() => setOpen(!open)}
      />
      <span className="json-children" hidden={!open}>
        {'\n'}
        {entries.map(([key, v], i) => (
          <span key={key}>
            {pad(level + 1)}
            {!isArray && <span className="json-key">{JSON.stringify(key)}</span>}
            {!isArray && ': '}
            <JsonNode value={v} level={level + 1} label={isArray ? `${label}[${key}]` : `${label}.${key}`} />
            {i < entries.length - 1 ? ',' : ''}
            {'\n'}
          </span>
        ))}
        {pad(level)}
      </span>
      {closeMark}
    </span>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // not a secure context: the old way
  const box = document.createElement('textarea');
  box.value = text;
  document.body.append(box);
  box.select();
  document.execCommand('copy');
  box.remove();
}

/** A JSON document as a collapsible tree with a Copy button. */
export function JsonView({ value, label, testId }: { value: unknown; label: string; testId: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    copyText(formatJson(value)).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  return (
    <div className="json-view">
      <div className="json-actions">
        <button type="button" className="small-button" onClick={copy} data-testid={`${testId}-copy-button`}>
          Copy {label.toLowerCase()}
        </button>
        <span className="muted small" role="status">
          {copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Could not copy.' : ''}
        </span>
      </div>
      <pre className="code-block json" data-testid={testId}>
        <JsonNode value={value} level={0} label={label} />
      </pre>
    </div>
  );
}
