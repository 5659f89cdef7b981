// Badges the overview, the units page and the audit viewer share: a unit's
// state and an audit chain's state, each a word in the page's language
// (the colour only repeats it), the server's own words in the tooltip.
import { formatNumber, hasText, t } from '/shared/i18n.js';
import { badge } from '/shared/components/badge.js';

export function unitStateBadge(u) {
  const kind =
    u.activeState === 'active' ? 'ok' : u.activeState === 'failed' ? 'bad' : ['activating', 'deactivating', 'reloading'].includes(u.activeState) ? 'warn' : 'idle';
  const b = badge(hasText(`units.state.${u.activeState}`) ? t(`units.state.${u.activeState}`) : u.activeState, kind);
  b.title = `${u.activeState} (${u.subState})`;
  return b;
}

// "intact up to row N", "broken at row N", or "not verified" (why in the tooltip).
export function chainBadge(c) {
  if (!c.known) {
    const b = badge(t('audit.chain.unknown'), 'warn');
    b.title = c.error ?? '';
    return b;
  }
  if (c.ok) return badge(c.rows === 0 ? t('audit.chain.empty') : t('audit.chain.intact', { rows: formatNumber(c.rows) }), 'ok');
  const b = badge(c.firstBadSeq > 0 ? t('audit.chain.broken', { seq: formatNumber(c.firstBadSeq) }) : t('audit.chain.anchor'), 'bad');
  b.title = c.reason ?? '';
  return b;
}
