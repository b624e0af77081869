import { useState } from 'react';
import { api } from '../api';
import { DedicatedStepsView } from '../components/DedicatedStepsView';
import { ErrorBanner } from '../components/ErrorBanner';
import { FailureHandlerPanel } from '../components/FailureHandlerPanel';
import { GroupEditor } from '../components/GroupEditor';
import { ThroughputChart } from '../components/ThroughputChart';
import { WorkerTable } from '../components/WorkerTable';
import { type DedicatedSteps, dedicatedSteps } from '../dedicatedSteps';
import { formatRate } from '../format';
import { draftFromGroup, emptyGroupDraft } from '../groupForm';
import { href } from '../router';
import { groupTags } from '../tagCoverage';
import type { Worker, WorkerGroup } from '../types';
import { usePoll } from '../usePoll';

function GroupSection({
  group,
  workers,
  now,
  onEdit,
  steps,
}: {
  group: WorkerGroup;
  workers: Worker[];
  now: number;
  onEdit: () => void;
  /** for a dedicated group: the two steps of its script (undefined while loading or generic) */
  steps?: DedicatedSteps;
}) {
  const alive = workers.filter((w) => w.alive);
  const jobsDone = workers.reduce((n, w) => n + w.jobsDone, 0);
  const rate = alive.reduce((n, w) => n + w.jobsPerSecond, 0);
  const envKeys = Object.keys(group.env);
  return (
    <section
      className="panel group"
      data-testid={`group-row-${group.name}`}
      aria-labelledby={`g-${group.name}`}
    >
      <div className="panel-head">
        <h2 id={`g-${group.name}`} className="panel-title mono">
          {group.name}
        </h2>
        {group.dedicatedWorker ? (
          <span className="badge badge-dedicated" data-testid="group-dedicated">
            dedicated to <a href={href.script(group.dedicatedWorker)}>{group.dedicatedWorker}</a>
          </span>
        ) : (
          <span className="muted small">generic</span>
        )}
        <div className="spacer" />
        <button
          type="button"
          onClick={onEdit}
          aria-label={`Edit group ${group.name}`}
          data-testid="group-edit-button"
        >
          Edit
        </button>
      </div>
      <dl className="group-summary">
        <div>
          <dt>Serves</dt>
          <dd data-testid="group-tags">
            {groupTags(group).map((t) => (
              <code key={t} className="tag">
                {t}
              </code>
            ))}
          </dd>
        </div>
        <div>
          <dt>Concurrency</dt>
          <dd data-testid="group-concurrency">{group.concurrency}</dd>
        </div>
        <div>
          <dt>Env</dt>
          <dd data-testid="group-env">{envKeys.length ? envKeys.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Workers alive</dt>
          <dd data-testid="group-workers-alive">
            {alive.length} / {workers.length}
          </dd>
        </div>
        <div>
          <dt>Jobs done</dt>
          <dd data-testid="group-jobs-done">{jobsDone}</dd>
        </div>
        <div>
          <dt>Jobs/s</dt>
          <dd>{formatRate(rate)}</dd>
        </div>
      </dl>
      {steps && <DedicatedStepsView steps={steps} where="group" />}
      <WorkerTable workers={workers} now={now} />
    </section>
  );
}

/** Workers: worker groups with their config and editor, and the live workers of each group. */
export function WorkersPage() {
  const [now, setNow] = useState(Date.now());
  const groups = usePoll(() => api.listGroups(), 1000, []);
  const workers = usePoll(
    async () => {
      const list = await api.listWorkers();
      setNow(Date.now());
      return list;
    },
    1000,
    [],
  );
  const scripts = usePoll(() => api.listScripts(), 2000, []);
  /** the editor's subject: undefined = closed, null = a new group, else the group being edited */
  const [editing, setEditing] = useState<string | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  const groupList = groups.data ?? [];
  const workerList = workers.data ?? [];
  const names = new Set(groupList.map((g) => g.name));
  const orphans = workerList.filter((w) => !names.has(w.group));
  const editedGroup = editing ? groupList.find((g) => g.name === editing) : undefined;
  const scriptList = scripts.data ?? [];

  const edit = (name: string | null) => {
    setEditing(name);
    setNotice(null);
    // after the render that opens the form
    requestAnimationFrame(() => {
      const title = document.getElementById('group-editor-title');
      title?.scrollIntoView({ block: 'start' });
      (
        document.querySelector('[data-testid="group-editor"] input:not([readonly])') as HTMLElement | null
      )?.focus();
    });
  };
  const stepsOf = (g: WorkerGroup) => {
    if (!g.dedicatedWorker) return undefined;
    const script = scriptList.find((s) => s.path === g.dedicatedWorker);
    if (!scripts.data) return undefined;
    return dedicatedSteps(
      script
        ? { path: script.path, dedicated: script.settings.dedicated, resolvedTag: script.resolvedTag }
        : { path: g.dedicatedWorker, dedicated: false, resolvedTag: 'node' },
      groupList,
      workerList,
    );
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Workers</h1>
        <div className="spacer" />
        <button
          type="button"
          onClick={() => edit(null)}
          aria-expanded={editing === null}
          aria-controls="group-editor"
          data-testid="new-group-button"
        >
          + New group
        </button>
      </div>
      {notice && (
        <div className="banner banner-ok" role="status" data-testid="group-message">
          {notice}
        </div>
      )}
      {editing !== undefined && (
        <GroupEditor
          key={editedGroup ? `edit:${editedGroup.name}` : 'new'}
          initial={editedGroup ? draftFromGroup(editedGroup) : emptyGroupDraft}
          isNew={!editedGroup}
          scriptPaths={scriptList.map((s) => s.path)}
          onSaved={(name) => {
            setNotice(`Saved group ${name}. Its workers pick up the change live.`);
            setEditing(undefined);
            groups.reload();
          }}
          onDeleted={() => {
            setNotice(`Deleted group ${editing}.`);
            setEditing(undefined);
            groups.reload();
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
      {editedGroup && (
        <FailureHandlerPanel
          key={editedGroup.name}
          target={{ group: editedGroup.name }}
          scriptPaths={scriptList.map((s) => s.path)}
        />
      )}
      <ErrorBanner error={groups.error} />
      <ErrorBanner error={workers.error} />
      {groups.data && groupList.length === 0 && (
        <p className="muted empty" data-testid="groups-empty">
          No worker groups yet: create one with “New group”.
        </p>
      )}
      {groupList.map((g) => (
        <GroupSection
          key={g.name}
          group={g}
          workers={workerList.filter((w) => w.group === g.name)}
          now={now}
          onEdit={() => edit(g.name)}
          steps={stepsOf(g)}
        />
      ))}
      {orphans.length > 0 && (
        <section className="panel" aria-labelledby="orphans-title" data-testid="workers-without-group">
          <h2 id="orphans-title" className="panel-title">
            Workers of groups without stored config
          </h2>
          <WorkerTable workers={orphans} now={now} />
        </section>
      )}
      <ThroughputChart />
    </div>
  );
}
