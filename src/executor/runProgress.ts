import { say, textOf, type Message, type Text } from '../core';
import type { Run, StepState } from './runTypes';

const BAR_WIDTH = 10;

/** "▓▓▓▓░░░░░░" — with the step counter in words next to it, never colour alone. */
export function progressBar(done: number, total: number): string {
  const filled = total <= 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

export function doneCount(run: Pick<Run, 'steps'>): number {
  return run.steps.filter((step) => step.status === 'done').length;
}

/** The step being worked on (or waiting, or failed), if any. */
export function currentStep(run: Pick<Run, 'steps'>): StepState | undefined {
  return run.steps.find((step) => step.status === 'running' || step.status === 'waiting' || step.status === 'failed') ?? run.steps.find((step) => step.status !== 'done');
}

/** "Step 7 of 21: Creating vault kv-a  ▓▓▓░░░░░░░" */
export function progressLine(run: Pick<Run, 'steps'>, index: number, what: Text): Message {
  const total = run.steps.length;
  const bar = progressBar(doneCount(run), total);
  return say('run.progress.line', `Step ${index + 1} of ${total}: ${textOf(what)}  ${bar}`, { n: index + 1, total, what, bar });
}
