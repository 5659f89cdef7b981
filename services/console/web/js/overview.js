// The signed-in landing page: who is signed in, with which roles. The frame
// later console pages fill (issue 12, part 4: the appliance overview).
import { formatDateTime, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage, roleBadges } from '/shared/shell.js';

const session = await startPage();
const me = await api('GET', '/api/v1/me');

function render() {
  document.getElementById('username').textContent = me.username;
  document.getElementById('display-name').textContent = me.displayName;
  document.getElementById('roles').replaceChildren(...roleBadges(me.roles));
  document.getElementById('signed-in-at').textContent = session.signedInAt ? formatDateTime(session.signedInAt) : '';
  document.getElementById('expires-at').textContent = formatDateTime(session.expiresAt);
  document.title = t('overview.pageTitle');
}
render();
onLangChange(render);
