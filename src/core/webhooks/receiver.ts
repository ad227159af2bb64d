// The development receiver of outgoing webhooks (docs/webhooks.md, "Trying it locally"):
// a WebhookReceiver Durable Object per name (objects/webhooks/receiver-object.ts), bound
// only in development mode, reached at /sandbox/webhook-receiver/<name> on the Worker's
// own origin (src/router/routes/webhook-receiver.ts). It records what it receives, checks
// each signature when it knows the endpoint's secret, and answers as its fault switch
// says, so the demo shows webhooks arriving and tests make an endpoint fail on purpose.
// This is its RPC surface besides HTTP, as the object implements it.

/** One delivery as the receiver got it. */
export interface ReceivedWebhook {
  webhookId: string | null;
  /** The event's type, read from the body. */
  type: string | null;
  body: string;
  signature: string | null;
  timestamp: string | null;
  /** The signature checked against the secret it was given; null when it has none. */
  verified: boolean | null;
  /** The status it answered. */
  answered: number;
  receivedAtMs: number;
}

export interface WebhookReceiverControls {
  /** What it received, oldest first (the last RECEIVER_KEEPS). */
  received(): Promise<ReceivedWebhook[]>;
  /** The next `times` deliveries are answered `status` (a 500, a 410 …) instead of 200. */
  addFault(status: number, times: number): Promise<void>;
  /** The endpoint's secret, to verify signatures with (null: none). */
  setSecret(secret: string | null): Promise<void>;
  /** Forgets what it received and its faults. */
  clear(): Promise<void>;
}

/** Deliveries a receiver keeps. */
export const RECEIVER_KEEPS = 1000;

/** The path of a receiver on the Worker's origin. */
export const RECEIVER_PATH = "/sandbox/webhook-receiver/";

/** A receiver's name: lower-case letters, digits and dashes. */
export const RECEIVER_NAME = /^[a-z0-9-]{1,64}$/;

/** True for a URL that names a development receiver on this Worker (http://localhost:<port> or 127.0.0.1). */
export function isLocalReceiverUrl(url: URL): boolean {
  return (
    url.protocol === "http:" &&
    (url.hostname === "localhost" || url.hostname === "127.0.0.1") &&
    url.pathname.startsWith(RECEIVER_PATH)
  );
}

/** As the runtime's Durable Object types take it. */
export type WebhookReceiverBinding = WebhookReceiverControls & Rpc.DurableObjectBranded;
