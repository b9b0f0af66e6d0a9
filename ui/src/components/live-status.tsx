import { m } from '../messages';
import { liveStatus, reconnect, redisDown } from '../live';
import { useStore } from '../store';

/** A dot and a word in the header: live, connecting, lost. */
export function LiveIndicator() {
  const status = useStore(liveStatus);
  const down = useStore(redisDown);
  const state = down ? 'lost' : status;
  const text = down ? m.live.redisDown : m.live[status];
  return (
    <span
      class={`live live-${state}`}
      data-testid="live-status"
      data-status={state}
      title={status === 'live' ? m.live.liveHint : text}
    >
      <span class="live-dot" aria-hidden="true" />
      <span class="live-text">
        {status === 'live' && !down ? m.live.live : status === 'connecting' ? m.live.connecting : ''}
      </span>
    </span>
  );
}

/** The visible warning when live updates stop: stays until they come back. */
export function LiveBanner() {
  const status = useStore(liveStatus);
  const down = useStore(redisDown);
  const show = status === 'lost' || down;
  return (
    <div class="live-banner-slot" role="status" aria-live="polite">
      {show && (
        <div class="banner banner-warning" data-testid="live-lost">
          <span>{down ? m.live.redisDown : m.live.lost}</span>
          {!down && (
            <button type="button" class="button button-small" onClick={reconnect}>
              {m.live.reconnect}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
