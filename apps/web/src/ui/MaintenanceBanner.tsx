import { useMaintenance } from "@orrery/client/react";

/**
 * While the namespace is in maintenance: the operator's message, and that changes made meanwhile
 * are kept (shown at once, sent when it ends), so nobody stops typing for fear of losing work.
 */
export function MaintenanceBanner() {
  const maintenance = useMaintenance();
  if (maintenance === null) return null;
  return (
    <div className="maintenance" role="status" aria-label="Maintenance">
      <strong>Maintenance:</strong> <span>{maintenance.message}</span>
      <span className="maintenance-note"> Your changes are kept and will be saved when it is over.</span>
    </div>
  );
}
