import { OrreryClient } from "@orrery/client";
import { OrreryProvider } from "@orrery/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { resumeSignIn } from "./auth/dev-sign-in";
import { namespaceFromUrl } from "./namespace";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

const namespace = namespaceFromUrl(location.search);
document.title = `Orrery · ${namespace}`;
// Same origin as the page: the worker serves both (and `vite dev` proxies /api to it).
const client = new OrreryClient(location.origin, { namespace });
resumeSignIn(client);

createRoot(root).render(
  <StrictMode>
    <OrreryProvider client={client}>
      <App namespace={namespace} />
    </OrreryProvider>
  </StrictMode>,
);
