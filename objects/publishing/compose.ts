// The text as it goes out: hashtags appended, and, when the post carries UTM
// parameters, every link in it tagged with them (existing parameters win).
import { composeText, type PostDraft } from "../../src/platforms/rules";
import type { PostContent } from "../../src/platforms/types";

const LINK = /https?:\/\/[^\s<>"']+/gi;

export function tagLinks(text: string, utm: Record<string, string> | null): string {
  if (!utm || Object.keys(utm).length === 0) return text;
  return text.replace(LINK, (link) => {
    // Keep trailing punctuation outside the link.
    const trailing = /[.,;:!?)\]]+$/.exec(link)?.[0] ?? "";
    const bare = trailing ? link.slice(0, -trailing.length) : link;
    try {
      const url = new URL(bare);
      for (const [key, value] of Object.entries(utm)) {
        const name = `utm_${key}`;
        if (!url.searchParams.has(name)) url.searchParams.set(name, value);
      }
      return url.toString() + trailing;
    } catch {
      return link;
    }
  });
}

export function composePost(draft: PostDraft, utm: Record<string, string> | null): PostContent {
  return { text: tagLinks(composeText(draft), utm), imageUrl: draft.imageUrl, videoUrl: draft.videoUrl };
}
