/**
 * Answers a client's Close frame on the hibernation API. Best effort: the socket may already be
 * closed, and 1005/1006/1015 (no code, abnormal, TLS) are reserved codes a close cannot carry.
 */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  try {
    socket.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
  } catch {
    // Already closed: nothing left to answer.
  }
}
