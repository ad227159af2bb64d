// Steps 6 and 9: the tenant's objects in R2: its audit archive (audit/<tenant>/) and its
// exports (exports/<tenant>/), in every region's archive bucket (the tenant's own holds
// them; the others are listed too, so nothing written anywhere by mistake stays). A
// page per unit: up to 1,000 keys listed under one prefix of one bucket, then deleted in
// one call; deleting what was listed is what moves the listing on, so a unit repeated
// after a crash lists what is left. Run once after the shard's rows are gone (no audit
// row is left to archive), and once more as the last sweep after the object is erased
// (an export that was still running on its alarm wrote nothing after that).
import { REGIONS } from "../db/tenants";
import { archiveBucket, auditPrefix, tenantExportsPrefix } from "../retention/archive-bucket";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";

const PREFIXES: readonly { label: string; of: (tenantId: string) => string }[] = [
  { label: "audit_archive", of: auditPrefix },
  { label: "exports", of: tenantExportsPrefix },
];

type Cursor = { bucket: number; prefix: number } | null;

export async function eraseArchive(run: ErasureRun, erasure: Erasure, cursor: unknown): Promise<Unit> {
  const at = (cursor as Cursor) ?? { bucket: 0, prefix: 0 };
  const region = REGIONS[at.bucket];
  if (!region) return { done: true };
  const prefix = PREFIXES[at.prefix];
  if (!prefix) return { done: false, cursor: { bucket: at.bucket + 1, prefix: 0 } };
  const bucket = archiveBucket(run.env, region);
  run.calls.spend();
  const listed = await bucket.list({ prefix: prefix.of(erasure.tenantId), limit: 1000 });
  const keys = listed.objects.map((object) => object.key);
  if (keys.length > 0) {
    run.calls.spend();
    await bucket.delete(keys);
    count(erasure, "archive", prefix.label, keys.length);
  }
  return { done: false, cursor: listed.truncated ? at : { bucket: at.bucket, prefix: at.prefix + 1 } };
}
