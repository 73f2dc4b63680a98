import { Compartment, EditorState } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import { useEffect, useRef } from 'react'
import { yCollab } from 'y-codemirror.next'
import { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { editorTheme, languageSupport } from '../components/CodeEditor'
import { collabSetup, remoteCursorTheme, yjsBase, type CollabUser } from './collab'

/** The editor token in use: a new object means a new connection (another token, or rights). */
export interface EditorSession {
  token: string
  canWrite: boolean
}

/**
 * The editor's link to the server: `connecting`, `connected` (the socket is open), `synced`
 * (the document is up to date), `offline` (lost; y-websocket tries again by itself), or
 * `refused` (the server closed it for good: 4401 a bad or expired token, 4403 not this room's).
 */
export type LinkState = 'connecting' | 'connected' | 'synced' | 'offline' | 'refused'

interface Binding {
  ydoc: Y.Doc
  awareness: Awareness
  undo: Y.UndoManager
  canWrite: boolean
}

/** y-codemirror.next binds `ydoc.getText('codemirror')`; the server reads the same field. */
const TEXT_FIELD = 'codemirror'
/** How long a rebound editor keeps showing the previous text while the new copy syncs. */
const SWAP_WAIT_MS = 2_000

interface CollabEditorProps {
  /** The y-websocket document name, "<room id>/<file name>". */
  docName: string
  fileName: string
  language: string
  session: EditorSession | null
  /** May type now (the token allows it and the room's rules do). */
  editable: boolean
  user: CollabUser
  label: string
  hidden?: boolean
  onLinkState?: (state: LinkState) => void
  /** The server closed the connection for good, with this close code. */
  onRefused?: (code: number) => void
  /** The document's text changed (from anyone). */
  onText?: (text: string) => void
}

/**
 * One shared file: a Y.Doc synced over the standard y-websocket protocol and bound to a
 * CodeMirror editor with y-codemirror.next (remote cursors with names, Yjs undo). A new session
 * (token) reconnects; losing or gaining write access starts from a fresh copy of the server's
 * document, so nothing the server refused stays on screen.
 */
export function CollabEditor({
  docName,
  fileName,
  language,
  session,
  editable,
  user,
  label,
  hidden = false,
  onLinkState,
  onRefused,
  onText,
}: CollabEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const binding = useRef<Binding | null>(null)
  /** A new copy is syncing while the old text stays on screen, read-only. */
  const swapping = useRef(false)
  const languageSlot = useRef(new Compartment())
  const editableSlot = useRef(new Compartment())
  const callbacks = useRef({ onLinkState, onRefused, onText })
  callbacks.current = { onLinkState, onRefused, onText }
  const latest = useRef({ language, editable, label, user })
  latest.current = { language, editable, label, user }

  function editability(on: boolean) {
    return [EditorState.readOnly.of(!on), EditorView.editable.of(on)]
  }

  function makeState(b: Binding | null): EditorState {
    const { language: lang, editable: on, label: aria } = latest.current
    const ytext = b?.ydoc.getText(TEXT_FIELD)
    return EditorState.create({
      doc: ytext ? ytext.toString() : '',
      extensions: [
        collabSetup,
        editorTheme,
        remoteCursorTheme,
        EditorView.contentAttributes.of({ 'aria-label': aria }),
        languageSlot.current.of(languageSupport(lang)),
        editableSlot.current.of(editability(on && Boolean(b))),
        b && ytext ? yCollab(ytext, b.awareness, { undoManager: b.undo }) : [],
        EditorView.updateListener.of((update) => {
          if (update.docChanged) callbacks.current.onText?.(update.state.doc.toString())
        }),
      ],
    })
  }

  useEffect(() => {
    if (!host.current) return
    const created = new EditorView({ state: makeState(null), parent: host.current })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // Created once; sessions and options change through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    if (!session) return
    const previous = binding.current
    const keep = previous !== null && previous.canWrite && session.canWrite
    let current: Binding
    if (keep) {
      current = previous
    } else {
      const ydoc = new Y.Doc()
      current = {
        ydoc,
        awareness: new Awareness(ydoc),
        undo: new Y.UndoManager(ydoc.getText(TEXT_FIELD)),
        canWrite: session.canWrite,
      }
    }
    current.awareness.setLocalStateField('user', latest.current.user)
    const provider = new WebsocketProvider(yjsBase(), docName, current.ydoc, {
      params: { token: session.token },
      awareness: current.awareness,
      // every change goes through the server, which decides who may write
      disableBc: true,
    })
    const report = (state: LinkState) => callbacks.current.onLinkState?.(state)
    report('connecting')
    provider.on('status', ({ status }) => {
      if (status === 'connected') report(provider.synced ? 'synced' : 'connected')
      else if (status === 'connecting') report('connecting')
      else report('offline')
    })
    provider.on('sync', (synced: boolean) => {
      if (synced) report('synced')
    })
    provider.on('closed', ({ code }) => {
      report('refused')
      callbacks.current.onRefused?.(code)
    })

    let swapTimer: number | undefined
    let swapped = keep
    const swap = () => {
      if (swapped) return
      swapped = true
      swapping.current = false
      window.clearTimeout(swapTimer)
      binding.current = current
      view.current?.setState(makeState(current))
      if (previous && previous !== current) {
        previous.undo.destroy()
        previous.awareness.destroy()
        previous.ydoc.destroy()
      }
    }
    if (!keep) {
      if (previous === null) {
        swap()
      } else {
        // Show the old text (read-only) until the new copy has synced, not an empty editor.
        swapping.current = true
        view.current?.dispatch({ effects: editableSlot.current.reconfigure(editability(false)) })
        provider.once('sync', () => swap())
        swapTimer = window.setTimeout(swap, SWAP_WAIT_MS)
      }
    }

    return () => {
      window.clearTimeout(swapTimer)
      provider.destroy()
      if (!swapped) {
        swapping.current = false
        // replaced before it synced: this copy was never shown
        current.undo.destroy()
        current.awareness.destroy()
        current.ydoc.destroy()
      }
    }
    // `docName` never changes for one editor (the page keys editors by document).
  }, [session, docName])

  // Declared after the session's effect, so on unmount the connection closes before its document goes.
  useEffect(
    () => () => {
      const b = binding.current
      binding.current = null
      if (b) {
        b.undo.destroy()
        b.awareness.destroy()
        b.ydoc.destroy()
      }
    },
    [],
  )

  useEffect(() => {
    binding.current?.awareness.setLocalStateField('user', user)
  }, [user])

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(languageSupport(language)) })
  }, [language])

  useEffect(() => {
    view.current?.dispatch({
      effects: editableSlot.current.reconfigure(
        editability(editable && binding.current !== null && !swapping.current),
      ),
    })
  }, [editable, session])

  return (
    <div
      ref={host}
      className="code-editor room-editor"
      hidden={hidden}
      data-testid="room-editor"
      data-file={fileName}
      data-language={language}
      data-readonly={editable ? 'false' : 'true'}
    />
  )
}
