import { useEffect, useState } from "react";

type Health = { ok: boolean; globalBackend: string };

export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch("/api/health")
      .then((response) => response.json() as Promise<Health>)
      .then(setHealth)
      .catch((reason: unknown) => setError(String(reason)));
  }, []);

  return (
    <main>
      <h1>Orrery</h1>
      <p>A reactive data service for Cloudflare Workers.</p>
      <p className="status" data-testid="health">
        {error ? `API unreachable: ${error}` : health ? `API ok · global tables on ${health.globalBackend}` : "Connecting…"}
      </p>
    </main>
  );
}
