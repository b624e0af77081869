import { api } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { ScheduleForm } from '../components/ScheduleForm';
import { ScheduleTable } from '../components/ScheduleTable';
import { usePoll } from '../usePoll';

const POLL_MS = 2_000;

/** Schedules: define cron schedules, see their next runs and last run, switch them on and off. */
export function SchedulesPage() {
  const schedules = usePoll(api.listSchedules, POLL_MS, []);
  const scripts = usePoll(() => api.listScripts().then((s) => s.map((x) => x.path)), 0, []);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Schedules</h1>
      </div>
      <p className="muted small">
        Every worker and server fires due ticks; the database makes each tick one job, however many run. Ticks
        missed while nothing ran: one catch-up run by default.
      </p>
      <ScheduleForm scriptPaths={scripts.data ?? []} onSaved={schedules.reload} />
      <section className="panel" aria-label="Schedules">
        <ErrorBanner error={schedules.error} />
        {schedules.data && (
          <ScheduleTable schedules={schedules.data} now={Date.now()} onChanged={schedules.reload} />
        )}
      </section>
    </div>
  );
}
