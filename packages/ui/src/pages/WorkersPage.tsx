import { useState } from 'react';
import { api } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { GroupEditor } from '../components/GroupEditor';
import { ThroughputChart } from '../components/ThroughputChart';
import { WorkerTable } from '../components/WorkerTable';
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
}: {
  group: WorkerGroup;
  workers: Worker[];
  now: number;
  onEdit: () => void;
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
        <button type="button" onClick={onEdit} data-testid="group-edit-button">
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
  const scripts = usePoll(() => api.listScripts(), 0, []);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const groupList = groups.data ?? [];
  const workerList = workers.data ?? [];
  const names = new Set(groupList.map((g) => g.name));
  const orphans = workerList.filter((w) => !names.has(w.group));
  const editedGroup = editing ? groupList.find((g) => g.name === editing) : undefined;

  const edit = (name: string | null) => {
    setEditing(name);
    setNotice(null);
    document.getElementById('group-editor-title')?.scrollIntoView({ block: 'start' });
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>Workers</h1>
        <div className="spacer" />
        <button type="button" onClick={() => edit(null)} data-testid="new-group-button">
          + New group
        </button>
      </div>
      {notice && (
        <div className="banner banner-ok" role="status" data-testid="group-message">
          {notice}
        </div>
      )}
      <GroupEditor
        key={editedGroup ? `edit:${editedGroup.name}` : 'new'}
        initial={editedGroup ? draftFromGroup(editedGroup) : emptyGroupDraft}
        isNew={!editedGroup}
        scriptPaths={scripts.data?.map((s) => s.path) ?? []}
        onSaved={(name) => {
          setNotice(`Saved group ${name}. Its workers pick up the change live.`);
          setEditing(name);
          groups.reload();
        }}
        onDeleted={() => {
          setNotice(`Deleted group ${editing}.`);
          setEditing(null);
          groups.reload();
        }}
      />
      <ErrorBanner error={groups.error} />
      <ErrorBanner error={workers.error} />
      {groups.data && groupList.length === 0 && (
        <p className="muted empty" data-testid="groups-empty">
          No worker groups yet: create one above.
        </p>
      )}
      {groupList.map((g) => (
        <GroupSection
          key={g.name}
          group={g}
          workers={workerList.filter((w) => w.group === g.name)}
          now={now}
          onEdit={() => edit(g.name)}
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
