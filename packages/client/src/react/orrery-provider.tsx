import { createContext, type ReactNode, useContext } from "react";
import type { OrreryClient } from "../orrery-client";

const OrreryContext = createContext<OrreryClient | null>(null);

/** Makes `client` the one every hook below it uses. */
export function OrreryProvider({ client, children }: { client: OrreryClient; children?: ReactNode }) {
  return <OrreryContext.Provider value={client}>{children}</OrreryContext.Provider>;
}

export function useOrreryClient(): OrreryClient {
  const client = useContext(OrreryContext);
  if (client === null) {
    throw new Error("an Orrery hook was used outside <OrreryProvider client={…}>");
  }
  return client;
}
