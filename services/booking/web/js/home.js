// Booking's landing page: the work pages the signed-in member of staff's
// roles open (the API refuses the others anyway; this only hides dead ends).
import { startPage } from '/shared/shell.js';
import { PAGE_ROLES } from '/js/bookingCommon.js';

const session = await startPage();
for (const [page, roles] of Object.entries(PAGE_ROLES)) {
  document.getElementById(`page-${page}`).hidden = !session.roles.some((r) => roles.includes(r));
}
