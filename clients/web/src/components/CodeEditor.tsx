import { indentWithTab } from '@codemirror/commands'
import { cpp } from '@codemirror/lang-cpp'
import { java } from '@codemirror/lang-java'
import { javascript } from '@codemirror/lang-javascript'
import { python } from '@codemirror/lang-python'
import { rust } from '@codemirror/lang-rust'
import { Compartment, EditorState, type Extension } from '@codemirror/state'
import { EditorView, keymap } from '@codemirror/view'
import { basicSetup } from 'codemirror'
import { useEffect, useRef } from 'react'

/** CodeMirror's language support for a judge language id (python3, cpp, java, …). */
export function languageSupport(language: string): Extension {
  switch (language) {
    case 'python3':
    case 'python':
      return python()
    case 'c':
    case 'cpp':
      return cpp()
    case 'java':
      return java()
    case 'javascript':
    case 'node':
      return javascript()
    case 'rust':
      return rust()
    default:
      return []
  }
}

/** The editors' look, in the page's colours. */
export const editorTheme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    fontSize: '0.9rem',
  },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-2)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 55%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--accent-soft)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent) !important',
  },
})

interface CodeEditorProps {
  /** The text to start from; taken again whenever `docKey` changes. */
  value: string
  /** What document this is (e.g. task and language): a new key replaces the text and history. */
  docKey: string
  language: string
  readOnly?: boolean
  onChange?: (value: string) => void
  /** Text was pasted into the editor (its length in characters). */
  onPaste?: (length: number) => void
  label: string
  testId?: string
  className?: string
}

/** A small React wrapper around a CodeMirror 6 editor. */
export function CodeEditor({
  value,
  docKey,
  language,
  readOnly = false,
  onChange,
  onPaste,
  label,
  testId,
  className,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const languageSlot = useRef(new Compartment())
  const editableSlot = useRef(new Compartment())
  const callbacks = useRef({ onChange, onPaste })
  callbacks.current = { onChange, onPaste }
  // The latest props, read when a new state is made for a new document.
  const latest = useRef({ value, language, readOnly, label })
  latest.current = { value, language, readOnly, label }

  function makeState(): EditorState {
    const { value: doc, language: lang, readOnly: ro, label: aria } = latest.current
    return EditorState.create({
      doc,
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        editorTheme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': aria }),
        languageSlot.current.of(languageSupport(lang)),
        editableSlot.current.of([EditorState.readOnly.of(ro), EditorView.editable.of(!ro)]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) callbacks.current.onChange?.(update.state.doc.toString())
        }),
        EditorView.domEventHandlers({
          paste(event) {
            const text = event.clipboardData?.getData('text/plain') ?? ''
            callbacks.current.onPaste?.(text.length)
            return false
          },
        }),
      ],
    })
  }

  useEffect(() => {
    if (!host.current) return
    const created = new EditorView({ state: makeState(), parent: host.current })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // Created once; documents and options change through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const shownKey = useRef(docKey)
  useEffect(() => {
    if (shownKey.current === docKey) return
    shownKey.current = docKey
    view.current?.setState(makeState())
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [docKey])

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(languageSupport(language)) })
  }, [language])

  useEffect(() => {
    view.current?.dispatch({
      effects: editableSlot.current.reconfigure([
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
      ]),
    })
  }, [readOnly])

  return (
    <div
      ref={host}
      className={className ? `code-editor ${className}` : 'code-editor'}
      data-testid={testId}
      data-language={language}
      data-readonly={readOnly ? 'true' : 'false'}
    />
  )
}
