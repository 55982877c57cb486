import { OrreryError } from "@orrery/protocol";
import { errors } from "jose";

const list = (value: string | readonly string[]) =>
  (typeof value === "string" ? [value] : [...value]).map((v) => JSON.stringify(v)).join(" or ");

/** A claim's value as the caller sent it, cut short: it is theirs, but need not be echoed whole. */
const shown = (value: unknown) => {
  const text = value === undefined ? "none" : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

/**
 * Why a token was refused, as the caller is told it: one sentence naming the check that failed
 * and the claim's value (an issuer, an audience, a time), never the token itself.
 */
export function refusalOf(
  error: unknown,
  expected: {
    issuer: string | readonly string[];
    audience: string | readonly string[];
    algorithms: string[];
  },
): OrreryError {
  if (error instanceof OrreryError) return error;
  const refused = (message: string) => new OrreryError("UNAUTHENTICATED", message);
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return refused(
      `the token expired${typeof exp === "number" ? ` at ${new Date(exp * 1000).toISOString()}` : ""}: get a fresh one`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason, payload } = error;
    if (claim === "iss")
      return refused(`the token's issuer (iss) is ${shown(payload.iss)}, expected ${list(expected.issuer)}`);
    if (claim === "aud")
      return refused(
        `the token's audience (aud) is ${shown(payload.aud)}, expected ${list(expected.audience)}`,
      );
    if (claim === "nbf") return refused("the token is not valid yet (nbf is in the future)");
    if (reason === "missing") return refused(`the token has no "${claim}" claim`);
    return refused(`the token's "${claim}" claim is invalid (${error.message})`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return refused(
      "the token's signature does not verify: it was forged, altered, or signed with another key",
    );
  if (error instanceof errors.JWKSNoMatchingKey)
    return refused(
      "no key of the issuer matches the token (its kid and alg): it was signed with another key",
    );
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return refused("several keys of the issuer match the token: it must name its key (kid)");
  if (error instanceof errors.JOSEAlgNotAllowed)
    return refused(
      `the token's algorithm is not accepted here (accepted: ${expected.algorithms.join(", ")})`,
    );
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return refused(`the token is malformed: ${error.message}`);
  if (error instanceof errors.JOSEError) return refused(`the token was refused: ${error.message}`);
  return refused(`the token was refused: ${error instanceof Error ? error.message : String(error)}`);
}
