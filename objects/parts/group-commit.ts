// Group commit to D1: records arriving while a D1 batch is in flight wait and go
// together in the next one, so a burst of publishes costs a few D1 round trips
// instead of one each. Each caller still resolves only once D1 has its rows, and
// each record stays atomic: if a combined batch fails, its records are retried one
// batch each, so one bad record cannot sink the others.

/** D1 takes this many statements in one batch comfortably. */
const MAX_STATEMENTS = 200;

interface Pending {
  statements: D1PreparedStatement[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private running = false;

  constructor(private readonly db: () => D1Database) {}

  /** Resolves when D1 has committed `statements` (as one atomic unit). */
  commit(statements: D1PreparedStatement[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (taken.length > 0 && count + next.statements.length > MAX_STATEMENTS) break;
      taken.push(this.queue.shift() as Pending);
      count += next.statements.length;
    }
    return taken;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          await this.db().batch(group.flatMap((pending) => pending.statements));
          for (const pending of group) pending.resolve();
        } catch (error) {
          if (group.length === 1) {
            (group[0] as Pending).reject(error);
            continue;
          }
          for (const pending of group) {
            try {
              await this.db().batch(pending.statements);
              pending.resolve();
            } catch (single) {
              pending.reject(single);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
