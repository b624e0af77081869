import { useEffect, useRef, useState } from 'react';
import type { CodeEditorHandle, EditorLanguage } from '../editor/codemirror';

type Props = {
  value: string;
  onValue: (value: string) => void;
  language: EditorLanguage;
  label: string;
  testId: string;
  placeholder?: string;
};

// One shared promise: the chunk is fetched once, and `preloadCodeEditor` can start it early.
let chunk: Promise<typeof import('../editor/codemirror')> | undefined;
export function preloadCodeEditor() {
  chunk ??= import('../editor/codemirror');
  return chunk;
}

/**
 * A CodeMirror 6 editor, loaded on first use. Until its chunk arrives a read-only box shows the
 * text; if it cannot load (offline, say), a plain textarea takes its place.
 */
export function CodeEditor({ value, onValue, language, label, testId, placeholder }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditorHandle | null>(null);
  const onValueRef = useRef(onValue);
  onValueRef.current = onValue;
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const initial = useRef({ value, language, label, testId, placeholder });

  useEffect(() => {
    let stopped = false;
    preloadCodeEditor().then(
      ({ mountCodeEditor }) => {
        if (stopped || !host.current) return;
        const o = initial.current;
        editor.current = mountCodeEditor(host.current, {
          doc: o.value,
          language: o.language,
          label: o.label,
          testId: o.testId,
          placeholder: o.placeholder,
          onChange: (doc) => onValueRef.current(doc),
        });
        setState('ready');
      },
      () => !stopped && setState('failed'),
    );
    return () => {
      stopped = true;
      editor.current?.destroy();
      editor.current = null;
    };
  }, []);

  useEffect(() => editor.current?.setLanguage(language), [language]);
  useEffect(() => editor.current?.setDoc(value), [value]);

  if (state === 'failed') {
    return (
      <textarea
        className="code code-box"
        rows={18}
        aria-label={label}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        data-testid={testId}
      />
    );
  }
  return (
    <div className="code-editor" data-state={state}>
      <div ref={host} />
      {state === 'loading' && (
        <pre className="code-block code-loading" aria-busy="true">
          {value || 'Loading the editor…'}
        </pre>
      )}
    </div>
  );
}
