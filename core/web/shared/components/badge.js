// Status badge: a short word in a coloured pill. kind: ok | warn | bad | idle.
// The word carries the meaning (never the colour alone).
const KINDS = ['ok', 'warn', 'bad', 'idle'];

export function badge(text, kind = 'idle') {
  const b = document.createElement('span');
  b.className = `badge ${KINDS.includes(kind) ? kind : 'idle'}`;
  b.textContent = text;
  return b;
}
