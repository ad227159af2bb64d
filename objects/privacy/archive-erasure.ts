// A person's erasure reaching the audit days already archived to R2 (docs/privacy.md, "A
// person's erasure"): run by the tenant's object on its alarm (the timer erase-archive),
// in bounded, resumable steps. The job and its checkpoint are a row of the tenant's shard
// (src/core/privacy/erasure-jobs.ts), written in the erasure's own batch, so a job exists
// exactly when an erasure happened, whatever became of the call that told this object.
//
//   pass 1  every archived day (audit/<tenant>/<YYYY-MM-DD>.ndjson.gz) in key order: a
//           day holding the person (their rows, their e-mail in any case, their id) is
//           rewritten as the erasure left their rows in D1 (archived-row-scrub.ts) and
//           written compare-and-set over the object read (one put replaces the key, so a
//           reader sees the old day or the new, never a part), then the checkpoint moves
//           past it. A reset between the two reads the day again and finds it clean.
//   pass 2  from CONFIRM_DELAY_MS after the erasure, the days uploaded since the erasure
//           are read again: a retention run that read the person's rows from D1 before
//           the erasure may have written them to a day after pass 1 was past it.
//
// At most DAYS_PER_RUN days read per run, then the next run is scheduled at once. The
// job then deletes its row, with the person's e-mail and name in it, and audits its
// counts (user.erase_archive). Jobs run one at a time, oldest first. It goes on while
// the tenant is stopped: it only removes a person's data from the tenant's archive, it
// does nothing on the tenant's behalf; a tenant erased meanwhile has no archive left.
import type { Clock } from "../../src/core/clock";
import { isoNow } from "../../src/core/clock";
import { tenantCipher } from "../../src/core/crypto/tenant-cipher";
import { pendingAuditRow, pendingAuditStatement } from "../../src/core/db/audit-logs";
import { scopeOn, type TenantScope } from "../../src/core/db/tenant-scope";
import { placementOf } from "../../src/core/placement/directory";
import { type ArchivedErasure, scrubArchivedRow } from "../../src/core/privacy/archived-row-scrub";
import {
  checkpointErasureJob,
  type ErasureCheckpoint,
  type ErasureJob,
  endErasureJob,
  oldestErasureJob,
  openErasureJob,
} from "../../src/core/privacy/erasure-jobs";
import { archiveBucket, auditPrefix, dayOfAuditKey } from "../../src/core/retention/archive-bucket";
import { readDay, writeDay } from "../../src/core/retention/audit-day-object";
import type { TenantRecordCache } from "../publishing/tenant-record";
import type { Timers } from "../storage/timers";
import { faultPoint } from "../tenant-object/fault-points";

/** Archived days read per alarm run (one R2 get each, and a put when the day names the person). */
export const DAYS_PER_RUN = 20;
/** R2 list calls per alarm run (pass 2 lists many keys and reads few). */
const LISTS_PER_RUN = 5;
/** Keys per list call in pass 2, where most keys are only looked at. */
const KEYS_PER_LIST = 1000;
/** A day rewritten by someone else between our read and our write is read again, this many times per run. */
const CONFLICT_TRIES = 3;
/** R2's upload times and the erasure's time come from different clocks: pass 2 reads this much earlier too. */
const CLOCK_SKEW_MS = 300_000;

/** What one day's rewrite did. */
interface DayOutcome {
  rows: number;
}

/** Rewrites the day if it names the person; how many of its rows changed. */
export async function eraseFromDay(
  bucket: R2Bucket,
  tenantId: string,
  day: string,
  person: ArchivedErasure,
): Promise<DayOutcome> {
  for (let tries = 0; tries < CONFLICT_TRIES; tries++) {
    const existing = await readDay(bucket, tenantId, day);
    // Gone meanwhile (the tenant's erasure): nothing of anyone is left in it.
    if (!existing) return { rows: 0 };
    let changed = 0;
    const rows = existing.rows.map((row) => {
      const scrubbed = scrubArchivedRow(row, person);
      if (scrubbed !== row) changed += 1;
      return scrubbed;
    });
    if (changed === 0) return { rows: 0 };
    // Compare-and-set: a retention run that merged rows into the day meanwhile wins, and we read it again.
    if (await writeDay(bucket, tenantId, day, rows, existing.etag)) return { rows: changed };
  }
  throw new Error(`audit day ${day} kept changing while the person's erasure rewrote it; trying again later`);
}

export class ArchiveErasure {
  constructor(
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"erase-archive">,
    private readonly tenant: TenantRecordCache,
    private readonly clock: Clock,
  ) {}

