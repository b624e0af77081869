import { formatTime } from '../format';
import type { ScriptVersion } from '../types';

type Props = {
  versions: ScriptVersion[] | undefined;
  current: number;
  shown: number;
  onShow: (version: number) => void;
};

/** The script's deploys, newest first; "Open" loads that version's code into the editor. */
export function VersionHistory({ versions, current, shown, onShow }: Props) {
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
              <button
                type="button"
                className="small-button"
                disabled={v.version === shown}
                onClick={() => onShow(v.version)}
                aria-label={`Open version ${v.version} in the editor`}
              >
                {v.version === shown ? 'Shown' : 'Open'}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
