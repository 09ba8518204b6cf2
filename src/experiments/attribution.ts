/**
 * Attribution: which pending assignments an event resolves, and how. Pure.
 *
 * - The customer reaches a later stage: every pending assignment of an earlier
 *   stage in the same journey succeeds if its window is still open, else fails.
 * - Won: every pending assignment of the journey succeeds (inside its window).
 * - Lost: every pending assignment of the journey fails.
 * - A window closes: that assignment fails (`window_expired`).
 * @module
 */

/** A pending assignment, as attribution needs it. */
export interface PendingAssignment {
  id: number;
  stage: string;
  windowEndsAt: number;
}

/** One resolution to apply. */
export interface Resolution {
  id: number;
  status: "success" | "failure";
  resolution: "advanced" | "won" | "lost" | "window_expired";
}

/** What happened to the customer. */
export type AttributionEvent = { kind: "advanced"; toStageIndex: number } | { kind: "won" } | { kind: "lost" };

/**
 * Decides the resolutions an event causes.
 * @param stageIndexOf position of a stage in the funnel.
 */
export function attribute(
  pending: readonly PendingAssignment[],
  event: AttributionEvent,
  now: number,
  stageIndexOf: (stage: string) => number,
): Resolution[] {
  const out: Resolution[] = [];
  for (const a of pending) {
    const open = now <= a.windowEndsAt;
    if (event.kind === "lost") {
      out.push({ id: a.id, status: "failure", resolution: open ? "lost" : "window_expired" });
    } else if (event.kind === "won") {
      out.push(open ? { id: a.id, status: "success", resolution: "won" } : expired(a.id));
    } else if (stageIndexOf(a.stage) < event.toStageIndex) {
      out.push(open ? { id: a.id, status: "success", resolution: "advanced" } : expired(a.id));
    }
  }
  return out;
}

function expired(id: number): Resolution {
  return { id, status: "failure", resolution: "window_expired" };
}
