import { useAuth, useOrreryClient } from "@orrery/client/react";
import { type FormEvent, useState } from "react";
import { signIn, signOut } from "./dev-sign-in";

/** Who is signed in, with Sign out; or a name to sign in as (the development issuer's sign-in). */
export function SignIn() {
  const client = useOrreryClient();
  const auth = useAuth();
  const [name, setName] = useState("");
  if (auth.status === "authenticated")
    return (
      <div className="account" role="status" aria-label="Account">
        <span>
          Signed in as <strong>{auth.subject}</strong>
        </span>
        <button type="button" className="link" onClick={() => signOut(client)}>
          Sign out
        </button>
      </div>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed) signIn(client, trimmed);
  };
  return (
    <form className="account" onSubmit={submit} aria-label="Sign in">
      <label htmlFor="sign-in-name">Name</label>
      <input
        id="sign-in-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        autoComplete="username"
        placeholder="ada"
        disabled={auth.status === "authenticating"}
      />
      <button type="submit" disabled={auth.status === "authenticating"}>
        {auth.status === "authenticating" ? "Signing in…" : "Sign in"}
      </button>
      {auth.status === "anonymous" && auth.error && (
        <span className="inline-error" role="alert">
          {auth.error.message}
        </span>
      )}
    </form>
  );
}
