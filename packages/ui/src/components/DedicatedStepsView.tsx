import { type DedicatedSteps, dedicatedTag, outcomeText } from '../dedicatedSteps';
import { href } from '../router';

function Step({
  n,
  done,
  testId,
  children,
}: {
  n: number;
  done: boolean;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <li className={`step ${done ? 'step-done' : 'step-todo'}`} data-testid={testId} data-done={String(done)}>
      <span className="step-mark" aria-hidden="true">
        {done ? '✓' : n}
      </span>
      <span>
        <span className="sr-only">{done ? 'Done: ' : 'Not done: '}</span>
        {children}
      </span>
    </li>
  );
}

/**
 * Dedicated Workers at a glance: step 1 (a worker group dedicated to the script), step 2 (the
 * script's toggle), and what happens to the script's new jobs now.
 */
export function DedicatedStepsView({ steps, where }: { steps: DedicatedSteps; where: 'script' | 'group' }) {
  const waiting =
    steps.outcome === 'no-worker' ||
    steps.outcome === 'no-live-worker' ||
    steps.outcome === 'generic-unserved';
  return (
    <div className="dedicated-steps" data-testid="dedicated-steps" data-outcome={steps.outcome}>
      <ol aria-label={`Dedicated Workers for ${steps.path}: two steps`}>
        <Step n={1} done={steps.groups.length > 0} testId="dedicated-step-group">
          {steps.groups.length > 0 ? (
            <>
              Worker group {steps.groups.join(', ')} is dedicated to <code>{steps.path}</code>
            </>
          ) : (
            <>
              No worker group is dedicated to <code>{steps.path}</code> —{' '}
              <a href={href.workers()}>set one up on the Workers page</a>
            </>
          )}
        </Step>
        <Step n={2} done={steps.toggled} testId="dedicated-step-toggle">
          {steps.toggled ? (
            <>
              The script is toggled: its jobs get tag <code>{dedicatedTag(steps.path)}</code>
            </>
          ) : where === 'script' ? (
            <>The script is not toggled: turn on Dedicated Workers below and save</>
          ) : (
            <>
              The script is not toggled —{' '}
              <a href={href.script(steps.path)}>turn on Dedicated Workers in its settings</a>
            </>
          )}
        </Step>
      </ol>
      <p
        className={`step-outcome ${waiting ? 'step-outcome-wait' : ''}`}
        role="status"
        data-testid="dedicated-outcome"
      >
        {outcomeText(steps)}
      </p>
    </div>
  );
}
