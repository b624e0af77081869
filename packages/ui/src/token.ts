// The bearer token lives in localStorage; the token prompt listens for "needed" signals (any 401).

const KEY = 'millrace.token';
type Listener = () => void;
const listeners = new Set<Listener>();

export function readToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token then lives only as long as the prompt's state.
  }
}

/** Called by the API client on a 401: every subscriber (the token prompt) is told. */
export function signalTokenNeeded(): void {
  for (const listener of listeners) listener();
}

export function onTokenNeeded(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
