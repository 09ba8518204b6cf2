/**
 * The part of the loaded playbooks the experiments need: the funnel's stages,
 * the loaded variant versions, and each stage's settings.
 * @module
 */
import type { StageSettings } from "./stage-settings.js";

/** The part of the loaded playbooks the experiments need (the engine's runtime satisfies it). */
export interface ExperimentPlaybooks {
  /** Active stage ids in funnel order. */
  readonly stageIds: readonly string[];
  /** Keys (`variant@version`) of every loaded variant. */
  readonly loadedKeys: ReadonlySet<string>;
  /**
   * The experiment settings of an active stage.
   * @throws Error for a stage that is not in the funnel.
   */
  settings(stage: string): StageSettings;
}
