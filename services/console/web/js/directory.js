// The staff directory (通讯录; docs/console.md, "Staff directory"): every
// signed-in member of staff finds a colleague by name, department, title,
// skill or extension. Pages of 200 from the API; "more" asks for the next.
import { applyTexts, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { dataTable } from '/shared/components/table.js';

await startPage();
const PAGE = 200;
const form = document.getElementById('search');
const select = document.getElementById('department');
const more = document.getElementById('more');
let rows = [];
let nextOffset = null;
let query = { q: '', department: '' };

const table = dataTable({
  caption: () => t('directory.results'),
  pageSize: 20,
  columns: [
    // Name and extension first: what a caller needs, visible on a phone
    // without scrolling the table sideways.
    { key: 'displayName', label: () => t('directory.col.name'), sort: true },
    { key: 'extension', label: () => t('directory.col.extension'), sort: true },
    { key: 'department', label: () => t('directory.col.department'), sort: true },
    { key: 'title', label: () => t('directory.col.title'), sort: true },
    { key: 'skills', label: () => t('directory.col.skills') },
  ],
});
document.getElementById('results').append(table.element);

function renderDepartments(departments) {
  const keep = select.value;
  const all = document.createElement('option');
  all.value = '';
  all.textContent = t('directory.allDepartments');
  select.replaceChildren(all, ...departments.map((d) => Object.assign(document.createElement('option'), { value: d, textContent: d })));
  select.value = keep;
}

function renderCount() {
  document.getElementById('count').textContent =
    rows.length === 0 ? t('directory.none') : t(nextOffset === null ? 'directory.count' : 'directory.countMore', { count: formatNumber(rows.length) });
  more.hidden = nextOffset === null;
}

async function load(offset) {
  const params = new URLSearchParams({ q: query.q, department: query.department, offset: String(offset), limit: String(PAGE) });
  const page = await api('GET', `/api/v1/directory?${params}`);
  rows = offset === 0 ? page.entries : rows.concat(page.entries);
  nextOffset = page.nextOffset;
  table.setRows(rows);
  renderCount();
}

const { departments } = await api('GET', '/api/v1/directory/departments');
renderDepartments(departments);
form.addEventListener('submit', (e) => {
  e.preventDefault();
  query = { q: document.getElementById('q').value.trim(), department: select.value };
  load(0);
});
more.addEventListener('click', () => load(nextOffset));
onLangChange(() => {
  applyTexts();
  renderDepartments(departments);
  table.refresh();
  renderCount();
});
applyTexts();
await load(0);
