// A form's or button's request in flight: `busy` while it runs, its failure kept in `error` to show.
import { useState } from 'react';

export type Action = {
  busy: boolean;
  error: unknown;
  /** For failures found before any request is sent (or to clear one). */
  setError: (error: unknown) => void;
  /** Runs `action` with `busy` set; a throw lands in `error` instead of escaping. */
  run: (action: () => Promise<void>) => Promise<void>;
};

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
