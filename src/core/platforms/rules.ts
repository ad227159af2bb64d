// Each platform's rules for a post, checked before anything is sent or counted.
import type { FieldError } from "../problem";
import type { Platform } from "./types";
import { X_MAX_WEIGHTED_LENGTH, xWeightedLength } from "./x-text";

export interface PostDraft {
  text: string;
  imageUrl: string | null;
  videoUrl: string | null;
  hashtags: string[];
}

interface Rules {
  /** Longest text (characters, or X's weighted length). */
  maxLength: number;
  length: (text: string) => number;
  mediaRequired: boolean;
  video: boolean;
  maxHashtags: number;
}

const RULES: Record<Platform, Rules> = {
  // LinkedIn videos through the Videos API, X's through its chunked upload (linkedin.ts, x.ts).
  linkedin: { maxLength: 3000, length: (t) => [...t].length, mediaRequired: false, video: true, maxHashtags: 30 },
  twitter: {
    maxLength: X_MAX_WEIGHTED_LENGTH,
    length: xWeightedLength,
    mediaRequired: false,
    video: true,
    maxHashtags: 30,
  },
  facebook: { maxLength: 63_206, length: (t) => [...t].length, mediaRequired: false, video: true, maxHashtags: 30 },
  instagram: { maxLength: 2200, length: (t) => [...t].length, mediaRequired: true, video: true, maxHashtags: 30 },
};

const HASHTAG = /^#?[\p{L}\p{N}_]{1,100}$/u;

/** "#Tag" for each hashtag, as it is appended to the text. */
export function normaliseHashtags(hashtags: string[]): string[] {
  return hashtags.map((tag) => (tag.startsWith("#") ? tag : `#${tag}`));
}

/** The text as it is published: the body, then the hashtags on a line of their own. */
export function composeText(draft: PostDraft): string {
  const tags = normaliseHashtags(draft.hashtags).filter((tag) => !draft.text.includes(tag));
  return tags.length ? `${draft.text}\n\n${tags.join(" ")}` : draft.text;
}

function bodyError(field: string, message: string): FieldError {
  return { in: "body", field, message };
}

/**
 * What is wrong with `draft` for `platform`. `maxHashtags` is the tenant's own limit
 * (its default post configuration), when it has one.
 */
export function checkPost(platform: Platform, draft: PostDraft, maxHashtags?: number): FieldError[] {
  const rules = RULES[platform];
  const errors: FieldError[] = [];
  draft.hashtags.forEach((tag, index) => {
    if (!HASHTAG.test(tag)) errors.push(bodyError(`hashtags.${index}`, "a hashtag is letters, digits and _ only"));
  });
  const hashtagLimit = Math.min(rules.maxHashtags, maxHashtags ?? Number.POSITIVE_INFINITY);
  const text = composeText(draft);
  const tagCount = (text.match(/(^|\s)#[\p{L}\p{N}_]+/gu) ?? []).length;
  if (tagCount > hashtagLimit) {
    errors.push(bodyError("hashtags", `${platform} posts take at most ${hashtagLimit} hashtags here, not ${tagCount}`));
  }
  const length = rules.length(text);
  if (length > rules.maxLength) {
    errors.push(bodyError("text", `${platform} allows ${rules.maxLength} characters; this post has ${length}`));
  }
  if (draft.imageUrl && draft.videoUrl) errors.push(bodyError("video_url", "give an image or a video, not both"));
  if (draft.videoUrl && !rules.video) {
    errors.push(bodyError("video_url", `video posts to ${platform} are not supported; post an image or text`));
  }
  // Instagram takes JPEG images only; whether an image is one is decided from its bytes
  // when it is published (instagram-media.ts), not from its URL's name.
  if (rules.mediaRequired && !draft.imageUrl && !draft.videoUrl) {
    errors.push(bodyError("image_url", `${platform} posts need an image_url or a video_url`));
  }
  return errors;
}
