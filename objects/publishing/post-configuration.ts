// Step 4 of a publish (publish-flow.ts), its first part: the post configuration
// (docs/publishing.md, Post configurations and best times). The one the client named
// (configuration_id), or the tenant's default, read from D1 at every admission, so a
// rule changed a moment ago holds for the next post: its platforms limit where the post
// goes, its call to action is appended when the text lacks it, its hashtag cap and the
// platform's rules are checked on the text as it will go out, its quality gates are
// checked against the generated content the post names, and scheduled_at "best" is
// its next best posting time. The default is kept with the tenant's record, which the
// configuration routes forget after every change. Nothing here takes a key or a slot: a refusal sends
// nothing and counts nothing.
//
// A scheduled post keeps what this made of it (`configured`): when it fires, or is
// released, the same configuration's rules as they stand then are checked again (a
// gate tightened meanwhile holds it back), and its text is left as it was scheduled.
import type { Clock } from "../../src/core/clock";
import { type ContentGateFacts, contentGateFacts } from "../../src/core/db/content-gates";
import {
  configurationForPost,
  countConfigurationUses,
  toPostConfiguration,
} from "../../src/core/db/post-configurations";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import { type TenantScope, tenantScope } from "../../src/core/db/tenant-scope";
import { checkPost, type PostDraft } from "../../src/core/platforms/rules";
import type { Platform } from "../../src/core/platforms/types";
import type { FieldError } from "../../src/core/problem";
import { isTimeZone, nextWallTime } from "../../src/core/zoned-time";
import type { CheckRefusal, ConfigurationRefusal, PublishInput } from "../tenant-object/contract";
import { invalid } from "./outcome";
import type { TenantRecordCache } from "./tenant-record";

/**
 * How far ahead a best posting time must be when chosen: a slot closer than this is
 * skipped for the next one, so a post is never scheduled for a moment that has gone
 * by the time the answer arrives (and more than the 5 seconds an explicit
 * scheduled_at needs, MIN_SCHEDULE_AHEAD_MS).
 */
export const BEST_TIME_LEAD_MS = 5 * 60_000;

type Configuration = ReturnType<typeof toPostConfiguration>;

export type Configured = { kind: "configured"; input: PublishInput } | { kind: "refused"; refusal: CheckRefusal };

function field(name: string, message: string): FieldError {
  return { in: "body", field: name, message };
}

/** The draft with the configuration's call to action appended, when it has one and the text lacks it. */
function withCallToAction(draft: PostDraft, configuration: Configuration | null): PostDraft {
  const cta = configuration?.include_cta ? configuration.cta_default?.trim() : undefined;
  if (!cta || draft.text.toLowerCase().includes(cta.toLowerCase())) return draft;
  return { ...draft, text: `${draft.text.trimEnd()}\n\n${cta}` };
}

export class PostConfigurations {
  constructor(
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly clock: Clock,
    /** Keeps the tenant's default configuration between publishes (defaultPostConfiguration). */
    private readonly tenant: TenantRecordCache,
  ) {}

  /**
   * Applies the post's configuration to `input`, bound for `platform`: the input as it
   * goes on (configured), or why not. Field errors (400) come before the
   * configuration's own refusals (422).
   */
  async apply(input: PublishInput, platform: Platform): Promise<Configured> {
    const named = input.configurationId ?? null;
    const scope = await tenantScope(this.env, this.tenantId);
    // A configured post with none applied stays without one.
    const skipRead = input.configured === true && named === null;
    const [row, content] = await Promise.all([
      skipRead ? null : named === null ? this.tenant.defaultPostConfiguration() : configurationForPost(scope, named),
      input.contentId ? contentGateFacts(scope, input.contentId) : null,
    ]);
    const configuration = row ? toPostConfiguration(row) : null;
    const errors: FieldError[] = [];
    if (named !== null && !configuration) {
      // Another tenant's id reads as none: the same answer as an unknown one.
      errors.push(
        field(
          "configuration_id",
          input.configured ? "The post's configuration was deleted" : "No such post configuration",
        ),
      );
    } else if (named !== null && !input.configured && configuration?.status === "archived") {
      errors.push(field("configuration_id", "The post configuration is archived"));
    }
    const draft = input.configured ? input.draft : withCallToAction(input.draft, configuration);
    errors.push(...this.postErrors(platform, draft, input.draft, configuration));
    if (input.contentId && !content) errors.push(field("content_id", "No such generated content"));
    let scheduledAtMs = input.scheduledAtMs;
    if (input.bestTime && !input.configured) {
      const best = this.bestTime(platform, configuration);
      if (typeof best === "number") scheduledAtMs = best;
      else errors.push(best);
    }
    const [first, ...rest] = errors;
    if (first) return { kind: "refused", refusal: invalid([first, ...rest]) };
    if (configuration) {
      const refusal = this.ruleRefusal(platform, configuration, input.contentId, content);
      if (refusal) return { kind: "refused", refusal };
    }
    const { bestTime: _chosen, ...rest2 } = input;
    return {
      kind: "configured",
      input: { ...rest2, draft, scheduledAtMs, configurationId: configuration?.id ?? null, configured: true },
    };
  }

