import type { ActivityType } from "./model";

export interface DefinitionSummary {
  definitionId: string;
  name: string | null;
  version: number;
  isPublished: boolean;
  isLatest: boolean;
  publishedVersion?: number | null;
  runningInstances?: number;
  updatedAt?: string;
  publishedAt?: string | null;
  savedBy?: string | null;
  publishedBy?: string | null;
  /** Why it was published, in the publisher's words. */
  note?: string | null;
}

export interface Issue {
  severity: string;
  code: string;
  activityId: string | null;
  activityName: string | null;
  message: string;
}

export interface Change {
  kind: string;
  activityId: string | null;
  property: string | null;
  before: string | null;
  after: string | null;
  summary: string;
}

export interface InstanceDetail {
  instance: { id: string; definitionId: string; definitionVersion: number; correlationId: string | null; status: string; createdAt: string };
  json: string | null;
  journal: { at: string; kind: string; activityId: string | null; activityName: string | null; detail: string | null }[];
  waits: { activityId: string; kind: string; eventName: string | null; dueTime: string | null; tag: string | null }[];
  passed: string[];
  waiting: string[];
  /** For a case: its own history, oldest first (the journal is the engine's view of the same). */
  case?: string;
  timeline?: { at: string; type: string; level: number | null; text: string | null }[];
}

/** One level of an escalation as the server's escalation rule reads the flow. */
export interface EscalationLevel {
  level: number;
  timerId: string;
  escalateId: string | null;
  flagId: string | null;
}

export interface SimulatedLevel {
  level: number;
  timerId: string;
  due: string | null;
  dueText: string | null;
  limit: string;
  post: string | null;
  problem: string | null;
}

export interface WhatIf {
  now: string;
  soon: string;
  soonWorkingDays: number;
  publishedVersion: number | null;
  openCases: number;
  levels: { level: number; cases: number; published: { pastLimit: number | null; withinSoon: number | null }; draft: { pastLimit: number | null; withinSoon: number | null } }[];
}

export class ApiError extends Error {
  constructor(public status: number, message: string, public issues: Issue[] = []) {
    super(message);
  }
}

const base = "/designer/api";

// Every change carries the anti-forgery token of this session; the server refuses changes without it.
let session: Promise<{ user: string; antiforgeryToken: string; antiforgeryHeader: string }> | null = null;
const currentSession = () => (session ??= fetch(base + "/session", { credentials: "same-origin" }).then(async (r) => {
  if (!r.ok) { session = null; throw new ApiError(r.status, "Signed out."); }
  return r.json();
}));

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const method = (init?.method ?? "GET").toUpperCase();
  const headers = new Headers(init?.headers);
  if (method !== "GET" && method !== "HEAD") {
    const s = await currentSession().catch(() => null);
    if (s) headers.set(s.antiforgeryHeader, s.antiforgeryToken);
  }
  const response = await fetch(base + path, { credentials: "same-origin", ...init, headers });
  if (response.status === 401) {
    // The session ran out: back to the sign-in page, then here again.
    window.location.href = "/designer/login?ReturnUrl=" + encodeURIComponent(window.location.pathname + window.location.search);
    throw new ApiError(401, "Signed out.");
  }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, body?.message ?? String(body), body?.issues ?? []);
  return body as T;
}

const postJson = (text: string): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: text });

export const api = {
  signOut: async () => {
    const s = await currentSession();
    await fetch("/designer/logout", { method: "POST", credentials: "same-origin", headers: { [s.antiforgeryHeader]: s.antiforgeryToken } });
    session = null;
  },
  definitions: () => call<DefinitionSummary[]>("/definitions"),
  definition: (id: string, version?: number) =>
    call<{ definition: DefinitionSummary; json: string; versions: DefinitionSummary[]; runningInstances: number }>(
      `/definitions/${encodeURIComponent(id)}${version ? `?version=${version}` : ""}`),
  activityTypes: () => call<ActivityType[]>("/activity-types"),
  saveDraft: (json: string) => call<{ definition: DefinitionSummary; json: string; issues: Issue[] }>("/drafts", postJson(json)),
  importJson: (json: string) => call<{ definition: DefinitionSummary; json: string; issues: Issue[] }>("/import", postJson(json)),
  /** Issues, and every activity's output ports as the server will follow them (a FlowSwitch's cases included). */
  validate: (json: string) => call<{ issues: Issue[]; publishable: boolean; ports: Record<string, string[]>; levels: EscalationLevel[] }>("/validate", postJson(json)),
  publish: (id: string, version: number, note?: string) =>
    call<{ definition: DefinitionSummary; issues: Issue[] }>(
      `/definitions/${encodeURIComponent(id)}/publish?version=${version}${note ? `&note=${encodeURIComponent(note)}` : ""}`, { method: "POST" }),
  diff: (id: string, version: number) =>
    call<{ from: number; to: number; changes: Change[] }>(`/definitions/${encodeURIComponent(id)}/diff?version=${version}`),
  simulate: (json: string, registered: string, district: string, category: string) =>
    call<{ registered: string; levels: SimulatedLevel[] }>(
      `/simulate?registered=${encodeURIComponent(registered)}&district=${encodeURIComponent(district)}&category=${encodeURIComponent(category)}`, postJson(json)),
  whatIf: (json: string) => call<WhatIf>("/what-if", postJson(json)),
  exportUrl: (id: string, version: number) => `${base}/definitions/${encodeURIComponent(id)}/export?version=${version}`,
  instance: (idOrCase: string) =>
    call<{ detail: InstanceDetail; case: string; timeline: InstanceDetail["timeline"] }>(`/cases/${encodeURIComponent(idOrCase)}/instance`)
      .then((r): InstanceDetail => ({ ...r.detail, case: r.case, timeline: r.timeline })).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return call<InstanceDetail>(`/instances/${encodeURIComponent(idOrCase)}`);
      throw e;
    }),
};
