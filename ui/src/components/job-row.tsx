import type { Job } from '../api';
import { isMissing } from '../feed';
import { firstLine, formatDuration, formatRelative, ms, preview, priorityName, titleOf } from '../format';
import type { JobPatch } from '../live';
import { m, stateNames } from '../messages';
import { followLink, href, withRoute, type Density } from '../router';

export const ROW_HEIGHT: Record<Density, number> = { compact: 44, detailed: 84 };
export const PHONE_ROW_HEIGHT: Record<Density, number> = { compact: 64, detailed: 104 };

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <span
      class="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-label={label}
    >
      <span class="progress-fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

/**
 * A job's group, at the start of its row's text (cut short when long): on the line the text
 * has already, so a group never makes a row taller.
 */
function GroupMark({ group }: { group: string }) {
  return (
    <span class="row-group" title={`${m.inGroup} ${group}`}>
      <span class="visually-hidden">{m.inGroup} </span>
      {group}
    </span>
  );
}

/** What a row says on its right: the most telling fact for the job's state. */
function Meta({ job, progress, now }: { job: Job; progress: number; now: number }) {
  const at = (value: string | null) => {
    const t = ms(value);
    return t ? formatRelative(t, now) : '';
  };
  switch (job.state) {
    case 'active':
      return (
        <span class="row-meta">
          <ProgressBar value={progress} label={`${m.fields.progress} ${m.jobTitle(job.id)}`} />
          <span class="row-pct">{Math.round(progress)}%</span>
          <span class="row-time">{at(job.started_at)}</span>
        </span>
      );
    case 'delayed':
      return (
        <span class="row-meta">
          <span class="row-time">{m.dueIn(at(job.promote_at))}</span>
        </span>
      );
    case 'complete':
      return (
        <span class="row-meta">
          {job.duration !== null && <span class="row-duration">{formatDuration(Number(job.duration))}</span>}
          <span class="row-time">{at(job.completed_at ?? job.updated_at)}</span>
        </span>
      );
    case 'waiting':
      return (
        <span class="row-meta">
          {job.flow?.children !== undefined && (
            <span class="row-duration">{m.flow.childrenCount(job.flow.children)}</span>
          )}
          <span class="row-time">{at(job.created_at)}</span>
        </span>
      );
    case 'failed':
      return (
        <span class="row-meta">
          <span class="row-attempts">{m.attemptsShort(job.attempts.made, job.attempts.max)}</span>
          <span class="row-time">{at(job.failed_at ?? job.updated_at)}</span>
        </span>
      );
    default:
      return (
        <span class="row-meta">
          <span class="row-time">{at(job.created_at)}</span>
        </span>
      );
  }
}

export interface RowProps {
  job: Job | undefined;
  index: number;
  top: number;
  height: number;
  density: Density;
  setSize: number;
  patch: JobPatch | undefined;
  selectable: boolean;
  selected: boolean;
  onSelect: (id: string, selected: boolean, shift: boolean) => void;
  now: number;
}

export function JobRow(props: RowProps) {
  const { job, index, top, height, density, patch } = props;
  const style = { transform: `translateY(${top}px)`, height: `${height}px` };
  if (!job) {
    return (
      <div
        role="listitem"
        class="row row-placeholder"
        style={style}
        aria-posinset={index + 1}
        aria-setsize={props.setSize}
        data-index={index}
      >
        <span class="skeleton" />
      </div>
    );
  }
  const missing = isMissing(job);
  const movedTo = patch?.state && patch.state !== job.state ? patch.state : undefined;
  const progress = patch?.progress ?? job.progress;
  const target = withRoute({ job: job.id });
  const priority = job.priority !== 0 ? priorityName(job.priority) : undefined;
  const detailed = density === 'detailed';
  // A title is the row's label (Kue's `data.title`); the data beside it leaves it out.
  const title = missing ? undefined : titleOf(job.data);
  const rest = missing ? '' : preview(job.data, detailed ? 400 : 160, title === undefined ? undefined : 'title');
  const data = title !== undefined && rest === '{}' ? '' : rest;
  // A failed job's error says more than its data: beside a title, its first line.
  const errorFirst = job.state === 'failed' && Boolean(job.error);
  const lineText = errorFirst ? (title === undefined ? job.error! : firstLine(job.error!)).slice(0, 400) : data;
  const group = missing ? null : job.group;
  return (
    <div
      role="listitem"
      class={`row row-${density} state-${job.state}${title === undefined ? '' : ' row-titled'}${movedTo || missing ? ' row-moved' : ''}${props.selected ? ' row-selected' : ''}`}
      style={style}
      aria-posinset={index + 1}
      aria-setsize={props.setSize}
      data-index={index}
      data-id={job.id}
    >
      {props.selectable && (
        <input
          type="checkbox"
          class="row-check"
          checked={props.selected}
          aria-label={m.selectRow(job.id)}
          onClick={(e) => props.onSelect(job.id, e.currentTarget.checked, e.shiftKey)}
        />
      )}
      <div class="row-main">
        <div class="row-line">
          <a class="row-link" href={href(target)} onClick={(e) => followLink(e, target)} data-row-link>
            <span class="row-id">#{job.id}</span>
            {!missing && <span class="type-chip">{job.type}</span>}
            {title !== undefined && <span class="row-title">{title.slice(0, 300)}</span>}
          </a>
          {priority && (
            <span class={`badge badge-priority priority-${priority}`} title={m.priorityOf(priority)}>
              {priority}
            </span>
          )}
          {(movedTo || missing) && (
            <span class={`badge badge-moved state-${movedTo ?? 'removed'}`}>
              {m.rowMoved(
                missing || movedTo === 'removed'
                  ? m.removed
                  : stateNames[movedTo as keyof typeof stateNames].toLowerCase(),
              )}
            </span>
          )}
          {detailed ? (
            <span class="row-spacer" />
          ) : (
            <span class={errorFirst ? 'row-preview row-error' : 'row-preview'}>
              {group && <GroupMark group={group} />}
              {lineText}
            </span>
          )}
          {!missing && <Meta job={job} progress={progress} now={props.now} />}
        </div>
        {detailed && !missing && (
          <>
            <div class={errorFirst ? 'row-text row-error' : 'row-text'}>
              {group && <GroupMark group={group} />}
              {lineText}
            </div>
            <div class="row-facts">
              {m.attemptsOf(job.attempts.made, job.attempts.max)}
              {ms(job.created_at) && ` · ${m.events.created} ${formatRelative(ms(job.created_at)!, props.now)}`}
              {errorFirst && data && <span class="row-facts-data"> · {data}</span>}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
