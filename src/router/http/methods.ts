// Which HTTP methods write: the audit and the subscription's gate count the same ones.

/** A request that writes, as the audit and the subscription's gate count it (not GET, HEAD or OPTIONS). */
export function isMutation(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}
