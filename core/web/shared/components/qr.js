// QR code as an SVG built with DOM calls (CSP-safe: no inline style, no
// data: URL), encoded by uqr (MIT; vendored at build time from npm into
// /vendor/uqr/, never fetched from elsewhere). Loaded on first use.
//   container.append(await qrCode(text, { label: t('totp.qrLabel') }));
const SVG = 'http://www.w3.org/2000/svg';

export async function qrCode(text, { label = '', ecc = 'M', border = 4 } = {}) {
  const { encode } = await import('/vendor/uqr/index.mjs');
  const { size, data } = encode(text, { ecc, border });
  // One path of unit squares: small in the DOM, crisp at any zoom.
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  if (label) svg.setAttribute('aria-label', label);
  const bg = document.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(bg, path);
  return svg;
}
