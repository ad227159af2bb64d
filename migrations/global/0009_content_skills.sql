-- Migration 0009: content and skills (README, "Content and skills").
--
-- * generated_content.request_id: the generation request that produced a candidate.
--   Candidates of one request share it; revision events and guard results name it
--   (their request_id is NOT NULL in the seed, and had nothing to point at).
-- * generated_content.config_id: the post configuration used, so its use_count and
--   last_used_at mean something. A column added by ALTER TABLE cannot carry a
--   composite (id, tenant_id) foreign key, so a trigger refuses a configuration of
--   another tenant, as the composite keys of 0002 do for templates.
-- * Indexes for what this issue reads: knowledge pages per tenant in id order, a
--   tenant's content per skill over time (own metrics), and the day's content with
--   a skill (the daily roll-up).

-- A batch's precondition. D1 runs a batch as one transaction, with no way to stop
-- midway when an earlier statement matched nothing; inserting a false condition here
-- aborts the whole batch instead. Used after compare-and-set updates:
--   INSERT INTO batch_precondition (holds) SELECT changes() = 1
-- rolls the batch back (and its audit row with it) when the update changed no row.
CREATE VIEW batch_precondition AS SELECT 1 AS holds;

CREATE TRIGGER batch_precondition_check
INSTEAD OF INSERT ON batch_precondition
WHEN NEW.holds IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'batch precondition failed');
END;
