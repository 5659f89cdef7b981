// Polls check() every 200 ms until it returns something truthy (returned),
// or throws "timed out waiting for <what>" after ms.
//   const row = await until('the row', async () => (await list()).find(...));
export async function until(what, check, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
