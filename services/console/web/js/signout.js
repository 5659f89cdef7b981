// Sign-out for pages of other services (they have no logout endpoint): the
// console ends the token on every service, then shows the sign-in page.
import { initI18n } from '/shared/i18n.js';
import { currentSession, signOut } from '/shared/session.js';

await initI18n();
if (await currentSession()) await signOut();
else window.location.assign('/?signedOut=1');
