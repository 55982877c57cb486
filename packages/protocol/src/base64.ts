import { OrreryError } from "./orrery-error";

// btoa/atob exist in browsers, Workers and Node ≥ 16, so no Buffer dependency.

/** Standard base64 (with padding) of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The bytes of standard base64 text (padding optional); INVALID_ARGUMENT when it is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    const shown = text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `${shown} is not base64 (A-Z, a-z, 0-9, "+" and "/", then "=" padding)`,
    );
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
