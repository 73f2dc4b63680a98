import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorState, StateEffect, StateField } from '@codemirror/state'
import { Decoration, EditorView, highlightSpecialChars, lineNumbers, type DecorationSet } from '@codemirror/view'
import { useEffect, useRef } from 'react'
import { editorTheme, languageSupport } from '../components/CodeEditor'

const setChange = StateEffect.define<{ from: number; to: number } | null>()
const changeMark = Decoration.mark({ class: 'cm-replay-change' })

/** The last change, highlighted. */
const changeField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes)
    for (const effect of tr.effects) {
      if (effect.is(setChange)) {
        next =
          effect.value && effect.value.to > effect.value.from
            ? Decoration.set([changeMark.range(effect.value.from, effect.value.to)])
            : Decoration.none
      }
    }
    return next
  },
  provide: (field) => EditorView.decorations.from(field),
})

const replayTheme = EditorView.theme({
  '.cm-replay-change': { backgroundColor: 'color-mix(in srgb, var(--warn) 28%, transparent)', borderRadius: '2px' },
})

interface ReplayEditorProps {
  text: string
  language: string
  label: string
  fileName: string
}

/** A read-only editor that shows the replay's text; a new text is applied as one change, highlighted. */
export function ReplayEditor({ text, language, label, fileName }: ReplayEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)

  useEffect(() => {
    if (!host.current) return
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: '',
        extensions: [
          lineNumbers(),
          highlightSpecialChars(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          EditorView.lineWrapping,
          editorTheme,
          replayTheme,
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          languageSupport(language),
          changeField,
        ],
      }),
    })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // One editor per file (the page keys it by file).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    const v = view.current
    if (!v) return
    const old = v.state.doc.toString()
    if (old === text) return
    let start = 0
    const max = Math.min(old.length, text.length)
    while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++
    let endOld = old.length
    let endNew = text.length
    while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
      endOld--
      endNew--
    }
    // what changed since the text shown before (one step, or many after a jump)
    const mark = { from: start, to: endNew }
    v.dispatch({
      changes: { from: start, to: endOld, insert: text.slice(start, endNew) },
      effects: [
        setChange.of(mark),
        EditorView.scrollIntoView(Math.min(mark.from, text.length), { y: 'nearest' }),
      ],
    })
  }, [text])

  return (
    <div
      ref={host}
      className="code-editor replay-editor"
      data-testid="replay-editor"
      data-file={fileName}
      data-language={language}
    />
  )
}
