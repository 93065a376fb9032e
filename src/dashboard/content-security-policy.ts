/**
 * The dashboard's Content-Security-Policy: scripts, styles and fetches from this origin only, no
 * inline script or style, no plugins, no framing, no forms posting elsewhere. The page builds every
 * element with textContent (public/dom.js), so a queue name or payload is text even without this;
 * the policy is the second wall should a future change slip.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
