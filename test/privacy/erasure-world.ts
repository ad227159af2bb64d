// Tenants for the erasure tests, made through the API as clients would, with values of
// their own to look for afterwards (names, e-mails, post texts, titles): every one is
// unique to its tenant, so finding it anywhere means a trace was left.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { REGIONS } from "../../src/core/db/tenants";
import { archiveBucket, tenantExportsPrefix } from "../../src/core/retention/archive-bucket";
import { dayOf } from "../../src/core/skills/calendar";
import { embedding } from "../content/vectors";
import { daysBefore, plantAudit } from "../retention/plant";
import { globalSkill, privateSkill, type Skill } from "../skills/helpers";
import { type ConnectedAccount, connectAccount } from "../support/accounts";
import { call, json } from "../support/http";
import { ADMIN, login, PASSWORD, type TestTenant } from "../support/tenants";

export interface PopulatedTenant {
  tenant: TestTenant;
  ownerSession: string;
  accounts: ConnectedAccount[];
  /** The tenant's own values: its id, names, e-mails, texts. */
  values: string[];
}

function mark(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * A tenant with a row in most tables and a trace in every store: its owner and a
 * member, four connected accounts, a published and a scheduled post, a knowledge entry
 * and a brand profile (vectors), a private skill and a fork of a global one (the global
 * registry and the skills index), an audit row old enough to be archived to R2 by the
 * retention job, and an export's objects in R2 (its own region's bucket and, misplaced,
 * another's).
 */
export async function populatedTenant(label: string, options: { platforms?: boolean } = {}): Promise<PopulatedTenant> {
  const name = mark(`${label} Foundry`);
  // E-mail addresses are kept lower-case (src/router/http/identity-schemas.ts).
  const ownerEmail = `${mark(`${label}-owner`)}@example.com`.toLowerCase();
  const ownerName = mark(`${label} Owner`);
  const created = await call("/v1/tenants", {
    token: ADMIN,
    body: { name, region: "eu-west", owner: { email: ownerEmail, password: PASSWORD, full_name: ownerName } },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const body = await json<{ tenant: { id: string }; owner: { id: string }; api_key: { id: string; key: string } }>(
    created,
  );
  const tenant: TestTenant = {
    tenantId: body.tenant.id,
    ownerId: body.owner.id,
    ownerEmail,
    ownerKey: body.api_key.key,
    ownerKeyId: body.api_key.id,
  };
  const ownerSession = await login(tenant.tenantId, ownerEmail);
  const memberEmail = `${mark(`${label}-member`)}@example.com`.toLowerCase();
  const memberName = mark(`${label} Member`);
  const member = await call("/v1/users", {
    token: tenant.ownerKey,
    body: { email: memberEmail, password: PASSWORD, role: "member", full_name: memberName },
  });
  expect(member.status, await member.clone().text()).toBe(201);

  const values = [tenant.tenantId, name, ownerEmail, ownerName, memberEmail, memberName];
  const accounts: ConnectedAccount[] = [];
  if (options.platforms !== false) {
    for (const platform of ["twitter", "facebook", "instagram", "linkedin"] as const) {
      accounts.push(await connectAccount(tenant.ownerKey, platform));
    }
    const postText = mark(`${label} rebar delivered`);
    const posted = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: (accounts[0] as ConnectedAccount).id, text: postText },
    });
    expect(posted.status, await posted.clone().text()).toBe(201);
    const laterText = mark(`${label} next week's steel`);
    const scheduled = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: {
        account_id: (accounts[3] as ConnectedAccount).id,
        text: laterText,
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(scheduled.status, await scheduled.clone().text()).toBe(202);
    values.push(postText, laterText);
  }

  const title = mark(`${label} tone`);
  const content = mark(`${label} plain words`);
  const entry = await call("/v1/knowledge", {
    token: tenant.ownerKey,
    body: { title, entry_type: "guideline", content, embedding: embedding() },
  });
  expect(entry.status, await entry.clone().text()).toBe(201);
  const lexicon = mark(`${label} industrial-grade`);
  const profile = await call("/v1/brand-profile", {
    method: "PUT",
    token: tenant.ownerKey,
    body: {
      embeddings: embedding(),
      palette: ["#1a5f7a"],
      typography: { headline: "Montserrat" },
      logo_rules: { min_size_px: 120 },
      lexicon: { products: lexicon },
      messaging: { taglines: ["Built on trust"] },
    },
  });
  expect(profile.status, await profile.clone().text()).toBe(200);
  const skillName = mark(`${label} layout`);
  await privateSkill(tenant, { name: skillName });
  const shared: Skill = await globalSkill({ name: mark("Shared layout") });
  const forkName = mark(`${label} fork`);
  const fork = await call(`/v1/skills/${shared.id}/fork`, { token: tenant.ownerKey, body: { name: forkName } });
  expect(fork.status, await fork.clone().text()).toBe(201);
  values.push(title, content, lexicon, skillName, forkName);

  // An audit row past the standard plan's 90 days: the retention job archives it to R2.
  const agent = mark(`${label}-browser`);
  await plantAudit(tenant.tenantId, daysBefore(dayOf(new Date()), 200), {
    user_agent: agent,
    metadata: JSON.stringify({ note: ownerEmail }),
  });
  // An export's objects, as the export job leaves them, and one misplaced in another region.
  const exportKey = `${tenantExportsPrefix(tenant.tenantId)}exp_test/manifest.json`;
  await archiveBucket(env, "eu-west").put(exportKey, JSON.stringify({ owner: ownerEmail }));
  await archiveBucket(env, REGIONS[1]).put(exportKey, JSON.stringify({ owner: ownerEmail }));
  values.push(agent);

  // The read barrier: D1 has every post the tenant's object answered for.
  expect((await call("/v1/posts", { token: tenant.ownerKey })).status).toBe(200);
  return { tenant, ownerSession, accounts, values };
}
