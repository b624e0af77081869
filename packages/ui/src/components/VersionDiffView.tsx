import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import type { ScriptVersion } from '../types';
import { type VersionDiff, versionDiff } from '../versionDiff';
import { ErrorBanner } from './ErrorBanner';

type Props = {
  path: string;
  versions: ScriptVersion[];
  from: number;
  to: number;
  onPick: (from: number, to: number) => void;
};

/** The line diff between two versions of a script, with the pair chosen from two selects. */
export function VersionDiffView({ path, versions, from, to, onPick }: Props) {
  const [diff, setDiff] = useState<VersionDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fromId = useId();
  const toId = useId();

  useEffect(() => {
    let stopped = false;
    setDiff(null);
    setError(null);
    Promise.all([api.getScript(path, from), api.getScript(path, to)]).then(
      ([a, b]) => !stopped && setDiff(versionDiff(a.content ?? '', b.content ?? '')),
      (err) => !stopped && setError(err),
    );
    return () => {
      stopped = true;
    };
  }, [path, from, to]);

  const picker = (id: string, label: string, value: number, set: (v: number) => void, testId: string) => (
    <label className="inline-field" htmlFor={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="version-diff" data-testid="version-diff" data-from={from} data-to={to}>
      <div className="actions-left">
        {picker(fromId, 'Compare', from, (v) => onPick(v, to), 'diff-from-select')}
        {picker(toId, 'with', to, (v) => onPick(from, v), 'diff-to-select')}
        {diff && (
          <span className="small" data-testid="diff-summary">
            <span className="diff-added-text">+{diff.added}</span>{' '}
            <span className="diff-removed-text">−{diff.removed}</span>
          </span>
        )}
      </div>
      <ErrorBanner error={error} />
      {!diff && !error && <p className="muted small">Loading…</p>}
      {diff && (
        <table className="diff-table" aria-label={`Changes from version ${from} to version ${to}`}>
          <tbody>
            {diff.rows.map((row, i) =>
              row.kind === 'skip' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
                <tr key={i} className="diff-skip">
                  <td colSpan={3}>
                    … {row.count} unchanged line{row.count === 1 ? '' : 's'}
                  </td>
                </tr>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
                <tr key={i} className={`diff-${row.kind}`} data-testid="diff-line" data-kind={row.kind}>
                  <td className="diff-no">{row.oldNo ?? ''}</td>
                  <td className="diff-no">{row.newNo ?? ''}</td>
                  <td className="diff-text">
                    <span className="sr-only">
                      {row.kind === 'added' ? 'added: ' : row.kind === 'removed' ? 'removed: ' : ''}
                    </span>
                    <span aria-hidden="true">
                      {row.kind === 'added' ? '+ ' : row.kind === 'removed' ? '- ' : '  '}
                    </span>
                    <span data-testid="diff-line-text">{row.text}</span>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
