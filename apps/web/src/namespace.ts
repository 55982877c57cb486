/** The namespace this page works in: `?ns=…` in the URL, "demo" when absent or empty. */
export function namespaceFromUrl(search: string): string {
  const ns = new URLSearchParams(search).get("ns")?.trim();
  return ns ? ns : "demo";
}
