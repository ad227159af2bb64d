// Posts a report names in a body must be published posts of the caller's tenant.
// Another tenant's post answers 404 exactly as a post that does not exist; the
// tenant's own post that was never published (scheduled, failed, ...) is a 400
// naming the field, since the caller can see it and it cannot be measured.
import { publicationTimes, requestStatuses } from "../db/post-references";
import type { TenantScope } from "../db/tenant-scope";
import { invalidField } from "../field-error";
import { ProblemError } from "../problem";

export const POST_NOT_FOUND = "No such post";

/**
 * When each post was published (ISO 8601), once all are the tenant's published
 * posts. `fieldOf(i)` names the body field holding `ids[i]`. `settle` waits until D1
 * has every answered post (settlePosts): asked only when some id was not found.
 */
export async function assertPublishedPosts(
  scope: TenantScope,
  ids: readonly string[],
  fieldOf: (index: number) => string,
  settle: () => Promise<void>,
): Promise<Map<string, string>> {
  let published = await publicationTimes(scope, ids);
  if (ids.some((id) => !published.has(id))) {
    await settle();
    published = await publicationTimes(scope, ids);
  }
  const unpublished = ids.filter((id) => !published.has(id));
  if (unpublished.length === 0) return published;
  const statuses = await requestStatuses(scope, unpublished);
  if (unpublished.some((id) => !statuses.has(id))) throw new ProblemError("notFound", POST_NOT_FOUND);
  const index = ids.findIndex((id) => !published.has(id));
  const id = ids[index] as string;
  throw invalidField(fieldOf(index), `the post is ${statuses.get(id)}, not published`);
}
