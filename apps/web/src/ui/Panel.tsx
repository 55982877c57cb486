import { type ReactNode, useId } from "react";
import { ErrorBoundary } from "./ErrorBoundary";

/** A titled section (a landmark named by its heading) whose query errors stay inside it. */
export function Panel({ title, what, children }: { title: string; what: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <ErrorBoundary what={what}>{children}</ErrorBoundary>
    </section>
  );
}
