// The outgoing webhooks' request and response schemas (docs/webhooks.md), for
// src/router/routes/webhook-endpoints.ts and webhook-deliveries.ts.
import { z } from "@hono/zod-openapi";
import { MAX_URL_LENGTH } from "../../core/webhooks/endpoint-url";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from "../../core/webhooks/events";
import { Timestamp } from "./content-schemas";
import { plainText } from "./text-field";

const EVENT_CHOICES = [...WEBHOOK_EVENT_TYPES, ALL_EVENTS] as const;

export const EventsField = z
  .array(z.enum(EVENT_CHOICES))
  .min(1)
  .max(EVENT_CHOICES.length)
  .openapi({
    description: `Event types the endpoint receives, or "${ALL_EVENTS}" for every type (those added later too)`,
    example: ["post.published", "post.failed"],
  });

export const UrlField = plainText(1, MAX_URL_LENGTH).openapi({
  description:
    "Where events are POSTed: https, never a private, loopback or link-local address (in development mode http://localhost:<port> and http://127.0.0.1:<port> too)",
  example: "https://hooks.example.com/dify",
});

const DescriptionField = plainText(1, 500).nullable();

export const CreateEndpoint = z
  .object({
    url: UrlField,
    events: EventsField,
    description: DescriptionField.default(null),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi("CreateWebhookEndpoint");

export const PatchEndpoint = z
  .object({
    url: UrlField.optional(),
    events: EventsField.optional(),
    description: DescriptionField.optional(),
    enabled: z.boolean().optional().openapi({ description: "true enables it again (its failing streak forgotten)" }),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "give at least one field")
  .openapi("PatchWebhookEndpoint");

export const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.enum(["manual", "gone", "failing"]).nullable().openapi({
      description: "manual: by the tenant; gone: it answered 410; failing: every delivery failed for three days",
    }),
    disabled_at: Timestamp.nullable(),
    failing_since: Timestamp.nullable().openapi({ description: "The first failed delivery since the last delivered" }),
    previous_secret_expires_at: Timestamp.nullable().openapi({
      description: "Until then deliveries are signed with the rotated-out secret too",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const EndpointWithSecretSchema = EndpointSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (whsec_ and base64 of 32 bytes), shown only in this answer",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookEndpointWithSecret");

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    attempt: z.number().int().openapi({ description: "Attempt of this event to this endpoint, 1, 2, 3 …" }),
    try_number: z
      .number()
      .int()
      .openapi({ description: "Try within its series (the event, a redelivery, a test): 1 to 10" }),
    origin: z.enum(["event", "redelivery", "test"]),
    status: z.enum(["pending", "delivered", "failed", "cancelled"]),
    response_status: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    error: z
      .string()
      .nullable()
      .openapi({ description: "http_<status>, timeout, connection_failed, endpoint_disabled …" }),
    attempted_at: Timestamp.nullable(),
    next_retry_at: Timestamp.nullable().openapi({
      description: "pending: when it is due; failed: when the next try is due (null: none)",
    }),
    created_at: Timestamp,
  })
  .openapi("WebhookDelivery");

export const DeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Page size (1 to 100)" }),
  cursor: z.string().max(512).optional().openapi({ description: "next_cursor of the previous page" }),
});

export const RedeliverBody = z
  .object({
    endpoint_id: z
      .string()
      .regex(/^whe_[0-9A-HJKMNP-TV-Z]{26}$/, "a webhookEndpoint id (whe_...)")
      .optional()
      .openapi({ description: "Only to this endpoint; omitted: every enabled endpoint subscribed to its type" }),
  })
  .strict()
  .openapi("RedeliverWebhookEvent");

export const QueuedSchema = z
  .object({
    event_id: z.string(),
    deliveries: z.array(z.object({ endpoint_id: z.string(), delivery_id: z.string() })),
  })
  .openapi("QueuedWebhookDeliveries");
