import { summarizeChecklist, type Workload } from '../../customerKey';
import type { ReadinessReport } from '../../executor/executorPorts';
import type { Run } from '../../executor/runTypes';
import { localizer } from '../i18n/localizer';
import { checklistElements, workloadName } from '../setup/setupCards';
import { card, details, facts, heading, notice, text, type AdaptiveCardJson } from './adaptiveCard';
import { runTitle } from './runCard';

export interface VerifyCardView {
  /** The run checked; with its plan, its title is said in the reader's language. */
  run: Pick<Run, 'id' | 'requestId' | 'title'> & Partial<Pick<Run, 'plan'>>;
  report: ReadinessReport;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

/**
 * The `verify` answer: every key Keyward set up, checked against the Customer Key rules, red lines
 * first, each with its fix (the same checklist rendering as preflight); the green lines and the
 * facts open in place. Read-only.
 */
export function renderVerifyCard(view: VerifyCardView): AdaptiveCardJson {
  const l = localizer(view.locale);
  const { report } = view;
  const summary = summarizeChecklist(report.lines);
  const workloads = l.list([...new Set(report.keys.map((k) => k.workload))].map((w: Workload) => workloadName(l, w)));
  const verdict = summary.ready
    ? notice(l, 'success', l.t('verify.ready', { pass: summary.pass, warn: summary.warn }))
    : notice(l, 'error', l.t('verify.notReady', { fail: summary.fail, unknown: summary.unknown, total: summary.fail + summary.unknown }));
  return card(
    [
      text(l.t('verify.kicker'), { subtle: true, size: 'Small' }),
      heading(view.run.plan ? runTitle(l, { title: view.run.title, plan: view.run.plan }) : l.say(view.run.title), 'Medium'),
      verdict,
      ...checklistElements(l, report.lines, { greenInDetails: `verify.green.${view.run.id}` }),
      ...details(`verify.facts.${view.run.id}`, l.t('verify.factsToggle'), [
        facts(l, [
          [l.t('verify.keys'), report.keys.map((k) => `${k.containerName}/${k.keyName}`).join(', ')],
          [l.t('verify.workloads'), workloads],
          [l.t('verify.checked'), l.t('verify.checkedAt', { at: l.dateTime(report.checkedAt) })],
          [l.t('verify.probe'), report.probed ? l.t('verify.probed') : l.t('verify.notProbed')],
          [l.t('common.request'), view.run.requestId],
        ]),
      ]),
    ],
    { fallbackText: l.t('verify.fallback', { ready: summary.ready ? 'yes' : 'no', pass: summary.pass, fail: summary.fail, unknown: summary.unknown }) },
  );
}
