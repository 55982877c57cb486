import { type ClientMessage, type ServerMessage, SUBPROTOCOL, subprotocolsFor } from "@orrery/protocol";
import { OrreryClientError } from "../client-error";
import { expiryOf } from "./token-expiry";

/**
 * Gives the client a token for the signed-in user, or null for none. `forceRefreshToken`: the
 * one it gave before was refused or is about to expire, so a cached one will not do.
 */
export type TokenFetcher = (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>;

/** Who the server says this client is. */
export type AuthState =
  | { readonly status: "anonymous"; readonly error: OrreryClientError | null }
  | { readonly status: "authenticating" }
  | { readonly status: "authenticated"; readonly subject: string };

const ANONYMOUS: AuthState = { status: "anonymous", error: null };

/** What `TokenAuth` needs of the client that owns the socket. */
export interface AuthHost {
  /** Sends on the open socket; false when it is not open (the next connection carries the token). */
  send(message: ClientMessage): boolean;
  /** The state changed: tell its listeners. */
  changed(state: AuthState): void;
  /** A server error about the token that changes nothing (its keys could not be fetched). */
  report(error: OrreryClientError): void;
}

type AuthMessage = Extract<ServerMessage, { type: "auth" }>;

/**
 * The client's side of authentication: fetches tokens, hands each connection its token at the
 * upgrade (subprotocol), refreshes it on the live socket before it expires (`authenticate`),
 * and follows the server's `auth` answers. A refused or expired token is fetched again once
 * (forced); refused again, the client is anonymous, with the server's reason.
 */
export class TokenAuth {
  private fetcher: TokenFetcher | null = null;
  private token: string | null = null;
  private shown: AuthState = ANONYMOUS;
  /** Bumped by each `set` and `clear`: what an older call fetched is dropped. */
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** `authenticate` messages (and a token-carrying upgrade) the server has not answered yet. */
  private unanswered = 0;
  /** Attempts that carried a token and closed before opening: the upgrade may have been refused. */
  private refusedUpgrades = 0;
  /** The token the current connection attempt offered at its upgrade. */
  private carriedToken: string | null = null;
  private retried = false;

  constructor(
    private readonly host: AuthHost,
    private readonly refreshLeewayMs: number,
  ) {}

  get state(): AuthState {
    return this.shown;
  }

  set(fetcher: TokenFetcher): void {
    const generation = ++this.generation;
    this.fetcher = fetcher;
    this.token = null;
    this.retried = false;
    this.refusedUpgrades = 0;
    this.show({ status: "authenticating" });
    void this.refresh(generation, false);
  }

  clear(): void {
    this.generation++;
    this.fetcher = null;
    this.token = null;
    this.stopTimer();
    this.sendAuthenticate(null);
    this.show(ANONYMOUS);
  }

  /** The token for an HTTP call: the held one while fresh, else a new one; null when signed out. */
  async tokenForRequest(): Promise<string | null> {
    if (!this.fetcher) return null;
    return this.fresh() ? this.token : ((await this.fetchToken(this.generation, false)) ?? null);
  }

  /** partysocket's protocols provider: the subprotocols of the next connection attempt. */
  async protocols(): Promise<string[]> {
    this.carriedToken = null;
    if (!this.fetcher) return [SUBPROTOCOL];
    const force = this.refusedUpgrades > 0;
    const token = force || !this.fresh() ? await this.fetchToken(this.generation, force) : this.token;
    // Refused twice at the upgrade (where no reason can be read), it goes in a first message.
    if (!token || this.refusedUpgrades >= 2) return [SUBPROTOCOL];
    try {
      const offered = subprotocolsFor(token);
      this.carriedToken = token;
      return offered;
    } catch {
      // Not an HTTP token (an opaque one): it goes in the first message instead.
      return [SUBPROTOCOL];
    }
  }

  /**
   * The socket opened: what to send before anything else. The connection must hold the current
   * token: one its upgrade did not carry (opaque, refused before, or changed meanwhile) is sent.
   */
  onOpen(): ClientMessage[] {
    this.refusedUpgrades = 0;
    // A token-carrying upgrade is answered with `auth` as the connection's first frames.
    this.unanswered = this.carriedToken === null ? 0 : 1;
    const current = this.fetcher ? this.token : null;
    if (current === this.carriedToken) return [];
    this.unanswered++;
    return [{ type: "authenticate", token: current }];
  }

  /** The socket closed: an attempt that never opened and carried a token counts as refused. */
  onClose(opened: boolean): void {
    if (!opened && this.carriedToken !== null) this.refusedUpgrades++;
    this.carriedToken = null;
    this.unanswered = 0;
  }

  onMessage(message: AuthMessage): void {
    // An answer to an `authenticate` that a later one replaces says nothing that will last.
    if (this.unanswered > 1) {
      this.unanswered--;
      return;
    }
    this.unanswered = Math.max(0, this.unanswered - 1);
    const error = message.error ? OrreryClientError.fromWire(message.error) : null;
    if (message.subject !== null) {
      if (!this.fetcher) return;
      this.retried = false;
      this.show({ status: "authenticated", subject: message.subject });
      if (error) this.host.report(error);
      return;
    }
    if (!error) {
      if (this.shown.status !== "authenticating") this.show(ANONYMOUS);
      return;
    }
    // Refused, or expired before a refresh reached the server: one forced fetch, then give up.
    if (this.fetcher && !this.retried) {
      this.retried = true;
      this.show({ status: "authenticating" });
      void this.refresh(this.generation, true);
      return;
    }
    this.show({ status: "anonymous", error });
  }

  dispose(): void {
    this.generation++;
    this.stopTimer();
  }

  /** Fetches a token and sends it on the open socket; a closed one carries it when it reconnects. */
  private async refresh(generation: number, force: boolean): Promise<void> {
    const token = await this.fetchToken(generation, force);
    if (token === undefined) return;
    this.sendAuthenticate(token);
    if (token === null && this.shown.status === "authenticating") this.show(ANONYMOUS);
  }

  /** A token from the fetcher; undefined when a later `set` or `clear` made this call moot. */
  private async fetchToken(generation: number, force: boolean): Promise<string | null | undefined> {
    const fetcher = this.fetcher;
    if (!fetcher) return undefined;
    let token: string | null;
    try {
      token = (await fetcher({ forceRefreshToken: force })) ?? null;
    } catch (error) {
      if (generation !== this.generation) return undefined;
      // Offline, say: the token held so far serves until the server refuses it.
      if (this.token !== null) return this.token;
      const reason = error instanceof Error ? error.message : String(error);
      this.show({
        status: "anonymous",
        error: new OrreryClientError("UNAUTHENTICATED", `fetching a token failed: ${reason}`),
      });
      return null;
    }
    if (generation !== this.generation) return undefined;
    this.token = token;
    this.scheduleRefresh(token, generation);
    return token;
  }

  private sendAuthenticate(token: string | null): void {
    if (this.host.send({ type: "authenticate", token })) this.unanswered++;
  }

  /** Before the token expires (by the leeway, or halfway for a short one), a fresh one is sent. */
  private scheduleRefresh(token: string | null, generation: number): void {
    this.stopTimer();
    const expiresAt = token === null ? null : expiryOf(token);
    if (expiresAt === null) return;
    const lifetime = expiresAt - Date.now();
    const delay = Math.max(lifetime - this.refreshLeewayMs, lifetime / 2, 1_000);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (generation === this.generation) void this.refresh(generation, true);
    }, delay);
  }

  private fresh(): boolean {
    if (this.token === null) return false;
    return (expiryOf(this.token) ?? Number.POSITIVE_INFINITY) - this.refreshLeewayMs > Date.now();
  }

  private stopTimer(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private show(state: AuthState): void {
    const same =
      state.status === this.shown.status &&
      (state.status !== "authenticated" ||
        (this.shown.status === "authenticated" && state.subject === this.shown.subject)) &&
      (state.status !== "anonymous" ||
        (this.shown.status === "anonymous" && state.error === this.shown.error));
    if (same) return;
    this.shown = state;
    this.host.changed(state);
  }
}
