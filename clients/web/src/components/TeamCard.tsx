import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, STAFF_ROLES, type Member, type StaffRole, type UpdateMemberRequest, type User } from '../api'
import { DATE_ONLY, useFormatDate } from '../format'
import type { Resource } from '../hooks'
import { Card, InlineError, ResourceView } from './Card'

interface TeamCardProps {
  resource: Resource<Member[]>
  me: User
  /** Admins get role and activation controls. */
  canManage: boolean
  /** Called after a member was changed, to refresh dependent data. */
  onChanged: () => void
}

export function TeamCard({ resource, me, canManage, onChanged }: TeamCardProps) {
  const { t } = useTranslation()
  const [error, setError] = useState<unknown>(null)
  const [notice, setNotice] = useState<string | null>(null)

  async function update(member: Member, body: UpdateMemberRequest) {
    setError(null)
    setNotice(null)
    try {
      const { member: updated } = await api.updateMember(member.id, body)
      setNotice(t('team.updated', { name: updated.full_name || updated.email }))
      onChanged()
    } catch (err) {
      setError(err)
      throw err
    }
  }

  return (
    <Card id="team" title={t('team.heading')} testId="team-card" className="card--wide">
      {error ? <InlineError error={error} /> : null}
      <p className="notice" role="status">
        {notice}
      </p>
      <ResourceView resource={resource}>
        {(members) =>
          members.length === 0 ? (
            <p className="muted">{t('team.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="team-table">
                <thead>
                  <tr>
                    <th scope="col">{t('team.colName')}</th>
                    <th scope="col">{t('team.colEmail')}</th>
                    <th scope="col">{t('team.colRole')}</th>
                    <th scope="col">{t('team.colStatus')}</th>
                    <th scope="col">{t('team.colJoined')}</th>
                    {canManage ? <th scope="col">{t('team.colActions')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <MemberRow
                      key={m.id}
                      member={m}
                      isMe={m.id === me.id}
                      canManage={canManage}
                      onUpdate={(body) => update(m, body)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
    </Card>
  )
}

function MemberRow({
  member,
  isMe,
  canManage,
  onUpdate,
}: {
  member: Member
  isMe: boolean
  canManage: boolean
  onUpdate: (body: UpdateMemberRequest) => Promise<void>
}) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const staffRole: StaffRole = member.role === 'candidate' ? 'interviewer' : member.role
  const [role, setRole] = useState<StaffRole>(staffRole)
  const [busy, setBusy] = useState(false)

  useEffect(() => setRole(staffRole), [staffRole])

  async function run(body: UpdateMemberRequest) {
    setBusy(true)
    try {
      await onUpdate(body)
    } catch {
      /* shown by the card */
    } finally {
      setBusy(false)
    }
  }

  const name = member.full_name || member.email
  const selectId = `member-${member.id}-role`
  const nameId = `member-${member.id}-name`

  return (
    <tr
      data-testid="member-row"
      data-email={member.email}
      data-role={member.role}
      data-active={member.is_active ? 'true' : 'false'}
      className={member.is_active ? undefined : 'row--inactive'}
    >
      <th scope="row" id={nameId} className="cell--name">
        {member.full_name}
        {isMe ? <span className="tag">{t('team.you')}</span> : null}
      </th>
      <td className="cell--nowrap">{member.email}</td>
      <td>{t(`roles.${member.role}`)}</td>
      <td>
        <span className={member.is_active ? 'tag tag--ok' : 'tag tag--muted'}>
          {member.is_active ? t('team.active') : t('team.inactive')}
        </span>
      </td>
      <td className="cell--nowrap">
        <time dateTime={member.created_at}>{fmt(member.created_at, DATE_ONLY)}</time>
      </td>
      {canManage ? (
        <td>
          {isMe ? (
            <span className="muted">—</span>
          ) : (
            <div className="row-actions">
              <label htmlFor={selectId} className="visually-hidden">
                {t('team.roleOf', { name })}
              </label>
              <select
                id={selectId}
                value={role}
                disabled={busy}
                data-testid="member-role-select"
                onChange={(e) => setRole(e.target.value as StaffRole)}
              >
                {STAFF_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button button--small"
                data-testid="member-change-role"
                aria-describedby={nameId}
                disabled={busy || role === member.role}
                onClick={() => void run({ role })}
              >
                {t('team.changeRole')}
              </button>
              <button
                type="button"
                className={member.is_active ? 'button button--small button--danger' : 'button button--small'}
                data-testid="member-toggle-active"
                aria-describedby={nameId}
                disabled={busy}
                onClick={() => void run({ is_active: !member.is_active })}
              >
                {member.is_active ? t('team.deactivate') : t('team.reactivate')}
              </button>
            </div>
          )}
        </td>
      ) : null}
    </tr>
  )
}
