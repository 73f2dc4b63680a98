/** Shared bits of the live room's editor: identity colours, the y-websocket address, the setup. */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language'
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search'
import { EditorState, type Extension } from '@codemirror/state'
import {
  crosshairCursor,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view'
import { yUndoManagerKeymap } from 'y-codemirror.next'

/** Distinct, readable cursor colours; a person keeps theirs (picked from their user id). */
const PALETTE = ['#d9480f', '#2f9e44', '#1971c2', '#ae3ec9', '#c2255c', '#0c8599', '#66a80f', '#9c5a1c']

export interface CollabUser {
  name: string
  color: string
  /** The colour of their selection: the cursor colour, translucent. */
  colorLight: string
}

export function userColor(userId: string): string {
  let hash = 0
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0
  return PALETTE[Math.abs(hash) % PALETTE.length] ?? PALETTE[0]!
}

export function collabUser(userId: string, name: string): CollabUser {
  const color = userColor(userId)
  return { name, color, colorLight: `${color}33` }
}

/** `ws(s)://this host/yjs`: the y-websocket endpoint on the same origin. */
export function yjsBase(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${window.location.host}/yjs`
}

/**
 * CodeMirror's basic setup without its own undo history: in a shared document undo is Yjs's
 * (it undoes one's own changes only), bound by `yCollab` and `yUndoManagerKeymap`.
 */
export const collabSetup: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  foldGutter(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  closeBrackets(),
  autocompletion(),
  rectangularSelection(),
  crosshairCursor(),
  highlightActiveLine(),
  highlightSelectionMatches(),
  keymap.of([
    ...yUndoManagerKeymap,
    ...closeBracketsKeymap,
    ...defaultKeymap,
    ...searchKeymap,
    ...foldKeymap,
    ...completionKeymap,
    indentWithTab,
  ]),
  EditorView.lineWrapping,
]

/** Remote cursors with their names always shown (y-codemirror shows them on hover only). */
export const remoteCursorTheme = EditorView.theme({
  '.cm-content': { paddingTop: '1.1em' },
  '.cm-ySelectionInfo': {
    opacity: 1,
    fontFamily: 'var(--font)',
    fontSize: '0.72rem',
    fontWeight: '600',
    padding: '0 4px',
    borderRadius: '3px 3px 3px 0',
    top: '-1.35em',
  },
  '.cm-ySelectionCaret': { borderLeftWidth: '2px', borderRightWidth: '0' },
})
