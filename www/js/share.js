// Share links: the rules, the ad-hoc query and a small input, compressed into
// the URL's fragment. A fragment never leaves the browser (it is not sent to
// the server), so a shared link's logs reach only whoever opens it.

// Links longer than this leave the logs out: browsers and chat tools cut long URLs.
export const MAX_LINK = 32 * 1024;
const PREFIX = '#s=';

/**
 * A URL for `{rules, logs}` on top of `base`: `{url, withLogs}`. The logs are
 * left out when the link would be longer than MAX_LINK with them.
 */
export async function shareUrl(base, { rules, logs }) {
  const withLogs = await stateUrl(base, { rules, logs });
  if (withLogs.length <= MAX_LINK) return { url: withLogs, withLogs: true };
  return { url: await stateUrl(base, { rules, logs: '' }), withLogs: false };
}

async function stateUrl(base, state) {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, ...state }));
  const packed = await transform(bytes, new CompressionStream('deflate-raw'));
  const url = new URL(base);
  url.hash = `${PREFIX.slice(1)}${toBase64Url(packed)}`;
  return url.href;
}

/** The state in a URL's fragment, or null when it holds none (or a damaged one). */
export async function sharedState(hash) {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const bytes = await transform(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    const state = JSON.parse(new TextDecoder().decode(bytes));
    return state?.v === 1 ? state : null;
  } catch {
    return null;
  }
}

async function transform(bytes, stream) {
  const output = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
