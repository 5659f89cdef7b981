// Table with sort and paging, over rows already in the page (a later page
// that lists thousands asks the API page by page and feeds one page here).
//   const tbl = dataTable({
//     columns: [{ key: 'name', label: () => t('user.name'), sort: true },
//               { key: 'count', label: () => t('x.count'), sort: true, numeric: true,
//                 render: (row) => formatNumber(row.count) }],
//     rows, pageSize: 20, caption: () => t('user.list') });
//   container.append(tbl.element); tbl.setRows(newRows); tbl.refresh() after a language change.
//   rowClass: (row) => 'broken' or null, a class for a row that must stand out.
import { t, currentLang } from '../i18n.js';

export function dataTable({ columns, rows = [], pageSize = 20, caption = null, rowClass = null }) {
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const table = document.createElement('table');
  table.className = 'data';
  const cap = document.createElement('caption');
  cap.className = 'visually-hidden';
  const thead = document.createElement('thead');
  const tbody = document.createElement('tbody');
  table.append(cap, thead, tbody);
  const pager = document.createElement('div');
  pager.className = 'pager';
  const prev = document.createElement('button');
  prev.type = 'button';
  prev.className = 'secondary';
  const info = document.createElement('span');
  info.setAttribute('aria-live', 'polite');
  const next = document.createElement('button');
  next.type = 'button';
  next.className = 'secondary';
  pager.append(prev, info, next);
  wrap.append(table, pager);

  let data = rows.slice();
  let sortKey = null;
  let sortDir = 1;
  let page = 0;

  const collator = () => new Intl.Collator(currentLang(), { numeric: true, sensitivity: 'base' });
  const sorted = () => {
    if (!sortKey) return data;
    const col = columns.find((c) => c.key === sortKey);
    const c = collator();
    return data.slice().sort((a, b) => {
      const x = a[sortKey];
      const y = b[sortKey];
      const r = col.numeric ? Number(x) - Number(y) : c.compare(String(x ?? ''), String(y ?? ''));
      return r * sortDir;
    });
  };

  function renderHead() {
    const tr = document.createElement('tr');
    for (const col of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      if (col.numeric) th.className = 'num';
      const label = typeof col.label === 'function' ? col.label() : col.label;
      if (col.sort) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'sort';
        b.textContent = label;
        b.addEventListener('click', () => {
          sortDir = sortKey === col.key ? -sortDir : 1;
          sortKey = col.key;
          page = 0;
          render();
        });
        th.append(b);
        th.setAttribute('aria-sort', sortKey === col.key ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
      } else {
        th.textContent = label;
      }
      tr.append(th);
    }
    thead.replaceChildren(tr);
  }

  function render() {
    renderHead();
    cap.textContent = caption ? caption() : '';
    const all = sorted();
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    page = Math.min(page, pages - 1);
    const rowsHere = all.slice(page * pageSize, (page + 1) * pageSize);
    tbody.replaceChildren(
      ...rowsHere.map((row) => {
        const tr = document.createElement('tr');
        const cls = rowClass ? rowClass(row) : null;
        if (cls) tr.className = cls;
        for (const col of columns) {
          const td = document.createElement('td');
          if (col.numeric) td.className = 'num';
          // A page may stack a row's cells on a phone, each with its column's name.
          td.dataset.label = typeof col.label === 'function' ? col.label() : col.label;
          const v = col.render ? col.render(row) : row[col.key];
          if (v instanceof Node) td.append(v);
          else td.textContent = v ?? '';
          tr.append(td);
        }
        return tr;
      }),
    );
    if (rowsHere.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = columns.length;
      td.className = 'muted';
      td.textContent = t('table.empty');
      tr.append(td);
      tbody.append(tr);
    }
    prev.textContent = t('table.previous');
    next.textContent = t('table.next');
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    info.textContent = t('table.page', { page: page + 1, pages, rows: all.length });
  }

  prev.addEventListener('click', () => {
    page -= 1;
    render();
  });
  next.addEventListener('click', () => {
    page += 1;
    render();
  });
  render();
  return {
    element: wrap,
    setRows(r) {
      data = r.slice();
      render();
    },
    refresh: render,
    // Shows the page that holds the first row matching `pred` (sorted as shown).
    showRow(pred) {
      const i = sorted().findIndex(pred);
      if (i >= 0) {
        page = Math.floor(i / pageSize);
        render();
      }
      return i >= 0;
    },
  };
}
