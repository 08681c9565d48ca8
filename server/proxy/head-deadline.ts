/**
 * The deadline for one request head, from its first byte to its last (the
 * slowloris defence, issue 17 item 9). Node's http server does the same with
 * `headersTimeout` (lib/_http_server.js; the genuine bank sets 5 s): without
 * it a peer that sends one header line every few seconds holds a connection
 * slot forever, since the idle timeout only sees silence. One timer per
 * connection, re-armed (`refresh`) per head rather than created per request:
 * 2,000 pipelined requests cost no timer churn.
 */
export class HeadDeadline {
  private timer: NodeJS.Timeout | null = null
  private isInHead = false
  private isDisposed = false

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: () => void,
  ) {}

  /** A request's first byte arrived. */
  begin(): void {
    if (this.isDisposed) return
    this.isInHead = true
    if (this.timer === null) this.timer = setTimeout(() => this.expire(), this.timeoutMs).unref()
    else this.timer.refresh()
  }

  /** The head is complete (or can no longer be followed): the deadline no longer applies. */
  end(): void {
    this.isInHead = false
  }

  dispose(): void {
    this.isDisposed = true
    this.isInHead = false
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private expire(): void {
    // A timer armed for an earlier head that completed in time fires for nothing.
    if (this.isInHead && !this.isDisposed) this.onExpired()
  }
}
