// The CodeMirror 6 setup, in its own chunk: pages import it with `import()` only when a code box
// is shown, so the first page the UI loads stays small.
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder as placeholderText,
} from '@codemirror/view';

export type EditorLanguage = 'typescript' | 'javascript' | 'python';

function languageSupport(language: EditorLanguage): Extension {
  if (language === 'python') return [python(), indentUnit.of('    ')];
  return [javascript({ typescript: language === 'typescript' }), indentUnit.of('  ')];
}

export type CodeEditorOptions = {
  doc: string;
  language: EditorLanguage;
  onChange: (doc: string) => void;
  /** the accessible name of the editable area */
  label: string;
  /** data-testid of the editable area, for the e2e suite */
  testId?: string;
  placeholder?: string;
};

export type CodeEditorHandle = {
  setLanguage(language: EditorLanguage): void;
  /** replaces the text when it differs (an "Insert example", say) */
  setDoc(doc: string): void;
  destroy(): void;
};

/** Mounts an editor in `parent`: highlighting, auto-indent, bracket closing, undo, Tab indents. */
export function mountCodeEditor(parent: HTMLElement, o: CodeEditorOptions): CodeEditorHandle {
  const language = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: o.doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's own focus escape).
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          indentWithTab,
        ]),
        language.of(languageSupport(o.language)),
        placeholderText(o.placeholder ?? ''),
        EditorView.contentAttributes.of({
          'aria-label': o.label,
          'aria-multiline': 'true',
          ...(o.testId ? { 'data-testid': o.testId } : {}),
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) o.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    setLanguage: (l) => view.dispatch({ effects: language.reconfigure(languageSupport(l)) }),
    setDoc(doc) {
      if (doc !== view.state.doc.toString())
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
    },
    destroy: () => view.destroy(),
  };
}