  /** An erasure recorded a job: it runs now (a repeat finds the timer set, and the same job). */
  start(): Promise<void> {
    return this.timers.scheduleAtMost("erase-archive", this.clock());
  }

  /** One run on the alarm: a bounded part of the oldest job, then the next run is scheduled. */
  async step(): Promise<void> {
    const placement = await placementOf(this.env, this.tenantId);
    // The tenant is gone from the directory: its shard rows and its archive with it.
    if (!placement) return;
    const scope = scopeOn(this.env, placement);
    const job = await oldestErasureJob(scope);
    if (!job) return;
    const nowMs = this.clock();
    const confirmAtMs = Date.parse(job.confirm_after);
    if (job.pass === 2 && nowMs < confirmAtMs) return this.timers.scheduleAt("erase-archive", confirmAtMs);
    const cipher = tenantCipher(this.env, this.tenantId, (await this.tenant.get()).key);
    const person = await openErasureJob(cipher, job);
    const bucket = archiveBucket(this.env, placement.region);
    const at: ErasureCheckpoint = {
      pass: job.pass,
      afterKey: job.after_key,
      daysRead: job.days_read,
      daysRewritten: job.days_rewritten,
      rowsRewritten: job.rows_rewritten,
    };
    const passDone = await this.run(scope, bucket, job, person, at);
    if (!passDone) return this.timers.scheduleAt("erase-archive", this.clock());
    if (at.pass === 1) {
      await checkpointErasureJob(scope, job.user_id, { ...at, pass: 2, afterKey: null }, isoNow(this.clock));
      return this.timers.scheduleAt("erase-archive", Math.max(this.clock(), confirmAtMs));
    }
    await this.end(scope, job, at);
    // The next job, if another person was erased meanwhile.
    await this.timers.scheduleAt("erase-archive", this.clock());
  }

  /** Reads at most DAYS_PER_RUN days from the checkpoint on; true once the pass has read its last. */
  private async run(
    scope: TenantScope,
    bucket: R2Bucket,
    job: ErasureJob,
    person: ArchivedErasure,
    at: ErasureCheckpoint,
  ): Promise<boolean> {
    const prefix = auditPrefix(this.tenantId);
    // Pass 2 reads only the days uploaded since the erasure (on R2's clock, less the skew).
    const since = Date.parse(job.erased_at) - CLOCK_SKEW_MS;
    let reads = 0;
    for (let lists = 0; lists < LISTS_PER_RUN; lists++) {
      const listing = await bucket.list({
        prefix,
        limit: at.pass === 1 ? DAYS_PER_RUN - reads : KEYS_PER_LIST,
        ...(at.afterKey === null ? {} : { startAfter: `${prefix}${at.afterKey}` }),
      });
      for (const object of listing.objects) {
        const day = dayOfAuditKey(this.tenantId, object.key);
        const wanted = day !== null && (at.pass === 1 || object.uploaded.getTime() >= since);
        if (wanted && reads >= DAYS_PER_RUN) break;
        at.afterKey = object.key.slice(prefix.length);
        if (!wanted) continue;
        reads += 1;
        const outcome = await eraseFromDay(bucket, this.tenantId, day as string, person);
        at.daysRead += 1;
        if (outcome.rows > 0) {
          at.daysRewritten += 1;
          at.rowsRewritten += outcome.rows;
        }
        await faultPoint("erase-archive.day");
        await checkpointErasureJob(scope, job.user_id, at, isoNow(this.clock));
      }
      const consumed = listing.objects.length === 0 || at.afterKey === listing.objects.at(-1)?.key.slice(prefix.length);
      if (!listing.truncated && consumed) return true;
      if (reads >= DAYS_PER_RUN) break;
    }
    // Keys only looked at (pass 2) are past too.
    await checkpointErasureJob(scope, job.user_id, at, isoNow(this.clock));
    return false;
  }

  /** The job's row goes, with the e-mail and name in it; its counts stay in the trail. */
  private async end(scope: TenantScope, job: ErasureJob, at: ErasureCheckpoint): Promise<void> {
    const audit = pendingAuditRow(
      { tenantId: this.tenantId, userId: null, ip: null, userAgent: null, requestId: `erase-archive:${job.pseudonym}` },
      {
        action: "user.erase_archive",
        resourceType: "user",
        resourceId: job.pseudonym,
        metadata: { days_read: at.daysRead, days_rewritten: at.daysRewritten, rows_rewritten: at.rowsRewritten },
      },
      isoNow(this.clock),
    );
    await endErasureJob(scope, job.user_id, [pendingAuditStatement(scope.db, [audit])]);
  }
}
