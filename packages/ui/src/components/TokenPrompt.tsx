import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api';
import { readToken, saveToken } from '../token';
import { FieldError, InputField } from './Field';
import { SubmitButton } from './SubmitButton';

/** A modal asking for the API token; checks it with GET /api/auth before storing it. */
export function TokenPrompt({ onAccepted }: { onAccepted: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (!token) {
      setError('Enter the token the server was started with (MILLRACE_TOKEN).');
      return;
    }
    const previous = readToken();
    saveToken(token);
    setChecking(true);
    try {
      const auth = await api.auth();
      if (auth.ok) {
        onAccepted();
        return;
      }
      saveToken(previous);
      setError('The server refused this token.');
    } catch (err) {
      saveToken(previous);
      setError(describeError(err));
    } finally {
      setChecking(false);
    }
  };

  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        onSubmit={submit}
        data-testid="token-prompt"
      >
        <h2 id="token-title">API token required</h2>
        <p className="muted">
          This server requires a bearer token. It is stored in this browser (localStorage) and sent with every
          request.
        </p>
        <InputField
          label="Token"
          value={value}
          onValue={setValue}
          testId="token-input"
          ref={input}
          type="password"
          autoComplete="current-password"
        />
        <FieldError message={error} testId="token-error" />
        <div className="actions">
          <SubmitButton busy={checking} busyLabel="Checking…" testId="token-submit">
            Use token
          </SubmitButton>
        </div>
      </form>
    </div>
  );
}
