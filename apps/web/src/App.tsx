import { SignedInOnly } from "./auth/SignedInOnly";
import { SignIn } from "./auth/SignIn";
import { CounterPanel } from "./counter/CounterPanel";
import { OrdersPanel } from "./orders/OrdersPanel";
import { TasksPanel } from "./tasks/TasksPanel";
import { ConnectionIndicator } from "./ui/ConnectionIndicator";
import { MaintenanceBanner } from "./ui/MaintenanceBanner";
import { Panel } from "./ui/Panel";

export function App({ namespace }: { namespace: string }) {
  return (
    <>
      <MaintenanceBanner />
      <header className="top">
        <div>
          <h1>Orrery</h1>
          <p className="muted">
            Namespace <code>{namespace}</code> · open it in another tab to watch changes arrive
          </p>
        </div>
        <div className="top-right">
          <SignIn />
          <ConnectionIndicator />
        </div>
      </header>
      <main className="grid">
        <Panel title="Your tasks" what="tasks">
          <SignedInOnly what="your tasks">
            <TasksPanel />
          </SignedInOnly>
        </Panel>
        <div className="stack">
          <Panel title="Counter" what="the counter">
            <CounterPanel />
          </Panel>
          <Panel title="Orders" what="orders">
            <OrdersPanel />
          </Panel>
        </div>
      </main>
    </>
  );
}
