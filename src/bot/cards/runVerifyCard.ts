import { summarizeChecklist, WORKLOAD_INFO } from '../../customerKey';
import type { ReadinessReport } from '../../executor/executorPorts';
import type { Run } from '../../executor/runTypes';
import { checklistElements } from '../setup/setupCards';
import { card, facts, heading, notice, text, type AdaptiveCardJson } from './adaptiveCard';
import { formatUtc } from './approvalCard';

export interface VerifyCardView {
  run: Pick<Run, 'id' | 'requestId' | 'title'>;
  report: ReadinessReport;
}

/**
 * The `verify` answer: every key Keyward set up, checked against the Customer Key rules, red lines
 * first, each with its fix (the same checklist rendering as preflight). Read-only.
 */
export function renderVerifyCard(view: VerifyCardView): AdaptiveCardJson {
  const { report } = view;
  const summary = summarizeChecklist(report.lines);
  const workloads = [...new Set(report.keys.map((k) => WORKLOAD_INFO[k.workload].displayName))].join(', ');
  const verdict = summary.ready
    ? notice('success', `Ready: all ${summary.pass} checks are green${summary.warn > 0 ? ` (${summary.warn} warning${summary.warn === 1 ? '' : 's'})` : ''}.`)
    : notice('error', `Not ready: ${summary.fail} red and ${summary.unknown} unchecked line${summary.fail + summary.unknown === 1 ? '' : 's'}. Each red line says how to fix it.`);
  return card(
    [
      text('Customer Key readiness', { subtle: true, size: 'Small' }),
      heading(view.run.title, 'Medium'),
      verdict,
      facts([
        ['Keys', report.keys.map((k) => `${k.containerName}/${k.keyName}`).join(', ')],
        ['Workloads', workloads],
        ['Checked', `${formatUtc(report.checkedAt)} (read-only)`],
        ['Wrap/unwrap as the service principals', report.probed ? 'tested (local emulator)' : 'not tested (only possible against the emulator)'],
        ['Request', view.run.requestId],
      ]),
      ...checklistElements(report.lines),
    ],
    { fallbackText: `Customer Key readiness: ${summary.ready ? 'ready' : 'not ready'} (${summary.pass} green, ${summary.fail} red, ${summary.unknown} unchecked).` },
  );
}
