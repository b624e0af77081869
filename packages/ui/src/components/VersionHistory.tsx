import { useState } from 'react';
import { dependencyItems } from '../dependencies';
import { formatTime } from '../format';
import type { ScriptVersion } from '../types';
import { VersionDiffView } from './VersionDiffView';

type Props = {
  path: string;
  versions: ScriptVersion[] | undefined;
  current: number;
  shown: number;
  onShow: (version: number) => void;
};

/** The script's deploys, newest first; "Open" loads a version into the editor, "Changes" diffs it. */
export function VersionHistory({ path, versions, current, shown, onShow }: Props) {
  const [pair, setPair] = useState<{ from: number; to: number } | null>(null);
  return (
    <section className="panel" aria-labelledby="versions-title" data-testid="version-history">
      <h2 id="versions-title" className="panel-title">
        Version history
      </h2>
      {!versions ? (
        <p className="muted">Loading…</p>
      ) : (
        <ol className="versions">
          {versions.map((v) => (
            <li key={v.version} data-testid={`version-row-${v.version}`} data-hash={v.hash}>
              <span className="version-n">v{v.version}</span>
              <span className="mono muted" title={v.hash}>
                {v.hash.slice(0, 10)}
              </span>
              <span className="muted small">{formatTime(v.createdAt)}</span>
              {v.version === current && <span className="badge">current</span>}
              {v.version > 1 && (
                <button
                  type="button"
                  className="small-button"
                  aria-pressed={pair?.to === v.version && pair.from === v.version - 1}
                  onClick={() => setPair({ from: v.version - 1, to: v.version })}
                  aria-label={`Show the changes of version ${v.version}`}
                  data-testid="version-diff-button"
                >
                  Changes
                </button>
              )}
              <button
                type="button"
                className="small-button"
                disabled={v.version === shown}
                onClick={() => onShow(v.version)}
                aria-label={`Open version ${v.version} in the editor`}
              >
                {v.version === shown ? 'Shown' : 'Open'}
              </button>
              <VersionDependencies version={v} />
            </li>
          ))}
        </ol>
      )}
      {versions && pair && (
        <VersionDiffView
          path={path}
          versions={versions}
          from={pair.from}
          to={pair.to}
          onPick={(from, to) => setPair({ from, to })}
        />
      )}
    </section>
  );
}

/** The packages and scripts a version was locked to at deploy, on their own line under its row. */
function VersionDependencies({ version }: { version: ScriptVersion }) {
  const items = dependencyItems(version.dependencies);
  if (items.length === 0) return null;
  return (
    <ul
      className="version-deps"
      aria-label={`Dependencies of version ${version.version}`}
      data-testid="version-deps"
    >
      {items.map((item) => (
        <li key={item.label} className="mono small" title={item.title}>
          {item.label}
        </li>
      ))}
    </ul>
  );
}
