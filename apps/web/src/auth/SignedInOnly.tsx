import { useAuth } from "@orrery/client/react";
import type { ReactNode } from "react";

/** Its children once the server knows who is signed in; until then, a prompt to sign in. */
export function SignedInOnly({ what, children }: { what: string; children: ReactNode }) {
  const auth = useAuth();
  if (auth.status === "authenticated") return children;
  return (
    <p className="muted">{auth.status === "authenticating" ? "Signing in…" : `Sign in to see ${what}.`}</p>
  );
}
