import { Component, type ReactNode } from "react";
import { describeError } from "../errors";

interface Props {
  /** What failed to load, for the message: "tasks", "orders"… */
  what: string;
  children?: ReactNode;
}

/**
 * Catches a query's error, which `useQuery` throws during render, and shows it in place of
 * the panel's content. "Try again" re-renders the children, which re-subscribes.
 */
export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="boundary-error" role="alert">
        <p>
          Couldn’t load {this.props.what}: {describeError(this.state.error)}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
