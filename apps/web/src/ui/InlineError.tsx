/** A failed mutation or action, next to the control that caused it; role="alert" announces it. */
export function InlineError({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  if (message === null) return null;
  return (
    <div className="inline-error" role="alert">
      <span>{message}</span>
      <button type="button" className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
