import { useState } from 'react';
import { api } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { FailureHandlerPanel } from '../components/FailureHandlerPanel';
import { RunForm } from '../components/RunForm';
import { ScriptEditor } from '../components/ScriptEditor';
import { ScriptSettingsPanel } from '../components/ScriptSettingsPanel';
import { VersionHistory } from '../components/VersionHistory';
import { href } from '../router';
import type { Script } from '../types';
import { usePoll } from '../usePoll';

type Notice = { path: string; text: string };

function ScriptList({ scripts, selected }: { scripts: Script[] | undefined; selected: string | null }) {
  return (
    <nav className="panel script-list" aria-label="Scripts">
      <a className="button primary block" href={href.scripts()} data-testid="new-script-button">
        + New script
      </a>
      {scripts && scripts.length === 0 && <p className="muted">No scripts yet.</p>}
      <ul>
        {scripts?.map((s) => (
          <li key={s.path}>
            <a
              href={href.script(s.path)}
              aria-current={s.path === selected ? 'page' : undefined}
              data-testid={`script-row-${s.path}`}
            >
              <span className="mono">{s.path}</span>
              <span className="muted small">
                v{s.version} · {s.language}
                {s.settings.dedicated && <span className="badge badge-dedicated">dedicated</span>}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ScriptDetail({
  path,
  onChanged,
  notice,
}: {
  path: string;
  onChanged: (n?: Notice) => void;
  notice?: string;
}) {
  const [tick, setTick] = useState(0);
  const [shown, setShown] = useState<Script | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);
  const latest = usePoll(() => api.getScript(path), 0, [path, tick]);
  const versions = usePoll(() => api.listVersions(path), 0, [path, tick]);

  const script = latest.data;
  if (!script) {
    return latest.error ? <ErrorBanner error={latest.error} /> : <p className="muted">Loading…</p>;
  }
  const inEditor = shown ?? script;
  const open = async (version: number) => {
    setOpenError(null);
    try {
      setShown(version === script.version ? null : await api.getScript(path, version));
    } catch (err) {
      setOpenError(err);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1 className="mono">{script.path}</h1>
        <span className="badge">v{script.version}</span>
        <a href={href.runs({ path })} className="small">
          See runs →
        </a>
      </div>
      {notice && (
        <div className="banner banner-ok" role="status" data-testid="deploy-message">
          {notice}
        </div>
      )}
      <ErrorBanner error={latest.error} />
      <ErrorBanner error={openError} />
      <div className="two-col">
        <div className="col-main">
          <ScriptEditor
            key={`${path}@${inEditor.version}@${inEditor.hash}`}
            script={inEditor}
            shownVersion={inEditor.version}
            onDeployed={(res) => {
              setShown(null);
              setTick((t) => t + 1);
              onChanged({ path: res.path, text: `Deployed ${res.path} as version ${res.version}.` });
            }}
          />
          <RunForm path={path} />
        </div>
        <div className="col-side">
          <ScriptSettingsPanel script={script} onSaved={() => onChanged()} />
          <FailureHandlerPanel key={path} target={{ script: path }} />
          <VersionHistory
            path={path}
            versions={versions.data}
            current={script.version}
            shown={inEditor.version}
            onShow={open}
          />
          <ErrorBanner error={versions.error} />
        </div>
      </div>
    </>
  );
}

/** Scripts: the list, a new-script form, or one script's code, settings, versions and run form. */
export function ScriptsPage({ path }: { path: string | null }) {
  const list = usePoll(() => api.listScripts(), 3000, []);
  const [notice, setNotice] = useState<Notice | null>(null);
  const onChanged = (n?: Notice) => {
    if (n) setNotice(n);
    list.reload();
  };

  return (
    <div className="page scripts-page">
      <ScriptList scripts={list.data} selected={path} />
      <div className="scripts-main">
        <ErrorBanner error={list.error} />
        {path ? (
          <ScriptDetail
            key={path}
            path={path}
            onChanged={onChanged}
            notice={notice?.path === path ? notice.text : undefined}
          />
        ) : (
          <>
            <h1>New script</h1>
            <ScriptEditor
              key="new"
              onDeployed={(res) =>
                onChanged({ path: res.path, text: `Deployed ${res.path} as version ${res.version}.` })
              }
            />
          </>
        )}
      </div>
    </div>
  );
}
