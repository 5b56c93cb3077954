import { appError, say } from '../../core';
import { summarizeChecklist, type VerifyReadinessStep } from '../../customerKey';
import { isTransient } from '../retryPolicy';
import type { StepHandler } from '../stepHandler';

/**
 * verifyReadiness: the plan's last step, the same check as the `verify` command (see
 * ReadinessService for what it reads). A transient lookup failure retries the step; red or
 * unknown lines stop the run with the count and the first red line (the run card lists them all
 * with their fixes), and Retry re-runs only this check once they are fixed.
 */
export const readinessStep: StepHandler<VerifyReadinessStep> = {
  kind: 'verifyReadiness',
  describe: (step) => say('run.do.readiness', `Checking ${step.params.keys.length} keys against the Customer Key rules`, { count: step.params.keys.length }),
  target: (step) => step.params.keys.map((k) => `${k.containerName}/${k.keyName}`).join(', '),
  async check() {
    return { state: 'todo' };
  },
  async apply(step, context) {
    const report = await context.readiness.check(step.params, context.containers);
    const transient = report.errors.find((error) => isTransient(error));
    if (transient) throw transient;
    const summary = summarizeChecklist(report.lines);
    // The run's journal keeps the English (it is the record of what happened, not a card).
    const lines = report.lines.map((line) => ({ id: line.id, status: line.status, title: line.title.text, detail: line.detail.text, fix: line.fix?.text.text ?? null }));
    if (!summary.ready) {
      const first = report.lines.find((line) => line.status === 'fail') ?? report.lines.find((line) => line.status === 'unknown');
      throw appError(
        'RunFailed',
        `The readiness check found ${summary.fail} red and ${summary.unknown} unchecked line${summary.fail + summary.unknown === 1 ? '' : 's'}${first ? `, first: "${first.title.text}" — ${first.detail.text}${first.fix ? ` Fix: ${first.fix.text.text}` : ''}` : ''}. Everything created so far stays; fix it, then Retry (only this check runs again).`,
        { readinessLines: lines },
      );
    }
    return { ready: true, pass: summary.pass, warn: summary.warn, probed: report.probed, checkedAt: report.checkedAt, lines };
  },
  async verify(_step, _context, output) {
    return {
      output,
      note: say(
        'run.note.ready',
        `All keys meet the Customer Key rules (${String(output.pass)} checks green${Number(output.warn) > 0 ? `, ${String(output.warn)} warnings` : ''}${output.probed === true ? ', wrap/unwrap proven as each service principal' : ''}).`,
        { pass: String(output.pass), warn: Number(output.warn) > 0 ? String(output.warn) : 'none', probed: output.probed === true ? 'yes' : 'no' },
      ),
    };
  },
};
