import { JobTimeline } from '../components/JobTimeline';
import { href } from '../router';

/** The live job timeline: generic workers' cold-start gaps beside dedicated workers' back-to-back runs. */
export function TimelinePage() {
  return (
    <div className="page">
      <div className="page-head">
        <h1>Timeline</h1>
      </div>
      <p className="muted">
        A generic worker starts a fresh process for every job, so its jobs are separated by clean-up and cold
        start; a dedicated worker keeps its script warm and runs its jobs back to back, like a for-loop. Set
        one up on the <a href={href.workers()}>Workers</a> page.
      </p>
      <JobTimeline />
    </div>
  );
}
