-- Migration 0018 (global): the skill registry's statements read about what they answer,
-- with or without the planner's statistics (the tenant set's 0018 says why; the test
-- test/db/bounded-reads.test.ts holds every statement of src/core/db to it).

-- skills: GET /v1/skills lists the global skills and the tenant's own in id order, by
-- any of its filters. Each (visibility, status, platform) is one range in id order, and
-- a list is a merge of the ranges its filters leave; with a task, the task's ranges
-- (src/core/db/skills.ts). The seed's (visibility) held no order (a page read every global
-- skill), and its (task, platform, modality, status) no visibility: another tenant's
-- private skills were read too.
DROP INDEX idx_skills_visibility;
DROP INDEX idx_skills_task_platform;
CREATE INDEX idx_skills_list ON skills(visibility, status, platform, skill_id);
CREATE INDEX idx_skills_task_list ON skills(visibility, task, status, platform, skill_id);
-- The daily job re-projects the skills changed in the last days into the skills index
-- (src/core/skills/index-resync.ts): it read the whole registry every day.
CREATE INDEX idx_skills_updated ON skills(updated_at);

-- sharing_events: one action's events in the list's order (event id, newest first); the
-- seed's (action, timestamp DESC) had them sorted, every one of the action read a page.
DROP INDEX idx_sharing_events_action;
CREATE INDEX idx_sharing_events_action_id ON sharing_events(action, event_id DESC);
