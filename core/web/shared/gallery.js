// The component gallery (gallery.html): every shared component once, with
// made-up rows. No API call needs a sign-in.
import { initI18n, languageButton, onLangChange, t, formatNumber } from './i18n.js';
import { ApiError } from './api.js';
import { badge } from './components/badge.js';
import { dataTable } from './components/table.js';
import { bindForm } from './components/form.js';
import { confirmDialog } from './components/dialog.js';
import { toast } from './components/toast.js';
import { lineChart } from './components/chart.js';

await initI18n();
document.getElementById('lang').append(languageButton());

const renderBadges = () =>
  document.getElementById('badges').replaceChildren(
    badge(t('gallery.running'), 'ok'),
    badge(t('gallery.degraded'), 'warn'),
    badge(t('gallery.failed'), 'bad'),
    badge(t('gallery.stopped'), 'idle'),
  );
renderBadges();

const units = ['booking', 'console', 'portal', 'hisbridge', 'alerting', 'servicedesk', 'firewall', 'backup'];
const rows = Array.from({ length: 23 }, (_, i) => ({
  name: `${units[i % units.length]}-${String(i + 1).padStart(2, '0')}`,
  memory: ((i * 37) % 23) * 11 + 40,
}));
const table = dataTable({
  columns: [
    { key: 'name', label: () => t('gallery.unit'), sort: true },
    { key: 'memory', label: () => t('gallery.memory'), sort: true, numeric: true, render: (r) => formatNumber(r.memory) },
  ],
  rows,
  pageSize: 10,
  caption: () => t('gallery.table'),
});
document.getElementById('table').append(table.element);
onLangChange(() => {
  renderBadges();
  table.refresh();
});

// The API's error shape, as a failed save would answer it.
bindForm(document.getElementById('form'), async (v) => {
  if (!v.name) throw new ApiError(400, { error: { code: 'missing_field', field: 'name', message: 'name is required' } });
  toast(t('gallery.saved'), 'ok');
});

const result = document.getElementById('result');
document.getElementById('restart').addEventListener('click', async () => {
  const yes = await confirmDialog({ title: t('gallery.restartTitle'), message: t('gallery.restartText'), confirm: t('gallery.restart'), danger: true });
  result.textContent = yes ? t('gallery.confirmed') : t('gallery.cancelled');
});
document.getElementById('notify').addEventListener('click', () => toast(t('gallery.notified')));

const now = Math.floor(Date.UTC(2026, 11, 3, 8, 0, 0) / 1000);
const times = Array.from({ length: 48 }, (_, i) => now - (47 - i) * 300);
await lineChart(document.getElementById('chart'), {
  times,
  series: [{ label: t('gallery.cpu'), values: times.map((_, i) => 20 + 15 * Math.sin(i / 5) + (i % 7)) }],
  height: 180,
});
