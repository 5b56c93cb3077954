import type { PLAN_EN } from './planEn';

// TODO(l10n): translate — until then the strict pseudo-locale and translation tests fail.
export const PLAN_FR: Readonly<Record<keyof typeof PLAN_EN, string>> = {} as Readonly<Record<keyof typeof PLAN_EN, string>>;