  /** The platform's rules and the configuration's hashtag cap, on the text as it will go out. */
  private postErrors(
    platform: Platform,
    draft: PostDraft,
    original: PostDraft,
    configuration: Configuration | null,
  ): FieldError[] {
    const cap = configuration?.max_hashtags_per_platform?.[platform];
    const appended = draft !== original;
    return checkPost(platform, draft, cap).map((error) => {
      if (error.field === "hashtags" && cap !== undefined && error.message.includes(`at most ${cap} `)) {
        return {
          ...error,
          message: `${error.message} (max_hashtags_per_platform of post configuration ${configuration?.id})`,
        };
      }
      if (error.field === "text" && appended && checkPost(platform, original, cap).every((e) => e.field !== "text")) {
        return { ...error, message: `${error.message} with the configuration's call to action (cta_default) appended` };
      }
      return error;
    });
  }

  /** The next best posting time for `platform`, at least BEST_TIME_LEAD_MS ahead, or the field error saying why none. */
  private bestTime(platform: Platform, configuration: Configuration | null): number | FieldError {
    if (!configuration)
      return field("scheduled_at", `"best" needs a post configuration; the tenant has no default one`);
    const times = configuration.best_posting_times?.[platform] ?? [];
    if (!isTimeZone(configuration.timezone)) {
      return field("scheduled_at", `the configuration's timezone ${configuration.timezone} is not a known time zone`);
    }
    const at = nextWallTime(this.clock() + BEST_TIME_LEAD_MS, configuration.timezone, times);
    if (at === null) {
      return field(
        "scheduled_at",
        `post configuration ${configuration.id} has no best_posting_times for ${platform}; give a time instead`,
      );
    }
    return at;
  }

  /** The configuration's own rules: where the post may go, then its content's quality gates. */
  private ruleRefusal(
    platform: Platform,
    configuration: Configuration,
    contentId: string | null,
    content: ContentGateFacts | null,
  ): ConfigurationRefusal | null {
    const base = { kind: "configuration_refused" as const, configurationId: configuration.id };
    if (!configuration.platforms.includes(platform)) {
      return {
        ...base,
        rule: "platforms",
        platform,
        // As the configuration's route validated them (src/router/routes/post-configurations.ts).
        allowed: configuration.platforms as Platform[],
        detail: `Post configuration ${configuration.id} publishes to ${configuration.platforms.join(", ")}, not ${platform}; nothing was sent`,
      };
    }
    if (!contentId || !content) return null;
    if (configuration.require_guard_pass && !content.guardsPassed) {
      const why = content.failingGuards.length
        ? `its latest results of ${content.failingGuards.join(", ")} failed`
        : content.guarded
          ? "its guards did not all pass"
          : "it has no guard results";
      return {
        ...base,
        rule: "require_guard_pass",
        contentId,
        failingGuards: content.failingGuards,
        detail: `Post configuration ${configuration.id} requires content that passed its guards; ${contentId}: ${why}. Nothing was sent`,
      };
    }
    const minimum = configuration.min_brand_voice_score;
    const score = content.brandVoiceScore;
    if (minimum > 0 && (score === null || score < minimum)) {
      return {
        ...base,
        rule: "min_brand_voice_score",
        contentId,
        score,
        minimum,
        detail: `Post configuration ${configuration.id} requires a brand-voice score of at least ${minimum}; ${contentId} has ${score ?? "none"}. Nothing was sent`,
      };
    }
    return null;
  }
}

/**
 * The statement counting a scheduled post's use of its configuration, for the batch
 * that first records the post (before it; none without a configuration). A published
 * post's use is counted by the record outbox (src/core/db/post-records.ts) the same way.
 */
export function configurationUse(
  scope: TenantScope,
  input: PublishInput,
  row: PublishRequestRow,
): D1PreparedStatement[] {
  if (!input.configured || !input.configurationId) return [];
  return [
    countConfigurationUses(scope, [{ postId: row.request_id, configId: input.configurationId, at: row.created_at }]),
  ];
}
