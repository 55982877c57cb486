/**
 * The hash the server sends with each result (`QueryUpdate.hash`) and a reconnecting client
 * sends back: a 53-bit string hash (cyrb53) in base 36, so results are compared, never stored.
 */
export function hashResult(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The form of a result hash (base 36 of 53 bits: at most 11 characters; 16 leaves room). */
export const RESULT_HASH = /^[0-9a-z]{1,16}$/;
