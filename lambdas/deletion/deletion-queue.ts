import { logger } from '../observability/logger';
import type { DeletionJob } from './deletion-job';
import type { DeletionWorker } from './deletion-worker';

/** Where deletion jobs go: SQS in AWS (sqs-deletion-queue.ts), this process locally. */
export interface DeletionQueue {
  /** Enqueues the job, delivered after `delaySeconds` (0–900). Throws when it could not be enqueued. */
  send(job: DeletionJob, delaySeconds?: number): Promise<void>;
}

export interface InProcessQueueOptions {
  /** Time budget of one worker invocation. @default 2000 */
  readonly budgetMs?: number;
  /** Deliveries of one message before it is set aside as dead (SQS: maxReceiveCount). @default 3 */
  readonly maxReceiveCount?: number;
  /** Hold messages until `resume()` (tests: look at the state before the worker runs). */
  readonly paused?: boolean;
}

interface Message {
  readonly job: DeletionJob;
  readonly receives: number;
}

/**
 * The local runtime's and the tests' queue: the same worker code as the AWS worker Lambda, run in
 * this process on timers (unref'd, so a pending delay never holds the process open), one message
 * at a time, with SQS's semantics where they matter: delays, a continuation is a new message, a
 * failed delivery is retried until `maxReceiveCount`, then the message is dead (`deadLetters`).
 */
export class InProcessDeletionQueue implements DeletionQueue {
  readonly deadLetters: DeletionJob[] = [];
  readonly #ready: Message[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #budgetMs: number;
  readonly #maxReceiveCount: number;
  #paused: boolean;
  #running = false;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly worker: DeletionWorker,
    options: InProcessQueueOptions = {},
  ) {
    this.#budgetMs = options.budgetMs ?? 2000;
    this.#maxReceiveCount = options.maxReceiveCount ?? 3;
    this.#paused = options.paused ?? false;
  }

  async send(job: DeletionJob, delaySeconds = 0): Promise<void> {
    if (this.#closed) throw new Error('the deletion queue is closed');
    this.#deliverLater({ job, receives: 0 }, delaySeconds * 1000);
  }

  /** Messages not yet finished (waiting, delayed or running). */
  get pending(): number {
    return this.#ready.length + this.#timers.size + (this.#running ? 1 : 0);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Resolves when no message is waiting, delayed or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops: pending delays are dropped; the message running finishes. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#ready.length = 0;
    if (this.#running) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#settle();
  }

  #deliverLater(message: Message, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.push(message);
      this.#pump();
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  #pump(): void {
    if (this.#running || this.#paused || this.#closed) return this.#settle();
    const message = this.#ready.shift();
    if (!message) return this.#settle();
    this.#running = true;
    void this.#deliver(message).finally(() => {
      this.#running = false;
      this.#pump();
    });
  }

  async #deliver(message: Message): Promise<void> {
    const receives = message.receives + 1;
    try {
      const outcome = await this.worker.run(message.job, this.#budgetMs);
      if (!outcome.done && !this.#closed) this.#deliverLater({ job: outcome.next, receives: 0 }, outcome.delaySeconds * 1000);
    } catch (error) {
      if (this.#closed) return;
      if (receives >= this.#maxReceiveCount) {
        logger.error('deletion job dead after its deliveries', { kind: message.job.kind, tenant: message.job.tenant, jobId: message.job.jobId, error: (error as Error).message });
        this.deadLetters.push(message.job);
      } else {
        logger.warn('deletion job failed; delivering it again', { kind: message.job.kind, tenant: message.job.tenant, error: (error as Error).message });
        this.#deliverLater({ job: message.job, receives }, 50);
      }
    }
  }

  #settle(): void {
    if (this.pending > 0 && !this.#closed) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
