import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TaskStatement } from '../api'
import { Statement } from '../screening/Statement'

/**
 * The room's task as everyone in the room reads it, the candidate included: the statement,
 * its limits and samples (the server never sends hidden tests). Open at first; one folds it
 * away to give the editor the room.
 */
export function RoomTaskPanel({ task }: { task: TaskStatement }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(true)
  return (
    <details
      className="card room-task"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="room-task-panel"
      data-open={open ? 'true' : 'false'}
    >
      <summary className="room-task__summary" data-testid="room-task-toggle">
        <h2 data-testid="room-task-title">{t('rooms.taskHeading', { title: task.title })}</h2>
        <span className="muted">{open ? t('rooms.taskHide') : t('rooms.taskShow')}</span>
      </summary>
      <div className="room-task__body">
        <Statement task={task} headingShift={2} />
      </div>
    </details>
  )
}
