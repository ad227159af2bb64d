// A/B tests: two or three published posts compared on one proportion metric
// (src/core/analytics/ab-test.ts says how a verdict is reached). Creating a test evaluates
// it at once; reading a running test re-evaluates it on the posts' current analytics
// and completes it the first time there is a verdict (src/router/http/ab-test-evaluation.ts).

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { type AbTestRow, getAbTest, insertAbTest, listAbTests, toAbTest } from "../../core/db/ab-tests";
import { isForeignKeyViolation } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import { assertPublishedPosts, POST_NOT_FOUND } from "../../core/reports/post-checks";
import { guard } from "../auth/guard";
import { evaluateDesign, refreshAbTest } from "../http/ab-test-evaluation";
import { AbTestSchema, AbTestStatusFilter, CreateAbTest } from "../http/ab-test-schemas";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller, settlePosts } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const NOT_FOUND = "No such A/B test";

const createAbTestRoute = createRoute({
  method: "post",
  path: "/v1/ab-tests",
  operationId: "create_ab_test",
  tags: ["Reports"],
  summary: "Start an A/B test of two or three published posts",
  description:
    "Pooled two-proportion z-test of each challenger against A, two-sided, Holm-corrected with three variants. No winner below min_sample impressions per variant ('inconclusive'); with enough data and no significant difference, a 'tie'.",
  security: bearer,
  middleware: guard("analytics.write", { action: "ab_test.create", resource: "ab_test" }),
  request: jsonBody(CreateAbTest),
  responses: {
    201: jsonResponse("Started (and already completed if the posts' data decide it)", AbTestSchema),
    404: problemResponseSpec(POST_NOT_FOUND),
    ...problems(),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/ab-tests",
  operationId: "list_ab_tests",
  tags: ["Reports"],
  summary: "A/B tests of the tenant, newest first, as last evaluated",
  security: bearer,
  middleware: guard("analytics.read", { action: "ab_test.list", resource: "ab_test" }),
  request: { query: PageQuery.extend({ status: AbTestStatusFilter.optional() }) },
  responses: { 200: jsonResponse("A page of A/B tests", pageSchema(AbTestSchema, "AbTestPage")), ...problems() },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/ab-tests/{id}",
  operationId: "get_ab_test",
  tags: ["Reports"],
  summary: "One A/B test, re-evaluated while it runs",
  security: bearer,
  middleware: guard("analytics.read", { action: "ab_test.read", resource: "ab_test", idParam: "id" }),
  request: { params: z.object({ id: idParam("abTest") }) },
  responses: { 200: jsonResponse("The test and its verdict", AbTestSchema), ...problems(NOT_FOUND) },
});

const Cursor = z.object({ id: z.string() });

export const abTestsRoutes = createRouter()
  .openapi(createAbTestRoute, async (c) => {
    const { scope, user } = caller(c);
    const body = c.req.valid("json");
    await assertPublishedPosts(
      scope,
      body.variants,
      (i) => `variants.${i}`,
      () => settlePosts(c),
    );
    const design = { postIds: body.variants, metric: body.metric, minSample: body.min_sample, alpha: body.alpha };
    const result = await evaluateDesign(scope, design);
    const testId = newId("abTest");
    const statement = insertAbTest(
      scope,
      {
        ...design,
        testId,
        name: body.name,
        testType: body.test_type,
        createdBy: user.userId,
        now: isoNow(c.var.clock),
      },
      result,
    );
    try {
      await commitAudited(c, scope.db, [statement], {
        action: "ab_test.create",
        resourceType: "ab_test",
        resourceId: testId,
        metadata: { variants: body.variants, metric: body.metric, winner: result.winner },
      });
    } catch (error) {
      // Checked above; published posts are never deleted, so this is a bug if it happens.
      if (isForeignKeyViolation(error)) throw new ProblemError("notFound", POST_NOT_FOUND);
      throw error;
    }
    c.header("Location", `/v1/ab-tests/${testId}`);
    return c.json(toAbTest((await getAbTest(scope, testId)) as AbTestRow), 201);
  })
  .openapi(listRoute, async (c) => {
    const { scope } = caller(c);
    const query = c.req.valid("query");
    const page = await listAbTests(scope, {
      beforeId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
      status: query.status,
    });
    return c.json(
      pageOf(page.rows.map(toAbTest), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const { scope } = caller(c);
    const row = await getAbTest(scope, c.req.valid("param").id);
    if (!row) throw new ProblemError("notFound", NOT_FOUND);
    return c.json(toAbTest(await refreshAbTest(c, scope, row)), 200);
  });
